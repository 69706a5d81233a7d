"""The lock files (requirements/*.txt, written by scripts/lock) are in step with pyproject.toml.

A dependency added to or tightened in pyproject.toml without re-locking fails here, naming the command to run.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RELOCK = "run scripts/lock to re-lock"
LOCKS = {"run.txt": (), "all.txt": ("all",), "test.txt": ("test",)}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _wanted(extras: tuple[str, ...]) -> list[Requirement]:
    """The project's requirements with these extras, self-references (`finbot[all]`) expanded."""
    project = _project()
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(line) for line in _lines(ROOT / "requirements" / "build.in")]
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for raw in project["optional-dependencies"][extra]:
            req = Requirement(raw)
            if canonicalize_name(req.name) == "finbot":
                todo.extend(req.extras)
            else:
                wanted.append(req)
    return wanted


def _lines(path: Path) -> list[str]:
    return [s for line in path.read_text(encoding="utf-8").splitlines() if (s := line.split("#")[0].strip())]


def _locked(path: Path) -> dict[str, list[tuple[Requirement, int]]]:
    """name -> [(pinned requirement with its marker, number of hashes)] from a `--generate-hashes` file."""
    entries: dict[str, list[tuple[Requirement, int]]] = {}
    current: list[tuple[Requirement, int]] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            assert current is not None
            req, hashes = current[-1]
            current[-1] = (req, hashes + 1)
            continue
        req = Requirement(stripped.rstrip("\\").strip())
        current = entries.setdefault(canonicalize_name(req.name), [])
        current.append((req, 0))
    return entries


@pytest.mark.parametrize("lock_name", sorted(LOCKS))
def test_lock_pins_every_dependency_within_its_range(lock_name: str) -> None:
    path = ROOT / "requirements" / lock_name
    assert path.exists(), f"requirements/{lock_name} is missing: {RELOCK}"
    locked = _locked(path)
    for req in _wanted(LOCKS[lock_name]):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} (pyproject.toml) is not in requirements/{lock_name}: {RELOCK}"
        for pinned, _ in locked[name]:
            (version,) = [s.version for s in pinned.specifier]
            assert req.specifier.contains(version, prereleases=True), (
                f"requirements/{lock_name} pins {pinned.name}=={version}, outside {req} in pyproject.toml: {RELOCK}"
            )


@pytest.mark.parametrize("lock_name", sorted(LOCKS))
def test_lock_pins_exact_versions_with_hashes(lock_name: str) -> None:
    for name, pins in _locked(ROOT / "requirements" / lock_name).items():
        for pinned, hashes in pins:
            assert [s.operator for s in pinned.specifier] == ["=="], f"{name} is not pinned exactly"
            assert hashes > 0, f"{name} has no --hash in requirements/{lock_name}: {RELOCK}"


@pytest.mark.parametrize("lock_name", sorted(LOCKS))
def test_lock_holds_no_direct_dependency_pyproject_no_longer_asks_for(lock_name: str) -> None:
    """What the lock says it pins for finbot itself ("# via finbot (pyproject.toml)") is what pyproject asks for."""
    text = (ROOT / "requirements" / lock_name).read_text(encoding="utf-8")
    direct, name = set(), ""
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            name = canonicalize_name(Requirement(line.rstrip("\\").strip()).name)
        elif line.strip() in ("# via finbot (pyproject.toml)", "#   finbot (pyproject.toml)"):
            direct.add(name)
    wanted = {canonicalize_name(r.name) for r in _wanted(LOCKS[lock_name])} - {"setuptools"}
    assert direct == wanted, f"requirements/{lock_name} and pyproject.toml disagree on {direct ^ wanted}: {RELOCK}"


def test_the_readme_and_ci_install_from_the_lock() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/run.txt" in readme
    assert "--require-hashes -r requirements/test.txt" in readme
    assert "--require-hashes -r requirements/test.txt" in ci


@pytest.mark.parametrize("lock_name", sorted(LOCKS))
def test_lock_spells_the_extras_that_locked_packages_ask_for(lock_name: str) -> None:
    """pip 23 (the one `python3 -m venv` brings) refuses `pinecone`'s `httpx[http2]` under --require-hashes
    unless the lock pins `httpx[http2]==...` itself: scripts/lock keeps extras (uv's --no-strip-extras)."""
    from importlib import metadata

    locked = _locked(ROOT / "requirements" / lock_name)
    for name, pins in locked.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:  # a package for another platform or Python
            continue
        own_extras = {e for pinned, _ in pins for e in pinned.extras} | {""}
        for raw in dist.requires or []:
            req = Requirement(raw)
            dep = canonicalize_name(req.name)
            if not req.extras or dep not in locked:
                continue
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in own_extras):
                continue
            spelled = {e for pinned, _ in locked[dep] for e in pinned.extras}
            assert req.extras <= spelled, (
                f"{name} asks for {req}, but requirements/{lock_name} pins {dep} without {req.extras - spelled}: "
                f"{RELOCK}"
            )


RETIRED = ("botbuilder-core", "botbuilder-schema", "botbuilder-integration-aiohttp", "botframework-connector", "msrest")
"""botbuilder-python (archived, out of support since 2025-12-31) and what it pulled in: Teams runs on the
Microsoft 365 Agents SDK."""


@pytest.mark.parametrize("lock_name", sorted(LOCKS))
def test_no_lock_installs_botbuilder(lock_name: str) -> None:
    locked = _locked(ROOT / "requirements" / lock_name)
    assert not set(RETIRED) & set(locked), f"{lock_name} still installs botbuilder"
    assert {"microsoft-agents-hosting-aiohttp", "microsoft-agents-hosting-core"} <= set(locked)
