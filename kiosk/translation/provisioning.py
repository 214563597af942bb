"""Installing, removing, fetching and checking the kiosk's Argos models (the work behind `models`).

Packages are installed by argostranslate itself (`install_from_path`, `uninstall`) into MODELS_DIR/packages,
after checks it does not make: one top directory, no path escaping it, a model and a tokenizer inside, and
the version pinned in assets/translation/pins.json.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from domain.languages import is_supported
from kiosk.settings import Settings
from kiosk.translation import argos_index
from kiosk.translation.argos_runtime import ArgosPaths, argos_package, argos_translate
from kiosk.translation.inventory import (
    InstalledPackage,
    load_pins,
    missing_pairs,
    package_code,
    packages_for,
    pin_problem,
    required_pairs,
    scan,
)

Report = Callable[[str], None]


class ProvisioningError(RuntimeError):
    pass


@dataclass(frozen=True)
class ArchiveInfo:
    path: Path
    code: str
    version: str
    source: str
    target: str


def read_archive(path: Path) -> ArchiveInfo:
    """Checks an .argosmodel file without extracting it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tops = {PurePosixPath(name).parts[0] for name in names if PurePosixPath(name).parts}
            if len(tops) != 1 or any(name.startswith("/") or ".." in PurePosixPath(name).parts for name in names):
                raise ProvisioningError(f"{path.name}: not one package directory")
            top = tops.pop()
            required = {f"{top}/metadata.json", f"{top}/model/model.bin"}
            if not required <= set(names) or not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & set(names):
                raise ProvisioningError(f"{path.name}: metadata, model or tokenizer missing")
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
    except (zipfile.BadZipFile, json.JSONDecodeError, OSError) as error:
        raise ProvisioningError(f"{path.name}: not an Argos package ({error})") from error
    source, target = metadata.get("from_code"), metadata.get("to_code")
    if metadata.get("type", "translate") != "translate" or not source or not target:
        raise ProvisioningError(f"{path.name}: not a translation package")
    code = metadata.get("code") or package_code(source, target)
    return ArchiveInfo(path, code, str(metadata.get("package_version", "")), source, target)


def archives_in(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(path.rglob("*.argosmodel"))
        if found:
            return found
        raise ProvisioningError(f"no .argosmodel files in {path}")
    raise ProvisioningError(f"{path} does not exist")


class Provisioner:
    def __init__(self, settings: Settings, report: Report) -> None:
        self._settings = settings
        self._report = report
        self._paths = ArgosPaths.of(settings)
        self._pins = load_pins(settings.translation_pins_file)

    def installed(self) -> list[InstalledPackage]:
        return scan(argos_package(self._settings), self._paths.packages_dir)

    def pin_status(self, package: InstalledPackage) -> str:
        pinned = self._pins.get(package.code)
        if pinned is None:
            return "unpinned"
        return "pinned" if pinned == package.version else f"NOT PINNED (pin {pinned})"

    def install(self, path: Path, allow_unpinned: bool = False) -> list[InstalledPackage]:
        archives = [read_archive(archive) for archive in archives_in(path)]
        refused = [problem for info in archives if (problem := pin_problem(info.code, info.version, self._pins))]
        if refused and not allow_unpinned:
            raise ProvisioningError("; ".join(refused) + " (use --allow-unpinned to install anyway)")
        argos_translate(self._settings)  # install_from_path imports it; do it here, configured
        package_module = argos_package(self._settings)
        for info in archives:
            self._install_one(package_module, info)
        return self.installed()

    def _install_one(self, package_module: Any, info: ArchiveInfo) -> None:
        before = [p for p in self.installed() if p.code == info.code]
        if any(p.version == info.version for p in before):
            self._report(f"{info.code} {info.version}: already installed")
            return
        package_module.install_from_path(info.path)
        for old in before:
            package_module.uninstall(package_module.Package(old.path))
            self._report(f"{old.code} {old.version}: replaced")
        self._report(f"{info.code} {info.version}: installed from {info.path.name}")

    def remove(self, name: str) -> list[InstalledPackage]:
        matches = [p for p in self.installed() if name in (p.code, p.path.name)]
        if not matches:
            raise ProvisioningError(f"no installed package called {name!r} (see `models list`)")
        argos_translate(self._settings)
        package_module = argos_package(self._settings)
        for package in matches:
            package_module.uninstall(package_module.Package(package.path))
            self._report(f"{package.code} {package.version}: removed")
        return matches

    def problems(self) -> list[str]:
        """What stops the configured languages from being translated to Dutch and back, as lines."""
        installed = self.installed()
        lines = [
            f"missing: {source} -> {target}"
            for source, target in missing_pairs(installed, self._settings.languages, self._pins)
        ]
        lines += [f"version: {problem}" for p in installed if (problem := pin_problem(p.code, p.version, self._pins))]
        lines += [
            f"damaged: {p.code} has no model/model.bin"
            for p in installed
            if not (p.path / "model" / "model.bin").is_file()
        ]
        return lines

    def fetch(
        self, languages: list[str], allow_unpinned: bool, progress_for: Callable[[str], argos_index.Progress]
    ) -> None:
        unknown = [code for code in languages if not is_supported(code)]
        if unknown:
            raise ProvisioningError(f"unknown language codes: {', '.join(unknown)}")
        argos_translate(self._settings)
        package_module = argos_package(self._settings)
        argos_settings = package_module.settings
        timeout = self._settings.request_timeout
        try:
            argos_index.fetch_index(
                argos_settings.remote_package_index, Path(argos_settings.local_package_index), timeout
            )
        except argos_index.IndexUnreachable as error:
            raise ProvisioningError(
                f"{error}. Without internet, copy the .argosmodel files onto a USB stick and run "
                "`python -m kiosk models install /path/to/stick`."
            ) from error
        available = {(p.from_code, p.to_code): p for p in package_module.get_available_packages()}
        for pair in packages_for(required_pairs(languages), available):
            offered = available.get(pair)
            if offered is None:
                self._report(f"the Argos index has no package for {pair[0]} -> {pair[1]}")
                continue
            self._fetch_one(offered, allow_unpinned, progress_for)

    def _fetch_one(
        self, offered: Any, allow_unpinned: bool, progress_for: Callable[[str], argos_index.Progress]
    ) -> None:
        code = offered.code or package_code(offered.from_code, offered.to_code)
        problem = pin_problem(code, offered.package_version, self._pins)
        if problem and not allow_unpinned:
            raise ProvisioningError(f"the index offers {problem} (use --allow-unpinned to take it anyway)")
        if any(p.code == code and p.version == offered.package_version for p in self.installed()):
            self._report(f"{code} {offered.package_version}: already installed")
            return
        name = f"{code}-{offered.package_version.replace('.', '_')}.argosmodel"
        label = f"{code} {offered.package_version}"
        try:
            archive = argos_index.download(
                list(offered.links),
                self._paths.downloads_dir / name,
                self._settings.request_timeout,
                progress_for(label),
            )
        except argos_index.IndexUnreachable as error:
            raise ProvisioningError(f"{label}: download failed: {error}") from error
        self.install(archive, allow_unpinned=allow_unpinned)
        archive.unlink(missing_ok=True)
