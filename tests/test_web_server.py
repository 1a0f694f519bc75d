"""`caregraph serve` as a real uvicorn server on loopback: the same answers as the embedded engine and the command
line, through the clients researchers use (SPARQLWrapper, plain HTTP), and other requests served during a long one.
"""

from __future__ import annotations

import http.client
import select
import urllib.parse
import urllib.request

import pytest

from caregraph.query import library, run_embedded, run_remote, stored

pytestmark = pytest.mark.server

STORED = list(library())


def _get(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


@pytest.mark.parametrize("name", STORED)
def test_every_stored_query_through_sparqlwrapper_gives_the_embedded_rows(name, graph, caregraph_server):
    query = stored(name)
    text = query.bind()
    remote = run_remote(caregraph_server + "sparql", text, query.form)  # SPARQLWrapper, POST, by Accept
    embedded = run_embedded(graph, text)
    assert remote.same_values(embedded)
    assert len(remote) == len(embedded)


@pytest.mark.parametrize("name", STORED)
def test_every_stored_query_on_the_web_gives_the_command_lines_output(name, caregraph_server, run_cli):
    graph_form = stored(name).form == "graph"
    code, out, _ = run_cli("query", name, "--format", "turtle" if graph_form else "csv")
    body = _get(caregraph_server + f"queries/{name}", "text/turtle" if graph_form else "text/csv")
    assert code == 0 and body.decode() == out


def test_a_bound_parameter_on_the_web_gives_the_command_lines_output(caregraph_server, run_cli):
    code, out, _ = run_cli(
        "query", "partnership-of-ccg", "--param", "ccg=02N", "--param", "day=2018-06-30", "--format", "tsv"
    )
    query = urllib.parse.urlencode({"ccg": "02N", "day": "2018-06-30"})
    body = _get(caregraph_server + f"queries/partnership-of-ccg?{query}", "text/tab-separated-values")
    assert code == 0 and body.decode() == out and out.count("\n") >= 2


def test_other_requests_are_answered_while_a_long_query_runs(caregraph_server):
    """A query that takes seconds (every triple paired with every concept) runs in a worker thread: small queries
    sent after it are answered while its answer has not yet come."""
    slow = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?c a skos:Concept }"})
    address = urllib.parse.urlsplit(caregraph_server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    try:
        connection.request("GET", "/sparql?" + slow, headers={"Accept": "text/csv"})
        quick = [
            _get(
                caregraph_server + "sparql?query=ASK%7Bcg%3AIntegratedCareBoard%20a%20owl%3AClass%7D",
                "application/sparql-results+json",
            )
            for _ in range(3)
        ]
        readable, _, _ = select.select([connection.sock], [], [], 0)
        long_answer = connection.getresponse()
        body = long_answer.read()
    finally:
        connection.close()
    assert all(b'"boolean":true' in answer for answer in quick)
    assert not readable  # the long query's answer had not come when the small ones had
    assert long_answer.status == 200 and body.startswith(b"n\r\n")
