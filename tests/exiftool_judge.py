"""exiftool as the external judge of stripped copies, and as the tagger of test fixtures.

exiftool is not Carnet's code and reads far more metadata than Carnet's own checks: if
it finds a GPS position, a device, an owner, XMP, IPTC or a comment in a stripped copy,
the strip failed, whatever Carnet believed.

Without exiftool the tests that need it are skipped, unless CARNET_REQUIRE_KEYRING_TESTS=1
or CI=true, where they fail (as tests/keyring_service.py does for a missing keyring).
Install it with `scripts/install-system-deps.sh test` (Debian: libimage-exiftool-perl).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

# Read at import: the carnet_env fixture removes CARNET_* from os.environ.
REQUIRE_EXIFTOOL = (
    os.environ.get("CARNET_REQUIRE_KEYRING_TESTS") == "1" or os.environ.get("CI") == "true"
)
TIMEOUT = 60

# Values planted in every fixture; none may be found in a stripped copy.
CANARIES = {
    "make": "CanaryMakeCo",
    "model": "CanaryModel-X9",
    "serial": "CANARYSERIAL0042",
    "artist": "Canary Artist Name",
    "owner": "Canary Owner Name",
    "creator": "Canary XMP Creator",
    "keyword": "canarykeyword",
    "comment": "canary free text comment",
    "title": "Canary Title",
}
LATITUDE, LONGITUDE = "40.7128", "74.0060"  # planted as N / W

# Tag names (after the group) and groups that identify a place, a device or a person.
_IDENTIFYING_TAG = re.compile(
    r"GPS|Make|Model|Serial|Artist|Creator|Author|Owner|Comment|Keywords|Location|"
    r"Copyright|Producer|Subject|Title|(?<!Handler)Description|Caption|Software|Encoder",
    re.IGNORECASE,
)
_IDENTIFYING_GROUP = re.compile(r"^(XMP|IPTC|GPS|ItemList|UserData|Keys|MakerNotes|Photoshop)")
# What exiftool reports about the file itself, not its metadata.
_NEUTRAL_GROUPS = frozenset({"ExifTool", "System", "File"})
# A bit in every MP3 frame header (ISO 11172-3), not a tag anyone wrote.
_NEUTRAL_TAGS = frozenset({"MPEG:CopyrightFlag"})


def exiftool() -> str:
    """The exiftool program; skip the test without it (fail in CI)."""
    path = shutil.which("exiftool")
    if path is None:
        message = "exiftool is not installed (apt-get install libimage-exiftool-perl)"
        if REQUIRE_EXIFTOOL:
            pytest.fail(f"{message}; required with CARNET_REQUIRE_KEYRING_TESTS=1 or CI=true")
        pytest.skip(message)
    return path


def read_tags(path: Path) -> dict[str, Any]:
    """Every tag exiftool reads from `path`: `exiftool -j -a -G1 FILE`."""
    result = subprocess.run(
        [exiftool(), "-j", "-a", "-G1", str(path)],
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    if result.returncode not in (0, 1):  # 1: minor warnings, still a report
        raise AssertionError(result.stderr.decode(errors="replace"))
    [tags] = json.loads(result.stdout)
    return dict(tags)


def write_tags(path: Path, *assignments: str) -> None:
    """Tag a fixture in place with exiftool itself, e.g. write_tags(p, "-Make=...")."""
    result = subprocess.run(
        [exiftool(), "-overwrite_original", "-m", *assignments, str(path)],
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    if result.returncode != 0 or b"1 image files updated" not in result.stdout:
        raise AssertionError(
            f"exiftool could not tag {path.name}: {result.stdout!r} {result.stderr!r}"
        )


def identifying(tags: dict[str, Any]) -> dict[str, Any]:
    """The tags that name a place, a device, a person, or carry XMP/IPTC/free text."""
    found: dict[str, Any] = {}
    for key, value in tags.items():
        group, _, name = key.partition(":")
        if group in _NEUTRAL_GROUPS or key in _NEUTRAL_TAGS or key == "SourceFile":
            continue
        text = str(value)
        if (
            _IDENTIFYING_GROUP.match(group)
            or _IDENTIFYING_TAG.search(name)
            or any(c.lower() in text.lower() for c in CANARIES.values())
            or LATITUDE in text
        ):
            found[key] = value
    return found


def planted(tags: dict[str, Any]) -> set[str]:
    """Which canary values exiftool finds in a file (to prove a fixture carries them)."""
    text = json.dumps(tags).lower()
    return {name for name, value in CANARIES.items() if value.lower() in text}
