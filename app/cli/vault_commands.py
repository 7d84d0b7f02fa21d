"""init, passwd, recover: the vault's lifecycle on the command line."""

from __future__ import annotations

import argparse

from app.cli.context import Context, Subcommands
from app.device_share import NoDeviceShares
from app.session import CreatedVault
from crypto.kdf import KdfProfile


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    init = sub.add_parser(
        "init",
        parents=[common],
        help="create a new vault",
        description="Create a new, empty vault and print its recovery key once.",
    )
    init.add_argument(
        "--kdf-profile",
        choices=[p.value for p in KdfProfile],
        default="moderate",
        help="Argon2id cost: interactive (64 MiB), moderate (256 MiB, default), sensitive (1 GiB)",
    )
    init.add_argument(
        "--no-keyring",
        action="store_true",
        help="do not use the system keyring: the passphrase alone opens the vault",
    )
    init.add_argument(
        "--new-passphrase-file",
        metavar="F",
        help="read the new vault's passphrase from F (- for stdin)",
    )
    init.add_argument(
        "--duress-passphrase-file",
        metavar="F",
        help="also set a duress passphrase, read from F (- for stdin)",
    )
    init.set_defaults(handler=cmd_init)

    passwd = sub.add_parser(
        "passwd",
        parents=[common],
        help="change the passphrase",
        description="Change the passphrase. The master key is rewrapped; no data is re-encrypted.",
    )
    passwd.add_argument("--new-passphrase-file", metavar="F")
    passwd.set_defaults(handler=cmd_passwd)

    recover = sub.add_parser(
        "recover",
        parents=[common],
        help="set a new passphrase with the recovery key",
        description="Set a new passphrase (and a new device "
        "share) using the recovery key printed at init.",
    )
    recover.add_argument(
        "--recovery-key-file",
        metavar="F",
        help="read the recovery key from F (- for stdin); else it is prompted",
    )
    recover.add_argument("--new-passphrase-file", metavar="F")
    recover.add_argument(
        "--no-keyring",
        action="store_true",
        help="do not store a new device share in the system keyring",
    )
    recover.set_defaults(handler=cmd_recover)

    rekey = sub.add_parser(
        "rekey",
        parents=[common],
        help="new master key: no earlier copy of the header opens the vault",
        description="Make a new master key: the database is re-encrypted in place, every "
        "key slot rewrapped, the device share replaced. After it, no copy of the header "
        "left on a disk, a backup or a snapshot opens the vault. Run it once after "
        "upgrading from a version before the in-place header, and whenever a copy of the "
        "disk may have been taken. It asks for the passphrase and the recovery key.",
    )
    rekey.add_argument(
        "--recovery-key-file",
        metavar="F",
        help="read the recovery key from F (- for stdin, after the passphrase)",
    )
    rekey.set_defaults(handler=cmd_rekey)


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    service = ctx.vault_service(NoDeviceShares() if args.no_keyring else None)
    if service.exists():
        from app.errors import VaultExistsError

        raise VaultExistsError(f"a vault already exists at {ctx.paths.root}")
    passphrase = ctx.secrets.new(args.new_passphrase_file or getattr(args, "passphrase_file", None))
    duress = None
    if args.duress_passphrase_file:
        duress = ctx.secrets.from_file(args.duress_passphrase_file, "duress passphrase")
    created = service.create(
        passphrase,
        profile=KdfProfile(args.kdf_profile),
        use_keyring=not args.no_keyring,
        duress_passphrase=duress,
        progress=ctx.progress(),
    )
    _report_created(ctx, created, args.no_keyring)
    return 0


def _report_created(ctx: Context, created: CreatedVault, no_keyring: bool) -> None:
    ctx.out(f"Vault created at {created.paths.root}")
    if created.uses_device_share:
        ctx.out(
            "Device share: stored in the system keyring; this computer's keyring is needed "
            "to unlock (the recovery key works without it)."
        )
    elif no_keyring:
        ctx.out("No keyring (--no-keyring): the passphrase alone protects this vault.")
    else:
        ctx.out("No system keyring available: the passphrase alone protects this vault.")
    ctx.out("")
    ctx.out(
        "RECOVERY KEY - shown only this once. Write it down and keep it away from this computer:"
    )
    ctx.out("")
    ctx.out(f"    {created.recovery_key}")
    ctx.out("")
    ctx.out(
        "Anyone holding it can open the vault. Without it a forgotten passphrase cannot be "
        "recovered."
    )


def cmd_passwd(ctx: Context) -> int:
    service = ctx.vault_service()
    service.read_header()
    old = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None), "current passphrase")
    new = ctx.secrets.new(ctx.args.new_passphrase_file)
    service.change_passphrase(old, new, progress=ctx.progress())
    ctx.out("Passphrase changed.")
    return 0


def cmd_recover(ctx: Context) -> int:
    service = ctx.vault_service(NoDeviceShares() if ctx.args.no_keyring else None)
    service.read_header()
    key = ctx.secrets.existing(ctx.args.recovery_key_file, "recovery key", "--recovery-key-file")
    new = ctx.secrets.new(ctx.args.new_passphrase_file)
    result = service.recover(key, new, use_keyring=not ctx.args.no_keyring, progress=ctx.progress())
    ctx.out("New passphrase set from the recovery key.")
    if result.uses_device_share:
        ctx.out("A new device share is stored in the system keyring.")
    else:
        ctx.out("No device share: the passphrase alone protects this vault now.")
    return 0


def cmd_rekey(ctx: Context) -> int:
    service = ctx.vault_service()
    service.read_header()
    passphrase = ctx.secrets.existing(getattr(ctx.args, "passphrase_file", None))
    key = ctx.secrets.existing(ctx.args.recovery_key_file, "recovery key", "--recovery-key-file")
    report = service.rekey(passphrase, key, progress=ctx.progress())
    ctx.out("New master key in place: no earlier copy of the header opens this vault.")
    if report.uses_device_share:
        ctx.out("The device share in the system keyring was replaced.")
    ctx.out(f"Device signing key changed: {report.previous_signer} -> {report.signer}")
    ctx.out(
        "Organisations that know this device by its fingerprint need the new one; "
        "the custody log keeps the old key, so it still verifies."
    )
    return 0
