"""`carnet destination add|edit|show` with transports, `outbox list|remove` and `send`
as real processes: output, exit codes, a kill mid-send resumed from the saved offset."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Result, VaultFixture
from tests.sending_fakes import PIECE
from tests.test_sending import public_key

# A `carnet` process whose transports are tests/sending_fakes.py's local copy (until
# sync/'s transports land): the seam in app/sending/transports.py is patched, nothing else.
FAKE_MAIN = (
    "import sys\n"
    "import app.sending.transports as seam\n"
    "from tests.sending_fakes import factory_from_env\n"
    "seam.make_transport = factory_from_env()\n"
    "from app.__main__ import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def fake_command(vault: VaultFixture, config: dict[str, object], *args: str) -> list[str]:
    path = vault.cenv.root / "fake.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    vault.cenv.env["CARNET_TEST_FAKE"] = str(path)
    return [
        sys.executable,
        "-c",
        FAKE_MAIN,
        "--vault",
        str(vault.cenv.vault),
        *args,
        "--passphrase-file",
        str(vault.passphrase_file),
    ]


def fake_send(vault: VaultFixture, config: dict[str, object], *args: str) -> Result:
    proc = subprocess.run(
        fake_command(vault, config, "send", *args),
        capture_output=True,
        text=True,
        env=vault.cenv.env,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def exported(vault: VaultFixture, to: str, size: int = 0) -> tuple[int, Path]:
    incident = ok(vault.run("incident", "add", "--title", "Raid")).split()[-1]
    if size:
        evidence = vault.cenv.root / "evidence.bin"
        evidence.write_bytes(secrets.token_bytes(size))
        ok(vault.run("attach", incident, str(evidence)))
    path = Path(ok(vault.run("export", "--to", to, "--incident", incident)).strip())
    [item] = [i for i in outbox(vault) if i["path"] == str(path)]
    return int(item["id"]), path


def outbox(vault: VaultFixture) -> list[dict[str, object]]:
    return list(json.loads(ok(vault.run("outbox", "list", "--json"))))


def test_destination_transports_are_checked_stored_and_shown(
    vault: VaultFixture, tmp_path: Path
) -> None:
    key = public_key()
    token = tmp_path / "token"
    token.write_text("s3cr3t-token-value\n", encoding="utf-8")
    ok(vault.run("destination", "add", "USB", "--key", key, "--folder", str(tmp_path / "usb")))
    ok(
        vault.run(
            "destination",
            "add",
            "Intake",
            "--key",
            key,
            "--url",
            "https://intake.example.org/files/",
            "--tor",
            "--pin-cert",
            "AB:" * 31 + "AB",
            "--token-file",
            str(token),
        )
    )
    shown = ok(vault.run("destination", "show", "Intake"))
    assert "transport: " in shown and "https://intake.example.org/files/" in shown
    assert "s3cr3t" not in shown
    data = json.loads(ok(vault.run("destination", "show", "Intake", "--json")))
    assert data["transport"]["proxy"] == "socks5h://127.0.0.1:9050"
    assert data["transport"]["pin_sha256"] == "ab" * 32
    assert data["transport"]["token_file"] == str(token)
    assert "folder " + str(tmp_path / "usb") in ok(vault.run("destination", "show", "USB"))
    listed = ok(vault.run("destination", "list"))
    assert "USB\t1 key\tfolder" in listed and "Intake\t1 key\ttus" in listed
    # The token's value is nowhere in the vault's files (only its path is stored; the
    # store is encrypted anyway: this guards against a plaintext side file).
    for path in vault.cenv.vault.rglob("*"):
        if path.is_file():
            assert b"s3cr3t" not in path.read_bytes()

    ok(vault.run("destination", "edit", "USB", "--url", "http://127.0.0.1:8080/files/"))
    assert "tus upload to http://127.0.0.1:8080/files/" in ok(
        vault.run("destination", "show", "USB")
    )
    ok(vault.run("destination", "edit", "USB", "--no-transport"))
    assert "transport: none" in ok(vault.run("destination", "show", "USB"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--folder", "/x", "--url", "https://a.example/"], "either --folder or --url"),
        (["--tor"], "need --url"),
        (["--folder", "/x", "--tor"], "go with --url only"),
        (["--url", "http://intake.example.org/"], "https:// is required"),
        (["--url", "ftp://intake.example.org/"], "give an https:// address"),
        (["--url", "https://user:pw@intake.example.org/"], "no user name or password"),
        (["--url", "https://a.example/", "--tor", "--proxy", "socks5h://h:1"], "not both"),
        (["--url", "https://a.example/", "--proxy", "socks5://127.0.0.1:9050"], "socks5h://"),
        (["--url", "https://a.example/", "--proxy", "http://127.0.0.1:8080"], "socks5h://"),
        (["--url", "https://a.example/", "--pin-cert", "abc"], "64 hex digits"),
        (["--url", "https://a.example/", "--token-file", "/no/such/file"], "no such file"),
        # The transport's own rules, refused when typed rather than at the first send:
        (["--url", "http://abcdefghijklmnop.onion/files/"], "needs --tor or --proxy"),
        (["--url", "https://a.example/files/?id=1"], "no query or fragment"),
        (["--url", "http://127.0.0.1:8080/", "--pin-cert", "ab" * 32], "needs an https://"),
    ],
)
def test_bad_transport_options_are_refused_and_nothing_is_stored(
    vault: VaultFixture, options: list[str], message: str
) -> None:
    result = vault.run("destination", "add", "Bad", "--key", public_key(), *options)
    assert result.code == 2, result.err
    assert message in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert "Bad" not in ok(vault.run("destination", "list"))


def test_send_outbox_list_and_custody(vault: VaultFixture, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    ok(vault.run("destination", "add", "Lifeline", "--key", public_key(), "--folder", str(usb)))
    item, path = exported(vault, "Lifeline")
    listed = ok(vault.run("outbox", "list"))
    assert listed.startswith(f"{item}\tLifeline\t{path.stat().st_size} B\tpending\t")
    [entry] = outbox(vault)
    assert entry["deliveries"] == [
        {
            "destination": "Lifeline",
            "state": "pending",
            "confirmed": 0,
            "progress": 0,
            "attempts": 0,
            "sent_at": None,
            "location": None,
            "reason": None,
            "retryable": None,
        }
    ]

    sent = fake_send(vault, {})
    assert sent.code == 0, sent.err
    [line] = sent.out.splitlines()
    kind, number, name, location = line.split("\t")
    assert (kind, int(number), name) == ("sent", item, "Lifeline")
    assert Path(location).read_bytes() == path.read_bytes()
    assert "\r" not in sent.err  # no progress line without a terminal
    [entry] = outbox(vault)
    delivery = entry["deliveries"][0]  # type: ignore[index]
    assert delivery["state"] == "sent" and delivery["location"] == location
    assert entry["sent_at"] is not None
    assert f"{item}\tLifeline" in ok(vault.run("outbox", "list"))
    custody = json.loads(ok(vault.run("custody", "show", "--json")))
    [event] = [e for e in custody if e["action"] == "send"]
    assert event["details"]["destination"] == "Lifeline"
    assert event["details"]["sha256"] == entry["sha256"]
    ok(vault.run("custody", "verify"))

    again = fake_send(vault, {})
    assert (again.code, again.out, again.err.strip()) == (0, "", "Nothing to send.")


def test_transport_failure_exits_6_with_one_line_and_is_retried(
    vault: VaultFixture, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    ok(vault.run("destination", "add", "Lifeline", "--key", public_key(), "--folder", str(usb)))
    item, _path = exported(vault, "Lifeline", size=20_000)
    failed = fake_send(vault, {"fail_at": 8192})
    assert failed.code == 6
    assert failed.err == (
        f"carnet: error: could not send bundle {item} to 'Lifeline': the test cut the copy\n"
    )
    state = ok(vault.run("outbox", "list")).split("\t")[3]
    assert state.startswith("failed at ") and "carnet send retries it" in state
    assert fake_send(vault, {}).code == 0
    [entry] = outbox(vault)
    assert entry["deliveries"][0]["attempts"] == 2  # type: ignore[index]


def test_send_errors(vault: VaultFixture, tmp_path: Path) -> None:
    ok(vault.run("destination", "add", "Nowhere", "--key", public_key()))
    exported(vault, "Nowhere")
    named = fake_send(vault, {}, "Nowhere")
    assert named.code == 2 and "has no transport" in named.err
    unknown = fake_send(vault, {}, "Nobody")
    assert unknown.code == 5 and named.err.count("\n") == 1
    missing = fake_send(vault, {}, "--bundle", "99")
    assert missing.code == 5 and "no bundle 99" in missing.err
    keyed_id, _ = exported(vault, public_key())
    keyed = fake_send(vault, {}, "--bundle", str(keyed_id))
    assert keyed.code == 2 and "sealed to keys, not to a destination" in keyed.err
    skipped = fake_send(vault, {})
    assert skipped.code == 0 and "Not sent: bundle" in skipped.err


def test_outbox_remove(vault: VaultFixture, tmp_path: Path) -> None:
    ok(vault.run("destination", "add", "USB", "--key", public_key(), "--folder", str(tmp_path)))
    item, path = exported(vault, "USB")
    refused = vault.run("outbox", "remove", str(item))
    assert refused.code == 2 and "--yes" in refused.err and path.exists()
    ok(vault.run("outbox", "remove", str(item), "--yes"))
    assert not path.exists() and outbox(vault) == []
    assert vault.run("outbox", "remove", str(item), "--yes").code == 5


def test_a_send_killed_midway_resumes_from_the_saved_offset(
    vault: VaultFixture, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    ok(vault.run("destination", "add", "Lifeline", "--key", public_key(), "--folder", str(usb)))
    item, bundle = exported(vault, "Lifeline", size=400_000)
    journal = tmp_path / "journal.jsonl"
    proc = subprocess.Popen(
        fake_command(vault, {"delay": 0.02, "journal": str(journal)}, "send"),
        env=vault.cenv.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        partial: list[Path] = []
        while time.monotonic() < deadline:
            partial = list(usb.glob(".partial-*"))
            if partial and partial[0].stat().st_size >= 100_000:
                break
            time.sleep(0.02)
        assert partial, "the send never started"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    [entry] = outbox(vault)
    delivery = entry["deliveries"][0]  # type: ignore[index]
    # The fake saves each piece's offset after writing it and before writing the next,
    # so a kill may land between a write and its save, never two pieces behind.
    assert delivery["state"] == "sending" and delivery["confirmed"] >= 100_000 - PIECE
    assert delivery["confirmed"] < bundle.stat().st_size
    assert "interrupted: carnet send resumes it" in ok(vault.run("outbox", "list"))
    assert list(usb.glob("*.carnet")) == []  # nothing under a final name

    resumed = fake_send(vault, {"journal": str(journal)})
    assert resumed.code == 0, resumed.err
    calls = [json.loads(line)["resume"] for line in journal.read_text().splitlines()]
    assert calls == [None, [partial[0].name, delivery["confirmed"]]]
    [final] = usb.glob("*.carnet")
    assert final.read_bytes() == bundle.read_bytes()
    assert list(usb.glob(".partial-*")) == []
    assert outbox(vault)[0]["deliveries"][0]["state"] == "sent"  # type: ignore[index]
    assert f"sent\t{item}\tLifeline" in resumed.out
