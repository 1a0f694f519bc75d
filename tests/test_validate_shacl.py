"""caregraph.validate.shacl: pyshacl-turbo, the SHACL engine of the default validation, against pyshacl, the reference.

Results are compared as caregraph reads them from each engine's report: focus node, path, value, constraint
component, severity and shape (results about blank nodes are left out on both sides: rdflib renames them).
Whole-graph validation with both engines on the examples and synthetic data is in tests/test_validate.py, and on
the 10k synthetic graph with its injected defects in tests/test_bench.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*/*.ttl"))


def _findings(report_graph, shapes) -> list[tuple]:
    from caregraph.validate.shapes import _shape_results

    return sorted(
        (r.focus, r.path, r.value, r.component, r.severity, r.shape)
        for r in _shape_results(report_graph, shapes, {}, {}, None)
    )


def _both(data_graph, shapes) -> tuple[list[tuple], list[tuple]]:
    """(the engine's findings, pyshacl's findings)."""
    from caregraph.validate.shacl import run_shacl

    return (
        _findings(run_shacl(data_graph, shapes, fast=True)[1], shapes),
        _findings(run_shacl(data_graph, shapes)[1], shapes),
    )


def _from_the_store(store, shapes) -> list[tuple]:
    """The engine's findings with the store as its data, as whole-graph validation gives it."""
    from caregraph.validate.shacl import plain_strings, run_shacl, typed_strings

    return _findings(plain_strings(run_shacl(store, typed_strings(shapes), fast=True)[1]), shapes)


def test_the_engine_finds_what_pyshacl_finds_on_the_shipped_data(project, sample_graph):
    """The shapes the engine is given (all but the SPARQL rules, which run in the store) on the shipped data, its
    GP practices sampled (conftest): plain pyshacl takes minutes on the nation's practices, and their records are
    of a few kinds that the sample holds all of."""
    from caregraph.validate.shapes import _split_shapes, project_shapes

    core, _ = _split_shapes(project_shapes(project))
    found, reference = _both(sample_graph.to_rdflib(), core)
    assert found == reference
    assert _from_the_store(sample_graph.store, core) == reference


def test_the_engine_finds_what_pyshacl_finds_on_every_example(context_graph):
    """Every example record, valid and invalid, checked in context with each engine."""
    from caregraph.validate import validate_records

    def findings(engine):  # each reading of a file names its blank nodes anew
        blank = re.compile(r"_:\w+")
        return sorted(
            (
                r.file,
                blank.sub("_:b", r.focus),
                r.path,
                blank.sub("_:b", r.value),
                r.component,
                r.severity,
                r.shape,
                r.message,
            )
            for r in validate_records(EXAMPLES, context_graph, engine=engine).results
        )

    reference = findings("pyshacl")
    assert len({r[0] for r in reference}) == len(list((REPO / "examples" / "invalid").glob("*.ttl")))
    assert findings("fast") == reference


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:status ; sh:in ( "open" "closed"^^xsd:string ) ] ;
    sh:property [ sh:path ex:kind ; sh:hasValue "kind"^^xsd:string ] .
"""


@pytest.mark.parametrize("written", ['"{}"', '"{}"^^xsd:string'], ids=["plain", "xsd:string"])
def test_a_plain_literal_and_an_xsd_string_are_the_same_value(written, tmp_path):
    """RDF 1.1: "open" and "open"^^xsd:string are one literal, whichever way the data or the shapes write it.

    rdflib keeps them apart, and an engine reading the data from a store and the shapes from rdflib does too;
    the data and the shapes reach the engine converted alike (caregraph.rdflib_terms), or, with the data in a
    store, the shapes' plain literals typed as the store's are (caregraph.validate.shacl), so they compare equal.
    """
    from caregraph.graph import parse_turtle_text
    from caregraph.rdflib_terms import to_rdflib_graph
    from caregraph.validate import load_shapes

    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(SHAPES)
    shapes = load_shapes([shapes_file])
    lines = ["@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "@prefix ex: <http://example.org/> ."]
    for name, status in (("a", "open"), ("b", "closed"), ("c", "pending")):
        lines.append(f"ex:{name} a ex:Thing ; ex:status {written.format(status)} ; ex:kind {written.format('kind')} .")
    triples = parse_turtle_text("\n".join(lines))
    found, reference = _both(to_rdflib_graph(triples), shapes)
    assert found == reference
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    assert _from_the_store(store, shapes) == reference
    assert [(focus, component) for focus, _, _, component, _, _ in found] == [
        ("<http://example.org/c>", "sh:InConstraintComponent")
    ]


def test_shapes_the_engine_cannot_use_are_bad_input(tmp_path):
    from caregraph.errors import InputError
    from caregraph.rdflib_terms import to_rdflib_graph
    from caregraph.validate import load_shapes
    from caregraph.validate.shacl import run_shacl

    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/Shape> a sh:NodeShape ; sh:targetNode <http://example.org/a> ;
            sh:property [ sh:path <http://example.org/p> ; sh:minCount "many" ] .""")
    data = to_rdflib_graph(
        [ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("x"))]
    )
    with pytest.raises(InputError, match="the shapes cannot be used"):
        run_shacl(data, load_shapes([shapes_file]), fast=True)
