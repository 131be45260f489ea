"""The visitor's `hello`: the handshake that opens, or resumes, a chat connection.

It checks the site, the page's Origin and the visitor token (issuing one to a new visitor), checks
the pre-chat form's email and phone, and answers `welcome` with what a returning visitor missed
since `last_seq`; the rest follows through the hub's pump. Apart from the conversation's frames
because it is the one frame that may come before a link exists.
"""

from __future__ import annotations

from typing import Any

from channels.webchat import conversation, protocol, sites
from channels.webchat.hub import VisitorLink
from channels.webchat.protocol import FrameError
from channels.webchat.tokens import BadTokenError, new_visitor_id
from channels.webchat.visitor_session import POLICY_VIOLATION, VisitorSession
from contact_center.domain.errors import ContactCenterError
from contact_center.domain.identity import Address


async def on_hello(session: VisitorSession, hello: protocol.Hello) -> None:
    deps = session.deps
    if session.link is not None:
        raise FrameError("already_hello", "this connection has said hello already")
    site = await deps.sites.get(hello.site)
    if site is None:
        raise FrameError("unknown_site", f"no site {hello.site[:64]!r}")
    if not sites.origin_allowed(site, session.origin, session.own):
        await session.ws.send_json(
            FrameError("origin_not_allowed", "this page may not open the chat of this site").frame()
        )
        await session.ws.close(code=POLICY_VIOLATION, message=b"origin not allowed")
        return
    try:
        queue = sites.queue_for(site, hello.profile.topic)
    except KeyError:
        raise FrameError("unknown_topic", "no such topic on this site") from None
    session.details = checked_details(hello.profile, deps.default_region)
    assert deps.tokens is not None
    now = deps.clock()
    if hello.token is not None:
        try:
            visitor_id = deps.tokens.verify(hello.token, hello.site, now).visitor_id
        except BadTokenError as exc:
            raise FrameError("bad_token", str(exc)) from None
        token = hello.token
    else:
        visitor_id = new_visitor_id()
        token = deps.tokens.issue(visitor_id, hello.site, now)
    session.site, session.queue, session.name = site, queue, hello.profile.name
    session.lang = sites.language(site, hello.lang)
    link = VisitorLink(session.ws, visitor_id)
    link.last_sent = hello.last_seq or 0
    missed: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    customer_id = await conversation.customer_of(deps.reader, visitor_id)
    if customer_id is not None:
        deps.hub.attach(link, customer_id)
        await deps.uploads.link(visitor_id, customer_id)  # uploads from before their first message
        latest = await conversation.latest(deps.reader, customer_id)
        if latest is not None:
            link.interaction_id = latest.interaction_id
            current = {"interaction_id": latest.interaction_id, "state": latest.state.value}
        missed = await conversation.messages_after(deps.reader, customer_id, link.last_sent)
        if missed:
            link.last_sent = missed[-1]["seq"]
    session.link = link
    await session.send(
        {
            "type": "welcome",
            "token": token,
            "lang": session.lang,
            "availability": await deps.availability.of(queue, now),
            "prechat": list(site.prechat),
            "colour": site.colour,
            "topics": list(site.topics),
            "conversation": current,
            "messages": missed,
        }
    )
    deps.hub.start(link)
    if len(missed) >= conversation.PAGE:
        link.wake()  # the rest follows through the pump


def checked_details(
    profile: protocol.Profile, default_region: str
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    try:
        if profile.email:
            Address.email(profile.email)
        if profile.phone:
            Address.phone(profile.phone, default_region)
    except ContactCenterError as exc:
        raise FrameError("bad_field", exc.message) from None
    emails = (profile.email,) if profile.email else ()
    phones = (profile.phone,) if profile.phone else ()
    return (emails, phones) if emails or phones else None
