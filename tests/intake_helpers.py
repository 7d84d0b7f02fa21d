"""A real intake on 127.0.0.1 in a background thread, and a few raw tus requests.

The server runs its own event loop in a thread so tests can talk to it with blocking
clients (requests, http.client, raw sockets, tuspy) on an ephemeral port.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from sync.intake.limits import IntakeLimits
from sync.intake.server import IntakeConfig, RunningIntake, start_intake

TOKEN = "intake-test-token-0123456789"
TUS = {"Tus-Resumable": "1.0.0"}
AUTH = {"Authorization": f"Bearer {TOKEN}", **TUS}
OCTETS = "application/offset+octet-stream"


@dataclass
class Intake:
    url: str  # http://127.0.0.1:PORT/files/
    base: str  # http://127.0.0.1:PORT
    port: int
    store: Path

    def create(self, length: int, **headers: str) -> str:
        reply = requests.post(
            self.url, headers={**AUTH, "Upload-Length": str(length), **headers}, timeout=10
        )
        assert reply.status_code == 201, reply.status_code
        return self.base + reply.headers["Location"]

    def patch(self, url: str, offset: int, data: bytes, **headers: str) -> requests.Response:
        return requests.patch(
            url,
            data=data,
            headers={**AUTH, "Upload-Offset": str(offset), "Content-Type": OCTETS, **headers},
            timeout=10,
        )

    def offset(self, url: str) -> int:
        reply = requests.head(url, headers=AUTH, timeout=10)
        assert reply.status_code == 200, reply.status_code
        return int(reply.headers["Upload-Offset"])

    def finished(self) -> dict[str, bytes]:
        folder = self.store / "finished"
        return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def checksum_header(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def intake_config(store: Path, **limits: Any) -> IntakeConfig:
    return IntakeConfig(
        store=store,
        host="127.0.0.1",
        port=0,
        token=TOKEN.encode("ascii"),
        limits=replace(IntakeLimits(), **limits),
        expire_after=None,
    )


@contextmanager
def running_intake(config: IntakeConfig) -> Iterator[Intake]:
    loop = asyncio.new_event_loop()
    started: list[RunningIntake] = []
    failure: list[BaseException] = []
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            started.append(loop.run_until_complete(start_intake(config)))
        except BaseException as exc:
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="intake", daemon=True)
    thread.start()
    ready.wait(30)
    if failure:
        raise failure[0]
    intake = started[0]
    port = int(intake.url.rsplit(":", 1)[1].split("/", 1)[0])
    try:
        yield Intake(intake.url, f"http://127.0.0.1:{port}", port, config.store)
    finally:
        asyncio.run_coroutine_threadsafe(intake.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
