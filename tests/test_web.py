"""The web application in-process (Starlette's TestClient): every route, content negotiation, errors, time limit.

Answers are compared with the embedded engine on the same text, or with the reference files (read with csv).
"""

from __future__ import annotations

import csv
import json

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from caregraph.query import Query, QueryResult, library, run_embedded, stored
from caregraph.web.app import create_app

FORMS = "SELECT ?form ?label WHERE { ?form rdfs:subClassOf cg:Partnership ; rdfs:label ?label }"
# A query that takes seconds on the graph (every triple paired with every concept): long past a tiny time limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?concept a skos:Concept }"
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def client(graph):
    with TestClient(create_app(graph)) as test_client:
        yield test_client


def _results(response) -> QueryResult:
    media_type = response.headers["content-type"].split(";")[0]
    return QueryResult.from_oxigraph(ox.parse_query_results(response.content, format=RESULT_TYPES[media_type]))


def _triples(response) -> QueryResult:
    media_type = response.headers["content-type"].split(";")[0]
    return QueryResult("graph", triples=[q.triple for q in ox.parse(response.content, format=RDF_TYPES[media_type])])


# --- /sparql -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", RESULT_TYPES)
def test_select_results_are_negotiated_and_hold_the_embedded_rows(client, graph, media_type):
    response = client.get("/sparql", params={"query": FORMS}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    expected = run_embedded(graph, Query.from_text(FORMS).text)
    assert len(expected) == 7  # the seven kinds of partnership
    if media_type == "text/csv":  # CSV results carry no term types: compare the text of each value
        rows = list(csv.DictReader(response.text.splitlines()))
        assert sorted((r["form"], r["label"]) for r in rows) == sorted(
            (r["form"], r["label"]) for r in expected.records()
        )
    else:
        assert _results(response).same_values(expected)


def test_without_accept_results_are_sparql_json(client):
    response = client.get("/sparql", params={"query": FORMS}, headers={"Accept": "*/*"})
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert json.loads(response.content)["head"]["vars"] == ["form", "label"]


def test_accept_quality_values_choose_the_format(client):
    accept = "application/sparql-results+json;q=0.5, text/tab-separated-values, text/csv;q=0.9"
    response = client.get("/sparql", params={"query": FORMS}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/tab-separated-values")


@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_construct_results_are_negotiated_rdf(client, graph, media_type):
    query = "CONSTRUCT { ?form rdfs:label ?label } WHERE { ?form rdfs:subClassOf cg:Partnership ; rdfs:label ?label }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    result = _triples(response)
    assert len(result) == 7 and result.same_values(run_embedded(graph, Query.from_text(query).text))


def test_ask_results(client):
    response = client.get("/sparql", params={"query": "ASK { cg:IntegratedCareBoard a owl:Class }"})
    assert json.loads(response.content) == {"head": {}, "boolean": True}


def test_a_post_form_and_a_query_body_answer_as_get_does(client):
    by_get = client.get("/sparql", params={"query": FORMS})
    by_form = client.post("/sparql", data={"query": FORMS})
    by_body = client.post("/sparql", content=FORMS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert _results(by_get).same_values(_results(by_form)) and _results(by_get).same_values(_results(by_body))


def test_caregraph_prefixes_are_predeclared_and_own_declarations_win(client):
    own = "PREFIX cg: <http://example.org/other#> ASK { cg:IntegratedCareBoard a owl:Class }"
    assert json.loads(client.get("/sparql", params={"query": own}).content)["boolean"] is False


def test_a_syntax_error_is_400_with_the_line_and_column(client):
    query = "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s rdfs:label ) .\n}"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    column = query.splitlines()[2].index(")") + 1
    assert response.text.startswith(f"query:3:{column}: ")
    assert len(response.text.strip().splitlines()) == 1


def test_an_unknown_prefix_is_400_and_says_so(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    assert response.status_code == 400 and "prefix" in response.text.lower()


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {"method": "POST", "content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "GET", "params": {"update": "CLEAR DEFAULT"}},
    ],
    ids=["form-update", "update-body", "get-update"],
)
def test_updates_are_refused_with_403(client, graph, request_kwargs):
    before = len(graph)
    method = request_kwargs.pop("method")
    response = client.request(method, "/sparql", **request_kwargs)
    assert response.status_code == 403 and "read-only" in response.text
    assert len(graph) == before


@pytest.mark.parametrize("update", ["INSERT DATA { cgd:x a cg:Footprint }", "DELETE WHERE { ?s ?p ?o }", "DROP ALL"])
def test_an_update_sent_as_a_query_is_refused_with_400(client, graph, update):
    before = len(graph)
    response = client.post("/sparql", data={"query": update})
    assert response.status_code == 400 and "SPARQL Update" in response.text
    assert len(graph) == before


def test_no_query_is_400_and_points_at_the_editor(client):
    response = client.get("/sparql")
    assert response.status_code == 400 and "/" in response.text and "query" in response.text


def test_named_graphs_are_refused_rather_than_ignored(client):
    response = client.get("/sparql", params={"query": FORMS, "default-graph-uri": "http://example.org/g"})
    assert response.status_code == 400 and "default-graph-uri" in response.text


def test_a_format_nobody_offers_is_406(client):
    response = client.get("/sparql", params={"query": FORMS}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/csv" in response.text


def test_a_post_of_another_media_type_is_415(client):
    response = client.post("/sparql", content=FORMS.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_a_query_past_the_time_limit_is_503_with_a_message(graph):
    with TestClient(create_app(graph, timeout=0.01)) as limited:
        response = limited.get("/sparql", params={"query": SLOW})
        assert response.status_code == 503
        assert "time limit of 0.01 s" in response.text
        limited.app.state.timeout = 60  # the stopped query holds nothing up: the next one is answered
        assert limited.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_the_time_limit_must_be_positive(graph):
    from caregraph.errors import InputError

    with pytest.raises(InputError, match="positive"):
        create_app(graph, timeout=0)


# --- stored queries ----------------------------------------------------------------------------------------------


def test_the_catalogue_lists_every_stored_query_as_html(client):
    response = client.get("/queries", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    for slug in library():
        assert f'href="http://testserver/queries/{slug}"' in response.text
        assert stored(slug).summary.replace("'", "&#39;") in response.text


def test_the_catalogue_as_json_names_each_query_and_its_parameters(client):
    response = client.get("/queries", headers={"Accept": "application/json"})
    entries = {entry["name"]: entry for entry in response.json()}
    assert sorted(entries) == sorted(library())
    scheme = entries["concepts-of-scheme"]
    declared = stored("concepts-of-scheme").parameters["scheme"]  # the file's '#+ param:' line
    assert scheme["parameters"] == [
        {"name": "scheme", "type": "iri", "default": declared.default, "description": declared.description}
    ]
    assert scheme["url"] == "http://testserver/queries/concepts-of-scheme"


def test_a_stored_query_with_a_parameter_gives_the_command_lines_csv(client, run_cli):
    code, out, _ = run_cli("query", "concepts-of-scheme", "--param", "scheme=cg:IntegrationScheme", "--format", "csv")
    response = client.get(
        "/queries/concepts-of-scheme", params={"scheme": "cg:IntegrationScheme"}, headers={"Accept": "text/csv"}
    )
    assert code == 0 and response.status_code == 200
    assert response.text.replace("\r\n", "\n") == out.replace("\r\n", "\n") and out.count("\n") > 2


def test_a_repeated_parameter_gives_one_values_row_each_as_on_the_command_line(client, run_cli):
    code, out, _ = run_cli(
        "query", "kinds-of", "--param", "class=cg:Provider", "--param", "class=cg:Commissioner", "--format", "tsv"
    )
    response = client.get(
        "/queries/kinds-of?class=cg:Provider&class=cg:Commissioner", headers={"Accept": "text/tab-separated-values"}
    )
    assert code == 0 and response.text == out


def test_an_unknown_stored_query_is_404_with_did_you_mean(client):
    response = client.get("/queries/first-wave-by-sorce")
    assert response.status_code == 404
    assert "did you mean 'first-wave-by-source'" in response.text


def test_an_undeclared_parameter_is_400_with_did_you_mean(client):
    response = client.get("/queries/concepts-of-scheme", params={"schema": "cg:IntegrationScheme"})
    assert response.status_code == 400 and "did you mean 'scheme'" in response.text


@pytest.mark.parametrize("value", ['cg:X" } ; DROP ALL ; #', "not an iri at all"])
def test_a_parameter_value_that_is_not_of_its_type_is_400(client, value):
    response = client.get("/queries/concepts-of-scheme", params={"scheme": value})
    assert response.status_code == 400 and "takes an IRI" in response.text


def test_openapi_describes_every_stored_query_with_its_parameters(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/sparql", *(f"/queries/{slug}" for slug in library())} == set(document["paths"])
    operation = document["paths"]["/queries/partnership-of-ccg"]["get"]
    query = stored("partnership-of-ccg")
    assert operation["summary"] == query.summary and operation["operationId"] == "partnership-of-ccg"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == set(query.parameters)
    for name, declared in query.parameters.items():
        if declared.default != "UNDEF":
            assert str(parameters[name]["schema"]["items"]["default"]) == declared.default


# --- the editor, the dataset description, CORS -------------------------------------------------------------------


def test_the_editor_offers_every_stored_query_from_files_served_here(client):
    response = client.get("/")
    assert response.status_code == 200
    for slug in library():
        assert f'data-name="{slug}"' in response.text
    assert 'src="http://testserver/static/yasgui/yasgui.min.js"' in response.text
    assert "//cdn" not in response.text and "unpkg" not in response.text
    script = client.get("/static/yasgui/yasgui.min.js")
    assert script.status_code == 200 and b"Yasgui" in script.content
    assert client.get("/static/yasgui/LICENSE").text.startswith("The MIT License")


def test_the_dataset_description_counts_the_graph_and_names_its_sources(client, graph, project):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    description = ox.Store()
    description.load(response.content, format=ox.RdfFormat.TURTLE)

    def values(predicate: str) -> list:
        return [
            q.object
            for q in description.quads_for_pattern(
                ox.NamedNode("https://w3id.org/caregraph/id/dataset"), ox.NamedNode(predicate), None
            )
        ]

    void, dcterms = "http://rdfs.org/ns/void#", "http://purl.org/dc/terms/"
    assert values(void + "triples") == [
        ox.Literal(str(len(graph)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    ]
    assert values(dcterms + "license") == [ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")]
    assert values(void + "sparqlEndpoint") == [ox.NamedNode("http://testserver/sparql")]
    sources = {s.value.rsplit("/", 1)[1] for s in values(dcterms + "source")}
    texts = {path.name[:3] for path in project.sources_dir().glob("[0-9][0-9][0-9]_*.txt")}
    assert {f"source-{number}" for number in texts} <= sources
    # the ICB partition counts the boards of the RCPCH file, one row each
    with open(
        project.reference_dir / "extracted__rcpch__rcpch-nhs-organisations__integrated_care_boards.csv", newline=""
    ) as handle:
        boards = len(list(csv.DictReader(handle)))
    [partition] = [
        q.subject
        for q in description.quads_for_pattern(
            None, ox.NamedNode(void + "class"), ox.NamedNode("https://w3id.org/caregraph/def#IntegratedCareBoard")
        )
    ]
    counts = [q.object.value for q in description.quads_for_pattern(partition, ox.NamedNode(void + "entities"), None)]
    assert counts == [str(boards)]


def test_cors_is_off_unless_an_origin_is_given(graph, client):
    headers = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    assert (
        "access-control-allow-origin" not in client.get("/queries", headers={"Origin": "https://example.org"}).headers
    )
    with TestClient(create_app(graph, cors="https://example.org")) as open_client:
        preflight = open_client.options("/sparql", headers=headers)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://example.org"
        other = open_client.options("/sparql", headers={**headers, "Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_a_bound_stored_query_runs_on_the_endpoint_its_header_lines_read_as_comments(client, graph):
    text = stored("concepts-of-scheme").bind({"scheme": "cg:IntegrationScheme"})  # a PREFIX line, then '#+' lines
    response = client.post("/sparql", data={"query": text})
    assert response.status_code == 200 and _results(response).same_values(run_embedded(graph, text))


@pytest.mark.parametrize("name", list(library()))
def test_the_editor_gets_each_stored_query_as_sparql_that_needs_no_predeclared_prefix(name):
    from caregraph.web.catalogue import editor_text

    text = editor_text(stored(name))
    ox.Store().query(text)  # a prefix left undeclared would be a SyntaxError
    assert text.endswith(stored(name).source)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE {\n  ?s a cg:Footprint .\n  service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    ],
)
def test_a_federated_query_is_refused_before_it_runs(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.text.startswith(f"query:{query[: query.lower().index('service')].count(chr(10)) + 1}: SERVICE")


def test_service_in_a_string_a_variable_or_a_comment_is_no_service_clause(client):
    query = 'SELECT ?service WHERE { BIND("SERVICE <x> {}" AS ?service) } # SERVICE'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200 and "SERVICE <x> {}" in response.text


def test_a_query_body_and_a_query_field_together_are_refused(client):
    response = client.post(
        "/sparql?query=ASK%7B%7D", content=FORMS.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400 and "exactly one" in response.text


def test_a_body_past_the_limit_is_413_before_it_is_read_whole(client):
    from caregraph.web.protocol import MAX_BODY_BYTES

    padding = "#" * MAX_BODY_BYTES
    response = client.post(
        "/sparql", content=(padding + "\nASK {}").encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert (
        client.post(
            "/sparql", content=("#" * 1000 + "\nASK {}").encode(), headers={"Content-Type": "application/sparql-query"}
        ).status_code
        == 200
    )
