"""Real servers on 127.0.0.1 for the transport tests: the Node reference tus server
(file store or S3 store), moto's S3, microsocks, a connection-cutting relay, and a
self-signed certificate made with `cryptography`.

Each is a context manager that starts a real process or thread and stops it (by its own
pid) on exit. Nothing listens beyond loopback.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TUS_NODE = Path(__file__).resolve().parent / "interop" / "tus-node"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {LOOPBACK}:{port} after {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    sha256: str  # of the DER leaf certificate, as --pin-cert takes it


def make_certificate(directory: Path) -> Certificate:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return Certificate(cert_path, key_path, digest)


@dataclass
class NodeTus:
    port: int
    scheme: str
    store_dir: Path | None

    def endpoint(self, host: str = LOOPBACK) -> str:
        return f"{self.scheme}://{host}:{self.port}/files"

    def uploads(self) -> list[Path]:
        """The file store's uploads (each has a .json beside it)."""
        assert self.store_dir is not None
        return sorted(p for p in self.store_dir.iterdir() if p.suffix != ".json")


@contextmanager
def node_tus(
    *,
    store_dir: Path | None = None,
    s3: dict[str, str] | None = None,
    token: str | None = None,
    tls: Certificate | None = None,
    max_size: int | None = None,
    relative_location: bool | None = None,
) -> Iterator[NodeTus]:
    """@tus/server with its file store (store_dir) or its S3 store (s3)."""
    if not (TUS_NODE / "node_modules" / "@tus" / "server").is_dir():
        raise RuntimeError("the Node tus server is not installed: run `make tus-node`")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed: run scripts/install-system-deps.sh test")
    config: dict[str, object] = {"store": "s3" if s3 else "file", "dir": str(store_dir)}
    if s3:
        config["s3"] = s3
    if token:
        config["token"] = token
    if tls:
        config["cert"], config["key"] = str(tls.cert), str(tls.key)
    if max_size:
        config["maxSize"] = max_size
    config["relativeLocation"] = bool(tls) if relative_location is None else relative_location
    process = subprocess.Popen(
        [node, str(TUS_NODE / "server.mjs"), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the Node tus server did not start")
        port = int(json.loads(line)["port"])
        yield NodeTus(port, "https" if tls else "http", store_dir)
    finally:
        _stop(process)


@dataclass
class S3:
    endpoint: str
    bucket: str

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def objects(self) -> dict[str, bytes]:
        """Every finished object in the bucket (tus' .info side files left out)."""
        s3 = self.client()
        listing = s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {
            item["Key"]: s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
            for item in listing
            if not item["Key"].endswith(".info")
        }


@contextmanager
def moto_s3(bucket: str = "carnet-intake") -> Iterator[S3]:
    """moto's S3 server (`moto_server` from the venv) with one empty bucket."""
    port = free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", LOOPBACK, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        s3 = S3(f"http://{LOOPBACK}:{port}", bucket)
        s3.client().create_bucket(Bucket=bucket)
        yield s3
    finally:
        _stop(process)


@dataclass
class Microsocks:
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"socks5h://{LOOPBACK}:{self.port}"

    def connections(self) -> list[str]:
        """What microsocks says it connected to ("localhost:PORT"), one per line."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line.split("connected to ", 1)[1] for line in lines if "connected to " in line]


@contextmanager
def microsocks(log_dir: Path) -> Iterator[Microsocks]:
    """Debian's microsocks on loopback, logging each connection it makes."""
    binary = shutil.which("microsocks")
    if binary is None:
        raise RuntimeError("microsocks is not installed: run scripts/install-system-deps.sh test")
    port = free_port()
    log = log_dir / "microsocks.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-i", LOOPBACK, "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port)
        yield Microsocks(port, log)
    finally:
        _stop(process)


@dataclass
class CuttingRelay:
    """A TCP relay to `target` that, for its first `cuts` connections, closes both sides
    after `cut_after` bytes from the client: a hotel wifi dropping mid-PATCH."""

    target: int
    cut_after: int
    cuts: int
    port: int = 0
    accepted: int = 0
    cut: int = 0
    _server: socket.socket = field(init=False, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self) -> None:
        self._server = socket.create_server((LOOPBACK, 0))
        self._server.settimeout(0.2)
        self.port = int(self._server.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            limit = self.cut_after if self.accepted <= self.cuts else None
            upstream = socket.create_connection((LOOPBACK, self.target))
            threading.Thread(target=self._pipe, args=(client, upstream, limit), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        moved = 0
        try:
            while block := source.recv(65536):
                if limit is not None and moved + len(block) >= limit:
                    sink.sendall(block[: limit - moved])
                    self.cut += 1
                    break
                sink.sendall(block)
                moved += len(block)
        except OSError:
            pass
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@contextmanager
def cutting_relay(
    target: int, *, cut_after: int = 1 << 62, cuts: int = 0
) -> Iterator[CuttingRelay]:
    relay = CuttingRelay(target, cut_after, cuts)
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()


@contextmanager
def counting_listener() -> Iterator[CuttingRelay]:
    """A port that counts connections and answers nothing (for "never connected")."""
    relay = CuttingRelay(target=0, cut_after=0, cuts=0)
    relay._server = socket.create_server((LOOPBACK, 0))
    relay._server.settimeout(0.2)
    relay.port = int(relay._server.getsockname()[1])

    def accept() -> None:
        while not relay._stopping.is_set():
            try:
                conn, _ = relay._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            relay.accepted += 1
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield relay
    finally:
        relay.stop()


def write_bundle(path: Path, size: int) -> str:
    """An opaque file of `size` random bytes; its SHA-256."""
    data = os.urandom(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
