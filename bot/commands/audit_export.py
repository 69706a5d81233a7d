"""`finbot audit export --from --to [--person] --format jsonl|eml [--out]` (bot.commands.audit registers it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

__all__ = ["run_export"]


async def run_export(args: argparse.Namespace, trail: Any) -> int:
    from core.audit.export import conversation_days, eml_message, jsonl_line
    from core.store.models import AuditRow, ChunkRow

    where = and_(AuditRow.created_at >= args.start, AuditRow.created_at < args.end)
    if args.person:
        where = and_(where, AuditRow.person_id == args.person)
    rows = [row async for row in trail.rows(where=where)]
    if args.format == "jsonl":
        lines = "".join(jsonl_line(row) + "\n" for row in rows)
        if args.out:
            _write(Path(args.out), {"": lines.encode()})
            print(f"wrote {len(rows)} audit rows to {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(lines)
        return 0
    folder = Path(args.out or "audit-eml")
    groups = list(conversation_days(rows))
    chunks = {str(d.get("chunk_id")) for g in groups for r in g.rows for d in r.body.get("documents", [])}
    async with trail.db.session() as session:
        texts = dict((await session.execute(select(ChunkRow.id, ChunkRow.text).where(ChunkRow.id.in_(chunks)))).all())
    files = {}
    for group in groups:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in group.conversation_key)
        files[f"{group.day.isoformat()}_{safe}.eml"] = bytes(eml_message(group, chunk_texts=texts))
    _write(folder, files)
    print(f"wrote {len(groups)} messages ({len(rows)} audit rows) to {folder}", file=sys.stderr)
    return 0


def _write(path: Path, files: dict[str, bytes]) -> None:
    """One file (name "") at `path`, or the named files in the folder `path`."""
    if "" in files:
        path.write_bytes(files[""])
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
