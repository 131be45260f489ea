"""Extract, update, check and compile the catalogues: `python -m contact_center.i18n.extract ACTION`.

`update` reads every string the code, templates and scripts mark (`babel.cfg` says where) and
brings each language's `messages.po` in line: new strings come in untranslated, strings gone
from the code leave. `check` lists what is wrong without changing anything (a string not in the
catalogue, one untranslated or fuzzy, one the code no longer has, a placeholder the translation
lost); the test suite fails on any of it. `compile` writes the `.mo` files the server loads
(`make install` runs it). Besides gettext's own names, the domain errors people read are keywords:
`raise InvalidInputError("...")` is a string to translate, as its message is shown as it is.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from configparser import RawConfigParser
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from contact_center.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, babel_locale

ROOT = LOCALE_DIR.parent.parent
#: The errors whose message is shown to a person as it is (the API's `message`, the sign-in page).
ERROR_KEYWORDS = (
    "ContactCenterError",
    "InvalidInputError",
    "UnprocessableError",
    "NotFoundError",
    "ConflictError",
    "IllegalTransitionError",
    "ForbiddenError",
    "UnauthenticatedError",
    "TooLargeError",
    "RateLimitedError",
    "UnavailableError",
    "WeakPasswordError",
    "ConfigError",
)
KEYWORDS: dict[str, Any] = {
    **DEFAULT_KEYWORDS,
    "NP_": ((1, "c"), 2),
    "error_response": (3,),
    "Refusal": (2,),  # the policy's reasons, raised as a 403's message
    **dict.fromkeys(ERROR_KEYWORDS),
}
COMMENT_TAGS = ("Translators:",)
HEADER = (
    "# The product's strings in one more language; English is the source.\n"
    "# `python -m contact_center.i18n.extract update` brings it in line with the code: docs/i18n.md."
)


def method_map(cfg: Path) -> list[tuple[str, str]]:
    parser = RawConfigParser()
    parser.read(cfg, encoding="utf-8")
    found: list[tuple[str, str]] = []
    for section in parser.sections():
        method, _, pattern = section.partition(":") if section.count(":") == 1 else section.rpartition(":")
        found.append((pattern.strip(), method.strip()))
    return found


def extracted(root: Path = ROOT) -> Catalog:
    """Every marked string of the source tree, as a template catalogue. (Babel says on stderr which
    f-strings it skips: a message with values in it stays English, see docs/i18n.md.)"""
    catalog = Catalog(domain=DOMAIN, project="contact-center", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        root,
        method_map=method_map(root / "babel.cfg"),
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        text = message if isinstance(message, str) else message[0]
        if not any(c.isalnum() for c in text):  # a separator joined into a message, not one
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> set[str]:
    """The values a message is filled with: `%(name)s` (Python, jinja2) and `{name}` (the scripts)."""
    return set(re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", text))


def po_path(language: str) -> Path:
    return LOCALE_DIR / babel_locale(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as fp:
        return read_po(fp, locale=babel_locale(language), domain=DOMAIN)


def problems(template: Catalog, catalog: Catalog, language: str) -> list[str]:
    """What is wrong with a language's catalogue against the source: nothing, when it is complete."""
    found: list[str] = []
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    have = {(m.id if isinstance(m.id, str) else m.id[0], m.context): m for m in catalog if m.id}
    for key in sorted(wanted - have.keys(), key=str):
        found.append(f"{language}: missing {key[0]!r}" + (f" (context {key[1]!r})" if key[1] else ""))
    for key in sorted(have.keys() - wanted, key=str):
        found.append(f"{language}: no longer in the source: {key[0]!r}")
    for key, message in sorted(have.items(), key=lambda item: str(item[0])):
        if key not in wanted:
            continue
        if message.fuzzy:
            found.append(f"{language}: fuzzy {key[0]!r}")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            found.append(f"{language}: untranslated {key[0]!r}")
    for key, message in have.items():
        if key in wanted and message.string and not message.fuzzy:
            lost = placeholders(key[0]) - placeholders(str(message.string))
            found += [f"{language}: {key[0]!r} lost the placeholder {p}" for p in sorted(lost)]
    for message, errors in catalog.check():
        if (message.id if isinstance(message.id, str) else message.id[0], message.context) in wanted:
            found += [f"{language}: {message.id!r}: {error}" for error in errors]
    found += [f"{language}: obsolete {m.id!r}" for m in catalog.obsolete.values()]
    return found


def update(template: Catalog) -> None:
    for language in LANGUAGES:
        if language == "en":
            continue
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=babel_locale(language), domain=DOMAIN, project="contact-center")
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.header_comment = HEADER
        catalog.last_translator = catalog.language_team = "contact-center"
        catalog.msgid_bugs_address = ""
        with path.open("wb") as fp:  # no line numbers: moving code changes no catalogue
            write_po(fp, catalog, width=100, ignore_obsolete=True, sort_output=True, include_lineno=False)


def compile_all() -> None:
    for language in LANGUAGES:
        if language == "en":
            continue
        catalog = read(language)
        with po_path(language).with_suffix(".mo").open("wb") as fp:
            write_mo(fp, catalog)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contact_center.i18n.extract")
    parser.add_argument("action", choices=["update", "check", "compile"])
    args = parser.parse_args(argv)
    if args.action == "compile":
        compile_all()
        return 0
    template = extracted()
    if args.action == "update":
        update(template)
        return 0
    found = [p for lang in LANGUAGES if lang != "en" for p in problems(template, read(lang), lang)]
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
