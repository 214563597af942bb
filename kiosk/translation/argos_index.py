"""Talking to the Argos package index over the network: only the `models fetch` command does this.

argostranslate's own index update and download have no timeout (they hang without a network) and no
progress report, so the HTTP requests are made here; the index is parsed and the packages are installed by
argostranslate itself.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

USER_AGENT = "Politieloket-kiosk"
CHUNK = 256 * 1024

Progress = Callable[[int, int | None], None]  # bytes so far, total bytes if known


class IndexUnreachable(RuntimeError):
    pass


def _open(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise IndexUnreachable(f"cannot reach {url}: {reason}") from error


def fetch_index(url: str, destination: Path, timeout: float) -> None:
    with _open(url, timeout) as response:
        data = response.read()
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(data)


def download(links: list[str], destination: Path, timeout: float, progress: Progress) -> Path:
    """The first http(s) link that works, written to `destination` (via a temporary file)."""
    errors = []
    for link in (link for link in links if link.startswith(("http://", "https://"))):
        try:
            _download_one(link, destination, timeout, progress)
            return destination
        except (IndexUnreachable, OSError) as error:
            errors.append(str(error))
    raise IndexUnreachable("; ".join(errors) or "the index lists no http(s) link for this package")


def _download_one(url: str, destination: Path, timeout: float, progress: Progress) -> None:
    partial = destination.with_suffix(".part")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with _open(url, timeout) as response, partial.open("wb") as out:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        while chunk := response.read(CHUNK):
            out.write(chunk)
            done += len(chunk)
            progress(done, total)
    partial.replace(destination)
