"""The project stands on its own: no file in it points outside the repository or at a machine's paths."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "node_modules", "build", "dist", ".finbot", "__pycache__", ".pytest_cache",
             ".ruff_cache", ".bench-cache", "requirements"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".json", ".yaml", ".yml", ".txt", ".html", ".js", ".css", ".in", ".cfg"}
OUTSIDE = re.compile(r"/work/|\.\./shared|\bshared/(?:data|platform-notes)|/root/|/opt/(?:pypi|wheels)")


def _files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in path.relative_to(ROOT).parts):
            continue
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.parent.name in ("scripts", ".ci")):
            found.append(path)
    return found


def test_no_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line) and path != Path(__file__):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


def test_the_platform_notes_the_code_cites_are_in_docs() -> None:
    assert (ROOT / "docs" / "platform-notes.md").exists()
    for path in _files():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            for cited in re.findall(r"[\w./-]*platform-notes\.md", line):
                assert cited in ("docs/platform-notes.md", "platform-notes.md") or cited.endswith(
                    "/docs/platform-notes.md"), f"{path.relative_to(ROOT)} cites {cited}"
