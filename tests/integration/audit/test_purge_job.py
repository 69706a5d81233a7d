"""The scheduled `audit-purge` job, on the container's clock: rows past FINBOT_AUDIT_RETENTION go, with a
signed marker; the chain still verifies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.container import Container
from bot.jobs import JobScheduler
from core.audit import AuditEntry, AuditTrail, verify_chain
from core.store.models import AuditRow
from tests.conftest import SettingsFactory


async def test_the_job_purges_past_retention(make_settings: SettingsFactory) -> None:
    now = datetime(2031, 3, 1, tzinfo=UTC)
    settings = make_settings(FINBOT_AUDIT_KEY="k3y", FINBOT_AUDIT_RETENTION="400d", FINBOT_SAMPLE_KNOWLEDGE=False)
    container = await Container.open(settings, clock=lambda: now)
    try:
        assert container.audit is not None
        old = AuditTrail(container.db, signing_key=b"k3y", clock=lambda: datetime(2029, 1, 1, tzinfo=UTC))
        await old.append(AuditEntry(kind="turn", body={"question": "old"}, person_id="p"))
        await container.audit.append(AuditEntry(kind="turn", body={"question": "new"}, person_id="p"))
        report = await JobScheduler(container).run("audit-purge")
        async with container.db.session() as session:
            questions = (await session.scalars(
                select(AuditRow.body).where(AuditRow.kind == "turn"))).all()
        verified = await verify_chain(container.audit)
    finally:
        await container.close()
    assert getattr(report, "purged", None) == 1
    assert [q["question"] for q in questions] == ["new"]
    assert verified.ok and verified.purged == 1
