"""An interaction's timeline said in words: each stored entry as a title, the lines under it and
the text a person wrote (a message or note, shown as text, never as markup).

Words are chosen here, in the reader's language (the request's, set before this runs), and
times formatted in their zone; the template only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agent_ui.console_reasons import offer_reason, readable_times
from contact_center.i18n import _, formatting
from contact_center.queries.interaction_timeline import TimelineEntry


@dataclass(frozen=True, slots=True)
class TimelineLine:
    at: datetime
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    #: What a customer or agent wrote (a message, a note): shown as text.
    body: str = ""


def state_name(state: str) -> str:
    names = {
        "new": _("new"),
        "queued": _("waiting"),
        "offered": _("offered"),
        "active": _("active"),
        "wrap_up": _("wrap-up"),
        "closed": _("closed"),
        "abandoned": _("abandoned"),
        "transferred": _("transferred"),
        "pending": _("pending"),
    }
    return names.get(state, state)


def channel_name(channel: str) -> str:
    names = {
        "voice": _("voice"),
        "sms": _("SMS"),
        "email": _("email"),
        "chat": _("chat"),
    }
    return names.get(channel, channel)


def _someone(name: str | None) -> str:
    return name or _("an agent")


def _offer_closed(entry: TimelineEntry) -> str:
    agent = _someone(entry.agent)
    titles = {
        "accepted": _("%(agent)s accepted the offer"),
        "rejected": _("%(agent)s rejected the offer"),
        "expired": _("The offer to %(agent)s expired unanswered"),
        "withdrawn": _("The offer to %(agent)s was withdrawn"),
    }
    return titles.get(entry.outcome or "", _("The offer to %(agent)s ended")) % {"agent": agent}


def _decision(entry: TimelineEntry, language: str, zone: str | None) -> TimelineLine:
    if entry.outcome == "offer":
        title = _("Why this agent: %(agent)s") % {"agent": _someone(entry.agent)}
        return TimelineLine(entry.at, "decision", title, offer_reason(entry.text, language, zone))
    titles = {
        "expired": _("Router: the offer expired"),
        "withdrawn": _("Router: the offer was withdrawn"),
        "rejected": _("Router: the offer was rejected"),
        "away": _("Router: the agent was set away"),
    }
    title = titles.get(entry.outcome or "", _("Router: %(what)s") % {"what": entry.outcome or ""})
    lines = [readable_times(entry.text, language, zone)] if entry.text else []
    return TimelineLine(entry.at, "decision", title, lines)


def _message(entry: TimelineEntry) -> TimelineLine:
    if entry.author_kind == "customer":
        title = _("The customer wrote")
    elif entry.author_kind == "agent":
        title = _("%(agent)s wrote") % {"agent": _someone(entry.agent)}
    else:
        title = _("System message")
    attachments = int(entry.details.get("attachments", 0))
    lines = [_("%(count)s attachment(s)") % {"count": attachments}] if attachments else []
    return TimelineLine(entry.at, "message", title, lines, body=entry.text)


def worded(entry: TimelineEntry, language: str, zone: str | None) -> TimelineLine:
    kind = entry.kind
    if kind == "transition":
        title = _("From %(from)s to %(to)s") % {
            "from": state_name(entry.from_state or ""),
            "to": state_name(entry.to_state or ""),
        }
        lines = [_("By %(actor)s") % {"actor": entry.actor}] if entry.actor else []
        if entry.agent:
            lines.append(_("Agent: %(agent)s") % {"agent": entry.agent})
        return TimelineLine(entry.at, kind, title, lines)
    if kind == "offer":
        due = entry.details.get("expires_at")
        lines = []
        if isinstance(due, datetime):
            lines.append(
                _("To answer by %(time)s") % {"time": formatting.format_time(due, language, zone, "medium")}
            )
        return TimelineLine(
            entry.at, kind, _("Offered to %(agent)s") % {"agent": _someone(entry.agent)}, lines
        )
    if kind == "offer_closed":
        return TimelineLine(entry.at, kind, _offer_closed(entry))
    if kind == "decision":
        return _decision(entry, language, zone)
    if kind == "transfer":
        if entry.text:
            title = _("Transferred to the queue %(queue)s") % {"queue": entry.text}
        else:
            title = _("Transferred to %(agent)s") % {"agent": _someone(entry.agent)}
        return TimelineLine(entry.at, kind, title, [_("By %(actor)s") % {"actor": entry.actor}])
    if kind == "note":
        return TimelineLine(
            entry.at, kind, _("Note by %(agent)s") % {"agent": _someone(entry.agent)}, body=entry.text
        )
    return _message(entry)
