"""`finbot doctor`: what is configured, what the knowledge base holds, and what to fix before exposing finbot.

Exit status 0 with warnings; 1 when `finbot serve` would refuse to start (a missing extra, an advisor page
exposed without its token).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bot.config import Settings

__all__ = ["desk_lines", "knowledge_line", "register", "run_doctor", "surface_desks"]

SURFACES = ("web", "slack", "teams")
DESK_NAMES = {"web": "web page /advisor", "slack": "Slack channel {slack}", "teams": "Teams channel {teams}"}


def register(commands: Any) -> None:
    doctor = commands.add_parser("doctor", help="show what is configured and what needs fixing")
    doctor.set_defaults(handler=run_doctor, needs_extras=False)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _enabled_surfaces(settings: Settings) -> list[str]:
    on = {"web": settings.web_enabled, "slack": settings.slack_enabled, "teams": settings.teams_enabled}
    return [s for s in SURFACES if on[s]]


def surface_desks(settings: Settings) -> dict[str, str | None]:
    """For each enabled surface, the advisor desk its escalations go to (the router's own rule), or None."""
    from core.escalation import NotifierRouter

    router = NotifierRouter(preferred=settings.advisor_desk)
    channels = {"web": "/advisor" if settings.web_enabled else None,
                "slack": settings.slack_advisor_channel if settings.slack_enabled else None,
                "teams": settings.teams_advisor_channel if settings.teams_enabled else None}
    for platform, channel in channels.items():
        if channel:
            router.add_desk(SimpleNamespace(platform=platform, channel=channel))  # type: ignore[arg-type]
    names = {p: DESK_NAMES[p].format(slack=channels["slack"], teams=channels["teams"]) for p in SURFACES}
    desks = {}
    for surface in _enabled_surfaces(settings):
        desk = router.desk_for(surface)
        desks[surface] = names[desk.platform] if desk is not None else None
    return desks


def desk_lines(settings: Settings) -> list[tuple[str, str]]:
    desks = surface_desks(settings)
    chosen = sorted({d for d in desks.values() if d})
    if not chosen:
        return [("advisor desk", "NONE: escalations are recorded but no advisor sees them "
                 "(set SLACK_ADVISOR_CHANNEL or TEAMS_ADVISOR_CHANNEL)")]
    return [("advisor desk", ", ".join(chosen))]


def _llm_line(settings: Settings) -> str:
    if not settings.llm_enabled:
        return "none (offline mode: extractive answers)"
    return f"{settings.chat_model} via {settings.openai_base_url or 'OpenAI'}"


def _embeddings_line(settings: Settings) -> str:
    if settings.embeddings == "openai":
        return f"openai: {settings.embeddings_model} via {settings.openai_base_url or 'OpenAI'}"
    return "local: all-MiniLM-L6-v2 (int8 ONNX, 384-d, on the CPU, shipped with finbot)"


def _vectors_line(settings: Settings) -> str:
    if settings.vector_backend == "pinecone":
        where = settings.pinecone_host or (f"index {settings.pinecone_index}" if settings.pinecone_index else "?")
        return f"pinecone: {where}"
    if settings.vector_backend == "pgvector":
        url = settings.pgvector_url or settings.database_url or ""
        return f"pgvector: table finbot_vectors in {url.split('@')[-1] or '(no URL: set FINBOT_PGVECTOR_URL)'}"
    return f"local: exact search over a memory-mapped matrix in {settings.data_dir / 'index'}"


def _local_vectors(settings: Settings) -> int | None:
    """Rows of the local vector file (its size / (4 x dim)), None when there is none yet."""
    folder = settings.data_dir / "index" / "vectors"
    data, dim = folder / "vectors.f32", folder / "dim"
    if not (data.exists() and dim.exists()):
        return None
    return data.stat().st_size // (4 * int(dim.read_text().strip() or 1))


async def knowledge_line(settings: Settings) -> tuple[str, list[str]]:
    """The knowledge base's size from the database (read only: doctor creates and migrates nothing)."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from core.store import Database
    from core.store.models import ChunkRow, DocumentRow

    db = Database(settings.resolved_database_url)
    if db.is_sqlite and db.sqlite_path and not await asyncio.to_thread(Path(db.sqlite_path).exists):
        await db.dispose()
        return "no database yet (`finbot serve` creates it and indexes the sample knowledge base)", []
    try:
        async with db.session() as session:
            documents = int(await session.scalar(select(func.count()).select_from(DocumentRow)) or 0)
            chunks = int(await session.scalar(select(func.count()).select_from(ChunkRow)) or 0)
    except (SQLAlchemyError, OSError) as exc:
        first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        return f"cannot read the database ({type(exc).__name__})", [f"the database cannot be read: {first_line}"]
    finally:
        await db.dispose()
    line = f"{documents} documents, {chunks} chunks"
    vectors = _local_vectors(settings) if settings.vector_backend == "local" else None
    if vectors is not None:
        line += f"; {vectors} vectors in the local index"
    warnings = [] if documents else ["the knowledge base is empty: add documents with `finbot ingest PATH`"]
    return line, warnings


def _slack_line(settings: Settings) -> str:
    if not settings.slack_enabled:
        return "off (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET not set)"
    parts = [f"on: POST /slack/events, Web API {settings.slack_api_base_url}"]
    if settings.slack_app_token:
        parts.append("Socket Mode")
    parts.append(f"streaming {settings.slack_streaming}")
    if settings.slack_advisor_channel:
        parts.append(f"advisor channel {settings.slack_advisor_channel}")
    return ", ".join(parts)


def _web_line(settings: Settings) -> str:
    if not settings.web_enabled:
        why = "FINBOT_WEB=false" if settings.web_setting is False else "Slack or Teams is configured; FINBOT_WEB=true"
        return f"off ({why})"
    token = ("token set" if settings.advisor_token
             else "generated token, printed by `finbot serve`; no FINBOT_ADVISOR_TOKEN: loopback only")
    return f"on: chat / and /ws/chat (server-issued identity cookie), advisor page /advisor ({token}), no login"


def _exposure_problems(settings: Settings) -> tuple[list[str], list[str]]:
    """(errors, warnings) about what a non-loopback FINBOT_HOST exposes."""
    errors: list[str] = []
    warnings: list[str] = []
    if _is_loopback(settings.host):
        return errors, warnings
    if settings.web_enabled and settings.advisor_token is None:  # the rule of bot.server.check_exposure
        errors.append(f"`finbot serve` will refuse to start: FINBOT_ADVISOR_TOKEN is required when the web chat "
                      f"and advisor page listen on {settings.host} (set it, or FINBOT_WEB=false)")
    if settings.web_enabled:
        warnings.append(f"FINBOT_HOST={settings.host}: the web chat has no login; anyone who reaches this address "
                        "can chat with finbot (keep it behind your own proxy, or FINBOT_WEB=false)")
    if settings.metrics_token is None:
        warnings.append(f"FINBOT_HOST={settings.host}: GET /metrics is open; set FINBOT_METRICS_TOKEN")
    return errors, warnings


def _citations(settings: Settings) -> tuple[str, list[str]]:
    """Where citation links point, and what would leave Slack / Teams readers without a working link."""
    base = settings.public_url or ""
    line = f"{base or '(relative)'}/kb/<passage> pages, signed with " + (
        "FINBOT_LINK_SECRET" if settings.link_secret else "the key in FINBOT_DATA_DIR"
    )
    warnings = []
    if not base and (settings.slack_enabled or settings.teams_enabled):
        warnings.append("FINBOT_PUBLIC_URL is not set: Slack and Teams show citations without a link")
    if settings.link_secret is None and settings.database_url and settings.database_url.startswith("postgres"):
        warnings.append("with several processes, set FINBOT_LINK_SECRET (the same on each) so any process "
                        "opens the citation links of the others")
    return line, warnings


async def run_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import teams as teams_command
    from bot.extras import missing_extras

    knowledge, warnings = await knowledge_line(settings)
    errors, exposure = _exposure_problems(settings)
    errors += [extra.message for extra in missing_extras(settings)]
    citations, citation_warnings = _citations(settings)
    warnings += exposure + citation_warnings
    desks = surface_desks(settings)
    lines = [
        ("database", settings.resolved_database_url.split("@")[-1]),
        ("knowledge base", knowledge),
        ("embeddings", _embeddings_line(settings)),
        ("vector backend", _vectors_line(settings)),
        ("language model", _llm_line(settings)),
        ("citations", citations),
        ("listens on", f"http://{settings.host}:{settings.port} (FINBOT_HOST, PORT)"),
        ("web", _web_line(settings)),
        ("slack", _slack_line(settings)),
        *teams_command.doctor_lines(settings),
        *desk_lines(settings),
        *((f"{surface} clients", f"escalations go to {desk or 'NO advisor desk'}") for surface, desk in desks.items()),
    ]
    for name, value in lines:
        print(f"{name:>16}: {value}")
    for problem in errors:
        print(f"{'ERROR':>16}: {problem}")
    for problem in warnings:
        print(f"{'warning':>16}: {problem}")
    return 1 if errors else 0
