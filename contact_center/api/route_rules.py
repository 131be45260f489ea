"""Every route of the application, with who may come through its door: the one table of rules.

Keyed by method and route (as aiohttp names the route: `/api/v1/customers/{id}`). A route the
application serves but this table lacks is refused to everyone (`api/access.py`) and fails the
authorisation-matrix test, so a new route cannot ship without a rule. The door checks the role;
`owns` names the check the handler then asks the policy (`services/policy/`) for, on the facts
of the one resource, and what a caller who fails it is told. docs/security.md has the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import Role

A, S, P, ADM, INT = Role.AGENT, Role.SUPERVISOR, Role.PLANNER, Role.ADMIN, Role.INTEGRATION
STAFF = (A, S, P, ADM)
EVERY_ROLE = (A, S, P, ADM, INT)
QUEUE = "a queue in view: a supervisor's team's (else 404)"
SCHEDULE_QUEUE = "the schedule's queue in view (else 404)"
CONSOLE = "supervisors and admins (others a 403 page)"


@dataclass(frozen=True, slots=True)
class Rule:
    #: Roles let through the door; empty for a public route.
    roles: frozenset[Role]
    #: The ownership the handler checks with the policy, in words ("" when the role is all).
    owns: str = ""
    #: A page: an anonymous caller is sent to the sign-in form instead of getting a 401.
    page: bool = False
    #: The handler checks the request's Origin against its own list (the web chat's sites), so
    #: the same-origin check of `api/origin.py` steps aside.
    checks_origin: bool = False

    @property
    def is_public(self) -> bool:
        return not self.roles


PUBLIC = Rule(frozenset())
#: The web chat's visitor routes: no staff sign-in; the visitor token, the site's allowed origins
#: and the chat's limits guard them (docs/webchat.md).
VISITOR = Rule(
    frozenset(), owns="the visitor token's own conversation and files; site origins", checks_origin=True
)


def only(*roles: Role, owns: str = "", page: bool = False) -> Rule:
    return Rule(frozenset(roles), owns, page)


RULES: dict[tuple[str, str], Rule] = {
    # Health, the API's own description, sign-in and static files.
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/static"): PUBLIC,
    # One's own account.
    ("DELETE", "/api/v1/auth/token"): only(*EVERY_ROLE, owns="the token of this request"),
    ("GET", "/api/v1/me"): only(*EVERY_ROLE, owns="oneself"),
    ("PATCH", "/api/v1/me"): only(*EVERY_ROLE, owns="oneself"),
    # Users and settings.
    ("POST", "/api/v1/agents"): only(ADM),
    ("PATCH", "/api/v1/agents/{id}"): only(ADM),
    ("POST", "/api/v1/agents/{id}/revoke-tokens"): only(ADM),
    ("POST", "/api/v1/agents/{id}/reset-password"): only(ADM),
    ("GET", "/api/v1/audit"): only(ADM),
    ("GET", "/api/v1/webchat-sites"): only(ADM),
    ("POST", "/api/v1/webchat-sites"): only(ADM),
    ("PATCH", "/api/v1/webchat-sites/{id}"): only(ADM),
    ("POST", "/api/v1/queues"): only(ADM),
    ("PATCH", "/api/v1/queues/{id}"): only(ADM),
    ("GET", "/api/v1/agents"): only(
        *STAFF, owns="agents in view: an agent themselves, a supervisor their team"
    ),
    ("GET", "/api/v1/agents/{id}"): only(*STAFF, owns="an agent in view (else 404)"),
    ("PUT", "/api/v1/agents/{id}/presence"): only(*STAFF, owns="oneself, or a supervisor's team"),
    ("GET", "/api/v1/queues"): only(*STAFF, owns="queues of one's team (none: all)"),
    ("GET", "/api/v1/queues/{id}"): only(*STAFF, owns="a queue of one's team (else 404)"),
    ("GET", "/api/v1/dashboard"): only(S, P, ADM, owns="a supervisor's team; planners get figures only"),
    # Contacts in.
    ("POST", "/api/v1/inbound"): only(INT, ADM),
    # Customers.
    ("GET", "/api/v1/customers"): only(A, S, ADM, owns="an agent's own customers; identities masked"),
    ("POST", "/api/v1/customers"): only(
        A, S, ADM, owns="an agent creates for themselves, no class/value/consent"
    ),
    ("GET", "/api/v1/customers/{id}"): only(A, S, ADM, owns="an agent's own customer (else 404)"),
    ("PATCH", "/api/v1/customers/{id}"): only(A, S, ADM, owns="an agent: free text of their own customers"),
    ("POST", "/api/v1/customers/{id}/merge"): only(S, ADM),
    ("GET", "/api/v1/customers/{id}/interactions"): only(
        A, S, ADM, owns="the customer, then interactions in view"
    ),
    # The desk's work on a customer: internal notes and follow-ups (docs/agent-desk.md).
    ("GET", "/api/v1/customers/{id}/notes"): only(A, S, ADM, owns="the customer in view (else 404)"),
    ("POST", "/api/v1/customers/{id}/notes"): only(
        A, S, ADM, owns="the customer in view; its interaction in view"
    ),
    ("GET", "/api/v1/customers/{id}/follow-ups"): only(A, S, ADM, owns="the customer in view (else 404)"),
    ("POST", "/api/v1/customers/{id}/follow-ups"): only(
        A,
        S,
        ADM,
        owns="the customer in view; an agent owns what they create, a supervisor gives to their team",
    ),
    ("PATCH", "/api/v1/follow-ups/{id}"): only(
        A, S, ADM, owns="its owner, or a supervisor of the owner's team (else 403; customer out of view 404)"
    ),
    # Canned responses: one's own and the shared ones.
    ("GET", "/api/v1/canned-responses"): only(A, S, ADM, owns="one's own and every shared one"),
    ("POST", "/api/v1/canned-responses"): only(A, S, ADM, owns="one's own; shared only by supervisors"),
    ("PATCH", "/api/v1/canned-responses/{id}"): only(
        A, S, ADM, owns="one's own personal ones; shared ones by supervisors (else 404/403)"
    ),
    ("DELETE", "/api/v1/canned-responses/{id}"): only(
        A, S, ADM, owns="one's own personal ones; shared ones by supervisors (else 404/403)"
    ),
    ("POST", "/api/v1/canned-responses/{id}/render"): only(
        A, S, ADM, owns="a canned response in view, for an interaction in view"
    ),
    # A customer's personal data (docs/privacy.md); customers are not scoped by team.
    ("GET", "/api/v1/customers/{id}/export"): only(ADM),
    ("POST", "/api/v1/customers/{id}/erase"): only(ADM),
    ("GET", "/api/v1/customers/{id}/audit"): only(S, ADM),
    ("GET", "/api/v1/customers/{id}/access-log"): only(S, ADM),
    # Interactions and offers.
    ("GET", "/api/v1/interactions"): only(A, S, ADM, owns="interactions in view, scoped before paging"),
    ("POST", "/api/v1/interactions"): only(
        A, S, ADM, owns="a customer in view; an agent opens for themselves"
    ),
    ("GET", "/api/v1/interactions/search"): only(S, ADM, owns="interactions in view, scoped before paging"),
    ("GET", "/api/v1/interactions/search.csv"): only(
        S, ADM, owns="interactions in view, scoped before streaming"
    ),
    ("GET", "/api/v1/interactions/{id}"): only(A, S, ADM, owns="an interaction in view (else 404)"),
    ("POST", "/api/v1/interactions/{id}/transitions"): only(
        A, S, ADM, owns="the assigned agent or a supervisor; picking; never to offered"
    ),
    ("POST", "/api/v1/interactions/{id}/accept"): only(A, S, ADM, owns="the agent of the open offer"),
    ("POST", "/api/v1/interactions/{id}/reject"): only(A, S, ADM, owns="the agent of the open offer"),
    ("GET", "/api/v1/interactions/{id}/routing"): only(A, S, ADM, owns="an interaction in view (else 404)"),
    ("GET", "/api/v1/interactions/{id}/messages"): only(A, S, ADM, owns="an interaction in view (else 404)"),
    ("POST", "/api/v1/interactions/{id}/messages"): only(
        A, S, ADM, owns="the agent handling it, or a manager with it in view"
    ),
    ("POST", "/api/v1/interactions/{id}/signals"): only(
        A, S, ADM, owns="the agent handling it, or a manager with it in view"
    ),
    ("POST", "/api/v1/interactions/{id}/transfer"): only(
        A, S, ADM, owns="the agent handling it or a supervisor seeing it; to an agent in one's team"
    ),
    ("GET", "/api/v1/interactions/{id}/transfer-targets"): only(
        A, S, ADM, owns="who may transfer it; the colleagues in their team's reach"
    ),
    ("GET", "/api/v1/queues/{id}/wrap-up-codes"): only(*STAFF, owns="a queue of one's team (else 404)"),
    ("PUT", "/api/v1/queues/{id}/wrap-up-codes"): only(ADM),
    ("GET", "/api/v1/wrap-up-codes"): only(*STAFF),
    ("POST", "/api/v1/wrap-up-codes"): only(ADM),
    # Planning.
    ("GET", "/api/v1/planning/queues/{id}/history"): only(P, S, ADM, owns=QUEUE),
    ("GET", "/api/v1/planning/queues/{id}/forecast"): only(P, S, ADM, owns=QUEUE),
    ("GET", "/api/v1/planning/queues/{id}/requirements"): only(P, S, ADM, owns=QUEUE),
    ("GET", "/api/v1/planning/queues/{id}/overrides"): only(P, S, ADM, owns=QUEUE),
    ("POST", "/api/v1/planning/queues/{id}/overrides"): only(P, ADM),
    ("DELETE", "/api/v1/planning/overrides/{id}"): only(P, ADM),
    ("GET", "/api/v1/planning/queues/{id}/schedules"): only(P, S, ADM, owns=QUEUE),
    ("POST", "/api/v1/planning/queues/{id}/schedules"): only(P, ADM),
    ("GET", "/api/v1/planning/schedules/{id}"): only(P, S, ADM, owns=SCHEDULE_QUEUE),
    ("POST", "/api/v1/planning/schedules/{id}/publish"): only(P, ADM),
    ("GET", "/api/v1/planning/schedules/{id}/export.csv"): only(P, S, ADM, owns=SCHEDULE_QUEUE),
    ("GET", "/api/v1/planning/schedules/{id}/export.ics"): only(P, S, ADM, owns=SCHEDULE_QUEUE),
    ("GET", "/api/v1/planning/schedules/{id}/adherence"): only(P, S, ADM, owns=SCHEDULE_QUEUE),
    ("GET", "/api/v1/planning/my-schedule"): only(*STAFF, owns="oneself"),
    ("GET", "/api/v1/planning/agents/{id}/contract"): only(P, S, ADM, owns="an agent in view"),
    ("PUT", "/api/v1/planning/agents/{id}/contract"): only(P, ADM),
    ("GET", "/api/v1/jobs/{id}"): only(*STAFF, owns="a job one started (admins: any)"),
    # The supervisor console: agents live, stepping into live work (docs/supervisor-agents.md).
    ("GET", "/api/v1/console/agents"): only(S, ADM, owns="a supervisor's team's agents (no team: all)"),
    ("GET", "/api/v1/interactions/{id}/whispers"): only(
        A, S, ADM, owns="the agent handling it, or a manager seeing it (else 404)"
    ),
    ("POST", "/api/v1/interactions/{id}/whispers"): only(
        S, ADM, owns="a manager seeing it, while an agent handles it (else 404/403)"
    ),
    ("POST", "/api/v1/interactions/{id}/take-over"): only(
        S, ADM, owns="a manager seeing it, while another agent handles it (else 404/403)"
    ),
    # Pages and websockets.
    ("GET", "/"): only(*STAFF, owns="supervisors the dashboard; agents their desk", page=True),
    ("GET", "/desk"): only(A, S, ADM, owns="one's own offers and work (an agent's `/` too)", page=True),
    ("GET", "/planner"): only(*STAFF, owns="planners; others a 403 page", page=True),
    ("GET", "/my-schedule"): only(*STAFF, owns="oneself", page=True),
    ("GET", "/my-settings"): only(*STAFF, owns="oneself", page=True),
    ("GET", "/admin"): only(*STAFF, owns="admins; others a 403 page", page=True),
    # The supervisor's drill-down (agent_ui/console.py): others signed in get a 403 page.
    ("GET", "/console/queues/{id}"): only(*STAFF, owns=CONSOLE + "; " + QUEUE, page=True),
    ("GET", "/console/interactions/{id}"): only(
        *STAFF, owns=CONSOLE + "; an interaction in view (else 404)", page=True
    ),
    ("GET", "/console/customers/{id}"): only(
        *STAFF, owns=CONSOLE + "; customers are not team-scoped", page=True
    ),
    ("GET", "/console/search"): only(*STAFF, owns=CONSOLE + "; interactions in view", page=True),
    ("GET", "/console/agents"): only(*STAFF, owns="supervisors: their team; others a 403 page", page=True),
    ("GET", "/console/interactions/{id}/monitor"): only(
        *STAFF, owns="a manager seeing it (else 404); others a 403 page", page=True
    ),
    ("GET", "/ws/dashboard"): only(S, P, ADM, owns="a supervisor's team; planners get figures only"),
    ("GET", "/ws/events"): only(A, S, ADM, owns="events of one's own work, or of one's team"),
    # The web chat's visitors (channels/webchat): public doors, guarded inside.
    ("GET", "/chat/ws"): VISITOR,
    ("POST", "/chat/upload"): VISITOR,
    ("OPTIONS", "/chat/upload"): VISITOR,
    # A visitor's own file by their token; staff (signed in) a file on an interaction in view.
    ("GET", "/chat/files/{id}"): VISITOR,
    ("OPTIONS", "/chat/files/{id}"): VISITOR,
    ("GET", "/chat/widget.js"): PUBLIC,
    ("GET", "/chat/widget.css"): PUBLIC,
    ("GET", "/demo/shop"): PUBLIC,
    ("GET", "/demo/shop.css"): PUBLIC,
}


def rule_for(method: str, route: str) -> Rule | None:
    """The rule of a route; HEAD is answered as GET is, so it has GET's rule."""
    return RULES.get(("GET" if method == "HEAD" else method, route))
