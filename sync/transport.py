"""What every transport offers app/: send one opaque file, resumably, and say where it went.

sync/ knows nothing of the vault: it gets a path and its size, reports progress and asks
whether to stop through plain callables (app/ passes its Progress and CancelToken), and
hands the state needed to resume to `save_state`, which app/ keeps in the encrypted store
(never a plaintext file). The next send passes the last saved state back in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes in all)
CancelledCheck = Callable[[], bool]  # True once the person asked to stop


@dataclass(frozen=True)
class UploadState:
    """Where an interrupted send stands: the server's upload URL (tus) or the partial
    file's name (folder), and how many bytes the destination confirmed."""

    location: str
    offset: int


@dataclass(frozen=True)
class Delivery:
    """A finished send: where the bundle now is (the server's upload URL, or the final
    path in the folder) and the SHA-256 the destination's copy was checked against."""

    location: str
    sha256: str


class Transport(Protocol):
    def describe(self) -> str:
        """One line for `destination show`, naming no secret (no token)."""

    def send(
        self,
        source: Path,
        size: int,
        sha256: str,
        *,
        resume: UploadState | None,
        save_state: Callable[[UploadState], None],
        progress: ProgressCallback,
        cancelled: CancelledCheck,
    ) -> Delivery:
        """Send `source` (its bytes must hash to `sha256`), resuming from `resume` when
        the destination still holds it. Raises sync.errors.TransportError."""
