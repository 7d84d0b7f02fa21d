"""Reading passphrases and recovery keys: a terminal prompt or a file, never argv or env.

`--passphrase-file -` (and the other *-file options) read standard input. When several
of them name `-`, they take successive lines in the order the command asks for them
(passwd: current, new; init: new, duress; recover: recovery key, new).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from app.errors import UsageError

MAX_SECRET_FILE = 64 * 1024


class SecretReader:
    def __init__(self) -> None:
        self._stdin_lines: list[str] | None = None
        self._stdin_used = 0

    def _stdin_line(self, what: str) -> str:
        if self._stdin_lines is None:
            data = sys.stdin.read(MAX_SECRET_FILE + 1)
            if len(data) > MAX_SECRET_FILE:
                raise UsageError(f"standard input is too long for a {what}")
            self._stdin_lines = data.splitlines()
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
                with Path(source).open("r", encoding="utf-8") as handle:
                    data = handle.read(MAX_SECRET_FILE + 1)
            except OSError as exc:
                raise UsageError(f"cannot read the {what} file: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise UsageError(f"the {what} file is not UTF-8 text") from None
            if len(data) > MAX_SECRET_FILE:
                raise UsageError(f"the {what} file is too long")
            lines = data.splitlines()
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


def _require_terminal(what: str, option: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError(f"no terminal to ask for the {what}; use {option} FILE (or - for stdin)")
