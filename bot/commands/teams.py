"""`finbot teams package [--out PATH]`: the Teams app zip to sideload; and the Teams lines of `finbot doctor`."""

from __future__ import annotations

import argparse
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.config import Settings
from core.errors import ConfigurationError

__all__ = ["doctor_lines", "register"]

DEFAULT_OUT = Path("build") / "finbot-teams.zip"
AUTH_OFF = (
    "!!! AUTH OFF: MicrosoftAppId is empty, so /api/messages accepts activities from ANYONE without a token "
    "(anonymous, Emulator-style mode). Set MicrosoftAppId and MicrosoftAppPassword before exposing it. !!!"
)


def register(commands: Any) -> None:
    teams = commands.add_parser("teams", help="Microsoft Teams: build the app package to sideload")
    actions = teams.add_subparsers(dest="teams_action", required=True)
    package = actions.add_parser("package", help="build the Teams app zip (manifest + icons) with the bot id")
    package.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"zip to write (default {DEFAULT_OUT})")
    package.add_argument(
        "--allow-placeholders", action="store_true",
        help="accept the template's placeholder developer name and example.com URLs (for a test tenant)",
    )
    package.set_defaults(handler=run_package)


def _version() -> str:
    try:
        return version("finbot")
    except PackageNotFoundError:
        return "0.1.0"


async def run_package(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.teams.manifest import ManifestError, build_package

    try:
        out = build_package(
            args.out, app_id=settings.microsoft_app_id, version=_version(), allow_placeholders=args.allow_placeholders
        )
    except ManifestError as exc:
        raise ConfigurationError("MicrosoftAppId" if not settings.microsoft_app_id else "manifest", str(exc)) from None
    print(f"wrote {out} (bot {settings.microsoft_app_id}): upload it in Teams > Apps > Manage your apps")
    return 0


def doctor_lines(settings: Settings) -> list[tuple[str, str]]:
    """What `finbot doctor` says about Teams; the auth-off warning is meant to be impossible to miss."""
    if not settings.teams_enabled:
        reason = "FINBOT_TEAMS=false" if settings.teams_setting is False else "MicrosoftAppId not set"
        return [("teams", f"off ({reason}; FINBOT_TEAMS=true runs it without auth for local testing)")]
    if not settings.microsoft_app_id:
        return [("teams", "on: POST /api/messages, anonymous mode"), ("teams auth", AUTH_OFF)]
    password = "set" if settings.microsoft_app_password else "MISSING (MicrosoftAppPassword)"
    advisor = f", advisor channel {settings.teams_advisor_channel}" if settings.teams_advisor_channel else ""
    return [
        ("teams", f"on: POST /api/messages, app {settings.microsoft_app_id} ({settings.microsoft_app_type}){advisor}"),
        ("teams auth", f"on: every activity's JWT is validated; password {password}"),
    ]
