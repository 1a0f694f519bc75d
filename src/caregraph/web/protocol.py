"""``/sparql``: the W3C SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/), query operation only.

A query comes as ``?query=`` (GET), as a form field (POST ``application/x-www-form-urlencoded``) or as the body
of a POST ``application/sparql-query``; caregraph's prefixes are predeclared, as on the command line. Results are
negotiated by ``Accept`` (:mod:`caregraph.web.negotiation`). The endpoint is read-only: an update, by the
``update`` field or an ``application/sparql-update`` body, is refused with 403, and update keywords in a query with
400; so is a SERVICE clause, which would have the server send requests elsewhere. Errors are answered as one line
of plain text; a syntax error names its line and column.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import anyio
from starlette.requests import Request
from starlette.responses import Response

from ..errors import CaregraphError, InputError
from ..query import Query, service_line
from . import negotiation
from .time_limit import run_within


class UpdateRefused(CaregraphError):
    """A SPARQL Update sent to the read-only endpoint (403)."""


class NotAcceptable(InputError):
    """The request accepts none of the media types a result can take (406)."""


class UnsupportedMediaType(InputError):
    """A POST body that is neither a form nor a SPARQL query (415)."""


class RequestTooLarge(InputError):
    """A request body larger than :data:`MAX_BODY_BYTES` (413)."""


MAX_BODY_BYTES = 1 << 20
"""The largest request body /sparql reads: 1 MiB, far more than any query, and a bound on what a client can make
the server hold."""


_READ_ONLY = (
    "this endpoint is read-only: SPARQL Update is refused; caregraph's data changes through its files (`caregraph add`)"
)


async def _query_text(request: Request) -> str:
    """The query a request carries, by any of the protocol's three ways."""
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request)
        if media_type == "application/sparql-update":
            raise UpdateRefused(_READ_ONLY)
        if media_type == "application/sparql-query":
            fields = parse_qs(request.url.query, keep_blank_values=True)
            fields["query"] = [_decoded(body), *fields.get("query", [])]
        elif media_type == "application/x-www-form-urlencoded":
            fields = parse_qs(_decoded(body), keep_blank_values=True)
        else:
            raise UnsupportedMediaType(
                f"a POST to /sparql is a form (application/x-www-form-urlencoded) or a query "
                f"(application/sparql-query), not {media_type or 'a body without a type'}"
            )
    else:
        fields = parse_qs(request.url.query, keep_blank_values=True)
    if "update" in fields:
        raise UpdateRefused(_READ_ONLY)
    for field in ("default-graph-uri", "named-graph-uri"):
        if field in fields:
            raise InputError(f"{field} is not supported: the graph is one default graph, with no named graphs")
    queries = fields.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise InputError(
            "give one SPARQL query, as ?query=… or a POST body; the query editor is at /"
            if not queries
            else "give exactly one non-empty query"
        )
    return queries[0]


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise RequestTooLarge(f"the request body is larger than {MAX_BODY_BYTES:,} bytes; a query is far smaller")
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the request body is not UTF-8") from None


def accepted_format(request: Request, form: str) -> tuple[str, str]:
    """The media type and caregraph format name of the result the request accepts, for a query of ``form``."""
    offers = negotiation.RDF if form == "graph" else negotiation.RESULTS
    media_type = negotiation.choose(request.headers.get("accept"), list(offers))
    if media_type is None:
        raise NotAcceptable(
            f"{'CONSTRUCT and DESCRIBE results' if form == 'graph' else 'query results'} can be "
            f"{', '.join(offers)}; the request accepts none of them"
        )
    return media_type, offers[media_type]


async def answer(request: Request, text: str, form: str) -> Response:
    """Run bound query text within the time limit and answer with its result in the negotiated format."""
    media_type, fmt = accepted_format(request, form)
    result = await run_within(request.app.state.graph, text, request.app.state.timeout)
    body = await anyio.to_thread.run_sync(result.serialize, fmt)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


async def sparql(request: Request) -> Response:
    """GET and POST /sparql."""
    text = await _query_text(request)
    line = service_line(text)
    if line is not None:  # refused before the syntax check, which would already follow it
        raise InputError(
            f"query:{line}: SERVICE is refused: this endpoint answers from its own graph and sends no request elsewhere"
        )
    query = Query.from_text(text, "query", parse_header=False)
    return await answer(request, query.text, query.form)
