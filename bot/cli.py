"""The `finbot` command. Each subcommand lives in `bot/commands/` and imports its heavy parts only when run."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

from bot.commands import COMMAND_MODULES
from bot.config import Settings, load_settings
from bot.extras import require_extras
from bot.terminal import configure_logging
from core.errors import FinbotError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finbot", description="finbot: your firm's assistant in Slack and Teams")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)

    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    validate = getattr(args, "validate", None)
    if validate is not None:
        validate(parser, args)
    configure_logging(logging.DEBUG if args.verbose else getattr(args, "log_level", logging.INFO))
    try:
        settings = load_settings()
        if getattr(args, "needs_extras", True):  # `finbot doctor` reports missing extras instead
            require_extras(settings)
        return asyncio.run(args.handler(args, settings))
    except FinbotError as exc:
        print(f"finbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
