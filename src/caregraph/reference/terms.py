"""The RDF terms the importer writes: IRIs of ``cg:`` terms and ``cgd:`` individuals, literals, the properties every
concern uses, and the words that list several things in a comment."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import CG, CGD, DCTERMS, ORG, PROV, RDF, RDFS, SKOS, TIME, XSD


def cgd(local: str) -> ox.NamedNode:
    return ox.NamedNode(CGD + local)


def cg(local: str) -> ox.NamedNode:
    return ox.NamedNode(CG + local)


def literal(value: str) -> ox.Literal:
    return ox.Literal(value)


def english(value: str) -> ox.Literal:
    """A name, tagged English like every label in data/, so that the same name from a source document and from a
    reference file is one triple with two claims rather than two labels."""
    return ox.Literal(value, language="en")


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def slugify(text: str, *, lower: bool = True) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return slug.lower() if lower else slug


A = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
COMMENT = ox.NamedNode(RDFS + "comment")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
HAS_TIME = ox.NamedNode(TIME + "hasTime")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
REPLACES = ox.NamedNode(DCTERMS + "replaces")
IS_REPLACED_BY = ox.NamedNode(DCTERMS + "isReplacedBy")
MEMBER = ox.NamedNode(ORG + "member")
ORGANIZATION = ox.NamedNode(ORG + "organization")
MEMBER_DURING = ox.NamedNode(ORG + "memberDuring")
GSS_CODE = cg("gssCode")
ODS_CODE = cg("odsCode")
ONS_GEOGRAPHY = cg("onsGeography")
HAS_FOOTPRINT = cg("hasFootprint")
FOOTPRINT = cg("Footprint")
STP = cg("SustainabilityAndTransformationPartnership")


def footprint(code: str) -> ox.NamedNode:
    return cgd("footprint-" + code)


def org(code: str) -> ox.NamedNode:
    return cgd("org-" + code)


def calendar(local: str) -> ox.NamedNode:
    return cgd(local)


def fy(start_year: int) -> ox.NamedNode:
    return calendar(f"fy-{start_year}-{(start_year + 1) % 100:02d}")


def local_name(term: ox.NamedNode) -> str:
    value = term.value
    for namespace in (CGD, CG):
        if value.startswith(namespace):
            return value[len(namespace) :]
    return re.split(r"[/#]", value)[-1]


def listing(items: Iterable[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
