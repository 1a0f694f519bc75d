"""stps.ttl, ccgs.ttl, icbs.ttl and first-wave-ics.ttl: the partnerships of 2017 to 2022 and their members.

STPs and ICBs are organisations (``cgd:org-<ODS code>``) with role periods and footprints (:mod:`.footprints` dates
the footprints and tells which replaced which); CCGs are their dated members, year by year; the ten first-wave
integrated care systems of ONS's December 2019 list are the source-derived systems of data/areas/, each with a
footprint that lies within an STP footprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..graph import parse_turtle
from ..namespaces import RDFS
from .builder import Builder, membership
from .catalogue import FirstWaveArea
from .footprints import CCG_STP, ODS_COLUMNS, Footprints, add_footprint_history
from .roles import role_period, role_row
from .rows import Row, first_rows
from .terms import (
    ALT_LABEL,
    FOOTPRINT,
    GSS_CODE,
    HAS_FOOTPRINT,
    IS_REPLACED_BY,
    LABEL,
    ODS_CODE,
    REPLACES,
    STP,
    A,
    calendar,
    cg,
    cgd,
    english,
    footprint,
    fy,
    listing,
    literal,
    local_name,
    org,
)

_STP_COLUMNS = (
    ("ons-stp-2020", "STP20CD", "STP20NM"),
    ("ons-ccg-stp-2020", "STP20CD", "STP20NM"),
    ("ons-ccg-stp-2019", "STP19CD", "STP19NM"),
    ("ons-ccg-stp-2018", "STP18CD", "STP18NM"),
    ("ons-ccg-stp-2017", "STP17CD", "STP17NM"),
    ("nhsd-ccg-stp-2021", "STP21CD", "STP21NM"),
    ("hf-trust-stp", "STP_code", "STP"),
)
"""Files that name an STP footprint: (file, GSS column, name column)."""


def add_stps(b: Builder, rows: Mapping[str, list[Row]], footprints: Footprints) -> None:
    """STP (and ICB) organisations with their footprints, ODS codes, footprint history and ODS role periods."""
    for slug, gss, name in _STP_COLUMNS:
        for row in rows[slug]:
            code = row[gss]
            organisation = footprints.organisation(code)
            b.describe("stps", footprint(code), [FOOTPRINT], [(GSS_CODE, code)], row, row[name])
            b.describe("stps", organisation, [STP], [], row, row[name])
    for slug, gss, ods in ODS_COLUMNS:
        concern = "icbs" if slug == "rcpch-icbs" else "stps"
        for row in rows[slug]:
            b.claim(concern, org(row[ods]), ODS_CODE, literal(row[ods]), [row])
            b.claim(concern, org(row[ods]), HAS_FOOTPRINT, footprint(row[gss]), [row])
    add_footprint_history(b, footprints)
    rcpch = {row["ICB_ODS_CODE"]: row for row in rows["rcpch-icbs"]}
    stp_role, icb_role = role_row(rows, "RO262"), role_row(rows, "RO318")
    for row in rows["ons-stp-2020"]:
        role_period(b, "stps", row, row["STP20CDH"], stp_role, fy(2020))
    for row in first_rows(rows["nhsd-ccg-stp-2021"], "STP21CDH"):
        role_period(b, "stps", row, row["STP21CDH"], stp_role, fy(2021))
    for ods, row in sorted(rcpch.items()):
        role_period(
            b,
            "icbs",
            row,
            ods,
            icb_role,
            calendar("from-2022-07-01"),
            "Integrated care boards were established on 1 July 2022, the date of ONS's ICB codes of 2022.",
        )


def add_ccgs(b: Builder, rows: Mapping[str, list[Row]], footprints: Footprints) -> None:
    """Each CCG, its membership of an STP in each year's lookup, and which 2021 CCG replaced which earlier one."""
    ccg = cg("ClinicalCommissioningGroup")
    for lookup in CCG_STP:
        for row in rows[lookup.slug]:
            ods, stp = row[lookup.ccg_ods], row[lookup.stp_gss]
            b.describe(
                "ccgs", org(ods), [ccg], [(ODS_CODE, ods), (GSS_CODE, row[lookup.ccg_gss])], row, row[lookup.ccg_name]
            )
            membership(b, "ccgs", row, ods, footprints.organisation(stp), stp, fy(lookup.year))
    table = rows["nhsd-ccg-stp-2021"]
    # A 2021 CCG is evidenced by the row that maps its own code to itself, where the table has one.
    own_rows = {row["CCG21CDH"]: row for row in table if row["CCG_UNMAPPED"] == row["CCG21CDH"]}
    for row in first_rows(table, "CCG21CDH"):
        row = own_rows.get(row["CCG21CDH"], row)
        ods = row["CCG21CDH"]
        b.describe("ccgs", org(ods), [ccg], [(ODS_CODE, ods), (GSS_CODE, row["CCG21CD"])], row, row["CCG21NM"])
        membership(b, "ccgs", row, ods, org(row["STP21CDH"]), row["STP21CDH"], fy(2021))
    for row in table:
        old, new = row["CCG_UNMAPPED"], row["CCG21CDH"]
        if old != new:
            comment = f"NHS Digital maps the earlier CCG code {old} to the 2021 CCG {new}."
            b.claim("ccgs", org(old), IS_REPLACED_BY, org(new), [row], comment)
            b.claim("ccgs", org(new), REPLACES, org(old), [row], comment)


def add_icbs(b: Builder, rows: Mapping[str, list[Row]]) -> None:
    """Each ICB and its 2022 and 2023 footprints."""
    for row in rows["rcpch-icbs"]:
        ods = row["ICB_ODS_CODE"]
        b.describe("icbs", org(ods), [cg("IntegratedCareBoard")], [], row, row["ICB_NAME"])
        for column in ("ICB22CD_GSS", "ICB23CD_GSS"):
            b.describe("icbs", footprint(row[column]), [FOOTPRINT], [(GSS_CODE, row[column])], row, row["ICB_NAME"])


def source_labels(areas_dir: Path) -> dict[str, str]:
    """The display name (rdfs:label) that the source-derived records in data/areas/ give each entity."""
    labels = {}
    for path in sorted(areas_dir.glob("*.ttl")):
        for triple in parse_turtle(path):
            if (
                triple.predicate.value == RDFS + "label"
                and isinstance(triple.subject, ox.NamedNode)
                and isinstance(triple.object, ox.Literal)
            ):
                labels[triple.subject.value] = triple.object.value
    return labels


def add_first_wave(
    b: Builder,
    rows: Mapping[str, list[Row]],
    footprints: Footprints,
    display_labels: Mapping[str, str],
    first_wave: Mapping[str, FirstWaveArea],
) -> None:
    """Each footprint of ONS's December 2019 list of systems, its first-wave system (``display_labels`` from
    :func:`source_labels`, ``first_wave`` from data/reference/tables/) and how it lies within its STP footprint."""
    ccg19 = rows["ons-ccg-stp-2019"]
    for row in rows["ons-ics-2019"]:
        code, name = row["ICS19CD"], row["ICS19NM"]
        area = first_wave.get(code)
        if area is None:
            raise InputError(
                f"{row.dataset.file}:{row.line}: {code} has no first-wave system entity",
                hint="add it to data/reference/tables/first-wave-systems.csv with the shared system IRI",
            )
        system, ics_footprint = cgd(area.system), footprint(code)
        b.describe("first-wave-ics", ics_footprint, [FOOTPRINT], [(GSS_CODE, code)], row, name)
        # A snapshot: ONS lists the code in December 2019, which says nothing of when it began or ended.
        b.claim("first-wave-ics", ics_footprint, cg("recordedAsOf"), calendar("month-2019-12"), [row])
        b.claim("first-wave-ics", system, A, cg("IntegratedCareSystem"), [row])
        # Where ONS uses the display name the sources give, it attests that label rather than adding an
        # alternative one equal to it.
        name_property = LABEL if display_labels.get(system.value) == name else ALT_LABEL
        b.claim("first-wave-ics", system, name_property, english(name), [row])
        b.claim(
            "first-wave-ics",
            system,
            HAS_FOOTPRINT,
            ics_footprint,
            [row],
            f"ONS lists {name!r} ({code}) among the integrated care systems of December 2019: it is the "
            f"first-wave area that caregraph describes as {local_name(system)}.",
        )
        in_stp = [r for r in ccg19 if r["STP19CD"] == area.stp]
        part = [r for r in in_stp if r["CCG19CDH"] in area.part]
        if len(part) != len(area.part) or not in_stp:
            raise InputError(
                f"{row.dataset.file}:{row.line}: the April 2019 lookup does not place CCGs "
                f"{listing(area.part)} in {area.stp}"
            )
        others = [r for r in in_stp if r not in part]
        stp_name = in_stp[0]["STP19NM"]
        intro = (
            f"ONS names {code} {name!r} (ICS19, December 2019). The April 2019 lookup places "
            f"{listing(r['CCG19NM'] for r in (part or in_stp))} in the STP footprint {area.stp} {stp_name!r}"
        )
        if part:
            comment = (
                f"{intro}, together with {listing(r['CCG19NM'] for r in others)}. The first-wave footprint, "
                f"named after the area of the first, lies within the STP footprint and is smaller than it."
            )
        else:
            comment = (
                f"{intro}. The first-wave footprint bears the name of the STP's area, so it lies within the "
                f"STP footprint; these files do not say whether it covers all of it."
            )
        b.claim("first-wave-ics", ics_footprint, cg("withinFootprint"), footprint(area.stp), [row, *in_stp], comment)
        if part and others:
            organisation = footprints.organisation(area.stp)
            evidence = footprints.ods_evidence(area.stp)
            b.claim(
                "first-wave-ics",
                system,
                cg("coversPartOf"),
                organisation,
                [row, *in_stp, *evidence],
                f"{comment} The STP footprint {area.stp} is the footprint of {local_name(organisation)} "
                f"(ODS code from {listing(e.dataset.title for e in evidence)}).",
            )
