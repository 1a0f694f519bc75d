"""Crossing between pyoxigraph, which holds and queries the graph, and rdflib, which pyshacl and the reasoner
``reasonable`` take: one place for the conversion of terms and graphs. rdflib is imported only when called."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .namespaces import PREFIXES, XSD

_XSD_STRING = XSD + "string"


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
    """The triples as an ``rdflib.Graph`` with caregraph's prefixes.

    Terms are made directly, each once (twice as fast as parsing an N-Triples dump), and as that parse made them:
    an ``xsd:string`` literal without its datatype, so that the data and the shapes, converted alike, hold a plain
    literal and an ``xsd:string`` one as the same term (rdflib tells them apart; RDF 1.1 does not).
    """
    import rdflib

    made: dict = {}

    def term(node):
        found = made.get(node)
        if found is None:
            if isinstance(node, ox.Literal) and not node.language and node.datatype.value == _XSD_STRING:
                found = rdflib.Literal(node.value)
            else:
                found = to_rdflib_term(node)
            made[node] = found
        return found

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.addN((term(s), term(p), term(o), graph) for s, p, o in triples)
    return graph
