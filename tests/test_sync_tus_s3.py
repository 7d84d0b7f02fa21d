"""Interoperability with the standard stack an organisation grows into: the Node
reference server (@tus/server 2.x) with @tus/s3-store, over moto's S3 on 127.0.0.1.
The object in the bucket is byte-identical, also after cut connections, and is one
object (one multipart upload resumed, not several)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.http_settings import check_http_settings
from sync.transport import UploadState
from sync.tus_client import MIB, TusTransport
from tests.sync_servers import S3, NodeTus, cutting_relay, moto_s3, node_tus, write_bundle

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with moto_s3() as running:
        yield running


@pytest.fixture
def server(s3: S3) -> Iterator[NodeTus]:
    for key in s3.objects():
        s3.client().delete_object(Bucket=s3.bucket, Key=key)
    with node_tus(s3={"bucket": s3.bucket, "endpoint": s3.endpoint}) as running:
        yield running


def send(url: str, bundle: Path, sha: str, states: list[UploadState]) -> str:
    # 8 MiB PATCHes: the S3 store's part size, above S3's 5 MiB minimum part.
    t = TusTransport(check_http_settings(url), patch_size=8 * MIB, backoff=0.01)
    delivery = t.send(
        bundle,
        bundle.stat().st_size,
        sha,
        resume=None,
        save_state=states.append,
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )
    return delivery.location


def test_s3_object_is_byte_identical(tmp_path: Path, s3: S3, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 20 * MIB + 3)
    states: list[UploadState] = []
    location = send(server.endpoint(), bundle, sha, states)
    objects = s3.objects()
    assert list(objects) == [location.rsplit("/", 1)[1]]
    assert objects[location.rsplit("/", 1)[1]] == bundle.read_bytes()
    assert [s.offset for s in states] == [0, 8 * MIB, 16 * MIB, 20 * MIB + 3]


def test_s3_upload_resumes_after_cut_connections(tmp_path: Path, s3: S3, server: NodeTus) -> None:
    bundle = tmp_path / "bundle"
    sha = write_bundle(bundle, 30 * MIB + 3)
    states: list[UploadState] = []
    # Two connections die 11 MiB in, mid-PATCH: the S3 store keeps the piece it got
    # as an incomplete part, and the resumed upload must still end as one object.
    with cutting_relay(server.port, cut_after=11 * MIB, cuts=2) as relay:
        location = send(f"http://127.0.0.1:{relay.port}/files", bundle, sha, states)
    assert relay.cut == 2 and relay.accepted == 3
    objects = s3.objects()
    assert list(objects) == [location.rsplit("/", 1)[1]]
    assert objects[location.rsplit("/", 1)[1]] == bundle.read_bytes()
    assert len({s.location for s in states}) == 1
