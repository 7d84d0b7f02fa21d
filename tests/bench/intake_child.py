"""A child process for the intake benchmark: one `AttachmentService.attach`, measured.

Protocol: one JSON object on stdin (`vault`: a folder to create the vault in, `source`:
the file to attach), one JSON object on stdout. RSS is read just before the attach, with
the kernel's peak-RSS mark reset (/proc/self/clear_refs), and the peak after it, so the
growth is the intake's alone, not the Argon2id call's that came before.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from app.device_share import NoDeviceShares
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.kdf import KdfProfile
from tests.bench.common import PASSPHRASE


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss() -> float:
    """Current RSS, after resetting the peak (the KDF's 64 MiB would otherwise hide it)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mib("VmRSS")


def peak_rss() -> float:
    return _status_mib("VmHWM")


def main() -> int:
    request = json.loads(sys.stdin.read())
    service = VaultService(VaultPaths(Path(request["vault"])), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        incident = notebook.incidents.add(IncidentInput("Benchmark intake"))
        before = reset_peak_rss()
        start = time.perf_counter()
        outcomes = notebook.attachments.attach(incident, [Path(request["source"])])
        elapsed = time.perf_counter() - start
        after = peak_rss()
    if outcomes[0].attachment is None:
        sys.stderr.write(f"attach failed: {outcomes[0].error}\n")
        return 1
    json.dump(
        {
            "attach_s": elapsed,
            "rss_before_mib": before,
            "rss_after_mib": after,
            "rss_growth_mib": after - before,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
