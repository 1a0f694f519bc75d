"""Queries on a SPARQL endpoint: a real Oxigraph server on loopback, and endpoints that fail.

The same bound query text goes to every engine, so a binding constrains the same place embedded, remote and in
rdflib — including where placement matters (BIND after the parameter, FILTER inside OPTIONAL), which is where
binding through an engine API differs between local and remote (rdflib issue #1772).
"""

from __future__ import annotations

import socket
import threading

import pyoxigraph as ox
import pytest
from conftest import free_port

from caregraph.errors import EndpointError
from caregraph.query import Query, QueryResult, run_embedded, run_remote

pytestmark = pytest.mark.server


def _three_ways(graph, endpoint, rdflib_graph, text: str, kind: str = "select") -> list[QueryResult]:
    embedded = run_embedded(graph, text)
    remote = run_remote(endpoint, text, kind)
    theirs = QueryResult.from_oxigraph(
        ox.parse_query_results(rdflib_graph.query(text).serialize(format="json"), format=ox.QueryResultsFormat.JSON)
    )
    return [embedded, remote, theirs]


def test_bind_after_the_parameter_sees_the_bound_value(graph, oxigraph_endpoint, rdflib_graph):
    query = Query.from_text("""\
#+ param: label string@en alliance -- a class's label
SELECT ?class ?copy WHERE {
  VALUES ?label { "alliance"@en }
  BIND(CONCAT("label: ", ?label) AS ?copy)
  ?class rdfs:label ?label .
}""")
    text = query.bind({"label": "integrated care system"})
    for result in _three_ways(graph, oxigraph_endpoint, rdflib_graph, text):
        assert result.records() == [
            {"class": "https://w3id.org/caregraph/def#IntegratedCareSystem", "copy": "label: integrated care system"}
        ]


def test_filter_inside_optional_sees_the_bound_value(graph, oxigraph_endpoint, rdflib_graph):
    query = Query.from_text("""\
#+ param: abbreviation string@en ACS -- an abbreviation
SELECT ?form ?matched WHERE {
  VALUES ?abbreviation { "ACS"@en }
  ?form rdfs:subClassOf cg:Partnership .
  OPTIONAL { ?form skos:altLabel ?matched FILTER(?matched = ?abbreviation) }
}""")
    text = query.bind({"abbreviation": "ICS"})
    results = _three_ways(graph, oxigraph_endpoint, rdflib_graph, text)
    for result in results:
        matched = [r["form"] for r in result.records() if r["matched"] is not None]
        assert matched == ["https://w3id.org/caregraph/def#IntegratedCareSystem"]
        assert len(result) == 7  # the seven kinds of partnership, matched or not
    assert results[0].same_values(results[1]) and results[0].same_values(results[2])


@pytest.mark.parametrize("value", ['" } ; DROP ALL ; #', "' } } SELECT * { ?s ?p ?o } #", "a\"b'c\\d\ne"])
def test_injection_attempts_are_literals_on_the_endpoint_too(value, graph, oxigraph_endpoint, run_cli):
    code, out, err = run_cli(
        "query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", oxigraph_endpoint
    )
    before = out
    query = Query.from_text('#+ param: name string x -- any text\nSELECT ?name WHERE { VALUES ?name { "x" } }')
    remote = run_remote(oxigraph_endpoint, query.bind({"name": value}), "select")
    assert remote.rows == [(ox.Literal(value),)]
    assert (
        run_cli("query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", oxigraph_endpoint)[1]
        == before
    )
    assert int(before.splitlines()[1]) == len(graph)


def test_cli_gives_the_same_csv_embedded_and_remote(run_cli, oxigraph_endpoint):
    embedded = run_cli("query", "definition-sources", "--param", "class=cg:Provider")
    remote = run_cli("query", "definition-sources", "--param", "class=cg:Provider", "--endpoint", oxigraph_endpoint)
    assert embedded[0] == remote[0] == 0
    assert embedded[1] == remote[1] and embedded[1].count("\n") > 5


def test_construct_and_ask_on_the_endpoint(run_cli, oxigraph_endpoint):
    code, out, _ = run_cli("query", "describe-term", "--endpoint", oxigraph_endpoint, "--format", "nt")
    assert code == 0 and len(out.splitlines()) == 7
    code, out, _ = run_cli(
        "query",
        "is-vocabulary-term",
        "--param",
        "term=org:Organization",
        "--endpoint",
        oxigraph_endpoint,
        "--format",
        "table",
    )
    assert (code, out) == (0, "false\n")


def test_unreachable_endpoint_is_exit_3_naming_the_url(run_cli):
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = run_cli("query", "concept-schemes", "--endpoint", url)
    assert code == 3 and out == ""
    assert f"cannot reach SPARQL endpoint {url}" in err


def test_an_endpoint_that_never_answers_times_out_with_exit_3(run_cli):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    accepted = []
    stop = threading.Event()

    def accept_and_say_nothing():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
    try:
        code, out, err = run_cli("query", "concept-schemes", "--endpoint", url, "--timeout", "0.5")
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        silent.close()
    assert code == 3 and out == ""
    assert f"SPARQL endpoint {url} did not answer within 0.5 s" in err


def test_an_endpoint_that_rejects_the_request_is_exit_3(oxigraph_endpoint, run_cli):
    url = oxigraph_endpoint.removesuffix("/query") + "/no-such-service"
    code, _, err = run_cli("query", "concept-schemes", "--endpoint", url)
    assert code == 3 and url in err


def test_an_endpoint_must_be_an_http_url(run_cli):
    code, _, err = run_cli("query", "concept-schemes", "--endpoint", "localhost:7878")
    assert code == 2 and "is not an http:// or https:// URL" in err


def test_endpoint_error_type():
    with pytest.raises(EndpointError):
        run_remote(f"http://127.0.0.1:{free_port()}/query", "ASK {}", "ask", timeout=2)


def test_a_timeout_must_be_positive(run_cli):
    code, _, err = run_cli("query", "concept-schemes", "--endpoint", "http://127.0.0.1:9/query", "--timeout", "0")
    assert code == 2 and "must be a positive number of seconds" in err
