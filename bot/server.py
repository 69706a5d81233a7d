"""The one aiohttp server: every adapter mounted on one port, plus health checks."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from adapters import kb as kb_pages
from adapters.base import SurfaceBuilder
from bot import prometheus
from bot.config import Settings
from bot.container import SURFACES, Container
from bot.jobs import JobScheduler
from bot.kb_links import passage_links
from core.errors import ConfigurationError
from core.market.store import DbMarketFeed

__all__ = ["RunningServer", "advisor_url", "build_app", "serve_forever", "start_server"]

log = logging.getLogger(__name__)

CONTAINER_KEY = web.AppKey("container", Container)


async def healthz(request: web.Request) -> web.Response:
    """Ready only when the database answers a write round-trip (a read-only or locked database is not ok)."""
    container = request.app[CONTAINER_KEY]
    try:
        await asyncio.wait_for(container.events.claim(f"healthz:{uuid.uuid4().hex}"), HEALTH_TIMEOUT_S)
    except Exception:  # any database failure: not ready (503), the reason is in the log
        log.warning("health check: the database did not answer", exc_info=True)
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ok", "llm": container.settings.llm_enabled})


HEALTH_TIMEOUT_S = 5.0


def build_app(container: Container) -> web.Application:
    """The aiohttp application with every configured surface's routes."""
    app = web.Application(client_max_size=1024**2)
    app[CONTAINER_KEY] = container
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", healthz)
    kb_pages.mount(app, container.documents, passage_links(container.settings))  # where citations link
    for surface in container.surfaces:  # web chat + /advisor, POST /slack/events, POST /api/messages, ...
        surface.mount(app)
    market_token = container.settings.market_token
    feed = container.specialists.market if container.specialists is not None else None
    if market_token is not None and market_token.get_secret_value() and isinstance(feed, DbMarketFeed):
        from adapters import market  # ticks are written to the embedded feed (a MarketFeed only reads)

        market.register(app, feed.apply_ticks, token=market_token.get_secret_value())
    review_token = container.settings.review_token
    if review_token is not None and review_token.get_secret_value() and container.review is not None:
        from adapters import compliance

        assert container.audit is not None
        compliance.register(app, container.audit, container.review, token=review_token.get_secret_value())
    if container.prometheus is not None:
        token = container.settings.metrics_token
        prometheus.register(app, container.prometheus, token=token.get_secret_value() if token else None)
    return app


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


@dataclass(slots=True)
class RunningServer:
    container: Container
    runner: web.AppRunner
    url: str
    scheduler: JobScheduler | None = None
    """The scheduled jobs (bot/jobs.py) when FINBOT_JOBS is on."""
    recovery: asyncio.Task[object] | None = None
    """The inbox sweep run at start (messages a previous process accepted and never answered)."""

    async def stop(self) -> None:
        if self.recovery is not None:
            await asyncio.gather(self.recovery, return_exceptions=True)
        if self.container.knowledge is not None:  # the LISTEN / poll tasks (bot.knowledge_sync)
            await self.container.knowledge.stop()
        if self.scheduler is not None:
            await self.scheduler.shutdown()
        await self.runner.cleanup()
        await self.container.close()


async def start_server(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    surfaces: tuple[SurfaceBuilder, ...] = SURFACES,
    clock: Callable[[], datetime] | None = None,
) -> RunningServer:
    """Open the services, index the sample knowledge base if empty, and listen (port 0 = any free port).
    `surfaces` and `clock` are Container.open's (tests add a surface or move time)."""
    check_exposure(settings, host or settings.host)
    container = await Container.open(settings, surfaces=surfaces, **({"clock": clock} if clock else {}))
    try:
        await container.ingest_sample_if_empty()
        if container.market_consumer is not None:  # Kafka ticks, in the background (never blocks the start)
            await container.market_consumer.start()
        runner = web.AppRunner(build_app(container), access_log=None)
        await runner.setup()
        site = web.TCPSite(
            runner, host or settings.host, settings.port if port is None else port, backlog=settings.listen_backlog
        )
        await site.start()
        for surface in container.surfaces:  # background connections (Slack Socket Mode)
            await surface.start()
    except BaseException:
        await container.close()
        raise
    scheduler = JobScheduler(container)
    if settings.jobs_enabled:  # summaries, reminders: on this process's event loop
        scheduler.start()
    if container.knowledge is not None:  # refresh on NOTIFY (PostgreSQL) and every FINBOT_INDEX_WATCH s
        await container.knowledge.start(container.db, poll_s=settings.index_watch_s)
    bound = runner.addresses[0]
    return RunningServer(
        container=container,
        runner=runner,
        url=f"http://{bound[0]}:{bound[1]}",
        scheduler=scheduler,
        recovery=asyncio.create_task(_recover_at_start(container)),
    )


async def _recover_at_start(container: Container) -> object:
    from bot.inbox_sweep import sweep_inbox

    try:
        result = await sweep_inbox(container)
    except Exception:  # the database is not ready yet: the scheduled sweep tries again
        log.warning("the inbox sweep at start failed", exc_info=True)
        return None
    if result.taken:
        log.info("inbox sweep at start: %s", result)
    return result


def advisor_url(server: RunningServer) -> str | None:
    """The advisor desk's address with its generated token (None: no web desk on this server)."""
    web_surface = server.container.surface("web")
    url_of = getattr(web_surface, "advisor_url", None)
    return url_of(server.url) if url_of is not None else None


async def serve_forever(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    server = await start_server(settings, host=host, port=port)
    log.info("finbot is listening on %s (open it in a browser to chat)", server.url)
    print(f"finbot is running: open {server.url}/ (Ctrl+C to stop)", flush=True)
    desk = advisor_url(server)
    if desk:  # as notebook servers print their token: the desk needs it, even on loopback
        print(f"advisor desk: {desk}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
