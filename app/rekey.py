"""`carnet rekey`: a new master key, so that no earlier copy of the header opens the vault.

The database is rekeyed in place, every slot rewrapped, the device share rotated, the
header rewritten in place. After it no earlier copy of the header (left by a version of
Carnet before the in-place format, in a backup, a snapshot) opens the vault, with any
passphrase or the recovery key: its master key no longer opens the database.

Crash-safe: the new header goes into one copy only, then the database is rekeyed (one
SQLCipher transaction), then the second copy; an unlock after a crash finds both master
keys from the same passphrase and finishes the job (app.store.database.finish_rekey).
The device signing key is derived from the master key, so it changes too: the old public
key is kept so that `custody verify` still checks the older rows. Two custody rows
record the change: one signed by the old key naming the new public key (the link that
lets any copy of the log, a travel backup's included, trust the new key's rows: nothing
else admits it), then one signed by the new key naming the old one. That first row is
written before the headers: a crash before the new key is in use leaves a link to a key
whose master key is gone, which no one can sign with. This works on VaultService's
internals (its unlock and keyring rotation), as a part of it kept in a module of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.custody import NEXT_SIGNER, CustodyAction, CustodyLog, remember_previous_signer
from app.errors import IntegrityError, WrongPassphraseError
from app.progress import Progress, no_progress
from app.store.database import Database
from app.unlocking import TAMPERED
from app.vault_creation import db_key
from app.vault_input import recovery_key_bytes
from crypto.errors import WrongKeyError
from crypto.header import new_master_key
from crypto.kdf import derive_key
from crypto.signing import PURPOSE_SIGNING_SEED, DeviceSigner
from crypto.vault_keys import HeaderIntegrityError, build_header, open_with_recovery_key

if TYPE_CHECKING:
    from app.vault import VaultService


@dataclass(frozen=True)
class RekeyReport:
    previous_signer: str  # fingerprints of the device signing key, before and after
    signer: str
    uses_device_share: bool


def rekey_vault(
    service: VaultService,
    passphrase: str,
    recovery_key_text: str,
    progress: Progress = no_progress,
) -> RekeyReport:
    """Rekey the vault of `service`: it asks for both secrets so that every slot,
    the recovery slot included, can be rewrapped under the new master key."""
    recovery_key = recovery_key_bytes(recovery_key_text)
    opened = service._open(passphrase, progress)
    old, old_key = opened.header, opened.master_key
    try:
        open_with_recovery_key(old, recovery_key)
    except WrongKeyError:
        raise WrongPassphraseError("this recovery key does not open this vault") from None
    except HeaderIntegrityError:
        raise IntegrityError(TAMPERED) from None
    new_key = new_master_key()
    share = service.rotation.stage(old.vault_id) if old.device_share_required else None
    fresh = build_header(
        master_key=new_key,
        stretched=opened.stretched,
        salt=old.salt,
        profile=old.profile,
        vault_id=old.vault_id,
        device_share=share,
        recovery_key=recovery_key,
        duress_stretched=None,
    )
    # The duress slot wraps a random token under the duress passphrase's key, bound
    # to the preamble, which a rekey keeps: it stays valid as it is.
    fresh = replace(fresh, duress_slot=old.duress_slot, wipe_after=old.wipe_after)
    old_signer = DeviceSigner(derive_key(old_key, PURPOSE_SIGNING_SEED))
    new_signer = DeviceSigner(derive_key(new_key, PURPOSE_SIGNING_SEED))
    db = Database.open(service.paths.store, db_key(old_key))
    try:
        with db.transaction() as conn:
            remember_previous_signer(conn, old_signer.public_key)
            # Signed by the outgoing key, naming the incoming one: this is what lets a
            # copy of the log (a travel backup's) trust the rows the new key signs.
            CustodyLog(db, old_signer).append(
                conn,
                CustodyAction.REKEY,
                "device signing key",
                None,
                {NEXT_SIGNER: new_signer.public_key.hex()},
            )
        state = opened.state
        progress(1, 3, "rekeying")
        service.headers.write_copy(
            state, 1 - state.newest_index, fresh.upgraded(state.sequence + 1, new_key)
        )
        db.rekey(db_key(new_key))
        progress(2, 3, "rekeying")
        state = service.read_state()
        service.headers.write(state, fresh.upgraded(state.sequence + 1, new_key))
        CustodyLog(db, new_signer).record(
            CustodyAction.REKEY, "vault", None, {"previous_signer": old_signer.fingerprint}
        )
    finally:
        db.close()
    if share is not None:
        service.rotation.promote(old.vault_id, share)
    progress(3, 3, "done")
    return RekeyReport(
        previous_signer=old_signer.fingerprint,
        signer=new_signer.fingerprint,
        uses_device_share=share is not None,
    )
