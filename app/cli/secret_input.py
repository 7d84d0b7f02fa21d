"""Reading passphrases and recovery keys: a terminal prompt or a file, never argv or env.

`--passphrase-file -` (and the other *-file options) read standard input. When several
of them name `-`, they take successive lines in the order the command asks for them
(passwd: current, new; init: new, duress; recover: recovery key, new).

A file's text is split into lines on "\n" and "\r\n" only. str.splitlines() would also
split on U+2028, U+2029, U+0085, form feed, vertical tab and the other Unicode line
separators, so a passphrase holding one of them (a phrase pasted from a web page or a
word processor) would be cut short, silently, to something much weaker. A UTF-8 byte
order mark at the start (Windows Notepad writes one) is not part of the passphrase and is
removed; every other character is kept exactly, spaces included.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from app.errors import UsageError

MAX_SECRET_FILE = 64 * 1024
BOM = "\ufeff"


def secret_lines(text: str) -> list[str]:
    """The lines of a secret file: a leading BOM dropped, split on LF or CRLF only.

    A final newline does not make an extra empty line (as with str.splitlines()).
    """
    if text.startswith(BOM):
        text = text[len(BOM) :]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class SecretReader:
    def __init__(self) -> None:
        self._stdin_lines: list[str] | None = None
        self._stdin_used = 0

    def _stdin_line(self, what: str) -> str:
        if self._stdin_lines is None:
            data = _read_stdin(what)
            self._stdin_lines = secret_lines(data)
        if self._stdin_used >= len(self._stdin_lines):
            raise UsageError(f"standard input has no line left for the {what}")
        line = self._stdin_lines[self._stdin_used]
        self._stdin_used += 1
        return line

    def from_file(self, source: str, what: str) -> str:
        """The first line of the file (or the next line of stdin for '-'), newline removed."""
        if source == "-":
            line = self._stdin_line(what)
        else:
            try:
                # newline="": no translation, so only \n and \r\n end a line (see above).
                with Path(source).open("r", encoding="utf-8", newline="") as handle:
                    data = handle.read(MAX_SECRET_FILE + 1)
            except OSError as exc:
                raise UsageError(f"cannot read the {what} file: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise UsageError(f"the {what} file is not UTF-8 text") from None
            if len(data) > MAX_SECRET_FILE:
                raise UsageError(f"the {what} file is too long")
            lines = secret_lines(data)
            line = lines[0] if lines else ""
        if not line:
            raise UsageError(f"the {what} file is empty")
        return line

    def existing(
        self, source: str | None, what: str = "passphrase", option: str = "--passphrase-file"
    ) -> str:
        if source is not None:
            return self.from_file(source, what)
        _require_terminal(what, option)
        value = getpass.getpass(f"{what.capitalize()}: ")
        if not value:
            raise UsageError(f"no {what} given")
        return value

    def new(
        self,
        source: str | None,
        what: str = "new passphrase",
        option: str = "--new-passphrase-file",
    ) -> str:
        if source is not None:
            return self.from_file(source, what)
        _require_terminal(what, option)
        first = getpass.getpass(f"{what.capitalize()}: ")
        second = getpass.getpass(f"{what.capitalize()} (again): ")
        if first != second:
            raise UsageError("the two entries differ; nothing was changed")
        if not first:
            raise UsageError(f"no {what} given")
        return first


def _read_stdin(what: str) -> str:
    """Standard input as UTF-8, read as bytes: a text-mode stdin would translate a lone
    "\r" into a line end and decode with the locale's encoding, not UTF-8."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # replaced by a plain text stream (an embedding program)
        data = sys.stdin.read(MAX_SECRET_FILE + 1)
    else:
        chunk = raw.read(4 * MAX_SECRET_FILE + 1)  # UTF-8: at most 4 bytes a character
        if len(chunk) > 4 * MAX_SECRET_FILE:
            raise UsageError(f"standard input is too long for a {what}")
        try:
            data = chunk.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"standard input is not UTF-8 text for the {what}") from None
    if len(data) > MAX_SECRET_FILE:
        raise UsageError(f"standard input is too long for a {what}")
    return data


def _require_terminal(what: str, option: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError(f"no terminal to ask for the {what}; use {option} FILE (or - for stdin)")
