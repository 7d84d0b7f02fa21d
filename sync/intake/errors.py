"""The intake's errors: part of sync/'s one hierarchy (sync.errors.SyncError).

Raised while setting the server up or reading its store, never while serving a request
(a request's problem is an HTTP status, not an exception). Each message is one line an
organisation can act on and names no token. app/cli/intake_commands.py maps each class
to the command-line contract's exit code.
"""

from __future__ import annotations

from sync.errors import SyncError


class IntakeError(SyncError):
    """Base of the intake's errors."""


class IntakeConfigError(IntakeError):
    """An option cannot work: a bad size, an empty token file, a public address without
    a token (usage, exit 2)."""


class IntakeStoreMissingError(IntakeError):
    """The store folder or the token file does not exist (not found, exit 5)."""


class IntakeStoreError(IntakeError):
    """The store cannot be used: not a folder, not writable, a damaged upload record."""


class IntakeBindError(IntakeError):
    """The address cannot be listened on (in use, not this machine's, no permission)."""
