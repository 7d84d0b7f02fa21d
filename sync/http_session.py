"""The one requests.Session a tus send uses: no environment, timeouts, a pin on every path.

- `trust_env=False`: no HTTPS_PROXY, no REQUESTS_CA_BUNDLE, no .netrc can change where
  the bundle goes or which certificates are trusted.
- One adapter with a single kept-alive connection, reused by every PATCH of a send.
- The certificate pin is handed to urllib3 both for direct connections
  (`init_poolmanager`) and for proxied ones (`proxy_manager_for`): set only in the
  former, a pin is silently skipped through SOCKS (checked on this machine).
- urllib3 retries nothing (`max_retries=0`) and redirects are never followed (the tus
  client passes allow_redirects=False): retries belong to the tus client, which knows
  the offset, and a redirect could carry the token to another host.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from sync.body import BLOCK_SIZE
from sync.http_settings import HttpSettings


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter whose every connection, direct or through the proxy, checks the
    leaf certificate's SHA-256 against the pin (urllib3's `assert_fingerprint`)."""

    def __init__(self, pin_sha256: str | None) -> None:
        self._pin = pin_sha256
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def _with_pin(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        # urllib3 reads a body 16 KiB at a time unless told; one FileSlice block per
        # send() halves the client's system calls and the server's wake-ups.
        kwargs["blocksize"] = BLOCK_SIZE
        if self._pin is not None:
            kwargs["assert_fingerprint"] = self._pin
        return kwargs

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **self._with_pin(kwargs))

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        return super().proxy_manager_for(proxy, **self._with_pin(proxy_kwargs))


def make_session(settings: HttpSettings) -> requests.Session:
    """A session for one send. With a pin, the pin replaces the CA check (a self-hosted
    intake usually has a self-signed certificate); without one, the system's CAs
    (certifi's bundle) decide, as for any HTTPS client."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(settings.pin_sha256)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    if settings.proxy is not None:
        session.proxies = {"http": settings.proxy, "https": settings.proxy}
    session.verify = settings.pin_sha256 is None
    session.headers.clear()
    session.headers["User-Agent"] = "carnet"
    return session
