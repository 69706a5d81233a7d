"""`finbot jobs list` and `finbot jobs run NAME`: the scheduled jobs (bot/jobs.py), by hand."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings

__all__ = ["register", "run_jobs"]


def register(commands: Any) -> None:
    """Add `jobs` to the `finbot` subcommands."""
    from bot.jobs import JOBS

    jobs = commands.add_parser("jobs", help="list the scheduled jobs, or run one now")
    actions = jobs.add_subparsers(dest="jobs_action", required=True)
    actions.add_parser("list", help="the registered jobs and their intervals")
    run = actions.add_parser("run", help="run one job once, now")
    run.add_argument("job_name", metavar="NAME", help=", ".join(sorted(JOBS)) or "job name")
    jobs.set_defaults(handler=run_jobs)


async def run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    from bot.container import Container
    from bot.jobs import JOBS, JobScheduler

    if args.jobs_action == "list":
        for job in sorted(JOBS.values(), key=lambda j: j.name):
            print(f"{job.name:<24} every {job.every_s(settings):>8.0f}s  {job.help}")
        return 0
    container = await Container.open(settings)
    try:
        result = await JobScheduler(container).run(args.job_name)
    finally:
        await container.close()
    print(f"{args.job_name}: {result}")
    return 0
