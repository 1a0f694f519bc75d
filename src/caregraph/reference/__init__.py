"""Import the reference data: every STP, CCG, ICB, first-wave ICS, region, trust and vanguard, from open data files.

``data/reference/`` holds byte-identical copies of official and public data files (its README gives each one's
origin, licence, date and trust). :func:`import_reference` turns them into Turtle beside them, one file per
concern (:data:`CONCERNS`), deterministically sorted, so that regenerating gives byte-identical files.

How rows become triples (data/README.md has the conventions):

* Every row of a file (every table line of the ODS role listing) is a ``cg:Quotation``: the row verbatim, quoted
  from the file's ``cg:ReferenceDataset``, located by line number and row key.
* What a row says about a lasting entity — a type, a name, a code, a footprint — is a ``cg:Claim`` derived from the
  first row of that file that says it. The same triple stated by two files gives two claims.
* What a row records for a period — a CCG's membership of an STP in one year's lookup, an ODS role period, a local
  authority's share of a footprint — is a sourced record derived from its row (or the rows it sums).
* What follows only from several rows together — a footprint's successor when ONS re-issued its code, the 2018
  merger, the dates a code was in use, a first-wave footprint lying within an STP footprint — is derived from all
  of them, with an ``rdfs:comment`` saying how it follows.

The organisation (``cgd:org-<ODS code>``, stable), its role periods (STP, then ICB) and its footprints
(``cgd:footprint-<GSS code>``, one per code, dated by the lookups that list it) are kept apart. A footprint code
that no file pairs with an ODS code belongs to the organisation of the code that succeeded it; the three STPs of
April 2017 that merged in 2018 have no ODS code in these files and are ``cgd:org-stp-<GSS code>``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..files import atomic_write
from ..graph import parse_turtle
from ..namespaces import CG, CGD, DCTERMS, ORG, PREFIXES, PROV, RDF, RDFS, SKOS, STATISTICAL_GEOGRAPHY, TIME, XSD
from ..ordering import sorted_triples
from ..project import Project
from .catalogue import Dataset, FirstWaveArea, read_datasets, read_first_wave, read_publishers

COMMAND = "caregraph import-reference"

CONCERNS: dict[str, str] = {
    "datasets": "the reference datasets themselves: title, publisher, date, licence, file and origin",
    "ods-roles": "the Organisation Data Service role codes as a SKOS concept scheme",
    "regions": "NHS England regions, and the dated memberships of CCGs, STPs and ICBs in them",
    "stps": "sustainability and transformation partnerships 2017-2021: organisations, footprints with their "
            "dated GSS codes and code history, the 2018 merger, ODS role periods",
    "ccgs": "clinical commissioning groups and their dated memberships of STPs, April 2017 to 2021",
    "icbs": "the 42 integrated care boards (July 2022): organisations, ODS role periods, 2022 and 2023 footprints",
    "first-wave-ics": "the ten first-wave integrated care systems' ONS footprints (ICS19, E59) and how they lie "
                      "within their STP footprints",
    "local-authorities": "local authority areas and their share of each STP footprint, April 2017, 2019 and 2020",
    "trusts": "acute NHS trusts and their STPs, 2017/18",
    "vanguards": "the 50 new care model vanguards: type, wave and announcement",
    "practices": "GP practices, primary care networks and sub-ICB locations with their dated memberships, and the "
                 "practices' registered and weighted populations, 2022/23 and 2024/25",
}
"""Output file stem → what it holds (the header comment of the generated file)."""


# --- the files ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One row of a reference file: its verbatim text, where it stands, and its values by column."""

    dataset: Dataset
    line: int
    text: str
    values: Mapping[str, str] = field(repr=False)

    def __getitem__(self, column: str) -> str:
        try:
            return self.values[column].strip()
        except KeyError:
            raise InputError(f"{self.dataset.file}:{self.line}: no column {column!r}") from None

    @property
    def key(self) -> str:
        return "-".join(self[c] for c in self.dataset.key)

    @property
    def iri(self) -> ox.NamedNode:
        return _cgd(f"quote-{self.dataset.slug}-{_slug(self.key, lower=False)}")


def read_rows(dataset: Dataset, reference_dir: Path) -> list[Row]:
    """The rows of one reference file (a CSV file, or the table of a Markdown file)."""
    path = reference_dir / dataset.file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file",
                         hint="data/reference/README.md lists the files and where they come from") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    lines = text.splitlines()
    if dataset.file.endswith(".md"):
        return _table_rows(dataset, lines)
    header = next(csv.reader(lines[:1]), None)
    if not header:
        raise InputError(f"{dataset.file}:1: no header row")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        values = next(csv.reader([line]))
        if len(values) != len(header):
            raise InputError(f"{dataset.file}:{number}: {len(values)} fields where the header has {len(header)}")
        rows.append(Row(dataset, number, line, dict(zip(header, values, strict=True))))
    _check_keys(dataset, rows)
    return rows


def _table_rows(dataset: Dataset, lines: list[str]) -> list[Row]:
    """The data rows of the first Markdown table (``|a |b |``), after its header and ``|:--|`` rule."""
    cells = [(n, [c.strip() for c in line.strip().strip("|").split("|")])
             for n, line in enumerate(lines, start=1) if line.startswith("|")]
    if len(cells) < 2:
        raise InputError(f"{dataset.file}: no table")
    header = cells[0][1]
    # As in Markdown, a row need not have as many cells as the header: missing ones are left out, extra ones dropped.
    rows = [Row(dataset, n, lines[n - 1], dict(zip(header, values, strict=False))) for n, values in cells[2:]]
    _check_keys(dataset, rows)
    return rows


def _check_keys(dataset: Dataset, rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if row.key in seen:
            raise InputError(f"{dataset.file}:{row.line}: row key {row.key!r} repeats line {seen[row.key]}")
        seen[row.key] = row.line


# --- terms ---------------------------------------------------------------------------------------------------

def _cgd(local: str) -> ox.NamedNode:
    return ox.NamedNode(CGD + local)


def _cg(local: str) -> ox.NamedNode:
    return ox.NamedNode(CG + local)


def _text(value: str) -> ox.Literal:
    return ox.Literal(value)


def _name(value: str) -> ox.Literal:
    """A name, tagged English like every label in data/, so that the same name from a source document and from a
    reference file is one triple with two claims rather than two labels."""
    return ox.Literal(value, language="en")


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def _slug(text: str, *, lower: bool = True) -> str:
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
GSS_CODE = _cg("gssCode")
ODS_CODE = _cg("odsCode")
ONS_GEOGRAPHY = _cg("onsGeography")
HAS_FOOTPRINT = _cg("hasFootprint")
FOOTPRINT = _cg("Footprint")
STP = _cg("SustainabilityAndTransformationPartnership")


def _footprint(code: str) -> ox.NamedNode:
    return _cgd("footprint-" + code)


def _org(code: str) -> ox.NamedNode:
    return _cgd("org-" + code)


def _calendar(local: str) -> ox.NamedNode:
    return _cgd(local)


def _fy(start_year: int) -> ox.NamedNode:
    return _calendar(f"fy-{start_year}-{(start_year + 1) % 100:02d}")


def _local(term: ox.NamedNode) -> str:
    value = term.value
    for namespace in (CGD, CG):
        if value.startswith(namespace):
            return value[len(namespace):]
    return re.split(r"[/#]", value)[-1]


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def _object_key(term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.Literal):
        slug = _slug(term.value)
        if len(slug) > 40:
            slug = slug[:40].rstrip("-") + "-" + hashlib.sha1(term.value.encode()).hexdigest()[:6]
        return slug
    if term.value.startswith(CG) or term.value.startswith(STATISTICAL_GEOGRAPHY):
        return _kebab(_local(term))
    return _local(term)


# --- the graph under construction ----------------------------------------------------------------------------

class _Builder:
    """Collects the triples of each concern file, with claims and records that attest every one of them."""

    def __init__(self, datasets: tuple[Dataset, ...]) -> None:
        self.datasets = datasets
        self.files: dict[str, set[ox.Triple]] = defaultdict(set)
        self._claims: dict[str, tuple] = {}
        self._names: dict[ox.NamedNode, list[tuple[str, Row, str]]] = defaultdict(list)

    def dataset(self, slug: str) -> Dataset:
        return next(d for d in self.datasets if d.slug == slug)

    def add(self, concern: str, s: ox.NamedNode, p: ox.NamedNode, o) -> None:
        self.files[concern].add(ox.Triple(s, p, o))

    def quotation(self, row: Row) -> None:
        q, concern = row.iri, row.dataset.concern
        locator = f"line {row.line}, " + ", ".join(f"{c} {row[c]}" for c in row.dataset.key)
        self.add(concern, q, A, _cg("Quotation"))
        self.add(concern, q, ox.NamedNode(PROV + "value"), _text(row.text))
        self.add(concern, q, ox.NamedNode(PROV + "wasQuotedFrom"), ox.NamedNode(row.dataset.iri))
        self.add(concern, q, _cg("locator"), _text(locator))

    def claim(self, concern: str, s: ox.NamedNode, p: ox.NamedNode, o, rows: Iterable[Row],
              comment: str | None = None) -> None:
        """Assert (s, p, o) and the claim that the first of ``rows``' files states it, derived from ``rows``.

        A second call for the same triple and file adds nothing: the first row that says it is the evidence.
        """
        rows = list(rows)
        iri = f"claim-{rows[0].dataset.slug}-{_local(s)}-{_kebab(_local(p))}-{_object_key(o)}"
        if iri in self._claims:
            if self._claims[iri] != (s, p, o):
                raise AssertionError(f"claim IRI {iri} names two triples")
            return
        self._claims[iri] = (s, p, o)
        claim = _cgd(iri)
        self.add(concern, s, p, o)
        self.add(concern, claim, A, _cg("Claim"))
        self.add(concern, claim, ox.NamedNode(RDF + "subject"), s)
        self.add(concern, claim, ox.NamedNode(RDF + "predicate"), p)
        self.add(concern, claim, ox.NamedNode(RDF + "object"), o)
        for row in rows:
            self.add(concern, claim, DERIVED_FROM, row.iri)
        if comment:
            self.add(concern, claim, COMMENT, _text(comment))

    def record(self, concern: str, iri: ox.NamedNode, kind: ox.NamedNode, properties: Iterable[tuple],
               rows: Iterable[Row], comment: str | None = None) -> None:
        """A sourced record: a node of class ``kind`` with ``properties``, derived from ``rows``."""
        self.add(concern, iri, A, kind)
        for p, o in properties:
            self.add(concern, iri, p, o)
        for row in rows:
            self.add(concern, iri, DERIVED_FROM, row.iri)
        if comment:
            self.add(concern, iri, COMMENT, _text(comment))

    def describe(self, concern: str, entity: ox.NamedNode, kinds: Iterable[ox.NamedNode],
                 codes: Iterable[tuple[ox.NamedNode, str]], row: Row, name: str | None = None) -> None:
        """The usual claims about an entity from one row: its types, its codes (with the ONS geography IRI of a
        footprint's or place's GSS code), and a name."""
        for kind in kinds:
            self.claim(concern, entity, A, kind, [row])
        for prop, code in codes:
            self.claim(concern, entity, prop, _text(code), [row])
            if prop == GSS_CODE and not entity.value.startswith(CGD + "org-"):
                self.claim(concern, entity, ONS_GEOGRAPHY, ox.NamedNode(STATISTICAL_GEOGRAPHY + code), [row])
        if name:
            self.name(concern, entity, name, row)

    def name(self, concern: str, entity: ox.NamedNode, name: str, row: Row) -> None:
        """A name that ``row`` gives ``entity``; :meth:`finish_names` turns names into labels."""
        self._names[entity].append((name.strip(), row, concern))

    def finish_names(self) -> None:
        """Dated name records and labels from the names collected (see :mod:`caregraph.reference.names`)."""
        from . import names

        names.finish(self, self.datasets)


def _listing(items: Iterable[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the footprints and their history ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Snapshot:
    """One point in time at which some files list the STP or ICB footprint codes in use."""

    start: date
    columns: tuple[tuple[str, str], ...]
    words: str


_SNAPSHOTS = (
    _Snapshot(date(2017, 4, 1), (("ons-ccg-stp-2017", "STP17CD"),), "the April 2017 lookup"),
    _Snapshot(date(2018, 4, 1), (("ons-ccg-stp-2018", "STP18CD"),), "the April 2018 lookup"),
    _Snapshot(date(2019, 4, 1), (("ons-ccg-stp-2019", "STP19CD"),), "the April 2019 lookup"),
    _Snapshot(date(2020, 4, 1), (("ons-stp-2020", "STP20CD"), ("ons-ccg-stp-2020", "STP20CD")),
              "the April 2020 files"),
    _Snapshot(date(2021, 4, 1), (("nhsd-ccg-stp-2021", "STP21CD"),), "the NHS Digital 2021 table"),
    _Snapshot(date(2022, 7, 1), (("rcpch-icbs", "ICB22CD_GSS"),), "the ICB table's 2022 codes"),
    _Snapshot(date(2023, 4, 1), (("rcpch-icbs", "ICB23CD_GSS"),), "the ICB table's 2023 codes"),
)
"""When each set of footprint codes was in use: a code is dated from the first snapshot listing it to the day
before the first later snapshot that does not."""

_ODS_COLUMNS = (("ons-stp-2020", "STP20CD", "STP20CDH"), ("ons-ccg-stp-2020", "STP20CD", "STP20CDH"),
                ("nhsd-ccg-stp-2021", "STP21CD", "STP21CDH"), ("rcpch-icbs", "ICB22CD_GSS", "ICB_ODS_CODE"),
                ("rcpch-icbs", "ICB23CD_GSS", "ICB_ODS_CODE"))
"""Files that pair a footprint code with the ODS code of its organisation: (file, GSS column, ODS column)."""

@dataclass(frozen=True)
class _CcgLookup:
    """An ONS CCG → STP lookup and the names of its columns."""

    slug: str
    year: int  # the first year of the financial year it describes
    ccg_ods: str
    ccg_gss: str
    ccg_name: str
    stp_gss: str


_CCG_STP = tuple(_CcgLookup(f"ons-ccg-stp-{year}", year, f"CCG{year % 100}CDH", f"CCG{year % 100}CD",
                            f"CCG{year % 100}NM", f"STP{year % 100}CD") for year in (2017, 2018, 2019, 2020))
"""The ONS CCG → STP lookups, oldest first; ONS names each column by its year."""

_LAD_FILES = {year: (f"ons-lad-ccg-stp-{year}", f"LAD{year % 100}CD", f"LAD{year % 100}NM", f"STP{year % 100}CD")
              for year in (2019, 2020)}
"""The derived local authority files that count LSOAs: year → (file, local authority code and name columns,
STP column)."""


@dataclass
class _Succession:
    """Footprint ``old`` was followed by ``new`` when ONS re-issued codes: how we know, and whether the
    organisation stayed the same (a re-issued code) or several merged into one."""

    old: str
    new: str
    rows: list[Row]
    comment: str
    same_organisation: bool
    between: tuple[_Snapshot, _Snapshot]


class _Footprints:
    """The STP and ICB footprint codes: when each was in use, which replaced which, whose footprint it is."""

    def __init__(self, rows: Mapping[str, list[Row]]) -> None:
        self.rows = rows
        # code → snapshot index → the first row of each file of that snapshot that lists it
        self.listed: dict[str, dict[int, list[Row]]] = defaultdict(dict)
        for index, snapshot in enumerate(_SNAPSHOTS):
            for slug, column in snapshot.columns:
                for row in rows[slug]:
                    found = self.listed[row[column]].setdefault(index, [])
                    if all(r.dataset.slug != slug for r in found):
                        found.append(row)
        self.ods: dict[str, tuple[str, Row]] = {}
        for slug, gss, ods in _ODS_COLUMNS:
            for row in rows[slug]:
                known = self.ods.setdefault(row[gss], (row[ods], row))
                if known[0] != row[ods]:
                    raise InputError(f"{row.dataset.file}:{row.line}: {row[gss]} has the ODS code {row[ods]}, but "
                                     f"{known[1].dataset.file}:{known[1].line} gives it {known[0]}")
        self.successions: list[_Succession] = []
        for index in range(len(_SNAPSHOTS) - 1):
            self._decide_successors(index)
        self.successor = {s.old: s for s in self.successions}

    def codes(self) -> list[str]:
        return sorted(self.listed)

    def in_snapshot(self, index: int) -> set[str]:
        return {code for code, seen in self.listed.items() if index in seen}

    def period(self, code: str) -> ox.NamedNode:
        seen = sorted(self.listed[code])
        if seen != list(range(seen[0], seen[-1] + 1)):
            raise InputError(f"footprint code {code} is listed, dropped and listed again: "
                             + ", ".join(_SNAPSHOTS[i].words for i in seen))
        start = _SNAPSHOTS[seen[0]].start
        if seen[-1] == len(_SNAPSHOTS) - 1:
            return _calendar(f"from-{start.isoformat()}")
        end = _SNAPSHOTS[seen[-1] + 1].start - timedelta(days=1)
        return _calendar(f"period-{start.isoformat()}-to-{end.isoformat()}")

    def organisation(self, code: str) -> ox.NamedNode:
        """The organisation whose footprint ``code`` is: by its own ODS code, else its successor's."""
        if code in self.ods:
            return _org(self.ods[code][0])
        succession = self.successor.get(code)
        if succession and succession.same_organisation:
            return self.organisation(succession.new)
        return _org("stp-" + code)

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
        before, after = _SNAPSHOTS[index], _SNAPSHOTS[index + 1]
        gone = sorted(self.in_snapshot(index) - self.in_snapshot(index + 1))
        new = self.in_snapshot(index + 1) - self.in_snapshot(index)
        if not gone:
            return
        if before.start.year in _LAD_FILES and after.start.year in _LAD_FILES:
            decided = [self._by_lsoas(code, new, before.start.year, after.start.year) for code in gone]
        elif index + 1 < len(_CCG_STP) and before.start.year == _CCG_STP[index].year:
            decided = [self._by_ccgs(code, new, _CCG_STP[index], _CCG_STP[index + 1]) for code in gone]
        else:
            decided = [self._by_ods(code, new) for code in gone]
        targets = defaultdict(list)
        for old, new_code, *_ in decided:
            targets[new_code].append(old)
        for old, new_code, rows, comment in decided:
            merged = len(targets[new_code]) > 1
            self.successions.append(_Succession(old, new_code, rows, comment, not merged, (before, after)))

    def _by_ccgs(self, code, new, lookup_before, lookup_after):
        a, b = lookup_before, lookup_after
        year_a, year_b = a.year, b.year
        ccgs = [r for r in self.rows[a.slug] if r[a.stp_gss] == code]
        later = {r[b.ccg_ods]: r for r in self.rows[b.slug]}
        missing = [r[a.ccg_ods] for r in ccgs if r[a.ccg_ods] not in later]
        targets = {later[r[a.ccg_ods]][b.stp_gss] for r in ccgs if r[a.ccg_ods] in later}
        if missing or len(targets) != 1 or not targets <= new:
            raise InputError(f"cannot decide what replaced footprint {code}: its CCGs of {year_a} are not all in one "
                             f"new footprint in {year_b}")
        successor = targets.pop()
        rows = ccgs + [later[r[a.ccg_ods]] for r in ccgs]
        names = _listing(r[a.ccg_name] for r in ccgs)
        ccg_words = f"{len(ccgs)} CCG" + "s" * (len(ccgs) != 1)
        comment = (f"The April {year_a} lookup places {ccg_words} in {code} ({names}); the April {year_b} lookup "
                   f"places every one of them in {successor}, a code it is the first to list.")
        return code, successor, rows, comment

    def _by_lsoas(self, code, new, year_a, year_b):
        slug_a, lad_a, _, stp_a = _LAD_FILES[year_a]
        slug_b, lad_b, _, stp_b = _LAD_FILES[year_b]
        counts_a, totals = _lsoa_counts(self.rows[slug_a], lad_a, stp_a)
        counts_b, _ = _lsoa_counts(self.rows[slug_b], lad_b, stp_b)
        total = sum(counts_a[code].values())
        shared = {}
        for candidate in new:
            # At least a + b - total of a local authority's LSOAs lie in both footprints.
            shared[candidate] = sum(max(0, n + counts_b[candidate].get(lad, 0) - totals[lad])
                                    for lad, n in counts_a[code].items())
        flows = sorted(((n, c) for c, n in shared.items() if n), reverse=True)
        if not flows or flows[0][0] * 2 <= total:
            raise InputError(f"cannot decide what replaced footprint {code}: no new footprint of {year_b} holds "
                             f"most of its {total} LSOAs")
        successor = flows[0][1]
        lads = sorted(lad for lad in counts_a[code] if lad in counts_b[successor])
        rows = ([r for r in self.rows[slug_a] if r[stp_a] == code and r[lad_a] in lads]
                + [r for r in self.rows[slug_b] if r[stp_b] == successor and r[lad_b] in lads])
        comment = (f"Of the {total} LSOAs of {code} in April {year_a}, at least "
                   + _listing(f"{n} lie in {c}" for n, c in flows)
                   + f" in April {year_b} (counted per local authority: at least a + b - total of an authority's "
                     f"LSOAs lie in both). {code} is not listed in {year_b}; {successor}, a new code, holds most "
                     f"of its area.")
        return code, successor, rows, comment

    def _by_ods(self, code, new):
        if code not in self.ods:
            raise InputError(f"cannot decide what replaced footprint {code}: no file gives its ODS code")
        ods, row = self.ods[code]
        successors = [(c, self.ods[c][1]) for c in sorted(new) if c in self.ods and self.ods[c][0] == ods]
        if len(successors) != 1:
            raise InputError(f"cannot decide what replaced footprint {code}: {len(successors)} new codes have its "
                             f"ODS code {ods}")
        successor, later = successors[0]
        rows = [row] if row is later else [row, later]
        comment = (f"{code} and {successor} are both given the ODS code {ods}: the organisation kept its ODS code "
                   f"and ONS re-issued the footprint's code.")
        return code, successor, rows, comment


def _lsoa_counts(rows: list[Row], lad_column: str, stp_column: str):
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = {}
    for row in rows:
        counts[row[stp_column]][row[lad_column]] += int(row["LSOA11_count"])
        totals[row[lad_column]] = int(row["LAD_LSOA11_total"])
    return counts, totals


# --- the concerns --------------------------------------------------------------------------------------------

def _datasets(b: _Builder, publishers: Mapping[str, str]) -> None:
    for local, name in sorted(publishers.items()):
        b.add("datasets", _cgd(local), A, ox.NamedNode(ORG + "Organization"))
        b.add("datasets", _cgd(local), LABEL, _name(name))
    for d in b.datasets:
        s = ox.NamedNode(d.iri)
        b.add("datasets", s, A, _cg("ReferenceDataset"))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "title"), _text(d.title))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "description"), _text(d.description))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "publisher"), _cgd(d.publisher))
        b.add("datasets", s, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(d.licence))
        b.add("datasets", s, _cg("dateAsGiven"), _text(d.date_as_given))
        b.add("datasets", s, _cg("sourceFile"), _text(d.file))
        for origin in d.origin:
            b.add("datasets", s, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(origin))
        if d.date:
            b.add("datasets", s, ox.NamedNode(DCTERMS + "date"), _typed(*d.date))
        if d.comment:
            b.add("datasets", s, COMMENT, _text(d.comment))


_ROLE_LISTING_INTRO = "# Role IDs\n\nThis is a list of the role IDs returned by the NHS ORD API."
ROLE_SCHEME = _cgd("ods-roles")


def _ods_roles(b: _Builder, rows: list[Row], reference_dir: Path) -> None:
    dataset = b.dataset("ods-roles")
    text = (reference_dir / dataset.file).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if not text.startswith(_ROLE_LISTING_INTRO):
        raise InputError(f"{dataset.file}:1: does not begin with the expected heading and introduction")
    intro = Row(dataset, 1, _ROLE_LISTING_INTRO, {"id": "intro"})
    b.quotation(intro)
    b.claim("ods-roles", ROLE_SCHEME, A, ox.NamedNode(SKOS + "ConceptScheme"), [intro])
    b.claim("ods-roles", ROLE_SCHEME, LABEL, _name("Role IDs"), [intro])
    for row in rows:
        concept = _cgd("ods-role-" + row["id"])
        b.claim("ods-roles", concept, A, ox.NamedNode(SKOS + "Concept"), [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "inScheme"), ROLE_SCHEME, [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "topConceptOf"), ROLE_SCHEME, [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "notation"), _text(row["id"]), [row])
        b.claim("ods-roles", concept, ox.NamedNode(SKOS + "prefLabel"), _name(row["displayName"]), [row])
        b.claim("ods-roles", concept, LABEL, _name(row["displayName"]), [row])


def _role_row(rows: Mapping[str, list[Row]], role: str) -> Row:
    for row in rows["ods-roles"]:
        if row["id"] == role:
            return row
    raise InputError(f"the ODS role listing has no role {role}")


def _role_period(b: _Builder, concern: str, row: Row, ods: str, role_row: Row, period: ox.NamedNode,
                 comment: str | None = None) -> None:
    b.record(concern, _cgd(f"role-period-{row.dataset.slug}-{ods}-{role_row['id']}"), _cg("RolePeriod"),
             [(_cg("roleHolder"), _org(ods)), (_cg("roleCode"), _cgd("ods-role-" + role_row["id"])),
              (HAS_TIME, period)], [row, role_row], comment)


def _membership(b: _Builder, concern: str, row: Row, member: str, organisation: ox.NamedNode, label: str,
                period: ox.NamedNode, rows: Iterable[Row] | None = None) -> None:
    # A membership of a region also names the region with cg:inRegion, so that "which region, when" is one pattern.
    region = [(_cg("inRegion"), organisation)] if concern == "regions" else []
    b.record(concern, _cgd(f"membership-{row.dataset.slug}-{member}-{label}"), _cg("Membership"),
             [(MEMBER, _org(member)), (ORGANIZATION, organisation), (MEMBER_DURING, period), *region],
             rows if rows is not None else [row])


def _regions(b: _Builder, rows: Mapping[str, list[Row]]) -> None:
    region = _cg("NHSEnglandRegion")
    for row in rows["ons-nhser-2019"]:
        b.describe("regions", _org(row["NHSER19CDH"]), [region],
                   [(ODS_CODE, row["NHSER19CDH"]), (GSS_CODE, row["NHSER19CD"])], row, row["NHSER19NM"])
    for row in rows["ons-ccg-nhser-2018"]:
        b.describe("regions", _org(row["NHSER18CDH"]), [region],
                   [(ODS_CODE, row["NHSER18CDH"]), (GSS_CODE, row["NHSER18CD"])], row, row["NHSER18NM"])
        _membership(b, "regions", row, row["CCG18CDH"], _org(row["NHSER18CDH"]), row["NHSER18CDH"], _fy(2018))
    first_of_stp: dict[str, Row] = {}
    for row in rows["nhsd-ccg-stp-2021"]:
        b.describe("regions", _org(row["NHSER21CDH"]), [region],
                   [(ODS_CODE, row["NHSER21CDH"]), (GSS_CODE, row["NHSER21CD"])], row, row["NHSER21NM"])
        first_of_stp.setdefault(row["STP21CDH"], row)
    for stp, row in sorted(first_of_stp.items()):
        _membership(b, "regions", row, stp, _org(row["NHSER21CDH"]), row["NHSER21CDH"], _fy(2021))
    for row in rows["rcpch-icbs"]:
        b.claim("regions", _org(row["NHSER_ODS_CODE"]), ODS_CODE, _text(row["NHSER_ODS_CODE"]), [row])
        _membership(b, "regions", row, row["ICB_ODS_CODE"], _org(row["NHSER_ODS_CODE"]), row["NHSER_ODS_CODE"],
                    _calendar("from-2022-07-01"))


_STP_COLUMNS = (("ons-stp-2020", "STP20CD", "STP20NM"), ("ons-ccg-stp-2020", "STP20CD", "STP20NM"),
                ("ons-ccg-stp-2019", "STP19CD", "STP19NM"), ("ons-ccg-stp-2018", "STP18CD", "STP18NM"),
                ("ons-ccg-stp-2017", "STP17CD", "STP17NM"), ("nhsd-ccg-stp-2021", "STP21CD", "STP21NM"),
                ("hf-trust-stp", "STP_code", "STP"))
"""Files that name an STP footprint: (file, GSS column, name column)."""


def _stps(b: _Builder, rows: Mapping[str, list[Row]], footprints: _Footprints) -> None:
    for slug, gss, name in _STP_COLUMNS:
        for row in rows[slug]:
            code = row[gss]
            organisation = footprints.organisation(code)
            b.describe("stps", _footprint(code), [FOOTPRINT], [(GSS_CODE, code)], row, row[name])
            b.describe("stps", organisation, [STP], [], row, row[name])
    for slug, gss, ods in _ODS_COLUMNS:
        concern = "icbs" if slug == "rcpch-icbs" else "stps"
        for row in rows[slug]:
            b.claim(concern, _org(row[ods]), ODS_CODE, _text(row[ods]), [row])
            b.claim(concern, _org(row[ods]), HAS_FOOTPRINT, _footprint(row[gss]), [row])
    _footprint_history(b, footprints)
    rcpch = {row["ICB_ODS_CODE"]: row for row in rows["rcpch-icbs"]}
    stp_role, icb_role = _role_row(rows, "RO262"), _role_row(rows, "RO318")
    for row in rows["ons-stp-2020"]:
        _role_period(b, "stps", row, row["STP20CDH"], stp_role, _fy(2020))
    for row in _first_rows(rows["nhsd-ccg-stp-2021"], "STP21CDH"):
        _role_period(b, "stps", row, row["STP21CDH"], stp_role, _fy(2021))
    for ods, row in sorted(rcpch.items()):
        _role_period(b, "icbs", row, ods, icb_role, _calendar("from-2022-07-01"),
                     "Integrated care boards were established on 1 July 2022, the date of ONS's ICB codes of 2022.")


def _first_rows(rows: list[Row], column: str) -> list[Row]:
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row[column], row)
    return [first[k] for k in sorted(first)]


def _dating(code: str, seen: list[int]) -> str:
    listed = _listing([_SNAPSHOTS[i].words for i in seen])
    if seen[-1] == len(_SNAPSHOTS) - 1:
        how = f"{code} is listed by {listed}, the latest, so it is dated from the first of these on, open-ended."
    else:
        later = _SNAPSHOTS[seen[-1] + 1]
        how = (f"{code} is listed by {listed} but not by {later.words}, so it is dated from the first of these to "
               f"the day before {later.start:%-d %B %Y}.")
    return how + " The files begin in April 2017: a code may be older."


def _footprint_history(b: _Builder, footprints: _Footprints) -> None:
    """Each footprint's dates, its organisation where no row gives it, successions and the 2018 merger."""
    stp_era = set().union(*(footprints.in_snapshot(i) for i in range(5)))
    for code in footprints.codes():
        concern = "stps" if code in stp_era else "icbs"
        listed = footprints.listed[code]
        rows = [row for index in sorted(listed) for row in listed[index]]
        b.claim(concern, _footprint(code), HAS_TIME, footprints.period(code), rows, _dating(code, sorted(listed)))
        if code in footprints.ods:
            continue  # the rows that give its ODS code say whose footprint it is (see _stps)
        organisation, evidence = footprints.organisation(code), footprints.ods_evidence(code)
        if evidence:
            chain, link = [], footprints.successor.get(code)
            while link and link.same_organisation and link.old not in footprints.ods:
                chain.append(link.new)
                link = footprints.successor.get(link.new)
            b.claim(concern, organisation, HAS_FOOTPRINT, _footprint(code), rows[:1] + evidence,
                    f"ONS replaced {code} by {' and then '.join(chain)} (see the dcterms:isReplacedBy claims), "
                    f"which {evidence[0].dataset.title!r} gives the ODS code {_local(organisation)[4:]}.")
        else:
            b.claim(concern, organisation, HAS_FOOTPRINT, _footprint(code), rows[:1],
                    f"No file gives the STP of {code} an ODS code, so caregraph names it by its footprint code.")
    for s in footprints.successions:
        concern = "stps" if s.new in stp_era else "icbs"
        b.claim(concern, _footprint(s.old), IS_REPLACED_BY, _footprint(s.new), s.rows, s.comment)
        b.claim(concern, _footprint(s.new), REPLACES, _footprint(s.old), s.rows, s.comment)
    merged = defaultdict(list)
    for s in footprints.successions:
        if not s.same_organisation:
            merged[s.new].append(s)
    for new, parts in sorted(merged.items()):
        before, after = parts[0].between
        rows = [row for s in parts for row in s.rows]
        period = _calendar(f"period-{before.start.isoformat()}-to-"
                           f"{(after.start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)}")
        olds = [s.old for s in parts]
        b.record("stps", _cgd(f"merger-{after.columns[0][0]}-{new}"), _cg("Merger"),
                 [(ox.NamedNode(ORG + "originalOrganization"), footprints.organisation(old)) for old in olds]
                 + [(ox.NamedNode(ORG + "resultingOrganization"), footprints.organisation(new)),
                    (HAS_TIME, period)],
                 rows,
                 f"The STPs of {_listing(olds)} became one, {new}: every CCG that {before.words} places in them is "
                 f"in {new} in {after.words}. It happened between the two lookups.")


def _ccgs(b: _Builder, rows: Mapping[str, list[Row]], footprints: _Footprints) -> None:
    ccg = _cg("ClinicalCommissioningGroup")
    for lookup in _CCG_STP:
        for row in rows[lookup.slug]:
            ods, stp = row[lookup.ccg_ods], row[lookup.stp_gss]
            b.describe("ccgs", _org(ods), [ccg], [(ODS_CODE, ods), (GSS_CODE, row[lookup.ccg_gss])], row,
                       row[lookup.ccg_name])
            _membership(b, "ccgs", row, ods, footprints.organisation(stp), stp, _fy(lookup.year))
    table = rows["nhsd-ccg-stp-2021"]
    # A 2021 CCG is evidenced by the row that maps its own code to itself, where the table has one.
    own_rows = {row["CCG21CDH"]: row for row in table if row["CCG_UNMAPPED"] == row["CCG21CDH"]}
    for row in _first_rows(table, "CCG21CDH"):
        row = own_rows.get(row["CCG21CDH"], row)
        ods = row["CCG21CDH"]
        b.describe("ccgs", _org(ods), [ccg], [(ODS_CODE, ods), (GSS_CODE, row["CCG21CD"])], row, row["CCG21NM"])
        _membership(b, "ccgs", row, ods, _org(row["STP21CDH"]), row["STP21CDH"], _fy(2021))
    for row in table:
        old, new = row["CCG_UNMAPPED"], row["CCG21CDH"]
        if old != new:
            comment = f"NHS Digital maps the earlier CCG code {old} to the 2021 CCG {new}."
            b.claim("ccgs", _org(old), IS_REPLACED_BY, _org(new), [row], comment)
            b.claim("ccgs", _org(new), REPLACES, _org(old), [row], comment)


def _icbs(b: _Builder, rows: Mapping[str, list[Row]]) -> None:
    for row in rows["rcpch-icbs"]:
        ods = row["ICB_ODS_CODE"]
        b.describe("icbs", _org(ods), [_cg("IntegratedCareBoard")], [], row, row["ICB_NAME"])
        for column in ("ICB22CD_GSS", "ICB23CD_GSS"):
            b.describe("icbs", _footprint(row[column]), [FOOTPRINT], [(GSS_CODE, row[column])], row,
                       row["ICB_NAME"])


def _display_labels(areas_dir: Path) -> dict[str, str]:
    """The display name (rdfs:label) that the source-derived records in data/areas/ give each entity."""
    labels = {}
    for path in sorted(areas_dir.glob("*.ttl")):
        for triple in parse_turtle(path):
            if (triple.predicate.value == RDFS + "label" and isinstance(triple.subject, ox.NamedNode)
                    and isinstance(triple.object, ox.Literal)):
                labels[triple.subject.value] = triple.object.value
    return labels


def _first_wave(b: _Builder, rows: Mapping[str, list[Row]], footprints: _Footprints,
                display_labels: Mapping[str, str], first_wave: Mapping[str, FirstWaveArea]) -> None:
    ccg19 = rows["ons-ccg-stp-2019"]
    for row in rows["ons-ics-2019"]:
        code, name = row["ICS19CD"], row["ICS19NM"]
        area = first_wave.get(code)
        if area is None:
            raise InputError(f"{row.dataset.file}:{row.line}: {code} has no first-wave system entity",
                             hint="add it to data/reference/tables/first-wave-systems.csv with the shared system IRI")
        system, footprint = _cgd(area.system), _footprint(code)
        b.describe("first-wave-ics", footprint, [FOOTPRINT], [(GSS_CODE, code)], row, name)
        # A snapshot: ONS lists the code in December 2019, which says nothing of when it began or ended.
        b.claim("first-wave-ics", footprint, _cg("recordedAsOf"), _calendar("month-2019-12"), [row])
        b.claim("first-wave-ics", system, A, _cg("IntegratedCareSystem"), [row])
        # Where ONS uses the display name the sources give, it attests that label rather than adding an
        # alternative one equal to it.
        name_property = LABEL if display_labels.get(system.value) == name else ALT_LABEL
        b.claim("first-wave-ics", system, name_property, _name(name), [row])
        b.claim("first-wave-ics", system, HAS_FOOTPRINT, footprint, [row],
                f"ONS lists {name!r} ({code}) among the integrated care systems of December 2019: it is the "
                f"first-wave area that caregraph describes as {_local(system)}.")
        in_stp = [r for r in ccg19 if r["STP19CD"] == area.stp]
        part = [r for r in in_stp if r["CCG19CDH"] in area.part]
        if len(part) != len(area.part) or not in_stp:
            raise InputError(f"{row.dataset.file}:{row.line}: the April 2019 lookup does not place CCGs "
                             f"{_listing(area.part)} in {area.stp}")
        others = [r for r in in_stp if r not in part]
        stp_name = in_stp[0]["STP19NM"]
        intro = (f"ONS names {code} {name!r} (ICS19, December 2019). The April 2019 lookup places "
                 f"{_listing(r['CCG19NM'] for r in (part or in_stp))} in the STP footprint {area.stp} {stp_name!r}")
        if part:
            comment = (f"{intro}, together with {_listing(r['CCG19NM'] for r in others)}. The first-wave footprint, "
                       f"named after the area of the first, lies within the STP footprint and is smaller than it.")
        else:
            comment = (f"{intro}. The first-wave footprint bears the name of the STP's area, so it lies within the "
                       f"STP footprint; these files do not say whether it covers all of it.")
        b.claim("first-wave-ics", footprint, _cg("withinFootprint"), _footprint(area.stp), [row, *in_stp], comment)
        if part and others:
            organisation = footprints.organisation(area.stp)
            evidence = footprints.ods_evidence(area.stp)
            b.claim("first-wave-ics", system, _cg("coversPartOf"), organisation, [row, *in_stp, *evidence],
                    f"{comment} The STP footprint {area.stp} is the footprint of {_local(organisation)} "
                    f"(ODS code from {_listing(e.dataset.title for e in evidence)}).")


def _local_authorities(b: _Builder, rows: Mapping[str, list[Row]]) -> None:
    area = _cg("LocalAuthorityArea")
    for row in rows["ons-lad-stp-2017"]:
        lad, stp = row["LAD17CD"], row["STP17CD"]
        b.describe("local-authorities", _cgd("place-" + lad), [area], [(GSS_CODE, lad)], row, row["LAD17NM"])
        _place_in_footprint(b, 2017, lad, stp, int(row["LSOA11_count"]), Decimal(row["share_of_LAD_LSOAs"]),
                            [row])
    for year, (slug, lad_column, lad_name_column, stp_column) in sorted(_LAD_FILES.items()):
        pairs: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows[slug]:
            lad = row[lad_column]
            b.describe("local-authorities", _cgd("place-" + lad), [area], [(GSS_CODE, lad)], row,
                       row[lad_name_column])
            pairs[(lad, row[stp_column])].append(row)
        for (lad, stp), pair_rows in sorted(pairs.items()):
            count = sum(int(r["LSOA11_count"]) for r in pair_rows)
            total = int(pair_rows[0]["LAD_LSOA11_total"])
            share = Decimal("1.0") if count == total else (Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"))
            _place_in_footprint(b, year, lad, stp, count, share, pair_rows,
                                "The sum of the LSOA counts of the rows for this local authority and STP, one per "
                                "CCG; the share is that sum over the authority's LSOAs." if len(pair_rows) > 1
                                else None)


def _place_in_footprint(b: _Builder, year: int, lad: str, stp: str, count: int, share: Decimal, rows: list[Row],
                        comment: str | None = None) -> None:
    b.record("local-authorities", _cgd(f"place-in-footprint-{year}-{lad}-{stp}"), _cg("PlaceInFootprint"),
             [(_cg("place"), _cgd("place-" + lad)), (_cg("footprint"), _footprint(stp)),
              (_cg("lsoaCount"), _typed(count, "integer")), (_cg("shareOfPlace"), _typed(share, "decimal")),
              (HAS_TIME, _fy(year))], rows, comment)


def _trusts(b: _Builder, rows: Mapping[str, list[Row]], footprints: _Footprints) -> None:
    for row in rows["hf-trust-stp"]:
        ods, name = row["code"], row["Trust"]
        kind = "FoundationTrust" if name.endswith("NHS Foundation Trust") else "NHSTrust"
        b.describe("trusts", _org(ods), [_cg(kind)], [(ODS_CODE, ods)], row, name)
        _membership(b, "trusts", row, ods, footprints.organisation(row["STP_code"]), row["STP_code"], _fy(2017))


def vanguard_types(ontology_dir: Path) -> dict[str, ox.NamedNode]:
    """The vanguard file's type codes → the concepts of cg:VanguardTypeScheme whose skos:notation they are."""
    triples = [t for path in sorted(ontology_dir.glob("*.ttl")) for t in parse_turtle(path)]
    in_scheme = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)
                 and t.predicate.value == SKOS + "inScheme" and t.object == _cg("VanguardTypeScheme")}
    return {t.object.value: t.subject for t in triples
            if t.predicate.value == SKOS + "notation" and isinstance(t.subject, ox.NamedNode)
            and t.subject in in_scheme and isinstance(t.object, ox.Literal)}


PROGRAMME = _cgd("programme-new-care-models")


def vanguard_slug(name: str) -> str:
    """``"Better Care Together (Morecambe Bay Health Community)"`` → ``better-care-together``."""
    return _slug(name.split("(")[0])


def _vanguards(b: _Builder, rows: list[Row], types: Mapping[str, ox.NamedNode]) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        name, slug = row["vanguard_name"], vanguard_slug(row["vanguard_name"])
        if slug in seen:
            raise InputError(f"{row.dataset.file}:{row.line}: {name!r} gives the same IRI as line "
                             f"{seen[slug].line}")
        seen[slug] = row
        kind = types.get(row["vanguard_type_code"])
        if kind is None:
            raise InputError(f"{row.dataset.file}:{row.line}: unknown vanguard type {row['vanguard_type_code']!r}")
        vanguard, wave = _cgd("vanguard-" + slug), _cgd("wave-vanguards-" + row["wave"])
        b.describe("vanguards", vanguard, [_cg("Vanguard")], [], row, name)
        b.claim("vanguards", vanguard, _cg("vanguardType"), kind, [row])
        b.claim("vanguards", vanguard, _cg("partOfProgramme"), PROGRAMME, [row])
        b.claim("vanguards", wave, A, _cg("DesignationWave"), [row])
        b.claim("vanguards", wave, LABEL, _name(f"new care model vanguards, wave {row['wave']}"), [row],
                "Named from the file's wave column.")
        b.claim("vanguards", wave, _cg("waveNumber"), _typed(int(row["wave"]), "integer"), [row])
        b.claim("vanguards", wave, _cg("waveOf"), PROGRAMME, [row])
        announced = row["announced"]
        when = _calendar(("day-" if len(announced) == 10 else "month-") + announced)
        b.record("vanguards", _cgd("designation-vanguard-" + slug), _cg("Designation"),
                 [(_cg("designatedArea"), vanguard), (_cg("inWave"), wave), (HAS_TIME, when)], [row])


# --- the files written -------------------------------------------------------------------------------------

def _header(concern: str) -> bytes:
    return (f"# Generated by `{COMMAND}` from the files in data/reference/ (see its README); do not edit.\n"
            f"# {concern}.ttl: {CONCERNS[concern]}.\n\n").encode()


# What Turtle text names a prefix outside a string literal or a full IRI, which may hold "cg:" as text.
_STRING_OR_IRI = re.compile(r'"(?:[^"\\\n]|\\.)*"|<[^>\s]*>')
_PREFIX_USE = re.compile(r"(?<![\w:/#.-])([A-Za-z][\w-]*):")


def _turtle(triples: list[ox.Triple]) -> bytes:
    """The triples as Turtle in the style of the hand-written files: only the prefixes they use, sorted and
    aligned, then the statements indented by four spaces."""
    buffer = io.BytesIO()
    ox.serialize(triples, buffer, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    text = buffer.getvalue().decode()
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("@prefix"))
    body = re.sub(r"^\t+", lambda m: "    " * len(m.group(0)), body, flags=re.MULTILINE)
    used = set(_PREFIX_USE.findall(_STRING_OR_IRI.sub(" ", body)))
    declared = "".join(f"@prefix {prefix + ':':<9}<{namespace}> .\n"
                       for prefix, namespace in sorted(PREFIXES.items()) if prefix in used)
    return (declared + "\n" + body).encode()


def generate(reference_dir: str | Path) -> dict[str, bytes]:
    """The Turtle of every concern file (``stps.ttl`` …) generated from the files in ``reference_dir``."""
    from . import practices  # it builds on this module's helpers, so it is imported once they exist

    reference_dir = Path(reference_dir)
    project = Project.of_reference_dir(reference_dir)
    datasets = read_datasets(reference_dir)
    rows = {d.slug: read_rows(d, reference_dir) for d in datasets}
    b = _Builder(datasets)
    _datasets(b, read_publishers(reference_dir))
    practices.describe_datasets(b)
    for dataset_rows in rows.values():
        for row in dataset_rows:
            b.quotation(row)
    footprints = _Footprints(rows)
    _ods_roles(b, rows["ods-roles"], reference_dir)
    _regions(b, rows)
    _stps(b, rows, footprints)
    _ccgs(b, rows, footprints)
    _icbs(b, rows)
    # The first-wave systems are the source-derived entities of the project's data/areas/.
    first_wave = read_first_wave(reference_dir)
    _first_wave(b, rows, footprints, _display_labels(project.areas_dir), first_wave)
    _local_authorities(b, rows)
    _trusts(b, rows, footprints)
    _vanguards(b, rows["nhse-vanguards"], vanguard_types(project.ontology_dir))
    practices.add_practices(b, rows, first_wave)
    b.finish_names()
    out = {}
    for concern in CONCERNS:
        triples = sorted_triples(b.files[concern])
        out[f"{concern}.ttl"] = _header(concern) + _turtle(triples)
    return out


def import_reference(reference_dir: str | Path, output_dir: str | Path | None = None, *,
                     progress: Callable[[Path, bytes], None] | None = None) -> list[Path]:
    """Generate the Turtle from ``reference_dir`` and write each file atomically into ``output_dir`` (default:
    ``reference_dir``). ``progress`` is called with each path written and its bytes. Returns the paths."""
    target = Path(output_dir) if output_dir is not None else Path(reference_dir)
    written = []
    for name, data in generate(reference_dir).items():
        path = atomic_write(target / name, data)
        written.append(path)
        if progress:
            progress(path, data)
    return written


def outdated_files(reference_dir: str | Path, output_dir: str | Path | None = None) -> list[str]:
    """The generated files in ``output_dir`` (default: ``reference_dir``) that differ from a fresh import."""
    target = Path(output_dir) if output_dir is not None else Path(reference_dir)
    stale = []
    for name, data in generate(reference_dir).items():
        path = target / name
        if not path.exists() or path.read_bytes() != data:
            stale.append(name)
    return stale
