"""`finbot audit verify | export | hold | release | holds | purge`: the books-and-records trail (core.audit).

verify walks the hash chain and names the first broken row (exit 1); export writes JSON Lines or RFC 5322
messages for an archiver; hold / release place and lift legal holds (kept in the chain); purge removes rows past
FINBOT_AUDIT_RETENTION now (the `audit-purge` job does it on a schedule).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

__all__ = ["register", "run_audit"]


def _when(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def register(commands: Any) -> None:
    """Add `audit` to the `finbot` subcommands."""
    audit = commands.add_parser("audit", help="the audit trail: verify, export, legal holds, purge")
    actions = audit.add_subparsers(dest="audit_action", required=True)
    actions.add_parser("verify", help="check the hash chain; name the first broken row")
    export = actions.add_parser("export", help="write the trail for an archiver (JSON Lines or RFC 5322 .eml)")
    export.add_argument("--from", dest="start", type=_when, required=True, help="ISO date, e.g. 2026-01-01")
    export.add_argument("--to", dest="end", type=_when, required=True, help="ISO date (exclusive)")
    export.add_argument("--person", default=None, metavar="ID", help="only this person's records")
    export.add_argument("--format", choices=("jsonl", "eml"), default="jsonl")
    export.add_argument("--out", default=None, help="file (jsonl) or folder (eml); default: stdout / ./audit-eml")
    for name, what in (("hold", "place a legal hold"), ("release", "lift a legal hold")):
        action = actions.add_parser(name, help=f"{what} on a person's or a conversation's records")
        target = action.add_mutually_exclusive_group(required=True)
        target.add_argument("--person", metavar="ID")
        target.add_argument("--conversation", metavar="KEY")
        action.add_argument("--reason", default="", help="matter or ticket reference")
    actions.add_parser("holds", help="list the legal holds in force")
    actions.add_parser("purge", help="remove rows past FINBOT_AUDIT_RETENTION now (skips legal holds)")
    review = actions.add_parser("review", help="the supervision queue; with --seq, record a decision on one answer")
    review.add_argument("--seq", type=int, default=None, help="the answer's audit row")
    review.add_argument("--reviewer", default="", help="your id, as FINBOT_REVIEWERS lists it")
    review.add_argument("--decision", choices=("approve", "follow_up"), default="approve")
    review.add_argument("--note", default="")
    audit.set_defaults(handler=run_audit)


async def run_audit(args: argparse.Namespace, settings: Settings) -> int:
    from core.audit import AuditTrail, verify_chain
    from core.store import Database

    db = Database(settings.resolved_database_url)
    key = settings.audit_key.get_secret_value().encode() if settings.audit_key else b""
    trail = AuditTrail(db, signing_key=key)
    try:
        await db.upgrade_schema()
        if args.audit_action == "verify":
            started = time.perf_counter()
            report = await verify_chain(trail)
            print(f"{report.describe()} in {time.perf_counter() - started:.2f} s")
            return 0 if report.ok else 1
        return await _other(args, settings, trail)
    finally:
        await db.dispose()


async def _other(args: argparse.Namespace, settings: Settings, trail: Any) -> int:
    from core.audit import retention

    action = args.audit_action
    if action in ("hold", "release"):
        if not trail.signing_key:
            print("finbot audit: set FINBOT_AUDIT_KEY first: holds are signed", file=sys.stderr)
            return 2
        change = retention.place_hold if action == "hold" else retention.release_hold
        row = await change(trail, person=args.person, conversation=args.conversation, reason=args.reason, by="cli")
        target = f"person {args.person}" if args.person else f"conversation {args.conversation}"
        verb = "placed on" if action == "hold" else "lifted from"
        print(f"legal hold {verb} {target} (audit row {row.seq}); the purge "
              f"{'skips' if action == 'hold' else 'no longer skips'} their records")
        return 0
    if action == "holds":
        holds = await retention.active_holds(trail)
        _print({"persons": holds.persons, "conversations": holds.conversations})
        return 0
    if action == "purge":
        report = await retention.purge_expired(trail, retention=settings.audit_retention_period)
        if report.refused:
            print(f"finbot audit purge: {report.refused}", file=sys.stderr)
            return 2
        print(f"purged {report.purged} audit rows older than {settings.audit_retention}; kept {report.held} under "
              f"legal hold" + (f"; purge marker is row {report.marker_seq}" if report.marker_seq else ""))
        return 0
    if action == "review":
        return await _review(args, settings, trail)
    from bot.commands.audit_export import run_export

    return await run_export(args, trail)


async def _review(args: argparse.Namespace, settings: Settings, trail: Any) -> int:
    from core.audit.export import row_dict
    from core.audit.review import NotAReviewer, ReviewQueue, UnknownRecord

    queue = ReviewQueue(trail, reviewers=frozenset(settings.reviewers))
    if args.seq is None:
        for row in await queue.pending():
            _print({k: v for k, v in row_dict(row).items() if k in ("seq", "created_at", "person_id")}
                   | {"question": row.body.get("question"), "answer": row.body.get("answer"),
                      "review": row.body.get("review")})
        return 0
    try:
        row = await queue.decide(args.seq, reviewer=args.reviewer, decision=args.decision, note=args.note)
    except NotAReviewer:
        print(f"finbot audit review: {args.reviewer!r} is not in FINBOT_REVIEWERS", file=sys.stderr)
        return 2
    except UnknownRecord:
        print(f"finbot audit review: no answered turn at audit row {args.seq}", file=sys.stderr)
        return 1
    print(f"{args.decision} on row {args.seq} recorded as audit row {row.seq}")
    return 0


def _print(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))
