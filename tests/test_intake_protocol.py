"""The intake's header parsers (sync/intake/protocol.py): exact, capped, never crashing.

Property tests: whatever text a client puts in a header, the parser returns the value
the header states or raises ProtocolError with a 4xx status — never another exception,
never a number from a form other servers would read differently.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.intake.protocol import (
    ProtocolError,
    bearer_matches,
    check_offset_content_type,
    check_tus_resumable,
    parse_checksum,
    parse_number,
    parse_upload_id,
    parse_upload_length,
)

ASCII_NUMBER = re.compile(r"[0-9]{1,19}")


@given(st.integers(min_value=0, max_value=10**19 - 1))
def test_a_number_round_trips(value: int) -> None:
    assert parse_number(str(value), "Upload-Offset") == value


@given(st.text(max_size=40))
def test_any_text_is_a_number_only_in_plain_ascii_digits(text: str) -> None:
    try:
        value = parse_number(text, "Upload-Offset")
    except ProtocolError as exc:
        assert exc.status == 400
        assert not ASCII_NUMBER.fullmatch(text)
    else:
        assert ASCII_NUMBER.fullmatch(text)
        assert value == int(text)


@pytest.mark.parametrize(
    "text", ["", "+1", "-1", " 1", "1 ", "1_000", "١٢", "²", "0x10", "1e3", "9" * 20]
)
def test_forms_int_would_accept_are_refused(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_number(text, "Upload-Length")


def test_missing_number_is_400() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_number(None, "Upload-Offset")
    assert caught.value.status == 400


@given(st.integers(min_value=0, max_value=10**6))
def test_upload_length_over_the_cap_is_413(length: int) -> None:
    cap = 1000
    if length > cap:
        with pytest.raises(ProtocolError) as caught:
            parse_upload_length(str(length), cap)
        assert caught.value.status == 413
    else:
        assert parse_upload_length(str(length), cap) == length


@given(st.text(max_size=70))
def test_upload_ids_are_only_the_intakes_own_form(text: str) -> None:
    try:
        assert parse_upload_id(text) == text
    except ProtocolError as exc:
        assert exc.status == 404
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", text)


@pytest.mark.parametrize("text", ["../" * 10 + "etc", "0" * 31 + "/", "A" * 32, "0" * 33])
def test_path_like_ids_are_refused(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_upload_id(text)


@given(st.binary(min_size=0, max_size=64))
def test_a_sha256_checksum_parses(data: bytes) -> None:
    digest = hashlib.sha256(data).digest()
    parsed = parse_checksum("sha256 " + base64.b64encode(digest).decode())
    assert parsed is not None
    assert parsed.digest == digest


@given(st.text(max_size=200))
def test_any_checksum_header_parses_or_is_400(text: str) -> None:
    try:
        parsed = parse_checksum(text)
    except ProtocolError as exc:
        assert exc.status == 400
    else:
        assert parsed is not None
        assert parsed.algorithm == "sha256"
        assert len(parsed.digest) == 32


@pytest.mark.parametrize(
    "text",
    [
        "sha1 " + base64.b64encode(hashlib.sha1(b"").digest()).decode(),  # noqa: S324
        "sha256 " + base64.b64encode(b"short").decode(),
        "sha256 not*base64",
        "sha256",
        "sha256  " + base64.b64encode(hashlib.sha256(b"").digest()).decode(),
    ],
)
def test_bad_checksums_are_400(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_checksum(text)
    assert caught.value.status == 400


@given(st.one_of(st.none(), st.text(max_size=20)))
def test_tus_resumable_must_be_exactly_1_0_0(text: str | None) -> None:
    if text == "1.0.0":
        check_tus_resumable(text)
    else:
        with pytest.raises(ProtocolError) as caught:
            check_tus_resumable(text)
        assert caught.value.status == 412


@given(st.one_of(st.none(), st.text(max_size=60)))
def test_content_type_must_be_offset_octet_stream(text: str | None) -> None:
    try:
        check_offset_content_type(text)
    except ProtocolError as exc:
        assert exc.status == 415
    else:
        assert text is not None
        assert text.split(";")[0].strip().lower() == "application/offset+octet-stream"


TOKEN = b"s3cret-token-0123456789"


@given(st.one_of(st.none(), st.text(max_size=60)))
def test_only_the_exact_bearer_token_matches(header: str | None) -> None:
    expected = header is not None and (
        header.partition(" ")[0].lower() == "bearer"
        and header.partition(" ")[2].strip() == TOKEN.decode()
    )
    assert bearer_matches(header, TOKEN) is expected


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ("Bearer s3cret-token-0123456789", True),
        ("bearer s3cret-token-0123456789", True),
        ("Bearer s3cret-token-012345678", False),
        ("Bearer s3cret-token-01234567890", False),
        ("Basic s3cret-token-0123456789", False),
        ("s3cret-token-0123456789", False),
        ("Bearer", False),
        ("Bearer sécret", False),
    ],
)
def test_bearer_examples(header: str, matches: bool) -> None:
    assert bearer_matches(header, TOKEN) is matches
