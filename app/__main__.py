"""The `carnet` entry point: with no arguments the GUI, with `--vault DIR` alone the GUI
on that vault, otherwise the command line.

This is the one place in app/ that may import ui/, and only lazily, so the command line
never loads Qt.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    # Everything Carnet creates is for the user alone, whatever the shell's umask.
    os.umask(0o077)
    args = sys.argv[1:] if argv is None else argv
    if not args:
        return _open_gui(None)
    vault_dir = _gui_vault(args)
    if vault_dir is not None:
        # Straight to the desktop app: the command line's parser would import every
        # command's code (media, PDF, export) before the unlock window could show.
        return _open_gui(vault_dir)
    from app.cli.main import run

    # A real process (no argv given) may leave background work to a child as it exits;
    # an in-process call (tests, tools) waits for it.
    return run(args, detach_background=argv is None, open_gui=_open_gui)


def _gui_vault(args: list[str]) -> str | None:
    """DIR when the line is exactly `--vault DIR` (or `--vault=DIR`) with a DIR that
    cannot be an option; anything else (even `--vault -x`) goes to the real parser."""
    if len(args) == 2 and args[0] == "--vault":
        candidate = args[1]
    elif len(args) == 1 and args[0].startswith("--vault="):
        candidate = args[0].removeprefix("--vault=")
    else:
        return None
    return candidate if candidate and not candidate.startswith("-") else None


def _open_gui(vault_dir: str | None) -> int:
    from ui.launch import launch_gui

    return launch_gui(vault_dir)


if __name__ == "__main__":
    sys.exit(main())
