"""`finbot teams package` builds a zip Teams accepts: every required manifest field, the bot id, sized icons."""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from adapters.teams.manifest import MANIFEST_DIR, ManifestError, build_package
from bot.cli import main

APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_package_command_builds_a_valid_sideload_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "out" / "finbot.zip"

    assert main(["teams", "package", "--out", str(out), "--allow-placeholders"]) == 0

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        icons = {name: package.read(name) for name in ("color.png", "outline.png")}

    assert "teams/v1.19/" in manifest["$schema"] and manifest["manifestVersion"] == "1.19"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert manifest["id"] == APP_ID and "{{" not in json.dumps(manifest)
    for url in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][url].startswith("https://")
    assert manifest["developer"]["name"]
    assert 0 < len(manifest["name"]["short"]) <= 30 and 0 < len(manifest["name"]["full"]) <= 100
    assert 0 < len(manifest["description"]["short"]) <= 80 and 0 < len(manifest["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["accentColor"])
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["commandLists"][0]["commands"] and all(len(c["title"]) <= 32 for c in bot["commandLists"][0]["commands"])
    assert "token.botframework.com" in manifest["validDomains"]
    assert _png_size(icons[manifest["icons"]["color"]]) == (192, 192)
    assert _png_size(icons[manifest["icons"]["outline"]]) == (32, 32)


def test_outline_icon_is_white_on_transparent() -> None:
    """Teams requires the 32x32 outline icon to be white with a transparent background (RGBA)."""
    data = (MANIFEST_DIR / "outline.png").read_bytes()
    bit_depth, color_type = data[24], data[25]
    assert (bit_depth, color_type) == (8, 6), "8-bit RGBA"


def test_package_needs_the_bot_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["teams", "package", "--out", str(tmp_path / "x.zip")]) == 2
    assert "MicrosoftAppId" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_an_invalid_manifest_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    manifest = json.loads((MANIFEST_DIR / "manifest.json").read_text())
    manifest["description"]["short"] = "x" * 81
    (source / "manifest.json").write_text(json.dumps(manifest))
    (source / "color.png").write_bytes((MANIFEST_DIR / "outline.png").read_bytes())  # wrong size
    (source / "outline.png").write_bytes((MANIFEST_DIR / "outline.png").read_bytes())
    with pytest.raises(ManifestError) as refused:
        build_package(tmp_path / "x.zip", app_id=APP_ID, version="1.0.0", source=source)
    assert "description.short" in str(refused.value) and "icons.color" in str(refused.value)
    with pytest.raises(ManifestError, match="GUID"):
        build_package(tmp_path / "x.zip", app_id="not-a-guid", version="1.0.0")


def test_doctor_says_loudly_when_teams_auth_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["doctor"]) == 0
    assert "teams: off (MicrosoftAppId not set" in capsys.readouterr().out  # no credentials: Teams stays off
    monkeypatch.setenv("FINBOT_TEAMS", "true")
    assert main(["doctor"]) == 0
    assert "AUTH OFF" in capsys.readouterr().out
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("MicrosoftAppPassword", "secret")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "AUTH OFF" not in out and "JWT is validated" in out


def test_the_templates_placeholders_are_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "finbot.zip"
    assert main(["teams", "package", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "developer.name is the placeholder 'Your Firm'" in err
    assert "developer.privacyUrl is the placeholder https://www.example.com/privacy" in err
    assert "--allow-placeholders" in err and not out.exists()


def test_a_manifest_with_the_firms_own_details_needs_no_flag(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    manifest = json.loads((MANIFEST_DIR / "manifest.json").read_text())
    manifest["developer"] = {
        "name": "Harbor & Pine Advisors",
        "websiteUrl": "https://harborpine.test",
        "privacyUrl": "https://harborpine.test/privacy",
        "termsOfUseUrl": "https://harborpine.test/terms",
    }
    (source / "manifest.json").write_text(json.dumps(manifest))
    for icon in ("color.png", "outline.png"):
        (source / icon).write_bytes((MANIFEST_DIR / icon).read_bytes())
    out = build_package(tmp_path / "x.zip", app_id=APP_ID, version="1.0.0", source=source)
    with zipfile.ZipFile(out) as package:
        assert json.loads(package.read("manifest.json"))["developer"]["name"] == "Harbor & Pine Advisors"
