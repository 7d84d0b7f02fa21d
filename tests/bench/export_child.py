"""A child process for the export benchmark and the flat-memory test: one export, measured.

Protocol: one JSON object on stdin:
  vault: a folder to create the vault in; sources: files to attach to one incident;
  out: where to write the bundle; open_to: if set, also open the bundle into this folder
  (as the organisation would) and measure that too.
One JSON object on stdout: seconds and RSS growth of the export (and the opening). The
attach before the export is not measured. RSS is measured as in intake_child.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from app.device_share import NoDeviceShares
from app.export.bundle_reader import open_bundle_to
from app.export.exporter import ExportRequest
from app.models import IncidentInput
from app.notebook import Notebook
from app.paths import VaultPaths
from app.vault import VaultService
from crypto.kdf import KdfProfile
from crypto.public_keys import encode_public_key
from crypto.recipient_keys import generate_key_pair
from tests.bench.common import PASSPHRASE
from tests.bench.intake_child import peak_rss, reset_peak_rss


def main() -> int:
    request = json.loads(sys.stdin.read())
    service = VaultService(VaultPaths(Path(request["vault"])), NoDeviceShares())
    service.create(PASSPHRASE, profile=KdfProfile.INTERACTIVE, use_keyring=False)
    recipient = generate_key_pair()
    result: dict[str, float] = {}
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        incident = notebook.incidents.add(IncidentInput("Benchmark export"))
        outcomes = notebook.attachments.attach(incident, [Path(p) for p in request["sources"]])
        if any(o.attachment is None for o in outcomes):
            sys.stderr.write("attach failed\n")
            return 1
        before = reset_peak_rss()
        start = time.perf_counter()
        exported = notebook.exporter.export(
            ExportRequest([encode_public_key(recipient.public_key)], [incident]),
            Path(request["out"]),
        )
        result["export_s"] = time.perf_counter() - start
        result["export_rss_growth_mib"] = peak_rss() - before
        result["payload_bytes"] = exported.payload_bytes
        result["bundle_bytes"] = exported.bundle_bytes
    if request.get("open_to"):
        before = reset_peak_rss()
        start = time.perf_counter()
        open_bundle_to(Path(request["out"]), recipient, Path(request["open_to"]))
        result["open_s"] = time.perf_counter() - start
        result["open_rss_growth_mib"] = peak_rss() - before
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
