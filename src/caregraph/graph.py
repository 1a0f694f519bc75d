"""Loading and building the caregraph graph.

The graph is held in a pyoxigraph store: parsing and SPARQL there are an order of magnitude faster than in
rdflib (see bench/). rdflib is used only where a library needs it (pyshacl, the OWL-RL reasoner), through
:meth:`CareGraph.to_rdflib`, and is never imported on the query path.

Loading the shipped graph parses every Turtle file of the project once and keeps the result as an on-disk store
in the cache folder (``CAREGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/caregraph``), keyed on the contents of the
files and checked on every open (:mod:`caregraph.cache`); later loads open that store read-only, so a command-line
query starts in milliseconds. The cache is only an optimisation: if it cannot be written the graph is simply built
in memory, and a damaged entry is discarded and rebuilt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .cache import cache_root
from .errors import InputError, ParseError
from .project import Project

# shutil, tempfile and caregraph.periods are imported where a graph is built or cached, not here: a
# command-line query that opens the cached store never needs them, and every import adds to its start-up.


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""What a triple's object may be, as pyoxigraph types it (a quoted triple too, in RDF 1.2)."""


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query; an ASK or CONSTRUCT query here is bad input, not solutions."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError("expected a SELECT query", hint="the query returns no table of solutions")
    return solutions


def _to_term(value: str | tuple[str, str]) -> ox.NamedNode | ox.Literal:
    if isinstance(value, tuple):
        lexical, tag = value
        if tag.startswith("http"):
            return ox.Literal(lexical, datatype=ox.NamedNode(tag))
        return ox.Literal(lexical, language=tag)
    return ox.NamedNode(value)


def parse_turtle(path: str | os.PathLike[str], *, display: str | None = None) -> list[ox.Triple]:
    """Parse one Turtle file; a syntax error becomes a :class:`ParseError` naming the file, line and column."""
    with _reading(display or str(path)):
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    return [quad.triple for quad in quads]


def load_turtle(store: ox.Store, path: str | os.PathLike[str], *, display: str | None = None) -> None:
    """Parse one Turtle file straight into ``store``, with the errors of :func:`parse_turtle`.

    Oxigraph parses and inserts without making a Python object per triple: three times faster than inserting
    what :func:`parse_turtle` returns, and with less memory, which is what building a large graph costs (bench/).
    Like ``rename_blank_nodes``, loading gives each file's blank nodes identifiers of their own.
    """
    with _reading(display or str(path)):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)


@contextmanager
def _reading(shown: str):
    try:
        yield
    except SyntaxError as error:
        raise _parse_error(shown, error) from None
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except OSError as error:
        raise InputError(f"{shown}: cannot read: {error.strerror or error}") from None


def parse_turtle_text(text: str, *, display: str = "<text>") -> list[ox.Triple]:
    """Parse Turtle given as a string (for records passed inline); errors name ``display``."""
    try:
        quads = list(ox.parse(input=text, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except SyntaxError as error:
        raise _parse_error(display, error) from None
    return [quad.triple for quad in quads]


def _parse_error(shown: str, error: SyntaxError) -> ParseError:
    message = str(error.args[0] if error.args else error)
    # Oxigraph starts its message with the position ("at line 3 between columns 1 and 4", or "between line 3
    # column 18 and line 5 column 2"), which ParseError already puts after the file name: one position is enough.
    message = re.sub(r"^Parser error (?:at|between) line [^:]*: ", "", message)
    return ParseError(shown, message, error.lineno, error.offset)


def _shown(project: Project, path: Path) -> str:
    """A file's name for messages, relative to the project; without resolving links, which a loop would fail."""
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def as_stored(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples as a store holds them, to compare them with what the graph holds: Oxigraph keeps numbers in
    canonical form (``450000000.0`` as ``450000000``, ``"007"^^xsd:integer`` as ``7``)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [quad.triple for quad in store]


def data_triples(project: Project) -> list[ox.Triple]:
    """The triples of the project's data/ files (not the ontology's, not the calendar's), as the store holds them."""
    triples: list[ox.Triple] = []
    for path in project.data_files():
        triples.extend(parse_turtle(path, display=_shown(project, path)))
    return as_stored(triples)


def calendar_triples(store: ox.Store) -> list[ox.Triple]:
    """OWL-Time descriptions of every calendar term that the records in ``store`` point at."""
    from . import periods

    used = (
        quad.object
        for predicate in periods.TEMPORAL_PROPERTIES
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph())
    )
    return describe_periods(used)


def describe_periods(terms: Iterable[Term]) -> list[ox.Triple]:
    """OWL-Time descriptions of the calendar terms among ``terms``, each once, in IRI order; a malformed calendar
    term raises :class:`~caregraph.errors.InputError`."""
    from . import periods

    used = {t.value for t in terms if isinstance(t, ox.NamedNode) and periods.is_calendar_iri(t.value)}
    return [
        ox.Triple(ox.NamedNode(s), ox.NamedNode(p), _to_term(o))
        for iri in sorted(used)
        for s, p, o in periods.describe(iri)
    ]


class CareGraph:
    """The caregraph graph: ontology and data merged, with the calendar described, in a pyoxigraph store."""

    def __init__(
        self,
        store: ox.Store,
        project: Project | None = None,
        files: Iterable[Path] = (),
        cache_entry: Path | None = None,
    ):
        self.store = store
        self.project = project
        self.files = list(files)
        self.cache_entry = cache_entry
        """The cache entry whose store this graph reads, if it reads one (see :meth:`discard_cache`)."""

    # --- construction --------------------------------------------------------------------------------------

    @classmethod
    def load(cls, project: Project | None = None, *, cache: bool = True, in_memory: bool = False) -> CareGraph:
        """The project's graph (ontology and data), from the cache when its files' contents have not changed.

        The cached store is opened read-only on disk, which takes milliseconds: right for the command line, which
        runs one query per process. ``in_memory`` copies it into memory instead — a fraction of a second more —
        and queries over a large graph then run several times faster (bench/README.md): right for a session
        that asks many questions. A cache entry that is damaged, or fails to open or read, is discarded and the
        graph rebuilt from the files, with one line on stderr.
        """
        from . import cache as disk_cache

        project = project or Project.locate()
        files = project.graph_files()
        if not cache:
            return cls.from_files(files, project=project)
        sources = disk_cache.Sources(files, [_shown(project, f) for f in files])
        root = cache_root()
        entry = disk_cache.find(sources, root)
        if entry is not None:
            try:
                on_disk = ox.Store.read_only(str(entry / "store"))
                if not in_memory:
                    return cls(on_disk, project, files, cache_entry=entry)
                store = ox.Store()
                store.extend(on_disk)
                return cls(store, project, files)
            except Exception as error:  # noqa: BLE001 — whatever RocksDB reports, the entry is rebuilt
                disk_cache.discard(entry, " ".join(str(error).split())[:200] or type(error).__name__)
        graph = cls.from_files(files, project=project)
        disk_cache.write(graph.store, sources, root)
        return graph

    def discard_cache(self, reason: str) -> None:
        """Discard the cache entry this graph reads (it failed while being read), with one line on stderr."""
        from . import cache as disk_cache

        if self.cache_entry is not None and self.cache_entry.exists():
            disk_cache.discard(self.cache_entry, reason)
        self.cache_entry = None

    def rebuild_after_damage(self, reason: str) -> None:
        """The cached store failed while being read: discard it and hold the graph rebuilt from the files."""
        self.discard_cache(reason)
        fresh = CareGraph.load(self.project) if self.project else CareGraph.from_files(self.files)
        self.store, self.cache_entry = fresh.store, fresh.cache_entry

    @classmethod
    def from_files(cls, files: Iterable[str | os.PathLike[str]], *, project: Project | None = None) -> CareGraph:
        """A graph of the given Turtle files, with the calendar described; nothing is cached."""
        paths = [Path(f) for f in files]
        store = ox.Store()
        for path in paths:
            load_turtle(store, path, display=_shown(project, path) if project else str(path))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in calendar_triples(store))
        return cls(store, project, paths)

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple], *, project: Project | None = None) -> CareGraph:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in calendar_triples(store))
        return cls(store, project)

    # --- reading -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.store)

    def triples(self) -> Iterator[ox.Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield quad.triple

    def to_rdflib(self):
        """The graph as an ``rdflib.Graph``, with caregraph's prefixes."""
        from .rdflib_terms import to_rdflib_graph

        return to_rdflib_graph(self.triples())


def load(root: str | os.PathLike[str] | None = None, *, cache: bool = True, in_memory: bool = True) -> CareGraph:
    """The caregraph graph of the project at ``root`` (default: the installed or checked-out project), held in
    memory for fast repeated queries (see :meth:`CareGraph.load`)."""
    return CareGraph.load(Project.locate(root), cache=cache, in_memory=in_memory)


def statistics(graph: CareGraph) -> dict[str, list[tuple]]:
    """Counts for ``caregraph stats``: instances per class, statements per source as the stored query
    ``statements-by-source`` counts them (claims and sourced records together), for both kinds of source, and the
    populations each dataset gives in all (a total that no observation of the dataset gives is left empty, not
    zero)."""
    from .namespaces import sparql_prologue, term_text
    from .query import run, stored

    def rows(query: str, names: list[str]) -> list[tuple]:
        out = []
        for solution in select(graph.store, sparql_prologue() + query):
            out.append(tuple(term_text(solution[n]) for n in names))
        return out

    project = graph.project or Project.locate()
    by_source = run(
        stored("statements-by-source", project.queries_dir),
        {"kind": ["cg:SourceDocument", "cg:ReferenceDataset"]},
        graph=graph,
    )
    sources = []
    for source, title, quotations, claims, records in by_source.rows:
        statements = sum(int(term.value) for term in (claims, records) if term is not None)
        sources.append((term_text(source), term_text(title), term_text(quotations), str(statements)))
    return {
        "classes": rows(
            """
            SELECT ?class ?label (COUNT(DISTINCT ?x) AS ?instances) WHERE {
              ?x a ?class . ?class a owl:Class . OPTIONAL { ?class rdfs:label ?label }
            } GROUP BY ?class ?label ORDER BY DESC(?instances) ?class""",
            ["class", "label", "instances"],
        ),
        "sources": sources,
        "populations": [
            (dataset, period, observations, registered if int(given) else "", population, weighted)
            for dataset, period, observations, given, registered, population, weighted in rows(
                """
            SELECT ?dataset ?period (COUNT(?o) AS ?observations) (COUNT(?patients) AS ?given)
                   (SUM(?patients) AS ?registered) (ROUND(SUM(?people)) AS ?population)
                   (ROUND(SUM(?weighted)) AS ?needWeighted)
            WHERE {
              ?o a qb:Observation ; qb:dataSet ?dataset ; time:hasTime/rdfs:label ?period .
              OPTIONAL { ?o cg:registeredPatients ?patients }
              OPTIONAL { ?o cg:population ?people }
              OPTIONAL { ?o cg:needWeightedPopulation ?weighted }
            } GROUP BY ?dataset ?period ORDER BY ?dataset ?period""",
                ["dataset", "period", "observations", "given", "registered", "population", "needWeighted"],
            )
        ],
        "declared_classes": rows(
            """
            SELECT (COUNT(DISTINCT ?class) AS ?n) WHERE {
              ?class a owl:Class FILTER(STRSTARTS(STR(?class), "https://w3id.org/caregraph/def#")) }""",
            ["n"],
        ),
    }
