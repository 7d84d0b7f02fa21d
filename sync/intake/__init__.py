"""The organisation's intake: a small tus 1.0 server (core, creation, termination,
checksum with sha256) that receives sealed bundles and holds no key.

Written in the project rather than taken from PyPI because the Python tus servers there
write a body before checking who sent it, do not enforce a size cap, or read whole
bodies into memory (/work/shared/notes/sync.md). Modules: protocol (header parsing),
limits (sizes, timeouts, locks), store (files on disk), handlers (the tus requests), app
(routes and the checking middleware), quietlog (no client address in logs), server
(start, serve, stop).
"""

DEFAULT_PORT = 8470
