"""The owner key of travel backups: who may make a backup that `travel restore` accepts.

A backup sealed to the recovery key and to organisations shares one file key among them,
so any co-recipient can open it, change it, sign it with a key of its own and seal it
again: the container and the device signature (the backup names its device key itself)
cannot tell. What can is a signature by a key only the owner has: the Ed25519 key derived
from the recovery key (crypto.recovery_key.backup_signing_seed). Restoring with the
recovery key derives the same public key and refuses anything it did not sign.

`travel prepare` must sign without the recovery key at hand (it is written down and kept
apart from the laptop), so the vault keeps the derived seed, never the recovery key
itself, in its database, which SQLCipher encrypts under the master key (so "under MK"):
app.owner_key.owner_key_rows, written at creation and at restore. It is the only secret in
`meta`, and nothing that leaves the vault carries it (the backup's database holds only
the device keys' public halves from `meta`). A vault made before this existed has no such row:
the first `travel prepare` asks for the recovery key once, checks it is this vault's, and
stores the seed. The cost, said in docs/travel-backup.md: whoever can unlock the vault can
make a backup its owner would restore; they can read and change the vault itself anyway.
"""

from __future__ import annotations

from app.errors import CannotUnlockError, IntegrityError
from app.notebook import Notebook
from app.owner_key import META_OWNER_PUBLIC_KEY, META_OWNER_SEED, owner_key_rows
from crypto.recovery_key import backup_keypair, backup_signing_seed
from crypto.signing import OwnerSigner


def owner_public_key(recovery_key: bytes) -> bytes:
    """The owner key's public half, derived from the recovery key alone."""
    seed = bytearray(backup_signing_seed(recovery_key))
    try:
        return OwnerSigner(bytes(seed)).public_key
    finally:
        seed[:] = bytes(len(seed))


def stored_signer(notebook: Notebook) -> OwnerSigner | None:
    """The owner signer this vault keeps, or None if it was made before it kept one."""
    with notebook.session.db.reading() as conn:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?)",
                (META_OWNER_PUBLIC_KEY, META_OWNER_SEED),
            ).fetchall()
        )
    if not rows:
        return None
    seed = bytearray()
    try:
        public_key = bytes.fromhex(str(rows[META_OWNER_PUBLIC_KEY]))
        seed = bytearray.fromhex(str(rows[META_OWNER_SEED]))
        signer = OwnerSigner(bytes(seed))  # ValueError unless 32 bytes
    except (KeyError, ValueError):
        raise IntegrityError("the vault's record of its backup signing key is damaged") from None
    finally:
        seed[:] = bytes(len(seed))
    if signer.public_key != public_key:
        raise IntegrityError("the vault's backup signing key does not match its record")
    return signer


def remember_signer(
    notebook: Notebook, recovery_key: bytes, recovery_public_key: bytes
) -> OwnerSigner:
    """Derive the owner signer from the recovery key and keep it (wrapped) in the vault.

    Refuses a recovery key that is not this vault's: a signer from another key would make
    backups that this vault's own recovery key then refuses.
    """
    if bytes(backup_keypair(recovery_key).public_key) != recovery_public_key:
        raise CannotUnlockError("this recovery key is not this vault's; nothing written")
    rows = owner_key_rows(recovery_key)
    with notebook.session.db.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", rows)
    signer = stored_signer(notebook)
    if signer is None:
        raise IntegrityError("the backup signing key was not stored")
    return signer
