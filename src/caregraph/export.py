"""Writing the graph out: Turtle (first), N-Triples, JSON-LD, RDF/XML, TriG and N-Quads.

Output is deterministic — triples sorted by subject, then ``rdf:type`` first, then predicate and object, with the
fixed prefix table — so two exports of the same graph are byte-identical and a diff shows only real changes.
TriG and N-Quads put the ontology, the calendar and each source's statements in their own named graph
(``cgd:graph-source-000``, ``cgd:graph-ontology`` …); a triple attested by two sources is in both graphs. JSON-LD
is compacted, with caregraph's prefixes as its ``@context`` (:mod:`caregraph.jsonld`).
Every file is written to a temporary file first and renamed into place.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from . import periods
from .errors import UnknownTermError
from .files import PairWriter, atomic_write
from .graph import CareGraph, load_turtle
from .namespaces import BUILT_IN_NAMESPACES, CGD, OWL, PREFIXES, RDF
from .ordering import sorted_triples
from .provenance import record_sources, statement_sources
from .reasoner import materialise

FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "ttl"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "jsonld"),
    "xml": (ox.RdfFormat.RDF_XML, "rdf"),
    "trig": (ox.RdfFormat.TRIG, "trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "nq"),
}
"""Format name → (oxigraph format, file extension)."""

_RDF_TYPE = RDF + "type"
_OWL_THING = ox.NamedNode(OWL + "Thing")
ONTOLOGY_GRAPH = CGD + "graph-ontology"
CALENDAR_GRAPH = CGD + "graph-calendar"
UNATTESTED_GRAPH = CGD + "graph-unattested"


def format_of(name: str) -> tuple[ox.RdfFormat, str]:
    try:
        return FORMATS[name]
    except KeyError:
        import difflib

        raise UnknownTermError("format", name, difflib.get_close_matches(name, FORMATS, n=2, cutoff=0.3)) from None


def inferred_triples(graph: CareGraph) -> list[ox.Triple]:
    """The graph plus what the OWL 2 RL rules entail from it (class and property hierarchies, domains, ranges).

    Entailments about the RDF, RDFS and OWL vocabularies themselves, ``rdf:type owl:Thing`` and the trivial
    ``x owl:sameAs x`` are left out: they say nothing about caregraph and would swamp the export.
    """
    kept = []
    for triple in materialise(graph.triples()):
        s, p, o = triple
        if isinstance(s, ox.NamedNode) and s.value.startswith(BUILT_IN_NAMESPACES):
            continue
        if (p.value == OWL + "sameAs" and s == o) or (p.value == _RDF_TYPE and o == _OWL_THING):
            continue
        kept.append(triple)
    return kept


def named_graph_quads(graph: CareGraph, triples: list[ox.Triple], *, inferred: bool = False) -> list[ox.Quad]:
    """Each triple placed in the named graph of every source that attests it (see :mod:`caregraph.provenance`);
    the ontology's and the calendar's triples in graphs of their own.

    ``triples`` come in canonical order (:func:`canonical_triples`), so that the quads, grouped by graph in that
    order, are in canonical order too: by graph name, then by triple, with no second sort. ``inferred`` says that
    ``triples`` may hold entailments, which a record's sources do not attest.
    """
    records, statements = record_sources(graph.store), statement_sources(graph.store)
    data = _data_store(graph.project) if graph.project else ox.Store()
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        s, p, o = triple
        sources = records.get(s)
        if sources and inferred and ox.Quad(s, p, o) not in graph.store:
            sources = None
        claimed = statements.get((s, p, o))
        if claimed:
            sources = sources | claimed if sources else claimed
        if sources:
            names = [CGD + "graph-" + source.rsplit("/", 1)[-1] for source in sorted(sources)]
        elif isinstance(s, ox.NamedNode) and periods.is_calendar_iri(s.value):
            names = [CALENDAR_GRAPH]
        elif ox.Quad(s, p, o) in data:
            names = [UNATTESTED_GRAPH]
        else:
            names = [ONTOLOGY_GRAPH]
        for name in names:
            by_graph[name].append(triple)
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
            for name in sorted(by_graph) for t in by_graph[name]]


def _data_store(project) -> ox.Store:
    """The project's data/ files in a store of their own (numbers in the store's canonical form, like the graph's),
    to tell a data triple no source attests from an ontology triple; parsed without turning triples into Python."""
    store = ox.Store()
    for path in project.data_files():
        load_turtle(store, path, display=project.relative(path))
    return store


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples in canonical order, blank nodes relabelled by RDFC-1.0 so that their labels are stable too."""
    ground, with_blank_nodes = [], ox.Dataset()
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            with_blank_nodes.add(ox.Quad(triple.subject, triple.predicate, triple.object))
        else:
            ground.append(triple)
    if len(with_blank_nodes):
        with_blank_nodes.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        ground.extend(quad.triple for quad in with_blank_nodes)
    return sorted_triples(ground)


def serialize(graph: CareGraph, fmt: str = "turtle", *, inferred: bool = False) -> bytes:
    """The whole graph in ``fmt`` (one of :data:`FORMATS`), deterministically ordered."""
    rdf_format, _ = format_of(fmt)
    triples = canonical_triples(inferred_triples(graph) if inferred else graph.triples())
    if fmt == "trig":
        return ox.serialize(named_graph_quads(graph, triples, inferred=inferred), format=rdf_format,
                            prefixes=PREFIXES)
    if fmt == "nquads":
        return ox.serialize(named_graph_quads(graph, triples, inferred=inferred), format=rdf_format)
    if fmt == "jsonld":
        from .jsonld import compacted

        return compacted(triples, PREFIXES)
    if fmt == "nt":
        return ox.serialize(triples, format=rdf_format)
    return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)


def export(graph: CareGraph, fmt: str = "turtle", path: str | os.PathLike[str] | None = None, *,
           inferred: bool = False) -> bytes:
    """Serialise the graph; when ``path`` is given, write it there atomically. Returns the bytes."""
    data = serialize(graph, fmt, inferred=inferred)
    if path is not None:
        atomic_write(path, data)
    return data


def build(graph: CareGraph, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the merged graph to ``out_dir`` as ``caregraph.ttl`` and ``caregraph.nt``; returns the paths.

    The two are replaced together (:class:`caregraph.files.PairWriter`): a reader, or a process killed mid-way,
    never sees a new Turtle file beside an old N-Triples one. They are symbolic links into a hidden generation
    folder beside them."""
    if not str(out_dir):
        from .errors import InputError

        raise InputError("the output folder name is empty")
    files = {f"caregraph.{FORMATS[fmt][1]}": serialize(graph, fmt) for fmt in ("turtle", "nt")}
    return PairWriter(out_dir).write(files)
