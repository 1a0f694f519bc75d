"""local-authorities.ttl: local authority areas and their share of each STP footprint, as a ``cg:PlaceInFootprint``
record per area, footprint and year: April 2017 from ONS's lookup, 2019 and 2020 summed from the LSOA counts of the
derived files (one row per local authority, CCG and STP)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from .builder import Builder
from .footprints import LAD_FILES
from .rows import Row
from .terms import GSS_CODE, HAS_TIME, cg, cgd, footprint, fy, typed


def add_local_authorities(b: Builder, rows: Mapping[str, list[Row]]) -> None:
    """Each local authority area of the files, and its place in each footprint for each year."""
    area = cg("LocalAuthorityArea")
    for row in rows["ons-lad-stp-2017"]:
        lad, stp = row["LAD17CD"], row["STP17CD"]
        b.describe("local-authorities", cgd("place-" + lad), [area], [(GSS_CODE, lad)], row, row["LAD17NM"])
        _place_in_footprint(b, 2017, lad, stp, int(row["LSOA11_count"]), Decimal(row["share_of_LAD_LSOAs"]), [row])
    for year, (slug, lad_column, lad_name_column, stp_column) in sorted(LAD_FILES.items()):
        pairs: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows[slug]:
            lad = row[lad_column]
            b.describe("local-authorities", cgd("place-" + lad), [area], [(GSS_CODE, lad)], row, row[lad_name_column])
            pairs[(lad, row[stp_column])].append(row)
        for (lad, stp), pair_rows in sorted(pairs.items()):
            count = sum(int(r["LSOA11_count"]) for r in pair_rows)
            total = int(pair_rows[0]["LAD_LSOA11_total"])
            share = Decimal("1.0") if count == total else (Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"))
            _place_in_footprint(
                b,
                year,
                lad,
                stp,
                count,
                share,
                pair_rows,
                "The sum of the LSOA counts of the rows for this local authority and STP, one per "
                "CCG; the share is that sum over the authority's LSOAs."
                if len(pair_rows) > 1
                else None,
            )


def _place_in_footprint(
    b: Builder, year: int, lad: str, stp: str, count: int, share: Decimal, rows: list[Row], comment: str | None = None
) -> None:
    b.record(
        "local-authorities",
        cgd(f"place-in-footprint-{year}-{lad}-{stp}"),
        cg("PlaceInFootprint"),
        [
            (cg("place"), cgd("place-" + lad)),
            (cg("footprint"), footprint(stp)),
            (cg("lsoaCount"), typed(count, "integer")),
            (cg("shareOfPlace"), typed(share, "decimal")),
            (HAS_TIME, fy(year)),
        ],
        rows,
        comment,
    )
