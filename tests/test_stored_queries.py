"""Every stored query in queries/: its header, its answer against the expected file, and three engines agreeing.

Adding a query means adding ``queries/<slug>.rq`` and its expected answer, read off the sources by a person, in
``tests/expected/<slug>.tsv`` (SELECT), ``.ttl`` (CONSTRUCT/DESCRIBE) or ``.txt`` (ASK); see queries/README.md.
Each expected file opens with ``#`` comment lines saying which words or data rows it follows. Answers are compared
by RDF value, in any order.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from caregraph.namespaces import CG, ONTOLOGY_IRI, PREFIXES, RDF, sparql_prologue
from caregraph.query import (LIBRARY_FIELDS, QueryResult, comparable, library, run_embedded, run_remote, stored,
                             to_term)

REPO = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).resolve().parent / "expected"
SLUGS = list(library(REPO / "queries"))
_EXTENSIONS = {"select": ".tsv", "graph": ".ttl", "ask": ".txt"}


def _query(slug):
    return stored(slug, REPO / "queries")


def read_expected(path: Path) -> QueryResult:
    """An expected answer file as a QueryResult (the cell syntax is SPARQL's, with caregraph's prefixes)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ttl":
        turtle = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + text
        return QueryResult("graph", triples=[q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)])
    # No cell can start with '#' (a cell is an IRI, prefixed name, literal or number), so such lines are comments.
    content = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if path.suffix == ".txt":
        assert content in (["true"], ["false"]), f"{path.name}: write true or false"
        return QueryResult("ask", boolean=content == ["true"])
    header, *lines = content
    variables = header.split("\t")
    assert all(v.startswith("?") for v in variables), f"{path.name}: the first line names the ?variables"
    rows = []
    for number, line in enumerate(lines, start=2):
        cells = line.split("\t")
        assert len(cells) == len(variables), f"{path.name}:{number}: {len(cells)} cells for {len(variables)} columns"
        rows.append("(" + " ".join(cell.strip() or "UNDEF" for cell in cells) + ")")
    values = f"SELECT * WHERE {{ VALUES ({' '.join(variables)}) {{ {' '.join(rows)} }} }}"
    return QueryResult.from_oxigraph(ox.Store().query(sparql_prologue() + values))


def _differences(actual: QueryResult, expected: QueryResult) -> str:
    if actual.kind != "select":
        return f"got {actual.table(width=200)}\nexpected {expected.table(width=200)}"
    if sorted(actual.variables) != sorted(expected.variables):
        return f"columns {actual.variables} != expected {expected.variables}"

    def rows(result):
        order = [result.variables.index(v) for v in sorted(result.variables)]
        return Counter(tuple(comparable(row[i]) for i in order) for row in result.rows)

    got, want = rows(actual), rows(expected)
    return (f"missing rows: {sorted((want - got).elements(), key=str)}\n"
            f"unexpected rows: {sorted((got - want).elements(), key=str)}")


@pytest.fixture(scope="module")
def rdflib_graph(graph):
    """The exported graph in rdflib, whose own SPARQL engine is the third opinion."""
    import rdflib

    from caregraph.export import serialize

    return rdflib.Graph().parse(data=serialize(graph, "nt"), format="nt")


def _rdflib_result(rdflib_graph, text: str) -> QueryResult:
    result = rdflib_graph.query(text)
    if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
        data = result.graph.serialize(format="nt", encoding="utf-8")
        return QueryResult("graph", triples=[q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])
    return QueryResult.from_oxigraph(ox.parse_query_results(result.serialize(format="json"),
                                                             format=ox.QueryResultsFormat.JSON))


def test_there_are_stored_queries():
    assert len(SLUGS) >= 8


def test_every_expected_file_belongs_to_a_query():
    orphans = [p.name for p in EXPECTED.iterdir() if p.stem not in SLUGS]
    assert not orphans, f"expected files without a query: {orphans}"


@pytest.mark.parametrize("slug", SLUGS)
def test_header_is_complete_and_sources_are_described(slug, graph):
    query = _query(slug)
    for key in LIBRARY_FIELDS:
        assert getattr(query, key), f"{slug}: no {key}"
    assert query.question.endswith("?"), f"{slug}: the question should be a question"
    for source in query.sources:
        iri = to_term("iri", source)
        if iri.value == ONTOLOGY_IRI:
            continue
        kinds = {q.object.value for q in graph.store.quads_for_pattern(iri, ox.NamedNode(RDF + "type"), None)}
        assert kinds & {CG + "SourceDocument", CG + "ReferenceDataset"}, (
            f"{slug}: source {source} is neither a cg:SourceDocument nor a cg:ReferenceDataset nor the ontology")


@pytest.mark.parametrize("slug", SLUGS)
def test_answer_matches_expected_file(slug, graph):
    query = _query(slug)
    path = EXPECTED / f"{slug}{_EXTENSIONS[query.form]}"
    assert path.exists(), f"{slug} has no expected answer: write {path.relative_to(REPO)} by reading the sources"
    actual = run_embedded(graph, query.bind())
    assert len(actual) > 0, f"{slug} returns nothing"
    expected = read_expected(path)
    assert actual.same_values(expected), _differences(actual, expected)


@pytest.mark.server
@pytest.mark.parametrize("slug", SLUGS)
def test_embedded_and_endpoint_agree(slug, graph, oxigraph_endpoint):
    query = _query(slug)
    embedded = run_embedded(graph, query.bind())
    remote = run_remote(oxigraph_endpoint, query.bind(), query.form)
    assert embedded.same_values(remote), _differences(remote, embedded)
    if query.form == "select":
        assert embedded.variables == remote.variables


@pytest.mark.parametrize("slug", SLUGS)
def test_rdflib_agrees_on_the_file_as_written(slug, graph, rdflib_graph):
    query = _query(slug)
    # The file exactly as stored, no prefixes added: it must run as-is in another engine.
    theirs = _rdflib_result(rdflib_graph, query.source)
    ours = run_embedded(graph, query.bind())
    assert ours.same_values(theirs), _differences(theirs, ours)
