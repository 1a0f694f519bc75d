"""The terms the ontology declares, and the closest declared terms to a name it does not.

Used by `caregraph check` (undeclared terms in the graph, the shapes and the stored queries) and by the validator
(undeclared terms in new records): both ask the same question of the same declarations, so both answer it here.
A term is declared when the ontology types it as a class, property, concept or concept scheme, or gives it
rdfs:isDefinedBy (as every caregraph term and every reused term in ontology/external.ttl has). A namespace is
checked when the ontology declares any term of it; the terms of RDF, RDFS, OWL and XSD, which every graph uses,
are checked against the lists rdflib keeps of them. An IRI one scheme or one separator away from a checked
namespace (``http://`` for ``https://``, ``/`` for ``#``) is a misspelt term of it, and a property or class from a
vocabulary caregraph does not use at all is undeclared too: nothing would check what it says.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from .graph import select
from .namespaces import BUILT_IN_NAMESPACES, CGD, CGSH, OWL, PREFIXES, RDF, RDFS, SH, SKOS, curie

_PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property"}
_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_TERM_TYPES = {SKOS + "Concept", SKOS + "ConceptScheme"}


@dataclass
class Vocabulary:
    """The declared terms, by kind, and the namespaces whose terms must be declared."""

    kinds: dict[str, str]  # IRI → "class", "property" or "term"
    namespaces: tuple[str, ...]

    @classmethod
    def of(cls, store: ox.Store) -> Vocabulary:
        graph, rdf_type = ox.DefaultGraph(), ox.NamedNode(RDF + "type")
        terms = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "isDefinedBy"), None, graph)}
        for kind in _CLASS_TYPES | _PROPERTY_TYPES | _TERM_TYPES:
            terms.update(q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(kind), graph))
        kinds: dict[str, str] = {}
        for term in terms:
            if isinstance(term, ox.NamedNode):
                types = {
                    q.object.value
                    for q in store.quads_for_pattern(term, rdf_type, None, graph)
                    if isinstance(q.object, ox.NamedNode)
                }
                kinds[term.value] = (
                    "class" if types & _CLASS_TYPES else "property" if types & _PROPERTY_TYPES else "term"
                )
        namespaces = tuple(
            ns
            for ns in PREFIXES.values()
            if ns not in BUILT_IN_NAMESPACES and ns not in (CGD, CGSH) and any(iri.startswith(ns) for iri in kinds)
        )
        return cls(kinds, namespaces)

    def checks(self, iri: str) -> bool:
        """Whether ``iri`` names a term of a checked vocabulary (the vocabulary's own IRI names none)."""
        return iri.startswith(self.namespaces + _STANDARD) and iri not in self.namespaces + _STANDARD

    def declares(self, iri: str) -> bool:
        if iri.startswith(_STANDARD):
            namespace = next(ns for ns in _STANDARD if iri.startswith(ns))
            return iri[len(namespace) :] in _standard_terms()[namespace] or iri in self.kinds
        return iri in self.kinds

    def undeclared(self, iri: str, kind: str = "term") -> list[str] | None:
        """None when ``iri`` may be used as a ``kind`` ("class", "property" or any "term"); else the declared
        terms it was probably meant to be (possibly none).

        A term outside every checked vocabulary is accepted as a value ("term": an ONS geography, a web page)
        but not as a property or class, unless it is a near miss of a checked vocabulary's term.
        """
        if self.checks(iri):
            return None if self.declares(iri) else self.suggestions(iri, kind)
        for variant in _variants(iri):
            if self.checks(variant) and (self.declares(variant) or kind != "term"):
                return [curie(variant)] if self.declares(variant) else self.suggestions(variant, kind)
        if kind == "term" or iri.startswith((SH, CGD, CGSH)):
            return None
        return []

    def suggestions(self, iri: str, kind: str = "term") -> list[str]:
        """The closest declared terms (of ``kind``, or any): the best match, and any others about as close."""
        name = curie(iri)
        standard = next((ns for ns in _STANDARD if iri.startswith(ns)), None)
        if standard is not None:
            candidates = [curie(standard + t) for t in _standard_terms()[standard]]
        else:
            candidates = [curie(t) for t, k in self.kinds.items() if kind == "term" or k == kind]
        matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        scores = {m: difflib.SequenceMatcher(None, name, m).ratio() for m in matches}
        return [m for m in matches if scores[m] >= scores[matches[0]] - 0.05]


# RDF, RDFS, OWL and XSD: their terms are rdflib's lists (SHACL's own terms are for shapes, not for records).
def terms_used(store: ox.Store) -> list[ox.NamedNode]:
    """Every IRI that ``store`` uses in any position: what the rule that terms are declared reads, for `check`
    and `validate` alike."""
    rows = select(
        store, "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } FILTER(isIRI(?t)) }"
    )
    return [row["t"] for row in rows if isinstance(row["t"], ox.NamedNode)]


_STANDARD = tuple(ns for ns in BUILT_IN_NAMESPACES if ns != SH)
_STANDARD_TERMS: dict[str, frozenset[str]] = {}


def _standard_terms() -> dict[str, frozenset[str]]:
    if not _STANDARD_TERMS:
        from rdflib.namespace import OWL as RDFLIB_OWL, RDF as RDFLIB_RDF, RDFS as RDFLIB_RDFS, XSD as RDFLIB_XSD

        for namespace in (RDFLIB_RDF, RDFLIB_RDFS, RDFLIB_OWL, RDFLIB_XSD):
            _STANDARD_TERMS[str(namespace._NS)] = frozenset(
                set(namespace.__annotations__) | set(getattr(namespace, "_extras", ()))
            )
    return _STANDARD_TERMS


def _variants(iri: str) -> list[str]:
    """``iri`` with its scheme swapped (http/https) and its last separator swapped (/ and #): the usual slips."""
    schemes = [iri]
    if iri.startswith("http://"):
        schemes.append("https://" + iri[len("http://") :])
    elif iri.startswith("https://"):
        schemes.append("http://" + iri[len("https://") :])
    out = []
    for candidate in schemes:
        cut = max(candidate.rfind("/"), candidate.rfind("#"))
        if cut > len("https://"):
            other = "#" if candidate[cut] == "/" else "/"
            out.append(candidate[:cut] + other + candidate[cut + 1 :])
    return [v for v in schemes[1:] + out if v != iri]
