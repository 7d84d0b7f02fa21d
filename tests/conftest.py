"""Shared fixtures: an isolated environment, a real vault, and ways to run `carnet`.

Every test runs with HOME, the XDG folders and TMPDIR inside its own tmp_path, and
without a D-Bus session, so no test touches the developer's keyring or files, and the
canary tests can scan exactly what Carnet wrote. Tests use the `interactive` Argon2id
profile (64 MiB) to stay fast; the format and code paths are the same for every profile.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.keyring_service", "tests.vault_doubles"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery"


@dataclass
class CarnetEnv:
    """An isolated user: its own HOME, XDG dirs, TMPDIR and vault path."""

    root: Path
    env: dict[str, str]
    vault: Path

    @property
    def home(self) -> Path:
        return Path(self.env["HOME"])

    @property
    def tmpdir(self) -> Path:
        return Path(self.env["TMPDIR"])

    def secret_file(self, text: str, name: str = "passphrase") -> Path:
        """A file holding a secret, outside every folder the leak tests scan."""
        path = self.root / "secrets" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        return path


@dataclass
class Result:
    code: int
    out: str
    err: str


def isolated_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DBUS_", "CARNET_"))}
    folders = {
        "HOME": root / "home",
        "XDG_CONFIG_HOME": root / "home" / ".config",
        "XDG_DATA_HOME": root / "home" / ".local" / "share",
        "XDG_CACHE_HOME": root / "home" / ".cache",
        "XDG_STATE_HOME": root / "home" / ".local" / "state",
        "XDG_RUNTIME_DIR": root / "runtime",
        "TMPDIR": root / "tmp",
    }
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    (root / "runtime").chmod(0o700)
    env.update({k: str(v) for k, v in folders.items()})
    # No keyring unless a test starts a real Secret Service (tests/keyring_service.py).
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("CARNET_DEBUG", None)
    return env


@pytest.fixture
def carnet_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CarnetEnv:
    """Isolated environment, also applied to this test process (for in-process runs)."""
    env = isolated_env(tmp_path / "user")
    for key in list(os.environ):
        if key.startswith(("XDG_", "DBUS_", "CARNET_")):
            monkeypatch.delenv(key)
    for key, value in env.items():
        if key != "PYTHONPATH":
            monkeypatch.setenv(key, value)
    return CarnetEnv(root=tmp_path / "user", env=env, vault=tmp_path / "user" / "vault")


def run_carnet(
    cenv: CarnetEnv, *args: str, stdin: str | None = None, timeout: float = 120
) -> Result:
    """Run `carnet` as a real process (python -m app), with --vault set."""
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--vault", str(cenv.vault), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=cenv.env,
        cwd=cenv.root,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def call_carnet(
    cenv: CarnetEnv,
    *args: str,
    stdin: str = "",
    capsys: pytest.CaptureFixture[str] | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> Result:
    """Run the CLI in this process (fast): same code path as the console script."""
    from app.__main__ import main

    if capsys is None or monkeypatch is None:
        raise ValueError("call_carnet needs capsys and monkeypatch")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    capsys.readouterr()
    code = main(["--vault", str(cenv.vault), *args])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def cli(
    carnet_env: CarnetEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """call_carnet bound to this test's environment: cli(*args, stdin="")."""

    def call(*args: str, stdin: str = "", env: CarnetEnv = carnet_env) -> Result:
        return call_carnet(env, *args, stdin=stdin, capsys=capsys, monkeypatch=monkeypatch)

    return call


@dataclass
class VaultFixture:
    cenv: CarnetEnv
    passphrase: str
    passphrase_file: Path
    recovery_key: str

    def run(self, *args: str, stdin: str | None = None) -> Result:
        return run_carnet(
            self.cenv, *args, "--passphrase-file", str(self.passphrase_file), stdin=stdin
        )


def create_vault(cenv: CarnetEnv, passphrase: str = PASSPHRASE, *extra: str) -> VaultFixture:
    pw_file = cenv.secret_file(passphrase)
    result = run_carnet(
        cenv,
        "init",
        "--kdf-profile",
        "interactive",
        "--no-keyring",
        "--new-passphrase-file",
        str(pw_file),
        *extra,
    )
    if result.code != 0:
        raise AssertionError(f"init failed: {result.err}")
    key_line = next(line.strip() for line in result.out.splitlines() if line.count("-") == 13)
    return VaultFixture(cenv, passphrase, pw_file, key_line)


@pytest.fixture
def vault(carnet_env: CarnetEnv) -> VaultFixture:
    """A fresh vault (interactive profile, no keyring) made by the real `carnet init`."""
    return create_vault(carnet_env)


@pytest.fixture
def notebook(carnet_env: CarnetEnv) -> Iterator[object]:
    """An unlocked Notebook over a real SQLCipher file, made through the services."""
    from app.device_share import NoDeviceShares
    from app.notebook import Notebook
    from app.paths import VaultPaths
    from app.vault import VaultService
    from crypto.kdf import KdfProfile

    service = VaultService(VaultPaths(carnet_env.vault), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    with Notebook(service.unlock(PASSPHRASE)) as opened:
        yield opened


def run_measuring_child(module: str, request: dict[str, object]) -> dict[str, float]:
    """Run one of tests/bench's measuring children (intake_child, export_child).

    Memory tests use them so that the figure is the operation's own: a fresh process,
    its peak-RSS mark reset just before the operation.
    """
    import json

    proc = subprocess.run(
        [sys.executable, "-m", module],
        input=json.dumps(request).encode(),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(proc.stderr.decode()[-2000:])
    figures: dict[str, float] = json.loads(proc.stdout)
    return figures
