"""End to end, every piece real: `carnet intake serve` as its own process on 127.0.0.1,
a vault with incidents and an attachment, a destination pointing at the intake, `carnet
export` and `carnet send` through sync/'s tus client. What arrived is byte-identical to
the outbox bundle, the organisation's key opens it, and the outbox and the custody log
say it was sent. With the intake down, `send` fails with exit 6 and one line, keeps the
entry retryable, and a later `send` delivers it."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from tests.conftest import CarnetEnv, Result, VaultFixture, run_carnet
from tests.sync_servers import free_port

INTAKE_TOKEN = "e2e-intake-token-0123456789abcdef"
ORG_PASSPHRASE = "organisation key passphrase"


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


@contextmanager
def intake_serve(cenv: CarnetEnv, store: Path, port: int, token: Path) -> Iterator[str]:
    """`carnet intake serve` as a real process; yields the URL it prints, stops it by pid."""
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "app", "intake", "serve", "--store", str(store)),
            *("--port", str(port), "--token-file", str(token)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cenv.env,
        cwd=cenv.root,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}/files/", proc.stderr.read() if proc.stderr else ""
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0 and "Traceback" not in err, err


def organisation_key(cenv: CarnetEnv) -> tuple[Path, Path, str]:
    """The organisation's key pair made by `carnet keygen`: (key file, passphrase file,
    public key)."""
    key_file = cenv.root / "org.key"
    org_pass = cenv.secret_file(ORG_PASSPHRASE, "org")
    out = ok(
        run_carnet(
            cenv,
            "keygen",
            "--out",
            str(key_file),
            "--new-passphrase-file",
            str(org_pass),
            "--kdf-profile",
            "interactive",
        )
    )
    return key_file, org_pass, out.splitlines()[0].strip()


def notebook_with_evidence(vault: VaultFixture, tmp_path: Path) -> None:
    """Two incidents, one with a photo attached."""
    raid = ok(vault.run("incident", "add", "--title", "Raid", "--country", "KE")).split()[-1]
    ok(vault.run("incident", "add", "--title", "Arrest at the march"))
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    ok(vault.run("attach", raid, str(photo)))


def add_intake_destination(vault: VaultFixture, public: str, port: int, token: Path) -> None:
    url = f"http://127.0.0.1:{port}/files/"
    ok(
        vault.run(
            "destination", "add", "Org", "--key", public, "--url", url, "--token-file", str(token)
        )
    )


def outbox(vault: VaultFixture) -> list[dict[str, object]]:
    return list(json.loads(ok(vault.run("outbox", "list", "--json"))))


def delivery(vault: VaultFixture) -> dict[str, object]:
    [entry] = outbox(vault)
    deliveries = entry["deliveries"]
    assert isinstance(deliveries, list) and len(deliveries) == 1, deliveries
    return dict(deliveries[0])


def test_send_to_the_intake_delivers_the_bundle_byte_for_byte(
    vault: VaultFixture, tmp_path: Path
) -> None:
    cenv = vault.cenv
    key_file, org_pass, public = organisation_key(cenv)
    token = cenv.secret_file(INTAKE_TOKEN, "intake-token")
    store = tmp_path / "intake-store"
    port = free_port()
    notebook_with_evidence(vault, tmp_path)
    add_intake_destination(vault, public, port, token)
    bundle = Path(ok(vault.run("export", "--to", "Org", "--all")).strip())
    assert delivery(vault)["state"] == "pending"

    with intake_serve(cenv, store, port, token):
        sent = vault.run("send")
        assert sent.code == 0, sent.err
        # Nothing left: a second send sends nothing (and still talks to no one).
        again = vault.run("send")
        assert (again.code, again.out, again.err.strip()) == (0, "", "Nothing to send.")

    kind, _number, name, _location = sent.out.strip().split("\t")
    assert (kind, name) == ("sent", "Org")
    [stored] = sorted((store / "finished").iterdir())
    assert stored.read_bytes() == bundle.read_bytes()
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    arrived = json.loads(ok(run_carnet(cenv, "intake", "list", "--store", str(store), "--json")))
    assert [(a["sha256"], a["size"]) for a in arrived] == [(digest, bundle.stat().st_size)]

    verified = ok(
        run_carnet(
            cenv,
            "bundle",
            "verify",
            str(stored),
            "--key",
            str(key_file),
            "--passphrase-file",
            str(org_pass),
        )
    )
    assert "signed by " in verified
    opened = tmp_path / "opened"
    ok(
        run_carnet(
            cenv,
            "bundle",
            "open",
            str(stored),
            "--key",
            str(key_file),
            "--passphrase-file",
            str(org_pass),
            "--out",
            str(opened),
        )
    )
    assert any(path.suffix == ".jpg" for path in opened.rglob("*")), list(opened.rglob("*"))

    [entry] = outbox(vault)
    assert entry["sha256"] == digest
    assert delivery(vault)["state"] == "sent"
    assert entry["sent_at"] is not None
    custody = json.loads(ok(vault.run("custody", "show", "--json")))
    [event] = [e for e in custody if e["action"] == "send"]
    assert event["details"]["destination"] == "Org"
    assert event["details"]["sha256"] == digest
    ok(vault.run("custody", "verify"))


def test_send_with_the_intake_down_fails_and_is_retried_when_it_is_up(
    vault: VaultFixture, tmp_path: Path
) -> None:
    cenv = vault.cenv
    _key_file, _org_pass, public = organisation_key(cenv)
    token = cenv.secret_file(INTAKE_TOKEN, "intake-token")
    store = tmp_path / "intake-store"
    port = free_port()  # nothing listens there yet
    notebook_with_evidence(vault, tmp_path)
    add_intake_destination(vault, public, port, token)
    bundle = Path(ok(vault.run("export", "--to", "Org", "--all")).strip())

    down = vault.run("send")
    assert down.code == 6, down.err
    assert down.out == ""
    assert down.err.count("\n") == 1 and down.err.startswith("carnet: error: could not send")
    assert "Traceback" not in down.err and INTAKE_TOKEN not in down.err
    failed = delivery(vault)
    assert failed["state"] == "failed" and failed["retryable"] is True, failed
    assert "carnet send retries it" in ok(vault.run("outbox", "list"))
    assert not store.exists() or not any((store / "finished").glob("*"))

    with intake_serve(cenv, store, port, token):
        sent = vault.run("send")
    assert sent.code == 0, sent.err
    assert sent.out.startswith("sent\t")
    [stored] = sorted((store / "finished").iterdir())
    assert stored.read_bytes() == bundle.read_bytes()
    done = delivery(vault)
    assert done["state"] == "sent" and done["attempts"] == 2, done
    ok(vault.run("custody", "verify"))
