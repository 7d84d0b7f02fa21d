"""What an attach request names: the files, with folders walked, each with the name to
record and, for what cannot be attached, the reason, so a batch reports every file
without stopping at the first bad one."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from app.evidence.file_names import MAX_NAME_CHARS

NO_SUCH_FILE = "no such file"


def expand_sources(sources: Sequence[Path]) -> Iterator[tuple[Path, str, int, str | None]]:
    """(path, name to record, size, problem) for every file named or inside a named folder.

    Symbolic links inside folders are skipped (reported), so walking a folder never
    leaves it; a link named on the command line is followed, since the user chose it.
    """
    for source in sources:
        try:
            source.stat()
        except FileNotFoundError:
            yield source, source.name, 0, NO_SUCH_FILE
            continue
        except OSError as exc:  # a name too long, a folder we may not enter, ...
            yield source, source.name[:MAX_NAME_CHARS], 0, exc.strerror or "cannot be read"
            continue
        if source.is_dir():
            for root, dirs, files in os.walk(source):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root) / name
                    relative = path.relative_to(source.parent).as_posix()
                    if path.is_symlink():
                        yield path, relative, 0, "a symbolic link inside a folder; skipped"
                    elif not path.is_file():
                        yield path, relative, 0, "not a regular file; skipped"
                    else:
                        yield path, relative, path.stat().st_size, None
        elif source.is_file():
            yield source, source.name, source.stat().st_size, None
        elif source.exists():
            yield source, source.name, 0, "not a regular file"
        else:
            yield source, source.name, 0, NO_SUCH_FILE


def os_reason(exc: OSError) -> str:
    """An OSError as the few words an outcome shows (never the path it names)."""
    return exc.strerror.lower() if exc.strerror else "I/O error"
