"""ods-roles.ttl: the Organisation Data Service role codes as a SKOS concept scheme, and the role periods (an
organisation holding an ODS role for a period) that the partnership and practice files record."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import SKOS
from .builder import Builder
from .rows import Row
from .terms import HAS_TIME, LABEL, A, cg, cgd, english, literal, org

_ROLE_LISTING_INTRO = "# Role IDs\n\nThis is a list of the role IDs returned by the NHS ORD API."
ROLE_SCHEME = cgd("ods-roles")


def add_roles(b: Builder, rows: list[Row], reference_dir: Path) -> None:
    """The scheme, quoted from the listing's introduction, and a concept for each role of its table."""
    dataset = b.dataset("ods-roles")
    text = (reference_dir / dataset.file).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if not text.startswith(_ROLE_LISTING_INTRO):
        raise InputError(f"{dataset.file}:1: does not begin with the expected heading and introduction")
    intro = Row(dataset, 1, _ROLE_LISTING_INTRO, {"id": "intro"})
    b.quotation(intro)
    b.claim("ods-roles", ROLE_SCHEME, A, ox.NamedNode(SKOS + "ConceptScheme"), [intro])
    b.claim("ods-roles", ROLE_SCHEME, LABEL, english("Role IDs"), [intro])
    for row in rows:
        concept = cgd("ods-role-" + row["id"])
        b.claim("ods-roles", concept, A, ox.NamedNode(SKOS + "Concept"), [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "inScheme"), ROLE_SCHEME, [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "topConceptOf"), ROLE_SCHEME, [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "notation"), literal(row["id"]), [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "prefLabel"), english(row["displayName"]), [row])
        b.claim("ods-roles", concept, LABEL, english(row["displayName"]), [row])


def role_row(rows: Mapping[str, list[Row]], role: str) -> Row:
    """The row of the ODS role listing that defines ``role`` (``RO262``)."""
    for row in rows["ods-roles"]:
        if row["id"] == role:
            return row
    raise InputError(f"the ODS role listing has no role {role}")


def role_period(
    b: Builder, concern: str, row: Row, ods: str, role: Row, period: ox.NamedNode, comment: str | None = None
) -> None:
    """A record that the organisation ``ods`` held ``role`` (its row of the listing) during ``period``, as ``row``
    says."""
    b.record(
        concern,
        cgd(f"role-period-{row.dataset.slug}-{ods}-{role['id']}"),
        cg("RolePeriod"),
        [(cg("roleHolder"), org(ods)), (cg("roleCode"), cgd("ods-role-" + role["id"])), (HAS_TIME, period)],
        [row, role],
        comment,
    )
