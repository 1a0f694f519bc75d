"""datasets.ttl: each reference dataset (a row of data/reference/tables/datasets.csv) and its publisher, as the
``cg:ReferenceDataset`` that every quotation of its rows is ``prov:wasQuotedFrom``."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..namespaces import DCTERMS, ORG
from .builder import Builder
from .terms import COMMENT, LABEL, A, cg, cgd, english, literal, typed


def add_datasets(b: Builder, publishers: Mapping[str, str]) -> None:
    """The publishers (``cgd:`` local name → name) and the metadata of every dataset of ``b``."""
    for local, name in sorted(publishers.items()):
        b.add("datasets", cgd(local), A, ox.NamedNode(ORG + "Organization"))
        b.add("datasets", cgd(local), LABEL, english(name))
    for d in b.datasets:
        s = ox.NamedNode(d.iri)
        b.add("datasets", s, A, cg("ReferenceDataset"))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "title"), literal(d.title))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "description"), literal(d.description))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "publisher"), cgd(d.publisher))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(d.licence))
        b.add("datasets", s, cg("dateAsGiven"), literal(d.date_as_given))
        b.add("datasets", s, cg("sourceFile"), literal(d.file))
        for origin in d.origin:
            b.add("datasets", s, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(origin))
        if d.date:
            b.add("datasets", s, ox.NamedNode(DCTERMS + "date"), typed(*d.date))
        if d.comment:
            b.add("datasets", s, COMMENT, literal(d.comment))
