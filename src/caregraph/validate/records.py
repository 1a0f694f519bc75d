"""Validating records: the whole graph's, or new records in the context of a graph."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import periods
from ..errors import InputError
from ..graph import CareGraph, describe_periods, parse_turtle, select
from ..namespaces import CGD, ORG, PROV, RDF, RDFS, SKOS, TIME
from ..project import Project
from ..rdflib_terms import to_oxigraph_term, to_rdflib_graph
from . import gate
from .conventions import convention_result, graph_convention_results, record_convention_results
from .gate import subject_lines
from .report import Report, Result, node_key, record_labels, result_order, term_text, with_label
from .shacl import quiet_rdflib
from .shapes import name_missing_values, project_shapes, shacl_results

_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_DEFAULT = ox.DefaultGraph()

# What the shapes read beyond a record's own triples: these facts about the nodes it points at, and about the
# nodes those point at in turn (a calendar term's beginning and its date, a quotation's source). A shape that
# reads further must add its property here; tests/test_validate.py compares the result with whole-graph
# validation on every example.
_VALUE_FACTS = frozenset(
    ox.NamedNode(iri)
    for iri in (
        RDF + "type",
        RDFS + "label",
        SKOS + "altLabel",
        SKOS + "hiddenLabel",
        SKOS + "prefLabel",
        SKOS + "inScheme",
        TIME + "hasBeginning",
        TIME + "hasEnd",
        TIME + "inXSDDate",
        PROV + "wasQuotedFrom",
    )
)
_VALUE_DEPTH = 2
# Facts about a record stated from the other side: a membership's org:organization points at the partnership.
_INCOMING_FACTS = (ox.NamedNode(ORG + "organization"),)


# --- whole graph ---------------------------------------------------------------------------------------------


def validate_graph(graph: CareGraph, shapes=None, *, engine: str = "fast") -> Report:
    """Validate the whole graph against the shapes and the conventions; report every record.

    ``engine="pyshacl"`` runs every shape in pyshacl, the reference; ``"fast"`` (the default) runs the SPARQL
    rules once per graph in the embedded store instead (see above) and gives the same results.
    """
    shapes = shapes if shapes is not None else project_shapes(project_of(graph))
    results = shacl_results(graph.store, None, shapes, engine, {}, {}, keep=None)
    results = name_missing_values(results, graph.store) + graph_convention_results(graph.store)
    labels = record_labels(graph.store, {to_oxigraph_term(r.terms["focus"]) for r in results})
    results = [with_label(r, labels) for r in results]
    records = sum(
        1
        for _ in select(
            graph.store,
            f"""
        SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{CGD}")) }}""",
        )
    )
    return Report(sorted(results, key=result_order), records=records, shapes_graph=shapes)


def project_of(graph: CareGraph) -> Project:
    return graph.project or Project.locate()


# --- new records in the context of a graph -------------------------------------------------------------------


def _calendar_triples(triples: list[ox.Triple], display: str) -> list[ox.Triple]:
    """OWL-Time descriptions of the calendar terms the records point at, as the build would add them."""
    try:
        return describe_periods(t.object for t in triples if t.predicate.value in periods.TEMPORAL_PROPERTIES)
    except InputError as error:
        raise InputError(f"{display}: {error}", hint=error.hint) from None


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
            lines = subject_lines(read_bytes(path).decode("utf-8", errors="replace"))
            for t in parsed:
                key = node_key(t.subject)
                self.origin.setdefault(key, shown)
                if isinstance(t.subject, ox.NamedNode) and t.subject.value in lines:
                    self.lines.setdefault((shown, key), lines[t.subject.value])
                statement = (term_text(t.subject), term_text(t.predicate), term_text(t.object))
                self.statements.setdefault(statement, shown)
                self.statements.setdefault(statement[:2], shown)
            self.triples.extend(parsed)
            self.calendar.extend(_calendar_triples(parsed, shown))

    def place(self, result: Result) -> Result:
        """``result`` with the file and line of the statement it is about (when several files describe its node,
        the file that writes that statement), else of the file that first writes its node."""
        statement = (result.focus, result.path, result.value) if result.value else (result.focus, result.path)
        file = self.statements.get(statement, result.file)
        return dataclasses.replace(result, file=file, line=self.lines.get((file, node_key(result.terms["focus"])), 0))

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


def validate_records(
    files: Sequence[str | os.PathLike[str]],
    graph: CareGraph,
    shapes=None,
    *,
    engine: str = "fast",
    sources: Sequence[str | os.PathLike[str]] = (),
) -> Report:
    """Validate the records in ``files`` in the context of ``graph``; report only on the nodes the files describe.

    References to organisations, places, quotations and sources already in ``graph`` resolve; nothing is added
    to ``graph``. Besides the shapes, the records pass the gate (:mod:`caregraph.validate.gate`): every triple
    attested, every quotation found in its source's text (looked for in ``sources``, then the project's source
    folder), every node checked by a shape. Broken Turtle or a malformed calendar term raises
    :class:`~caregraph.errors.InputError`.
    """
    project = project_of(graph)
    shapes = shapes if shapes is not None else project_shapes(project)
    records = _Records(files, graph.project)
    triples = records.triples + records.calendar
    # The records' nodes, not the calendar terms that _Records described for them.
    record_nodes = {
        t.subject
        for t in records.triples
        if not (isinstance(t.subject, ox.NamedNode) and periods.is_calendar_iri(t.subject.value))
    }
    context = record_context(graph.store, triples)
    small = ox.Store()
    small.extend(ox.Quad(t.subject, t.predicate, t.object) for t in context + triples)
    data_graph = records.as_written(context)
    keep = {node_key(n) for n in record_nodes}
    labels = record_labels(small, record_nodes)
    origin = records.origin
    # Every node of the small graph is validated and the results are filtered afterwards: pyshacl's own
    # focus_nodes option also filters the value nodes that sh:node checks, so those checks would pass unseen.
    results = name_missing_values(shacl_results(small, data_graph, shapes, engine, labels, origin, keep), small)
    new_triples = [t for t in triples if t.subject in record_nodes]
    results += record_convention_results(new_triples, graph.store, labels, origin)
    results += _gate_results(records, record_nodes, small, graph.store, shapes, project, sources, labels)
    results = [records.place(r) for r in results]
    return Report(
        sorted(results, key=result_order), records=len(record_nodes), files=records.shown, shapes_graph=shapes
    )


def _gate_results(
    records: _Records,
    record_nodes: set,
    small: ox.Store,
    graph: ox.Store,
    shapes,
    project: Project,
    sources: Sequence[str | os.PathLike[str]],
    labels: dict[str, str],
) -> list[Result]:
    """The provenance rules of `check`, and the rule that every node is checked, as results about the records."""
    origin = records.origin
    results = []
    for t in gate.unattested_triples(records.triples, small, graph):
        results.append(
            convention_result(
                "AttestedTriplesShape",
                t.subject,
                t.predicate,
                t.object,
                f"Nothing attests this statement: no claim states {term_text(t.subject)} {term_text(t.predicate)} "
                f"{term_text(t.object)}, and its subject is not a record derived from a quotation.",
                "Add a cg:Claim with this rdf:subject, rdf:predicate and rdf:object, prov:wasDerivedFrom the "
                "cg:Quotation of the source's words that say it.",
                labels,
                origin,
            )
        )
    quotations = {n.value for n in record_nodes if isinstance(n, ox.NamedNode)}
    cited = {
        t.object
        for t in records.triples
        if t.predicate.value == PROV + "wasQuotedFrom" and isinstance(t.object, ox.NamedNode)
    }
    evidence = ox.Store()
    evidence.extend(ox.Quad(t.subject, t.predicate, t.object) for t in records.triples)
    for source in cited:
        evidence.extend(graph.quads_for_pattern(source, None, None, _DEFAULT))
    for problem in gate.quotation_problems(
        evidence, quotations, _source_folders(project, sources), project.reference_dir
    ):
        node = ox.NamedNode(problem.quotation)
        results.append(
            convention_result(
                "QuotedWordsShape",
                node,
                ox.NamedNode(PROV + "value"),
                ox.Literal(problem.text),
                f"This quotation cannot be verified: {problem.message}.",
                "Copy the words verbatim from the source (white space, quotes, dashes and bullets may differ); a new "
                "source's text goes in the folder given with --sources, named by its cg:sourceFile.",
                labels,
                origin,
            )
        )
    typed = {t.subject for t in small if t.predicate == _TYPE}
    candidates = [
        n for n in record_nodes if isinstance(n, ox.NamedNode) and (n in typed or not n.value.startswith(CGD))
    ]  # an untyped cgd: node is reported already
    for node in gate.untargeted_nodes(small, shapes, candidates):
        kinds = ", ".join(sorted(term_text(t.object) for t in small.quads_for_pattern(node, _TYPE, None, _DEFAULT)))
        results.append(
            convention_result(
                "CheckedRecordsShape",
                node,
                None,
                None,
                f"No shape checks this record, so nothing it says would be checked ({kinds or 'it has no type'}).",
                "Give it a type the ontology declares and the shapes check: cg:IntegratedCareSystem, cg:Claim, "
                "cg:Quotation, cg:Designation …",
                labels,
                origin,
            )
        )
    return results


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
