"""Which Argos packages are installed, which route a language pair takes, what is missing.

Pure logic over `InstalledPackage` records; `scan` builds them from argostranslate's own Package objects.
A pair without a direct package pivots through English (two hops), as argostranslate itself does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.languages import DUTCH, PIVOT

Pins = Mapping[str, str]  # package code ("translate-en_nl") -> pinned version ("1.8")


@dataclass(frozen=True)
class InstalledPackage:
    code: str
    version: str
    source: str
    target: str
    path: Path
    size_bytes: int = 0

    @property
    def pair(self) -> tuple[str, str]:
        return self.source, self.target


Route = tuple[InstalledPackage, ...]


def package_code(source: str, target: str) -> str:
    return f"translate-{source}_{target}"


def load_pins(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {code: str(version) for code, version in raw.items() if not code.startswith("_")}


def pin_problem(code: str, version: str, pins: Pins) -> str | None:
    pinned = pins.get(code)
    if pinned is not None and pinned != version:
        return f"{code} {version} is not the pinned version {pinned}"
    return None


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def from_argos(package: Any) -> InstalledPackage:
    """An argostranslate.package.Package as an InstalledPackage."""
    source, target = package.from_code, package.to_code
    code = package.code or package_code(source, target)
    path = Path(package.package_path)
    return InstalledPackage(code, package.package_version, source, target, path, directory_size(path))


def scan(argos_package_module: Any, packages_dir: Path) -> list[InstalledPackage]:
    """Installed translation packages; a directory without metadata.json is skipped, not fatal."""
    installed = []
    for directory in sorted(packages_dir.iterdir()) if packages_dir.is_dir() else []:
        if not (directory / "metadata.json").is_file():
            continue
        package = argos_package_module.Package(directory)
        if package.type == "translate" and package.from_code and package.to_code:
            installed.append(from_argos(package))
    return installed


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def best_package(packages: Iterable[InstalledPackage], source: str, target: str, pins: Pins) -> InstalledPackage | None:
    """The pinned version of the pair if installed, else the newest."""
    candidates = [package for package in packages if package.pair == (source, target)]
    if not candidates:
        return None
    pinned = [package for package in candidates if pins.get(package.code) == package.version]
    return (pinned or sorted(candidates, key=lambda package: _version_key(package.version)))[-1]


def find_route(packages: Sequence[InstalledPackage], source: str, target: str, pins: Pins) -> Route | None:
    direct = best_package(packages, source, target, pins)
    if direct is not None:
        return (direct,)
    if PIVOT in (source, target):
        return None
    first = best_package(packages, source, PIVOT, pins)
    second = best_package(packages, PIVOT, target, pins)
    return (first, second) if first is not None and second is not None else None


def required_pairs(languages: Iterable[str]) -> list[tuple[str, str]]:
    """Every configured language to Dutch and back."""
    return [pair for code in languages if code != DUTCH for pair in ((code, DUTCH), (DUTCH, code))]


def missing_pairs(packages: Sequence[InstalledPackage], languages: Iterable[str], pins: Pins) -> list[tuple[str, str]]:
    return [pair for pair in required_pairs(languages) if find_route(packages, *pair, pins) is None]


def packages_for(pairs: Iterable[tuple[str, str]], available: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The package pairs to fetch for `pairs`: direct when the index has it, else both hops through English."""
    offered = set(available)
    wanted: list[tuple[str, str]] = []
    for source, target in pairs:
        hops = [(source, target)] if (source, target) in offered else [(source, PIVOT), (PIVOT, target)]
        wanted += [hop for hop in hops if hop not in wanted and hop[0] != hop[1]]
    return wanted
