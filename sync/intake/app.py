"""The intake's aiohttp application: routes, and the middleware that checks every
request before its handler runs.

The middleware is where "before a single body byte" holds: it sees the request line and
headers only, refuses a missing or wrong token (401) and a wrong `Tus-Resumable` (412),
and closes the connection after any refusal whose body was not read. There is no GET
route at all: an upload's URL answers GET with 405, anything else with 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from sync.intake.handlers import UPLOADS_PATH, TusHandlers, refuse
from sync.intake.limits import IntakeLimits, UploadLockedError
from sync.intake.protocol import (
    CHECKSUM_ALGORITHMS,
    EXTENSIONS,
    TUS_VERSION,
    ProtocolError,
    bearer_matches,
    check_tus_resumable,
)
from sync.intake.store import UploadStore

log = logging.getLogger("sync.intake")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAX_EXPIRY_PAUSE = 600.0


def _body_unread(request: web.Request) -> bool:
    return request.body_exists and not request.content.at_eof()


def make_guard(token: bytes | None) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        response: web.StreamResponse
        try:
            if token is not None and not bearer_matches(
                request.headers.get("Authorization"), token
            ):
                response = refuse(401, "a valid bearer token is needed")
                response.headers["WWW-Authenticate"] = 'Bearer realm="carnet-intake"'
            elif request.method != "OPTIONS":
                check_tus_resumable(request.headers.get("Tus-Resumable"))
                response = await handler(request)
            else:
                response = await handler(request)
        except ProtocolError as exc:
            response = refuse(exc.status, exc.reason)
            if exc.status == 412:
                response.headers["Tus-Version"] = TUS_VERSION
        except web.HTTPException as exc:  # the router's 404 and 405
            response = refuse(exc.status, exc.reason)
            if "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Never let aiohttp log it: its message names the client's address.
            log.error(
                "internal error answering a %s request: %s", request.method, type(exc).__name__
            )
            response = refuse(500, "internal error")
            response.force_close()
        if _body_unread(request):
            response.force_close()
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Server"] = "carnet-intake"  # not aiohttp's name and version
        return response

    return guard


async def defer_continue(request: web.Request) -> None:
    """aiohttp answers `Expect: 100-continue` before any middleware runs, which would
    invite a stranger's body. The intake says nothing here; a PATCH sends its own
    "100 Continue" once every check has passed (handlers.py), so a refused request is
    refused before the client sends a byte of it."""
    expect = request.headers.get("Expect", "")
    if expect.lower() != "100-continue":
        raise web.HTTPExpectationFailed(text="only Expect: 100-continue is understood")


def make_options(limits: IntakeLimits) -> Handler:
    async def options(request: web.Request) -> web.StreamResponse:
        del request
        return web.Response(
            status=204,
            headers={
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": ",".join(EXTENSIONS),
                "Tus-Max-Size": str(limits.max_size),
                "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
            },
        )

    return options


async def _expire_forever(store: UploadStore, handlers: TusHandlers, max_age: float) -> None:
    """Remove stale partials now and then for as long as the server runs."""
    pause = min(_MAX_EXPIRY_PAUSE, max(1.0, max_age / 4))
    while True:
        try:
            removed = await _expire_once(store, handlers, max_age)
        except OSError as exc:
            log.error("could not expire stale uploads: %s", exc.strerror)
        else:
            if removed:
                log.info("expired %d unfinished upload(s)", len(removed))
        await asyncio.sleep(pause)


async def _expire_once(store: UploadStore, handlers: TusHandlers, max_age: float) -> list[str]:
    """Each stale upload is removed under its lock, and only if it is still stale then:
    a PATCH that began meanwhile keeps its upload, and one that comes after finds it
    gone (404) rather than being answered for bytes written into a removed file."""
    removed: list[str] = []
    for upload_id in await asyncio.to_thread(store.stale_partials, max_age):
        try:
            async with handlers.locks.hold(upload_id, 0):
                if await asyncio.to_thread(store.expire_if_stale, upload_id, max_age):
                    removed.append(upload_id)
                    handlers.forget([upload_id])
        except UploadLockedError:
            continue  # busy: not stale after all
    return removed


def build_app(
    store: UploadStore, limits: IntakeLimits, token: bytes | None, expire_after: float | None
) -> web.Application:
    handlers = TusHandlers(store, limits)
    app = web.Application(middlewares=[make_guard(token)], client_max_size=1024)
    options = make_options(limits)
    for path in (UPLOADS_PATH, UPLOADS_PATH.rstrip("/")):
        app.router.add_route("POST", path, handlers.create, expect_handler=defer_continue)
        app.router.add_route("OPTIONS", path, options, expect_handler=defer_continue)
    item = UPLOADS_PATH + "{upload_id}"
    for method, handler in (
        ("HEAD", handlers.head),
        ("PATCH", handlers.patch),
        ("DELETE", handlers.delete),
        ("OPTIONS", options),
    ):
        app.router.add_route(method, item, handler, expect_handler=defer_continue)

    if expire_after is not None:

        async def expiry(app: web.Application) -> AsyncIterator[None]:
            task = asyncio.create_task(_expire_forever(store, handlers, expire_after))
            yield
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        app.cleanup_ctx.append(expiry)
    return app
