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
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter
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


class _Placement:
    """Which named graphs a triple goes in (see :func:`named_graph_quads`)."""

    def __init__(self, graph: CareGraph, *, inferred: bool = False) -> None:
        self.store, self.inferred = graph.store, inferred
        self.records, self.statements = record_sources(graph.store), statement_sources(graph.store)
        self.claimed_subjects = {s for s, _, _ in self.statements}
        self.ontology = _ontology_store(graph.project) if graph.project else None
        self.names: dict[frozenset[str], list[str]] = {}  # a few hundred sets of sources recur for many records

    def _graph_names(self, sources: set[str]) -> list[str]:
        key = frozenset(sources)
        names = self.names.get(key)
        if names is None:
            names = self.names[key] = _graph_names(sources)
        return names

    def graphs_of(self, triple: ox.Triple) -> list[str]:
        s, p, o = triple
        sources = self.records.get(s)
        if sources and self.inferred and ox.Quad(s, p, o) not in self.store:
            sources = None
        claimed = self.statements.get((s, p, o))
        if claimed:
            sources = sources | claimed if sources else claimed
        if sources:
            return self._graph_names(sources)
        if isinstance(s, ox.NamedNode) and periods.is_calendar_iri(s.value):
            return [CALENDAR_GRAPH]
        blank = isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode)  # relabelled: no file has them
        if self.ontology is not None and not blank and ox.Quad(s, p, o) not in self.ontology:
            return [UNATTESTED_GRAPH]
        return [ONTOLOGY_GRAPH]

    def whole(self, subject: ox.NamedNode) -> list[str] | None:
        """The graphs every triple of ``subject`` goes in, when its subject decides it, else None."""
        if subject in self.claimed_subjects:
            return None
        sources = self.records.get(subject)
        if sources:
            return self._graph_names(sources)
        return [CALENDAR_GRAPH] if periods.is_calendar_iri(subject.value) else None


def _graph_names(sources: set[str]) -> list[str]:
    return [CGD + "graph-" + source.rsplit("/", 1)[-1] for source in sorted(sources)]


def named_graph_quads(graph: CareGraph, triples: list[ox.Triple], *, inferred: bool = False) -> list[ox.Quad]:
    """Each triple placed in the named graph of every source that attests it (see :mod:`caregraph.provenance`);
    the ontology's and the calendar's triples in graphs of their own, and a triple of data/ that nothing attests
    in ``cgd:graph-unattested`` (a triple the ontology states is the ontology's, even if data/ repeats it).

    ``triples`` come in canonical order (:func:`canonical_triples`), so that the quads, grouped by graph in that
    order, are in canonical order too: by graph name, then by triple, with no second sort. ``inferred`` says that
    ``triples`` may hold entailments, which a record's sources do not attest.
    """
    placement = _Placement(graph, inferred=inferred)
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        for name in placement.graphs_of(triple):
            by_graph[name].append(triple)
    return [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name in sorted(by_graph)
        for t in by_graph[name]
    ]


def _ontology_store(project) -> ox.Store:
    """The project's ontology files in a store of their own (numbers in the store's canonical form, like the
    graph's), to tell an ontology triple from a data triple no source attests."""
    store = ox.Store()
    for path in project.ontology_files():
        load_turtle(store, path, display=project.relative(path))
    return store


def _trig(graph: CareGraph) -> bytes:
    """The TriG export: the Turtle writer's parts (:func:`canonical_turtle`), each placed whole in the graphs of
    its subject's sources; only the parts of subjects a claim speaks of, of the ontology and of blank nodes are
    read back and placed triple by triple."""
    header, parts = canonical_turtle(graph.store)
    placement = _Placement(graph)
    by_graph: dict[str, dict[bytes, bytes]] = defaultdict(dict)
    one_by_one = {}
    for subject, part in parts.items():
        key = _sort_key(subject)
        names = placement.whole(ox.NamedNode(key[1:-1].decode())) if key.startswith(b"<") else None
        if names is None:
            one_by_one[subject] = part
        for name in names or ():
            by_graph[name][subject] = part
    if one_by_one:
        text = header + b"".join([one_by_one[subject] + _END for subject in _in_canonical_order(one_by_one)])
        triples_in: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in ox.parse(text, format=ox.RdfFormat.TURTLE):  # in canonical order, blank nodes relabelled
            triple = quad.triple
            for name in placement.graphs_of(triple):
                triples_in[name].append(triple)
        for name, triples in triples_in.items():
            written = _written(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            for part in written.split(_END, len(PREFIXES))[-1].split(_END)[:-1]:
                by_graph[name][part[: part.index(b" ")]] = part
    names = sorted(by_graph)
    written_names = _written_names(names)
    out = [header]
    for name in names:
        in_graph = by_graph[name]
        out.append(written_names[name] + b" {\n")
        out.extend(
            b"\t" + in_graph[subject].replace(b"\n", b"\n\t") + _END for subject in _in_canonical_order(in_graph)
        )
        out.append(b"}\n")
    return b"".join(out)


def _written(items, rdf_format: ox.RdfFormat, *, prefixes: dict[str, str] | None = None) -> bytes:
    """``items`` serialised; with no output given pyoxigraph returns the bytes (its type says ``bytes | None``)."""
    written = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert written is not None
    return written


def _written_names(iris: list[str]) -> dict[str, bytes]:
    """Each IRI as Oxigraph's Turtle writer writes it (a prefixed name where it can)."""
    nodes = [ox.NamedNode(iri) for iri in iris]
    written = _written([ox.Triple(node, node, node) for node in nodes], ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    parts = written.split(_END, len(PREFIXES))[-1].split(_END)[:-1]
    return {iri: part[: part.index(b" ")] for iri, part in zip(iris, parts, strict=True)}


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


# The Turtle writer. Oxigraph writes a store as Turtle in its own order (its indexes', not names'), with every
# term already written as caregraph's export writes it and nearly every subject's triples together; Python then
# only puts the subjects, and each subject's predicate lines, in canonical order. That is what made the export
# fast (bench/README.md): sorting a million triples as Python objects took most of its time. The few subjects
# for which that is not enough — blank nodes (relabelled by RDFC-1.0), several objects of one predicate (ordered
# by their N-Triples forms), a subject or a predicate written in two places — are read back and written from
# their triples in canonical order (:func:`canonical_triples`), so the bytes are the same either way (tested).
# Oxigraph escapes line breaks in literals: " .\n" only ends a subject's part or a prefix line, and " ;\n\t"
# only parts a subject's predicate lines.
_END = b" .\n"
_NEXT_LINE = b" ;\n\t"
_NEXT_OBJECT = b" , "
_NAMESPACES = {prefix.encode(): b"<" + namespace.encode() for prefix, namespace in PREFIXES.items()}
# Whether one namespace begins another's: then names of two prefixes could interleave, and subjects are sorted
# one by one (see _in_canonical_order).
_NESTED = any(a != b and b.startswith(a) for a in _NAMESPACES.values() for b in _NAMESPACES.values())


def _sort_key(token: bytes) -> bytes:
    """A subject or predicate as Oxigraph's Turtle writer wrote it (``cg:Footprint``, ``<iri>``, ``_:b0``) → its
    N-Triples form, which :func:`sorted_triples` orders by; ``a`` (``rdf:type``) comes before any predicate."""
    if token == b"a":
        return b""
    if token.startswith((b"<", b"_:")):
        return token
    prefix, _, local = token.partition(b":")  # an IRI holds no backslash: removing them undoes the escapes
    return _NAMESPACES[prefix] + local.replace(b"\\", b"") + b">"


def _objects_in_order(line: bytes) -> bytes | None:
    """A predicate line with several objects, these in canonical order; None unless all are IRIs (a literal
    may hold " , ", and a number or a boolean is not written in its N-Triples form)."""
    predicate, _, objects = line.partition(b" ")
    names = objects.split(_NEXT_OBJECT)
    if b'"' in objects or not all(name.startswith(b"<") or b":" in name and name[:1].isalpha() for name in names):
        return None
    ordered: list[bytes] = sorted(names, key=_sort_key)
    return predicate + b" " + _NEXT_OBJECT.join(ordered)


class _LineOrders(dict):
    """A subject's predicates in the order written → what puts its lines in canonical order (None when one
    predicate is on two lines). Subjects of one kind share a handful of these."""

    def __missing__(self, predicates: tuple[bytes, ...]):
        keys = [_sort_key(predicate) for predicate in predicates]
        order = itemgetter(*sorted(range(len(keys)), key=keys.__getitem__)) if len(set(keys)) == len(keys) else None
        self[predicates] = order
        return order


def _in_canonical_order(subjects: Iterable[bytes]) -> list[bytes]:
    """Subjects as written (see :func:`_sort_key`) sorted by their N-Triples forms, converting only a few.

    With a '>' after each, as in their N-Triples forms, the prefixed names of each prefix sort together and in
    order (unless a local name has an escape); the runs are then put in the order of their namespaces, and the
    few subjects written as ``<iri>`` put in place among them. Blank nodes come last, as ``_:`` sorts after
    ``<``."""
    if _NESTED:
        return sorted(subjects, key=_sort_key)
    written = sorted((b">\n".join(subjects) + b">").split(b"\n"))

    def names(run: list[bytes]) -> list[bytes]:  # without the '>' again
        return b"\n".join(run).replace(b">\n", b"\n")[:-1].split(b"\n") if run else []

    ordered: list[bytes] = []
    for prefix, _ in sorted(_NAMESPACES.items(), key=lambda item: item[1]):
        run = names(written[bisect_left(written, prefix + b":") : bisect_left(written, prefix + b";")])
        ordered.extend(sorted(run, key=_sort_key) if any(b"\\" in name for name in run) else run)
    for iri in names(written[: bisect_left(written, b"=")]):  # '<' precedes '='
        ordered.insert(bisect_left(ordered, iri, key=_sort_key), iri)
    return ordered + sorted(names(written[bisect_left(written, b"_:") : bisect_left(written, b"_;")]))


def _lines_in_order(lines: bytes, orders: _LineOrders) -> bytes | None:
    """A subject's predicate lines (its part after the subject) in canonical order, or None if it takes
    reading back."""
    if _NEXT_LINE not in lines and _NEXT_OBJECT not in lines:
        return lines
    each = lines.split(_NEXT_LINE)
    if _NEXT_OBJECT in lines:
        ordered = [_objects_in_order(line) if _NEXT_OBJECT in line else line for line in each]
        each = [line for line in ordered if line is not None]
        if len(each) < len(ordered):
            return None
        if len(each) == 1:
            return each[0]
    order = orders[tuple([line[: line.index(b" ")] for line in each])]
    return None if order is None else _NEXT_LINE.join(order(each))


def canonical_turtle(store: ox.Store) -> tuple[bytes, dict[bytes, bytes]]:
    """The default graph of ``store`` in the export's Turtle: its prefix lines, and each subject (as written)
    → its part, the subject's lines in canonical order without the closing `` .`` and line break."""
    text = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    if not text:
        return b"", {}
    *prefix_lines, body = text.split(_END, len(PREFIXES))
    pieces = body.split(_END)
    pieces.pop()  # after the last " .\n"
    found: dict[bytes, bytes | None] = {}  # None: read back below
    orders, slow = _LineOrders(), []
    for piece in pieces:
        subject, _, rest = piece.partition(b" ")
        if subject in found:  # written in two places: each of the subject's parts is read back
            slow.append(piece)
            earlier = found[subject]
            if earlier is not None:
                slow.append(earlier)
                found[subject] = None
            continue
        lines = None if b"_:" in piece else _lines_in_order(rest, orders)
        if lines is None:
            slow.append(piece)
        found[subject] = None if lines is None else subject + b" " + lines
    header = b"".join(line + _END for line in prefix_lines)
    parts = {subject: piece for subject, piece in found.items() if piece is not None}
    if slow:
        triples = [quad.triple for quad in ox.parse(header + _END.join(slow) + _END, format=ox.RdfFormat.TURTLE)]
        written = _written(canonical_triples(triples), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        for piece in written.split(_END, len(PREFIXES))[-1].split(_END)[:-1]:
            parts[piece[: piece.index(b" ")]] = piece
    return header, parts


def _turtle(header: bytes, parts: dict[bytes, bytes]) -> bytes:
    return header + b"".join([parts[subject] + _END for subject in _in_canonical_order(parts)])


def serialize(graph: CareGraph, fmt: str = "turtle", *, inferred: bool = False) -> bytes:
    """The whole graph in ``fmt`` (one of :data:`FORMATS`), deterministically ordered."""
    rdf_format, _ = format_of(fmt)
    if fmt == "turtle" and not inferred:
        return _turtle(*canonical_turtle(graph.store))
    if fmt == "trig" and not inferred:
        return _trig(graph)
    triples = canonical_triples(inferred_triples(graph) if inferred else graph.triples())
    if fmt == "trig":
        return _written(named_graph_quads(graph, triples, inferred=inferred), rdf_format, prefixes=PREFIXES)
    if fmt == "nquads":
        return _written(named_graph_quads(graph, triples, inferred=inferred), rdf_format)
    if fmt == "jsonld":
        from .jsonld import compacted

        return compacted(triples, PREFIXES)
    if fmt == "nt":
        return _written(triples, rdf_format)
    return _written(triples, rdf_format, prefixes=PREFIXES)


def export(
    graph: CareGraph, fmt: str = "turtle", path: str | os.PathLike[str] | None = None, *, inferred: bool = False
) -> bytes:
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
