"""The whole translate path works with no network at all, touches nothing in the user's home, and stays off
the kiosk's start-up path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.settings import Settings
from tests.kiosk.translation.conftest import REPO, kiosk_env
from tools.phrase_books import STOLEN

TRANSLATE = """
import json, sys
from pathlib import Path
from kiosk.settings import load_settings
from kiosk.translation.argos_translator import ArgosTranslator

translator = ArgosTranslator(load_settings({"models_dir": Path(sys.argv[1])}))
translator.start().result()
result = translator.translate(sys.argv[2], "ar", "nl")
back = translator.back_translate(result).result()
print(json.dumps({"ready": translator.ready(), "dutch": result.text, "pivot": result.pivot, "back": back.text}))
translator.close()
"""

# Fallback when network namespaces are not available: no socket but local (AF_UNIX) ones can be made.
NO_SOCKETS = """
import socket
_real = socket.socket
class _Offline(_real):
    def __init__(self, family=socket.AF_INET, *args, **kwargs):
        if family != socket.AF_UNIX:
            raise OSError("network disabled for this test")
        super().__init__(family, *args, **kwargs)
socket.socket = _Offline
"""


def _network_namespace_available() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0


def _offline_command(script: str, *args: str) -> list[str]:
    if _network_namespace_available():
        return ["unshare", "-n", sys.executable, "-c", script, *args]
    return [sys.executable, "-c", NO_SOCKETS + script, *args]


def test_translates_with_the_network_cut_off_and_leaves_home_alone(
    installed_settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = kiosk_env(
        installed_settings.assets_dir, tmp_path, HOME=str(home), POLITIELOKET_KIOSK_TRANSLATION_WARM_LANGUAGES="ar"
    )
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    command = _offline_command(TRANSLATE, str(installed_settings.models_dir), STOLEN["ar"])
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {"ready": True, "dutch": STOLEN["nl"], "pivot": "en", "back": STOLEN["ar"]}
    assert sorted(path.relative_to(home).as_posix() for path in home.rglob("*")) == []


def test_the_network_really_is_cut_off(tmp_path: Path) -> None:
    probe = "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=5)"
    done = subprocess.run(_offline_command(probe), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Network is unreachable" in done.stderr or "network disabled" in done.stderr


def test_kiosk_start_up_does_not_import_argostranslate() -> None:
    script = (
        "import sys\nfrom kiosk.commands.cli import build_parser\nparser = build_parser()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'argostranslate', 'torch', 'stanza', 'ctranslate2'}))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
