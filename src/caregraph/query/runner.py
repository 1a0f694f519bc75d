"""One call for every query: :func:`run` a stored query, a file or SPARQL text, with its parameters bound, on the
embedded graph or an endpoint; :func:`stream` writes an embedded SELECT or ASK answer as it comes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .embedded import refuse_service, run_embedded, stream_embedded
from .library import resolve
from .limits import DEFAULT_TIMEOUT
from .prepared import Query
from .remote import run_remote
from .results import QueryResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the query command's path
if TYPE_CHECKING:
    from ..graph import CareGraph

Values = Mapping[str, str | Sequence[str]]
"""Parameter values by name: one text, or a sequence of them (one VALUES row each)."""


def run(
    query: str | Path | Query,
    params: Values | None = None,
    *,
    graph: CareGraph | None = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
) -> QueryResult:
    """Run a stored query (by name), a ``.rq`` file or SPARQL text, with ``params`` bound, and return the result.

    Runs on ``endpoint`` (any SPARQL 1.1 endpoint) when given, else on ``graph`` (default: the caregraph graph,
    loaded from the cache)::

        from caregraph.query import run
        result = run("concepts-of-scheme", {"scheme": "cg:IntegrationScheme"})
        rows = result.records()          # list of dicts; pandas.DataFrame(rows) if you have pandas

    ``timeout`` is a deadline in seconds for the whole query (None: no limit). When it passes, the query's work
    is stopped — embedded queries and requests run in a child process that is killed — and
    :class:`caregraph.errors.QueryTimeout` (exit code 3 on the command line) is raised. An embedded query with a
    deadline also runs under a memory ceiling (:data:`caregraph.query.limits.MEMORY_BUDGET`). SERVICE clauses,
    which would reach other servers over the network, are refused in embedded queries unless ``allow_service``.
    """
    prepared = resolve(query)
    if endpoint:
        return run_remote(endpoint, prepared.bind(params), prepared.form, timeout)
    graph, text = _embedded(prepared, params, graph, allow_service)
    return run_embedded(graph, text, timeout=timeout, allow_service=allow_service)


def stream(
    query: str | Path | Query,
    params: Values | None,
    fmt: str,
    deliver: Callable[[bytes], object],
    *,
    graph: CareGraph | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
) -> None:
    """Run a SELECT or ASK query as :func:`run` does, on the embedded graph, handing its answer in the W3C results
    format ``fmt`` (csv, tsv, json or xml) to ``deliver`` piece by piece as the engine produces it, never held
    whole: an answer of any size in constant memory."""
    graph, text = _embedded(resolve(query), params, graph, allow_service)
    stream_embedded(graph, text, fmt, deliver, timeout=timeout, allow_service=allow_service)


def _embedded(
    prepared: Query, params: Values | None, graph: CareGraph | None, allow_service: bool
) -> tuple[CareGraph, str]:
    """The graph to run ``prepared`` on and its text with ``params`` bound (codes resolved in that graph); a SERVICE
    clause refused, unless allowed, before the graph is loaded."""
    if prepared.service_line is not None and not allow_service:
        raise refuse_service(f"{prepared.display}:{prepared.service_line}")
    if graph is None:
        from ..graph import load

        graph = load()
    from .codes import resolve as resolve_codes

    return graph, prepared.bind(resolve_codes(prepared, params, graph.store))
