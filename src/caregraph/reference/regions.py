"""regions.ttl: the NHS England regions, and the dated memberships of CCGs (2018/19), STPs (2021/22) and ICBs (from
July 2022) in them."""

from __future__ import annotations

from collections.abc import Mapping

from .builder import Builder, membership
from .rows import Row
from .terms import GSS_CODE, ODS_CODE, calendar, cg, fy, literal, org


def add_regions(b: Builder, rows: Mapping[str, list[Row]]) -> None:
    """Each region as the files of 2018, 2019 and 2021 describe it, and the memberships they and the ICB table give."""
    region = cg("NHSEnglandRegion")
    for row in rows["ons-nhser-2019"]:
        b.describe(
            "regions",
            org(row["NHSER19CDH"]),
            [region],
            [(ODS_CODE, row["NHSER19CDH"]), (GSS_CODE, row["NHSER19CD"])],
            row,
            row["NHSER19NM"],
        )
    for row in rows["ons-ccg-nhser-2018"]:
        b.describe(
            "regions",
            org(row["NHSER18CDH"]),
            [region],
            [(ODS_CODE, row["NHSER18CDH"]), (GSS_CODE, row["NHSER18CD"])],
            row,
            row["NHSER18NM"],
        )
        membership(b, "regions", row, row["CCG18CDH"], org(row["NHSER18CDH"]), row["NHSER18CDH"], fy(2018))
    first_of_stp: dict[str, Row] = {}
    for row in rows["nhsd-ccg-stp-2021"]:
        b.describe(
            "regions",
            org(row["NHSER21CDH"]),
            [region],
            [(ODS_CODE, row["NHSER21CDH"]), (GSS_CODE, row["NHSER21CD"])],
            row,
            row["NHSER21NM"],
        )
        first_of_stp.setdefault(row["STP21CDH"], row)
    for stp, row in sorted(first_of_stp.items()):
        membership(b, "regions", row, stp, org(row["NHSER21CDH"]), row["NHSER21CDH"], fy(2021))
    for row in rows["rcpch-icbs"]:
        b.claim("regions", org(row["NHSER_ODS_CODE"]), ODS_CODE, literal(row["NHSER_ODS_CODE"]), [row])
        membership(
            b,
            "regions",
            row,
            row["ICB_ODS_CODE"],
            org(row["NHSER_ODS_CODE"]),
            row["NHSER_ODS_CODE"],
            calendar("from-2022-07-01"),
        )
