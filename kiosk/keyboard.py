"""On-screen keyboards as data (assets/keyboards/*.json) and the typing model the Kivy keyboard widget renders.

A row in a layout file is a space-separated list of tokens: a token is the text the key types (".nl" types three
characters), or a special key in braces: {shift} {backspace} {space} {enter} {zwnj} {switch} {page:NAME}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from domain.forms import FieldType
from domain.languages import language as language_of

INDEX_FILE = "keyboards.json"
ZWNJ = "\u200c"  # Persian half space: keeps two letters of one word from joining


class KeyKind(StrEnum):
    CHAR = "char"
    SHIFT = "shift"
    BACKSPACE = "backspace"
    SPACE = "space"
    ENTER = "enter"
    ZWNJ = "zwnj"
    PAGE = "page"  # to another page of the same layout
    SWITCH = "switch"  # between the language's own script and Latin letters


# How many ordinary keys wide each special key is drawn.
_WIDTHS = {KeyKind.SPACE: 4.0, KeyKind.SHIFT: 1.5, KeyKind.BACKSPACE: 1.5, KeyKind.ENTER: 2.0}


class LayoutError(ValueError):
    """A keyboard file in assets/keyboards is not a valid layout."""


@dataclass(frozen=True)
class Key:
    kind: KeyKind
    value: str = ""  # the text a CHAR key types, or the page a PAGE key opens

    @property
    def width(self) -> float:
        return _WIDTHS.get(self.kind, 1.0)

    @property
    def label_key(self) -> str | None:
        """Catalog key of the spoken and shown name of a special key; None for keys that type text."""
        if self.kind is KeyKind.CHAR:
            return None
        if self.kind is KeyKind.PAGE:
            return f"keyboard.page.{self.value}"
        return f"keyboard.{self.kind.value}"


def parse_token(token: str) -> Key:
    if not (token.startswith("{") and token.endswith("}") and len(token) > 2):
        return Key(KeyKind.CHAR, token)
    name, _, argument = token[1:-1].partition(":")
    try:
        kind = KeyKind(name)
    except ValueError:
        raise LayoutError(f"unknown special key {token!r}") from None
    if kind is KeyKind.CHAR or (kind is KeyKind.PAGE) != bool(argument):
        raise LayoutError(f"bad special key {token!r}")
    return Key(kind, argument)


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    rows: tuple[tuple[Key, ...], ...]


def _page_from(name: str, raw: dict[str, Any]) -> Page:
    return Page(name, raw["label"], tuple(tuple(parse_token(t) for t in row.split()) for row in raw["rows"]))


@dataclass(frozen=True)
class KeyboardLayout:
    name: str
    script: str
    direction: str
    label: str  # shown on the key that switches to this layout
    pages: dict[str, Page]
    first_page: str
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # long-press choices per key
    shift_overrides: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> lower -> upper

    @property
    def has_shift(self) -> bool:
        return any(key.kind is KeyKind.SHIFT for page in self.pages.values() for row in page.rows for key in row)

    def page(self, name: str) -> Page:
        return self.pages[name]

    def characters(self) -> frozenset[str]:
        """Every character any key of this layout can type, long-press alternatives included."""
        typed = {key.value for page in self.pages.values() for row in page.rows for key in row
                 if key.kind is KeyKind.CHAR}
        typed |= {alt for alts in self.alternatives.values() for alt in alts}
        return frozenset(ch for text in typed for ch in text)

    @classmethod
    def from_json(cls, raw: dict[str, Any], where: str = "layout") -> KeyboardLayout:
        try:
            pages = {name: _page_from(name, page) for name, page in raw["pages"].items()}
            layout = cls(
                name=raw["name"], script=raw["script"], direction=raw["direction"], label=raw["label"],
                pages=pages, first_page=raw["first_page"],
                alternatives={k: tuple(v.split()) for k, v in raw.get("alternatives", {}).items()},
                shift_overrides=raw.get("shift_overrides", {}),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise LayoutError(f"{where}: {error!r}") from None
        layout._check(where)
        return layout

    def _check(self, where: str) -> None:
        if self.first_page not in self.pages:
            raise LayoutError(f"{where}: first page {self.first_page!r} is not a page")
        for page in self.pages.values():
            targets = {key.value for row in page.rows for key in row if key.kind is KeyKind.PAGE}
            if not targets <= set(self.pages):
                raise LayoutError(f"{where}: page {page.name!r} links to missing pages {targets - set(self.pages)}")
            if not any(key.kind is KeyKind.BACKSPACE for row in page.rows for key in row):
                raise LayoutError(f"{where}: page {page.name!r} has no backspace")


class Keyboards:
    """All layouts in assets/keyboards and the rules (keyboards.json) that pick one for a field."""

    def __init__(self, layouts: dict[str, KeyboardLayout], rules: dict[str, Any]) -> None:
        self._layouts = layouts
        self._rules = rules

    @classmethod
    def load(cls, keyboards_dir: Path) -> Keyboards:
        rules = json.loads((keyboards_dir / INDEX_FILE).read_text(encoding="utf-8"))
        layouts = {}
        for path in sorted(keyboards_dir.glob("*.json")):
            if path.name != INDEX_FILE:
                layout = KeyboardLayout.from_json(json.loads(path.read_text(encoding="utf-8")), path.name)
                layouts[layout.name] = layout
        named = {*rules["by_script"].values(), *rules["by_field_type"].values(),
                 *rules["by_address_part"].values(), rules["switch_to"]}
        if not named <= set(layouts):
            raise LayoutError(f"{INDEX_FILE} names missing layouts: {sorted(named - set(layouts))}")
        return cls(layouts, rules)

    def get(self, name: str) -> KeyboardLayout:
        return self._layouts[name]

    def names(self) -> tuple[str, ...]:
        return tuple(self._layouts)

    def own_layout(self, language: str) -> KeyboardLayout:
        return self._layouts[self._rules["by_script"][language_of(language).script]]

    def layout_for(
        self, language: str, field_type: FieldType | str, address_part: str | None = None, latin: bool = False
    ) -> KeyboardLayout | None:
        """The layout a field opens with; None when the field uses a picker or buttons instead of typing. A `latin`
        text field (a name as on an ID document) opens on the Latin keys in every language; {switch} still leads to
        the resident's own script."""
        kind = FieldType(field_type)
        if latin and kind.value in self._rules["text_types"]:
            return self._layouts[self._rules["switch_to"]]
        if kind is FieldType.ADDRESS:
            if address_part is None:
                raise ValueError("an address field needs the part being typed")
            return self._layouts[self._rules["by_address_part"][address_part]]
        if kind.value in self._rules["by_field_type"]:
            return self._layouts[self._rules["by_field_type"][kind.value]]
        if kind.value in self._rules["text_types"]:
            return self.own_layout(language)
        return None

    def switch_target(self, language: str, current: KeyboardLayout) -> KeyboardLayout | None:
        """Where the {switch} key leads from `current`; None hides the key (a Latin language on Latin keys)."""
        own = self.own_layout(language)
        latin = self._layouts[self._rules["switch_to"]]
        if own.name == latin.name:
            return None
        return latin if current.name == own.name else own


class KeyboardInput:
    """What typing on the on-screen keyboard does to the field's text. Pure: the widget draws `rows()` and
    calls `press` with the key that was touched."""

    def __init__(
        self, keyboards: Keyboards, layout: KeyboardLayout, language: str, *,
        text: str = "", max_length: int | None = None, multiline: bool = False,
    ) -> None:
        self._keyboards = keyboards
        self.layout = layout
        self.language = language
        self.page = layout.first_page
        self.text = text
        self.max_length = max_length
        self.multiline = multiline
        self.shift = False
        self.caps_lock = False
        self.submitted = False  # {enter} on a one-line field: the screen moves on

    def rows(self) -> tuple[tuple[Key, ...], ...]:
        """The keys to draw now: the switch key only where there is something to switch to."""
        can_switch = self._keyboards.switch_target(self.language, self.layout) is not None
        return tuple(
            tuple(key for key in row if key.kind is not KeyKind.SWITCH or can_switch)
            for row in self.layout.page(self.page).rows
        )

    def caption(self, key: Key) -> str:
        """What a key that types text shows now (upper case while shift is on); special keys get their label
        from the catalog (Key.label_key), except page and switch keys which show the target's letters."""
        if key.kind is KeyKind.CHAR:
            return self._upper(key.value) if self._upper_on() else key.value
        if key.kind is KeyKind.PAGE:
            return self.layout.page(key.value).label
        if key.kind is KeyKind.SWITCH:
            target = self._keyboards.switch_target(self.language, self.layout)
            return target.label if target else ""
        return ""

    def alternatives(self, key: Key) -> tuple[str, ...]:
        if key.kind is not KeyKind.CHAR:
            return ()
        alts = self.layout.alternatives.get(key.value, ())
        return tuple(self._upper(a) for a in alts) if self._upper_on() else alts

    def press(self, key: Key) -> str:
        actions = {
            KeyKind.CHAR: lambda: self.type(self._upper(key.value) if self._upper_on() else key.value),
            KeyKind.SPACE: lambda: self.type(" "),
            KeyKind.ZWNJ: lambda: self.type(ZWNJ),
            KeyKind.BACKSPACE: self.backspace,
            KeyKind.SHIFT: self._press_shift,
            KeyKind.ENTER: self._press_enter,
            KeyKind.PAGE: lambda: self._open_page(key.value),
            KeyKind.SWITCH: self._switch,
        }
        actions[key.kind]()
        return self.text

    def type(self, typed: str) -> None:
        """Type text (a key, or a long-press alternative the widget offered)."""
        if self.max_length is not None:
            typed = typed[: max(0, self.max_length - len(self.text))]
        self.text += typed
        if typed and self.shift and not self.caps_lock:
            self.shift = False

    def backspace(self) -> None:
        self.text = self.text[:-1]

    def _upper_on(self) -> bool:
        return self.shift or self.caps_lock

    def _upper(self, text: str) -> str:
        overrides = self.layout.shift_overrides.get(self.language, {})
        if text in overrides:
            return overrides[text]
        upper = text.upper()
        return upper if len(upper) == len(text) else text  # ß stays ß rather than becoming SS

    def _press_shift(self) -> None:
        """Off -> shift for one letter -> caps lock -> off."""
        if self.caps_lock:
            self.shift = self.caps_lock = False
        elif self.shift:
            self.caps_lock = True
        else:
            self.shift = True

    def _press_enter(self) -> None:
        if self.multiline:
            self.type("\n")
        else:
            self.submitted = True

    def _open_page(self, name: str) -> None:
        self.page = self.layout.page(name).name

    def _switch(self) -> None:
        target = self._keyboards.switch_target(self.language, self.layout)
        if target is not None:
            self.layout = target
            self.page = target.first_page
            self.shift = self.caps_lock = False


def keyboard_for_field(
    keyboards: Keyboards, language: str, field_type: FieldType | str, *, text: str = "",
    max_length: int | None = None, address_part: str | None = None, latin: bool = False,
) -> KeyboardInput | None:
    """A ready input model for a field, or None when the field takes no typing."""
    layout = keyboards.layout_for(language, field_type, address_part, latin)
    if layout is None:
        return None
    multiline = FieldType(field_type) is FieldType.LONG_TEXT
    return KeyboardInput(keyboards, layout, language, text=text, max_length=max_length, multiline=multiline)
