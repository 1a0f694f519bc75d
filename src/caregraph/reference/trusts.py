"""trusts.ttl: the acute NHS trusts of 2017/18 and their membership of an STP, from a hand-compiled lookup."""

from __future__ import annotations

from collections.abc import Mapping

from .builder import Builder, membership
from .footprints import Footprints
from .rows import Row
from .terms import ODS_CODE, cg, fy, org


def add_trusts(b: Builder, rows: Mapping[str, list[Row]], footprints: Footprints) -> None:
    """Each trust, a foundation trust or not by its name, and the STP it belongs to."""
    for row in rows["hf-trust-stp"]:
        ods, name = row["code"], row["Trust"]
        kind = "FoundationTrust" if name.endswith("NHS Foundation Trust") else "NHSTrust"
        b.describe("trusts", org(ods), [cg(kind)], [(ODS_CODE, ods)], row, name)
        membership(b, "trusts", row, ods, footprints.organisation(row["STP_code"]), row["STP_code"], fy(2017))
