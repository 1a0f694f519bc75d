"""Who says so: every quotation stands in its source, and every triple of data/ is attested by a source.

The first tests check the provenance functions on small inline graphs (they must catch a broken quotation and an
unattested triple); the rest check the shipped data with them.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from caregraph.graph import CareGraph, as_stored, parse_turtle, parse_turtle_text
from caregraph.namespaces import CGD, curie
from caregraph.provenance import normalise, unattested, verify_quotations
from caregraph.tables import render_table

SOURCES = ["source-000", "source-001", "source-002", "source-003", "source-004"]

PROLOGUE = """
@prefix cg:   <https://w3id.org/caregraph/def#> .
@prefix cgd:  <https://w3id.org/caregraph/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix time: <http://www.w3.org/2006/time#> .
"""


def _store(turtle: str) -> ox.Store:
    return CareGraph.from_triples(parse_turtle_text(PROLOGUE + turtle)).store


# --- the functions, on inline graphs ------------------------------------------------------------------------


def test_normalise_folds_typography_and_white_space():
    assert (
        normalise("They\u2019re \u201cshadow\u201d \u2013 ACSs\n\n  \u2022 Dorset") == 'They\'re "shadow" - ACSs Dorset'
    )


def test_verify_quotations_counts_true_words_and_reports_false_ones(tmp_path):
    (tmp_path / "x.txt").write_text("Eight areas of England have\nnow been \u2018identified\u2019.", encoding="utf-8")
    store = _store("""
        cgd:source-x a cg:SourceDocument ; cg:sourceFile "x.txt" .
        cgd:quote-true a cg:Quotation ; prov:wasQuotedFrom cgd:source-x ;
            prov:value "England have now been 'identified'" .
        cgd:quote-false a cg:Quotation ; prov:wasQuotedFrom cgd:source-x ; prov:value "Ten areas of England" .
        cgd:quote-orphan a cg:Quotation ; prov:value "Eight areas" .
    """)
    counts, problems = verify_quotations(store, tmp_path, tmp_path)
    assert counts == {CGD + "source-x": 1}
    assert {(curie(p.quotation), p.message) for p in problems} == {
        ("cgd:quote-false", "the words do not occur in x.txt"),
        ("cgd:quote-orphan", "the quotation names no source (prov:wasQuotedFrom)"),
    }


def test_unattested_lists_exactly_the_triples_without_a_source():
    turtle = """
        cgd:source-x a cg:SourceDocument ; cg:sourceFile "x.txt" .
        cgd:quote-x a cg:Quotation ; prov:wasQuotedFrom cgd:source-x ; prov:value "Dorset" .
        cgd:system-dorset rdfs:label "Dorset"@en ; rdfs:comment "said by nobody"@en .
        cgd:claim-x a cg:Claim ; rdf:subject cgd:system-dorset ; rdf:predicate rdfs:label ;
            rdf:object "Dorset"@en ; prov:wasDerivedFrom cgd:quote-x .
        cgd:designation-x a cg:Designation ; cg:designatedArea cgd:system-dorset ;
            time:hasTime cgd:month-2017-06 ; prov:wasDerivedFrom cgd:quote-x .
    """
    store = _store(turtle)
    everything = list(CareGraph.from_triples(parse_turtle_text(PROLOGUE + turtle)).triples())
    left = unattested(store, everything)
    assert [(curie(t.subject.value), curie(t.predicate.value), t.object.value) for t in left] == [
        ("cgd:system-dorset", "rdfs:comment", "said by nobody")
    ]


# --- the shipped data ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quotation_check(graph, project, sources_dir):
    return verify_quotations(graph.store, sources_dir, project.reference_dir)


@pytest.fixture(scope="module")
def data_triples(project):
    """Each file of data/ (relative path) with its triples."""
    return {project.relative(path): parse_turtle(path) for path in project.data_files()}


@pytest.mark.parametrize("source", SOURCES)
def test_every_quotation_of_a_source_occurs_in_its_text(quotation_check, source):
    counts, problems = quotation_check
    iri = CGD + source
    wrong = [f"{curie(p.quotation)}: {p.message}: {p.text!r}" for p in problems if p.source == iri]
    assert not wrong, "\n".join(wrong)
    assert counts.get(iri, 0) > 0, f"no quotation of {source} was verified"


def test_every_quotation_of_the_data_is_verified(quotation_check):
    counts, problems = quotation_check
    print()
    print(
        render_table(
            ["source", "verified quotations"],
            [(curie(source), n) for source, n in sorted(counts.items())] + [("total", sum(counts.values()))],
            title="Quotations per source",
        )
    )
    assert not problems, "\n".join(
        f"{curie(p.quotation)} ({curie(p.source) if p.source else '?'}): {p.message}" for p in problems
    )


def test_every_triple_of_the_data_is_attested(graph, data_triples):
    left = set(unattested(graph.store, [t for triples in data_triples.values() for t in triples]))
    missing = [
        f"{path}: {curie(t.subject.value)} {curie(t.predicate.value)} {t.object}"
        for path, triples in data_triples.items()
        for t in as_stored(triples)
        if t in left
    ]
    assert not missing, f"{len(missing)} triples of data/ have no claim, record or evidence:\n" + "\n".join(missing)


def test_the_data_has_no_blank_nodes(data_triples):
    blank = [
        f"{path}: {t}"
        for path, triples in data_triples.items()
        for t in triples
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
    ]
    assert not blank, "blank nodes in data/ (give every node an IRI):\n" + "\n".join(blank)
