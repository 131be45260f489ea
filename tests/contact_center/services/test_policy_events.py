"""The live stream's shortcut and its rule agree: `only_events_of_agent` may narrow the readers an
event is checked against only where `sees_event` would have refused the others anyway."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal
from contact_center.services.policy import EventFacts, only_events_of_agent, sees_event

teams = st.sampled_from([None, "north", "south"])
agents = st.integers(1, 4)
principals = st.builds(
    Principal, agent_id=agents, username=st.just("someone"), role=st.sampled_from(Role), team=teams
)
facts = st.builds(EventFacts, agent_id=st.none() | agents, queue_team=teams, agent_team=teams)


@given(principals, facts)
def test_a_reader_narrowed_to_one_agent_sees_no_other_agents_events(
    principal: Principal, about: EventFacts
) -> None:
    only = only_events_of_agent(principal)
    if only is not None and sees_event(principal, about):
        assert about.agent_id == only


def test_an_agent_is_narrowed_to_themself_and_a_supervisor_is_not() -> None:
    assert only_events_of_agent(Principal(7, "alice", Role.AGENT)) == 7
    assert only_events_of_agent(Principal(8, "sam", Role.SUPERVISOR, team="north")) is None
    assert only_events_of_agent(Principal(9, "root", Role.ADMIN)) is None
