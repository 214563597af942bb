"""Kivy's process-wide configuration for a public kiosk; must run before anything imports kivy.core.window.

Kivy reads its environment and Config when first imported and creates the window on the first import of
kivy.core.window, so this is the one place that sets them.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.settings import Settings


def configure_kivy(settings: Settings, size: tuple[int, int] | None = None) -> None:
    home = settings.data_dir / "kivy"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_NO_ARGS"] = "1"  # the kiosk's own argparse owns the command line
    os.environ["KIVY_HOME"] = str(Path(home).resolve())  # Kivy's config under the kiosk's data dir, not ~/.kivy
    os.environ["KIVY_NO_FILELOG"] = "1"  # logs go to the journal only, where the unit's settings govern them
    os.environ.setdefault("KIVY_NO_CONFIG", "1")  # never read or write a config.ini a visitor could have changed

    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_enable", "0")
    Config.set("kivy", "log_level", "info")
    Config.set("kivy", "keyboard_mode", "system")  # Kivy's own virtual keyboard never pops up; ours is drawn
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red multitouch circles on right click
    Config.set("graphics", "fullscreen", "auto" if settings.fullscreen else "0")
    Config.set("graphics", "borderless", "1" if settings.kiosk_mode else "0")
    Config.set("graphics", "show_cursor", "0" if settings.kiosk_mode else "1")
    Config.set("graphics", "resizable", "0" if settings.kiosk_mode else "1")
    import logging

    from kivy.logger import Logger

    Logger.setLevel(logging.INFO)
    # Kivy hands every library's records to its console handler. The root logger's level is NOTSET, so without
    # this httpcore wrote a dozen DEBUG lines per heartbeat; httpx's INFO line per request is routine too.
    logging.getLogger().setLevel(logging.INFO)
    for chatty in ("fontTools", "httpx", "httpcore"):  # reading font tables, each heartbeat: not news
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if size is not None:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
