"""What every command handler gets: the parsed arguments and ways to reach the vault."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TypeAlias

from app.cli.secret_input import SecretReader
from app.device_share import KeyringDeviceShares
from app.notebook import Notebook
from app.paths import resolve_vault_dir
from app.progress import Progress
from app.session import VaultSession
from app.vault import VaultService

Subcommands: TypeAlias = "argparse._SubParsersAction[Any]"


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.secrets = SecretReader()
        self.paths = resolve_vault_dir(getattr(args, "vault", None))
        self._sessions: list[VaultSession] = []

    def vault_service(self, shares: Any = None) -> VaultService:
        return VaultService(
            self.paths,
            shares if shares is not None else KeyringDeviceShares(),
            notify=lambda message: self.note(f"carnet: {message}"),
        )

    def open_notebook(self) -> Notebook:
        service = self.vault_service()
        service.read_header()  # a missing or damaged vault is reported before any prompt
        passphrase = self.secrets.existing(getattr(self.args, "passphrase_file", None))
        session = service.unlock(passphrase, progress=self.progress())
        self._sessions.append(session)
        return Notebook(session)

    def finish(self, *, detach: bool = False) -> None:
        """After the command's output: work an unlock left running (removing a
        duress-wiped vault's old files) is waited for, or, with `detach` (the real
        command, about to exit), left to finish on its own so the command ends as fast as
        after a normal unlock."""
        for session in self._sessions:
            if detach:
                session.detach()
            else:
                session.wait()

    def progress(self) -> Progress:
        """A one-line progress display on stderr when it is a terminal, else nothing."""
        if not sys.stderr.isatty():
            return lambda done, total, stage: None
        labels = {
            "deriving-key": "Deriving key",
            "importing": "Importing",
            "creating-store": "Creating the encrypted store",
            "attaching": "Encrypting",
            "extracting": "Decrypting",
            "exporting": "Sealing",
            "backing-up": "Sealing the backup",
            "restoring": "Restoring",
            "verifying-backup": "Checking the backup",
            "rekeying": "Re-encrypting the database",
        }
        byte_stages = (
            "attaching",
            "extracting",
            "exporting",
            "backing-up",
            "restoring",
            "verifying-backup",
        )

        def show(done: int, total: int, stage: str) -> None:
            label = labels.get(stage)
            counted = stage == "importing" or stage in byte_stages
            if label is None or (counted and (total <= 1 or done >= total)):
                sys.stderr.write("\r\x1b[2K")  # finished, or too quick to be worth a line
            else:
                if stage in byte_stages:
                    suffix = f" {done * 100 // total}%"
                else:
                    suffix = f" {done}/{total}" if stage == "importing" else "…"
                sys.stderr.write(f"\r\x1b[2K{label}{suffix}")
            sys.stderr.flush()

        return show

    @staticmethod
    def out(line: str = "") -> None:
        sys.stdout.write(line + "\n")

    @staticmethod
    def note(line: str) -> None:
        """A message for the person, not for a script: standard error."""
        sys.stderr.write(line + "\n")

    @staticmethod
    def out_json(value: Any) -> None:
        sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")

    def confirm(self, question: str) -> bool:
        """Ask on the terminal; without one, only --yes confirms."""
        if getattr(self.args, "yes", False):
            return True
        if not sys.stdin.isatty():
            from app.errors import UsageError

            raise UsageError("no terminal to confirm on; add --yes to confirm")
        answer = input(f"{question} [y/N] ").strip().lower()
        return answer in ("y", "yes", "o", "oui")
