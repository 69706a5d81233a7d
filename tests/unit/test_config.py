from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import load_settings
from core.errors import ConfigurationError


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINBOT_CONFIDENCE_THRESHOLD", "very")
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert info.value.setting == "FINBOT_CONFIDENCE_THRESHOLD"


def test_cli_prints_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("FINBOT_CONFIDENCE_THRESHOLD", "150")
    assert main(["doctor"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("finbot: FINBOT_CONFIDENCE_THRESHOLD")


def test_admins_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINBOT_ADMINS", "slack:T1:U1, teams:t:u2")
    assert load_settings().admins == ["slack:T1:U1", "teams:t:u2"]


def test_database_url_must_be_sqlite_or_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.store.db import Database

    with pytest.raises(ConfigurationError) as info:
        Database("mysql://x@localhost/db")
    assert info.value.setting == "DATABASE_URL"


def test_doctor_warns_when_no_advisor_sees_escalations(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    assert main(["doctor"]) == 0
    assert "advisor desk: NONE" in capsys.readouterr().out
    monkeypatch.setenv("SLACK_ADVISOR_CHANNEL", "C-ADVISORS")
    assert main(["doctor"]) == 0
    assert "advisor desk: Slack channel C-ADVISORS" in capsys.readouterr().out


def test_audit_retention_takes_years_or_days(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    assert load_settings().audit_retention_period == timedelta(days=6 * 365.25)
    monkeypatch.setenv("FINBOT_AUDIT_RETENTION", "400d")
    assert load_settings().audit_retention_period == timedelta(days=400)
    monkeypatch.setenv("FINBOT_AUDIT_RETENTION", "six years")
    with pytest.raises(ConfigurationError, match="FINBOT_AUDIT_RETENTION"):
        load_settings()


def test_pii_kinds_are_checked_and_can_be_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINBOT_PII_ENTITIES", "email_address, CREDIT_CARD")
    assert load_settings().pii_entities == ["EMAIL_ADDRESS", "CREDIT_CARD"]
    monkeypatch.setenv("FINBOT_PII_ENTITIES", "off")
    assert load_settings().pii_entities == []
    monkeypatch.setenv("FINBOT_PII_ENTITIES", "PASSPORT")
    with pytest.raises(ConfigurationError, match="FINBOT_PII_ENTITIES"):
        load_settings()
