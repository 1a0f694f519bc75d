"""caregraph's own rules, which SHACL cannot express: terms declared, nodes named, records typed."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..graph import Term, select
from ..namespaces import CGD, CGSH, OWL, RDF, curie
from ..rdflib_terms import to_rdflib_term
from ..vocabulary import Vocabulary, terms_used
from .report import Result, node_key, term_text

_TYPE = ox.NamedNode(RDF + "type")
_DEFAULT = ox.DefaultGraph()

# --- the conventions SHACL cannot express --------------------------------------------------------------------


def convention_result(shape: str, focus, path, value, message: str, hint: str, labels, files) -> Result:
    import rdflib

    key = node_key(focus)
    return Result(
        focus=term_text(focus),
        label=labels.get(key, ""),
        path=term_text(path),
        value=term_text(value),
        message=message,
        severity="violation",
        hint=hint,
        shape=curie(CGSH + shape),
        component="",
        file=files.get(key, ""),
        terms={
            "focus": to_rdflib_term(focus),
            "path": to_rdflib_term(path),
            "value": to_rdflib_term(value),
            "shape": rdflib.URIRef(CGSH + shape),
            "constraint": None,
            "component": None,
        },
    )


def has_blank_node(triple: ox.Triple) -> bool:
    """Whether a statement has a node without an IRI, which no claim could point at."""
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _convention_results(
    triples: list[ox.Triple],
    untyped: Iterable[ox.NamedNode],
    vocabulary: Vocabulary,
    labels: dict[str, str],
    files: dict[str, str],
) -> list[Result]:
    """Undeclared terms and blank nodes among ``triples``, and the ``untyped`` records."""
    results = []
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        positions: list[tuple[Term, str]] = [(p, "property")]
        if p == _TYPE:
            positions.append((o, "class"))
        elif p.value == RDF + "predicate":
            positions.append((o, "property"))
        elif isinstance(o, ox.NamedNode):
            positions.append((o, "term"))
        for term, kind in positions:
            suggestions = vocabulary.undeclared(term.value, kind) if isinstance(term, ox.NamedNode) else None
            if suggestions is None or not isinstance(term, ox.NamedNode):
                continue
            message = f"{curie(term.value)} is not a {kind} the caregraph ontology declares"
            message += f"; did you mean {' or '.join(suggestions)}?" if suggestions else "."
            results.append(
                convention_result(
                    "DeclaredTermsShape",
                    s,
                    p,
                    term if term != p else None,
                    message,
                    "Use a term declared in ontology/*.ttl; a new term needs its label and definition there first.",
                    labels,
                    files,
                )
            )
        for node, where in ((s, None), (o, p)):
            if isinstance(node, ox.BlankNode):
                results.append(
                    convention_result(
                        "NamedNodesShape",
                        s,
                        where,
                        node if where is not None else None,
                        "This node has no IRI (a blank node): every node of a record needs one, so that claims can "
                        "point at it.",
                        "Give the node an IRI in the cgd: namespace, named by its kind: cgd:claim-…, "
                        "cgd:designation-…, cgd:quote-….",
                        labels,
                        files,
                    )
                )
    for node in untyped:
        results.append(
            convention_result(
                "TypedRecordsShape",
                node,
                _TYPE,
                None,
                "This record has no type (rdf:type), so no shape can check it.",
                "Say what it is: a cg:IntegratedCareSystem, a cg:Claim, a cg:Quotation …",
                labels,
                files,
            )
        )
    # One result per node, property and value is enough, however many triples repeat it.
    unique = {(r.focus, r.path, r.value, r.shape): r for r in results}
    return list(unique.values())


def record_convention_results(
    triples: list[ox.Triple], store: ox.Store, labels: dict[str, str], files: dict[str, str]
) -> list[Result]:
    """The conventions for new records; a record may be typed by the graph it extends."""
    typed = {t.subject for t in triples if t.predicate == _TYPE}
    untyped = sorted(
        (
            t.subject
            for t in triples
            if isinstance(t.subject, ox.NamedNode)
            and t.subject.value.startswith(CGD)
            and t.subject not in typed
            and next(iter(store.quads_for_pattern(t.subject, _TYPE, None, _DEFAULT)), None) is None
        ),
        key=lambda n: n.value,
    )
    return _convention_results(triples, dict.fromkeys(untyped), Vocabulary.of(store), labels, files)


def graph_convention_results(store: ox.Store) -> list[Result]:
    """The conventions over the whole graph, by query rather than by reading every triple in Python."""
    vocabulary = Vocabulary.of(store)
    triples = []
    for term in terms_used(store):
        # The strictest reading (as a property) selects the triples; _convention_results judges each position.
        if vocabulary.undeclared(term.value, "property") is not None:
            triples += [q.triple for q in store.quads_for_pattern(None, term, None, _DEFAULT)]
            triples += [q.triple for q in store.quads_for_pattern(None, None, term, _DEFAULT)]
    # The ontology describes itself (its version, its preferred prefix) in annotation vocabularies of its own.
    ontologies = {q.subject for q in store.quads_for_pattern(None, _TYPE, ox.NamedNode(OWL + "Ontology"), _DEFAULT)}
    triples = [t for t in triples if t.subject not in ontologies]
    # The ontology's own axioms (owl:AllDisjointClasses and the RDF lists they hold) are blank nodes by design.
    triples += [
        ox.Triple(row["s"], row["p"], row["o"])
        for row in select(
            store,
            f"""
        SELECT ?s ?p ?o WHERE {{
          ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o))
          FILTER(?p NOT IN (<{RDF}first>, <{RDF}rest>) && !STRSTARTS(STR(?p), "{OWL}"))
          FILTER NOT EXISTS {{ ?s a ?axiom FILTER(STRSTARTS(STR(?axiom), "{OWL}")) }}
        }}""",
        )
    ]
    untyped = [
        row["s"]
        for row in select(
            store,
            f"""
        SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{CGD}"))
                                    FILTER NOT EXISTS {{ ?s a ?type }} }} ORDER BY ?s""",
        )
    ]
    return _convention_results(triples, untyped, vocabulary, {}, {})
