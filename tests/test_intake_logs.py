"""No client address in the intake's logs, whatever the client does.

Every client here connects from 127.0.0.2 (any 127/8 address is this machine), so the
address is a string no other part of the test produces; every log record of the process,
at every level, is captured and searched for it and for the client's source ports. The
positive control: aiohttp's own "Error handling request from %s" record was emitted
(a malformed request makes it), so the path that would leak did run.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import re
import socket
import time
from pathlib import Path

import pytest

from tests.intake_helpers import AUTH, OCTETS, intake_config, running_intake

CLIENT = "127.0.0.2"


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(CLIENT, 0))
    return sock


def test_no_peer_address_in_any_log_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ports: set[int] = set()
    config = intake_config(tmp_path / "store", header_timeout=0.5, body_timeout=0.5)
    with running_intake(config) as intake:

        def request(method: str, path: str, body: bytes = b"", **headers: str) -> int:
            connection = http.client.HTTPConnection(
                "127.0.0.1", intake.port, timeout=10, source_address=(CLIENT, 0)
            )
            connection.request(method, path, body=body or None, headers=headers)
            if connection.sock is not None:
                ports.add(connection.sock.getsockname()[1])
            status = connection.getresponse().status
            connection.close()
            return status

        assert request("POST", "/files/", **AUTH, **{"Upload-Length": "4"}) == 201
        assert request("POST", "/files/", **{"Upload-Length": "4"}) == 401
        assert request("GET", "/files/", **AUTH) == 405
        target = "/files/" + "a" * 32
        assert (
            request(
                "PATCH", target, b"data", **AUTH, **{"Upload-Offset": "0", "Content-Type": OCTETS}
            )
            == 404
        )
        for garbage in (
            b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
            b"\x16\x03\x01\x00\x05hello",
            b"PATCH /files/x HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        ):
            with connect(intake.port) as sock:
                ports.add(sock.getsockname()[1])
                sock.sendall(garbage)
                sock.settimeout(5)
                with contextlib.suppress(OSError):
                    sock.recv(1000)
        with connect(intake.port) as sock:  # a stall, closed by the header time limit
            ports.add(sock.getsockname()[1])
            sock.sendall(b"OPTIONS /files/ HTTP/1.1\r\n")
            time.sleep(1.0)
        with connect(intake.port) as sock:  # a connection reset mid-body
            ports.add(sock.getsockname()[1])
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.sendall(b"POST /files/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
    assert ports
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    messages = "\n".join(formatter.format(record) for record in caplog.records)
    everything = messages + "\n".join(repr(record.__dict__) for record in caplog.records)
    assert "Error handling request" in messages  # the leaking path ran
    assert CLIENT not in everything
    for port in ports:
        assert not re.search(rf"\b{port}\b", messages)
