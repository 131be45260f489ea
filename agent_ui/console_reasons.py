"""The router's "why this agent", worded for a person in their language and time zone.

The router stores each offer's reason as one English line (`routing.decisions.OfferReason.text`:
"interaction queued; longest_idle among 4 candidate(s) (longest idle, idle since 1765104000.0);
meets chat>=1 at escalation step 0; waited 3.0s, effective priority 0.00; pool ..."), with times
as the engine's clock (seconds since 1970). Here that line is read back into its parts and each
part is said again in the reader's language, times in their zone. A line in another shape (an
older router, an expiry's reason) is shown as it was stored: a person still reads it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from contact_center.i18n import _, formatting, ngettext

OFFER_REASON = re.compile(
    r"^(?P<trigger>.*?); (?P<rule>.+?) among (?P<considered>\d+) candidate\(s\) \((?P<chosen>.*?)\); "
    r"meets (?P<meets>.+?) at escalation step (?P<step>\d+); "
    r"waited (?P<waited>[\d.]+)s, effective priority (?P<priority>[-\d.]+)(?:; pool (?P<pool>.*))?$"
)
#: Engine clock readings in a reason: seconds since 1970, with a decimal.
CLOCK = re.compile(r"\b(1[5-9]\d{8}|2\d{9})\.\d\b")


def readable_times(text: str, language: str, zone: str | None) -> str:
    """Engine clock readings in a line, as times of day in the reader's zone."""

    def clock(match: re.Match[str]) -> str:
        at = datetime.fromtimestamp(float(match.group(0)), UTC)
        return formatting.format_datetime(at, language, zone, "medium")

    return CLOCK.sub(clock, text)


def _rule(rule: str) -> str:
    names = {
        "longest_idle": _("the agent idle longest"),
        "least_occupied": _("the least occupied agent"),
        "best_skill": _("the best skilled agent"),
        "sticky": _("the customer's own agent"),
        "highest priority then oldest": _("the highest priority, then the longest waiting contact"),
        "restored": _("an offer restored after the router restarted"),
    }
    return names.get(rule, rule)


def _chosen(chosen: str, language: str, zone: str | None) -> str:
    idle = re.fullmatch(r"longest idle, idle since (?P<at>.+)", chosen)
    if idle:
        return _("idle since %(time)s") % {"time": readable_times(idle.group("at"), language, zone)}
    known = {
        "sticky to the customer's agent": _("the agent who served this customer last"),
        "transferred to this agent": _("transferred to this agent"),
    }
    return known.get(chosen, readable_times(chosen, language, zone))


def offer_reason(text: str, language: str, zone: str | None) -> list[str]:
    """The lines that say why the router offered to this agent; the stored line itself (times
    made readable) when it is not an offer's reason."""
    found = OFFER_REASON.match(text)
    if found is None:
        return [readable_times(text, language, zone)] if text else []
    parts = found.groupdict()
    lines = [
        ngettext(
            "Chosen as %(rule)s among %(count)s candidate.",
            "Chosen as %(rule)s among %(count)s candidates.",
            int(parts["considered"]),
        )
        % {"rule": _rule(parts["rule"]), "count": parts["considered"]},
    ]
    if parts["chosen"]:
        lines.append(_("Deciding fact: %(fact)s.") % {"fact": _chosen(parts["chosen"], language, zone)})
    meets = parts["meets"] if parts["meets"] != "any agent" else _("any agent")
    lines.append(
        _("Skills met: %(skills)s (escalation step %(step)s).") % {"skills": meets, "step": parts["step"]}
    )
    lines.append(
        _("The contact had waited %(seconds)s s; effective priority %(priority)s.")
        % {
            "seconds": formatting.format_number(float(parts["waited"]), language),
            "priority": parts["priority"],
        }
    )
    lines.append(
        _("What set it off: %(trigger)s.") % {"trigger": readable_times(parts["trigger"], language, zone)}
    )
    if parts["pool"]:
        lines.append(_("Agents with those skills then: %(pool)s.") % {"pool": parts["pool"]})
    return lines
