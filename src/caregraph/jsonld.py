"""JSON-LD as people and JSON tools read it: compacted with caregraph's prefixes as the ``@context``.

Each subject is one node object in ``@graph``; a predicate or class whose IRI starts with a prefix's namespace is
written ``prefix:name`` (``cg:Claim``, ``rdfs:label``), ``rdf:type`` is ``@type``, a plain string is a JSON
string and every other literal keeps its language or datatype. The context holds prefixes only (JSON-LD 1.1
reads a term that maps to an IRI ending in ``#`` or ``/`` as a prefix), so any JSON-LD processor expands the file
back to exactly the triples written. Subjects, predicates and values come in caregraph's canonical order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from .errors import InputError
from .namespaces import RDF, XSD

_RDF_TYPE = RDF + "type"
_XSD_STRING = XSD + "string"


def _compactor(prefixes: Mapping[str, str]):
    # The longest namespace first, so that cgd: is not written as a cg: name with a rest that starts wrongly.
    ordered = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def compact(iri: str) -> str:
        for prefix, namespace in ordered:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri

    return compact


def _node(term: ox.NamedNode | ox.BlankNode | ox.Triple, compact) -> str:
    if isinstance(term, ox.Triple):
        raise InputError(f"JSON-LD cannot write the quoted triple {term}; export it as Turtle or N-Triples")
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, compact) -> object:
    if not isinstance(term, ox.Literal):
        return {"@id": _node(term, compact)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def compacted(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> bytes:
    """``triples`` (in the order to keep) as a compacted JSON-LD document whose ``@context`` is ``prefixes``."""
    compact = _compactor(prefixes)
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        subject = _node(triple.subject, compact)
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == _RDF_TYPE and not isinstance(triple.object, ox.Literal):
            node.setdefault("@type", []).append(_node(triple.object, compact))
        else:
            node.setdefault(compact(triple.predicate.value), []).append(_value(triple.object, compact))
    for node in nodes.values():  # a single value is written alone, as JSON-LD compaction does
        for key, values in node.items():
            if isinstance(values, list) and len(values) == 1:
                node[key] = values[0]
    document = {"@context": dict(sorted(prefixes.items())), "@graph": list(nodes.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
