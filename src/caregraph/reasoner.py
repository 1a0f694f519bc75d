"""OWL 2 RL reasoning: what the ontology's axioms entail, and whether the graph is consistent.

Materialisation uses ``reasonable``, a Rust OWL 2 RL reasoner (the one Brick uses): on caregraph's data it is
about twenty times faster than the pure-Python ``owlrl``. ``reasonable`` derives types but does not flag
inconsistencies, so :func:`inconsistencies` applies the OWL 2 RL rules that do — ``cax-dw`` (disjoint classes),
``cax-adc`` (all-disjoint classes) and membership of ``owl:Nothing`` — to the materialised graph.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .graph import select
from .namespaces import OWL, RDF, RDFS
from .rdflib_terms import to_oxigraph_term

_AXIOM_PREDICATES = {
    RDFS + "domain",
    RDFS + "range",
    RDFS + "subPropertyOf",
    OWL + "inverseOf",
    OWL + "equivalentProperty",
    OWL + "propertyChainAxiom",
}
_PROPERTY_CHARACTERISTICS = {
    OWL + c
    for c in (
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "TransitiveProperty",
        "SymmetricProperty",
        "AsymmetricProperty",
        "IrreflexiveProperty",
    )
}


def _split_by_relevance(triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(triples the OWL 2 RL rules can use, triples they cannot).

    A rule fires on an individual's statement only through an axiom about its predicate — a domain, a range, a
    super- or inverse property, a characteristic, a restriction on it. Statements whose predicate has none (labels,
    quotations' words, claims' rdf:subject …) entail nothing but themselves, so leaving them out of the reasoner
    changes nothing but its running time.
    """
    # The vocabulary of the axioms themselves (owl:* and these) always takes part.
    active = {RDF + "type", RDF + "first", RDF + "rest", RDFS + "subClassOf", *_AXIOM_PREDICATES}
    for t in triples:
        p = t.predicate.value
        if isinstance(t.subject, (ox.NamedNode, ox.BlankNode)) and (
            p in _AXIOM_PREDICATES
            or (
                p == RDF + "type" and isinstance(t.object, ox.NamedNode) and t.object.value in _PROPERTY_CHARACTERISTICS
            )
        ):
            active.add(t.subject.value)
        if p in (OWL + "onProperty", OWL + "inverseOf", OWL + "equivalentProperty") and isinstance(
            t.object, ox.NamedNode
        ):
            active.add(t.object.value)
    relevant: list[ox.Triple] = []
    inert: list[ox.Triple] = []
    for t in triples:
        p = t.predicate.value
        (relevant if p in active or p.startswith(OWL) else inert).append(t)
    return relevant, inert


def materialise(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples plus everything the OWL 2 RL rules entail from them."""
    import reasonable

    relevant, inert = _split_by_relevance(list(triples))
    handle, path = tempfile.mkstemp(suffix=".ttl")  # reasonable reads Turtle files; N-Triples is valid Turtle
    try:
        with os.fdopen(handle, "wb") as stream:
            ox.serialize(relevant, stream, format=ox.RdfFormat.N_TRIPLES)
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(path)
        entailed = reasoner.reason()
    finally:
        os.unlink(path)
    out = list(inert)
    for s, p, o in entailed:
        subject, predicate = to_oxigraph_term(s), to_oxigraph_term(p)
        # The rules also derive statements about literals, which RDF 1.1 cannot express as triples.
        if isinstance(subject, (ox.NamedNode, ox.BlankNode)) and isinstance(predicate, ox.NamedNode):
            out.append(ox.Triple(subject, predicate, to_oxigraph_term(o)))
    return out


@dataclass(frozen=True)
class Inconsistency:
    individual: str
    classes: tuple[str, ...]


def inconsistencies(triples: Iterable[ox.Triple]) -> list[Inconsistency]:
    """Individuals that a materialised graph puts in two disjoint classes, or in owl:Nothing."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    pairs = set()
    for s in select(store, f"SELECT ?a ?b WHERE {{ ?a <{OWL}disjointWith> ?b }}"):
        pairs.add(tuple(sorted((s["a"].value, s["b"].value))))
    for s in select(
        store,
        f"""
            SELECT ?a ?b WHERE {{
              ?axiom a <{OWL}AllDisjointClasses> ; <{OWL}members> ?list .
              ?list <{RDF}rest>*/<{RDF}first> ?a . ?list <{RDF}rest>*/<{RDF}first> ?b .
              FILTER(isIRI(?a) && isIRI(?b) && STR(?a) < STR(?b))
            }}""",
    ):
        pairs.add((s["a"].value, s["b"].value))
    found = []
    # One indexed lookup per pair: far cheaper than joining every individual's types with every pair.
    for a, b in sorted(pairs):
        for s in select(store, f"SELECT ?x WHERE {{ ?x a <{a}> , <{b}> }}"):
            found.append(Inconsistency(s["x"].value if isinstance(s["x"], ox.NamedNode) else str(s["x"]), (a, b)))
    for s in select(store, f"SELECT ?x WHERE {{ ?x a <{OWL}Nothing> }}"):
        found.append(Inconsistency(str(s["x"].value), (OWL + "Nothing",)))
    return sorted(found, key=lambda i: (i.individual, i.classes))
