"""The translation layer: every user-facing string goes through `_` (or `ngettext`).

Vietnamese when asked (`--lang vi`, `EMUSCORE_LANG`, or a Vietnamese locale in
`LC_ALL`/`LC_MESSAGES`/`LANG`), English otherwise. The catalogues live in
`emuscore/locale/<lang>/LC_MESSAGES/emuscore.mo`; a missing catalogue means English.
Strings are looked up when they are shown, never at import time, so `--lang` applies
to messages built anywhere.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

DOMAIN = "emuscore"
LOCALE_DIR = Path(__file__).parent / "locale"
_chosen: str | None = None


def choose(lang: str | None) -> None:
    """Fix the interface language for this process (None: decide from the environment)."""
    global _chosen
    _chosen = lang


def language() -> str:
    """'vi' or 'en': `choose()`, then EMUSCORE_LANG, then the locale variables, then the
    system's locale where no variable is set (Windows: "Vietnamese_Vietnam")."""
    if _chosen:
        return _normalise(_chosen)
    for var in ("EMUSCORE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return _normalise(value)
    import locale

    return _normalise(locale.getlocale()[0] or "")


def _normalise(value: str) -> str:
    return "vi" if value.lower().startswith("vi") else "en"


@cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` in the interface language."""
    return _catalogue(language()).gettext(message)


def translator(lang: str | None = None) -> Callable[[str], str]:
    """What `_` does, in `lang` ("vi", "en"; by default the interface language), looked up
    once for many texts."""
    return _catalogue(_normalise(lang) if lang else language()).gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the interface language."""
    return _catalogue(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogue without translating it: for a text defined at
    import time (a command's help) that `_` translates where it is shown."""
    return message


__all__ = ["DOMAIN", "LOCALE_DIR", "N_", "_", "choose", "language", "ngettext", "translator"]
