"""`carnet intake serve|list` as real processes: the URL printed, an upload received,
SIGTERM stopping it cleanly, `list` showing only finished uploads, and the contract's
exit codes for bad options. No vault exists anywhere in these runs."""

from __future__ import annotations

import hashlib
import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import CarnetEnv, run_carnet
from tests.intake_helpers import OCTETS, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}", "Tus-Resumable": "1.0.0"}


def token_file(cenv: CarnetEnv, text: str = TOKEN) -> Path:
    return cenv.secret_file(text, "intake-token")


def start(cenv: CarnetEnv, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "intake", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cenv.env,
        cwd=cenv.root,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else ""
    return proc, url


def test_serve_receive_list_and_stop(carnet_env: CarnetEnv) -> None:
    store = carnet_env.root / "store"
    proc, url = start(
        carnet_env,
        "--store",
        str(store),
        "--port",
        "0",
        "--token-file",
        str(token_file(carnet_env)),
    )
    try:
        base = url.removesuffix("/files/")
        finished = b"a sealed bundle"
        for body, sent in ((finished, len(finished)), (b"half of it", 4)):
            reply = requests.post(
                url, headers={**AUTH, "Upload-Length": str(len(body))}, timeout=10
            )
            assert reply.status_code == 201
            patched = requests.patch(
                base + reply.headers["Location"],
                data=body[:sent],
                headers={**AUTH, "Upload-Offset": "0", "Content-Type": OCTETS},
                timeout=10,
            )
            assert patched.status_code == 204
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert "Traceback" not in err
    digest = hashlib.sha256(finished).hexdigest()
    assert f"received {digest}" in err

    listing = run_carnet(carnet_env, "intake", "list", "--store", str(store), "--json")
    assert listing.code == 0, listing.err
    arrived = json.loads(listing.out)
    assert [(item["sha256"], item["size"]) for item in arrived] == [(digest, len(finished))]
    assert arrived[0]["received"].endswith("Z")
    plain = run_carnet(carnet_env, "intake", "list", "--store", str(store))
    assert plain.out.split("\t")[:2] == [digest, str(len(finished))]
    assert not carnet_env.vault.exists()


def test_ctrl_c_stops_cleanly(carnet_env: CarnetEnv) -> None:
    proc, _url = start(carnet_env, "--store", str(carnet_env.root / "store"), "--port", "0")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Traceback" not in err


def test_a_port_in_use_is_exit_6(carnet_env: CarnetEnv) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_carnet(
            carnet_env,
            "intake",
            "serve",
            "--store",
            str(carnet_env.root / "s"),
            "--port",
            str(port),
        )
    assert result.code == 6
    assert result.err.count("\n") == 1
    assert "cannot listen" in result.err


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--token-file", "missing-token"], 5, "no token file"),
        (["--token-file", "SHORT"], 2, "at least 16"),
        (["--host", "0.0.0.0"], 2, "needs --token-file"),  # noqa: S104 (refused)
        (["--max-size", "0"], 2, "--max-size"),
        (["--max-size", "-5"], 2, "--max-size"),
        (["--expire-partial", "nan"], 2, "--expire-partial"),
        (["--port", "70000"], 2, "--port"),
    ],
)
def test_bad_serve_options(carnet_env: CarnetEnv, extra: list[str], code: int, words: str) -> None:
    short = token_file(carnet_env, "short")
    args = [str(short) if item == "SHORT" else item for item in extra]
    result = run_carnet(
        carnet_env, "intake", "serve", "--store", str(carnet_env.root / "s"), "--port", "0", *args
    )
    assert result.code == code, result.err
    assert words in result.err
    assert result.err.startswith("carnet: error:")
    assert "Traceback" not in result.err
    assert "short" not in result.err.replace(str(short), "")  # the token is never echoed


def test_list_of_a_missing_store_is_exit_5(carnet_env: CarnetEnv) -> None:
    result = run_carnet(carnet_env, "intake", "list", "--store", str(carnet_env.root / "none"))
    assert result.code == 5
    assert result.err.startswith("carnet: error:")


def test_the_store_parent_must_exist(carnet_env: CarnetEnv) -> None:
    store = carnet_env.root / "no" / "such" / "store"
    result = run_carnet(carnet_env, "intake", "serve", "--store", str(store), "--port", "0")
    assert result.code == 5
    assert not store.parent.exists()
