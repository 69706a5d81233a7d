"""Subcommands of `finbot`, one module per feature; each exposes `register(subparsers)`.

Registering must stay cheap (argparse only): a module imports its heavy parts inside its handlers, so
`finbot --help` and small commands start fast.
"""

from bot.commands import db, eval, jobs, memory, metrics, portfolio, run, teams

COMMAND_MODULES = (run, db, eval, metrics, jobs, memory, portfolio, teams)

__all__ = ["COMMAND_MODULES"]
