"""Who says so: which source attests each triple, and whether every quotation really stands in its source.

A triple of the data is attested when (see ontology/provenance.ttl):

* its subject is a sourced record (a designation, a dated membership, a claim, …) derived from a quotation, or
* a claim reifies it (``rdf:subject``, ``rdf:predicate``, ``rdf:object``) and is derived from a quotation, or
* its subject is a quotation, a source document or a reference dataset (the evidence describes itself), or
* it gives the type or name of the publisher that a source document or reference dataset names.

The source of a quotation is its ``prov:wasQuotedFrom``. Quotations are compared with their source text with white
space collapsed and typographic quotes, dashes and bullets folded, because the texts keep the line breaks and
typography of their originals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .graph import Term, as_stored, select
from .namespaces import CG, sparql_prologue
from .periods import is_calendar_iri

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2022": " ",
        "\u25cf": " ",
        "\u00b7": " ",
        "\u00a0": " ",
        "\u202f": " ",
        "\ufeff": "",
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as quotations are compared: typographic quotes, dashes and bullets folded, white space collapsed."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


@dataclass(frozen=True)
class QuotationProblem:
    quotation: str
    source: str
    text: str
    message: str


def _evidence(store: ox.Store) -> list[tuple[str, str, str, str, str]]:
    """(quotation, its text, its source, the source's class, the source's file) for every quotation."""
    query = (
        sparql_prologue()
        + """
        SELECT ?quotation ?text ?source ?kind ?file WHERE {
          ?quotation a cg:Quotation .
          OPTIONAL { ?quotation prov:value ?text }
          OPTIONAL { ?quotation prov:wasQuotedFrom ?source .
                     OPTIONAL { ?source a ?kind FILTER(?kind IN (cg:SourceDocument, cg:ReferenceDataset)) }
                     OPTIONAL { ?source cg:sourceFile ?file } }
        } ORDER BY ?quotation"""
    )

    def text(term: Term | None) -> str:
        return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)) else ""

    return [
        (text(s["quotation"]), text(s["text"]), text(s["source"]), text(s["kind"]), text(s["file"]))
        for s in select(store, query)
    ]


def verify_quotations(
    store: ox.Store, sources_dir: Path | Sequence[Path], reference_dir: Path
) -> tuple[dict[str, int], list[QuotationProblem]]:
    """Check every quotation against the text of its source.

    A source document's text is looked for in ``sources_dir``, or in each of several folders in turn (a new
    record's own source beside the shipped ones). Returns the number of verified quotations per source and the
    problems: a quotation with no text or no source, a source with no file, a file that cannot be found or read,
    or words that do not occur in the file.
    """
    folders = [sources_dir] if isinstance(sources_dir, Path) else list(sources_dir)
    texts: dict[str, str | None] = {}
    counts: dict[str, int] = defaultdict(int)
    problems: list[QuotationProblem] = []
    for quotation, text, source, kind, file in _evidence(store):
        message = _unverified(text, source, kind, file, folders, reference_dir, texts)
        if message:
            problems.append(QuotationProblem(quotation, source, text, message))
        elif texts.get(source) is not None:
            counts[source] += 1
    return dict(counts), problems


def _unverified(
    text: str, source: str, kind: str, file: str, folders: list[Path], reference_dir: Path, texts: dict[str, str | None]
) -> str | None:
    """Why a quotation cannot be verified, or None: verified, or its source's file could not be read, which is
    reported once. ``texts`` keeps each source's normalised text (None when unreadable) for its other quotations."""
    if not text.strip():
        return "the quotation has no words (prov:value)"
    if not source:
        return "the quotation names no source (prov:wasQuotedFrom)"
    if not kind or not file:
        return "its source is not a cg:SourceDocument or cg:ReferenceDataset with a cg:sourceFile"
    if kind == CG + "SourceDocument":
        path = next((folder / file for folder in folders if (folder / file).is_file()), None)
    else:
        path = reference_dir / file
    if path is None:
        return f"cannot find {file}, the text of its source, in " + (
            ", ".join(str(f) for f in folders) or "any folder: pass --sources DIR"
        )
    if source not in texts:
        try:
            texts[source] = normalise(path.read_text(encoding="utf-8"))
        except OSError as error:
            texts[source] = None
            return f"cannot read {path}: {error.strerror or error}"
    known = texts[source]
    if known is None:
        return None
    if normalise(text) not in known:
        return f"the words do not occur in {file}"
    return None


def attestations(store: ox.Store) -> dict[tuple, set[str]]:
    """Map each attested triple (as a tuple of oxigraph terms) to the IRIs of the sources that attest it."""
    by_triple: dict[tuple, set[str]] = defaultdict(set)
    for node, sources in record_sources(store).items():
        for quad in store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            by_triple[(quad.subject, quad.predicate, quad.object)] |= sources
    for key, sources in statement_sources(store).items():
        by_triple[key] |= sources
    return by_triple


def record_sources(store: ox.Store) -> dict[ox.NamedNode | ox.BlankNode, set[str]]:
    """Sourced records — derived from a quotation, quotations, the sources themselves — mapped to the IRIs of
    their sources: every triple about such a record is attested by them."""
    by_node: dict[ox.NamedNode | ox.BlankNode, set[str]] = defaultdict(set)
    query_records = (
        sparql_prologue()
        + """
        SELECT ?node ?source WHERE {
          { ?node prov:wasDerivedFrom ?q . ?q a cg:Quotation ; prov:wasQuotedFrom ?source }
          UNION { ?node a cg:Quotation ; prov:wasQuotedFrom ?source }
          UNION { ?node a ?kind FILTER(?kind IN (cg:SourceDocument, cg:ReferenceDataset)) BIND(?node AS ?source) }
        }"""
    )
    # Rows unpacked by position, not looked up by name: a third of the time at 18,000 rows (the TriG export).
    for node, source in select(store, query_records):
        if isinstance(node, (ox.NamedNode, ox.BlankNode)) and isinstance(source, ox.NamedNode):
            by_node[node].add(source.value)
    return by_node


def statement_sources(store: ox.Store) -> dict[tuple, set[str]]:
    """The triples attested one by one — claimed, or a source's publisher — mapped to their sources' IRIs."""
    by_triple: dict[tuple, set[str]] = defaultdict(set)
    # The publisher a source document or dataset names is described, as far as its name and kind, by that
    # evidence's own metadata; anything more said about it needs a claim like any other statement.
    query_publishers = (
        sparql_prologue()
        + """
        SELECT ?s ?p ?o ?source WHERE {
          ?source a ?kind FILTER(?kind IN (cg:SourceDocument, cg:ReferenceDataset))
          ?source dcterms:publisher ?s . ?s ?p ?o FILTER(?p IN (rdf:type, rdfs:label))
        }"""
    )
    for s, p, o, source in select(store, query_publishers):
        by_triple[(s, p, o)].add(source.value)
    query_claims = (
        sparql_prologue()
        + """
        SELECT ?s ?p ?o ?source WHERE {
          ?claim a cg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                 prov:wasDerivedFrom ?q . ?q prov:wasQuotedFrom ?source .
        }"""
    )
    for s, p, o, source in select(store, query_claims):
        by_triple[(s, p, o)].add(source.value)
    return by_triple


def unattested(store: ox.Store, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Those of ``triples`` (for example the triples of data/) that nothing in ``store`` attests.

    Triples are compared as the store holds them (see :func:`caregraph.graph.as_stored`). Triples about calendar
    terms are exempt: the build describes them from their IRIs.
    """
    attested = attestations(store)
    left = [
        t
        for t in as_stored(triples)
        if (t.subject, t.predicate, t.object) not in attested
        and not (isinstance(t.subject, ox.NamedNode) and is_calendar_iri(t.subject.value))
    ]
    return sorted(left, key=str)
