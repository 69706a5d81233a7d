"""The README's configuration tables, generated from `Settings` (each field's docstring is its description).

    python -m bot.settings_doc --write   rewrite the tables in README.md
    python -m bot.settings_doc --check   exit 1 when README.md is out of date (tests/unit/test_readme.py does it)

Each table sits between `<!-- settings:SECTION -->` and `<!-- /settings -->` in README.md. A new setting goes
into one section below; a setting in no section (or in two) fails the test, so none goes undocumented.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from bot.config import Settings

__all__ = ["README", "SECTIONS", "render_readme", "section_table", "variable_name"]

README = Path(__file__).resolve().parent.parent / "README.md"

SECTIONS: dict[str, tuple[str, ...]] = {
    "general": (
        "data_dir", "database_url", "openai_api_key", "openai_base_url", "chat_model", "llm_timeout_s",
        "llm_max_retries", "confidence_threshold", "top_k", "admins", "host", "port", "listen_backlog",
        "public_url", "link_secret", "web_setting", "web_secret", "advisor_token", "prices", "metrics_token",
    ),
    "portfolio": (
        "sample_portfolio", "demo_user", "market_token", "kafka_bootstrap_servers", "market_topic", "market_group",
        "benchmark_symbol", "quote_stale_min", "router", "jury", "disclaimer", "no_recommendation",
    ),
    "knowledge": (
        "sample_knowledge", "index_watch_s", "embeddings", "embeddings_model", "onnx_threads", "onnx_spinning",
        "onnx_memory_arena", "vector_backend", "vector_precision", "pinecone_api_key",
        "pinecone_host", "pinecone_index", "pgvector_url", "chunk_size", "chunk_overlap", "ingest_flagged", "fusion",
        "query_rewrite",
        "grounding_judge", "extractive_timeout_s",
    ),
    "slack": (
        "slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_api_base_url", "slack_streaming",
        "slack_stream_buffer", "suggested_prompts", "slack_advisor_channel", "slack_dm_session_min",
    ),
    "teams": (
        "microsoft_app_id", "microsoft_app_password", "microsoft_app_type", "microsoft_app_tenant_id",
        "teams_setting", "teams_stream_interval_s", "teams_advisor_channel", "teams_openid_metadata_url",
        "teams_token_issuer",
    ),
    "escalation": (
        "business_hours", "holiday_calendar", "holidays", "escalation_remind_min", "escalation_expire_hours",
        "handover_topics", "high_stakes_topics", "escalate_low_confidence", "escalate_no_answer", "contact_line",
        "advisor_desk",
    ),
    "memory": (
        "recent_turns", "context_token_budget", "memory_facts_k", "summary_interval_min", "summary_idle_min",
        "summary_token_budget", "jobs_enabled", "inbox_lease_s", "inbox_sweep_s", "inbox_max_attempts",
        "ack_batch_ms", "ack_batch_max",
    ),
    "compliance": ("audit_enabled", "audit_key", "audit_retention", "audit_purge_interval_h", "pii_entities",
                   "review_sample", "reviewers", "review_token"),
}
"""README section -> the settings its table lists, in order."""

_BLOCK = re.compile(r"^([ \t]*)<!-- settings:([a-z-]+) -->\n.*?^[ \t]*<!-- /settings -->$", re.MULTILINE | re.DOTALL)


def variable_name(info: FieldInfo) -> str:
    """The environment variable (the first of its names)."""
    alias = info.validation_alias
    if alias is not None and hasattr(alias, "choices"):
        return str(alias.choices[0])
    return str(alias or info.alias)


def _default(info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "default_text" in extra:
        return str(extra["default_text"])
    value: Any = info.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value in ("", [], {}):
        return "empty"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _cell(text: str) -> str:
    """One table cell: a single line, pipes escaped (GitHub ends a cell at `|`, even inside backticks)."""
    return " ".join(text.split()).replace("|", "\\|")


def section_table(section: str, indent: str = "") -> list[str]:
    fields = Settings.model_fields
    rows = [f"{indent}| variable | default | meaning |", f"{indent}|---|---|---|"]
    for name in SECTIONS[section]:
        info = fields[name]
        rows.append(
            f"{indent}| `{variable_name(info)}` | {_cell(_default(info))} | {_cell(info.description or '')} |"
        )
    return rows


def render_readme(text: str) -> str:
    """README text with every settings block regenerated (unknown sections raise KeyError)."""

    def block(match: re.Match[str]) -> str:
        indent, section = match.group(1), match.group(2)
        # Blank lines around the table: GitHub would otherwise read the closing comment as one more row.
        table = "\n".join(section_table(section, indent))
        return f"{indent}<!-- settings:{section} -->\n\n{table}\n\n{indent}<!-- /settings -->"

    return _BLOCK.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.settings_doc", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the tables in README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 when README.md is out of date")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    fresh = render_readme(current)
    if args.write:
        README.write_text(fresh, encoding="utf-8")
        print(f"wrote the configuration tables of {README.name}")
        return 0
    if fresh != current:
        print("README.md's configuration tables are out of date: run python -m bot.settings_doc --write")
        return 1
    print("README.md's configuration tables are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
