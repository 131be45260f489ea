"""The words of a queue alert's e-mail: which queue, what is past which limit, in English and
Simplified Chinese one after the other (the recipients' language is not known)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from contact_center.i18n import N_, translate
from contact_center.mail import OutgoingMail

LANGUAGES = ("en", "zh-CN")
FIGURES = {
    "waiting": N_("Waiting now: %(value)s (limit %(limit)s)"),
    "longest_wait_s": N_("Longest wait now: %(value)s s (limit %(limit)s s)"),
    "service_level": N_("Service level today: %(value)s %% (limit %(limit)s %%)"),
}
SUBJECT = N_("Queue %(queue)s is in alert")
OPENING = N_("The wallboard shows queue %(queue)s in red since %(opened)s UTC:")
CLOSING = N_("You get one e-mail per alert: the next comes only after this one has cleared.")


def _number(figure: str, value: float) -> str:
    shown = value * 100 if figure == "service_level" else value
    return f"{shown:.0f}" if float(shown).is_integer() else f"{shown:.1f}"


def alert_text(queue: str, opened: str, reasons: Sequence[Mapping[str, Any]], language: str) -> str:
    lines = [translate(OPENING, language) % {"queue": queue, "opened": opened}, ""]
    for reason in reasons:
        figure = str(reason["figure"])
        words = translate(FIGURES.get(figure, figure), language)
        value, limit = float(reason["value"]), float(reason["limit"])
        lines.append("- " + words % {"value": _number(figure, value), "limit": _number(figure, limit)})
    return "\n".join([*lines, "", translate(CLOSING, language)])


def alert_mail(
    to: str, queue: str, opened: str, reasons: Sequence[Mapping[str, Any]], message_id: str
) -> OutgoingMail:
    subject = " / ".join(translate(SUBJECT, lang) % {"queue": queue} for lang in LANGUAGES)
    text = "\n\n---\n\n".join(alert_text(queue, opened, reasons, lang) for lang in LANGUAGES)
    return OutgoingMail(
        to=to,
        subject=subject.replace("\r", " ").replace("\n", " "),
        text=text,
        message_id=message_id,
        headers=(("Auto-Submitted", "auto-generated"),),
        language="en",
    )
