"""The reference Python tus client (tuspy 1.1.0, a test dependency only) against the
intake: a plain upload, and one resumed after the server went away mid-upload."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import replace
from pathlib import Path

import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from tests.intake_helpers import TOKEN, intake_config, running_intake

HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def test_tuspy_uploads_to_the_intake(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 11)
    with running_intake(intake_config(tmp_path / "store")) as intake:
        uploader = tus_client.TusClient(intake.url, headers=HEADERS).uploader(
            file_stream=io.BytesIO(data), chunk_size=1024 * 1024, metadata={"filename": "x.bin"}
        )
        uploader.upload()
        assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}
        assert intake.offset(uploader.url) == len(data)


def test_tuspy_without_the_token_is_refused(tmp_path: Path) -> None:
    with running_intake(intake_config(tmp_path / "store")) as intake:
        uploader_client = tus_client.TusClient(intake.url)
        with pytest.raises(TusCommunicationError):
            uploader_client.uploader(file_stream=io.BytesIO(b"abc"), chunk_size=1).upload()
        assert intake.finished() == {}


def test_tuspy_resumes_after_an_interruption(tmp_path: Path) -> None:
    data = os.urandom(2 * 1024 * 1024 + 5)
    piece = 512 * 1024
    config = intake_config(tmp_path / "store")
    with running_intake(config) as intake:
        first = tus_client.TusClient(intake.url, headers=HEADERS).uploader(
            file_stream=io.BytesIO(data), chunk_size=piece
        )
        first.upload(stop_at=2 * piece)
        upload_path = first.url.removeprefix(intake.base)
        assert intake.offset(first.url) == 2 * piece
    # The server went away (its in-memory running hash with it); a new one on the same
    # store, on another port, takes over.
    with running_intake(replace(config)) as intake:
        resumed_url = intake.base + upload_path
        second = tus_client.TusClient(intake.url, headers=HEADERS).uploader(
            file_stream=io.BytesIO(data), chunk_size=piece, url=resumed_url
        )
        assert second.offset == 2 * piece  # tuspy asked the intake with HEAD
        second.upload()
        assert intake.finished() == {hashlib.sha256(data).hexdigest(): data}
