"""The device share across header updates: which one the header uses, a new one staged
under its pending name, promoted once the header names it, settled after an unlock.

A new share is stored before the header that needs it is written, and the old one is
deleted only after, so a crash at any point leaves a share that opens the header in
force (app/unlocking.py tries the pending name too); a stale header copy cannot open
here once the old share is gone.
"""

from __future__ import annotations

import contextlib

import nacl.utils

from app.device_share import SHARE_BYTES, DeviceShareStore, pending_share_id
from app.errors import CarnetError, DeviceShareMissingError
from app.unlocking import ShareOption
from crypto.header import VaultHeader


class ShareRotation:
    """The device-share steps of passphrase changes, recovery, rekey and unlock."""

    def __init__(self, shares: DeviceShareStore) -> None:
        self.shares = shares

    def __repr__(self) -> str:
        return "ShareRotation()"

    def current(self, header: VaultHeader) -> bytes | None:
        """The share the passphrase slot uses (after an unlock has settled it)."""
        if not header.device_share_required:
            return None
        share = self.shares.get(header.vault_id)
        if share is None:
            raise DeviceShareMissingError("the device share is no longer in the keyring")
        return share

    def stage(self, vault_id: bytes) -> bytes:
        """A new device share, stored under its pending name until the header uses it."""
        share = nacl.utils.random(SHARE_BYTES)
        self.shares.put(pending_share_id(vault_id), share)
        return share

    def promote(self, vault_id: bytes, share: bytes) -> None:
        """The header now uses `share`: it replaces the old one, and the pending name goes.
        Best effort: the change is already in force (the header names the new share), and
        a share left under its pending name is promoted by the next unlock."""
        with contextlib.suppress(CarnetError):
            self.shares.put(vault_id, share)
            self.shares.delete(pending_share_id(vault_id))

    def settle(self, vault_id: bytes, used: ShareOption, options: list[ShareOption]) -> None:
        """After an unlock: a share found under its pending name becomes the share; an
        unused pending one (a rotation that never reached the header) goes. Best effort:
        the unlock has succeeded, and the next one tries again."""
        with contextlib.suppress(CarnetError):
            if used.pending and used.share is not None:
                self.promote(vault_id, used.share)
            elif any(o.pending and o.vault_id == vault_id for o in options):
                self.shares.delete(pending_share_id(vault_id))
