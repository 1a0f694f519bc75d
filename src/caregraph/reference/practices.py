"""GP practices, primary care networks, sub-ICB locations and registered populations, from NHS England's
allocation tool inputs (data/reference/README.md gives the two files' origin, licence, date and trust).

One file per allocation year lists every GP practice with its primary care network (PCN), sub-ICB location, ICB,
local authority and populations. How its rows become triples (data/README.md has the conventions):

* Each row is a ``cg:Quotation`` of its dataset, as for every reference file.
* A practice (``cgd:org-<ODS code>``) and a PCN are described by the first row that lists them, as sourced records
  derived from that row: type, name, ODS code, postcode, WGS84 location and local authority areas are attested at
  once by ``prov:wasDerivedFrom``. With 6,560 practices a claim per statement would add five triples per fact and
  say nothing the derivation does not.
* A sub-ICB location is the organisation of the CCG whose code it kept (``cgd:org-16C``): claims give it its type
  and the allocation tool's name, and a role period the ODS role of sub-ICB locations.
* Memberships are dated by the allocation year: a practice's PCN and sub-ICB location in 2022/23 (the ICB follows
  from the sub-ICB location's membership, which is not repeated per practice), and its ICB in 2024/25 (that file's
  PCN, sub-ICB and patient columns are empty, so it gives nothing else).
* Populations are W3C Data Cube observations, one per practice and file, in the dataset's structure: registered
  patients (2022/23 only), the allocation year's population and its need-weighted population, in people.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import GEO, QB, SCHEMA
from .builder import Builder, membership
from .catalogue import FirstWaveArea
from .footprints import LAD_FILES
from .roles import role_period, role_row
from .rows import Row
from .terms import (
    HAS_TIME,
    LABEL,
    ODS_CODE,
    A,
    calendar,
    cg,
    cgd,
    english,
    fy,
    listing,
    literal,
    org,
    typed,
)

CONCERN = "practices"

_SLUGS = ("aif-practices-2022-23", "aif-practices-2024-25")
"""The two allocation tool files (rows of data/reference/tables/datasets.csv), oldest first."""

_YEARS = {"aif-practices-2022-23": 2022, "aif-practices-2024-25": 2024}
"""Each file → the first calendar year of the allocation year it serves."""

_MEASURES = (
    ("Patients", "registeredPatients", "integer"),
    ("pop 2022/23", "population", "decimal"),
    ("Final WP", "needWeightedPopulation", "decimal"),
)
"""Columns imported as measures: (column, cg: measure property, datatype). An empty column gives no measure."""

_STRUCTURES = {
    "aif-practices-2022-23": cg("PracticePopulationStructure"),
    "aif-practices-2024-25": cg("ProjectedPracticePopulationStructure"),
}
"""Each file's Data Cube structure: the 2024/25 file has no registered patients, so its structure has no such
measure (every observation of a Data Cube dataset has a value for each measure of its structure)."""

NO_PCN = "U"
"""The PCN code of practices that the file lists as "Unallocated": no primary care network."""

PEOPLE = cg("People")
LOCATED_IN = cg("locatedIn")


def _decimal(row: Row, column: str) -> ox.Literal:
    """A decimal column as xsd:decimal in plain notation (the file writes one longitude as 4.72E-05)."""
    try:
        value = Decimal(row[column])
    except InvalidOperation:
        raise InputError(f"{row.dataset.file}:{row.line}: {column} {row[column]!r} is not a number") from None
    return typed(format(value, "f"), "decimal")


def _integer(row: Row, column: str) -> ox.Literal:
    if not row[column].isdigit():
        raise InputError(f"{row.dataset.file}:{row.line}: {column} {row[column]!r} is not a whole number")
    return typed(int(row[column]), "integer")


def _places(row: Row) -> list[str]:
    """The local authority areas a practice lies in: its district (LAD21) and, if another, its upper-tier area
    (the 2022/23 file's LA21 column is the upper tier; the 2024/25 file's repeats the district)."""
    return sorted({row["LAD21"], row["LA21"]})


def _place_names(row: Row) -> dict[str, str]:
    return {row["LAD21"]: row["LTLA21"], row["LA21"]: row["UTLA21"]}


def add_practices(b: Builder, rows: Mapping[str, list[Row]], first_wave: Mapping[str, FirstWaveArea]) -> None:
    """Add the practices, PCNs, sub-ICB locations, memberships and populations of both files to ``b``.

    A local authority area that the ONS lookups do not describe (a county, or a unitary authority created after
    April 2020) is described from the first row that names it.
    """
    older, newer = (rows[slug] for slug in _SLUGS)
    known_places = {row["LAD17CD"] for row in rows["ons-lad-stp-2017"]}
    for slug, lad_column, _, _ in LAD_FILES.values():
        known_places.update(row[lad_column] for row in rows[slug])
    described: set[str] = set()
    for row in older + newer:
        _practice(b, row, described)
        for code, name in _place_names(row).items():
            if code not in known_places:
                known_places.add(code)
                b.describe(
                    CONCERN, cgd("place-" + code), [cg("LocalAuthorityArea")], [(cg("gssCode"), code)], row, name
                )
        _observation(b, row)
    pcns: set[str] = set()
    sub_icbs: set[str] = set()
    sub_icb_role = role_row(rows, "RO319")
    for row in older:
        code, pcn, location = row["Practice_Code"], row["PCN_Code"], row["LOC22"]
        if not pcn or not location:
            raise InputError(f"{row.dataset.file}:{row.line}: practice {code} has no PCN or sub-ICB location code")
        if pcn != NO_PCN:
            if pcn not in pcns:
                pcns.add(pcn)
                b.record(
                    CONCERN,
                    org(pcn),
                    cg("PrimaryCareNetwork"),
                    [(LABEL, english(row["PCN_Name"])), (ODS_CODE, literal(pcn))],
                    [row],
                )
            _membership(b, row, code, pcn)
        _membership(b, row, code, location)
        if location not in sub_icbs:
            sub_icbs.add(location)
            organisation = org(location)
            b.claim(CONCERN, organisation, A, cg("SubICBLocation"), [row])
            b.name(CONCERN, organisation, row["LOC22name"], row)
            role_period(
                b,
                CONCERN,
                row,
                location,
                sub_icb_role,
                calendar("from-2022-07-01"),
                "Sub-ICB locations were established with the integrated care boards on 1 July 2022, each "
                "keeping the ODS code of the clinical commissioning group whose area it is.",
            )
            _membership(b, row, location, row["ICS22"])
    for row in newer:
        _membership(b, row, row["Practice_Code"], row["ICS22"])
    _first_wave_locations(b, rows, first_wave)


def _first_wave_locations(b: Builder, rows: Mapping[str, list[Row]], first_wave: Mapping[str, FirstWaveArea]) -> None:
    """Each first-wave system's matching sub-ICB locations: those whose CCGs of April 2019 lie in its footprint.

    The CCGs are those of the system's STP in the April 2019 lookup (or, where the first-wave footprint is only
    part of it, the CCGs whose area it names); NHS Digital's 2021 table maps each to its 2021 CCG, whose code the
    sub-ICB location kept. A 2021 CCG that also took in a CCG from outside the footprint is said to cover more.
    """
    ics = {row["ICS19CD"]: row for row in rows["ons-ics-2019"]}
    ccg19 = rows["ons-ccg-stp-2019"]
    to_2021 = {row["CCG_UNMAPPED"]: row for row in rows["nhsd-ccg-stp-2021"]}
    first_listing: dict[str, Row] = {}
    for row in rows[_SLUGS[0]]:
        first_listing.setdefault(row["LOC22"], row)
    for code, area in sorted(first_wave.items()):
        inside = [r for r in ccg19 if r["STP19CD"] == area.stp and (not area.part or r["CCG19CDH"] in area.part)]
        locations: dict[str, list[Row]] = {}
        for row in inside:
            mapping = to_2021.get(row["CCG19CDH"])
            if mapping is None or mapping["CCG21CDH"] not in first_listing:
                raise InputError(
                    f"{row.dataset.file}:{row.line}: CCG {row['CCG19CDH']} has no sub-ICB location in "
                    f"the 2021 mapping and the 2022/23 allocation file"
                )
            locations.setdefault(mapping["CCG21CDH"], []).extend([row, mapping])
        for location, evidence in sorted(locations.items()):
            ccgs = [r for r in evidence if r.dataset.slug == "ons-ccg-stp-2019"]
            outside = sorted(
                r["CCG_UNMAPPED"]
                for r in rows["nhsd-ccg-stp-2021"]
                if r["CCG21CDH"] == location
                and r["CCG_UNMAPPED"] not in {c["CCG19CDH"] for c in inside}
                and r["CCG_UNMAPPED"] != location
            )
            name, named = ics[code]["ICS19NM"], listing(f"{r['CCG19NM']} ({r['CCG19CDH']})" for r in ccgs)
            comment = (
                f"The April 2019 lookup places {named} "
                f"in the first-wave footprint {code} {name!r} (the area of STP footprint {area.stp}"
                f"{' that it names' if area.part else ''}); NHS Digital's 2021 table maps "
                f"{'it' if len(ccgs) == 1 else 'them'} to the CCG {location}, whose code the sub-ICB location "
                f"{location} of the 2022/23 allocation file kept."
            )
            if outside:
                comment += (
                    f" That CCG also took in {listing(outside)}, which the April 2019 lookup places outside "
                    f"the footprint: the sub-ICB location covers more than the first-wave area."
                )
            b.claim(
                CONCERN,
                cgd(area.system),
                cg("matchingSubICBLocation"),
                org(location),
                [ics[code], *evidence, first_listing[location]],
                comment,
            )


def _practice(b: Builder, row: Row, described: set[str]) -> None:
    """The practice as the first file listing it describes it; a later file's words stay in its quotation."""
    code = row["Practice_Code"]
    if code in described:
        return
    described.add(code)
    b.record(
        CONCERN,
        org(code),
        cg("GeneralPractice"),
        [
            (LABEL, english(row["GP_Practice_Name"])),
            (ODS_CODE, literal(code)),
            (ox.NamedNode(SCHEMA + "postalCode"), literal(row["Practice_Postcode"])),
            (ox.NamedNode(GEO + "lat"), _decimal(row, "Latitude")),
            (ox.NamedNode(GEO + "long"), _decimal(row, "Longitude")),
            *((LOCATED_IN, cgd("place-" + place)) for place in _places(row)),
        ],
        [row],
    )


def _membership(b: Builder, row: Row, member: str, organisation: str) -> None:
    """``member``'s membership of ``organisation`` (both ODS codes) in the allocation year of ``row``'s file."""
    membership(b, CONCERN, row, member, org(organisation), organisation, fy(_YEARS[row.dataset.slug]))


def _observation(b: Builder, row: Row) -> None:
    """The practice's populations in this file: one Data Cube observation of the dataset, in people."""
    measures = []
    for column, measure, datatype in _MEASURES:
        if row[column]:
            value = _integer(row, column) if datatype == "integer" else _decimal(row, column)
            measures.append((cg(measure), value))
    if not measures:
        raise InputError(f"{row.dataset.file}:{row.line}: no population for practice {row['Practice_Code']}")
    code, dataset = row["Practice_Code"], row.dataset
    b.record(
        CONCERN,
        cgd(f"population-{dataset.slug}-{code}"),
        ox.NamedNode(QB + "Observation"),
        [
            (ox.NamedNode(QB + "dataSet"), ox.NamedNode(dataset.iri)),
            (cg("registeredPopulationOf"), org(code)),
            (HAS_TIME, fy(_YEARS[dataset.slug])),
            (cg("unitOfMeasure"), PEOPLE),
            *measures,
        ],
        [row],
    )


def describe_datasets(b: Builder) -> None:
    """Each file is also a Data Cube dataset whose structure (ontology/populations.ttl) its observations follow."""
    for dataset in b.datasets:
        if dataset.slug in _STRUCTURES:
            b.add("datasets", ox.NamedNode(dataset.iri), A, ox.NamedNode(QB + "DataSet"))
            b.add("datasets", ox.NamedNode(dataset.iri), ox.NamedNode(QB + "structure"), _STRUCTURES[dataset.slug])
