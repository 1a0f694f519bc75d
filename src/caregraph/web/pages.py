"""The browsable graph: a page for every entity (``/id/X``), term (``/def/T``) and source (``/sources/X``).

The IRIs ``https://w3id.org/caregraph/id/X`` and ``https://w3id.org/caregraph/def#T`` map to ``/id/X`` and
``/def/T``, so the same pages can be published at the w3id base. ``/id/X`` answers ``Accept: text/turtle`` or
``application/ld+json`` with the entity's description instead of HTML. Handlers reach the graph through
``request.app.state.graph`` and never write; they are plain functions, which Starlette runs in its thread pool, so
a slow page does not hold up other requests.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Route

from ..namespaces import CGD
from . import describe
from .render import STYLESHEET, NotFound, Site

RDF_MEDIA_TYPES = ("text/turtle", "application/ld+json")
"""What ``/id/X`` answers besides HTML, chosen by the request's Accept header."""


def routes() -> list[BaseRoute]:
    """The page routes, to mount in the caregraph web application beside /sparql and the query UI."""
    return [
        Route("/id/{local}", entity_page, methods=["GET", "HEAD"]),
        Route("/def", vocabulary_page, methods=["GET", "HEAD"]),
        Route("/def/{term}", term_page, methods=["GET", "HEAD"]),
        Route("/sources", sources_page, methods=["GET", "HEAD"]),
        Route("/sources/{local}", source_page, methods=["GET", "HEAD"]),
        Route("/static/pages.css", stylesheet, methods=["GET", "HEAD"]),
    ]


def site(request: Request) -> Site:
    """The renderer of the app's graph, made once and kept beside it (it caches labels and names)."""
    state = request.app.state
    current = getattr(state, "pages_site", None)
    if current is None or current.graph is not state.graph:
        current = state.pages_site = Site(state.graph)
    return current


def preferred(accept: str, offered: tuple[str, ...]) -> str | None:
    """The media type of ``offered`` that an Accept header ranks highest (None when it accepts none of them).

    The most specific range that matches an offer decides its quality; ties go to the earlier offer, so a
    browser, which accepts ``*/*`` with HTML, and ``curl``, which sends ``*/*``, get HTML.
    """
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media_type, *parameters = [field.strip() for field in part.split(";")]
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges[media_type.lower()] = max(quality, ranges.get(media_type.lower(), 0.0))

    def quality_of(offer: str) -> float:
        for pattern in (offer, offer.split("/")[0] + "/*", "*/*"):
            if pattern in ranges:
                return ranges[pattern]
        return 0.0

    best = max(offered, key=lambda offer: (quality_of(offer), -offered.index(offer)))
    return best if quality_of(best) > 0 else None


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"page must be a whole number from 1, not {text!r}")
    return int(text)


def _html(render, request: Request) -> Response:
    try:
        return HTMLResponse(render())
    except NotFound as error:
        return HTMLResponse(site(request).render_not_found(error), status_code=404)
    except ValueError as error:
        return PlainTextResponse(f"{error}\n", status_code=400)


def entity_page(request: Request) -> Response:
    local = request.path_params["local"]
    pages = site(request)
    iri = CGD + local
    chosen = preferred(request.headers.get("accept", "text/html"), ("text/html", *RDF_MEDIA_TYPES))
    if chosen in RDF_MEDIA_TYPES:
        if not describe.exists(pages.graph, iri):
            error = pages.not_found("entity", CGD, local)
            close = " or ".join(name for _, name in error.suggestions[:3])
            return PlainTextResponse(
                f"no entity {local!r}" + (f"; did you mean {close}?" if close else "") + "\n", status_code=404
            )
        return Response(describe.entity_turtle(pages.graph, iri, chosen), media_type=chosen, headers={"Vary": "Accept"})
    if iri in pages.source_iris:
        return RedirectResponse(pages.href(iri), status_code=303)
    response = _html(lambda: pages.entity(local, _page_number(request)), request)
    response.headers["Vary"] = "Accept"
    return response


def vocabulary_page(request: Request) -> Response:
    return _html(lambda: site(request).vocabulary(), request)


def term_page(request: Request) -> Response:
    return _html(lambda: site(request).term(request.path_params["term"]), request)


def sources_page(request: Request) -> Response:
    return _html(lambda: site(request).source_index(), request)


def source_page(request: Request) -> Response:
    return _html(lambda: site(request).source(request.path_params["local"], _page_number(request)), request)


def stylesheet(request: Request) -> Response:
    return Response(STYLESHEET.read_bytes(), media_type="text/css")
