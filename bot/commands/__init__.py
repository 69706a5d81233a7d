"""Subcommands of `finbot`, one module per feature; each exposes `register(subparsers)`.

Registering must stay cheap (argparse only): a module imports its heavy parts inside its handlers, so
`finbot --help` and small commands start fast.
"""

from bot.commands import audit, db, doctor, eval, jobs, memory, metrics, portfolio, run, teams, users

COMMAND_MODULES = (run, doctor, db, eval, metrics, jobs, memory, users, portfolio, teams, audit)

__all__ = ["COMMAND_MODULES"]
