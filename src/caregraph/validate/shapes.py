"""The shapes, and the engines that run them: pyshacl for the core constraints, the SPARQL rules once per graph."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..graph import parse_turtle, select
from ..namespaces import RDFS, SH, curie
from ..project import Project
from ..rdflib_terms import to_rdflib_graph, to_rdflib_term
from .report import SHACL_SEVERITIES, Result, node_key, term_text
from .shacl import plain_strings, run_shacl, typed_strings

_DEFAULT = ox.DefaultGraph()

ENGINES = ("fast", "pyshacl")


# --- shapes --------------------------------------------------------------------------------------------------

_SHAPES_CACHE: dict[tuple, object] = {}


def load_shapes(files: Sequence[str | os.PathLike[str]]):
    """The shapes in ``files`` as one rdflib graph (cached per process); broken Turtle names file:line."""
    paths = [Path(f) for f in files]
    if not paths:
        raise InputError("no shapes to validate against", hint="the shapes are in ontology/shapes/*.ttl")
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns) if p.exists() else (str(p), 0) for p in paths)
    if key not in _SHAPES_CACHE:
        triples = []
        for path in paths:
            triples.extend(parse_turtle(path))
        _SHAPES_CACHE.clear()
        _SHAPES_CACHE[key] = to_rdflib_graph(triples)
    return _SHAPES_CACHE[key]


def project_shapes(project: Project):
    return load_shapes(project.shape_files())


# --- the fast engine: SPARQL rules evaluated once per graph ----------------------------------------------------
#
# pyshacl evaluates a SPARQL constraint once per focus node and rdflib parses the query text anew each time
# (about 50 ms), so on a graph with thousands of memberships the SPARQL rules take minutes while every other
# constraint takes seconds. The fast engine gives pyshacl-turbo (shacl.py) the shapes without their SPARQL
# constraints and runs each SPARQL constraint once over the whole store in Oxigraph, keeping the rows whose $this
# is a focus node of its shape. That gives the same results as binding $this first because every rule binds $this
# in a triple pattern of its top-level group before any FILTER or BIND reads it (tests/test_validate.py checks the
# rules and compares both engines on every example and on synthetic data).


@dataclass(frozen=True)
class _SparqlRule:
    shape: object  # the node shape (rdflib term)
    constraint: object  # the sh:SPARQLConstraint node (rdflib term)
    query: str  # with its PREFIX declarations
    targets: tuple[tuple[str, str], ...]  # (SHACL target property IRI, value IRI)
    messages: tuple[str, ...]
    severity: str


_SPLIT_CACHE: dict[int, tuple] = {}


def _split_shapes(shapes):
    """The shapes without their SPARQL constraints (for pyshacl), and those constraints as :class:`_SparqlRule`."""
    import rdflib

    if id(shapes) in _SPLIT_CACHE and _SPLIT_CACHE[id(shapes)][0] is shapes:
        return _SPLIT_CACHE[id(shapes)][1:]
    sh = rdflib.Namespace(SH)
    core = rdflib.Graph()
    for triple in shapes:
        if triple[1] != sh.sparql:
            core.add(triple)
    rules = []
    for shape, constraint in shapes.subject_objects(sh.sparql):
        if rdflib.Literal(True) in (
            *shapes.objects(shape, sh.deactivated),
            *shapes.objects(constraint, sh.deactivated),
        ):
            continue
        prologue = "".join(
            f"PREFIX {shapes.value(d, sh.prefix)}: <{shapes.value(d, sh.namespace)}>\n"
            for declarer in shapes.objects(constraint, sh.prefixes)
            for d in shapes.objects(declarer, sh.declare)
        )
        targets = tuple(
            (str(key), str(value))
            for key in (sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf, sh.targetNode)
            for value in shapes.objects(shape, key)
        )
        messages = tuple(
            sorted(str(m) for m in (*shapes.objects(shape, sh.message), *shapes.objects(constraint, sh.message)))
        )
        severity = SHACL_SEVERITIES.get(str(shapes.value(shape, sh.severity) or sh.Violation), "violation")
        rules.append(
            _SparqlRule(
                shape, constraint, prologue + str(shapes.value(constraint, sh.select)), targets, messages, severity
            )
        )
    _SPLIT_CACHE.clear()
    _SPLIT_CACHE[id(shapes)] = (shapes, core, rules)
    return core, rules


def focus_nodes(store: ox.Store, targets: tuple[tuple[str, str], ...]) -> set:
    """The nodes a shape's targets select in ``store`` (SHACL instances follow rdfs:subClassOf)."""
    nodes = set()
    for key, value in targets:
        if key == SH + "targetNode":
            nodes.add(ox.NamedNode(value))
            continue
        pattern = {
            SH + "targetClass": f"?this a/<{RDFS}subClassOf>* <{value}>",
            SH + "targetSubjectsOf": f"?this <{value}> ?any",
            SH + "targetObjectsOf": f"?any <{value}> ?this",
        }[key]
        nodes |= {row["this"] for row in select(store, f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")}
    return nodes


def _sparql_rule_results(
    store: ox.Store,
    shapes,
    rules: list[_SparqlRule],
    labels: dict[str, str],
    files: dict[str, str],
    keep: set[str] | None,
) -> list[Result]:
    import rdflib

    results = []
    for rule in rules:
        focus = focus_nodes(store, rule.targets)
        try:
            solutions = select(store, rule.query)
        except SyntaxError as error:
            raise InputError(f"the shapes cannot be used: {term_text(rule.constraint)}: {error}") from None
        variables = [v.value for v in solutions.variables]
        seen = set()
        for row in solutions:
            this = row["this"]
            if (
                not isinstance(this, ox.NamedNode)
                or this not in focus
                or (keep is not None and node_key(this) not in keep)
            ):
                continue
            bound = {name: row[name] for name in variables if row[name] is not None}
            value = bound.get("value", this)
            path = bound.get("path")
            identity = (this, path, value, tuple(sorted((k, str(v)) for k, v in bound.items())))
            if identity in seen:
                continue
            seen.add(identity)
            message = " ".join(_filled(text, bound) for text in rule.messages)
            results.append(
                Result(
                    focus=term_text(this),
                    label=labels.get(node_key(this), ""),
                    path=term_text(path),
                    value=term_text(value),
                    message=message,
                    severity=rule.severity,
                    hint=str(
                        shapes.value(rule.constraint, rdflib.URIRef(SH + "description"))
                        or shapes.value(rule.shape, rdflib.URIRef(SH + "description"))
                        or ""
                    ),
                    shape=term_text(rule.constraint),
                    component="sh:SPARQLConstraintComponent",
                    file=files.get(node_key(this), ""),
                    terms={
                        "focus": to_rdflib_term(this),
                        "path": to_rdflib_term(path),
                        "value": to_rdflib_term(value),
                        "shape": rule.shape,
                        "constraint": rule.constraint,
                        "component": rdflib.URIRef(SH + "SPARQLConstraintComponent"),
                    },
                )
            )
    return results


def _filled(message: str, bound: dict) -> str:
    """A SPARQL constraint's message with each {?name} or {$name} replaced by that variable's value, where bound."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: bound[m.group(1)].value if m.group(1) in bound else m.group(0), message)


def shacl_results(
    store: ox.Store,
    data_graph,
    shapes,
    engine: str,
    labels: dict[str, str],
    files: dict[str, str],
    keep: set[str] | None,
) -> list[Result]:
    """The results of the shapes on the graph held in ``store`` and, as written, in the rdflib ``data_graph``;
    ``data_graph`` None: the store's graph is the data, given to pyshacl-turbo as it is (see shacl.py)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        data = (
            data_graph
            if data_graph is not None
            else to_rdflib_graph(q.triple for q in store.quads_for_pattern(None, None, None, _DEFAULT))
        )
        return _shape_results(run_shacl(data, shapes)[1], shapes, labels, files, keep)

    core, rules = _split_shapes(shapes)
    if data_graph is None:
        report = plain_strings(run_shacl(store, typed_strings(core), fast=True)[1])
    else:
        report = run_shacl(data_graph, core, fast=True)[1]
    results = _shape_results(report, shapes, labels, files, keep)
    return results + _sparql_rule_results(store, shapes, rules, labels, files, keep)


def _path_text(shapes, path) -> str:
    """A SHACL path as a CURIE: ``cg:coversPlace``, ``^org:organization``, ``time:hasBeginning/time:inXSDDate``."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return curie(str(path))
    inverse = shapes.value(path, rdflib.URIRef(SH + "inversePath"))
    if inverse is not None:
        return "^" + _path_text(shapes, inverse)
    if shapes.value(path, rdflib.RDF.first) is not None:
        return "/".join(_path_text(shapes, step) for step in Collection(shapes, path))
    return str(path)


def _shape_results(
    report_graph, shapes, labels: dict[str, str], files: dict[str, str], keep: set[str] | None
) -> list[Result]:
    """pyshacl's validation results as :class:`Result`, keeping only focus nodes in ``keep`` (None: all).

    Only the report's own results count (not the nested ones pyshacl links with sh:detail), and none about a
    blank node: the convention that every node has an IRI reports it, and nothing else about it can be fixed
    before that (nor named: rdflib renames blank nodes). A result pointing at a blank node stays, as in any
    SHACL report.
    """
    import rdflib

    sh = rdflib.Namespace(SH)
    results = []
    for node in report_graph.objects(None, sh.result):
        focus = report_graph.value(node, sh.focusNode)
        key = node_key(focus)
        if isinstance(focus, rdflib.BNode) or (keep is not None and key not in keep):
            continue
        shape = report_graph.value(node, sh.sourceShape)
        constraint = report_graph.value(node, sh.sourceConstraint)
        path = report_graph.value(node, sh.resultPath)
        value = report_graph.value(node, sh.value)
        component = report_graph.value(node, sh.sourceConstraintComponent)
        messages = sorted(str(m) for m in report_graph.objects(node, sh.resultMessage))
        hint = shapes.value(constraint, sh.description) if constraint is not None else None
        if hint is None:
            hint = shapes.value(shape, sh.description)
        severity = SHACL_SEVERITIES.get(str(report_graph.value(node, sh.resultSeverity)), "violation")
        if path is None and value == focus:
            value = None  # a rule about the whole record: pyshacl gives the record itself as the value
        results.append(
            Result(
                focus=term_text(focus),
                label=labels.get(key, ""),
                path=_path_text(shapes, path),
                value=term_text(value),
                message=" ".join(messages),
                severity=severity,
                hint=str(hint or ""),
                shape=term_text(constraint if constraint is not None else shape),
                component=term_text(component),
                file=files.get(key, ""),
                terms={
                    "focus": focus,
                    "path": path,
                    "value": value,
                    "shape": shape,
                    "constraint": constraint,
                    "component": component,
                },
            )
        )
    return results


def name_missing_values(results: list[Result], store: ox.Store) -> list[Result]:
    """Say so in the hint when a value of the wrong kind is simply not in the graph (a typo, or not added yet)."""
    import rdflib

    out = []
    for result in results:
        value = result.terms.get("value")
        if (
            result.component in ("sh:ClassConstraintComponent", "sh:NodeConstraintComponent")
            and isinstance(value, rdflib.URIRef)
            and next(iter(store.quads_for_pattern(ox.NamedNode(str(value)), None, None, _DEFAULT)), None) is None
        ):
            hint = f"{result.value} is not in the graph yet. {result.hint}"
            result = dataclasses.replace(result, hint=hint.strip())
        out.append(result)
    return out
