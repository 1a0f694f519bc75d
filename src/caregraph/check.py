"""Quality checks of the ontology and data, in the manner of ROBOT's report.

Each check finds offending ``(entity, property, value)`` rows and has a severity, SHACL's: violation, warning or
info, as `validate` reports them. Most checks
are SPARQL files in ``ontology/checks/`` headed by ``#+ summary:``, ``#+ severity:``, ``#+ fix:`` and
``#+ description:`` comments; the ones that need more than one query — or files other than the graph — are Python
functions below with the same metadata. :func:`run_checks` runs them all and returns the report `validate` returns
(:class:`caregraph.validate.Report`), one result per finding; it fails when a result reaches the ``fail_on``
severity (violation by default). There are no warning-only completeness checks: a missing label or definition is a
violation.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, ParseError
from .graph import CareGraph, data_triples, parse_turtle, select
from .namespaces import PROV, curie, term_text
from .project import Project
from .provenance import unattested, verify_quotations
from .query.header import CHECK_FIELDS, parse_header
from .reasoner import inconsistencies, materialise
from .sparql import error_position, iris_used
from .validate.conventions import has_blank_node
from .validate.report import SEVERITIES, Report, Result, result_order
from .vocabulary import Vocabulary, terms_used


@dataclass(frozen=True)
class Check:
    name: str
    summary: str
    severity: str
    fix: str
    description: str = ""
    sparql: str | None = None
    function: Callable[[_Context], Iterable[Result]] | None = field(default=None, compare=False)


@dataclass
class _Context:
    graph: CareGraph
    project: Project
    sources_dir: Path | None
    _data_triples: list[ox.Triple] | None = None

    @property
    def data_triples(self) -> list[ox.Triple]:
        """The triples of data/, parsed once for all the checks that need them."""
        if self._data_triples is None:
            self._data_triples = data_triples(self.project)
        return self._data_triples


# --- stored (SPARQL) checks ------------------------------------------------------------------------------------


def _read_stored_check(path: Path) -> Check:
    text = path.read_text(encoding="utf-8")
    fields = parse_header(text, str(path), CHECK_FIELDS, required=("summary", "severity", "fix"), kind="check").fields
    if fields["severity"] not in SEVERITIES:
        raise ParseError(path, f"severity {fields['severity']!r} is not one of {', '.join(SEVERITIES)}")
    return Check(
        path.stem, fields["summary"], fields["severity"], fields["fix"], fields.get("description", ""), sparql=text
    )


def _finding(check: Check, entity, prop=None, value=None, detail: str = "") -> Result:
    """One finding of ``check`` as a result of the report; terms are shown as `validate` shows them."""

    def text(term) -> str:
        return term if isinstance(term, str) else term_text(term, as_written=True)

    return Result(
        focus=text(entity),
        label="",
        path=text(prop),
        value=text(value),
        message=check.summary + (f": {detail}" if detail else ""),
        severity=check.severity,
        hint=check.fix,
        shape=check.name,
        component="",
    )


def _run_stored(check: Check, sparql: str, context: _Context) -> Iterable[Result]:
    try:
        solutions = select(context.graph.store, sparql)
    except SyntaxError as error:
        path = context.project.relative(context.project.checks_dir / f"{check.name}.rq")
        raise ParseError(path, *error_position(str(error))) from None
    for solution in solutions:
        yield _finding(check, solution["entity"], solution["property"], solution["value"])


# --- checks in Python -----------------------------------------------------------------------------------------


def _undeclared_terms(context: _Context) -> Iterable[Result]:
    """Terms of caregraph's or a reused vocabulary's namespace that the ontology does not declare."""
    store = context.graph.store
    vocabulary = Vocabulary.of(store)
    used = {term.value: "the graph" for term in terms_used(store)}
    for path in context.project.shape_files():
        for triple in parse_turtle(path, display=context.project.relative(path)):
            for term in triple:
                if isinstance(term, ox.NamedNode):
                    used.setdefault(term.value, context.project.relative(path))
    for path in sorted(context.project.queries_dir.glob("*.rq")) + sorted(context.project.checks_dir.glob("*.rq")):
        for iri in iris_used(path.read_text(encoding="utf-8")):
            used.setdefault(iri, context.project.relative(path))
    for iri in sorted(used):
        close = vocabulary.undeclared(iri)
        if close is not None:
            yield _finding(
                _PYTHON_CHECKS["undeclared-term"],
                curie(iri),
                detail=f"used in {used[iri]}" + (f"; did you mean {' or '.join(close)}?" if close else ""),
            )


def _unattested_triples(context: _Context) -> Iterable[Result]:
    for triple in unattested(context.graph.store, context.data_triples):
        yield _finding(_PYTHON_CHECKS["unattested-triple"], triple.subject, triple.predicate, triple.object)


def _blank_nodes(context: _Context) -> Iterable[Result]:
    for triple in context.data_triples:
        if has_blank_node(triple):
            yield _finding(_PYTHON_CHECKS["blank-node-in-data"], triple.subject, triple.predicate, triple.object)


def _quotations(context: _Context) -> Iterable[Result]:
    if context.sources_dir is None:
        return
    _, problems = verify_quotations(context.graph.store, context.sources_dir, context.project.reference_dir)
    for problem in problems:
        yield _finding(
            _PYTHON_CHECKS["quotation-not-in-source"],
            ox.NamedNode(problem.quotation),
            ox.NamedNode(PROV + "value"),
            ox.Literal(problem.text[:80]),
            detail=problem.message,
        )


def _reasoner(context: _Context) -> Iterable[Result]:
    """Materialise the OWL 2 RL closure; an individual in two disjoint classes or in owl:Nothing is an error."""
    for problem in inconsistencies(materialise(context.graph.triples())):
        yield _finding(
            _PYTHON_CHECKS["reasoner-inconsistency"],
            curie(problem.individual),
            "rdf:type",
            " and ".join(curie(c) for c in problem.classes),
        )


_PYTHON_CHECKS: dict[str, Check] = {
    check.name: check
    for check in [
        Check(
            "undeclared-term",
            "A term of caregraph's or a reused vocabulary's namespace is not declared",
            "violation",
            "Declare the term in the ontology (cg:) or ontology/external.ttl, or correct its spelling.",
            "Every cg:, org:, prov:, time:, skos:, dcterms:, foaf:, schema: and dcat: term used in the graph, the "
            "shapes or the stored queries must be declared.",
            function=_undeclared_terms,
        ),
        Check(
            "unattested-triple",
            "A triple of data/ is not attested by a source",
            "violation",
            "Add a cg:Claim reifying the triple, or make its subject a sourced record, derived from a quotation.",
            "Every statement needs a source and a verbatim quotation (data/README.md).",
            function=_unattested_triples,
        ),
        Check(
            "blank-node-in-data",
            "data/ contains a blank node",
            "violation",
            "Give the node an IRI under cgd:, so claims can point at it and exports stay deterministic.",
            function=_blank_nodes,
        ),
        Check(
            "quotation-not-in-source",
            "A quotation does not occur in its source",
            "violation",
            "Copy the words verbatim from the source (white space, quotes, dashes and bullets may differ).",
            function=_quotations,
        ),
        Check(
            "reasoner-inconsistency",
            "The OWL 2 RL closure is inconsistent",
            "violation",
            "Look at the named individual's types: it belongs to two disjoint classes, or to owl:Nothing.",
            function=_reasoner,
        ),
    ]
}


def load_checks(project: Project) -> list[Check]:
    """Every check: the stored ones in ontology/checks/, then the Python ones, sorted by name."""
    stored = [_read_stored_check(path) for path in sorted(project.checks_dir.glob("*.rq"))]
    return sorted(stored + list(_PYTHON_CHECKS.values()), key=lambda c: c.name)


def run_checks(
    graph: CareGraph,
    project: Project,
    *,
    sources_dir: Path | None = None,
    skip: Iterable[str] = (),
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run every check not in ``skip``; without ``sources_dir`` the quotation check cannot run and is refused."""
    checks = load_checks(project)
    names = {c.name for c in checks}
    unknown = [s for s in skip if s not in names]
    if unknown:
        from .errors import UnknownTermError

        raise UnknownTermError("check", unknown[0], difflib.get_close_matches(unknown[0], names, n=2))
    if sources_dir is None and "quotation-not-in-source" not in skip:
        raise InputError(
            "the quotation check needs the source texts", hint="pass --sources DIR, or --skip quotation-not-in-source"
        )

    context = _Context(graph, project, sources_dir)
    results: list[Result] = []
    selected = [c for c in checks if c.name not in skip]
    for check in selected:
        if progress:
            progress(f"check {check.name}")
        if check.sparql is not None:
            results.extend(_run_stored(check, check.sparql, context))
        elif check.function is not None:
            results.extend(check.function(context))
    return Report(sorted(results, key=result_order), checks=[c.name for c in selected])
