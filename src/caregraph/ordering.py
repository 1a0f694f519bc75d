"""caregraph's canonical order of triples, which exports, generated files and query results share, so that two
writings of the same triples are byte-identical and a diff shows only real changes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .namespaces import RDF

_RDF_TYPE = RDF + "type"


def _triple_key(triple: ox.Triple) -> tuple[str, bool, str, str]:
    return (str(triple.subject), triple.predicate.value != _RDF_TYPE, str(triple.predicate), str(triple.object))


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples in caregraph's canonical order: by subject, ``rdf:type`` first, then by predicate and object."""
    return sorted(triples, key=_triple_key)
