"""``/.well-known/void``: the dataset described in VoID and DCAT (RFC 5785's well-known location for VoID).

The description is the CONSTRUCT query ``void.rq`` beside this module, run on the graph with this server's
``/sparql`` bound as the endpoint, so it states what the graph holds now; RDF formats are negotiated by ``Accept``.
"""

from __future__ import annotations

from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import Response

from ..query import Query, QueryResult
from .protocol import accepted_format
from .time_limit import run_within

DESCRIPTION_QUERY = Path(__file__).with_name("void.rq")


async def void(request: Request) -> Response:
    """GET /.well-known/void."""
    media_type, fmt = accepted_format(request, "graph")
    query = Query.from_file(DESCRIPTION_QUERY, display="caregraph/web/void.rq")
    text = query.bind({"endpoint": f"<{request.base_url}sparql>"})
    result = await run_within(request.app.state.graph, text, request.app.state.timeout)
    # Every solution of the query repeats the dataset's fixed triples; the description states each once.
    unique = QueryResult("graph", triples=list(dict.fromkeys(result.triples)))
    body = await anyio.to_thread.run_sync(unique.serialize, fmt)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
