"""What a page shows, gathered from the graph: an entity, a term of the vocabulary, a source.

The SPARQL lives in ``caregraph/web/queries/*.rq`` (one question per file, headed like the stored queries) and runs
through :mod:`caregraph.query`, whose typed binding puts the IRI of the page's subject into each query's VALUES
block. The functions here turn the rows into plain objects that the templates lay out; they know nothing of HTTP,
so the web server and ``caregraph docs`` show the same things.

Who says so follows the rule of :mod:`caregraph.provenance`: a statement rests on the quotations of the claims that
reify it, or, when its subject is a sourced record, on the record's own quotations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ..graph import CareGraph, load_turtle
from ..namespaces import CG, CGD, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, TIME, curie
from ..periods import is_calendar_iri
from ..query import Query, Term as Node, run_embedded

QUERIES = Path(__file__).parent / "queries"

NAME_PREDICATES = (
    SKOS + "prefLabel",
    RDFS + "label",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    DCTERMS + "title",
    "https://schema.org/name",
    FOAF + "name",
)
"""Predicates whose objects are names of their subject: the page shows them first, under "Names"."""

SOURCE_KINDS = (CG + "SourceDocument", CG + "ReferenceDataset")

_LINE = re.compile(r"\bline (\d+)")


@cache
def page_query(name: str) -> Query:
    """One of the page queries in ``caregraph/web/queries/``, read and checked once."""
    return Query.from_file(QUERIES / f"{name}.rq", slug=name, display=f"caregraph/web/queries/{name}.rq")


class Row:
    """One answer of a page query: ``row[name]`` is the term a variable the query always binds holds,
    ``row.get(name)`` that of one it may leave unbound (or None), ``row.text(name)`` its words, '' for nothing."""

    __slots__ = ("_terms",)

    def __init__(self, terms: dict[str, Node | None]) -> None:
        self._terms = terms

    def __getitem__(self, name: str) -> Node:
        term = self._terms[name]
        if term is None:
            raise KeyError(f"?{name} is unbound in this row")
        return term

    def get(self, name: str) -> Node | None:
        return self._terms[name]

    def text(self, name: str) -> str:
        """A literal's words, an IRI's text; '' for nothing."""
        term = self._terms[name]
        return "" if term is None else term.value


def rows(graph: CareGraph, name: str, **params: str | Iterable[str]) -> list[Row]:
    """The rows of page query ``name`` on ``graph``, with each parameter bound to a value or a list of values
    (full IRIs for the parameters of type iri)."""
    query = page_query(name)
    values = {}
    for parameter, given in params.items():
        texts = [given] if isinstance(given, str) else list(given)
        values[parameter] = [f"<{v}>" for v in texts] if query.parameters[parameter].type == "iri" else texts
    result = run_embedded(graph, query.bind(values))
    return [Row(dict(zip(result.variables, row, strict=True))) for row in result.rows]


# --- the pieces every page shows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quotation:
    """One quotation behind a statement: the source's words and where they stand in it."""

    iri: str
    source: str
    locator: str
    words: str

    @property
    def order(self) -> tuple:
        """Where the words stand in their source: by the line the locator names, then by the locator's text."""
        line = _LINE.search(self.locator)
        return (int(line.group(1)) if line else 0, self.locator, self.iri)


@dataclass
class Statement:
    """A statement shown on a page (``subject predicate object``) and who says so."""

    predicate: str
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    asserted: bool = True
    start: str = ""
    quotations: list[Quotation] = field(default_factory=list)
    publisher_of: list[str] = field(default_factory=list)
    """The sources that name the subject as their publisher, which attest its type and label (see
    :mod:`caregraph.provenance`)."""


class Labels:
    """The names pages show for IRIs, looked up in batches with ``labels.rq``; an IRI without one shows its CURIE."""

    def __init__(self, graph) -> None:
        self.graph = graph
        self.known: dict[str, str] = {}

    def fetch(self, iris) -> None:
        wanted = sorted({i for i in iris if i and i not in self.known})
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            for row in rows(self.graph, "labels", thing=batch):
                self.known[row["thing"].value] = row["label"].value[1:]  # the label after its language rank
            for iri in batch:
                self.known.setdefault(iri, "")

    def __call__(self, iri: str) -> str:
        if iri not in self.known:
            self.fetch([iri])
        return self.known[iri] or unlabelled(iri)


def unlabelled(iri: str) -> str:
    """What a page calls a thing without a label: a record by its name in caregraph (``designation-001-dorset``),
    a built-in term by its words (``rdfs:label`` → "label", ``rdf:type`` → "type"), anything else by its CURIE."""
    if iri.startswith(CGD):
        return iri[len(CGD) :]
    if iri.startswith((RDF, RDFS)):
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", iri.rsplit("#", 1)[1]).lower()
    return curie(iri)


def exists(graph, iri: str) -> bool:
    """Whether the graph says anything about ``iri`` or points at it (False for text that is not an IRI)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    for _ in graph.store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
        return True
    for _ in graph.store.quads_for_pattern(None, None, node, ox.DefaultGraph()):
        return True
    return False


def is_source(graph, iri: str) -> bool:
    node, rdf_type = ox.NamedNode(iri), ox.NamedNode(RDF + "type")
    return any(q.object.value in SOURCE_KINDS for q in graph.store.quads_for_pattern(node, rdf_type, None))


# --- entities ----------------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """A record that points at the entity (``record predicate entity``), its date and who says so."""

    record: str
    predicate: str
    date: str = ""
    start: str = ""
    quotations: list[Quotation] = field(default_factory=list)
    evidence: bool = False
    """The record is a source document or dataset, whose own description is its evidence."""


@dataclass
class Entity:
    iri: str
    names: list[Statement]
    types: list[Statement]
    groups: list[tuple[str, list[Statement]]]
    """The other facts, grouped by predicate: (predicate, statements), in the vocabulary's order."""
    references: list[Reference]
    dated: str = ""
    """The period the entity itself is dated to (a dated footprint, a membership), as the calendar names it."""
    record_quotations: list[Quotation] = field(default_factory=list)
    """When the entity is a sourced record, the quotations every one of its statements rests on."""
    calendar: bool = False
    """A calendar term, which caregraph describes from its IRI and which needs no source."""

    def history(self, references: list[Reference] | None = None) -> list[tuple[str, str, object]]:
        """Dated things, earliest first: (first day, kind, the fact or the reference). ``references`` limits the
        records to those shown (one page of a long list)."""
        events: list[tuple[str, str, object]] = []
        if self.calendar:
            return events  # every record that points at a period is dated by it: a history would repeat them
        for _, statements in self.groups:
            events += [(s.start, "fact", s) for s in statements if s.start]
        shown = self.references if references is None else references
        events += [(r.start, "reference", r) for r in shown if r.start]
        return sorted(events, key=lambda e: (e[0], e[1]))

    @property
    def sources(self) -> list[str]:
        """Every source that says something on the page, sorted."""
        found = {
            q.source for s in [*self.names, *self.types, *(s for _, g in self.groups for s in g)] for q in s.quotations
        } | {q.source for q in self.record_quotations}
        found |= {q.source for r in self.references for q in r.quotations}
        return sorted(found)


def quotations(graph, iris) -> dict[str, Quotation]:
    """Quotation IRI → :class:`Quotation`, for the given quotations."""
    found = {}
    for batch in _batches(iris):
        for row in rows(graph, "quotations", quote=batch):
            quotation = Quotation(row["quote"].value, row["source"].value, row.text("locator"), row.text("words"))
            found[quotation.iri] = quotation
    return found


def derived_from(graph, records) -> dict[str, list[str]]:
    """Record IRI → the quotations it is derived from, for those of the given records that are sourced."""
    found: dict[str, list[str]] = defaultdict(list)
    for batch in _batches(records):
        for row in rows(graph, "derived-from", record=batch):
            found[row["record"].value].append(row["quote"].value)
    return found


def _batches(iris, size: int = 500):
    iris = sorted(set(iris))
    for start in range(0, len(iris), size):
        yield iris[start : start + size]


def describe_entity(graph, iri: str, shown: slice = slice(None)) -> Entity:
    """What the page of ``iri`` shows: names, types, facts by kind, records pointing at it, who says so.

    Every record that points at the entity is listed, in date order; who says so is looked up only for the
    ``shown`` ones (the page of a long list being shown).
    """
    statements: dict[tuple, Statement] = {}
    for row in rows(graph, "entity-facts", entity=iri):
        key = (row["predicate"].value, row["object"])
        if key not in statements:
            statements[key] = Statement(
                row["predicate"].value, row["object"], asserted=row["asserted"].value == "true", start=row.text("start")
            )
    found_references: dict[tuple[str, str], Reference] = {}
    for row in rows(graph, "entity-references", entity=iri):
        if isinstance(row.get("record"), ox.NamedNode):  # a blank node has no page; the Turtle description shows it
            record, predicate = row["record"].value, row["predicate"].value
            found_references.setdefault(
                (record, predicate), Reference(record, predicate, row.text("date"), row.text("start"))
            )
    references = sorted(found_references.values(), key=lambda r: (r.start or "9999", r.predicate, r.record))
    # Who says so: the claims that reify a statement, and the quotations of its subject when that is a record.
    claimed: dict[tuple, list[str]] = defaultdict(list)
    for row in rows(graph, "entity-claims", entity=iri):
        claimed[(row["subject"], row["predicate"].value, row["object"])].append(row["quote"].value)
    records = derived_from(graph, [iri, *(r.record for r in references[shown])])
    node = ox.NamedNode(iri)
    # A sourced record's own quotations stand behind each of its statements: the page shows them once.
    behind = {key: claimed.get((node, *key), []) for key in statements}
    behind_references = {
        (r.record, r.predicate): claimed.get((ox.NamedNode(r.record), r.predicate, node), [])
        + records.get(r.record, [])
        for r in references[shown]
    }
    found = quotations(
        graph, [q for qs in [*behind.values(), *behind_references.values(), records.get(iri, [])] for q in qs]
    )

    def ordered(iris: list[str]) -> list[Quotation]:
        return sorted({found[q] for q in iris if q in found}, key=lambda q: (q.source, q.order))

    for reference in references[shown]:
        reference.evidence = is_source(graph, reference.record)
    publishers = [r.record for r in references if r.predicate == DCTERMS + "publisher" and is_source(graph, r.record)]
    for key, statement in statements.items():
        statement.quotations = ordered(behind[key])
        if statement.predicate in (RDF + "type", RDFS + "label"):
            statement.publisher_of = publishers
    for reference in references[shown]:
        reference.quotations = ordered(behind_references[(reference.record, reference.predicate)])
    names = [s for s in statements.values() if s.predicate in NAME_PREDICATES]
    names.sort(key=lambda s: (NAME_PREDICATES.index(s.predicate), s.object.value))
    types = [s for s in statements.values() if s.predicate == RDF + "type"]
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for statement in statements.values():
        if statement.predicate not in NAME_PREDICATES and statement.predicate != RDF + "type":
            grouped[statement.predicate].append(statement)
    dated = next((s.object.value for s in grouped.get(TIME + "hasTime", [])), "")
    return Entity(
        iri,
        names,
        types,
        sorted(grouped.items()),
        references,
        dated,
        ordered(records.get(iri, [])),
        is_calendar_iri(iri),
    )


def entity_turtle(graph, iri: str, media_type: str) -> bytes:
    """The entity's description (its statements, the claims about it, their quotations) as Turtle or JSON-LD."""
    result = run_embedded(graph, page_query("entity-description").bind({"entity": f"<{iri}>"}))
    return result.serialize("json" if media_type == "application/ld+json" else "turtle")


# --- the vocabulary ----------------------------------------------------------------------------------------------


@dataclass
class Shape:
    iri: str
    owner: str
    name: str
    description: str
    message: str
    severity: str


TERM_LINKS = (
    ("Sub-class of", RDFS + "subClassOf"),
    ("Sub-property of", RDFS + "subPropertyOf"),
    ("Domain", RDFS + "domain"),
    ("Range", RDFS + "range"),
    ("Inverse of", OWL + "inverseOf"),
    ("In concept scheme", SKOS + "inScheme"),
    ("Broader concept", SKOS + "broader"),
)
"""What a term's page shows of the statements about it, in this order."""

TERM_NEIGHBOURS = (
    ("Sub-classes", RDFS + "subClassOf"),
    ("Sub-properties", RDFS + "subPropertyOf"),
    ("Properties whose domain it is", RDFS + "domain"),
    ("Properties whose range it is", RDFS + "range"),
    ("Inverse of", OWL + "inverseOf"),
    ("Concepts", SKOS + "inScheme"),
    ("Narrower concepts", SKOS + "broader"),
)
"""What a term's page shows of the terms that point at it (term-neighbours.rq), in this order."""


@dataclass
class Term:
    iri: str
    kind: str
    statements: list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]
    neighbours: dict[str, list[str]]
    """Terms that point at this one, by how: subClassOf (its sub-classes), domain, range …"""
    shapes: list[Shape]
    usage: int
    examples: list[str]

    def values(self, predicate: str) -> list:
        return [o for p, o in self.statements if p == predicate]


def shapes_store(graph) -> ox.Store:
    """The SHACL shapes of the graph's project (ontology/shapes/), which the graph itself does not hold."""
    store = ox.Store()
    if graph.project is not None:
        for path in graph.project.shape_files():
            load_turtle(store, path, display=graph.project.relative(path))
    return store


def term_kind(statements) -> str:
    types = {o.value for p, o in statements if p == RDF + "type"}
    if types & {OWL + "Class", RDFS + "Class"}:
        return "class"
    if types & {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property"}:
        return "property"
    if SKOS + "ConceptScheme" in types:
        return "concept scheme"
    return "concept" if SKOS + "Concept" in types else "term"


def describe_term(graph, iri: str, shapes: ox.Store, examples: int = 8) -> Term:
    statements = [(r["predicate"].value, r["object"]) for r in rows(graph, "description", thing=iri)]
    neighbours: dict[str, list[str]] = defaultdict(list)
    for row in rows(graph, "term-neighbours", term=iri):
        if isinstance(row.get("neighbour"), ox.NamedNode):
            neighbours[row["predicate"].value].append(row["neighbour"].value)
    usage = [r["thing"].value for r in rows(graph, "term-usage", term=iri) if isinstance(r.get("thing"), ox.NamedNode)]

    found: dict[str, Shape] = {}
    for row in rows(CareGraph(shapes), "term-shapes", term=iri):
        key = row.text("shape") if isinstance(row.get("shape"), ox.NamedNode) else f"{row.text('owner')} {iri}"
        found.setdefault(
            key,
            Shape(
                key if isinstance(row.get("shape"), ox.NamedNode) else "",
                row.text("owner"),
                row.text("name"),
                row.text("description"),
                row.text("message"),
                row.text("severity"),
            ),
        )
    return Term(
        iri, term_kind(statements), statements, dict(neighbours), list(found.values()), len(usage), usage[:examples]
    )


def vocabulary(graph) -> list[dict]:
    """Every class and property of the cg: namespace: term, kind, label, definition."""
    return [
        {"term": r["term"].value, "kind": r["kind"].value, "label": r.text("label"), "definition": r.text("definition")}
        for r in rows(graph, "vocabulary")
    ]


def class_relations(graph) -> list[tuple[str, str, str]]:
    return [(r["from"].value, r["link"].value, r["to"].value) for r in rows(graph, "class-relations")]


# --- sources -----------------------------------------------------------------------------------------------------


@dataclass
class Quoted:
    """One quotation of a source and the statements derived from it."""

    quotation: Quotation
    statements: list[tuple[str, str, ox.NamedNode | ox.BlankNode | ox.Literal, bool]] = field(default_factory=list)
    """(subject, predicate, object, asserted) of each claim; for a sourced record (record, rdf:type, its kind)."""


def sources(graph) -> list[dict]:
    """Every source document and reference dataset: source, kind, title, number of quotations."""
    return [
        {
            "source": r["source"].value,
            "kind": r["kind"].value,
            "title": r.text("title"),
            "quotations": int(r["quotations"].value),
        }
        for r in rows(graph, "sources")
    ]


def source_quotations(graph: CareGraph, iri: str) -> tuple[list[tuple[str, Node]], list[Quoted]]:
    """A source's metadata (predicate, object) and its quotations in the order they stand in it; what rests on
    each is added by :func:`add_derived` for the quotations a page shows."""
    first = (RDF + "type", DCTERMS + "title")
    metadata = sorted(
        ((r["predicate"].value, r["object"]) for r in rows(graph, "description", thing=iri)),
        key=lambda m: (first.index(m[0]) if m[0] in first else len(first), m[0]),
    )
    quoted = [
        Quoted(Quotation(r["quote"].value, iri, r.text("locator"), r.text("words")))
        for r in rows(graph, "source-quotations", source=iri)
    ]
    return metadata, sorted(quoted, key=lambda q: q.quotation.order)


def add_derived(graph, entries: list[Quoted]) -> None:
    """Add to each quotation the statements derived from it: a claim's triple, or a sourced record and its kind."""
    by_iri = {entry.quotation.iri: entry for entry in entries}
    records: dict[str, list[str]] = defaultdict(list)
    for batch in _batches(by_iri):
        for row in rows(graph, "derived-statements", quote=batch):
            entry = by_iri[row["quote"].value]
            if row.get("subject") is not None:
                entry.statements.append(
                    (row["subject"].value, row["predicate"].value, row["object"], row["asserted"].value == "true")
                )
            elif isinstance(row.get("statement"), ox.NamedNode):
                records[row["statement"].value].append(entry.quotation.iri)
    for batch in _batches(records):
        for row in rows(graph, "types", thing=batch):
            for quote in records[row["thing"].value]:
                by_iri[quote].statements.append((row["thing"].value, RDF + "type", row["type"], True))


def local_name(iri: str) -> str:
    """The part of a caregraph IRI after its namespace: ``…/id/system-dorset`` → ``system-dorset``."""
    for namespace in (CGD, CG):
        if iri.startswith(namespace):
            return iri[len(namespace) :]
    return iri
