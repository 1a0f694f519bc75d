"""Pages as HTML: the templates of ``caregraph/web/templates/`` filled with what :mod:`.describe` gathers.

One :class:`Site` renders for the web server (links ``/id/X``, long lists paged) and for ``caregraph docs``
(links relative to the page, ``../id/X.html``, every list whole), so both show the same pages.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..namespaces import CG, CGD, curie
from . import describe
from .diagram import class_diagram

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = Path(__file__).parent / "static" / "pages.css"

_QUOTED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")

PAGE_SIZE = 50
"""Rows per page of a long list (the records pointing at an entity, the quotations of a dataset)."""


@dataclass
class Paging:
    """One page of a long list: its rows, its number (from 1), how many pages, and the links to its neighbours."""

    rows: list
    number: int
    pages: int
    total: int
    previous: str = ""
    next: str = ""


def page_of(items: list, number: int, size: int | None, address: str) -> Paging:
    """Page ``number`` of ``items`` (all of them when ``size`` is None); ``address`` is the page's own link."""
    if size is None:
        return Paging(items, 1, 1, len(items))
    pages = max(1, math.ceil(len(items) / size))
    number = min(max(number, 1), pages)
    paging = Paging(items[(number - 1) * size : number * size], number, pages, len(items))
    if number > 1:
        paging.previous = f"{address}?page={number - 1}"
    if number < pages:
        paging.next = f"{address}?page={number + 1}"
    return paging


class NotFound(Exception):
    """No page for this name; carries the closest names that have one."""

    def __init__(self, kind: str, name: str, suggestions: list[tuple[str, str]]):
        super().__init__(f"no {kind} {name!r}")
        self.kind, self.name, self.suggestions = kind, name, suggestions


class Site:
    """Renders caregraph's pages from one graph.

    ``static`` pages link to each other as relative ``.html`` files one folder deep (``def/``, ``id/``,
    ``sources/``) and show lists whole; served pages use absolute paths and page their long lists.
    """

    def __init__(self, graph, *, static: bool = False) -> None:
        self.graph = graph
        self.static = static
        self.labels = describe.Labels(graph)
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True
        )
        self.environment.globals.update(show=self.show, href=self.href, label=self.labels, curie=curie)
        self._shapes: ox.Store | None = None
        self._sources: list[dict] | None = None
        self._names: dict[str, list[str]] = {}
        self.published: set[str] | None = None
        """For static pages: the pages written (``id/X``, ``def/T``, ``sources/X``), the only ones linked to."""

    # --- links -------------------------------------------------------------------------------------------------

    def _root(self, depth: int) -> str:
        return "../" * depth if self.static else "/"

    def href(self, iri: str, depth: int = 1) -> str:
        """Where a page links to ``iri``: its own page for a caregraph entity, term or source (a quotation: its
        place on its source's page), else the IRI itself; '' for a static page that was not written."""
        root, suffix = self._root(depth), ".html" if self.static else ""
        if iri.startswith(CGD):
            source = self._quoted_from(iri)
            if source:
                return f"{self.href(source, depth)}#{iri[len(CGD) :]}"
            folder = "sources" if iri in self.source_iris else "id"
            address = f"{folder}/{iri[len(CGD) :]}"
        elif iri.startswith(CG):
            address = f"def/{iri[len(CG) :]}"
        else:
            return iri
        if self.published is not None and address not in self.published:
            return ""
        return f"{root}{address}{suffix}"

    def _quoted_from(self, iri: str) -> str:
        for quad in self.graph.store.quads_for_pattern(ox.NamedNode(iri), _QUOTED_FROM, None, ox.DefaultGraph()):
            return quad.object.value
        return ""

    def show(self, term, depth: int = 1) -> Markup:
        """A term as HTML: a link named by its label for an IRI, the words (and language) of a literal."""
        if term is None:
            return Markup("")
        if isinstance(term, str):
            term = ox.NamedNode(term)
        if isinstance(term, ox.NamedNode):
            iri, link = term.value, self.href(term.value, depth)
            if not link:
                return Markup('<span title="{}">{}</span>').format(curie(iri), self.labels(iri))
            return Markup('<a href="{}" title="{}">{}</a>').format(link, curie(iri), self.labels(iri))
        if isinstance(term, ox.BlankNode):
            return Markup("<span class=blank>(an unnamed node)</span>")
        return escape(term.value)

    @property
    def source_iris(self) -> set[str]:
        return {s["source"] for s in self.sources}

    @property
    def sources(self) -> list[dict]:
        if self._sources is None:
            self._sources = describe.sources(self.graph)
            self.labels.fetch(s["source"] for s in self._sources)
        return self._sources

    def _render(self, template: str, depth: int, **context) -> str:
        return self.environment.get_template(template).render(
            root=self._root(depth),
            static=self.static,
            depth=depth,
            sources=self.sources,
            suffix=".html" if self.static else "",
            **context,
        )

    # --- unknown names -----------------------------------------------------------------------------------------

    def known(self, namespace: str) -> list[str]:
        """The local names of every IRI of ``namespace`` that the graph says something about."""
        if namespace not in self._names:
            found = describe.rows(self.graph, "names", namespace=namespace)
            self._names[namespace] = [row["thing"].value[len(namespace) :] for row in found]
        return self._names[namespace]

    def not_found(self, kind: str, namespace: str, name: str) -> NotFound:
        known = self.known(namespace)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        close += [k for k in known if name.lower() in k.lower() and k not in close][: 5 - len(close)]
        return NotFound(kind, name, [(self.href(namespace + c), c) for c in close])

    def render_not_found(self, error: NotFound) -> str:
        return self._render("not_found.html", 1, error=error)

    # --- pages -------------------------------------------------------------------------------------------------

    def entity(self, local: str, page: int = 1) -> str:
        iri = CGD + local
        if not describe.exists(self.graph, iri):
            raise self.not_found("entity", CGD, local)
        size = None if self.static else PAGE_SIZE
        shown = slice(None) if size is None else slice((page - 1) * size, page * size)
        entity = describe.describe_entity(self.graph, iri, shown)
        references = page_of(entity.references, page, size, self.href(iri))
        if size is not None and references.number != page:  # a page past the end shows the last, with its sources
            entity = describe.describe_entity(
                self.graph, iri, slice((references.number - 1) * size, references.number * size)
            )
            references = page_of(entity.references, references.number, size, self.href(iri))
        self.labels.fetch(self._mentioned(entity, references.rows))
        return self._render("entity.html", 1, entity=entity, references=references, iri=iri, title=self.labels(iri))

    def _mentioned(self, entity: describe.Entity, references: list[describe.Reference]) -> list[str]:
        iris = [entity.iri, entity.dated]
        for statement in [*entity.names, *entity.types, *(s for _, g in entity.groups for s in g)]:
            iris.append(statement.predicate)
            if isinstance(statement.object, ox.NamedNode):
                iris.append(statement.object.value)
        for reference in references:
            iris += [reference.record, reference.predicate, reference.date]
        return [i for i in iris if i]

    def term(self, name: str) -> str:
        iri = CG + name
        if not describe.exists(self.graph, iri):
            raise self.not_found("term", CG, name)
        if self._shapes is None:
            self._shapes = describe.shapes_store(self.graph)
        term = describe.describe_term(self.graph, iri, self._shapes)
        iris = [p for p, _ in term.statements] + [o.value for _, o in term.statements if isinstance(o, ox.NamedNode)]
        iris += [n for ns in term.neighbours.values() for n in ns] + term.examples
        self.labels.fetch(iris)
        return self._render("term.html", 1, term=term, iri=iri, title=self.labels(iri), describe=describe)

    def vocabulary(self) -> str:
        terms = describe.vocabulary(self.graph)
        svg = class_diagram(describe.class_relations(self.graph), self.labels, lambda iri: self.href(iri, 1))
        return self._render("vocabulary.html", 1, terms=terms, diagram=Markup(svg), title="The vocabulary")

    def source(self, local: str, page: int = 1) -> str:
        iri = CGD + local
        if iri not in self.source_iris:
            names = [describe.local_name(s["source"]) for s in self.sources]
            close = difflib.get_close_matches(local, names, n=3, cutoff=0.5)
            raise NotFound("source", local, [(self.href(CGD + name), name) for name in close])
        metadata, quoted = describe.source_quotations(self.graph, iri)
        quotations = page_of(quoted, page, None if self.static else PAGE_SIZE, self.href(iri))
        describe.add_derived(self.graph, quotations.rows)
        iris = [p for p, _ in metadata] + [o.value for _, o in metadata if isinstance(o, ox.NamedNode)]
        for entry in quotations.rows:
            for subject, predicate, obj, _ in entry.statements:
                iris += [subject, predicate] + ([obj.value] if isinstance(obj, ox.NamedNode) else [])
        self.labels.fetch(iris)
        return self._render("source.html", 1, iri=iri, metadata=metadata, quotations=quotations, title=self.labels(iri))

    def source_index(self) -> str:
        return self._render("sources.html", 1, title="Sources")

    def index(self) -> str:
        """The front page of the static pages (the server's front page is the query UI)."""
        example = CGD + "system-berkshire-west"
        return self._render(
            "index.html", 0, title="caregraph", example=example if describe.exists(self.graph, example) else None
        )
