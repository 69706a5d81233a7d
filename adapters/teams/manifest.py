"""The Teams app package (the zip an admin sideloads): manifest.json with the bot id filled in, plus the icons.

The template lives in manifest/teams/ at the repository root; `{{MICROSOFT_APP_ID}}` and `{{VERSION}}` are
filled in at package time (`finbot teams package`), then the result is checked against what Teams requires.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_DIR",
    "ManifestError",
    "build_manifest",
    "build_package",
    "manifest_problems",
    "placeholder_problems",
    "png_size",
]

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "manifest" / "teams"
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLACEHOLDER_NAMES = frozenset({"your firm", "your company", "contoso"})
_PLACEHOLDER_HOST = re.compile(r"^https?://([^/]*\.)?example\.(com|org|net)(/|$)", re.IGNORECASE)


class ManifestError(ValueError):
    """The package would be refused by Teams; the message lists why."""


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; None if the bytes are not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def build_manifest(template: str, *, app_id: str, version: str) -> dict[str, Any]:
    filled = template.replace("{{MICROSOFT_APP_ID}}", app_id).replace("{{VERSION}}", version)
    return json.loads(filled)


def _https(value: object) -> bool:
    return isinstance(value, str) and value.startswith("https://")


def manifest_problems(manifest: dict[str, Any], icons: dict[str, bytes]) -> list[str]:
    """What Teams would refuse: missing required fields, limits, bot id, icon files and sizes."""
    problems: list[str] = []
    for field in ("$schema", "manifestVersion", "version", "id", "developer", "name", "description", "icons",
                  "accentColor", "bots"):
        if not manifest.get(field):
            problems.append(f"missing {field}")
    if not _GUID.match(str(manifest.get("id", ""))):
        problems.append("id must be a GUID (the bot's Microsoft App ID)")
    if not _VERSION.match(str(manifest.get("version", ""))):
        problems.append("version must be MAJOR.MINOR.PATCH")
    developer = manifest.get("developer") or {}
    problems += [f"developer.{k} must be an https URL" for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl")
                 if not _https(developer.get(k))]
    if not developer.get("name"):
        problems.append("missing developer.name")
    name, description = manifest.get("name") or {}, manifest.get("description") or {}
    if not 0 < len(name.get("short", "")) <= 30 or not 0 < len(name.get("full", "")) <= 100:
        problems.append("name.short (<= 30) and name.full (<= 100) are required")
    if not 0 < len(description.get("short", "")) <= 80 or not 0 < len(description.get("full", "")) <= 4000:
        problems.append("description.short (<= 80) and description.full (<= 4000) are required")
    if not re.match(r"^#[0-9a-fA-F]{6}$", str(manifest.get("accentColor", ""))):
        problems.append("accentColor must be #RRGGBB")
    for bot in manifest.get("bots") or []:
        if bot.get("botId") != manifest.get("id"):
            problems.append("bots[].botId must be the bot's Microsoft App ID")
        if not set(bot.get("scopes") or []) <= {"personal", "team", "groupChat"} or not bot.get("scopes"):
            problems.append("bots[].scopes must be among personal, team, groupChat")
    for role, expected in ICON_SIZES.items():
        file_name = (manifest.get("icons") or {}).get(role)
        size = png_size(icons.get(file_name, b"")) if file_name else None
        if size != expected:
            problems.append(f"icons.{role} must be a {expected[0]}x{expected[1]} PNG in the package (got {size})")
    return problems


def placeholder_problems(manifest: dict[str, Any]) -> list[str]:
    """The template's stand-ins a firm must replace: its own name and its website, privacy and terms URLs."""
    developer = manifest.get("developer") or {}
    problems = []
    if str(developer.get("name", "")).strip().lower() in PLACEHOLDER_NAMES:
        problems.append(f"developer.name is the placeholder {developer.get('name')!r}")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        if _PLACEHOLDER_HOST.match(str(developer.get(key, ""))):
            problems.append(f"developer.{key} is the placeholder {developer.get(key)}")
    return problems


def build_package(
    out: Path, *, app_id: str, version: str, source: Path = MANIFEST_DIR, allow_placeholders: bool = False
) -> Path:
    """Write the sideload zip (manifest.json and the two icons at its root); raises ManifestError if invalid.

    The template's placeholder developer name and example.com URLs are refused unless `allow_placeholders`
    (a package to try finbot out in a test tenant)."""
    if not app_id:
        raise ManifestError("MicrosoftAppId is not set: the package needs the bot's app id")
    manifest = build_manifest((source / "manifest.json").read_text(encoding="utf-8"), app_id=app_id, version=version)
    names = {str(n) for n in (manifest.get("icons") or {}).values()}
    icons = {name: (source / name).read_bytes() for name in names if (source / name).is_file()}
    problems = manifest_problems(manifest, icons)
    if not allow_placeholders and (placeholders := placeholder_problems(manifest)):
        problems += placeholders
        problems.append(f"edit {source / 'manifest.json'} (or pass --allow-placeholders to try it out)")
    if problems:
        raise ManifestError("; ".join(problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for name, data in sorted(icons.items()):
            package.writestr(name, data)
    return out
