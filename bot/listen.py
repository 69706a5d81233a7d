"""`finbot serve`: listen first, load after.

Importing the server (LangGraph, LangChain, the platform SDKs) and opening the services takes seconds; a
restart that makes the load balancer and Slack wait that long drops traffic. So the socket opens at once with
a stand-in handler (`LateApp`) that answers `/healthz` (`"ready": false`) and `/readyz` (503) by itself and
holds every other request until the real application is attached; from then on each request goes to the
application's own handler (one call more). The heavy imports run in a thread so the stand-in keeps answering.
This module imports aiohttp and the settings only.
"""

from __future__ import annotations

import asyncio
import ctypes
import importlib
import ipaddress
import logging
import signal
from typing import Any

from aiohttp import web

from bot.config import Settings
from core.errors import ConfigurationError

__all__ = ["LateApp", "check_exposure", "serve_forever"]

log = logging.getLogger(__name__)

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})


def check_exposure(settings: Settings, host: str) -> None:
    """Refuse to put the open advisor desk (every client's escalated questions), or Teams without app
    credentials (an unauthenticated POST would make finbot call any serviceUrl), on a non-loopback address."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if settings.teams_enabled and not settings.microsoft_app_id and not loopback:
        raise ConfigurationError(
            "MICROSOFT_APP_ID", f"required when Teams listens on {host} (anonymous mode is for loopback only)"
        )
    if not settings.web_enabled or settings.advisor_token is not None:
        return
    if not loopback:
        raise ConfigurationError(
            "FINBOT_ADVISOR_TOKEN",
            f"required when the web chat and advisor page listen on {host} (set it, or FINBOT_WEB=false)",
        )


class LateApp:
    """The listening socket's request factory and handler, handing requests to an application attached later."""

    def __init__(self, *, client_max_size: int = 1024**2) -> None:
        self._client_max_size = client_max_size
        self._app: web.Server | None = None
        self._attached = asyncio.Event()
        self.failed: BaseException | None = None
        """Why loading failed (requests held so far are answered 503)."""

    def attach(self, app_server: web.Server) -> None:
        """From now on every request goes to `app_server` (an AppRunner's `server`), held ones included."""
        self._app = app_server
        self._attached.set()

    def fail(self, error: BaseException) -> None:
        self.failed = error
        self._attached.set()

    def make_request(self, *args: Any) -> web.BaseRequest:
        """A `web.Request` as the application would make it, so a request accepted early can be handed on."""
        if self._app is not None:
            return self._app.request_factory(*args)
        message, payload, protocol, writer, task = args
        loop = asyncio.get_running_loop()
        return web.Request(message, payload, protocol, writer, task, loop, client_max_size=self._client_max_size)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if self._app is None:
            if request.path in HEALTH_PATHS and self.failed is None:
                status = 200 if request.path == "/healthz" else 503
                return web.json_response({"status": "starting", "ready": False}, status=status)
            await self._attached.wait()
        if self._app is None:
            return web.json_response({"status": "failed to start"}, status=503)
        return await self._app.request_handler(request)


def _preload_model(settings: Settings) -> None:
    from core.retrieval.embeddings import preload

    options = {"threads": settings.onnx_threads, "spinning": settings.onnx_spinning}
    preload(settings.embeddings, memory_arena=settings.onnx_memory_arena, **options)


async def _load(settings: Settings, late: LateApp, listening: web.ServerRunner) -> Any:
    """Import the server in a thread (the embedding model loads in another), open the services and attach the
    application; returns its RunningServer."""
    model = asyncio.create_task(asyncio.to_thread(_preload_model, settings))
    server = await asyncio.to_thread(importlib.import_module, "bot.server")
    running = await server.open_server(settings, listening=listening)
    late.attach(running.runner.server)
    desk = server.advisor_url(running)
    if desk:  # as notebook servers print their token: the desk needs it, even on loopback
        print(f"advisor desk: {desk}", flush=True)
    try:
        await model
    except Exception:  # the first question loads it again and reports the error
        log.warning("the embedding model did not load in the background", exc_info=True)
    release_freed_memory()
    return running


def release_freed_memory() -> None:
    """Give the memory freed while loading back to the system. onnxruntime folds the int8 model's weights
    into float32 when it builds its session and frees the copies it started from, but glibc's malloc keeps
    freed heap (~60 MB here) in the process unless asked: `malloc_trim`. A no-op off glibc."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: glibc's when it is glibc
    except (OSError, AttributeError, TypeError):  # musl, macOS, Windows: nothing to trim this way
        return
    trim(0)


async def serve_forever(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Listen, then load in the background; run until SIGINT / SIGTERM. A failure to load ends the process."""
    host = host or settings.host
    check_exposure(settings, host)
    late = LateApp()
    listening = web.ServerRunner(web.Server(late.handle, request_factory=late.make_request, access_log=None))
    await listening.setup()
    site = web.TCPSite(listening, host, settings.port if port is None else port, backlog=settings.listen_backlog)
    await site.start()
    bound = listening.addresses[0]
    url = f"http://{bound[0]}:{bound[1]}"
    log.info("finbot is listening on %s (loading)", url)
    print(f"finbot is running: open {url}/ (Ctrl+C to stop)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loading = asyncio.create_task(_load(settings, late, listening))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({loading, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if loading.done() and loading.exception() is not None:
            late.fail(loading.exception())  # type: ignore[arg-type]
            raise loading.exception()  # type: ignore[misc]
        await stopping
    finally:
        stopping.cancel()
        if not loading.done():
            loading.cancel()
        running = (await asyncio.gather(loading, return_exceptions=True))[0]
        if not isinstance(running, BaseException):
            await running.stop()
        await listening.cleanup()
