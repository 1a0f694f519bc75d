"""Dated names: what each reference file calls an organisation, footprint or partnership, and for which period.

The same partnership is "Derbyshire" in the April 2017 lookup, "Joined Up Care Derbyshire" in the April 2019 one and
"NHS Derby and Derbyshire Integrated Care Board" from July 2022. Each file's name for an entity becomes a
``cg:DatedName`` record derived from the first row that gives it, dated with ``time:hasTime`` by the period the file
describes (:data:`PERIODS`), or with ``cg:recordedAsOf`` where the file is a snapshot that says nothing of when the
name began or ended (:data:`AS_OF`). Queries asking "as of a day" read the name in force that day from these records.

The display label (``rdfs:label``) is the current official name: the name from the file whose period begins last
(an ICB's is its ICB name); the other names are ``skos:altLabel``. Names differing only in letter case (NHS Digital
writes names in capitals) are one name, spelt as the first file of data/reference/tables/datasets.csv spells it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from ..periods import span
from .rows import Row
from .terms import ALT_LABEL, HAS_TIME, LABEL, cg, cgd, english, local_name, slugify

PERIODS: Mapping[str, str] = {
    "ons-ccg-stp-2017": "fy-2017-18",
    "ons-lad-stp-2017": "fy-2017-18",
    "ons-ccg-stp-2018": "fy-2018-19",
    "ons-ccg-nhser-2018": "fy-2018-19",
    "ons-ccg-stp-2019": "fy-2019-20",
    "ons-lad-ccg-stp-2019": "fy-2019-20",
    "ons-nhser-2019": "fy-2019-20",
    "ons-stp-2020": "fy-2020-21",
    "ons-ccg-stp-2020": "fy-2020-21",
    "ons-lad-ccg-stp-2020": "fy-2020-21",
    # The last names of STPs and CCGs: both gave way to the integrated care boards on 1 July 2022.
    "nhsd-ccg-stp-2021": "period-2021-04-01-to-2022-06-30",
    "rcpch-icbs": "from-2022-07-01",
}
"""Dataset → the calendar term (after ``cgd:``) of the period whose names it gives, like its memberships."""

AS_OF: Mapping[str, Callable] = {
    # Hand-compiled for 2017/18, not an official list: its names ("North London") record usage, not the name in force.
    "hf-trust-stp": lambda row: "fy-2017-18",
    "ons-ics-2019": lambda row: "month-2019-12",
    "nhse-vanguards": lambda row: ("day-" if len(row["announced"]) == 10 else "month-") + row["announced"],
    # Allocation tool inputs name sub-ICB locations and local authorities for the allocation year they serve.
    "aif-practices-2022-23": lambda row: "fy-2022-23",
    "aif-practices-2024-25": lambda row: "fy-2024-25",
}
"""Dataset → the calendar term (after ``cgd:``) as of which a row records a name: a snapshot, not a period."""


def _when(row) -> tuple[str, bool]:
    """(calendar term, whether it is the period the name was in force) of the name that ``row`` gives."""
    slug = row.dataset.slug
    if slug in PERIODS:
        return PERIODS[slug], True
    if slug in AS_OF:
        return AS_OF[slug](row), False
    raise KeyError(f"caregraph.reference.names: no period for the names of dataset {slug!r}")


def finish(builder, datasets) -> None:
    """Turn the names collected by ``builder.name`` into dated name records and labels, each attested by its row."""
    order = {d.slug: n for n, d in enumerate(datasets)}
    for entity, names in builder.given_names.items():
        names = sorted(names, key=lambda n: (order[n[1].dataset.slug], n[1].line))
        spelling: dict[str, str] = {}
        for name, _, _ in names:
            spelling.setdefault(name.casefold(), name)
        # The first row of each file giving each name: that file's dated name record, and the claim of the label.
        firsts: dict[tuple[str, str], tuple[str, Row, str]] = {}
        for name, row, concern in names:
            firsts.setdefault((row.dataset.slug, name.casefold()), (name, row, concern))
        latest = max(firsts.values(), key=lambda n: (span(cgd(_when(n[1])[0]).value)[0], -order[n[1].dataset.slug]))
        display = spelling[latest[0].casefold()]
        per_file: dict[str, int] = defaultdict(int)
        for slug, _ in firsts:
            per_file[slug] += 1
        for (slug, folded), (name, row, concern) in sorted(firsts.items(), key=lambda i: order[i[0][0]]):
            if spelling[folded] == name:  # a file spelling a name otherwise attests it by its dated name only
                builder.claim(concern, entity, LABEL if name == display else ALT_LABEL, english(name), [row])
            when, in_force = _when(row)
            iri = f"name-{local_name(entity)}-{slug}" + (f"-{slugify(name)}" if per_file[slug] > 1 else "")
            builder.record(
                concern,
                cgd(iri),
                cg("DatedName"),
                [
                    (cg("namedEntity"), entity),
                    (cg("nameText"), english(name)),
                    (HAS_TIME if in_force else cg("recordedAsOf"), cgd(when)),
                ],
                [row],
            )
