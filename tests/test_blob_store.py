"""The blob store's own refusals (app/evidence/blobs.py), apart from the attachment flows."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import IntegrityError
from app.evidence.blobs import BlobStore


@pytest.mark.parametrize(
    "blob_id",
    ["../../" + "a" * 26, "/etc/passwd", "A" * 32, "a" * 31, "a" * 33, "", "a" * 31 + "/"],
)
def test_a_blob_id_that_is_not_32_hex_digits_names_no_path(tmp_path: Path, blob_id: str) -> None:
    """A row naming `../../x` must never become a path outside the blobs folder."""
    with pytest.raises(IntegrityError):
        BlobStore(tmp_path / "blobs").path(blob_id)


def test_a_well_formed_blob_id_is_under_its_prefix_folder(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    blob_id = BlobStore.new_id()
    assert store.path(blob_id) == tmp_path / "blobs" / blob_id[:2] / blob_id
