"""Where a vault keeps the owner key of its travel backups: two rows of its `meta` table.

A module of its own so that vault creation (app.vault_creation) and `travel prepare`
(app.travel.owner) write the same rows, without either importing the other.
"""

from __future__ import annotations

from crypto.recovery_key import backup_signing_seed
from crypto.signing import OwnerSigner

# The travel backup's owner key (crypto/signing.py, OwnerSigner): its public half, and its
# seed, kept in the encrypted database so that `travel prepare` can sign as the owner
# without asking for the recovery key each time (app/travel/owner.py says why).
META_OWNER_PUBLIC_KEY = "travel_owner_public_key"
META_OWNER_SEED = "travel_owner_seed"


def owner_key_rows(recovery_key: bytes) -> list[tuple[str, str]]:
    """The meta rows that let this vault sign travel backups as the recovery key's holder.

    Only the derived seed is kept, never the recovery key: the recovery key also opens
    every backup ever sealed to it and unwraps the master key; the seed can only sign.
    Kept in the database, which SQLCipher encrypts under the master key's subkey, and
    not wrapped again under the master key: a rekey re-encrypts the database with the
    new key and keeps the recovery key, so the row stays valid with no step of its own.
    """
    seed = bytearray(backup_signing_seed(recovery_key))
    try:
        public_key = OwnerSigner(bytes(seed)).public_key
        return [(META_OWNER_PUBLIC_KEY, public_key.hex()), (META_OWNER_SEED, seed.hex())]
    finally:
        seed[:] = bytes(len(seed))
