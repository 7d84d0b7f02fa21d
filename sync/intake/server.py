"""Starting and stopping the intake: options checked, the store opened, aiohttp told to
keep no access log, give no client address to its error log, and close connections whose
headers do not arrive in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from sync.intake import DEFAULT_PORT, quietlog
from sync.intake.app import build_app
from sync.intake.errors import IntakeBindError, IntakeConfigError, IntakeStoreMissingError
from sync.intake.handlers import UPLOADS_PATH
from sync.intake.limits import IntakeLimits
from sync.intake.store import UploadStore

MIN_TOKEN_LENGTH = 16
_TOKEN_FILE_MAX = 4096
_SHUTDOWN_GRACE = 5.0


@dataclass(frozen=True)
class IntakeConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: bytes | None = field(default=None, repr=False)
    limits: IntakeLimits = field(default_factory=IntakeLimits)
    expire_after: float | None = 72 * 3600.0  # seconds; None keeps partials forever


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_token(path: Path) -> bytes:
    """The bearer token: the first line of `path`, at least 16 printable ASCII
    characters without spaces. Its value is never echoed in a message."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_TOKEN_FILE_MAX + 1)
    except FileNotFoundError:
        raise IntakeStoreMissingError(f"no token file at {path}") from None
    except OSError as exc:
        raise IntakeConfigError(f"cannot read the token file {path}: {exc.strerror}") from None
    if len(raw) > _TOKEN_FILE_MAX:
        raise IntakeConfigError(f"the token file {path} is too long for a token")
    lines = raw.splitlines()
    token = lines[0].strip() if lines else b""
    if len(token) < MIN_TOKEN_LENGTH or not all(0x21 <= byte <= 0x7E for byte in token):
        raise IntakeConfigError(
            f"the token in {path} must be at least {MIN_TOKEN_LENGTH} printable ASCII "
            "characters without spaces"
        )
    return bytes(token)


def listening_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{UPLOADS_PATH}"


class RunningIntake:
    """A started intake; `url` is where clients create uploads."""

    def __init__(self, runner: web.AppRunner, url: str) -> None:
        self._runner = runner
        self.url = url

    async def stop(self) -> None:
        await self._runner.cleanup()


async def start_intake(config: IntakeConfig) -> RunningIntake:
    if config.token is None and not is_loopback(config.host):
        raise IntakeConfigError(
            "listening beyond this machine needs --token-file (or listen on 127.0.0.1 "
            "behind a proxy that checks clients)"
        )
    if config.limits.max_size < 1:
        raise IntakeConfigError("--max-size must be at least 1 byte")
    store = UploadStore(config.store, create=True)
    quietlog.install()
    app = build_app(store, config.limits, config.token, config.expire_after)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        logger=logging.getLogger(quietlog.HTTP_LOGGER),
        # The keep-alive timer runs from the moment a connection opens until a complete
        # request has arrived: it is the header time limit (slow-loris).
        keepalive_timeout=config.limits.header_timeout,
        lingering_time=0,
        shutdown_timeout=_SHUTDOWN_GRACE,
    )
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        reason = exc.strerror or type(exc).__name__
        raise IntakeBindError(f"cannot listen on {config.host}:{config.port}: {reason}") from None
    address = runner.addresses[0]
    return RunningIntake(runner, listening_url(config.host, int(address[1])))


async def serve_until_stopped(config: IntakeConfig, on_ready: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM, then stop cleanly: in-flight PATCHes are given a
    few seconds, and whatever part of them reached the disk stays resumable."""
    intake = await start_intake(config)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        on_ready(intake.url)
        await stopping.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)
        await intake.stop()


def run_intake(config: IntakeConfig, on_ready: Callable[[str], None]) -> None:
    asyncio.run(serve_until_stopped(config, on_ready))
