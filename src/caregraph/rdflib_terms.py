"""Crossing between pyoxigraph, which holds and queries the graph, and rdflib, which pyshacl and the reasoner
``reasonable`` take: one place for the conversion of terms and graphs. rdflib is imported only when called."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .namespaces import PREFIXES


def to_rdflib_term(term):
    """An oxigraph term as the equal rdflib term (None stays None)."""
    import rdflib

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_oxigraph_term(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal oxigraph term."""
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def to_rdflib_graph(triples: Iterable[ox.Triple]):
    """The triples as an ``rdflib.Graph`` with caregraph's prefixes (parsed from N-Triples: the fastest way in)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return graph
