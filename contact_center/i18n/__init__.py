"""The product's two languages: which one a person reads, and the catalogue that speaks it.

English is the source: every string is written in English in the code, the templates and the
scripts, and `contact_center/locale/<locale>/LC_MESSAGES/messages.po` holds its translation
(docs/i18n.md). The build compiles the `.po` to `.mo`; when the `.mo` is missing or older than
its `.po` (a checkout nobody built, a catalogue just edited) the `.po` is compiled in memory, so
a stale binary can never show an old text.

The language of the moment lives in a context variable, set once per request (the signed-in
user's language, else `Accept-Language`) or per CLI run (`CC_LANGUAGE`, `LANG`), so code far
from the request — an error's message, a template — translates without being handed it.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Final

from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: The languages the product speaks, as the API and the records name them (BCP 47).
LANGUAGES: Final = ("en", "zh-CN")
DEFAULT_LANGUAGE: Final = "en"
LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"
DOMAIN: Final = "messages"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def babel_locale(language: str) -> str:
    """`zh-CN` -> `zh_CN`: the folder and Babel's name of a language."""
    return language.replace("-", "_")


def normalize(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag, or None: any Chinese reads as Simplified Chinese (the
    only Chinese we have is more use to a reader of Traditional than English), any English as
    English."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None


def negotiate(accept_language: str | None) -> str:
    """The best of LANGUAGES for an `Accept-Language` header, by its q-values; English when the
    header names none of ours (or is malformed)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept_language or "")[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = normalize(tag)
        if language is None or quality <= 0:
            continue
        candidate = (-quality, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else DEFAULT_LANGUAGE


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language: `CC_LANGUAGE`, else the POSIX locale variables as gettext reads them."""
    env = os.environ if environ is None else environ
    for name in ("CC_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        for tag in value.split(":"):
            language = normalize(tag.split(".")[0])
            if language is not None:
                return language
    return DEFAULT_LANGUAGE


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of a language (English: the identity), loaded once per process."""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / babel_locale(language) / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=babel_locale(language), domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as `pybabel compile` leaves them
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def current() -> str:
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate into `language` within the block (an unknown one: English)."""
    token = _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def use(language: str) -> None:
    """Translate into `language` from now on in this context (a CLI run, a request's task)."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A template's `NP_`: the same English said somewhere else (the role "Admin" is 管理员,
    the page "Admin" 管理)."""
    return translations(_current.get()).pgettext(context, message)


def _(message: str) -> str:
    return gettext(message)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet (translated where it is shown)."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a string with a context (the same English said to someone else, translated apart)."""
    return context, message


def translate(message: str | tuple[str, str], language: str) -> str:
    """`message` (or a `(context, message)` pair) in `language`, whatever the current one."""
    if isinstance(message, tuple):
        return translations(language).pgettext(*message)
    return translations(language).gettext(message)


@functools.cache
def script_messages(*paths: Path) -> frozenset[str]:
    """Every message the scripts mark with `_()`, `gettext()` or `N_()`, found by the extractor
    the build runs, so a page carries only the translations its scripts can show."""
    found: set[str] = set()
    for path in paths:
        for _line, message, _comments, _context in extract_from_file("javascript", str(path)):
            if isinstance(message, str):
                found.add(message)
    return frozenset(found)


def catalogue(language: str, messages: frozenset[str]) -> dict[str, str]:
    """Those of `messages` the language translates, for a script to look up (English: none)."""
    found = translations(language)
    out: dict[str, str] = {}
    for message in messages:
        text = found.gettext(message)
        if text != message:
            out[message] = text
    return out
