"""Deployment settings read outside streamlit (environment first, then
``.streamlit/secrets.toml``), so the CLIs and the app agree.

``DTI_HOME_PROVINCE``: the province the app is about, as a name (any spelling the
normaliser knows) or a GSO code of either unit set; default Hải Dương. Its unit in the other
set comes from the 63→34 map: the successor of a 63-set province, or (for a 34-set unit)
the predecessor that carries its code, else its first predecessor.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data.provinces import (
    UnknownProvinceError,
    by_code,
    name_of,
    predecessors,
    resolve,
    successor,
)
from i18n import t

ROOT = Path(__file__).resolve().parents[1]
HOME_SETTING = "DTI_HOME_PROVINCE"
DEFAULT_HOME = "Hải Dương"


class SettingError(ValueError):
    """A setting whose value cannot be used; ``message(lang)`` says what and how to fix."""

    def __init__(self, key: str, params: dict[str, object]) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        return t(self.key, lang, **self.params)


@lru_cache(maxsize=8)
def _secrets_file(path: str, mtime: float) -> dict[str, object]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def setting(name: str) -> str | None:
    """An environment variable, else a top-level key of .streamlit/secrets.toml (the
    working directory's, then the repository's, then the user's)."""
    got = os.environ.get(name)
    if got:
        return got
    for base in (Path.cwd(), ROOT, Path.home()):
        p = base / ".streamlit" / "secrets.toml"
        if p.is_file():
            value = _secrets_file(str(p), p.stat().st_mtime).get(name)
            if value not in (None, ""):
                return str(value)
    return None


@dataclass(frozen=True)
class Home:
    code63: str  # the province among the 63 (2020–2024 editions)
    code34: str  # its unit among the 34 (from 2025)
    setting: str  # as written

    def code(self, unit_set: str) -> str:
        return self.code34 if str(unit_set) == "34" else self.code63

    def name(self, unit_set: str = "63") -> str:
        return name_of(self.code(unit_set), str(unit_set))

    @property
    def merged(self) -> bool:
        """The 34-set unit is not just the same province renamed."""
        return len(predecessors(self.code34)) > 1


def _home_from(value: str) -> Home:
    text = value.strip()
    if re.fullmatch(r"\d{1,2}", text):
        code = text.zfill(2)
        if code in by_code("63"):
            return Home(code, successor(code), value)
        if code in by_code("34"):
            pre = predecessors(code)
            return Home(code if code in pre else pre[0], code, value)
        raise SettingError("home.unknown", {"name": HOME_SETTING, "value": value, "hint": ""})
    try:
        code = resolve(text, "63")
        return Home(code, successor(code), value)
    except UnknownProvinceError as exc63:
        try:
            code = resolve(text, "34")
        except UnknownProvinceError:
            hint = ", ".join(exc63.suggestions)
            raise SettingError(
                "home.unknown", {"name": HOME_SETTING, "value": value, "hint": hint}
            ) from None
        pre = predecessors(code)
        return Home(code if code in pre else pre[0], code, value)


def home_province() -> Home:
    """The home province from DTI_HOME_PROVINCE (default Hải Dương). Raises SettingError
    for a value no province matches."""
    return _home_from(setting(HOME_SETTING) or DEFAULT_HOME)
