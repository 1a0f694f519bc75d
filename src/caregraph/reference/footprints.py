"""The STP and ICB footprints and their history: which lookups list each GSS code (so when it was in use), which
code replaced which when ONS re-issued them, the 2018 merger, and the organisation whose footprint each code is.

A footprint code that no file pairs with an ODS code belongs to the organisation of the code that succeeded it; the
three STPs of April 2017 that merged in 2018 have no ODS code in these files and are ``cgd:org-stp-<GSS code>``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import ORG
from .builder import Builder
from .rows import Row
from .terms import (
    HAS_FOOTPRINT,
    HAS_TIME,
    IS_REPLACED_BY,
    REPLACES,
    calendar,
    cg,
    cgd,
    footprint,
    listing,
    local_name,
    org,
)


@dataclass(frozen=True)
class Snapshot:
    """One point in time at which some files list the STP or ICB footprint codes in use."""

    start: date
    columns: tuple[tuple[str, str], ...]
    words: str


SNAPSHOTS = (
    Snapshot(date(2017, 4, 1), (("ons-ccg-stp-2017", "STP17CD"),), "the April 2017 lookup"),
    Snapshot(date(2018, 4, 1), (("ons-ccg-stp-2018", "STP18CD"),), "the April 2018 lookup"),
    Snapshot(date(2019, 4, 1), (("ons-ccg-stp-2019", "STP19CD"),), "the April 2019 lookup"),
    Snapshot(date(2020, 4, 1), (("ons-stp-2020", "STP20CD"), ("ons-ccg-stp-2020", "STP20CD")), "the April 2020 files"),
    Snapshot(date(2021, 4, 1), (("nhsd-ccg-stp-2021", "STP21CD"),), "the NHS Digital 2021 table"),
    Snapshot(date(2022, 7, 1), (("rcpch-icbs", "ICB22CD_GSS"),), "the ICB table's 2022 codes"),
    Snapshot(date(2023, 4, 1), (("rcpch-icbs", "ICB23CD_GSS"),), "the ICB table's 2023 codes"),
)
"""When each set of footprint codes was in use: a code is dated from the first snapshot listing it to the day
before the first later snapshot that does not."""

ODS_COLUMNS = (
    ("ons-stp-2020", "STP20CD", "STP20CDH"),
    ("ons-ccg-stp-2020", "STP20CD", "STP20CDH"),
    ("nhsd-ccg-stp-2021", "STP21CD", "STP21CDH"),
    ("rcpch-icbs", "ICB22CD_GSS", "ICB_ODS_CODE"),
    ("rcpch-icbs", "ICB23CD_GSS", "ICB_ODS_CODE"),
)
"""Files that pair a footprint code with the ODS code of its organisation: (file, GSS column, ODS column)."""


@dataclass(frozen=True)
class CcgLookup:
    """An ONS CCG → STP lookup and the names of its columns."""

    slug: str
    year: int  # the first year of the financial year it describes
    ccg_ods: str
    ccg_gss: str
    ccg_name: str
    stp_gss: str


CCG_STP = tuple(
    CcgLookup(
        f"ons-ccg-stp-{year}",
        year,
        f"CCG{year % 100}CDH",
        f"CCG{year % 100}CD",
        f"CCG{year % 100}NM",
        f"STP{year % 100}CD",
    )
    for year in (2017, 2018, 2019, 2020)
)
"""The ONS CCG → STP lookups, oldest first; ONS names each column by its year."""

LAD_FILES = {
    year: (f"ons-lad-ccg-stp-{year}", f"LAD{year % 100}CD", f"LAD{year % 100}NM", f"STP{year % 100}CD")
    for year in (2019, 2020)
}
"""The derived local authority files that count LSOAs: year → (file, local authority code and name columns,
STP column)."""


@dataclass
class Succession:
    """Footprint ``old`` was followed by ``new`` when ONS re-issued codes: how we know, and whether the
    organisation stayed the same (a re-issued code) or several merged into one."""

    old: str
    new: str
    rows: list[Row]
    comment: str
    same_organisation: bool
    between: tuple[Snapshot, Snapshot]


class Footprints:
    """The STP and ICB footprint codes: when each was in use, which replaced which, whose footprint it is."""

    def __init__(self, rows: Mapping[str, list[Row]]) -> None:
        self.rows = rows
        # code → snapshot index → the first row of each file of that snapshot that lists it
        self.listed: dict[str, dict[int, list[Row]]] = defaultdict(dict)
        for index, snapshot in enumerate(SNAPSHOTS):
            for slug, column in snapshot.columns:
                for row in rows[slug]:
                    found = self.listed[row[column]].setdefault(index, [])
                    if all(r.dataset.slug != slug for r in found):
                        found.append(row)
        self.ods: dict[str, tuple[str, Row]] = {}
        for slug, gss, ods in ODS_COLUMNS:
            for row in rows[slug]:
                known = self.ods.setdefault(row[gss], (row[ods], row))
                if known[0] != row[ods]:
                    raise InputError(
                        f"{row.dataset.file}:{row.line}: {row[gss]} has the ODS code {row[ods]}, but "
                        f"{known[1].dataset.file}:{known[1].line} gives it {known[0]}"
                    )
        self.successions: list[Succession] = []
        for index in range(len(SNAPSHOTS) - 1):
            self._decide_successors(index)
        self.successor = {s.old: s for s in self.successions}

    def codes(self) -> list[str]:
        return sorted(self.listed)

    def in_snapshot(self, index: int) -> set[str]:
        return {code for code, seen in self.listed.items() if index in seen}

    def period(self, code: str) -> ox.NamedNode:
        seen = sorted(self.listed[code])
        if seen != list(range(seen[0], seen[-1] + 1)):
            raise InputError(
                f"footprint code {code} is listed, dropped and listed again: "
                + ", ".join(SNAPSHOTS[i].words for i in seen)
            )
        start = SNAPSHOTS[seen[0]].start
        if seen[-1] == len(SNAPSHOTS) - 1:
            return calendar(f"from-{start.isoformat()}")
        end = SNAPSHOTS[seen[-1] + 1].start - timedelta(days=1)
        return calendar(f"period-{start.isoformat()}-to-{end.isoformat()}")

    def organisation(self, code: str) -> ox.NamedNode:
        """The organisation whose footprint ``code`` is: by its own ODS code, else its successor's."""
        if code in self.ods:
            return org(self.ods[code][0])
        succession = self.successor.get(code)
        if succession and succession.same_organisation:
            return self.organisation(succession.new)
        return org("stp-" + code)

    def ods_evidence(self, code: str) -> list[Row]:
        """The rows that tie ``code`` to its organisation's ODS code (through its successors if need be)."""
        if code in self.ods:
            return [self.ods[code][1]]
        succession = self.successor.get(code)
        if succession and succession.same_organisation:
            return self.ods_evidence(succession.new)
        return []

    # --- deciding successors: by CCGs, by LSOAs or by ODS code, whichever the files of the two snapshots allow

    def _decide_successors(self, index: int) -> None:
        before, after = SNAPSHOTS[index], SNAPSHOTS[index + 1]
        gone = sorted(self.in_snapshot(index) - self.in_snapshot(index + 1))
        new = self.in_snapshot(index + 1) - self.in_snapshot(index)
        if not gone:
            return
        if before.start.year in LAD_FILES and after.start.year in LAD_FILES:
            decided = [self._by_lsoas(code, new, before.start.year, after.start.year) for code in gone]
        elif index + 1 < len(CCG_STP) and before.start.year == CCG_STP[index].year:
            decided = [self._by_ccgs(code, new, CCG_STP[index], CCG_STP[index + 1]) for code in gone]
        else:
            decided = [self._by_ods(code, new) for code in gone]
        targets = defaultdict(list)
        for old, new_code, *_ in decided:
            targets[new_code].append(old)
        for old, new_code, rows, comment in decided:
            merged = len(targets[new_code]) > 1
            self.successions.append(Succession(old, new_code, rows, comment, not merged, (before, after)))

    def _by_ccgs(self, code, new, lookup_before, lookup_after):
        a, b = lookup_before, lookup_after
        year_a, year_b = a.year, b.year
        ccgs = [r for r in self.rows[a.slug] if r[a.stp_gss] == code]
        later = {r[b.ccg_ods]: r for r in self.rows[b.slug]}
        missing = [r[a.ccg_ods] for r in ccgs if r[a.ccg_ods] not in later]
        targets = {later[r[a.ccg_ods]][b.stp_gss] for r in ccgs if r[a.ccg_ods] in later}
        if missing or len(targets) != 1 or not targets <= new:
            raise InputError(
                f"cannot decide what replaced footprint {code}: its CCGs of {year_a} are not all in one "
                f"new footprint in {year_b}"
            )
        successor = targets.pop()
        rows = ccgs + [later[r[a.ccg_ods]] for r in ccgs]
        names = listing(r[a.ccg_name] for r in ccgs)
        ccg_words = f"{len(ccgs)} CCG" + "s" * (len(ccgs) != 1)
        comment = (
            f"The April {year_a} lookup places {ccg_words} in {code} ({names}); the April {year_b} lookup "
            f"places every one of them in {successor}, a code it is the first to list."
        )
        return code, successor, rows, comment

    def _by_lsoas(self, code, new, year_a, year_b):
        slug_a, lad_a, _, stp_a = LAD_FILES[year_a]
        slug_b, lad_b, _, stp_b = LAD_FILES[year_b]
        counts_a, totals = _lsoa_counts(self.rows[slug_a], lad_a, stp_a)
        counts_b, _ = _lsoa_counts(self.rows[slug_b], lad_b, stp_b)
        total = sum(counts_a[code].values())
        shared = {}
        for candidate in new:
            # At least a + b - total of a local authority's LSOAs lie in both footprints.
            shared[candidate] = sum(
                max(0, n + counts_b[candidate].get(lad, 0) - totals[lad]) for lad, n in counts_a[code].items()
            )
        flows = sorted(((n, c) for c, n in shared.items() if n), reverse=True)
        if not flows or flows[0][0] * 2 <= total:
            raise InputError(
                f"cannot decide what replaced footprint {code}: no new footprint of {year_b} holds "
                f"most of its {total} LSOAs"
            )
        successor = flows[0][1]
        lads = sorted(lad for lad in counts_a[code] if lad in counts_b[successor])
        rows = [r for r in self.rows[slug_a] if r[stp_a] == code and r[lad_a] in lads] + [
            r for r in self.rows[slug_b] if r[stp_b] == successor and r[lad_b] in lads
        ]
        comment = (
            f"Of the {total} LSOAs of {code} in April {year_a}, at least "
            + listing(f"{n} lie in {c}" for n, c in flows)
            + f" in April {year_b} (counted per local authority: at least a + b - total of an authority's "
            f"LSOAs lie in both). {code} is not listed in {year_b}; {successor}, a new code, holds most "
            f"of its area."
        )
        return code, successor, rows, comment

    def _by_ods(self, code, new):
        if code not in self.ods:
            raise InputError(f"cannot decide what replaced footprint {code}: no file gives its ODS code")
        ods, row = self.ods[code]
        successors = [(c, self.ods[c][1]) for c in sorted(new) if c in self.ods and self.ods[c][0] == ods]
        if len(successors) != 1:
            raise InputError(
                f"cannot decide what replaced footprint {code}: {len(successors)} new codes have its ODS code {ods}"
            )
        successor, later = successors[0]
        rows = [row] if row is later else [row, later]
        comment = (
            f"{code} and {successor} are both given the ODS code {ods}: the organisation kept its ODS code "
            f"and ONS re-issued the footprint's code."
        )
        return code, successor, rows, comment


def _lsoa_counts(rows: list[Row], lad_column: str, stp_column: str):
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = {}
    for row in rows:
        counts[row[stp_column]][row[lad_column]] += int(row["LSOA11_count"])
        totals[row[lad_column]] = int(row["LAD_LSOA11_total"])
    return counts, totals


def _dating(code: str, seen: list[int]) -> str:
    listed = listing([SNAPSHOTS[i].words for i in seen])
    if seen[-1] == len(SNAPSHOTS) - 1:
        how = f"{code} is listed by {listed}, the latest, so it is dated from the first of these on, open-ended."
    else:
        later = SNAPSHOTS[seen[-1] + 1]
        how = (
            f"{code} is listed by {listed} but not by {later.words}, so it is dated from the first of these to "
            f"the day before {later.start:%-d %B %Y}."
        )
    return how + " The files begin in April 2017: a code may be older."


def add_footprint_history(b: Builder, footprints: Footprints) -> None:
    """Each footprint's dates, its organisation where no row gives it, successions and the 2018 merger."""
    stp_era = set().union(*(footprints.in_snapshot(i) for i in range(5)))
    for code in footprints.codes():
        concern = "stps" if code in stp_era else "icbs"
        listed = footprints.listed[code]
        rows = [row for index in sorted(listed) for row in listed[index]]
        b.claim(concern, footprint(code), HAS_TIME, footprints.period(code), rows, _dating(code, sorted(listed)))
        if code in footprints.ods:
            continue  # the rows that give its ODS code say whose footprint it is (see partnerships.add_stps)
        organisation, evidence = footprints.organisation(code), footprints.ods_evidence(code)
        if evidence:
            chain, link = [], footprints.successor.get(code)
            while link and link.same_organisation and link.old not in footprints.ods:
                chain.append(link.new)
                link = footprints.successor.get(link.new)
            b.claim(
                concern,
                organisation,
                HAS_FOOTPRINT,
                footprint(code),
                rows[:1] + evidence,
                f"ONS replaced {code} by {' and then '.join(chain)} (see the dcterms:isReplacedBy claims), "
                f"which {evidence[0].dataset.title!r} gives the ODS code {local_name(organisation)[4:]}.",
            )
        else:
            b.claim(
                concern,
                organisation,
                HAS_FOOTPRINT,
                footprint(code),
                rows[:1],
                f"No file gives the STP of {code} an ODS code, so caregraph names it by its footprint code.",
            )
    for s in footprints.successions:
        concern = "stps" if s.new in stp_era else "icbs"
        b.claim(concern, footprint(s.old), IS_REPLACED_BY, footprint(s.new), s.rows, s.comment)
        b.claim(concern, footprint(s.new), REPLACES, footprint(s.old), s.rows, s.comment)
    merged = defaultdict(list)
    for s in footprints.successions:
        if not s.same_organisation:
            merged[s.new].append(s)
    for new, parts in sorted(merged.items()):
        before, after = parts[0].between
        rows = [row for s in parts for row in s.rows]
        period = calendar(
            f"period-{before.start.isoformat()}-to-"
            f"{(after.start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)}"
        )
        olds = [s.old for s in parts]
        b.record(
            "stps",
            cgd(f"merger-{after.columns[0][0]}-{new}"),
            cg("Merger"),
            [(ox.NamedNode(ORG + "originalOrganization"), footprints.organisation(old)) for old in olds]
            + [(ox.NamedNode(ORG + "resultingOrganization"), footprints.organisation(new)), (HAS_TIME, period)],
            rows,
            f"The STPs of {listing(olds)} became one, {new}: every CCG that {before.words} places in them is "
            f"in {new} in {after.words}. It happened between the two lookups.",
        )
