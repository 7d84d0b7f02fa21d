"""The organisation's key file: made by `carnet keygen`, opened to read bundles.

The file holds an X25519 key pair, the secret half encrypted under a passphrase
(crypto/recipient_keys.py). It is written atomically, readable by its owner only, and
never overwritten: losing an organisation's key loses every bundle sealed to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.errors import StorageError, UsageError, WrongPassphraseError
from app.fsutil import read_capped, write_new_file
from app.vault_input import check_new_passphrase
from crypto.errors import MalformedError, WrongKeyError
from crypto.kdf import KdfProfile, normalize_passphrase
from crypto.public_keys import encode_public_key, key_fingerprint
from crypto.recipient_keys import (
    FILE_BYTES,
    RecipientKeyPair,
    generate_key_pair,
    open_key_file,
    seal_key_file,
)


@dataclass(frozen=True)
class CreatedKey:
    public_key: str
    fingerprint: str


def create_key_file(
    path: Path, passphrase: str, profile: KdfProfile = KdfProfile.MODERATE
) -> CreatedKey:
    check_new_passphrase(passphrase)
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} exists already; Carnet never overwrites a key file")
    if not path.parent.is_dir():
        raise UsageError(f"no folder {path.parent}")
    pair = generate_key_pair()
    write_new_file(path, seal_key_file(pair, normalize_passphrase(passphrase), profile))
    return CreatedKey(encode_public_key(pair.public_key), key_fingerprint(pair.public_key))


def load_key_file(path: Path, passphrase: str) -> RecipientKeyPair:
    """The key pair; exit 3 for a wrong passphrase, 2 for a file that is not a key file."""
    try:
        data = read_capped(path, FILE_BYTES)
    except FileNotFoundError:
        raise UsageError(f"no key file {path}") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    try:
        return open_key_file(data, normalize_passphrase(passphrase))
    except WrongKeyError:
        raise WrongPassphraseError("wrong passphrase for this key file") from None
    except MalformedError as exc:
        raise UsageError(f"{path}: {exc.message}") from None
