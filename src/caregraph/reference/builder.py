"""The graph under construction: the triples of each concern file, each attested by a claim or a sourced record
derived from the quotations of the rows that say it (how rows become triples: :mod:`caregraph.reference`)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import CG, CGD, PROV, RDF, STATISTICAL_GEOGRAPHY
from . import names
from .catalogue import Dataset
from .rows import Row
from .terms import (
    COMMENT,
    DERIVED_FROM,
    GSS_CODE,
    MEMBER,
    MEMBER_DURING,
    ONS_GEOGRAPHY,
    ORGANIZATION,
    A,
    cg,
    cgd,
    literal,
    local_name,
    org,
    slugify,
)


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def _object_key(term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.Literal):
        slug = slugify(term.value)
        if len(slug) > 40:
            slug = slug[:40].rstrip("-") + "-" + hashlib.sha1(term.value.encode()).hexdigest()[:6]
        return slug
    if term.value.startswith(CG) or term.value.startswith(STATISTICAL_GEOGRAPHY):
        return _kebab(local_name(term))
    return local_name(term)


class Builder:
    """Collects the triples of each concern file, with claims and records that attest every one of them."""

    def __init__(self, datasets: tuple[Dataset, ...]) -> None:
        self.datasets = datasets
        self.files: dict[str, set[ox.Triple]] = defaultdict(set)
        self._claims: dict[str, tuple] = {}
        self.given_names: dict[ox.NamedNode, list[tuple[str, Row, str]]] = defaultdict(list)

    def dataset(self, slug: str) -> Dataset:
        return next(d for d in self.datasets if d.slug == slug)

    def add(self, concern: str, s: ox.NamedNode, p: ox.NamedNode, o) -> None:
        self.files[concern].add(ox.Triple(s, p, o))

    def quotation(self, row: Row) -> None:
        q, concern = row.iri, row.dataset.concern
        locator = f"line {row.line}, " + ", ".join(f"{c} {row[c]}" for c in row.dataset.key)
        self.add(concern, q, A, cg("Quotation"))
        self.add(concern, q, ox.NamedNode(PROV + "value"), literal(row.text))
        self.add(concern, q, ox.NamedNode(PROV + "wasQuotedFrom"), ox.NamedNode(row.dataset.iri))
        self.add(concern, q, cg("locator"), literal(locator))

    def claim(
        self, concern: str, s: ox.NamedNode, p: ox.NamedNode, o, rows: Iterable[Row], comment: str | None = None
    ) -> None:
        """Assert (s, p, o) and the claim that the first of ``rows``' files states it, derived from ``rows``.

        A second call for the same triple and file adds nothing: the first row that says it is the evidence.
        """
        rows = list(rows)
        iri = f"claim-{rows[0].dataset.slug}-{local_name(s)}-{_kebab(local_name(p))}-{_object_key(o)}"
        if iri in self._claims:
            if self._claims[iri] != (s, p, o):
                raise AssertionError(f"claim IRI {iri} names two triples")
            return
        self._claims[iri] = (s, p, o)
        claim = cgd(iri)
        self.add(concern, s, p, o)
        self.add(concern, claim, A, cg("Claim"))
        self.add(concern, claim, ox.NamedNode(RDF + "subject"), s)
        self.add(concern, claim, ox.NamedNode(RDF + "predicate"), p)
        self.add(concern, claim, ox.NamedNode(RDF + "object"), o)
        for row in rows:
            self.add(concern, claim, DERIVED_FROM, row.iri)
        if comment:
            self.add(concern, claim, COMMENT, literal(comment))

    def record(
        self,
        concern: str,
        iri: ox.NamedNode,
        kind: ox.NamedNode,
        properties: Iterable[tuple],
        rows: Iterable[Row],
        comment: str | None = None,
    ) -> None:
        """A sourced record: a node of class ``kind`` with ``properties``, derived from ``rows``."""
        self.add(concern, iri, A, kind)
        for p, o in properties:
            self.add(concern, iri, p, o)
        for row in rows:
            self.add(concern, iri, DERIVED_FROM, row.iri)
        if comment:
            self.add(concern, iri, COMMENT, literal(comment))

    def describe(
        self,
        concern: str,
        entity: ox.NamedNode,
        kinds: Iterable[ox.NamedNode],
        codes: Iterable[tuple[ox.NamedNode, str]],
        row: Row,
        name: str | None = None,
    ) -> None:
        """The usual claims about an entity from one row: its types, its codes (with the ONS geography IRI of a
        footprint's or place's GSS code), and a name."""
        for kind in kinds:
            self.claim(concern, entity, A, kind, [row])
        for prop, code in codes:
            self.claim(concern, entity, prop, literal(code), [row])
            if prop == GSS_CODE and not entity.value.startswith(CGD + "org-"):
                self.claim(concern, entity, ONS_GEOGRAPHY, ox.NamedNode(STATISTICAL_GEOGRAPHY + code), [row])
        if name:
            self.name(concern, entity, name, row)

    def name(self, concern: str, entity: ox.NamedNode, name: str, row: Row) -> None:
        """A name that ``row`` gives ``entity``; :meth:`finish_names` turns names into labels."""
        self.given_names[entity].append((name.strip(), row, concern))

    def finish_names(self) -> None:
        """Dated name records and labels from the names collected (see :mod:`caregraph.reference.names`)."""
        names.finish(self, self.datasets)


def membership(
    b: Builder,
    concern: str,
    row: Row,
    member: str,
    organisation: ox.NamedNode,
    label: str,
    period: ox.NamedNode,
    rows: Iterable[Row] | None = None,
) -> None:
    """A dated membership of ``member`` (an ODS code) in ``organisation``, derived from ``row`` or ``rows``."""
    # A membership of a region also names the region with cg:inRegion, so that "which region, when" is one pattern.
    region = [(cg("inRegion"), organisation)] if concern == "regions" else []
    b.record(
        concern,
        cgd(f"membership-{row.dataset.slug}-{member}-{label}"),
        cg("Membership"),
        [(MEMBER, org(member)), (ORGANIZATION, organisation), (MEMBER_DURING, period), *region],
        rows if rows is not None else [row],
    )
