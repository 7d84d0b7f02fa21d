"""Passphrase files: a UTF-8 BOM is dropped, lines end at LF or CRLF and nowhere else.

str.splitlines() also splits on U+2028, U+2029, U+0085, form feed and vertical tab; a
passphrase holding one would silently become its first fragment. Each case is checked
for files and for standard input, and once end to end: a vault made with such a
passphrase opens with it and not with the fragment.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli.secret_input import SecretReader, secret_lines
from app.errors import UsageError
from tests.conftest import CarnetEnv, create_vault, run_carnet

SEPARATORS_KEPT = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\r"]


def from_file(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "secret"
    path.write_bytes(data)
    return SecretReader().from_file(str(path), "passphrase")


def from_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, count: int = 1) -> list[str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="latin-1"))
    reader = SecretReader()
    return [reader.from_file("-", "passphrase") for _ in range(count)]


@pytest.mark.parametrize("separator", SEPARATORS_KEPT)
def test_only_lf_and_crlf_end_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, separator: str
) -> None:
    phrase = f"first half{separator}second half"
    assert from_file(tmp_path, (phrase + "\n").encode()) == phrase
    assert from_file(tmp_path, (phrase + "\r\nnext").encode()) == phrase
    assert from_stdin(monkeypatch, (phrase + "\r\nnew one\n").encode(), 2) == [phrase, "new one"]


def test_a_utf8_bom_is_not_part_of_the_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bom = "\ufeff".encode()
    assert from_file(tmp_path, bom + "pässphrase\r\n".encode()) == "pässphrase"
    assert from_stdin(monkeypatch, bom + "pässphrase\n".encode()) == ["pässphrase"]
    # Only one, and only at the very start: a second one is the user's character.
    assert from_file(tmp_path, bom + bom + b"x\n") == "\ufeffx"
    assert from_file(tmp_path, b"a" + bom + b"\n") == "a\ufeff"


def test_crlf_and_lf_give_the_same_line(tmp_path: Path) -> None:
    assert from_file(tmp_path, b"  spaces kept  \r\n") == "  spaces kept  "
    assert from_file(tmp_path, b"  spaces kept  \n") == "  spaces kept  "
    assert from_file(tmp_path, b"no newline at all") == "no newline at all"
    assert secret_lines("a\r\n\r\nb\n") == ["a", "", "b"]
    assert secret_lines("") == []


def test_empty_and_non_utf8_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for data in (b"", b"\n", "\ufeff\r\n".encode()):
        with pytest.raises(UsageError, match="empty"):
            from_file(tmp_path, data)
    with pytest.raises(UsageError, match="not UTF-8"):
        from_file(tmp_path, b"\xff\xfe p\x00a\x00")
    with pytest.raises(UsageError, match="not UTF-8"):
        from_stdin(monkeypatch, b"\xffpass\n")


def test_a_vault_made_with_a_line_separator_opens_with_it_not_its_fragment(
    carnet_env: CarnetEnv,
) -> None:
    phrase = "river stone\u2028lantern moth"
    vault = create_vault(carnet_env, phrase)
    assert (
        run_carnet(
            carnet_env,
            "incident",
            "list",
            "--passphrase-file",
            "-",
            stdin="\ufeff" + phrase + "\r\n",
        ).code
        == 0
    )
    fragment = carnet_env.secret_file("river stone", "fragment")
    result = run_carnet(carnet_env, "incident", "list", "--passphrase-file", str(fragment))
    assert result.code == 3, result.err
    assert vault.passphrase == phrase
