"""The embedded engine: a query on the graph's own pyoxigraph store, in this process or, with a deadline, in a child
process that is killed at the deadline or on Ctrl-C (:mod:`caregraph.query.limits`)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ..errors import CaregraphError, EndpointError, InputError, StorageError, shorten
from ..sparql import service_line
from .results import RESULTS_FORMATS, QueryResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the query command's path
if TYPE_CHECKING:
    from typing import NoReturn

    from ..graph import CareGraph
    from .limits import Failure


def select(store: ox.Store, text: str) -> ox.QuerySolutions:
    """The solutions of caregraph's own SELECT query ``text`` on ``store``, run here and now."""
    result = store.query(text)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {text[:80]!r}")
    return result


def refuse_service(where: str) -> InputError:
    """The error for a SERVICE clause (at ``where``) in a query run embedded without allowing it."""
    return InputError(
        f"{where}: SERVICE would send part of the query to another server over the network; "
        "embedded queries run offline unless --allow-service (allow_service=True) is given"
    )


def _classify(error: BaseException) -> str:
    """The failure kind (see :class:`caregraph.query.limits.Failure`) of an error the engine raised."""
    if isinstance(error, (SyntaxError, RuntimeError, ValueError, TypeError)):
        return "input"  # a query the engine cannot evaluate, e.g. an unsupported function
    if isinstance(error, OSError):
        return "storage"
    return "bug"


def _engine_error(error: BaseException, federated: bool) -> CaregraphError:
    """The one-line error for what the engine raised while evaluating a query in this process."""
    message = " ".join(str(error).split())
    if federated:  # the query itself was checked before it ran: what failed is the other endpoint
        return EndpointError(f"a SERVICE endpoint failed: {shorten(message)}")
    if isinstance(error, OSError):
        return StorageError(f"the graph's store could not be read: {shorten(message)}")
    return InputError(f"the query cannot be evaluated: {shorten(message)}")


def run_embedded(
    graph: CareGraph, text: str, *, timeout: float | None = None, allow_service: bool = False
) -> QueryResult:
    """Run query text on a :class:`caregraph.graph.CareGraph` (its pyoxigraph store).

    ``timeout`` (seconds; None: no limit) is a deadline for the whole query. With a deadline the query runs in a
    child process that is killed when the deadline passes or on Ctrl-C, under a memory ceiling
    (:mod:`caregraph.query.limits`), and :class:`caregraph.errors.QueryTimeout` is raised; without one it runs
    here. SERVICE clauses are refused (:class:`InputError`) unless ``allow_service``.
    """
    federated, timeout = _admitted(text, timeout, allow_service)
    if timeout is None:
        try:
            return QueryResult.from_oxigraph(graph.store.query(text))
        except (SyntaxError, RuntimeError, ValueError, TypeError, OSError) as error:
            raise _engine_error(error, federated) from None
    data = _in_child(graph, text, timeout, federated)
    if data[:1] == b"R":
        return QueryResult.from_oxigraph(ox.parse_query_results(data[1:], format=ox.QueryResultsFormat.JSON))
    return QueryResult("graph", triples=[q.triple for q in ox.parse(data[1:], format=ox.RdfFormat.N_TRIPLES)])


def stream_embedded(
    graph: CareGraph,
    text: str,
    fmt: str,
    deliver: Callable[[bytes], object],
    *,
    timeout: float | None = None,
    allow_service: bool = False,
) -> None:
    """Run SELECT or ASK query text as :func:`run_embedded` does, in a child process, handing its results in the
    W3C results format ``fmt`` (csv, tsv, json, xml) to ``deliver`` piece by piece as the engine produces them,
    never held whole."""
    federated, timeout = _admitted(text, timeout, allow_service)
    _in_child(graph, text, timeout, federated, (RESULTS_FORMATS[fmt], deliver))


def _admitted(text: str, timeout: float | None, allow_service: bool) -> tuple[bool, float | None]:
    """Whether query text is federated, and its deadline checked; SERVICE refused unless allowed."""
    from . import limits

    line = service_line(text)
    if line is not None and not allow_service:
        raise refuse_service(f"line {line} of the query")
    return line is not None, limits.checked_timeout(timeout)


def _in_child(
    graph: CareGraph,
    text: str,
    timeout: float | None,
    federated: bool,
    stream: tuple[ox.QueryResultsFormat, Callable[[bytes], object]] | None = None,
) -> bytes:
    """The query's answer, evaluated in a child process (:mod:`caregraph.query.limits`): ``R`` and SPARQL JSON,
    or ``G`` and N-Triples; or, given a ``stream`` (a format and where its bytes go), nothing."""
    from . import limits

    def work(sink) -> None:
        result = graph.store.query(text)
        if stream is not None and not isinstance(result, ox.QueryTriples):
            result.serialize(sink, format=stream[0])
            if sink.last != b"\n":
                sink.write(b"\n")  # a shell prompt should not follow on the same line
        elif isinstance(result, ox.QueryTriples):
            sink.write(b"G")
            result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
        else:
            sink.write(b"R")
            result.serialize(sink, format=ox.QueryResultsFormat.JSON)

    def evaluate() -> bytes:
        return limits.run_in_child(
            work,
            timeout=timeout,
            what="the query",
            classify=_classify,
            deliver=stream[1] if stream is not None else None,
        )

    try:
        return evaluate()
    except limits.Failure as failure:
        entry = getattr(graph, "cache_entry", None)
        if entry is None or federated or failure.kind not in ("storage", "crash"):
            _fail(failure, federated)
        # RocksDB reported an error, or the engine died: if the cached store is to blame, discard it (one line on
        # stderr) and run the query again on the graph rebuilt from the files.
        from ..cache import verified

        damage = failure.message if failure.kind == "storage" else verified(entry)
        if damage is None:
            _fail(failure, federated)
        graph.rebuild_after_damage(damage)
    try:
        return evaluate()
    except limits.Failure as failure:
        _fail(failure, federated)


def _fail(failure: Failure, federated: bool) -> NoReturn:
    from . import limits

    if federated and failure.kind in ("storage", "input"):  # the query itself was checked before it ran
        failure = limits.Failure("endpoint", f"a SERVICE endpoint failed: {failure.message}")
    limits.raise_failure(failure, what="the query")
