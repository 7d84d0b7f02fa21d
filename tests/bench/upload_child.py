"""A child process for the upload benchmark: one `TusTransport.send`, measured.

Protocol: one JSON object on stdin (`url`: the intake's creation URL, `token_file`,
`source`: the file to send, `sha256`: its digest), one JSON object on stdout. The HTTP
client is imported and the transport built before the measurement starts; RSS is read
just before the send with the kernel's peak-RSS mark reset (/proc/self/clear_refs), and
the peak (VmHWM) after it, so the growth is the send's alone, not the imports'.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sync.destinations import TransportSettings, build_transport
from sync.transport import UploadState
from tests.bench.intake_child import peak_rss, reset_peak_rss


def main() -> int:
    request = json.loads(sys.stdin.read())
    source = Path(request["source"])
    transport = build_transport(
        TransportSettings(url=request["url"], token_file=Path(request["token_file"]))
    )
    saved: list[UploadState] = []
    before = reset_peak_rss()
    start = time.perf_counter()
    delivery = transport.send(
        source,
        source.stat().st_size,
        request["sha256"],
        resume=None,
        save_state=saved.append,
        progress=lambda sent, total: None,
        cancelled=lambda: False,
    )
    elapsed = time.perf_counter() - start
    after = peak_rss()
    json.dump(
        {
            "send_s": elapsed,
            "patches": len(saved) - 1,  # one state saved after the POST, one per PATCH
            "location": delivery.location,
            "rss_before_mib": before,
            "rss_after_mib": after,
            "rss_growth_mib": after - before,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
