"""The terms the ontology declares, and the closest declared terms to a name it does not.

Used by `caregraph check` (undeclared terms in the graph, the shapes and the stored queries) and by the validator
(undeclared terms in new records): both ask the same question of the same declarations, so both answer it here.
A term is declared when the ontology types it as a class, property, concept or concept scheme, or gives it
rdfs:isDefinedBy (as every caregraph term and every reused term in ontology/external.ttl has). A namespace is
checked when the ontology declares any term of it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import BUILT_IN_NAMESPACES, CGD, CGSH, OWL, PREFIXES, RDF, RDFS, SKOS, curie

_PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property"}
_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_TERM_TYPES = {SKOS + "Concept", SKOS + "ConceptScheme"}


@dataclass
class Vocabulary:
    """The declared terms, by kind, and the namespaces whose terms must be declared."""

    kinds: dict[str, str]  # IRI → "class", "property" or "term"
    namespaces: tuple[str, ...]

    @classmethod
    def of(cls, store: ox.Store) -> "Vocabulary":
        graph, rdf_type = ox.DefaultGraph(), ox.NamedNode(RDF + "type")
        terms = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "isDefinedBy"), None, graph)}
        for kind in _CLASS_TYPES | _PROPERTY_TYPES | _TERM_TYPES:
            terms.update(q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(kind), graph))
        kinds: dict[str, str] = {}
        for term in terms:
            if isinstance(term, ox.NamedNode):
                types = {q.object.value for q in store.quads_for_pattern(term, rdf_type, None, graph)}
                kinds[term.value] = ("class" if types & _CLASS_TYPES else
                                     "property" if types & _PROPERTY_TYPES else "term")
        namespaces = tuple(ns for ns in PREFIXES.values()
                           if ns not in BUILT_IN_NAMESPACES and ns not in (CGD, CGSH)
                           and any(iri.startswith(ns) for iri in kinds))
        return cls(kinds, namespaces)

    def checks(self, iri: str) -> bool:
        """Whether ``iri`` names a term of a checked vocabulary (the vocabulary's own IRI names none)."""
        return iri.startswith(self.namespaces) and iri not in self.namespaces

    def declares(self, iri: str) -> bool:
        return iri in self.kinds

    def suggestions(self, iri: str, kind: str = "term") -> list[str]:
        """The closest declared terms (of ``kind``, or any): the best match, and any others about as close."""
        name = curie(iri)
        candidates = [curie(t) for t, k in self.kinds.items() if kind == "term" or k == kind]
        matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        scores = {m: difflib.SequenceMatcher(None, name, m).ratio() for m in matches}
        return [m for m in matches if scores[m] >= scores[matches[0]] - 0.05]
