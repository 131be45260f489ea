"""A supervisor stepping into live work: whispers to the agent, and the commands of stepping in.

A whisper is a note from a supervisor to the agent handling an interaction. It is kept in a table
of its own, not as a `Message` with a flag: everything that reads messages (the chat widget, the
customer's history, transcripts, outbound delivery, exports) would otherwise have to remember to
leave it out, and one that forgot would tell the customer. Here no such read can find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import utc_field
from contact_center.domain.commands import Command
from contact_center.domain.interactions import InteractionTransition
from contact_center.domain.principal import Principal

#: The longest whisper, in characters: a note, not a letter.
WHISPER_MAX_CHARS = 2000

# The agents view reads one team's transitions since midnight: by agent, then time.
_transitions = InteractionTransition.__table__  # type: ignore[attr-defined]
AGENT_DAY_INDEX = Index("ix_interaction_transition_agent_at", _transitions.c.agent_id, _transitions.c.at)


class Whisper(SQLModel, table=True):
    """A supervisor's note to the agent of one interaction; never shown to the customer."""

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    #: The supervisor (or admin) who wrote it.
    author_agent_id: int = Field(foreign_key="agent.id")
    #: The agent handling the interaction when it was written: the one it was meant for.
    to_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    body: str = Field(max_length=WHISPER_MAX_CHARS)
    created_at: datetime = utc_field()


@dataclass(frozen=True, slots=True)
class WhisperToAgent(Command):
    """Write a whisper on an interaction, for the agent handling it."""

    principal: Principal
    interaction_id: int
    body: str


@dataclass(frozen=True, slots=True)
class TakeOverInteraction(Command):
    """The supervisor becomes the handling agent of an interaction someone else is handling."""

    principal: Principal
    interaction_id: int
    reason: str = ""
