"""travel prepare|restore: a full backup to the recovery key before a crossing, and back."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.context import Context, Subcommands
from app.cli.wipe_commands import wipe_after_warning
from app.device_share import KeyringDeviceShares, NoDeviceShares
from app.errors import CannotUnlockError, IntegrityError, UsageError
from app.key_files import load_key_file
from app.paths import VaultPaths
from app.travel.backup import recovery_public_key, write_backup
from app.travel.owner import owner_public_key, remember_signer, stored_signer
from app.travel.restore import recovery_recipient, restore_backup, verify_backup
from app.unsent import count_unsent
from app.vault_input import recovery_key_bytes
from app.wipe import WipeService
from crypto.kdf import KdfProfile

ORGANISATION_NOTE = (
    "Opened with an organisation's key: the owner's signature, made with the recovery key, "
    "cannot be checked without that key; what was checked is the device signature and every "
    "file's SHA-256, which any recipient of this backup could also have re-made."
)


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    travel = sub.add_parser(
        "travel",
        parents=[common],
        help="before a crossing: back up to your recovery key, wipe; after: restore",
    )
    actions = travel.add_subparsers(dest="action", required=True, metavar="ACTION")
    prepare = actions.add_parser(
        "prepare",
        parents=[common],
        help="write a full backup sealed to the recovery key (then wipe, with --wipe)",
        description="Write a full backup (every incident, person, intervention, attachment "
        "and the custody log) sealed to this vault's recovery key. With --to, it is also "
        "sealed to a destination's keys (and queued in the outbox unless --out is given). "
        "With --wipe, the backup is first opened again with the recovery key and checked "
        "byte for byte, and only then is the vault wiped.",
    )
    prepare.add_argument("--to", metavar="DESTINATION", action="append", default=[])
    prepare.add_argument("--out", metavar="FILE", type=Path, help="write the backup to FILE")
    prepare.add_argument(
        "--wipe", action="store_true", help="wipe the vault once the backup is verified"
    )
    prepare.add_argument(
        "--recovery-key-file",
        metavar="F",
        help="the recovery key, to verify the backup (needed with --wipe; else prompted)",
    )
    prepare.add_argument("--yes", action="store_true", help="do not ask before the wipe")
    prepare.set_defaults(handler=cmd_prepare)

    restore = actions.add_parser(
        "restore",
        parents=[common],
        help="build a new vault from a travel backup and the recovery key",
    )
    restore.add_argument("bundle", type=Path, metavar="BUNDLE")
    restore.add_argument(
        "--recovery-key-file", metavar="F", help="read the recovery key from F (- for stdin)"
    )
    restore.add_argument(
        "--key",
        metavar="KEYFILE",
        type=Path,
        help="(organisations) open a backup sealed to you with your key file instead; its "
        "passphrase comes from --passphrase-file or a prompt",
    )
    restore.add_argument("--new-passphrase-file", metavar="F")
    restore.add_argument("--kdf-profile", choices=[p.value for p in KdfProfile], default="moderate")
    restore.add_argument("--no-keyring", action="store_true")
    restore.set_defaults(handler=cmd_restore)


def cmd_prepare(ctx: Context) -> int:
    args = ctx.args
    if not args.to and args.out is None:
        raise UsageError("say where the backup goes: --out FILE, or --to DESTINATION")
    if args.wipe and args.out is None:
        raise UsageError(
            "--wipe needs --out FILE: a backup queued in the outbox would be wiped with the vault"
        )
    ctx.vault_service().read_header()
    recovery_key = None
    if args.wipe or args.recovery_key_file is not None:
        text = ctx.secrets.existing(args.recovery_key_file, "recovery key", "--recovery-key-file")
        recovery_key = recovery_key_bytes(text)
    with ctx.open_notebook() as notebook:
        mine = recovery_public_key(notebook)
        if recovery_key is not None and recovery_recipient(recovery_key).public_key != mine:
            raise CannotUnlockError("this recovery key is not this vault's; nothing written")
        owner = stored_signer(notebook)
        if owner is None:
            # A vault made before it kept its owner key: derive it once from the recovery
            # key and keep it (app/travel/owner.py says why it is kept, and what it costs).
            if recovery_key is None:
                ctx.note(
                    "This vault does not yet keep the key that signs its backups as yours; "
                    "it comes from your recovery key, asked for this once."
                )
                text = ctx.secrets.existing(None, "recovery key", "--recovery-key-file")
                recovery_key = recovery_key_bytes(text)
            owner = remember_signer(notebook, recovery_key, mine)
        elif recovery_key is not None and owner.public_key != owner_public_key(recovery_key):
            raise IntegrityError(
                "this vault's backup signing key does not match its recovery key; nothing written"
            )
        result = write_backup(notebook, args.to, args.out, owner=owner, progress=ctx.progress())
        unsent = count_unsent(notebook)
    ctx.note(
        f"Backed up {result.incidents} incident(s) and {result.files} file(s), sealed to the "
        f"recovery key{' and ' + ', '.join(args.to) if args.to else ''}."
    )
    if result.queued:
        ctx.note("The backup is in the outbox; nothing has been sent.")
    ctx.out(str(result.path))
    if recovery_key is None:
        return 0
    contents = verify_backup(result.path, recovery_key, progress=ctx.progress())
    if (contents.backup_id, contents.incidents, contents.files) != (
        result.backup_id,
        result.incidents,
        result.files,
    ):
        raise IntegrityError("the backup read back differs from what was written; not wiped")
    ctx.note(
        "Verified: the recovery key opens the backup, its owner signature holds and every "
        "file matches."
    )
    if not args.wipe:
        return 0
    ctx.note("Keep the backup and the recovery key apart from this computer.")
    return wipe_after_warning(ctx, WipeService(ctx.paths, KeyringDeviceShares()), unsent)


def cmd_restore(ctx: Context) -> int:
    args = ctx.args
    recovery_key = None
    if args.key is not None:
        if args.recovery_key_file is not None:
            raise UsageError("give either --key or --recovery-key-file, not both")
        key_passphrase = ctx.secrets.existing(
            getattr(args, "passphrase_file", None), "key file passphrase"
        )
        keys = load_key_file(args.key, key_passphrase)
    else:
        text = ctx.secrets.existing(args.recovery_key_file, "recovery key", "--recovery-key-file")
        recovery_key = recovery_key_bytes(text)
        keys = recovery_recipient(recovery_key)
    passphrase = ctx.secrets.new(args.new_passphrase_file)
    shares = NoDeviceShares() if args.no_keyring else KeyringDeviceShares()
    result = restore_backup(
        args.bundle,
        keys,
        VaultPaths(ctx.paths.root),
        passphrase,
        shares,
        recovery_key=recovery_key,
        profile=KdfProfile(args.kdf_profile),
        use_keyring=not args.no_keyring,
        progress=ctx.progress(),
    )
    contents = result.contents
    if not contents.owner_verified:
        ctx.note(ORGANISATION_NOTE)  # after the restore, so a refusal stays one error line
    ctx.out(f"Vault restored at {result.paths.root}")
    ctx.out(
        f"{contents.incidents} incident(s) and {contents.files} file(s) from the backup of "
        f"{contents.created_at}, made on device {contents.sender_fingerprint}."
    )
    ctx.out("The custody log records the restore.")
    if result.new_recovery_key is None:
        ctx.out("Your recovery key is unchanged.")
    else:
        ctx.out("")
        ctx.out("NEW RECOVERY KEY for this vault - shown only this once. Write it down:")
        ctx.out("")
        ctx.out(f"    {result.new_recovery_key}")
    return 0
