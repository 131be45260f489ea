"""The pages' jinja2 environment: gettext in templates, dates and numbers per locale, and the
strings the page's scripts show, in the reader's language.

Templates write `{{ _("Queues") }}` (jinja2's i18n extension: `_`, `gettext`, `ngettext`, and
`{% trans %}`), translated with the catalogue of the language `render_page` was given, or the
`user`'s. The filters `datetime`, `time`, `date`, `number` and `percent` format in that language
and the user's time zone. The scripts get their strings as a JSON block (`i18n_data`, read by
`static/i18n.js`): only the messages the scripts of `static/` use, found by the same extractor
the build runs, so a page carries no more of the catalogue than its scripts can show.
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from contact_center import i18n
from contact_center.i18n import formatting

STATIC = Path(__file__).parent / "static"


def script_messages() -> frozenset[str]:
    return i18n.script_messages(*sorted(STATIC.glob("*.js")))


@functools.cache
def script_catalogue(language: str) -> dict[str, str]:
    """The scripts' translations in a language, worked out once per process (read, never changed)."""
    return i18n.catalogue(language, script_messages())


@jinja2.pass_context
def _datetime(ctx: jinja2.runtime.Context, value: datetime, fmt: str = "medium") -> str:
    return formatting.format_datetime(value, ctx["lang"], ctx["timezone"], fmt)


@jinja2.pass_context
def _time(ctx: jinja2.runtime.Context, value: datetime, fmt: str = "short") -> str:
    return formatting.format_time(value, ctx["lang"], ctx["timezone"], fmt)


@jinja2.pass_context
def _date(ctx: jinja2.runtime.Context, value: datetime, fmt: str = "medium") -> str:
    return formatting.format_date(value, ctx["lang"], ctx["timezone"], fmt)


@jinja2.pass_context
def _number(ctx: jinja2.runtime.Context, value: float) -> str:
    return formatting.format_number(value, ctx["lang"])


@jinja2.pass_context
def _percent(ctx: jinja2.runtime.Context, value: float) -> str:
    return formatting.format_percent(value, ctx["lang"])


def page_environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    # The callables read the language of the moment (set by `render_page`), so one environment
    # serves every request; rendering is synchronous, so no other request interleaves.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, pgettext=i18n.pgettext, newstyle=True
    )
    env.filters.update(datetime=_datetime, time=_time, date=_date, number=_number, percent=_percent)
    return env


def render_page(
    env: jinja2.Environment,
    name: str,
    *,
    language: str | None = None,
    timezone: str | None = None,
    **context: Any,
) -> str:
    """`language` defaults to the request's (`i18n.current()`: the user's, else the browser's),
    `timezone` to the `user`'s (None: the browser's in scripts, UTC in the filters)."""
    lang = language if language in i18n.LANGUAGES else i18n.current()
    zone = timezone or getattr(context.get("user"), "timezone", None)
    data = {"language": lang, "timeZone": zone, "messages": script_catalogue(lang)}
    with i18n.speaking(lang):
        return env.get_template(name).render(lang=lang, timezone=zone, i18n_data=data, **context)
