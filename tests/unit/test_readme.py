"""The README renders (every table is a table), documents every setting (its tables are generated from
Settings), and its links lead somewhere in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bot.config import Settings
from bot.settings_doc import README, SECTIONS, main, render_readme, variable_name

ROOT = Path(__file__).resolve().parents[2]
TEXT = README.read_text(encoding="utf-8")


def _tokens() -> list:
    return MarkdownIt("commonmark").enable("table").parse(TEXT)


def _ranges(kind: str) -> list[range]:
    return [range(*t.map) for t in _tokens() if t.type == kind and t.map]


def test_every_table_line_renders_as_a_table() -> None:
    """A line starting with `|` outside a table (e.g. after a stray blank line) shows as raw pipes."""
    tables, fences = _ranges("table_open"), _ranges("fence")
    for number, line in enumerate(TEXT.splitlines()):
        if line.lstrip().startswith("|") and not any(number in r for r in fences):
            assert any(number in r for r in tables), f"README.md line {number + 1} is not part of a table: {line}"


def test_every_row_has_as_many_cells_as_its_header() -> None:
    lines = TEXT.splitlines()
    for table in _ranges("table_open"):
        counts = {n + 1: len(re.findall(r"(?<!\\)\|", lines[n])) for n in table if lines[n].strip()}
        header = counts[table.start + 1]
        assert all(c == header for c in counts.values()), f"README.md table at line {table.start + 1}: {counts}"


def test_the_configuration_tables_are_generated_from_settings() -> None:
    assert render_readme(TEXT) == TEXT, "README.md is out of date: run python -m bot.settings_doc --write"
    assert main(["--check"]) == 0


def test_every_setting_is_documented_in_exactly_one_section() -> None:
    placed = [name for names in SECTIONS.values() for name in names]
    assert sorted(placed) == sorted(set(placed)), "a setting is in two sections of bot/settings_doc.py"
    missing = set(Settings.model_fields) - set(placed)
    assert not missing, f"add {sorted(missing)} to a section in bot/settings_doc.py, then --write"
    for section in SECTIONS:
        assert f"<!-- settings:{section} -->" in TEXT, f"README.md has no {section} settings table"
    for name, info in Settings.model_fields.items():
        assert info.description, f"Settings.{name} has no docstring (its README description)"
        assert f"| `{variable_name(info)}` |" in TEXT


@pytest.mark.parametrize("target", sorted(set(re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", TEXT))))
def test_relative_links_lead_to_files_in_the_repository(target: str) -> None:
    if re.match(r"^[a-z]+:", target):
        return
    assert (ROOT / target).exists(), target


def test_the_license_file_matches_pyproject() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]  # PEP 639, not a table
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
