"""Synthetic caregraph data of any size, for the benchmark (bench/run.py) — a stand-in for national data, not
evidence of anything.

    python -m bench.synthetic 100000 -o /tmp/synthetic-100k      # a project folder: ontology/, queries/, data/

The data is a synthetic nation described the way data/ describes England, in the project's own vocabulary and
following its shapes and conventions (data/README.md): every fact about a shared entity is a cg:Claim, every
record that exists because a source reports it (a designation, a dated membership, a place in a footprint, a role
period, a funding allocation …) is derived from a cg:Quotation, and every quotation is quoted from a source
document or a reference dataset. The nation grows by *areas*; each area has, as the reference import and the area
records give England's:

* a sustainability and transformation partnership (later also its integrated care board) with an ODS code, its
  footprint (E54, some re-issued by ONS) and role periods; an integrated care system with its own footprint (E59)
  inside the STP's, its region, the places it covers, focuses on and may spread to, and designations in a wave of
  accountable care systems and one of integrated care systems — one designation per source that lists it, with
  the name each source uses;
* local authority areas (E06–E09) placed in the footprint year by year with LSOA counts and shares; clinical
  commissioning groups with dated memberships of the STP in every year from 2017/18 to 2021/22; trusts; GP
  practices with memberships of their CCG;
* for some areas: an alliance agreement with parties and commitments, funding allocations and control totals with
  amounts, a devolution deal, a vanguard, a procurement of an accountable care organisation contract, the decision
  about it and legal challenges to it, an evolution record and a renaming.

National records sit beside them: NHS England's regions, national bodies, the ODS roles, source documents and
reference datasets, designation waves (whose sources disagree on which areas and how many, as the real sources do
about the first wave), the memoranda of understanding of each wave, what sources say about partnership forms and
accountable care, policy documents, legislation, ambitions and international exemplars. The first areas take the
names of England's first-wave systems, so that the stored queries' defaults (``cgd:wave-acs-1``,
``cgd:system-surrey-heartlands``, ``cgd:agreement-acs-mou``) find what they ask for at every size.

:data:`DEFECTS` lists the errors injected into every generated graph: a few records of each kind that the shapes
(and the conventions ``caregraph validate`` checks itself) catch, modelled on ``examples/invalid/``. Everything is
deterministic for a given size and seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from collections import defaultdict, namedtuple
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from caregraph.namespaces import CG, CGD, DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, STATISTICAL_GEOGRAPHY, TIME, XSD

REPO = Path(__file__).resolve().parents[1]
SEED = 2016
COPIES = 2
"""How many records carry each injected defect."""

TYPE, LABEL, ALT = RDF + "type", RDFS + "label", SKOS + "altLabel"
DERIVED, QUOTED, VALUE = PROV + "wasDerivedFrom", PROV + "wasQuotedFrom", PROV + "value"
HAS_TIME = TIME + "hasTime"

# A literal is (lexical form, language tag or datatype IRI), as caregraph.periods writes them.
Literal = tuple[str, str]
Term = str | Literal


def en(text: str) -> Literal:
    return (text, "en")


def plain(text: str) -> Literal:
    return (text, XSD + "string")


def integer(n: int) -> Literal:
    return (str(n), XSD + "integer")


def decimal(x: float) -> Literal:
    return (f"{x:.1f}" if x == int(x) else f"{x}", XSD + "decimal")


def boolean(b: bool) -> Literal:
    return ("true" if b else "false", XSD + "boolean")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def base36(n: int, width: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(width):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out


# Codes are shaped like the real ones (the shapes check them) but drawn from ranges the real ones do not use, so
# that synthetic data can sit beside the project's records and test fixtures without clashing: ODS codes of five
# characters (England's STPs, CCGs and trusts have three), GSS codes numbered from 500000.


def ods(prefix: str, n: int) -> str:
    return prefix + base36(n, 4)


def gss(prefix: str, n: int) -> str:
    return f"{prefix}{500000 + n:06d}"


# England's first-wave systems first (the stored queries' defaults name them), then the other systems of 2022;
# later areas repeat the names with a number.
AREA_NAMES = [
    "Bedfordshire, Luton and Milton Keynes",
    "Berkshire West",
    "Blackpool and Fylde Coast",
    "Buckinghamshire",
    "Dorset",
    "Frimley",
    "Greater Manchester",
    "Nottinghamshire",
    "South Yorkshire and Bassetlaw",
    "Surrey Heartlands",
    "Birmingham and Solihull",
    "Black Country",
    "Bristol, North Somerset and South Gloucestershire",
    "Cambridgeshire and Peterborough",
    "Cheshire and Merseyside",
    "Cornwall and the Isles of Scilly",
    "Coventry and Warwickshire",
    "Derby and Derbyshire",
    "Devon",
    "Gloucestershire",
    "Hampshire and Isle of Wight",
    "Herefordshire and Worcestershire",
    "Hertfordshire and West Essex",
    "Humber and North Yorkshire",
    "Kent and Medway",
    "Lancashire and South Cumbria",
    "Leicester, Leicestershire and Rutland",
    "Lincolnshire",
    "Mid and South Essex",
    "Norfolk and Waveney",
    "North Central London",
    "North East and North Cumbria",
    "North East London",
    "North West London",
    "Northamptonshire",
    "Shropshire, Telford and Wrekin",
    "Somerset",
    "South East London",
    "South West London",
    "Staffordshire and Stoke-on-Trent",
    "Suffolk and North East Essex",
    "Sussex",
    "West Yorkshire",
]
FIRST_WAVE = 10
DEVOLUTION_AREAS = {"Greater Manchester", "Surrey Heartlands"}  # listed by one first-wave source only, as in 001
REGIONS = [
    ("Y56", "E40000003", "London"),
    ("Y58", "E40000006", "South West"),
    ("Y59", "E40000005", "South East"),
    ("Y60", "E40000008", "Midlands"),
    ("Y61", "E40000007", "East of England"),
    ("Y62", "E40000010", "North West"),
    ("Y63", "E40000009", "North East and Yorkshire"),
]
_PLACE_STARTS = [
    "Ash",
    "Brad",
    "Crow",
    "Dun",
    "East",
    "Fair",
    "Green",
    "Hart",
    "Kings",
    "Lang",
    "Mill",
    "North",
    "Oak",
    "Red",
    "Stan",
    "Thorn",
    "Up",
    "West",
    "Wood",
    "Whit",
    "Bram",
    "Chel",
    "Hol",
    "Mar",
]
_PLACE_ENDS = [
    "ford",
    "ham",
    "ley",
    "ton",
    "bury",
    "field",
    "wick",
    "worth",
    "stead",
    "borough",
    "mouth",
    "by",
    "combe",
    "dale",
    "minster",
    "gate",
    "well",
    "bridge",
]
VANGUARD_TYPES = [
    "MultispecialtyCommunityProvider",
    "IntegratedPrimaryAndAcuteCareSystem",
    "EnhancedHealthInCareHomes",
    "UrgentAndEmergencyCare",
    "AcuteCareCollaboration",
]
CHARACTERISTICS = [
    "BudgetResponsibility",
    "IntegratedInformationTechnology",
    "OutcomesBasedContract",
    "ProviderAllianceForPopulation",
    "SharedLeadership",
]
ACS, ICS, STP, ACO, ICP = (
    CG + n
    for n in (
        "AccountableCareSystem",
        "IntegratedCareSystem",
        "SustainabilityAndTransformationPartnership",
        "AccountableCareOrganisation",
        "IntegratedCarePartnership",
    )
)
FORM_STATEMENTS = [
    (STP, CG + "evolvesInto", ACS),
    (STP, CG + "evolvesInto", ICS),
    (ICS, CG + "previouslyKnownAs", ACS),
    (ACS, CG + "mayBecome", ACO),
    (ACO, CG + "mayDevelopWithin", ACS),
    (ACO, CG + "moreFormalVersionOf", ICP),
    (ACS, CG + "bringsTogether", CG + "Commissioner"),
    (ACS, CG + "bringsTogether", CG + "Provider"),
    (ACO, CG + "bringsTogether", CG + "SocialCareProvider"),
    (ACS, CG + "entersInto", CG + "AllianceAgreement"),
    (ACO, CG + "entersInto", CG + "AccountableCareOrganisationContract"),
    (ACS, CG + "isStatutory", boolean(False)),
    (ACO, CG + "isStatutory", boolean(False)),
    (ACS, CG + "integrationApproach", CG + "VirtualIntegration"),
    (ACO, CG + "integrationApproach", CG + "StructuralIntegration"),
    (ACS, CG + "takesResponsibilityFor", CG + "PopulationHealth"),
]
YEARS = [2017, 2018, 2019, 2020, 2021]
"""The years of the CCG-to-STP lookups; places are placed in footprints in 2017, 2019 and 2020, as ONS did."""

# England's own codes for the stored queries' favourite example, so that their defaults (QXU, 09L, E07000214 …)
# find what they ask for at every size; every other area gets codes of its own (see ods and gss below).
REAL_CODES = {
    "Surrey Heartlands": {
        "stp": "QXU",
        "stp_gss": "E54000035",
        "reissued_gss": "E54000063",
        "ics_gss": "E59000009",
        "ccg": ("09L", "NHS East Surrey CCG", "E38000054"),
        "place": ("E07000214", "Surrey Heath"),
    },
    "North East and North Cumbria": {"stp": "QHM", "stp_gss": "E54000049", "reissued_gss": "E54000050"},
}


def fy(year: int) -> str:
    return f"{CGD}fy-{year}-{(year + 1) % 100:02d}"


# --- the graph being generated -------------------------------------------------------------------------------


class Builder:
    """Records in the order they are made: subject → [file, [(predicate, object), …]], and subjects by kind."""

    def __init__(self) -> None:
        self.records: dict[str, list] = {}
        self.kinds: dict[str, list[str]] = defaultdict(list)
        self._claims: dict[tuple, str] = {}
        self._claim_names: set[str] = set()

    def add(self, file: str, s: str, p: str, o: Term) -> None:
        record = self.records.get(s)
        if record is None:
            record = self.records[s] = [file, []]
        record[1].append((p, o))

    def record(self, file: str, s: str, kind: str, pairs: list[tuple[str, Term]]) -> str:
        """A record of ``kind`` (a class IRI) with its facts; remembered by kind for the defects."""
        self.add(file, s, TYPE, kind)
        for p, o in pairs:
            self.add(file, s, p, o)
        self.kinds[kind].append(s)
        return s

    def claim(self, file: str, s: str, p: str, o: Term, quote: str, source_key: str, assert_it: bool = True) -> None:
        """Assert ``s p o`` (unless it is only claimed) and the cg:Claim that attests it, derived from ``quote``."""
        if assert_it:
            self.add(file, s, p, o)
        key = (s, p, o, source_key)
        name = self._claims.get(key)
        if name is not None:
            if (DERIVED, quote) not in self.records[name][1]:
                self.add(file, name, DERIVED, quote)
            return
        obj = o[0] if isinstance(o, tuple) else o.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        base = f"{CGD}claim-{source_key}-{_local(s)}-{slug(_local(p))}-{slug(obj)[:40]}".rstrip("-")
        name, n = base, 1
        while name in self._claim_names:
            n += 1
            name = f"{base}-{n}"
        self._claim_names.add(name)
        self._claims[key] = name
        self.record(
            file,
            name,
            CG + "Claim",
            [(RDF + "subject", s), (RDF + "predicate", p), (RDF + "object", o), (DERIVED, quote)],
        )

    def quote(self, file: str, iri: str, source: str, words: str, locator: str) -> str:
        return self.record(
            file, iri, CG + "Quotation", [(QUOTED, source), (VALUE, plain(words)), (CG + "locator", plain(locator))]
        )

    def count(self) -> int:
        return sum(len(pairs) for _, pairs in self.records.values())

    def values(self, s: str, p: str) -> list[Term]:
        return [o for q, o in self.records[s][1] if q == p]


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# --- sources ---------------------------------------------------------------------------------------------------


class Sources:
    """The synthetic source documents and reference datasets, with a quotation maker for each."""

    def __init__(self) -> None:
        self.documents: list[str] = []
        self.datasets: dict[str, str] = {}  # key → IRI
        self._lines: dict[str, int] = defaultdict(int)

    def document_key(self, iri: str) -> str:
        return iri.rsplit("-", 1)[-1]

    def row(self, g: Builder, dataset: str, key: str, cells: list[str]) -> str:
        """The quotation of one row of a reference dataset (its verbatim CSV line, with a line locator)."""
        iri = self.datasets[dataset]
        self._lines[dataset] += 1
        return g.quote(
            f"reference/{dataset}.ttl",
            f"{CGD}quote-synthetic-{dataset}-{key}",
            iri,
            ",".join(cells),
            f"line {self._lines[dataset] + 1}, {key}",
        )

    def words(self, g: Builder, document: str, key: str, words: str, locator: str) -> str:
        number = self.document_key(document)
        return g.quote("sources/quotes.ttl", f"{CGD}quote-{number}-{key}", document, words, locator)


DATASETS = {
    # key: (title, publisher, date as given)
    "regions": ("NHS England regions: names and codes", "org-nhs-digital", "2021"),
    "stps": (
        "Sustainability and transformation partnerships: names and codes",
        "org-office-for-national-statistics",
        "April 2020",
    ),
    "ccg-stp": (
        "Clinical commissioning group to STP lookups, 2017 to 2021",
        "org-office-for-national-statistics",
        "April 2017 to April 2021",
    ),
    "lad-stp": (
        "Local authority districts by STP, counted in LSOAs",
        "org-office-for-national-statistics",
        "April 2017, 2019 and 2020",
    ),
    "ics": ("Integrated care systems: names and codes", "org-office-for-national-statistics", "December 2019"),
    "icbs": ("Integrated care boards", "org-nhs-digital", "2022 codes"),
    "trusts": ("Acute trust to STP lookup", "org-nhs-digital", "2017/18"),
    "practices": ("GP practices with their commissioners", "org-nhs-digital", "2019/20"),
    "ods-roles": ("Role IDs of the NHS ODS ORD API", "org-nhs-digital", "not stated"),
    "vanguards": ("New care model vanguards: name, type and wave", "org-nhs-england", "2015"),
}


# --- the nation ------------------------------------------------------------------------------------------------


class Nation:
    """Generates a synthetic nation of ``areas`` areas into a :class:`Builder`."""

    def __init__(self, areas: int, seed: int = SEED) -> None:
        self.g = Builder()
        self.rng = random.Random(seed)
        self.areas = areas
        self.sources = Sources()
        self.n_documents = 5 + areas // 30
        self.acs_waves = self._waves(areas, first=FIRST_WAVE, size=12)
        self.ics_waves = self._waves(areas, first=FIRST_WAVE, size=15)
        self.ccg_count = self.trust_count = self.practice_count = self.place_count = 0
        self.systems: list[str] = []

    @staticmethod
    def _waves(areas: int, first: int, size: int) -> list[list[int]]:
        waves = [list(range(min(first, areas)))]
        start = first
        while start < areas:
            waves.append(list(range(start, min(start + size, areas))))
            start += size
        return waves

    def generate(self) -> Builder:
        self._national()
        for wave, members in enumerate(self.acs_waves, start=1):
            self._acs_wave(wave, members)
        for i in range(self.areas):
            self._area(i)
        for wave, members in enumerate(self.ics_waves, start=1):
            self._ics_wave(wave, members)
        return self.g

    # --- national records --------------------------------------------------------------------------------------

    def _national(self) -> None:
        g, s = self.g, self.sources
        f = "organisations/national.ttl"
        for key, name, kind, alt in [
            ("org-nhs-england", "NHS England", CG + "NationalBody", "NHSE"),
            ("org-nhs-improvement", "NHS Improvement", CG + "NationalBody", None),
            ("org-nhs-digital", "NHS Digital", CG + "NationalBody", None),
            ("org-office-for-national-statistics", "Office for National Statistics", ORG + "Organization", "ONS"),
            ("org-kings-fund", "The King's Fund", CG + "ThinkTank", None),
            ("org-nhs-providers", "NHS Providers", CG + "MembershipBody", None),
            ("org-synthetic-press", "The Synthetic Press", CG + "MediaPublisher", None),
        ]:
            g.record(f, CGD + key, kind, [(LABEL, en(name))] + ([(ALT, en(alt))] if alt else []))
        for key, name, member_of in [
            ("person-secretary-of-state", "Secretary of State for Health", None),
            ("person-policy-adviser", "A Policy Adviser", "org-kings-fund"),
        ]:
            g.record(
                f,
                CGD + key,
                FOAF + "Person",
                [(TYPE, PROV + "Person"), (LABEL, en(name))]
                + ([(ORG + "memberOf", CGD + member_of)] if member_of else []),
            )
        for key, (title, publisher, date) in DATASETS.items():
            iri = s.datasets[key] = f"{CGD}dataset-synthetic-{key}"
            g.record(
                "sources/sources.ttl",
                iri,
                CG + "ReferenceDataset",
                [
                    (DCTERMS + "title", en(title + " (synthetic)")),
                    (DCTERMS + "publisher", CGD + publisher),
                    (CG + "dateAsGiven", plain(date)),
                    (CG + "sourceFile", plain(f"synthetic-{key}.csv")),
                ],
            )
        for n in range(self.n_documents):
            iri = f"{CGD}source-{100 + n}"
            s.documents.append(iri)
            if n % 3 == 0:
                by = [
                    (DCTERMS + "creator", CGD + "person-policy-adviser"),
                    (DCTERMS + "publisher", CGD + "org-kings-fund"),
                ]
            else:
                by = [(DCTERMS + "publisher", CGD + ("org-nhs-providers", "org-synthetic-press")[n % 2])]
            g.record(
                "sources/sources.ttl",
                iri,
                CG + "SourceDocument",
                [
                    (DCTERMS + "title", en(f"Synthetic briefing {100 + n} on integrated care")),
                    *by,
                    (CG + "dateAsGiven", plain("not stated" if n % 4 else f"{1 + n % 28} June {2016 + n % 6}")),
                    (CG + "sourceFile", plain(f"{100 + n}_synthetic.txt")),
                ],
            )
        self._places_national()
        self._regions()
        self._ods_roles()
        self._programmes()
        self._forms()
        self._policy()

    def _doc(self, n: int) -> str:
        return self.sources.documents[n % len(self.sources.documents)]

    def _places_national(self) -> None:
        g = self.g
        f = "places.ttl"
        england = self.sources.words(g, self._doc(0), "england", "across England", "paragraph 1")
        for key, name, kind in [
            ("place-england", "England", CG + "Place"),
            ("place-spain", "Spain", CG + "Country"),
            ("place-new-zealand", "New Zealand", CG + "Country"),
            ("place-united-states", "United States", CG + "Country"),
        ]:
            quote = (
                england
                if key == "place-england"
                else self.sources.words(
                    g, self._doc(1), f"{slug(name)}", f"examples from {name}", "International examples"
                )
            )
            g.claim(f, CGD + key, TYPE, kind, quote, self._doc_key(quote))
            g.claim(f, CGD + key, LABEL, en(name), quote, self._doc_key(quote))
            g.kinds[kind].append(CGD + key)

    def _doc_key(self, quote: str) -> str:
        source = self.g.values(quote, QUOTED)[0]
        return source.rsplit("/", 1)[-1].replace("source-", "").replace("dataset-", "")

    def _regions(self) -> None:
        g, s = self.g, self.sources
        for code, region_gss, name in REGIONS:
            quote = s.row(g, "regions", code, [region_gss, code, name.upper()])
            iri = CGD + "org-" + code
            for p, o in [
                (TYPE, CG + "NHSEnglandRegion"),
                (LABEL, en(name)),
                (CG + "odsCode", plain(code)),
                (CG + "gssCode", plain(region_gss)),
            ]:
                g.claim("reference/regions.ttl", iri, p, o, quote, "synthetic-regions")
            g.kinds[CG + "NHSEnglandRegion"].append(iri)

    def _ods_roles(self) -> None:
        g, s = self.g, self.sources
        f = "reference/ods-roles.ttl"
        scheme = CGD + "ods-roles"
        quote = s.row(g, "ods-roles", "header", ["Role ID", "Role name"])
        for p, o in [(TYPE, SKOS + "ConceptScheme"), (LABEL, en("ODS organisation roles"))]:
            g.claim(f, scheme, p, o, quote, "synthetic-ods-roles")
        for code, name in [
            ("RO98", "CLINICAL COMMISSIONING GROUP"),
            ("RO262", "SUSTAINABILITY AND TRANSFORMATION PARTNERSHIP"),
            ("RO318", "INTEGRATED CARE BOARD"),
        ]:
            quote = s.row(g, "ods-roles", code, [code, name])
            iri = f"{CGD}ods-role-{code}"
            for p, o in [
                (TYPE, SKOS + "Concept"),
                (LABEL, en(name)),
                (SKOS + "prefLabel", en(name)),
                (SKOS + "notation", plain(code)),
                (SKOS + "inScheme", scheme),
                (SKOS + "topConceptOf", scheme),
            ]:
                g.claim(f, iri, p, o, quote, "synthetic-ods-roles")

    def _programmes(self) -> None:
        g, s = self.g, self.sources
        f = "programmes.ttl"
        quote = s.words(
            g,
            self._doc(0),
            "stps",
            "44 sustainability and transformation partnerships were formed in 2016",
            "Background, paragraph 1",
        )
        wave = CGD + "wave-stps-1"
        for p, o in [
            (TYPE, CG + "DesignationWave"),
            (LABEL, en("the sustainability and transformation partnerships of 2016")),
            (CG + "waveOf", STP),
            (CG + "waveNumber", integer(1)),
            (HAS_TIME, CGD + "year-2016"),
            (CG + "coversPlace", CGD + "place-england"),
        ]:
            g.claim(f, wave, p, o, quote, self._doc_key(quote))
        g.kinds[CG + "DesignationWave"].append(wave)
        programme = CGD + "programme-new-care-models"
        quote = s.words(
            g,
            self._doc(1),
            "vanguards",
            "the vanguard sites have led the development of new care models",
            "Background, paragraph 2",
        )
        for p, o in [(TYPE, CG + "Programme"), (LABEL, en("new care models"))]:
            g.claim(f, programme, p, o, quote, self._doc_key(quote))
        for n in (1, 2, 3):
            wave = f"{CGD}wave-vanguards-{n}"
            row = s.row(g, "vanguards", f"wave-{n}", [f"wave {n}", f"{('March', 'July', 'September')[n - 1]} 2015"])
            for p, o in [
                (TYPE, CG + "DesignationWave"),
                (LABEL, en(f"vanguards, wave {n}")),
                (CG + "waveOf", CG + "Vanguard"),
                (CG + "waveNumber", integer(n)),
                (HAS_TIME, f"{CGD}month-2015-{(3, 7, 9)[n - 1]:02d}"),
            ]:
                g.claim(f, wave, p, o, row, "synthetic-vanguards")
            g.kinds[CG + "DesignationWave"].append(wave)
        # Population shares and the ambition they measure.
        shares = []
        for key, name, numerator, denominator in [
            ("one-in-six-of-england", "around one in six people in England", 1, 6),
            ("half-of-england", "half the population of England", 1, 2),
            ("a-third-of-england", "a third of the population of England", 1, 3),
        ]:
            quote = s.words(g, self._doc(2), key, name, "Ambition, paragraph 1")
            shares.append(
                g.record(
                    f,
                    f"{CGD}share-{key}",
                    CG + "PopulationShare",
                    [
                        (LABEL, en(name)),
                        (CG + "numerator", integer(numerator)),
                        (CG + "denominator", integer(denominator)),
                        (CG + "populationOf", CGD + "place-england"),
                        (DERIVED, quote),
                    ],
                )
            )
        quote = s.words(
            g, self._doc(2), "ambition", "to cover half the population of England by 2020", "Ambition, paragraph 2"
        )
        g.record(
            f,
            CGD + "ambition-acs-half-of-england-by-2020",
            CG + "Ambition",
            [
                (LABEL, en("ambition for ACSs to cover half the population of England by 2020")),
                (CG + "target", shares[1]),
                (CG + "targetDate", CGD + "year-2020"),
                (CG + "targetForm", ACS),
                (PROV + "wasAttributedTo", CGD + "org-nhs-england"),
                (DERIVED, quote),
            ],
        )

    def _forms(self) -> None:
        """What the sources say about partnership forms and accountable care: each statement claimed by the sources
        that make it, each characteristic of accountable care from a quotation of its own."""
        g, s = self.g, self.sources
        f = "forms.ttl"
        for n, (subject, p, o) in enumerate(FORM_STATEMENTS):
            for k in range(1 + n % 2):
                document = self._doc(n + k)
                quote = s.words(
                    g,
                    document,
                    f"form-{n}",
                    f"what the source says about forms, statement {n}",
                    f"Forms, paragraph {n + 1}",
                )
                g.claim(f, subject, p, o, quote, s.document_key(document))
        quote = s.words(
            g,
            self._doc(0),
            "form-renaming",
            "integrated care systems, previously known as accountable care systems",
            "Forms, paragraph 20",
        )
        g.record(
            f,
            CGD + "renaming-acs-to-ics",
            CG + "Renaming",
            [
                (LABEL, en("accountable care systems renamed integrated care systems")),
                (CG + "newName", plain("integrated care systems")),
                (CG + "previousName", plain("accountable care systems")),
                (CG + "renamed", ACS),
                (DERIVED, quote),
            ],
        )
        for n, characteristic in enumerate(CHARACTERISTICS):
            for k in range(1 + n % 2):
                document = self._doc(n + k)
                quote = s.words(
                    g,
                    document,
                    f"characteristic-{slug(characteristic)}",
                    f"a common characteristic of accountable care, number {n + 1}",
                    f"Characteristics, item {n + 1}",
                )
                g.claim(
                    f,
                    CG + "AccountableCare",
                    CG + "hasCharacteristic",
                    CG + characteristic,
                    quote,
                    s.document_key(document),
                )

    def _policy(self) -> None:
        g, s = self.g, self.sources
        f = "policy.ttl"
        for n in range(3 + self.areas // 100):
            document = self._doc(n)
            key = s.document_key(document)
            quote = s.words(
                g, document, f"policy-{n}", f"the policy document number {n} says so", f"Policy, paragraph {n + 1}"
            )
            iri = f"{CGD}policy-synthetic-{n}"
            for p, o in [
                (TYPE, CG + "PolicyDocument"),
                (LABEL, en(f"Synthetic policy paper {n}")),
                (DCTERMS + "issued", (f"{2014 + n % 8}-{1 + n % 12:02d}", XSD + "gYearMonth")),
                (DCTERMS + "description", en(f"Sets out step {n} towards integrated care.")),
            ]:
                g.claim(f, iri, p, o, quote, key)
            g.kinds[CG + "PolicyDocument"].append(iri)
        quote = s.words(g, self._doc(3), "act-2012", "the Health and Social Care Act 2012", "Legislation, paragraph 1")
        act = CGD + "legislation-health-and-social-care-act-2012"
        for p, o in [
            (TYPE, CG + "Legislation"),
            (LABEL, en("Health and Social Care Act 2012")),
            (DCTERMS + "date", ("2012", XSD + "gYear")),
        ]:
            g.claim(f, act, p, o, quote, s.document_key(self._doc(3)))
        g.claim(f, CG + "IntegratedCare", CG + "needsLegislativeChange", act, quote, s.document_key(self._doc(3)))
        self.exemplars = []
        countries = ["place-spain", "place-new-zealand", "place-united-states"]
        for n in range(3 + self.areas // 200):
            document = self._doc(n + 1)
            quote = s.words(
                g,
                document,
                f"exemplar-{n}",
                f"the integrated care system number {n} abroad",
                f"International examples, item {n + 1}",
            )
            iri = f"{CGD}org-exemplar-{n}"
            for p, o in [
                (TYPE, CG + "InternationalExemplar"),
                (LABEL, en(f"Exemplar health system {n}")),
                (CG + "locatedIn", CGD + countries[n % 3]),
            ]:
                g.claim(f, iri, p, o, quote, s.document_key(document))
            g.claim(f, CG + "AccountableCare", CG + "learnsFrom", iri, quote, s.document_key(document))
            self.exemplars.append(iri)

    # --- waves of accountable care systems: designations by source, with their disagreements -------------------

    def _area_name(self, i: int) -> tuple[str, str]:
        base = AREA_NAMES[i % len(AREA_NAMES)]
        repeat = i // len(AREA_NAMES)
        name = base if repeat == 0 else f"{base} {repeat + 1}"
        return name, slug(name)

    def _system(self, i: int) -> str:
        return f"{CGD}system-{self._area_name(i)[1]}"

    def stp_code(self, i: int) -> str:
        """The ODS code of area ``i``'s STP (and later its integrated care board)."""
        return REAL_CODES.get(self._area_name(i)[0], {}).get("stp") or ods("Q", i)

    def footprint_code(self, i: int) -> str:
        """The GSS code of area ``i``'s first STP footprint."""
        return REAL_CODES.get(self._area_name(i)[0], {}).get("stp_gss") or gss("E54", i)

    def _acs_wave(self, wave: int, members: list[int]) -> None:
        """One wave of ACSs: two or three sources list its areas; one leaves some out; counts contested or not."""
        g, s = self.g, self.sources
        f = "programmes.ttl"
        iri = f"{CGD}wave-acs-{wave}"
        month = f"{CGD}month-{2016 + wave // 12 + 1}-{1 + (5 + wave) % 12:02d}"
        # The first wave: three sources, two of which leave out the devolution deal areas (as 000 and 002 do).
        documents = (
            [self._doc(0), self._doc(1), self._doc(2)] if wave == 1 else [self._doc(2 * wave), self._doc(2 * wave + 1)]
        )
        lists = []
        for k, document in enumerate(documents):
            names = [self._area_name(i)[0] for i in members]
            if wave == 1:
                listed = [i for i in members if k == 1 or self._area_name(i)[0] not in DEVOLUTION_AREAS]
            else:
                listed = members if k == 0 or len(members) < 2 else members[:-1]
            lists.append(listed)
            key = s.document_key(document)
            intro = s.words(
                g,
                document,
                f"wave-acs-{wave}",
                f"the accountable care systems of wave {wave} are: "
                + "; ".join(names[j] for j, i in enumerate(members) if i in listed),
                f"Wave {wave}",
            )
            for p, o in [
                (TYPE, CG + "DesignationWave"),
                (LABEL, en(f"wave {wave} of accountable care systems")),
                (CG + "waveOf", ACS),
                (CG + "waveNumber", integer(wave)),
                (HAS_TIME, month),
            ]:
                g.claim(f, iri, p, o, intro, key)
            if wave == 1 or k == 0:
                # A count the sources contest is claimed but not asserted.
                g.claim(f, iri, CG + "numberOfAreas", integer(len(listed)), intro, key, assert_it=False)
            for j, i in enumerate(listed):
                name, area_slug = self._area_name(i)
                own = s.words(g, document, f"{area_slug}", f"{name} (wave {wave})", f"Wave {wave}, item {j + 1}")
                designation = f"{CGD}designation-{key}-{area_slug}"
                g.record(
                    "areas/designations.ttl",
                    designation,
                    CG + "Designation",
                    [
                        (CG + "designatedArea", self._system(i)),
                        (CG + "designatedBy", CGD + "org-nhs-england"),
                        (CG + "inWave", iri),
                        (HAS_TIME, month),
                        (CG + "status", CG + "ShadowStatus"),
                        (DERIVED, intro),
                        (DERIVED, own),
                    ]
                    + ([(CG + "announcedBy", CGD + "person-secretary-of-state")] if k == 0 else []),
                )
                # The name this source uses: the display name, or a variant (an altLabel) in the second source.
                if k == 1 and i % 3 == 1:
                    g.claim("areas/systems.ttl", self._system(i), ALT, en(f"{name} system"), own, key)
                else:
                    g.claim("areas/systems.ttl", self._system(i), LABEL, en(name), own, key)
        if wave > 1:
            g.add(f, iri, CG + "numberOfAreas", integer(len(lists[0])))  # uncontested: asserted too
        g.kinds[CG + "DesignationWave"].append(iri)
        # The memorandum of understanding the wave's systems agree with NHS England, and its commitments.
        document = documents[-1]
        key = s.document_key(document)
        mou = CGD + ("agreement-acs-mou" if wave == 1 else f"agreement-acs-mou-{wave}")
        intro = s.words(
            g,
            document,
            f"mou-{wave}",
            f"the systems of wave {wave} have agreed a draft memorandum of understanding with NHS England",
            f"Wave {wave}, MOU",
        )
        c = "contracts/memoranda.ttl"
        for p, o in [
            (TYPE, CG + "MemorandumOfUnderstanding"),
            (LABEL, en(f"draft memorandum of understanding of wave {wave}")),
            (CG + "party", CGD + "org-nhs-england"),
            (CG + "status", CG + "DraftStatus"),
        ]:
            g.claim(c, mou, p, o, intro, key)
        for i in lists[-1]:
            g.claim(c, mou, CG + "party", self._system(i), intro, key)
        g.kinds[CG + "MemorandumOfUnderstanding"].append(mou)
        for n, commitment in enumerate(
            [
                "setting up appropriate governance",
                "moderating demand growth",
                "meeting quality targets",
                "a single financial control system",
            ]
        ):
            own = s.words(
                g,
                document,
                f"mou-{wave}-commitment-{n}",
                f"to commit to {commitment}",
                f"Wave {wave}, MOU, item {n + 1}",
            )
            iri = f"{mou}-commitment-{n}".replace("/agreement-", "/commitment-")
            g.record(c, iri, CG + "Commitment", [(LABEL, en(commitment)), (DERIVED, intro), (DERIVED, own)])
            g.claim(c, mou, CG + "hasCommitment", iri, own, key)
        # New financial flexibilities for the wave's systems.
        quote = s.words(
            g,
            document,
            f"flexibilities-{wave}",
            f"the systems of wave {wave} gain financial flexibilities",
            f"Wave {wave}, finance",
        )
        flexibilities = f"{CGD}financial-flexibilities-acs-wave-{wave}"
        g.record(
            "contracts/funding.ttl",
            flexibilities,
            CG + "FinancialFlexibility",
            [
                (LABEL, en(f"financial flexibilities for wave {wave} of accountable care systems")),
                *[(CG + "recipient", self._system(i)) for i in lists[0]],
                (HAS_TIME, f"{CGD}from-{2018 + wave // 12}-04-01"),
                (DERIVED, quote),
            ],
        )

    def _ics_wave(self, wave: int, members: list[int]) -> None:
        g, s = self.g, self.sources
        iri = f"{CGD}wave-ics-{wave}"
        row = s.row(g, "ics", f"wave-{wave}", [f"wave {wave}", ";".join(self._area_name(i)[0] for i in members)])
        month = f"{CGD}month-{2018 + wave // 12}-{1 + (4 + wave) % 12:02d}"
        for p, o in [
            (TYPE, CG + "DesignationWave"),
            (LABEL, en(f"wave {wave} of integrated care systems")),
            (CG + "waveOf", ICS),
            (CG + "waveNumber", integer(wave)),
            (HAS_TIME, month),
            (CG + "numberOfAreas", integer(len(members))),
        ]:
            g.claim("programmes.ttl", iri, p, o, row, "synthetic-ics")
        g.kinds[CG + "DesignationWave"].append(iri)
        for i in members:
            g.record(
                "areas/designations.ttl",
                f"{CGD}designation-synthetic-ics-{self._area_name(i)[1]}",
                CG + "Designation",
                [
                    (CG + "designatedArea", self._system(i)),
                    (CG + "designatedBy", CGD + "org-nhs-england"),
                    (CG + "inWave", iri),
                    (HAS_TIME, month),
                    (DERIVED, row),
                ],
            )

    # --- one area --------------------------------------------------------------------------------------------

    def _name(self, file: str, entity: str, name: str, when: str, row: str) -> None:
        """A dated name (cg:DatedName), as the importer writes one per file that names an entity."""
        self.g.record(
            file,
            f"{CGD}name-{_local(entity)}-{_local(when)}",
            CG + "DatedName",
            [(CG + "namedEntity", entity), (CG + "nameText", en(name)), (HAS_TIME, when), (DERIVED, row)],
        )

    def _area(self, i: int) -> None:
        g, s, rng = self.g, self.sources, self.rng
        name, area_slug = self._area_name(i)
        region = CGD + "org-" + REGIONS[i % len(REGIONS)][0]
        real = REAL_CODES.get(name, {})
        stp_code = self.stp_code(i)
        stp = CGD + "org-" + stp_code
        gss_stp, gss_ics = self.footprint_code(i), real.get("ics_gss") or gss("E59", i)
        footprint, ics_footprint = CGD + "footprint-" + gss_stp, CGD + "footprint-" + gss_ics
        reissued = i % 4 == 3 or "reissued_gss" in real
        new_footprint = CGD + "footprint-" + (real.get("reissued_gss") or gss("E54", 250000 + i))

        # The STP and its footprint (ONS's STP list), later the integrated care board (the ICB list).
        r = "reference/stps.ttl"
        row = s.row(g, "stps", stp_code, [str(i + 1), gss_stp, stp_code, name + " Health and Care Partnership"])
        for p, o in [
            (TYPE, STP),
            (LABEL, en(name + " Health and Care Partnership")),
            (ALT, en(name)),
            (CG + "odsCode", plain(stp_code)),
            (CG + "hasFootprint", footprint),
        ]:
            g.claim(r, stp, p, o, row, "synthetic-stps")
        g.kinds[STP].append(stp)
        for p, o in [
            (TYPE, CG + "Footprint"),
            (LABEL, en(name + " Health and Care Partnership")),
            (CG + "gssCode", plain(gss_stp)),
            (CG + "onsGeography", STATISTICAL_GEOGRAPHY + gss_stp),
            (HAS_TIME, CGD + ("period-2017-04-01-to-2020-03-31" if reissued else "from-2017-04-01")),
        ]:
            g.claim(r, footprint, p, o, row, "synthetic-stps")
        g.kinds[CG + "Footprint"].append(footprint)
        for year in YEARS:
            self._name(r, stp, name, fy(year), row)
            if year < 2020 or not reissued:
                self._name(r, footprint, name, fy(year), row)
        icb_row = s.row(
            g,
            "icbs",
            stp_code,
            [
                stp_code,
                (new_footprint if reissued else footprint)[-9:],
                f"NHS {name.upper()} INTEGRATED CARE BOARD",
                region[-3:],
            ],
        )
        r = "reference/icbs.ttl"
        for p, o in [(TYPE, CG + "IntegratedCareBoard"), (CG + "inRegion", region)]:
            g.claim(r, stp, p, o, icb_row, "synthetic-icbs")
        self._name(r, stp, f"NHS {name.upper()} INTEGRATED CARE BOARD", CGD + "from-2022-07-01", icb_row)
        if reissued:
            gss_new = new_footprint[-9:]
            for p, o in [
                (TYPE, CG + "Footprint"),
                (LABEL, en(f"NHS {name} Integrated Care Board")),
                (CG + "gssCode", plain(gss_new)),
                (CG + "onsGeography", STATISTICAL_GEOGRAPHY + gss_new),
                (HAS_TIME, CGD + "from-2020-04-01"),
                (DCTERMS + "replaces", footprint),
            ]:
                g.claim(r, new_footprint, p, o, icb_row, "synthetic-icbs")
            g.claim(r, footprint, DCTERMS + "isReplacedBy", new_footprint, icb_row, "synthetic-icbs")
            for year in (2020, 2021):
                self._name(r, new_footprint, f"NHS {name.upper()} INTEGRATED CARE BOARD", fy(year), icb_row)
            g.claim(r, stp, CG + "hasFootprint", new_footprint, icb_row, "synthetic-icbs")
            g.kinds[CG + "Footprint"].append(new_footprint)
        role_row = {code: f"{CGD}quote-synthetic-ods-roles-{code}" for code in ("RO262", "RO318")}
        for code, when in [("RO262", fy(2021)), ("RO318", CGD + "from-2022-07-01")]:
            g.record(
                r,
                f"{CGD}role-period-synthetic-{stp_code}-{code}",
                CG + "RolePeriod",
                [
                    (CG + "roleHolder", stp),
                    (CG + "roleCode", f"{CGD}ods-role-{code}"),
                    (HAS_TIME, when),
                    (DERIVED, icb_row),
                    (DERIVED, role_row[code]),
                ],
            )

        # The integrated care system: its footprint inside the STP's, its region, where it came from.
        system = self._system(i)
        self.systems.append(system)
        ics_row = s.row(g, "ics", gss_ics, [str(i + 1), gss_ics, name])
        r = "reference/ics.ttl"
        for p, o in [
            (TYPE, CG + "Footprint"),
            (LABEL, en(name)),
            (CG + "gssCode", plain(gss_ics)),
            (CG + "onsGeography", STATISTICAL_GEOGRAPHY + gss_ics),
            (CG + "recordedAsOf", CGD + "month-2019-12"),
            (CG + "withinFootprint", footprint),
        ]:
            g.claim(r, ics_footprint, p, o, ics_row, "synthetic-ics")
        g.kinds[CG + "Footprint"].append(ics_footprint)
        a = "areas/systems.ttl"
        for p, o in [
            (TYPE, ICS),
            (CG + "hasFootprint", ics_footprint),
            (CG + "inRegion", region),
            (CG + "evolvedFrom", stp),
        ]:
            g.claim(a, system, p, o, ics_row, "synthetic-ics")
        document = self._doc(i)
        key = s.document_key(document)
        about = s.words(g, document, f"about-{area_slug}", f"{name} is an accountable care system", f"Areas, {name}")
        g.claim(a, system, TYPE, ACS, about, key)
        g.kinds[ICS].append(system)

        # Local authority areas, placed in the footprint year by year; towns the sources name.
        places = []
        for n in range(rng.randint(2, 3)):
            self.place_count += 1
            code = gss(f"E0{6 + self.place_count % 4}", self.place_count)
            place_name = f"{rng.choice(_PLACE_STARTS)}{rng.choice(_PLACE_ENDS)}"
            if n == 0 and "place" in real:
                code, place_name = real["place"]
            place = CGD + "place-" + code
            lsoas = rng.randint(40, 220)
            first = None
            for year in (2017, 2019, 2020):
                row = s.row(g, "lad-stp", f"{year}-{code}", [code, place_name, gss_stp, name, str(lsoas), str(lsoas)])
                first = first or row
                self._name("reference/local-authorities.ttl", place, place_name, fy(year), row)
                share = 1.0 if n else 0.5
                g.record(
                    "reference/local-authorities.ttl",
                    f"{CGD}place-in-footprint-{year}-{code}-{gss_stp}",
                    CG + "PlaceInFootprint",
                    [
                        (CG + "place", place),
                        (CG + "footprint", footprint),
                        (CG + "lsoaCount", integer(lsoas)),
                        (CG + "shareOfPlace", decimal(share)),
                        (HAS_TIME, fy(year)),
                        (DERIVED, row),
                    ],
                )
            for p, o in [
                (TYPE, CG + "LocalAuthorityArea"),
                (LABEL, en(place_name)),
                (CG + "gssCode", plain(code)),
                (CG + "onsGeography", STATISTICAL_GEOGRAPHY + code),
            ]:
                g.claim("reference/local-authorities.ttl", place, p, o, first, "synthetic-lad-stp")
            g.kinds[CG + "LocalAuthorityArea"].append(place)
            places.append((place, place_name))
        town = f"{CGD}place-{area_slug}-town"
        town_quote = s.words(g, document, f"town-{area_slug}", f"starting in {name} town", f"Areas, {name}, places")
        for p, o in [(TYPE, CG + "Town"), (LABEL, en(f"{name} town"))]:
            g.claim("places.ttl", town, p, o, town_quote, key)
        for place, place_name in places[:2]:
            quote = s.words(
                g,
                document,
                f"{area_slug}-covers-{slug(place_name)}-{place[-9:]}",
                f"{name} including {place_name}",
                f"Areas, {name}, places",
            )
            g.claim(a, system, CG + "coversPlace", place, quote, key)
        g.claim(a, system, CG + "earlyFocus", town, town_quote, key)
        if len(places) > 2:
            g.claim(a, system, CG + "potentialToSpreadTo", places[2][0], town_quote, key)

        # Clinical commissioning groups and their memberships of the STP, year by year; their GP practices.
        ccgs = []
        for n in range(rng.randint(1, 3)):
            code = ods("0", self.ccg_count)
            ccg_gss = gss("E38", self.ccg_count)
            ccg_name = f"NHS {places[n % len(places)][1]} CCG"
            if n == 0 and "ccg" in real:
                code, ccg_name, ccg_gss = real["ccg"]
            self.ccg_count += 1
            ccg = CGD + "org-" + code
            first = None
            for year in YEARS:
                row = s.row(g, "ccg-stp", f"{year}-{code}", [ccg_gss, code, ccg_name, gss_stp, name, str(year)])
                first = first or row
                self._name("reference/ccgs.ttl", ccg, ccg_name, fy(year), row)
                g.record(
                    "reference/ccgs.ttl",
                    f"{CGD}membership-synthetic-{year}-{code}-{stp_code}",
                    CG + "Membership",
                    [
                        (ORG + "member", ccg),
                        (ORG + "organization", stp),
                        (ORG + "memberDuring", fy(year)),
                        (DERIVED, row),
                    ],
                )
            for p, o in [
                (TYPE, CG + "ClinicalCommissioningGroup"),
                (LABEL, en(ccg_name)),
                (CG + "odsCode", plain(code)),
                (CG + "gssCode", plain(ccg_gss)),
            ]:
                g.claim("reference/ccgs.ttl", ccg, p, o, first, "synthetic-ccg-stp")
            g.kinds[CG + "ClinicalCommissioningGroup"].append(ccg)
            ccgs.append(ccg)
            for _ in range(rng.randint(1, 2)):
                self.practice_count += 1
                code = f"{'ABCDEFGHJKLMNPY'[self.practice_count % 15]}{self.practice_count:05d}"
                practice = CGD + "org-" + code
                row = s.row(g, "practices", code, [code, f"SURGERY {code}", ccg[-3:]])
                for p, o in [
                    (TYPE, CG + "GeneralPractice"),
                    (LABEL, en(f"Surgery {code}")),
                    (CG + "odsCode", plain(code)),
                ]:
                    g.claim("reference/practices.ttl", practice, p, o, row, "synthetic-practices")
                g.record(
                    "reference/practices.ttl",
                    f"{CGD}membership-synthetic-{code}-{ccg[-3:]}",
                    CG + "Membership",
                    [
                        (ORG + "member", practice),
                        (ORG + "organization", ccg),
                        (ORG + "memberDuring", fy(2019)),
                        (DERIVED, row),
                    ],
                )

        # Trusts and their membership of the STP.
        trusts = []
        for n in range(rng.randint(1, 2)):
            code = ods("R", self.trust_count)
            self.trust_count += 1
            trust = CGD + "org-" + code
            kind = CG + ("FoundationTrust" if n % 2 == 0 else "NHSTrust")
            trust_name = f"{places[n % len(places)][1]} {'NHS Foundation Trust' if n % 2 == 0 else 'NHS Trust'}"
            row = s.row(g, "trusts", code, [REGIONS[i % 7][2], trust_name, code, name, gss_stp])
            for p, o in [(TYPE, kind), (LABEL, en(trust_name)), (CG + "odsCode", plain(code))]:
                g.claim("reference/trusts.ttl", trust, p, o, row, "synthetic-trusts")
            g.record(
                "reference/trusts.ttl",
                f"{CGD}membership-synthetic-trust-{code}-{stp_code}",
                CG + "Membership",
                [
                    (ORG + "member", trust),
                    (ORG + "organization", stp),
                    (ORG + "memberDuring", fy(2017)),
                    (DERIVED, row),
                ],
            )
            g.kinds[kind].append(trust)
            trusts.append(trust)

        self._area_agreements(i, name, area_slug, system, stp, ccgs, trusts, places, document)

    def _area_agreements(self, i, name, area_slug, system, stp, ccgs, trusts, places, document) -> None:
        g, s, rng = self.g, self.sources, self.rng
        key = s.document_key(document)
        c = "contracts/areas.ttl"
        # Funding and a control total for every area.
        amount = rng.randint(20, 900) * 1_000_000
        approximate = i % 3 == 0
        quote = s.words(
            g,
            document,
            f"funding-{area_slug}",
            f"{name} will control "
            + (f"around £{amount // 1_000_000}m" if approximate else f"£{amount // 1_000_000}m")
            + " over four years",
            f"Areas, {name}, funding",
        )
        g.record(
            "contracts/funding.ttl",
            f"{CGD}funding-{area_slug}",
            CG + "FundingAllocation",
            [
                (LABEL, en(f"transformation funding for {name}")),
                (CG + "amount", decimal(amount)),
                (CG + "currency", plain("GBP")),
                (CG + "isApproximate", boolean(approximate)),
                *([(CG + "amountAsGiven", plain(f"around £{amount // 1_000_000}m"))] if approximate else []),
                (CG + "periodInYears", decimal(4.0)),
                (CG + "purpose", plain("to support transformational programmes")),
                (CG + "recipient", system),
                (CG + "allocatedBy", CGD + "org-nhs-england"),
                (HAS_TIME, fy(2018)),
                (DERIVED, quote),
            ],
        )
        g.record(
            "contracts/funding.ttl",
            f"{CGD}control-total-{area_slug}",
            CG + "ControlTotal",
            [
                (LABEL, en(f"system control total of {name}")),
                (CG + "amount", decimal(amount // 10)),
                (CG + "currency", plain("GBP")),
                (CG + "recipient", system),
                (HAS_TIME, fy(2019)),
                (DERIVED, quote),
            ],
        )
        # An alliance agreement of its commissioners and providers, in most areas.
        if i % 4 != 1:
            agreement = f"{CGD}agreement-alliance-{area_slug}"
            quote = s.words(
                g,
                document,
                f"alliance-{area_slug}",
                f"commissioners and providers in {name} have signed an alliance agreement",
                f"Areas, {name}, agreements",
            )
            for p, o in [
                (TYPE, CG + "AllianceAgreement"),
                (LABEL, en(f"{name} alliance agreement")),
                (CG + "status", CG + "AgreedInPrinciple"),
                (CG + "contractFeature", CG + "ExistingContractsRemain"),
            ]:
                g.claim(c, agreement, p, o, quote, key)
            for party in ccgs[:2] + trusts[:2]:
                g.claim(c, agreement, CG + "party", party, quote, key)
            commitment = f"{CGD}commitment-alliance-{area_slug}-risk-share"
            g.record(c, commitment, CG + "Commitment", [(LABEL, en("sharing risk and gain")), (DERIVED, quote)])
            g.claim(c, agreement, CG + "hasCommitment", commitment, quote, key)
            g.kinds[CG + "AllianceAgreement"].append(agreement)
        # A health devolution deal in one area of ten.
        if i % 10 in (6, 9):
            deal = f"{CGD}agreement-devolution-deal-{area_slug}"
            quote = s.words(
                g, document, f"devolution-{area_slug}", f"{name} (devolution deal)", f"Areas, {name}, devolution"
            )
            for p, o in [
                (TYPE, CG + "DevolutionDeal"),
                (LABEL, en(f"{name} health devolution deal")),
                (CG + "party", system),
            ]:
                g.claim(c, deal, p, o, quote, key)
        # A vanguard in one area of five.
        if i % 5 == 2:
            vanguard = f"{CGD}vanguard-{area_slug}"
            wave = 1 + i % 3
            kind = VANGUARD_TYPES[(i // 5) % len(VANGUARD_TYPES)]
            row = s.row(self.g, "vanguards", area_slug, [f"{name} vanguard", kind, str(wave)])
            for p, o in [
                (TYPE, CG + "Vanguard"),
                (LABEL, en(f"{name} vanguard")),
                (CG + "vanguardType", CG + kind),
                (CG + "partOfProgramme", CGD + "programme-new-care-models"),
            ]:
                g.claim("reference/vanguards.ttl", vanguard, p, o, row, "synthetic-vanguards")
            g.record(
                "reference/vanguards.ttl",
                f"{CGD}designation-synthetic-vanguards-{area_slug}",
                CG + "Designation",
                [
                    (CG + "designatedArea", vanguard),
                    (CG + "inWave", f"{CGD}wave-vanguards-{wave}"),
                    (CG + "designatedBy", CGD + "org-nhs-england"),
                    (HAS_TIME, f"{CGD}month-2015-{(3, 7, 9)[wave - 1]:02d}"),
                    (DERIVED, row),
                ],
            )
            g.kinds[CG + "Vanguard"].append(vanguard)
        # An accountable care organisation contract being procured, with the decision on it and its challenges.
        if i % 8 == 4 and trusts:
            contract = f"{CGD}contract-aco-{area_slug}"
            quote = s.words(
                g,
                document,
                f"aco-{area_slug}",
                f"{name} plans to let a long-term contract to a single organisation",
                f"Areas, {name}, contracts",
            )
            for p, o in [
                (TYPE, CG + "AccountableCareOrganisationContract"),
                (LABEL, en(f"{name} accountable care organisation contract")),
                (CG + "commissionedBy", ccgs[0]),
                (CG + "contractFeature", CG + "LongTermContract"),
                (CG + "contractFeature", CG + "SingleOrganisation"),
                (CG + "status", CG + "ProposedStatus"),
                (CG + "awardedTo", trusts[0]),
            ]:
                g.claim(c, contract, p, o, quote, key)
            g.kinds[CG + "AccountableCareOrganisationContract"].append(contract)
            g.record(
                c,
                f"{CGD}procurement-aco-{area_slug}",
                CG + "CompetitiveProcurement",
                [
                    (LABEL, en(f"{name}'s procurement of an ACO contract")),
                    (CG + "locatedIn", places[0][0]),
                    *[(CG + "preferredProvider", t) for t in trusts[:2]],
                    (CG + "procures", contract),
                    (DERIVED, quote),
                ],
            )
            decision = s.words(
                g,
                document,
                f"aco-decision-{area_slug}",
                "the decision to delay the contract",
                f"Areas, {name}, contracts, decision",
            )
            g.record(
                c,
                f"{CGD}decision-delay-aco-{area_slug}",
                PROV + "Activity",
                [
                    (LABEL, en(f"decision to delay {name}'s ACO contract")),
                    (PROV + "used", contract),
                    (PROV + "wasAssociatedWith", CGD + "org-nhs-england"),
                    (DERIVED, decision),
                ],
            )
            for n in (1, 2):
                g.record(
                    c,
                    f"{CGD}legal-challenge-aco-{area_slug}-{n}",
                    CG + "LegalChallenge",
                    [
                        (LABEL, en(f"legal challenge {n} to {name}'s ACO contract")),
                        (CG + "challenges", contract),
                        (CG + "challenges", ACO),
                        (DERIVED, decision),
                    ],
                )
        # An evolution record, and what the system learns from abroad, in some areas.
        if i % 6 == 0:
            quote = s.words(
                g, document, f"evolved-{area_slug}", f"{name} evolved from its STP", f"Areas, {name}, history"
            )
            g.record(
                "areas/systems.ttl",
                f"{CGD}evolution-{area_slug}",
                CG + "Evolution",
                [
                    (LABEL, en(f"{name} STP became an accountable care system")),
                    (ORG + "originalOrganization", stp),
                    (ORG + "resultingOrganization", system),
                    (HAS_TIME, CGD + "year-2018"),
                    (DERIVED, quote),
                ],
            )
            g.claim("areas/systems.ttl", system, CG + "learnsFrom", self.exemplars[i % len(self.exemplars)], quote, key)
        if i % 9 == 5:
            quote = s.words(
                g,
                document,
                f"renamed-{area_slug}",
                f"{name} accountable care system, now {name} integrated care system",
                f"Areas, {name}, names",
            )
            old = f"{name} Accountable Care System"
            g.claim("areas/systems.ttl", system, ALT, en(old), quote, key)
            g.record(
                "areas/systems.ttl",
                f"{CGD}renaming-{area_slug}",
                CG + "Renaming",
                [
                    (CG + "renamed", system),
                    (CG + "previousName", plain(old)),
                    (CG + "newName", plain(f"{name} Integrated Care System")),
                    (DERIVED, quote),
                ],
            )


# --- injected defects --------------------------------------------------------------------------------------------
#
# Each defect is a record that breaks one rule, as the records of examples/invalid/ do, written beside the valid
# records of its kind and pointing at entities of the last area (or national ones): the valid data stays intact,
# so the stored queries still find what they look for, and every injected record is reported on its own.

Context = namedtuple("Context", "system stp footprint place ccg quote source wave")
"""What broken records point at: entities that every generated graph holds."""


Defect = Callable[[Context, int], tuple[str, str, list[tuple[str, Term]]]]
"""(context, copy number) → (file, subject, facts) of one broken record."""


def _funding(c: Context, *facts) -> list[tuple[str, Term]]:
    return [
        (TYPE, CG + "FundingAllocation"),
        (LABEL, en("funding for transformational programmes")),
        (CG + "recipient", c.system),
        (DERIVED, c.quote),
        *facts,
    ]


def _designation(c: Context, *facts) -> list[tuple[str, Term]]:
    return [(TYPE, CG + "Designation"), (DERIVED, c.quote), *facts]


def _claim(c: Context, *facts) -> list[tuple[str, Term]]:
    return [(TYPE, CG + "Claim"), (RDF + "predicate", CG + "coversPlace"), (RDF + "object", c.place), *facts]


def _system(c: Context, kind: str, *facts) -> list[tuple[str, Term]]:
    return [(TYPE, kind), *facts]


def _role_period(c: Context, *facts) -> list[tuple[str, Term]]:
    return [
        (TYPE, CG + "RolePeriod"),
        (CG + "roleHolder", c.stp),
        (CG + "roleCode", CGD + "ods-role-RO318"),
        (DERIVED, c.quote),
        *facts,
    ]


def _source(*facts) -> list[tuple[str, Term]]:
    return [(TYPE, CG + "SourceDocument"), *facts]


TITLE, CREATOR = (
    (DCTERMS + "title", en("A briefing on integrated care")),
    (DCTERMS + "creator", CGD + "person-policy-adviser"),
)
DATE_AS_GIVEN, SOURCE_FILE = (CG + "dateAsGiven", plain("not stated")), (CG + "sourceFile", plain("999_defect.txt"))
FUNDING_FILE, DESIGNATION_FILE, SYSTEM_FILE = "contracts/funding.ttl", "areas/designations.ttl", "areas/systems.ttl"

DEFECTS: dict[str, Defect] = {
    # Violations, one per rule, named as examples/invalid/ names them.
    "amount-negative": lambda c, n: (
        FUNDING_FILE,
        f"{CGD}funding-defect-negative-{n}",
        _funding(c, (CG + "amount", decimal(-450000000.0)), (CG + "currency", plain("GBP"))),
    ),
    "amount-not-decimal": lambda c, n: (
        FUNDING_FILE,
        f"{CGD}funding-defect-integer-{n}",
        _funding(c, (CG + "amount", integer(450000000)), (CG + "currency", plain("GBP"))),
    ),
    "amount-without-currency": lambda c, n: (
        FUNDING_FILE,
        f"{CGD}funding-defect-no-currency-{n}",
        _funding(c, (CG + "amount", decimal(450000000.0))),
    ),
    "approximate-amount-without-words": lambda c, n: (
        FUNDING_FILE,
        f"{CGD}funding-defect-approximate-{n}",
        _funding(
            c,
            (CG + "amount", decimal(450000000.0)),
            (CG + "currency", plain("GBP")),
            (CG + "isApproximate", boolean(True)),
        ),
    ),
    "blank-node": lambda c, n: (
        FUNDING_FILE,
        f"{CGD}funding-defect-blank-recipient-{n}",
        _funding(
            c,
            (CG + "amount", decimal(450000000.0)),
            (CG + "currency", plain("GBP")),
            (CG + "recipient", f"_:defect-recipient-{n}"),
        ),
    ),
    "claim-derived-from-a-source-not-a-quotation": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}claim-defect-source-{n}",
        _claim(c, (RDF + "subject", c.system), (DERIVED, c.source)),
    ),
    "claim-without-quotation": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}claim-defect-no-quotation-{n}",
        _claim(c, (RDF + "subject", c.system)),
    ),
    "claim-without-subject": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}claim-defect-no-subject-{n}",
        _claim(c, (DERIVED, c.quote)),
    ),
    "date-not-a-calendar-term": lambda c, n: (
        DESIGNATION_FILE,
        f"{CGD}designation-defect-date-{n}",
        _designation(
            c, (CG + "designatedArea", c.system), (CG + "inWave", c.wave), (HAS_TIME, ("2017-06", XSD + "gYearMonth"))
        ),
    ),
    "designation-without-area": lambda c, n: (
        DESIGNATION_FILE,
        f"{CGD}designation-defect-no-area-{n}",
        _designation(c, (CG + "inWave", c.wave), (HAS_TIME, CGD + "month-2017-06")),
    ),
    "evolution-runs-backwards": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}evolution-defect-backwards-{n}",
        [(TYPE, CG + "Evolution"), (ORG + "originalOrganization", c.system), (ORG + "resultingOrganization", c.stp)],
    ),
    "footprint-code-not-e54-or-e59": lambda c, n: (
        "reference/stps.ttl",
        f"{CGD}footprint-E06{990000 + n:06d}",
        [(TYPE, CG + "Footprint"), (CG + "gssCode", plain(f"E06{990000 + n:06d}"))],
    ),
    "footprint-is-a-place": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}system-defect-place-footprint-{n}",
        _system(c, ICS, (LABEL, en(f"Area with a place for a footprint {n}")), (CG + "hasFootprint", c.place)),
    ),
    "gss-code-malformed": lambda c, n: (
        "reference/ccgs.ttl",
        f"{CGD}org-defect-gss-{n}",
        [
            (TYPE, CG + "ClinicalCommissioningGroup"),
            (LABEL, en(f"NHS Defective CCG {n}")),
            (CG + "gssCode", plain(f"E380{n:04d}")),
        ],
    ),
    "label-missing": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}system-defect-unnamed-{n}",
        _system(c, ICS, (CG + "hasFootprint", c.footprint)),
    ),
    "member-is-a-place": lambda c, n: (
        "reference/ccgs.ttl",
        f"{CGD}membership-defect-place-{n}",
        [
            (TYPE, CG + "Membership"),
            (ORG + "member", c.place),
            (ORG + "organization", c.stp),
            (ORG + "memberDuring", fy(2019)),
            (DERIVED, c.quote),
        ],
    ),
    "numerator-above-denominator": lambda c, n: (
        "programmes.ttl",
        f"{CGD}share-defect-{n}",
        [
            (TYPE, CG + "PopulationShare"),
            (LABEL, en("seven in six people")),
            (CG + "numerator", integer(7)),
            (CG + "denominator", integer(6)),
            (CG + "populationOf", CGD + "place-england"),
            (DERIVED, c.quote),
        ],
    ),
    "ods-code-malformed": lambda c, n: (
        "reference/trusts.ttl",
        f"{CGD}org-defect-ods-{n}",
        [
            (TYPE, CG + "FoundationTrust"),
            (LABEL, en(f"Defective NHS Foundation Trust {n}")),
            (CG + "odsCode", plain(f"rn-{n}")),
        ],
    ),
    "ons-geography-of-another-code": lambda c, n: (
        "reference/stps.ttl",
        f"{CGD}footprint-E54{990000 + n:06d}",
        [
            (TYPE, CG + "Footprint"),
            (CG + "gssCode", plain(f"E54{990000 + n:06d}")),
            (CG + "onsGeography", STATISTICAL_GEOGRAPHY + "E54999999"),
        ],
    ),
    "party-not-an-organisation": lambda c, n: (
        "contracts/areas.ttl",
        f"{CGD}agreement-defect-place-party-{n}",
        [
            (TYPE, CG + "AllianceAgreement"),
            (LABEL, en(f"Alliance agreement with a place {n}")),
            (CG + "party", c.ccg),
            (CG + "party", c.place),
        ],
    ),
    "period-ends-before-it-begins": lambda c, n: (
        "reference/icbs.ttl",
        f"{CGD}role-period-defect-backwards-{n}",
        _role_period(c, (HAS_TIME, CGD + "period-2023-03-31-to-2022-07-01")),
    ),
    "quotation-without-source": lambda c, n: (
        "sources/quotes.ttl",
        f"{CGD}quote-defect-no-source-{n}",
        [(TYPE, CG + "Quotation"), (VALUE, plain("words without a source")), (CG + "locator", plain("paragraph 1"))],
    ),
    "quotation-without-words": lambda c, n: (
        "sources/quotes.ttl",
        f"{CGD}quote-defect-no-words-{n}",
        [(TYPE, CG + "Quotation"), (QUOTED, c.source), (CG + "locator", plain("paragraph 1"))],
    ),
    "renamed-without-earlier-name": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}renaming-defect-{n}",
        [
            (TYPE, CG + "Renaming"),
            (CG + "renamed", c.system),
            (CG + "previousName", plain("A name nobody kept")),
            (CG + "newName", plain("A new name")),
            (DERIVED, c.quote),
        ],
    ),
    "role-period-without-time": lambda c, n: (
        "reference/icbs.ttl",
        f"{CGD}role-period-defect-undated-{n}",
        _role_period(c),
    ),
    "share-of-place-above-one": lambda c, n: (
        "reference/local-authorities.ttl",
        f"{CGD}place-in-footprint-defect-{n}",
        [
            (TYPE, CG + "PlaceInFootprint"),
            (CG + "place", c.place),
            (CG + "footprint", c.footprint),
            (CG + "shareOfPlace", decimal(1.25)),
            (HAS_TIME, fy(2017)),
            (DERIVED, c.quote),
        ],
    ),
    "source-without-date-as-given": lambda c, n: (
        "sources/sources.ttl",
        f"{CGD}source-defect-undated-{n}",
        _source(TITLE, CREATOR, SOURCE_FILE),
    ),
    "source-without-publisher-or-author": lambda c, n: (
        "sources/sources.ttl",
        f"{CGD}source-defect-anonymous-{n}",
        _source(TITLE, DATE_AS_GIVEN, SOURCE_FILE),
    ),
    "source-without-title": lambda c, n: (
        "sources/sources.ttl",
        f"{CGD}source-defect-untitled-{n}",
        _source(CREATOR, DATE_AS_GIVEN, SOURCE_FILE),
    ),
    "status-from-wrong-scheme": lambda c, n: (
        DESIGNATION_FILE,
        f"{CGD}designation-defect-draft-{n}",
        _designation(
            c,
            (CG + "designatedArea", c.system),
            (CG + "inWave", c.wave),
            (CG + "status", CG + "DraftStatus"),
            (HAS_TIME, CGD + "month-2017-06"),
        ),
    ),
    "stp-evolved-from-acs": lambda c, n: (
        "reference/stps.ttl",
        f"{CGD}org-defect-stp-{n}",
        [
            (TYPE, STP),
            (LABEL, en(f"Partnership that went backwards {n}")),
            (CG + "hasFootprint", c.footprint),
            (CG + "evolvedFrom", c.system),
        ],
    ),
    "undeclared-term": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}system-defect-misspelt-{n}",
        _system(
            c,
            ICS,
            (LABEL, en(f"Area with a misspelt property {n}")),
            (CG + "hasFootprint", c.footprint),
            (CG + "coverPlace", c.place),
        ),
    ),
    "untyped-record": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}system-defect-untyped-{n}",
        [(LABEL, en(f"Untyped area {n}")), (CG + "coversPlace", c.place)],
    ),
    "wave-number-not-a-positive-integer": lambda c, n: (
        "programmes.ttl",
        f"{CGD}wave-defect-zero-{n}",
        [(TYPE, CG + "DesignationWave"), (LABEL, en(f"wave zero {n}")), (CG + "waveNumber", integer(0))],
    ),
    # Warnings: records incomplete in a way a source may excuse.
    "area-without-footprint-places-or-members": lambda c, n: (
        SYSTEM_FILE,
        f"{CGD}system-defect-nowhere-{n}",
        _system(c, ACS, (LABEL, en(f"Area without a place {n}"))),
    ),
    "vanguard-without-type": lambda c, n: (
        "reference/vanguards.ttl",
        f"{CGD}vanguard-defect-untyped-{n}",
        [(TYPE, CG + "Vanguard"), (LABEL, en(f"Vanguard of no known type {n}"))],
    ),
    "designation-without-date": lambda c, n: (
        DESIGNATION_FILE,
        f"{CGD}designation-defect-undated-{n}",
        _designation(c, (CG + "designatedArea", c.system), (CG + "inWave", c.wave)),
    ),
    "designation-without-wave": lambda c, n: (
        DESIGNATION_FILE,
        f"{CGD}designation-defect-no-wave-{n}",
        _designation(c, (CG + "designatedArea", c.system), (HAS_TIME, CGD + "month-2017-06")),
    ),
    "membership-without-period": lambda c, n: (
        "reference/ccgs.ttl",
        f"{CGD}membership-defect-undated-{n}",
        [(TYPE, CG + "Membership"), (ORG + "member", c.ccg), (ORG + "organization", c.stp), (DERIVED, c.quote)],
    ),
    "quotation-without-locator": lambda c, n: (
        "sources/quotes.ttl",
        f"{CGD}quote-defect-no-locator-{n}",
        [(TYPE, CG + "Quotation"), (QUOTED, c.source), (VALUE, plain("words without a locator"))],
    ),
    "funding-without-amount": lambda c, n: (FUNDING_FILE, f"{CGD}funding-defect-no-amount-{n}", _funding(c)),
    "agreement-without-parties": lambda c, n: (
        "contracts/areas.ttl",
        f"{CGD}agreement-defect-no-parties-{n}",
        [
            (TYPE, CG + "AllianceAgreement"),
            (LABEL, en(f"Alliance agreement of nobody {n}")),
            (CG + "status", CG + "AgreedInPrinciple"),
        ],
    ),
}
"""Each kind of error the shapes (or the conventions) catch → the broken record that injects it."""


def inject_defects(nation: Nation) -> dict[str, list[str]]:
    """Add COPIES broken records of each kind in :data:`DEFECTS`; returns their IRIs by kind."""
    g, last = nation.g, nation.areas - 1
    ccg = next(s for s in reversed(g.kinds[CG + "ClinicalCommissioningGroup"]))
    context = Context(
        system=nation._system(last),
        stp=CGD + "org-" + nation.stp_code(last),
        footprint=CGD + "footprint-" + nation.footprint_code(last),
        place=g.kinds[CG + "LocalAuthorityArea"][-1],
        ccg=ccg,
        quote=f"{CGD}quote-synthetic-stps-{nation.stp_code(last)}",
        source=nation.sources.documents[-1],
        wave=f"{CGD}wave-acs-{len(nation.acs_waves)}",
    )
    injected = {}
    for name, defect in DEFECTS.items():
        injected[name] = []
        for n in range(COPIES):
            file, subject, facts = defect(context, n)
            for p, o in facts:
                g.add(file, subject, p, o)
            injected[name].append(subject)
    return injected


# --- the project folder ------------------------------------------------------------------------------------------


def _term(value: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(value, tuple):
        lexical, tag = value
        if tag.startswith("http"):
            return ox.Literal(lexical, datatype=ox.NamedNode(tag))
        return ox.Literal(lexical, language=tag)
    if value.startswith("_:"):
        return ox.BlankNode(value[2:])
    return ox.NamedNode(value)


def _triples(g: Builder) -> dict[str, list[ox.Triple]]:
    files: dict[str, list[ox.Triple]] = defaultdict(list)
    for subject, (file, pairs) in g.records.items():
        s = ox.NamedNode(subject)
        out = files[file]
        for p, o in pairs:
            out.append(ox.Triple(s, ox.NamedNode(p), _term(o)))
    # The blank nodes some defects point at are described too, as a record writer would have written them.
    for triples in files.values():
        blanks = {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
        for blank in sorted(blanks, key=str):
            triples.append(ox.Triple(blank, ox.NamedNode(TYPE), ox.NamedNode(ACS)))
            triples.append(ox.Triple(blank, ox.NamedNode(LABEL), ox.Literal("Somewhere", language="en")))
    return files


# Measured at 10 and 47 areas (tests/test_bench.py checks the 10k graph against them): the ontology, the national
# records, the defects and the calendar hold about 3,800 triples whatever the size, and each area, with its dated
# names, adds about 900.
_FIXED_TRIPLES = 3800
_TRIPLES_PER_AREA = 900


def areas_for(size: int) -> int:
    """How many areas make a graph of about ``size`` triples (ontology and calendar included); never fewer than the
    first wave, so the smallest nation has about size_of(FIRST_WAVE) triples, whatever smaller size is asked."""
    return max(FIRST_WAVE, round((size - _FIXED_TRIPLES) / _TRIPLES_PER_AREA))


def size_of(areas: int) -> int:
    """About how many triples a nation of ``areas`` areas holds (ontology and calendar included)."""
    return _FIXED_TRIPLES + areas * _TRIPLES_PER_AREA


def synthetic_triples(size: int, seed: int = SEED) -> list[ox.Triple]:
    """The data of a valid synthetic nation of about ``size`` triples (at least one area), without the ontology and
    without defects: for tests that need a graph that grows, beside the ontology and fixtures of their own."""
    areas = max(1, round((size - _FIXED_TRIPLES + 2150) / _TRIPLES_PER_AREA))
    return [t for triples in _triples(Nation(areas, seed).generate()).values() for t in triples]


def fingerprint(size: int, seed: int = SEED) -> str:
    """Changes when the generator, the ontology or the stored queries change: the name of a generated folder."""
    digest = hashlib.sha256(f"{size}\0{seed}".encode())
    for path in [Path(__file__), *sorted((REPO / "ontology").rglob("*.ttl")), *sorted((REPO / "queries").glob("*.rq"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


Dataset = namedtuple("Dataset", "root size areas data_triples injected record")
"""A generated synthetic project: the folder, its size, how many triples data/ holds, the injected defects by
kind, and a new record (record.ttl) to validate in the context of the graph (see :func:`new_record`)."""


PREFIXES_TTL = {
    "cg": CG,
    "cgd": CGD,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "org": ORG,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "time": TIME,
    "xsd": XSD,
}


def generate(size: int, root: Path, seed: int = SEED) -> Dataset:
    """Write a synthetic project of about ``size`` triples to ``root``: a copy of the ontology (with the shapes)
    and of the stored queries, the synthetic data in data/, and one new record (record.ttl) beside them."""
    areas = areas_for(size)
    nation = Nation(areas, seed)
    g = nation.generate()
    injected = inject_defects(nation)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    total = 0
    for file, triples in sorted(_triples(g).items()):
        path = root / "data" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES_TTL))
        total += len(triples)
    record = root / "record.ttl"
    record.write_text(new_record(nation))
    write_source_texts(g, record, root)
    (root / "injected.json").write_text(json.dumps(injected, indent=1, sort_keys=True))
    return Dataset(root, size, areas, total, injected, record)


def write_source_texts(g: Builder, record: Path, root: Path) -> None:
    """The words every quotation quotes, the record's too, where caregraph looks for them: each source document's
    text in sources/ (the folder given with ``--sources``), each reference dataset's rows in data/reference/ (as
    the shipped datasets' CSV files are), so that quotations are checked against their sources as the real ones."""
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    for subject, (_, pairs) in g.records.items():
        for p, o in pairs:
            if p in (QUOTED, VALUE, SOURCE_FILE[0]):
                facts[subject][p] = o[0] if isinstance(o, tuple) else o
    for triple in ox.parse(path=record, format=ox.RdfFormat.TURTLE):
        if triple.predicate.value in (QUOTED, VALUE):
            facts[triple.subject.value][triple.predicate.value] = triple.object.value
    texts: dict[str, set[str]] = defaultdict(set)
    for quotation in facts.values():
        file = facts.get(quotation.get(QUOTED, ""), {}).get(SOURCE_FILE[0])
        if file and VALUE in quotation:
            texts[file].add(quotation[VALUE])
    for name, words in sorted(texts.items()):
        folder = root / ("data/reference" if name.endswith(".csv") else "sources")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("\n".join(sorted(words)) + "\n")


def new_record(nation: Nation) -> str:
    """A record a researcher might add, as examples/valid/later-wave-ics.ttl does: a later-wave integrated care
    system pointing at the first area's STP and footprint, a region and sources that the graph already holds —
    the shared entities whose incoming links grow with the graph, which validating one record must not pay for."""
    code, footprint_code = nation.stp_code(0), nation.footprint_code(0)
    stp, footprint, region = f"{CGD}org-{code}", CGD + "footprint-" + footprint_code, CGD + "org-" + REGIONS[0][0]
    document, dataset = nation.sources.documents[0], nation.sources.datasets["stps"]
    return f"""# A later-wave integrated care system, written as a researcher would write a new record.

@prefix cg:   <{CG}> .
@prefix cgd:  <{CGD}> .
@prefix prov: <{PROV}> .
@prefix rdf:  <{RDF}> .
@prefix rdfs: <{RDFS}> .

cgd:system-new-later-wave
    a cg:IntegratedCareSystem ;
    rdfs:label "A later-wave system"@en ;
    cg:evolvedFrom <{stp}> ;
    cg:hasFootprint <{footprint}> ;
    cg:inRegion <{region}> .

cgd:claim-new-later-wave-type
    a cg:Claim ;
    rdf:subject cgd:system-new-later-wave ; rdf:predicate rdf:type ; rdf:object cg:IntegratedCareSystem ;
    prov:wasDerivedFrom cgd:quote-new-later-wave-joins .

cgd:claim-new-later-wave-label
    a cg:Claim ;
    rdf:subject cgd:system-new-later-wave ; rdf:predicate rdfs:label ; rdf:object "A later-wave system"@en ;
    prov:wasDerivedFrom cgd:quote-new-later-wave-joins .

cgd:claim-new-later-wave-evolved-from
    a cg:Claim ;
    rdf:subject cgd:system-new-later-wave ; rdf:predicate cg:evolvedFrom ; rdf:object <{stp}> ;
    prov:wasDerivedFrom cgd:quote-new-later-wave-row .

cgd:claim-new-later-wave-footprint
    a cg:Claim ;
    rdf:subject cgd:system-new-later-wave ; rdf:predicate cg:hasFootprint ; rdf:object <{footprint}> ;
    prov:wasDerivedFrom cgd:quote-new-later-wave-row .

cgd:claim-new-later-wave-region
    a cg:Claim ;
    rdf:subject cgd:system-new-later-wave ; rdf:predicate cg:inRegion ; rdf:object <{region}> ;
    prov:wasDerivedFrom cgd:quote-new-later-wave-row .

cgd:quote-new-later-wave-joins
    a cg:Quotation ;
    prov:wasQuotedFrom <{document}> ;
    prov:value "other systems will soon be joining the programme" ;
    cg:locator "What will happen next?, paragraph 3" .

cgd:quote-new-later-wave-row
    a cg:Quotation ;
    prov:wasQuotedFrom <{dataset}> ;
    prov:value "1,{footprint_code},{code},A later-wave system" ;
    cg:locator "line 2, {code}" .
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int, help="about how many triples (ontology and calendar included)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    dataset = generate(args.size, args.output, args.seed)
    print(
        f"{dataset.root}: {dataset.areas} areas, {dataset.data_triples:,} data triples, "
        f"{sum(map(len, dataset.injected.values()))} injected defects",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
