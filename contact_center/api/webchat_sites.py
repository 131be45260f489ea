"""/api/v1/webchat-sites: the sites that embed the chat widget, for admins to list, add and change.

The widget reads the stored sites (`channels/webchat/site_directory.py`), so a change here reaches
visitors within its refresh time, without a restart.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import Field

from contact_center.api.access import principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import Body, length, parse_body, path_id
from contact_center.domain.webchat_sites import CreateWebchatSite, UpdateWebchatSite, WebchatSiteRecord
from contact_center.services.webchat_sites import all_sites

routes = web.RouteTableDef()

SiteKey = Annotated[str, length(50, min_length=1)]
Origin = Annotated[str, length(200)]
Topic = Annotated[str, length(100)]
QueueName = Annotated[str, length(100)]
Colour = Annotated[str, length(7)]


class WebchatSiteCreate(Body):
    key: SiteKey
    allowed_origins: list[Origin] = Field(default=[], max_length=50)
    languages: list[Literal["en", "zh-CN"]] = ["en", "zh-CN"]
    prechat: list[Literal["name", "email", "phone"]] = ["name", "email"]
    topics: dict[Topic, QueueName] = Field(default={}, max_length=50)
    colour: Colour = "#0b57d0"


class WebchatSitePatch(Body):
    """Fields left out stay as they are."""

    allowed_origins: list[Origin] | None = Field(default=None, max_length=50)
    languages: list[Literal["en", "zh-CN"]] | None = None
    prechat: list[Literal["name", "email", "phone"]] | None = None
    topics: dict[Topic, QueueName] | None = Field(default=None, max_length=50)
    colour: Colour | None = None


def site_doc(record: WebchatSiteRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


@routes.get("/api/v1/webchat-sites")
async def list_sites(request: web.Request) -> web.Response:
    async with request.app[UOW]() as uow:
        return web.json_response({"items": [site_doc(r) for r in await all_sites(uow)]})


@routes.post("/api/v1/webchat-sites")
@idempotent()
async def create_site(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, WebchatSiteCreate)
    settings = tuple(body.model_dump(exclude={"key"}).items())
    record = await request.app[BUS].handle(
        CreateWebchatSite(key=body.key, settings=settings, actor=principal.actor)
    )
    return web.json_response(site_doc(record), status=201)


@routes.patch("/api/v1/webchat-sites/{id}")
async def update_site(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, WebchatSitePatch)
    site_id = path_id(request)
    changes = body.model_dump(exclude_unset=True)
    record = await request.app[BUS].handle(
        UpdateWebchatSite(site_id=site_id, changes=tuple(changes.items()), actor=principal.actor)
    )
    return web.json_response(site_doc(record))
