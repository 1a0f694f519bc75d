"""The one report of `validate` and `check`, SHACL's: results in researchers' words, and its renderers.

A result has SHACL's severity (violation, warning or info) whether a shape, one of caregraph's conventions or a
quality check found it; each format (text, json, tsv, turtle) has one renderer for both commands."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from .. import namespaces
from ..errors import InputError
from ..namespaces import DCTERMS, PREFIXES, PROV, RDF, RDFS, SH, SKOS
from ..rdflib_terms import to_oxigraph_term

_DEFAULT = ox.DefaultGraph()

REPORT_FORMATS = ("text", "json", "tsv", "turtle")
SEVERITIES = ("violation", "warning", "info")  # SHACL's, gravest first
# What fails a validation (exit 1), as ROBOT's --fail-on: results of this severity or a graver one; none: never.
FAIL_ON = ("violation", "warning", "info", "none")


_LABELS = (RDFS + "label", DCTERMS + "title", SKOS + "prefLabel")
SHACL_SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


# --- the report --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One thing wrong with one record, in the words of the shape (or the check) that caught it."""

    focus: str  # the record's node, as a CURIE (or _:id for a blank node)
    label: str  # how the record reads: its display name, or what it is
    path: str  # the property, as a CURIE ("" for a rule about the whole record)
    value: str  # the offending value, as written in Turtle ("" when a value is missing)
    message: str
    severity: str  # "violation", "warning" or "info"
    hint: str
    shape: str  # the shape (or the SPARQL constraint) that caught it, as a CURIE; or the check, by name
    component: str  # the SHACL constraint component, as a CURIE
    file: str = ""  # the file the record came from, when records were given as files
    line: int = 0  # the line of that file where the record's node is first written as a subject
    terms: dict = field(default_factory=dict, compare=False, repr=False)  # RDF terms, for the SHACL report


@dataclass
class Report:
    """The outcome of a validation or of the quality checks: the results, and what was checked."""

    results: list[Result]
    records: int = 0  # how many records (nodes described by the input) were validated
    files: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # the quality checks run, by name
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
        counts = ", ".join(
            f"{self.count(s)} {s}{'' if self.count(s) == 1 else 's'}"
            for s in ("violation", "warning", "info")
            if self.count(s)
        )
        checked = f"{self.records:,} record{'' if self.records == 1 else 's'} checked"
        if self.checks:
            checked = f"{len(self.checks)} check{'' if len(self.checks) == 1 else 's'} run"
        elif self.files:
            checked += f" from {len(self.files)} file{'' if len(self.files) == 1 else 's'}"
        verdict = (
            "conforms"
            if self.conforms
            else "does not conform"
            + (f": {failing:,} record{'' if failing == 1 else 's'} with violations" if failing else "")
        )
        return f"{checked}; {verdict}" + (f" ({counts})" if counts else "")


def node_key(term) -> str:
    """The same string for an oxigraph or rdflib node: its IRI, or ``_:id`` for a blank node."""
    import rdflib

    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def term_text(term) -> str:
    """An rdflib or oxigraph term as a researcher reads it: a CURIE, or a literal as written in Turtle."""
    if term is not None and not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = to_oxigraph_term(term)
    return namespaces.term_text(term, as_written=True)


# --- labels --------------------------------------------------------------------------------------------------


def record_labels(store: ox.Store, nodes: Iterable) -> dict[str, str]:
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
                text = "claim: " + " ".join(term_text(t) for t in triple)
            elif facts.get(PROV + "value"):
                words = min(o.value for o in facts[PROV + "value"])
                text = "quotation: " + json.dumps(words[:70] + ("…" if len(words) > 70 else ""), ensure_ascii=False)
            elif facts.get(RDF + "type"):
                text = "a " + ", ".join(sorted(term_text(t) for t in facts[RDF + "type"]))
        out[node_key(node)] = text
    return out


def with_label(result: Result, labels: dict[str, str]) -> Result:
    label = labels.get(node_key(result.terms["focus"]), "")
    return result if result.label or not label else dataclasses.replace(result, label=label)


def result_order(result: Result) -> tuple:
    return (
        result.file,
        result.focus,
        _SEVERITY_ORDER.get(result.severity, 3),
        result.path,
        result.message,
        result.value,
    )


# --- rendering -----------------------------------------------------------------------------------------------


def render(report: Report, fmt: str = "text") -> str:
    """The report in one of :data:`REPORT_FORMATS`."""
    renderers = {"text": render_text, "json": render_json, "tsv": render_tsv, "turtle": render_turtle}
    if fmt not in renderers:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}")
    return renderers[fmt](report)


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
    summary: dict[str, object] = {"records": report.records, "files": report.files}
    if report.checks:
        summary["checks"] = report.checks
    summary |= {
        "violations": report.count("violation"),
        "warnings": report.count("warning"),
        "infos": report.count("info"),
    }
    document = {
        "conforms": report.conforms,
        "summary": summary,
        "results": [{k: v for k, v in asdict(r).items() if k != "terms"} for r in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_TSV_COLUMNS = ("severity", "shape", "focus", "path", "value", "message", "file", "line")


def render_tsv(report: Report) -> str:
    """One result a line, for spreadsheets and shell tools: tabs and line breaks inside a field become spaces."""

    def field_text(value: object) -> str:
        return str(value).replace("\t", " ").replace("\n", " ")

    rows = ["\t".join(_TSV_COLUMNS)]
    rows += ["\t".join(field_text(getattr(r, column) or "") for column in _TSV_COLUMNS) for r in report.results]
    return "\n".join(rows) + "\n"


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
