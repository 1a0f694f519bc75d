"""Validating caregraph records against the SHACL shapes in ``ontology/shapes/``, in words researchers understand.

Three entry points:

* :func:`validate_graph` — the whole built graph (ontology, data and calendar). pyshacl is the reference engine;
  the default engine gives the core constraints to pyshacl-turbo (:mod:`.shacl`) and runs the SPARQL rules once
  per graph in the embedded store (same results, tested; see "the fast engine" below).
* :func:`validate_records` — new records (Turtle files) *in the context of* a graph, reporting only on the nodes
  the files describe. Validating one record must not cost a whole-graph validation, so only the part of the
  graph the shapes read is taken from the store (see :func:`record_context`) and the SHACL engine runs on that, with the
  records' literals as their files write them (the store would canonicalise them). The records also pass the
  record gate (:mod:`.gate`): the provenance rules of `caregraph check`, and that some shape checks every node.
* :func:`add_record` — validate one file and, only if it passes, write it into ``data/`` atomically;
  :func:`remove_record` takes a record file back out when nothing else points at it.

The report is SHACL's: it conforms only when it holds no result; :meth:`Report.fails` says whether a result
reaches a severity (``--fail-on``, as in ROBOT). A SHACL engine is called in one place, :mod:`.shacl`.

Besides the shapes, three conventions that SHACL cannot express are checked here (they are documented as
deactivated shapes in ``ontology/shapes/shared.ttl``): every term a record uses from the caregraph vocabulary, or
from a standard vocabulary the ontology declares terms of, is declared (with "did you mean …" suggestions);
every node has an IRI; every node described under ``cgd:`` has a type.

pyshacl and rdflib are slow to import, so they are imported inside the functions that need them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import calendar
from ..errors import InputError, StorageError
from ..files import atomic_write
from ..graph import CareGraph, parse_turtle
from ..namespaces import CG, CGD, CGSH, DCTERMS, ORG, OWL, PREFIXES, PROV, RDF, RDFS, SH, SKOS, TIME, curie
from ..project import Project
from ..rdflib_terms import to_oxigraph_term, to_rdflib_graph, to_rdflib_term
from ..vocabulary import Vocabulary
from . import gate
from .gate import subject_lines
from .shacl import quiet_rdflib, run_shacl

FORMATS = ("text", "json", "turtle")
# What fails a validation (exit 1), as ROBOT's --fail-on: results of this severity or a graver one; none: never.
FAIL_ON = ("violation", "warning", "info", "none")
ENGINES = ("fast", "pyshacl")

_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_DEFAULT = ox.DefaultGraph()

# What the shapes read beyond a record's own triples: these facts about the nodes it points at, and about the
# nodes those point at in turn (a calendar term's beginning and its date, a quotation's source). A shape that
# reads further must add its property here; tests/test_validate.py compares the result with whole-graph
# validation on every example.
_VALUE_FACTS = frozenset(ox.NamedNode(iri) for iri in (
    RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "hiddenLabel", SKOS + "prefLabel", SKOS + "inScheme",
    TIME + "hasBeginning", TIME + "hasEnd", TIME + "inXSDDate", PROV + "wasQuotedFrom",
))
_VALUE_DEPTH = 2
# Facts about a record stated from the other side: a membership's org:organization points at the partnership.
_INCOMING_FACTS = (ox.NamedNode(ORG + "organization"),)

_LABELS = (RDFS + "label", DCTERMS + "title", SKOS + "prefLabel")
_SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}

# Where `caregraph add` files a record, by the kind of its main node (checked in this order).
_FOLDERS = (
    (CG + "Partnership", "areas"),
    (ORG + "OrganizationalCollaboration", "areas"),
    (ORG + "Organization", "organisations"),
    (ORG + "FormalOrganization", "organisations"),
    (ORG + "OrganizationalUnit", "organisations"),
    (CG + "Agreement", "contracts"),
    (CG + "FinancialArrangement", "contracts"),
    (CG + "Procurement", "contracts"),
    (CG + "Commitment", "contracts"),
    (CG + "SourceDocument", "sources"),
    (CG + "ReferenceDataset", "sources"),
)


# --- the report --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """One thing wrong with one record, in the words of the shape that caught it."""

    focus: str  # the record's node, as a CURIE (or _:id for a blank node)
    label: str  # how the record reads: its display name, or what it is
    path: str  # the property, as a CURIE ("" for a rule about the whole record)
    value: str  # the offending value, as written in Turtle ("" when a value is missing)
    message: str
    severity: str  # "violation", "warning" or "info"
    hint: str
    shape: str  # the shape (or the SPARQL constraint) that caught it, as a CURIE
    component: str  # the SHACL constraint component, as a CURIE
    file: str = ""  # the file the record came from, when records were given as files
    line: int = 0  # the line of that file where the record's node is first written as a subject
    terms: dict = field(default_factory=dict, compare=False, repr=False)  # RDF terms, for the SHACL report


@dataclass
class Report:
    """The outcome of a validation: the results, and which records (focus nodes) were checked."""

    results: list[Result]
    records: int  # how many records (nodes described by the input) were checked
    files: list[str] = field(default_factory=list)
    shapes_graph: object = field(default=None, repr=False)  # rdflib.Graph, for paths in the SHACL report

    @property
    def conforms(self) -> bool:
        """SHACL's verdict: true only when there is no result at all, whatever its severity."""
        return not self.results

    def fails(self, fail_on: str = "violation") -> bool:
        """Whether a result reaches ``fail_on`` (see :data:`FAIL_ON`): what stops `add` and makes exit code 1."""
        if fail_on not in FAIL_ON:
            raise InputError(f"unknown severity {fail_on!r} for --fail-on; choose one of {', '.join(FAIL_ON)}")
        if fail_on == "none":
            return False
        return any(_SEVERITY_ORDER[r.severity] <= _SEVERITY_ORDER[fail_on] for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def summary(self) -> str:
        failing = len({r.focus for r in self.results if r.severity == "violation"})
        counts = ", ".join(f"{self.count(s)} {s}{'' if self.count(s) == 1 else 's'}"
                           for s in ("violation", "warning", "info") if self.count(s))
        checked = f"{self.records:,} record{'' if self.records == 1 else 's'} checked"
        if self.files:
            checked += f" from {len(self.files)} file{'' if len(self.files) == 1 else 's'}"
        verdict = "conforms" if self.conforms else "does not conform" + (
            f": {failing:,} record{'' if failing == 1 else 's'} with violations" if failing else "")
        return f"{checked}; {verdict}" + (f" ({counts})" if counts else "")


# --- shapes --------------------------------------------------------------------------------------------------

_SHAPES_CACHE: dict[tuple, object] = {}


def load_shapes(files: Sequence[str | os.PathLike[str]]):
    """The shapes in ``files`` as one rdflib graph (cached per process); broken Turtle names file:line."""
    import rdflib

    paths = [Path(f) for f in files]
    if not paths:
        raise InputError("no shapes to validate against", hint="the shapes are in ontology/shapes/*.ttl")
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns) if p.exists() else (str(p), 0) for p in paths)
    if key not in _SHAPES_CACHE:
        triples = []
        for path in paths:
            triples.extend(parse_turtle(path))
        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        _SHAPES_CACHE.clear()
        _SHAPES_CACHE[key] = graph
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
        if rdflib.Literal(True) in (*shapes.objects(shape, sh.deactivated),
                                    *shapes.objects(constraint, sh.deactivated)):
            continue
        prologue = "".join(
            f"PREFIX {shapes.value(d, sh.prefix)}: <{shapes.value(d, sh.namespace)}>\n"
            for declarer in shapes.objects(constraint, sh.prefixes) for d in shapes.objects(declarer, sh.declare))
        targets = tuple((str(key), str(value)) for key in (sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf,
                                                           sh.targetNode)
                        for value in shapes.objects(shape, key))
        messages = tuple(sorted(str(m) for m in (*shapes.objects(shape, sh.message),
                                                 *shapes.objects(constraint, sh.message))))
        severity = _SEVERITIES.get(str(shapes.value(shape, sh.severity) or sh.Violation), "violation")
        rules.append(_SparqlRule(shape, constraint, prologue + str(shapes.value(constraint, sh.select)), targets,
                                 messages, severity))
    _SPLIT_CACHE.clear()
    _SPLIT_CACHE[id(shapes)] = (shapes, core, rules)
    return core, rules


def _focus_nodes(store: ox.Store, targets: tuple[tuple[str, str], ...]) -> set:
    """The nodes a shape's targets select in ``store`` (SHACL instances follow rdfs:subClassOf)."""
    nodes = set()
    for key, value in targets:
        if key == SH + "targetNode":
            nodes.add(ox.NamedNode(value))
            continue
        pattern = {SH + "targetClass": f"?this a/<{RDFS}subClassOf>* <{value}>",
                   SH + "targetSubjectsOf": f"?this <{value}> ?any",
                   SH + "targetObjectsOf": f"?any <{value}> ?this"}[key]
        nodes |= {row["this"] for row in store.query(f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")}
    return nodes


def _sparql_rule_results(store: ox.Store, shapes, rules: list[_SparqlRule], labels: dict[str, str],
                         files: dict[str, str], keep: set[str] | None) -> list[Result]:
    import rdflib

    results = []
    for rule in rules:
        focus = _focus_nodes(store, rule.targets)
        try:
            solutions = store.query(rule.query)
        except SyntaxError as error:
            raise InputError(f"the shapes cannot be used: {_term_text(rule.constraint)}: {error}") from None
        variables = [v.value for v in solutions.variables]
        seen = set()
        for row in solutions:
            this = row["this"]
            if not isinstance(this, ox.NamedNode) or this not in focus or (keep is not None and _key(this) not in keep):
                continue
            bound = {name: row[name] for name in variables if row[name] is not None}
            value = bound.get("value", this)
            path = bound.get("path")
            identity = (this, path, value, tuple(sorted((k, str(v)) for k, v in bound.items())))
            if identity in seen:
                continue
            seen.add(identity)
            message = " ".join(_filled(text, bound) for text in rule.messages)
            results.append(Result(
                focus=_term_text(this), label=labels.get(_key(this), ""), path=_term_text(path),
                value=_term_text(value), message=message, severity=rule.severity,
                hint=str(shapes.value(rule.constraint, rdflib.URIRef(SH + "description"))
                         or shapes.value(rule.shape, rdflib.URIRef(SH + "description")) or ""),
                shape=_term_text(rule.constraint), component="sh:SPARQLConstraintComponent",
                file=files.get(_key(this), ""),
                terms={"focus": to_rdflib_term(this), "path": to_rdflib_term(path), "value": to_rdflib_term(value),
                       "shape": rule.shape, "constraint": rule.constraint,
                       "component": rdflib.URIRef(SH + "SPARQLConstraintComponent")},
            ))
    return results


def _filled(message: str, bound: dict) -> str:
    """A SPARQL constraint's message with each {?name} or {$name} replaced by that variable's value, where bound."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: bound[m.group(1)].value if m.group(1) in bound else m.group(0),
                  message)


def _shacl_results(store: ox.Store, data_graph, shapes, engine: str, labels: dict[str, str],
                   files: dict[str, str], keep: set[str] | None) -> list[Result]:
    """The results of the shapes on the graph held both in ``store`` and (for pyshacl) in ``data_graph``."""
    if engine == "pyshacl":
        return _shape_results(run_shacl(data_graph, shapes)[1], shapes, labels, files, keep)
    if engine != "fast":
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")

    core, rules = _split_shapes(shapes)
    results = _shape_results(run_shacl(data_graph, core, fast=True)[1], shapes, labels, files, keep)
    return results + _sparql_rule_results(store, shapes, rules, labels, files, keep)


def _key(term) -> str:
    """The same string for an oxigraph or rdflib node: its IRI, or ``_:id`` for a blank node."""
    import rdflib

    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _term_text(term) -> str:
    """An rdflib or oxigraph term as a researcher reads it: a CURIE, or a literal as written in Turtle."""
    import rdflib

    if term is None:
        return ""
    if isinstance(term, (rdflib.URIRef, ox.NamedNode)):
        return curie(str(term) if isinstance(term, rdflib.URIRef) else term.value)
    if isinstance(term, (rdflib.BNode, ox.BlankNode)):
        return f"_:{term}" if isinstance(term, rdflib.BNode) else str(term)
    if isinstance(term, ox.Literal):
        term = to_rdflib_term(term)
    if isinstance(term, rdflib.Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^{curie(str(term.datatype))}"
        return text
    return str(term)


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


def _shape_results(report_graph, shapes, labels: dict[str, str], files: dict[str, str],
                   keep: set[str] | None) -> list[Result]:
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
        key = _key(focus)
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
        severity = _SEVERITIES.get(str(report_graph.value(node, sh.resultSeverity)), "violation")
        if path is None and value == focus:
            value = None  # a rule about the whole record: pyshacl gives the record itself as the value
        results.append(Result(
            focus=_term_text(focus), label=labels.get(key, ""), path=_path_text(shapes, path),
            value=_term_text(value), message=" ".join(messages), severity=severity,
            hint=str(hint or ""), shape=_term_text(constraint if constraint is not None else shape),
            component=_term_text(component), file=files.get(key, ""),
            terms={"focus": focus, "path": path, "value": value, "shape": shape, "constraint": constraint,
                   "component": component},
        ))
    return results


# --- the conventions SHACL cannot express --------------------------------------------------------------------

def _convention_result(shape: str, focus, path, value, message: str, hint: str, labels, files) -> Result:
    import rdflib

    key = _key(focus)
    return Result(
        focus=_term_text(focus), label=labels.get(key, ""), path=_term_text(path), value=_term_text(value),
        message=message, severity="violation", hint=hint, shape=curie(CGSH + shape), component="",
        file=files.get(key, ""),
        terms={"focus": to_rdflib_term(focus), "path": to_rdflib_term(path), "value": to_rdflib_term(value),
               "shape": rdflib.URIRef(CGSH + shape), "constraint": None, "component": None},
    )


def _convention_results(triples: list[ox.Triple], untyped: Iterable[ox.NamedNode], vocabulary: Vocabulary,
                        labels: dict[str, str], files: dict[str, str]) -> list[Result]:
    """Undeclared terms and blank nodes among ``triples``, and the ``untyped`` records."""
    results = []
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        positions = [(p, "property")]
        if p == _TYPE:
            positions.append((o, "class"))
        elif p.value == RDF + "predicate":
            positions.append((o, "property"))
        elif isinstance(o, ox.NamedNode):
            positions.append((o, "term"))
        for term, kind in positions:
            suggestions = vocabulary.undeclared(term.value, kind) if isinstance(term, ox.NamedNode) else None
            if suggestions is None:
                continue
            message = f"{curie(term.value)} is not a {kind} the caregraph ontology declares"
            message += f"; did you mean {' or '.join(suggestions)}?" if suggestions else "."
            results.append(_convention_result(
                "DeclaredTermsShape", s, p, term if term != p else None, message,
                "Use a term declared in ontology/*.ttl; a new term needs its label and definition there first.",
                labels, files))
        for term, where in ((s, None), (o, p)):
            if isinstance(term, ox.BlankNode):
                results.append(_convention_result(
                    "NamedNodesShape", s, where, term if where is not None else None,
                    "This node has no IRI (a blank node): every node of a record needs one, so that claims can "
                    "point at it.",
                    "Give the node an IRI in the cgd: namespace, named by its kind: cgd:claim-…, "
                    "cgd:designation-…, cgd:quote-….", labels, files))
    for node in untyped:
        results.append(_convention_result(
            "TypedRecordsShape", node, _TYPE, None, "This record has no type (rdf:type), so no shape can check it.",
            "Say what it is: a cg:IntegratedCareSystem, a cg:Claim, a cg:Quotation …", labels, files))
    # One result per node, property and value is enough, however many triples repeat it.
    unique = {(r.focus, r.path, r.value, r.shape): r for r in results}
    return list(unique.values())


def _record_convention_results(triples: list[ox.Triple], store: ox.Store, labels: dict[str, str],
                               files: dict[str, str]) -> list[Result]:
    """The conventions for new records; a record may be typed by the graph it extends."""
    typed = {t.subject for t in triples if t.predicate == _TYPE}
    untyped = sorted((t.subject for t in triples if isinstance(t.subject, ox.NamedNode)
                      and t.subject.value.startswith(CGD) and t.subject not in typed
                      and next(iter(store.quads_for_pattern(t.subject, _TYPE, None, _DEFAULT)), None) is None),
                     key=lambda n: n.value)
    return _convention_results(triples, dict.fromkeys(untyped), Vocabulary.of(store), labels, files)


def _graph_convention_results(store: ox.Store) -> list[Result]:
    """The conventions over the whole graph, by query rather than by reading every triple in Python."""
    vocabulary = Vocabulary.of(store)
    terms = [row["t"] for row in store.query(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s ?p ?t FILTER(isIRI(?t)) } }")]
    triples = []
    for term in terms:
        # The strictest reading (as a property) selects the triples; _convention_results judges each position.
        if vocabulary.undeclared(term.value, "property") is not None:
            triples += [q.triple for q in store.quads_for_pattern(None, term, None, _DEFAULT)]
            triples += [q.triple for q in store.quads_for_pattern(None, None, term, _DEFAULT)]
    # The ontology describes itself (its version, its preferred prefix) in annotation vocabularies of its own.
    ontologies = {q.subject for q in store.quads_for_pattern(None, _TYPE, ox.NamedNode(OWL + "Ontology"), _DEFAULT)}
    triples = [t for t in triples if t.subject not in ontologies]
    # The ontology's own axioms (owl:AllDisjointClasses and the RDF lists they hold) are blank nodes by design.
    triples += [ox.Triple(row["s"], row["p"], row["o"]) for row in store.query(f"""
        SELECT ?s ?p ?o WHERE {{
          ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o))
          FILTER(?p NOT IN (<{RDF}first>, <{RDF}rest>) && !STRSTARTS(STR(?p), "{OWL}"))
          FILTER NOT EXISTS {{ ?s a ?axiom FILTER(STRSTARTS(STR(?axiom), "{OWL}")) }}
        }}""")]
    untyped = [row["s"] for row in store.query(f"""
        SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{CGD}"))
                                    FILTER NOT EXISTS {{ ?s a ?type }} }} ORDER BY ?s""")]
    return _convention_results(triples, untyped, vocabulary, {}, {})


# --- labels --------------------------------------------------------------------------------------------------

def _labels(store: ox.Store, nodes: Iterable) -> dict[str, str]:
    """How each record reads in a report: its name, a claim's triple, a quotation's first words, or its kind."""
    out = {}
    for node in nodes:
        if not isinstance(node, (ox.NamedNode, ox.BlankNode)):
            continue
        facts: dict[str, list] = defaultdict(list)
        for quad in store.quads_for_pattern(node, None, None, _DEFAULT):
            facts[quad.predicate.value].append(quad.object)
        text = ""
        for predicate in _LABELS:
            if facts.get(predicate):
                text = min(o.value for o in facts[predicate])
                break
        else:
            if facts.get(RDF + "subject") and facts.get(RDF + "predicate"):
                triple = [facts[RDF + k][0] for k in ("subject", "predicate", "object") if facts.get(RDF + k)]
                text = "claim: " + " ".join(_term_text(t) for t in triple)
            elif facts.get(PROV + "value"):
                words = min(o.value for o in facts[PROV + "value"])
                text = "quotation: " + json.dumps(words[:70] + ("…" if len(words) > 70 else ""), ensure_ascii=False)
            elif facts.get(RDF + "type"):
                text = "a " + ", ".join(sorted(_term_text(t) for t in facts[RDF + "type"]))
        out[_key(node)] = text
    return out


# --- whole graph ---------------------------------------------------------------------------------------------

def validate_graph(graph: CareGraph, shapes=None, *, engine: str = "fast") -> Report:
    """Validate the whole graph against the shapes and the conventions; report every record.

    ``engine="pyshacl"`` runs every shape in pyshacl, the reference; ``"fast"`` (the default) runs the SPARQL
    rules once per graph in the embedded store instead (see above) and gives the same results.
    """
    shapes = shapes if shapes is not None else project_shapes(_project_of(graph))
    results = _shacl_results(graph.store, graph.to_rdflib(), shapes, engine, {}, {}, keep=None)
    results = _name_missing_values(results, graph.store) + _graph_convention_results(graph.store)
    labels = _labels(graph.store, {to_oxigraph_term(r.terms["focus"]) for r in results})
    results = [_with_label(r, labels) for r in results]
    records = sum(1 for _ in graph.store.query(f"""
        SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{CGD}")) }}"""))
    return Report(sorted(results, key=_order), records=records, shapes_graph=shapes)


def _name_missing_values(results: list[Result], store: ox.Store) -> list[Result]:
    """Say so in the hint when a value of the wrong kind is simply not in the graph (a typo, or not added yet)."""
    import rdflib

    out = []
    for result in results:
        value = result.terms.get("value")
        if (result.component in ("sh:ClassConstraintComponent", "sh:NodeConstraintComponent")
                and isinstance(value, rdflib.URIRef)
                and next(iter(store.quads_for_pattern(ox.NamedNode(str(value)), None, None, _DEFAULT)), None) is None):
            hint = f"{result.value} is not in the graph yet. {result.hint}"
            result = dataclasses.replace(result, hint=hint.strip())
        out.append(result)
    return out


def _with_label(result: Result, labels: dict[str, str]) -> Result:
    label = labels.get(_key(result.terms["focus"]), "")
    return result if result.label or not label else dataclasses.replace(result, label=label)


def _order(result: Result) -> tuple:
    return (result.file, result.focus, _SEVERITY_ORDER.get(result.severity, 3), result.path, result.message,
            result.value)


def _project_of(graph: CareGraph) -> Project:
    return graph.project or Project.locate()


# --- new records in the context of a graph -------------------------------------------------------------------

def _calendar_triples(triples: list[ox.Triple], display: str) -> list[ox.Triple]:
    """OWL-Time descriptions of the calendar terms the records point at, as the build would add them."""
    used = {t.object.value for t in triples
            if t.predicate.value in calendar.TEMPORAL_PROPERTIES and isinstance(t.object, ox.NamedNode)
            and calendar.is_calendar_iri(t.object.value)}
    out = []
    for iri in sorted(used):
        try:
            described = calendar.describe(iri)
        except InputError as error:
            raise InputError(f"{display}: {error}", hint=error.hint) from None
        for s, p, o in described:
            obj = ox.Literal(o[0], datatype=ox.NamedNode(o[1])) if isinstance(o, tuple) and o[1].startswith("http") \
                else ox.Literal(o[0], language=o[1]) if isinstance(o, tuple) else ox.NamedNode(o)
            out.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj))
    return out


def record_context(store: ox.Store, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples of ``store`` that the shapes read when they check the nodes ``triples`` describe.

    That is: everything the graph already says about those nodes; the facts in ``_VALUE_FACTS`` about the nodes
    they point at, two steps out; the memberships that point at them; and the class hierarchy. Every lookup is
    an index lookup, so the cost grows with the record, not with the graph.
    """
    focus = {t.subject for t in triples}
    context: list[ox.Triple] = []
    frontier = set()
    for node in focus:
        for quad in store.quads_for_pattern(node, None, None, _DEFAULT):
            context.append(quad.triple)
        for predicate in _INCOMING_FACTS:
            for quad in store.quads_for_pattern(None, predicate, node, _DEFAULT):
                context.append(quad.triple)
                frontier.add(quad.subject)
    frontier |= {t.object for t in triples + context if not isinstance(t.object, ox.Literal)}
    seen = set(focus)
    for _ in range(_VALUE_DEPTH):
        frontier -= seen
        seen |= frontier
        following = set()
        for node in frontier:
            for quad in store.quads_for_pattern(node, None, None, _DEFAULT):
                if quad.predicate in _VALUE_FACTS:
                    context.append(quad.triple)
                    if not isinstance(quad.object, ox.Literal) and quad.predicate != _TYPE:
                        following.add(quad.object)
        frontier = following
    context.extend(q.triple for q in store.quads_for_pattern(None, _SUBCLASS, None, _DEFAULT))
    return context


class _Records:
    """The records of some files: their triples as Oxigraph parses them, the calendar terms they use described,
    for each node the file where it is first written, and where each file writes each node and statement."""

    def __init__(self, files: Sequence[str | os.PathLike[str]], project: Project | None) -> None:
        self.paths = [Path(f) for f in files]
        self.triples: list[ox.Triple] = []
        self.calendar: list[ox.Triple] = []
        self.origin: dict[str, str] = {}
        self.lines: dict[tuple[str, str], int] = {}  # (file, node) → the line where the file first writes the node
        # (subject, property, value) and (subject, property), as text → the first file that writes such a statement
        self.statements: dict[tuple[str, ...], str] = {}
        self.shown: list[str] = []
        for path in self.paths:
            shown = project.relative(path) if project else str(path)
            self.shown.append(shown)
            parsed = parse_turtle(path, display=shown)
            if not parsed:
                raise InputError(f"{shown}: the file holds no triples")
            lines = subject_lines(_read_bytes(path).decode("utf-8", errors="replace"))
            for t in parsed:
                key = _key(t.subject)
                self.origin.setdefault(key, shown)
                if isinstance(t.subject, ox.NamedNode) and t.subject.value in lines:
                    self.lines.setdefault((shown, key), lines[t.subject.value])
                statement = (_term_text(t.subject), _term_text(t.predicate), _term_text(t.object))
                self.statements.setdefault(statement, shown)
                self.statements.setdefault(statement[:2], shown)
            self.triples.extend(parsed)
            self.calendar.extend(_calendar_triples(parsed, shown))

    def place(self, result: Result) -> Result:
        """``result`` with the file and line of the statement it is about (when several files describe its node,
        the file that writes that statement), else of the file that first writes its node."""
        statement = (result.focus, result.path, result.value) if result.value else (result.focus, result.path)
        file = self.statements.get(statement, result.file)
        return dataclasses.replace(result, file=file, line=self.lines.get((file, _key(result.terms["focus"])), 0))

    def as_written(self, context: list[ox.Triple]):
        """``context`` and the records as one rdflib graph, the records' literals exactly as their files write
        them ("6"^^xsd:positiveInteger stays so; the embedded store would make it 6): what plain SHACL sees."""
        with quiet_rdflib():
            graph = to_rdflib_graph(context + self.calendar)
            for path, shown in zip(self.paths, self.shown, strict=True):
                try:
                    graph.parse(path, format="turtle")
                except Exception as error:  # rdflib raises many kinds; Oxigraph accepted the file, rdflib did not
                    raise InputError(f"{shown}: {error}") from None
        return graph


def _source_folders(project: Project, sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Where source documents' texts are looked for: the folders given, then the project's own (if found)."""
    folders = [Path(s) for s in sources]
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"--sources {folder}: no such folder")
    try:
        folders.append(project.sources_dir())
    except InputError:
        pass
    return folders


def validate_records(files: Sequence[str | os.PathLike[str]], graph: CareGraph, shapes=None, *,
                     engine: str = "fast", sources: Sequence[str | os.PathLike[str]] = ()) -> Report:
    """Validate the records in ``files`` in the context of ``graph``; report only on the nodes the files describe.

    References to organisations, places, quotations and sources already in ``graph`` resolve; nothing is added
    to ``graph``. Besides the shapes, the records pass the gate (:mod:`caregraph.validate.gate`): every triple
    attested, every quotation found in its source's text (looked for in ``sources``, then the project's source
    folder), every node checked by a shape. Broken Turtle or a malformed calendar term raises
    :class:`~caregraph.errors.InputError`.
    """
    project = _project_of(graph)
    shapes = shapes if shapes is not None else project_shapes(project)
    records = _Records(files, graph.project)
    triples = records.triples + records.calendar
    # The records' nodes, not the calendar terms that _Records described for them.
    record_nodes = {t.subject for t in records.triples
                    if not (isinstance(t.subject, ox.NamedNode) and calendar.is_calendar_iri(t.subject.value))}
    context = record_context(graph.store, triples)
    small = ox.Store()
    small.extend(ox.Quad(t.subject, t.predicate, t.object) for t in context + triples)
    data_graph = records.as_written(context)
    keep = {_key(n) for n in record_nodes}
    labels = _labels(small, record_nodes)
    origin = records.origin
    # Every node of the small graph is validated and the results are filtered afterwards: pyshacl's own
    # focus_nodes option also filters the value nodes that sh:node checks, so those checks would pass unseen.
    results = _name_missing_values(_shacl_results(small, data_graph, shapes, engine, labels, origin, keep), small)
    new_triples = [t for t in triples if t.subject in record_nodes]
    results += _record_convention_results(new_triples, graph.store, labels, origin)
    results += _gate_results(records, record_nodes, small, graph.store, shapes, project, sources, labels)
    results = [records.place(r) for r in results]
    return Report(sorted(results, key=_order), records=len(record_nodes), files=records.shown, shapes_graph=shapes)


def _gate_results(records: _Records, record_nodes: set, small: ox.Store, graph: ox.Store, shapes, project: Project,
                  sources: Sequence[str | os.PathLike[str]], labels: dict[str, str]) -> list[Result]:
    """The provenance rules of `check`, and the rule that every node is checked, as results about the records."""
    origin = records.origin
    results = []
    for t in gate.unattested_triples(records.triples, small, graph):
        results.append(_convention_result(
            "AttestedTriplesShape", t.subject, t.predicate, t.object,
            f"Nothing attests this statement: no claim states {_term_text(t.subject)} {_term_text(t.predicate)} "
            f"{_term_text(t.object)}, and its subject is not a record derived from a quotation.",
            "Add a cg:Claim with this rdf:subject, rdf:predicate and rdf:object, prov:wasDerivedFrom the "
            "cg:Quotation of the source's words that say it.", labels, origin))
    quotations = {n.value for n in record_nodes if isinstance(n, ox.NamedNode)}
    cited = {t.object for t in records.triples
             if t.predicate.value == PROV + "wasQuotedFrom" and isinstance(t.object, ox.NamedNode)}
    evidence = ox.Store()
    evidence.extend(ox.Quad(t.subject, t.predicate, t.object) for t in records.triples)
    for source in cited:
        evidence.extend(graph.quads_for_pattern(source, None, None, _DEFAULT))
    for problem in gate.quotation_problems(evidence, quotations, _source_folders(project, sources),
                                           project.reference_dir):
        node = ox.NamedNode(problem.quotation)
        results.append(_convention_result(
            "QuotedWordsShape", node, ox.NamedNode(PROV + "value"), ox.Literal(problem.text),
            f"This quotation cannot be verified: {problem.message}.",
            "Copy the words verbatim from the source (white space, quotes, dashes and bullets may differ); a new "
            "source's text goes in the folder given with --sources, named by its cg:sourceFile.", labels, origin))
    typed = {t.subject for t in small if t.predicate == _TYPE}
    candidates = [n for n in record_nodes if isinstance(n, ox.NamedNode)
                  and (n in typed or not n.value.startswith(CGD))]  # an untyped cgd: node is reported already
    for node in gate.untargeted_nodes(small, shapes, candidates):
        kinds = ", ".join(sorted(_term_text(t.object) for t in small.quads_for_pattern(node, _TYPE, None, _DEFAULT)))
        results.append(_convention_result(
            "CheckedRecordsShape", node, None, None,
            f"No shape checks this record, so nothing it says would be checked ({kinds or 'it has no type'}).",
            "Give it a type the ontology declares and the shapes check: cg:IntegratedCareSystem, cg:Claim, "
            "cg:Quotation, cg:Designation …", labels, origin))
    return results


# --- adding a record -----------------------------------------------------------------------------------------

@dataclass
class AddOutcome:
    report: Report
    target: Path | None  # where the record was written; None when it did not conform


def folder_for(file: str | os.PathLike[str], graph: CareGraph) -> str:
    """The data/ folder a record belongs in, from the kind of its main node (a partnership → areas …)."""
    triples = parse_turtle(file)
    types = {t.object.value for t in triples if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode)}
    ancestors: set[str] = set()
    frontier = set(types)
    while frontier:
        ancestors |= frontier
        following = set()
        for iri in frontier:
            for quad in graph.store.quads_for_pattern(ox.NamedNode(iri), _SUBCLASS, None, _DEFAULT):
                if isinstance(quad.object, ox.NamedNode):
                    following.add(quad.object.value)
        frontier = following - ancestors
    for kind, folder in _FOLDERS:
        if kind in ancestors:
            return folder
    raise InputError(f"{file}: cannot tell which folder of data/ this record belongs in",
                     hint="name it with --folder, e.g. --folder areas (areas, organisations, contracts, sources …)")


def add_record(file: str | os.PathLike[str], graph: CareGraph, *, folder: str | None = None, shapes=None,
               engine: str = "fast", sources: Sequence[str | os.PathLike[str]] = (),
               fail_on: str = "violation") -> AddOutcome:
    """Validate ``file`` in the context of ``graph``; only if no result reaches ``fail_on``, copy it into
    data/<folder>/ of the graph's project.

    The copy is atomic (a temporary file renamed into place) and never replaces an existing file; when the record
    fails nothing is written. The installed copy of caregraph is read-only: adding to it is refused (bad input)
    before anything is validated, naming where the record would have gone.
    """
    project = _project_of(graph)
    source = Path(file)
    if source.suffix != ".ttl":
        raise InputError(f"{file}: a record is a Turtle file ending in .ttl")
    data = _read_bytes(source)
    if project.read_only:
        project.writable(_target(project, source, folder, graph))
    report = validate_records([source], graph, shapes, engine=engine, sources=sources)
    if report.fails(fail_on):
        return AddOutcome(report, None)
    target = _target(project, source, folder, graph)
    if target.exists():
        raise InputError(f"{project.relative(target)} already exists; caregraph does not overwrite an existing "
                         "record", hint="rename the file, or edit the existing record")
    atomic_write(target, data, overwrite=False)
    return AddOutcome(report, target)


def _target(project: Project, source: Path, folder: str | None, graph: CareGraph) -> Path:
    chosen = folder or folder_for(source, graph)
    if Path(chosen).is_absolute() or ".." in Path(chosen).parts or not Path(chosen).parts:
        raise InputError(f"--folder {chosen}: name a folder inside data/, such as areas")
    return project.data_dir / chosen / source.name


@dataclass
class RemoveOutcome:
    target: Path
    removed: bool  # False when other records point at the file's nodes
    pointing: list[tuple[str, str, str]]  # (node, property, the file's node it points at), as CURIEs


def remove_record(file: str | os.PathLike[str], graph: CareGraph) -> RemoveOutcome:
    """Remove a record file from data/, unless other records point at the nodes it describes.

    The nodes a file describes are the subjects of its triples; a triple of the graph whose object is one of
    them and whose subject is not keeps the file in place (the outcome names every such triple).
    """
    project = _project_of(graph)
    target = Path(file)
    if not target.is_absolute() and not target.exists():
        target = project.root / target
    target = target.resolve()
    try:
        inside = target.relative_to(project.data_dir.resolve())
    except ValueError:
        raise InputError(f"{file}: not a record of {project.data_dir}; remove only removes files under data/",
                         hint="name the file as `caregraph add` printed it") from None
    if inside.parts[0] == "reference":
        raise InputError(f"{file}: the files of data/reference/ are generated; run caregraph import-reference")
    if not target.is_file():
        raise InputError(f"{file}: no such file in {project.data_dir}")
    project.writable(target)
    nodes = {t.subject for t in parse_turtle(target, display=project.relative(target))}
    pointing = sorted({(_term_text(q.subject), _term_text(q.predicate), _term_text(q.object))
                       for node in nodes if not isinstance(node, ox.BlankNode)
                       for q in graph.store.quads_for_pattern(None, None, node, _DEFAULT)
                       if q.subject not in nodes})
    if pointing:
        return RemoveOutcome(target, False, pointing)
    try:
        target.unlink()
    except OSError as error:
        raise StorageError(f"cannot remove {target}: {error.strerror or error}") from None
    return RemoveOutcome(target, True, [])


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


# --- rendering -----------------------------------------------------------------------------------------------

def render(report: Report, fmt: str = "text") -> str:
    if fmt == "text":
        return render_text(report)
    if fmt == "json":
        return render_json(report)
    if fmt == "turtle":
        return render_turtle(report)
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_text(report: Report) -> str:
    """The report grouped by record: label, then each problem with property, value, message, severity and hint."""
    lines = []
    by_record: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for result in report.results:
        by_record[(result.file, result.focus)].append(result)
    current_file = None
    for (file, focus), results in by_record.items():
        if file and file != current_file:
            lines.append(file)
            current_file = file
        label, line = results[0].label, results[0].line
        lines.append(f"  {focus}" + (f"  {label}" if label else "") + (f"  ({file}:{line})" if file and line else ""))
        for r in results:
            where = r.path or "(the record as a whole)"
            if r.value:
                where += f" = {r.value}"
            lines.append(f"    {r.severity:<9} {where}")
            lines.append(f"              {r.message}")
            if r.hint:
                lines.append(f"              hint: {r.hint}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    document = {
        "conforms": report.conforms,
        "summary": {"records": report.records, "files": report.files, "violations": report.count("violation"),
                    "warnings": report.count("warning"), "infos": report.count("info")},
        "results": [{k: v for k, v in asdict(r).items() if k != "terms"} for r in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report) -> str:
    """The standard SHACL validation report (sh:ValidationReport), with caregraph's prefixes."""
    import rdflib

    sh = rdflib.Namespace(SH)
    out = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace, override=True, replace=True)
    root = rdflib.BNode("report")
    out.add((root, rdflib.RDF.type, sh.ValidationReport))
    out.add((root, sh.conforms, rdflib.Literal(report.conforms)))
    shapes = report.shapes_graph
    for index, r in enumerate(report.results):
        node = rdflib.BNode(f"result{index}")
        out.add((root, sh.result, node))
        out.add((node, rdflib.RDF.type, sh.ValidationResult))
        terms = r.terms
        if terms.get("focus") is not None:
            out.add((node, sh.focusNode, terms["focus"]))
        if terms.get("path") is not None:
            out.add((node, sh.resultPath, terms["path"]))
            if isinstance(terms["path"], rdflib.BNode) and shapes is not None:
                _copy_description(shapes, terms["path"], out)
        if terms.get("value") is not None:
            out.add((node, sh.value, terms["value"]))
        out.add((node, sh.resultSeverity, sh[r.severity.capitalize()]))
        out.add((node, sh.resultMessage, rdflib.Literal(r.message)))
        if terms.get("shape") is not None:
            out.add((node, sh.sourceShape, terms["shape"]))
        if terms.get("constraint") is not None:
            out.add((node, sh.sourceConstraint, terms["constraint"]))
        if terms.get("component") is not None:
            out.add((node, sh.sourceConstraintComponent, terms["component"]))
    return out.serialize(format="turtle")


def _copy_description(source, node, target) -> None:
    """Copy the triples describing a blank node (a SHACL path) and the blank nodes under it."""
    import rdflib

    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, rdflib.BNode):
            _copy_description(source, o, target)


__all__ = ["AddOutcome", "ENGINES", "FAIL_ON", "FORMATS", "RemoveOutcome", "Report", "Result", "add_record",
           "folder_for", "load_shapes", "record_context", "remove_record", "render", "validate_graph",
           "validate_records"]
