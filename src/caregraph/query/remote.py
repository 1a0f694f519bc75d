"""A query on any SPARQL 1.1 endpoint, through SPARQLWrapper, within a deadline for the whole request; the answer
read back into the same :class:`~caregraph.query.QueryResult` as the embedded engine's."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..errors import EndpointError, InputError, QueryTimeout, shorten, unreachable
from .limits import DEFAULT_TIMEOUT
from .results import QueryResult


def run_remote(url: str, text: str, kind: str, timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Run query text on the SPARQL 1.1 endpoint at ``url`` through SPARQLWrapper; failures are EndpointError.

    ``timeout`` (seconds; None: no limit) is a deadline for the whole request — connecting, sending, and reading
    the answer however slowly the server sends it — not for each read: the request runs in a child process that
    is killed when the deadline passes (:mod:`caregraph.query.limits`), raising QueryTimeout.
    """
    from . import limits

    if not re.match(r"https?://[^/\s]+", url):
        raise InputError(f"endpoint {shorten(url)!r} is not an http:// or https:// URL")
    timeout = limits.checked_timeout(timeout)
    if timeout is None:
        body, media_type = _fetch(url, text, kind, None)
    else:

        def work(sink) -> None:
            answer, answer_type = _fetch(url, text, kind, timeout)
            sink.write(answer_type.encode("utf-8", "replace") + b"\n")
            sink.write(answer)

        try:
            data = limits.run_in_child(
                work, timeout=timeout, what=f"the request to {url}", classify=lambda error: "endpoint"
            )
        except limits.Failure as failure:
            limits.raise_failure(failure, what=f"the request to {url}")
        except QueryTimeout:
            raise QueryTimeout(
                f"SPARQL endpoint {url} did not answer within {timeout:g} s, the deadline for the "
                "whole request; give a longer --timeout if it needs more"
            ) from None
        head, _, body = data.partition(b"\n")
        media_type = head.decode("utf-8", "replace")
    from .portability import normalise

    try:
        if kind == "graph":
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return normalise(QueryResult("graph", triples=[q.triple for q in ox.parse(body, format=rdf_format)]), kind)
        results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
        # normalise(): a store's known deviations from the standard (Virtuoso's ASK and booleans), undone
        return normalise(QueryResult.from_oxigraph(ox.parse_query_results(body, format=results_format)), kind)
    except (SyntaxError, ValueError) as error:
        raise EndpointError(
            f"SPARQL endpoint {url} sent an answer that is not SPARQL results "
            f"({media_type or 'no content type'}): {shorten(str(error))}"
        ) from None


def _fetch(url: str, text: str, kind: str, timeout: float | None) -> tuple[bytes, str]:
    """The endpoint's answer to the query and its media type; every failure an EndpointError."""
    import http.client
    import urllib.error

    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    wrapper = SPARQLWrapper(url)
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the query form with a regular expression that comments can fool; we know it.
    wrapper.queryType = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT"}[kind]
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)
    wrapper.setReturnFormat(TURTLE if kind == "graph" else JSON)
    # Each socket operation may take the whole deadline; the deadline itself is kept by run_remote's child process.
    # (setTimeout() truncates to whole seconds, and 0 would mean no timeout at all.)
    # SPARQLWrapper's stub says int, but the value goes to urllib's urlopen, which takes float seconds.
    wrapper.timeout = timeout  # type: ignore[assignment]
    try:
        response = wrapper.query().response
        body = response.read()
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    except SPARQLWrapperException as error:
        detail = " ".join(str(error).split())
        raise EndpointError(f"SPARQL endpoint {url} refused the query: {shorten(detail, 300)}") from None
    except urllib.error.HTTPError as error:
        raise EndpointError(f"SPARQL endpoint {url} answered HTTP {error.code} {error.reason}") from None
    except (OSError, http.client.HTTPException) as error:  # URLError and TimeoutError are OSErrors
        raise unreachable(f"SPARQL endpoint {url}", error, timeout) from None
    return body, media_type
