"""report.thumbnail: one Pillow format per media type, under intake's bomb guard.

The exporter makes thumbnails of the defender's images and the bundle reader makes them
again from a received bundle's images, which anyone holding the public key can craft.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from app.export.report import thumbnail
from tests.image_factory import make_jpeg


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_jpeg_gets_a_thumbnail() -> None:
    uri = thumbnail(make_jpeg(None), "image/jpeg")
    assert uri is not None and uri.startswith("data:image/jpeg;base64,")


def test_only_the_format_its_media_type_names_is_tried() -> None:
    png = _png((40, 40))
    assert thumbnail(png, "image/png") is not None
    assert thumbnail(png, "image/jpeg") is None  # a PNG posing as a JPEG: not guessed at
    assert thumbnail(png, "application/postscript") is None


def test_decompression_bomb_gets_no_thumbnail(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,600 pixels over a limit of 1,000: Pillow itself only warns (it raises above twice
    # the limit), so only the guard stops the decode.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert thumbnail(_png((40, 40)), "image/png") is None
    assert thumbnail(_png((30, 30)), "image/png") is not None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["image/jpeg", "image/png", "image/gif"]))
def test_hostile_bytes_never_raise(data: bytes, media_type: str) -> None:
    result = thumbnail(data, media_type)
    assert result is None or result.startswith("data:image/jpeg;base64,")
