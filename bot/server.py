"""The one aiohttp server: every adapter mounted on one port, plus health checks."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters import web as web_chat
from bot import prometheus
from bot.config import Settings
from bot.container import Container

__all__ = ["RunningServer", "build_app", "serve_forever", "start_server"]

log = logging.getLogger(__name__)

CONTAINER_KEY = web.AppKey("container", Container)


async def healthz(request: web.Request) -> web.Response:
    container = request.app[CONTAINER_KEY]
    return web.json_response({"status": "ok", "llm": container.settings.llm_enabled})


def build_app(container: Container) -> web.Application:
    """The aiohttp application with every enabled adapter's routes."""
    app = web.Application(client_max_size=1024**2)
    app[CONTAINER_KEY] = container
    app.router.add_get("/healthz", healthz)
    web_chat.register(app, container.assistant)
    if container.settings.slack_enabled and container.slack_app is not None:
        from adapters import slack

        slack.mount(app, container.slack_app)
    if container.prometheus is not None:
        token = container.settings.metrics_token
        prometheus.register(app, container.prometheus, token=token.get_secret_value() if token else None)
    return app


@dataclass(slots=True)
class RunningServer:
    container: Container
    runner: web.AppRunner
    url: str

    async def stop(self) -> None:
        await self.runner.cleanup()
        await self.container.close()


async def start_server(settings: Settings, *, host: str | None = None, port: int | None = None) -> RunningServer:
    """Open the services, index the sample knowledge base if empty, and listen (port 0 = any free port)."""
    container = await Container.open(settings)
    try:
        await container.ingest_sample_if_empty()
        runner = web.AppRunner(build_app(container), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host or settings.host, settings.port if port is None else port)
        await site.start()
    except BaseException:
        await container.close()
        raise
    bound = runner.addresses[0]
    return RunningServer(container=container, runner=runner, url=f"http://{bound[0]}:{bound[1]}")


async def serve_forever(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    server = await start_server(settings, host=host, port=port)
    socket_mode = await _slack_socket_mode(server.container)
    log.info("finbot is listening on %s (open it in a browser to chat)", server.url)
    print(f"finbot is running: open {server.url}/ (Ctrl+C to stop)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        if socket_mode is not None:
            await socket_mode.close_async()
        await server.stop()


async def _slack_socket_mode(container: Container) -> Any:
    """With SLACK_APP_TOKEN, Slack events also arrive over Socket Mode (no public URL needed)."""
    token = container.settings.slack_app_token
    if token is None or container.slack_app is None:
        return None
    from adapters.slack import start_socket_mode

    handler = await start_socket_mode(container.slack_app, token.get_secret_value())
    log.info("Slack Socket Mode connected")
    return handler
