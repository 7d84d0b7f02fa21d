"""The `carnet` entry point: with no arguments the GUI, otherwise the command line.

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
        from ui.launch import launch_gui

        return launch_gui()
    from app.cli.main import run

    # A real process (no argv given) may leave background work to a child as it exits;
    # an in-process call (tests, tools) waits for it.
    return run(args, detach_background=argv is None)


if __name__ == "__main__":
    sys.exit(main())
