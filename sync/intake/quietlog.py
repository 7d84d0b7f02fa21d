"""Keeping client addresses out of the intake's logs.

The intake logs nothing about who connected: a defender's address (or the Tor exit's, or
the proxy's forwarded header) in an organisation's log is exactly what an adversary who
seizes the server would want. The access log is off (app.py), but aiohttp also logs
"Error handling request from <peer>" when it meets a malformed request or an unhandled
exception, and asyncio logs transport details on connection errors. This filter, on
every logger that could carry them, keeps only the first line of a record's template,
drops its arguments (where the address would be) and its traceback (which can quote
request data), and names the exception's type instead.
"""

from __future__ import annotations

import logging
import re

HTTP_LOGGER = "sync.intake.http"  # the logger aiohttp's request handler is given
GUARDED_LOGGERS = (
    HTTP_LOGGER,
    "aiohttp.server",
    "aiohttp.access",
    "aiohttp.web",
    "aiohttp.internal",
    "asyncio",
)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")


class NoPeerFilter(logging.Filter):
    """Rewrites each record to its fixed text: never an argument, never a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        lines = template.splitlines()
        text = _PLACEHOLDER.sub("-", lines[0] if lines else "")
        if record.exc_info and record.exc_info[0] is not None:
            text += f" ({record.exc_info[0].__name__})"
        record.msg = text
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def install() -> None:
    """Put the filter on every guarded logger (once; calling again changes nothing)."""
    for name in GUARDED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, NoPeerFilter) for existing in logger.filters):
            logger.addFilter(NoPeerFilter())
