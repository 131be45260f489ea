"""The web chat's HTTP side: uploads, the visitor's own files, the widget's script and style, and
the demo shop page that carries the widget.

All of it is public (no staff sign-in): uploads and files are guarded by the visitor token, and a
page on another site may use them only from an origin its site lists, which CORS tells browsers
(`Access-Control-Allow-Origin` names that origin, never `*`). A refusal is a JSON error as anywhere
in the API, CORS headers included, so the widget can read why.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import jinja2
from aiohttp import BodyPartReader, web

from channels.webchat import conversation, sites
from channels.webchat.chat_deps import ChatDeps
from channels.webchat.tokens import BadTokenError
from contact_center import i18n
from contact_center.api.access import interaction_in_view
from contact_center.api.auth import COOKIE, authenticate
from contact_center.domain.errors import (
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    TooLargeError,
    UnauthenticatedError,
)
from contact_center.i18n import formatting
from contact_center.settings import WebchatSite

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
TOKEN_HEADER = "X-Visitor-Token"
CORS_PATHS = ("/chat/upload", "/chat/files/")
#: What a cached widget may be at most behind a release.
WIDGET_MAX_AGE_S = 300
#: Where widget.js takes its translations, filled in as it is served.
PLACEHOLDER = "{} /* catalogues */"


async def _site(deps: ChatDeps, request: web.Request) -> tuple[str, WebchatSite]:
    key = request.query.get("site", "")
    site = await deps.sites.get(key)
    if site is None:
        raise NotFoundError(f"no site {key[:64]!r}")
    return key, site


def _checked_origin(deps: ChatDeps, request: web.Request, site: WebchatSite) -> None:
    """A browser on a page of another site sends Origin; it must be one the site lists. A request
    without Origin is no browser's cross-site request, and the visitor token still guards it."""
    origin = request.headers.get("Origin")
    if origin is not None and not sites.origin_allowed(site, origin, deps.own_origins(request)):
        raise ForbiddenError("this page may not use the chat of this site", code="origin_not_allowed")


def _visitor(deps: ChatDeps, request: web.Request, key: str) -> str:
    token = request.headers.get(TOKEN_HEADER, "")
    assert deps.tokens is not None
    try:
        return deps.tokens.verify(token, key, deps.clock()).visitor_id
    except BadTokenError as exc:
        raise UnauthenticatedError(str(exc), code="bad_token") from None


def _has_bearer(request: web.Request) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def add_cors(deps: ChatDeps) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """An `on_response_prepare` hook: CORS headers on the chat's HTTP answers, errors included."""

    async def hook(request: web.Request, response: web.StreamResponse) -> None:
        if not request.path.startswith(CORS_PATHS):
            return
        response.headers["Vary"] = "Origin"
        origin = request.headers.get("Origin")
        site = await deps.sites.get(request.query.get("site", ""))
        if (
            origin is None
            or site is None
            or not sites.origin_allowed(site, origin, deps.own_origins(request))
        ):
            return
        response.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = f"{TOKEN_HEADER}, Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"

    return hook


async def preflight(deps: ChatDeps, request: web.Request) -> web.Response:
    _, site = await _site(deps, request)
    _checked_origin(deps, request, site)
    return web.Response(status=204)


async def upload(deps: ChatDeps, request: web.Request) -> web.Response:
    """`POST /chat/upload?site=<key>`, multipart with one part `file`: 201 with the upload's id."""
    key, site = await _site(deps, request)
    _checked_origin(deps, request, site)
    visitor_id = _visitor(deps, request, key)
    store = deps.uploads
    if request.content_length is not None and request.content_length > store.max_bytes + 16 * 1024:
        raise TooLargeError(f"a file has at most {store.max_bytes} bytes")
    if not request.content_type.startswith("multipart/form-data"):
        raise InvalidInputError("send the file as multipart/form-data, in a part named file")
    reader = await request.multipart()
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "file":
        raise InvalidInputError("send the file as multipart/form-data, in a part named file")
    content_type = part.headers.get("Content-Type", "").split(";")[0].strip().lower()
    store.check_type(content_type)  # before reading: a refused type costs no upload
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        data.extend(chunk)
        if len(data) > store.max_bytes:
            raise TooLargeError(f"a file has at most {store.max_bytes} bytes")
    # Known when the visitor has written before: erasing that customer then finds the file even
    # if it is never sent. A visitor who has not written yet is linked on their first message.
    customer_id = await conversation.customer_of(deps.reader, visitor_id)
    saved = await store.save(
        visitor_id,
        part.filename or "file",
        content_type,
        bytes(data),
        customer_id=customer_id,
        at=deps.clock(),
    )
    answer = saved.attachment()
    return web.json_response(
        {"id": saved.id, **{k: answer[k] for k in ("name", "content_type", "size", "url")}}, status=201
    )


async def download(deps: ChatDeps, request: web.Request) -> web.StreamResponse:
    """`GET /chat/files/{id}`, as a download: with `?site=<key>` and the visitor token, the
    visitor's own file; with a staff sign-in instead, a file on an interaction the caller sees
    (the policy's rule for the interaction; anything else is answered as missing)."""
    upload_id = request.match_info["id"]
    if TOKEN_HEADER in request.headers or (COOKIE not in request.cookies and not _has_bearer(request)):
        key, site = await _site(deps, request)
        _checked_origin(deps, request, site)
        visitor_id = _visitor(deps, request, key)
        found = await deps.uploads.owned(visitor_id, upload_id)
    else:
        principal = await authenticate(request)
        found = await deps.uploads.find(upload_id)
        async with deps.read_uow() as uow:
            for interaction_id in found.interaction_ids:
                try:
                    await interaction_in_view(uow, principal, interaction_id)
                    break
                except NotFoundError:
                    continue
            else:
                raise NotFoundError(f"upload {upload_id} not found")
    response = web.FileResponse(deps.uploads.path_of(found))
    response.content_type = found.content_type
    response.headers["Content-Disposition"] = "attachment"
    return response


@functools.cache
def _shop_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    return env.get_template("shop.html")


async def demo_shop(request: web.Request) -> web.Response:
    """`GET /demo/shop`: a shop page carrying the widget, in the browser's language
    (`Accept-Language`) or the one `?lang=` names (`en`, `zh-CN`), so the widget follows the page's
    language. Nothing from the query is written into the page: it only picks one of ours."""
    asked = i18n.normalize(request.query.get("lang"))
    language = asked or i18n.negotiate(request.headers.get("Accept-Language"))

    def price(amount: float) -> str:
        return formatting.format_money(amount, "CNY", language)

    with i18n.speaking(language):
        page = _shop_template().render(lang=language, price=price)
    return web.Response(text=page, content_type="text/html")


def widget_script() -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """`GET /chat/widget.js`: the script with its words' translations put in (every language: the
    page it lands on decides), so the widget needs no second request to speak Chinese."""
    path = STATIC / "widget.js"
    source = path.read_text(encoding="utf-8")
    messages = i18n.script_messages(path)
    catalogues = {lang: i18n.catalogue(lang, messages) for lang in i18n.LANGUAGES if lang != "en"}
    # JSON is a JavaScript literal; "</" cannot close anything in a script file, but stays escaped.
    literal = json.dumps(catalogues, ensure_ascii=False).replace("</", "<\\/")
    if PLACEHOLDER not in source:  # the widget would speak English only: say so at start, not never
        raise RuntimeError(f"widget.js has lost its {PLACEHOLDER!r}")
    text = source.replace(PLACEHOLDER, literal, 1)

    async def serve(_request: web.Request) -> web.StreamResponse:
        response = web.Response(text=text, content_type="text/javascript", charset="utf-8")
        response.headers["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE_S}"
        return response

    return serve


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    path = STATIC / name

    async def serve(_request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(path)
        response.content_type = content_type
        response.headers["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE_S}"
        return response

    return serve
