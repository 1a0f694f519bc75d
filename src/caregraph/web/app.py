"""The web application: every route of ``caregraph serve`` in one list, over one read-only graph.

Handlers reach the graph as ``request.app.state.graph`` (a :class:`caregraph.graph.CareGraph`), the stored
queries' folder as ``request.app.state.queries_dir``, the time limit of a query in seconds as
``request.app.state.timeout`` and the Jinja2 templates as ``request.app.state.templates``.

Errors are :class:`caregraph.errors.CaregraphError`, answered as their one-line message in plain text with the
status that :data:`STATUS` gives their kind: the same messages the command line prints, "did you mean" included.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import CaregraphError, InputError, QueryTimeout, UnknownTermError
from . import catalogue, pages, protocol, void

HERE = Path(__file__).resolve().parent

STATUS: dict[type[CaregraphError], int] = {
    UnknownTermError: 404,
    protocol.UpdateRefused: 403,
    protocol.NotAcceptable: 406,
    protocol.UnsupportedMediaType: 415,
    protocol.RequestTooLarge: 413,
    QueryTimeout: 503,
    InputError: 400,
}
"""HTTP status of each kind of error, most specific first; any other CaregraphError is a 500."""


async def query_editor(request: Request) -> Response:
    """GET /: YASGUI on /sparql, with every stored query offered as an example that opens in a tab."""
    queries = catalogue.stored_queries(request)
    examples = [
        {"name": q.slug, "summary": q.summary, "question": q.question, "text": catalogue.editor_text(q)}
        for q in queries
    ]
    return request.app.state.templates.TemplateResponse(request, "yasgui.html", {"examples": examples})


def routes() -> list[BaseRoute]:
    """Every route of the application, in one place."""
    return [
        Route("/", query_editor, methods=["GET"], name="query-editor"),
        Route("/sparql", protocol.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/queries", catalogue.catalogue, methods=["GET"], name="queries"),
        Route("/queries/{name}", catalogue.run_stored, methods=["GET"], name="stored-query"),
        Route("/openapi.json", catalogue.openapi, methods=["GET"], name="openapi"),
        Route("/.well-known/void", void.void, methods=["GET"], name="void"),
        *pages.routes(),  # /id, /def, /sources; their stylesheet route precedes the /static mount
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


async def _error(request: Request, error: Exception) -> Response:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 500)
    hint = getattr(error, "hint", None)
    message = str(error) + (f"\nhint: {hint}" if hint else "")
    return PlainTextResponse(message + "\n", status_code=status)


def create_app(graph=None, *, timeout: float = 30.0, cors: str | None = None) -> Starlette:
    """The web application on ``graph`` (default: the project's graph, the cached store opened read-only).

    ``timeout`` is the time limit of one query in seconds; ``cors`` an origin (or ``*``) that browsers may call the
    API from, for pages served elsewhere.
    """
    if not timeout > 0:
        raise InputError(f"the time limit must be a positive number of seconds, not {timeout:g}")
    if graph is None:
        from ..graph import CareGraph

        graph = CareGraph.load()
    if graph.project is None:
        from ..project import Project

        queries_dir = Project.locate().queries_dir
    else:
        queries_dir = graph.project.queries_dir
    middleware = []
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[cors],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    app = Starlette(routes=routes(), middleware=middleware, exception_handlers={CaregraphError: _error})
    app.state.graph = graph
    app.state.timeout = timeout
    app.state.queries_dir = queries_dir
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    return app
