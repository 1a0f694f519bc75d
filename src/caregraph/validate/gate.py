"""The record gate: the rules of `caregraph check` that SHACL cannot express, applied to new records.

A record is held to what the shipped data is held to: every triple attested (a claim states it, or its subject is
a sourced record), every quotation's words found in its own source's text, and every node checked by some shape.
The rules themselves live where `check` runs them on the whole graph (:mod:`caregraph.provenance`,
:mod:`caregraph.vocabulary`); this module gives them the record and the part of the graph it leans on, and turns
what they find into results naming the record's file and line. Each rule is documented as a deactivated shape in
``ontology/shapes/shared.ttl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import periods
from ..graph import as_stored
from ..namespaces import PROV, RDF, SH
from ..provenance import unattested, verify_quotations

_DEFAULT = ox.DefaultGraph()
_TYPE = ox.NamedNode(RDF + "type")
_TARGETS = (SH + "targetClass", SH + "targetSubjectsOf", SH + "targetObjectsOf", SH + "targetNode")


# --- where each node is written --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'''(?P<skip>\#[^\n]*|"""[\s\S]*?"""|'\'\'[\s\S]*?'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
                        |\^\^|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
                      |(?P<directive>@prefix|@base|(?i:\bPREFIX\b|\bBASE\b))
                      |(?P<iri><[^<>"{}|^`\\\s]*>)
                      |(?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-]|\.(?=[\w:%-]))*)
                      |(?P<lang>@[A-Za-z][\w-]*)
                      |(?P<punct>[.;,\[\]()])''',
    re.VERBOSE,
)


def subject_lines(text: str) -> dict[str, int]:
    """The line where each subject is first written, by its IRI (``_:label`` for a labelled blank node).

    A light Turtle reader: it only follows statements (a subject after each full stop outside brackets) and
    prefixes; the file has already been parsed, so it never has to report an error.
    """
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    expecting, depth, directive, prefix_name = True, 0, "", None
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "skip" or kind == "lang":
            continue
        if kind == "directive":
            directive, prefix_name = token.lower().lstrip("@"), None
            continue
        if directive:
            if kind == "pname" and directive == "prefix" and prefix_name is None:
                prefix_name = token[:-1]
            elif kind == "iri":
                if directive == "prefix" and prefix_name is not None:
                    prefixes[prefix_name] = token[1:-1]
                directive, expecting = "", True
            continue
        if kind == "punct":
            if token in "[(":
                depth += 1
            elif token in "])":
                depth = max(depth - 1, 0)
            elif token == "." and depth == 0:
                expecting = True
            if token in "[(" and expecting:
                expecting = False
            continue
        if expecting and depth == 0:
            expecting = False
            if kind == "iri":
                iri = token[1:-1]
            elif token.startswith("_:"):
                iri = token
            else:
                name, _, local = token.partition(":")
                if name not in prefixes:
                    continue
                iri = prefixes[name] + local
            lines.setdefault(iri, text.count("\n", 0, match.start()) + 1)
    return lines


# --- the rules -----------------------------------------------------------------------------------------------


def unattested_triples(records: list[ox.Triple], store: ox.Store, graph: ox.Store) -> list[ox.Triple]:
    """The record triples nothing attests, judged in ``store`` (the records in their context) together with the
    claims the graph already makes about the records' nodes and the quotations those claims rest on."""
    evidence = ox.Store()
    evidence.extend(store)
    subject = ox.NamedNode(RDF + "subject")
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    for node in {t.subject for t in records}:
        for claim in graph.quads_for_pattern(None, subject, node, _DEFAULT):
            evidence.extend(graph.quads_for_pattern(claim.subject, None, None, _DEFAULT))
            for quotation in graph.quads_for_pattern(claim.subject, derived, None, _DEFAULT):
                if not isinstance(quotation.object, ox.Literal):
                    evidence.extend(graph.quads_for_pattern(quotation.object, None, None, _DEFAULT))
    # A triple with a blank node is reported once, by the named-nodes convention.
    named = [t for t in records if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    left = set(unattested(evidence, named))
    # unattested() compares triples as the store holds them; report each as the record writes it.
    return [t for t in named if as_stored([t])[0] in left]


def quotation_problems(store: ox.Store, quotations: set[str], sources: Sequence[Path], reference_dir: Path):
    """What is wrong with the words of the records' own quotations: not in their source's text, or that text
    cannot be found. A quotation with no words or no source is the shapes' to report."""
    _, problems = verify_quotations(store, sources, reference_dir)
    return [
        p
        for p in problems
        if p.quotation in quotations and p.text.strip() and p.source and not p.message.startswith("its source is not")
    ]


def untargeted_nodes(store: ox.Store, shapes, nodes: Iterable[ox.NamedNode]) -> list[ox.NamedNode]:
    """Those of ``nodes`` that no active shape targets in ``store``: nothing would check what they say."""
    import rdflib

    from .shapes import focus_nodes

    deactivated = set(shapes.subjects(rdflib.URIRef(SH + "deactivated"), rdflib.Literal(True)))
    targets = tuple(
        sorted(
            {
                (key, str(value))
                for key in _TARGETS
                for shape, value in shapes.subject_objects(rdflib.URIRef(key))
                if shape not in deactivated
            }
        )
    )
    targeted = focus_nodes(store, targets)
    return sorted(
        (n for n in nodes if n not in targeted and not periods.is_calendar_iri(n.value)), key=lambda n: n.value
    )
