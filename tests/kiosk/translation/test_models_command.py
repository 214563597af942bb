"""`python -m kiosk models ...` end to end, in subprocesses, each with its own models directory."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.translation.conftest import kiosk_env, run_models
from tools.argos_models import PhraseBook, build_phrase_book
from tools.phrase_books import BOOKS, STOLEN


@pytest.fixture
def env(assets_dir: Path, tmp_path: Path) -> dict[str, str]:
    return kiosk_env(assets_dir, tmp_path)


def test_install_from_a_usb_stick_then_list_verify_remove(usb_stick: Path, env: dict[str, str], tmp_path: Path) -> None:
    models = tmp_path / "models"
    empty = run_models(models, env, "verify")
    assert empty.returncode == 1
    assert "missing: ar -> nl" in empty.stdout and "missing: nl -> en" in empty.stdout

    installed = run_models(models, env, "install", str(usb_stick))
    assert installed.returncode == 1, installed.stderr  # installed, but nl -> tr has no path
    assert installed.stdout.count(": installed from ") == len(BOOKS)
    assert "missing: nl -> tr" in installed.stdout and "missing: ar" not in installed.stdout

    listed = run_models(models, env, "list")
    assert listed.returncode == 0
    line = next(line for line in listed.stdout.splitlines() if line.startswith("translate-en_nl"))
    assert line.split()[1:5] == ["0.1", "en", "->", "nl"] and line.endswith("MB  pinned")
    assert sorted((models / "packages").iterdir())[0].name.startswith("translate-")

    removed = run_models(models, env, "remove", "translate-tr_nl")
    assert removed.returncode == 0 and "translate-tr_nl 0.1: removed" in removed.stdout
    after = run_models(models, env, "verify")
    assert after.returncode == 1 and "missing: tr -> nl" in after.stdout
    assert run_models(models, env, "remove", "translate-tr_nl").returncode == 2


def test_only_pinned_versions_unless_allowed(tmp_path: Path, env: dict[str, str]) -> None:
    newer = build_phrase_book(PhraseBook("tr", "nl", "0.2", {STOLEN["tr"]: STOLEN["nl"]}), tmp_path / "stick")
    models = tmp_path / "models"
    refused = run_models(models, env, "install", str(newer))
    assert refused.returncode == 2
    assert "translate-tr_nl 0.2 is not the pinned version 0.1" in refused.stderr
    assert not (models / "packages").exists() or not any((models / "packages").iterdir())

    allowed = run_models(models, env, "install", "--allow-unpinned", str(newer))
    assert "translate-tr_nl 0.2: installed" in allowed.stdout
    assert "version: translate-tr_nl 0.2 is not the pinned version 0.1" in allowed.stdout
    assert "NOT PINNED (pin 0.1)" in run_models(models, env, "list").stdout


def test_not_an_argos_package_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    bogus = tmp_path / "stick" / "translate-xx_nl.argosmodel"
    bogus.parent.mkdir()
    bogus.write_bytes(b"not a zip")
    done = run_models(tmp_path / "models", env, "install", str(bogus.parent))
    assert done.returncode == 2 and "not an Argos package" in done.stderr


def test_fetch_without_internet_fails_fast_with_a_way_out(tmp_path: Path, assets_dir: Path) -> None:
    env = kiosk_env(assets_dir, tmp_path, POLITIELOKET_KIOSK_TRANSLATION_INDEX_URL="http://127.0.0.1:9/")
    done = run_models(tmp_path / "models", env, "fetch", "tr", timeout=120)
    assert done.returncode == 2
    assert "cannot reach http://127.0.0.1:9/index.json" in done.stderr
    assert "models install" in done.stderr


@pytest.fixture
def index_server(usb_stick: Path) -> Iterator[str]:
    """A local stand-in for the Argos package index, serving the phrase-book packages."""
    archives = sorted((usb_stick / "models").glob("*.argosmodel"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(usb_stick / "models"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = []
    for archive in archives:
        code, version = archive.stem.rsplit("-", 1)
        source, target = code.removeprefix("translate-").split("_")
        index.append(
            {
                "code": code,
                "package_version": version.replace("_", "."),
                "argos_version": "1.9",
                "from_code": source,
                "from_name": source,
                "to_code": target,
                "to_name": target,
                "links": ["ipfs://unused", base + archive.name],
            }
        )
    (usb_stick / "models" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


def test_fetch_from_the_index_with_a_progress_bar(index_server: str, tmp_path: Path, assets_dir: Path) -> None:
    env = kiosk_env(assets_dir, tmp_path, POLITIELOKET_KIOSK_TRANSLATION_INDEX_URL=index_server)
    done = run_models(tmp_path / "models", env, "fetch", "ar", "tr", timeout=300)
    assert done.returncode == 1, done.stderr  # no nl -> tr anywhere: reported, the rest installed
    assert "the Argos index has no package for en -> tr" in done.stdout
    assert "missing: nl -> tr" in done.stdout
    assert "100%" in done.stderr and "[##############################]" in done.stderr
    listed = run_models(tmp_path / "models", env, "list").stdout
    assert all(f"translate-{pair}" in listed for pair in ("ar_en", "en_ar", "en_nl", "nl_en", "tr_nl"))
