"""The facts of data/ as the sources state them, and their disagreements kept as separate attributed claims.

Expected values are read from the texts in ../shared/sources/ (and the ONS lookup for place codes), never from
the graph: each test says which words it follows.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pyoxigraph as ox
import pytest

from caregraph.namespaces import curie, sparql_prologue

FIRST_WAVE_000_002 = {  # 000 "Eight areas of England …" and 002 "eight 'shadow' ACSs", items 1–8
    "system-frimley",
    "system-south-yorkshire-and-bassetlaw",
    "system-nottinghamshire",
    "system-blackpool-and-fylde-coast",
    "system-dorset",
    "system-bedfordshire-luton-and-milton-keynes",
    "system-berkshire-west",
    "system-buckinghamshire",
}
FIRST_WAVE_001 = FIRST_WAVE_000_002 | {"system-greater-manchester", "system-surrey-heartlands"}  # its ten bullets


def select(graph, query: str) -> list[tuple]:
    """Rows of a SELECT query, each term as a CURIE (IRIs) or its lexical value (literals)."""
    rows = []
    for solution in graph.store.query(sparql_prologue() + query):
        rows.append(
            tuple(
                "" if term is None else curie(term.value) if isinstance(term, ox.NamedNode) else term.value
                for term in solution
            )
        )
    return rows


def sources_claiming(graph, subject: str, predicate: str, obj: str) -> set[str]:
    """Which source documents (000 … 004) claim the triple; ``obj`` is a CURIE or a SPARQL literal."""
    rows = select(
        graph,
        f"""
        SELECT DISTINCT ?source WHERE {{
          ?claim a cg:Claim ; rdf:subject {subject} ; rdf:predicate {predicate} ; rdf:object {obj} ;
                 prov:wasDerivedFrom/prov:wasQuotedFrom ?source .
          ?source a cg:SourceDocument .
        }}""",
    )
    return {source.removeprefix("cgd:source-") for (source,) in rows}


def asserted(graph, subject: str, predicate: str, obj: str) -> bool:
    return bool(graph.store.query(sparql_prologue() + f"ASK {{ {subject} {predicate} {obj} }}"))


# --- the first wave: three sets of designations ------------------------------------------------------------


@pytest.mark.parametrize(
    "source, areas", [("000", FIRST_WAVE_000_002), ("001", FIRST_WAVE_001), ("002", FIRST_WAVE_000_002)]
)
def test_each_source_designates_exactly_the_areas_it_lists(graph, source, areas):
    rows = select(
        graph,
        f"""
        SELECT DISTINCT ?designation ?area ?wave WHERE {{
          ?designation a cg:Designation ; cg:designatedArea ?area ; cg:inWave ?wave ;
                       prov:wasDerivedFrom/prov:wasQuotedFrom cgd:source-{source} .
        }}""",
    )
    assert sorted(area for _, area, _ in rows) == sorted(f"cgd:{a}" for a in areas)  # one designation per area
    assert {wave for *_, wave in rows} == {"cgd:wave-acs-1"}


def test_designations_say_who_and_when_as_each_source_does(graph):
    rows = select(
        graph,
        """
        SELECT ?source ?by ?announced ?when ?status WHERE {
          ?d a cg:Designation ; prov:wasDerivedFrom/prov:wasQuotedFrom ?source .
          ?source a cg:SourceDocument .
          OPTIONAL { ?d cg:designatedBy ?by } OPTIONAL { ?d cg:announcedBy ?announced }
          OPTIONAL { ?d time:hasTime ?when } OPTIONAL { ?d cg:status ?status }
        }""",
    )
    by_source = {}
    for source, *rest in rows:
        by_source.setdefault(source, set()).add(tuple(rest))
    # 000: "identified by NHS England", no date; 001: "NHS England confirmed … in June 2017";
    # 002: "By June 2017, Jeremy Hunt had announced eight 'shadow' ACSs"
    assert by_source == {
        "cgd:source-000": {("cgd:org-nhs-england", "", "", "")},
        "cgd:source-001": {("cgd:org-nhs-england", "", "cgd:month-2017-06", "")},
        "cgd:source-002": {("", "cgd:person-jeremy-hunt", "cgd:month-2017-06", "cg:ShadowStatus")},
    }


def test_the_contested_count_of_first_wave_areas_is_claimed_but_not_asserted(graph):
    rows = select(
        graph,
        """
        SELECT ?source ?n WHERE {
          ?claim a cg:Claim ; rdf:subject cgd:wave-acs-1 ; rdf:predicate cg:numberOfAreas ; rdf:object ?n ;
                 prov:wasDerivedFrom/prov:wasQuotedFrom ?source .
        }""",
    )
    assert set(rows) == {("cgd:source-000", "8"), ("cgd:source-002", "8"), ("cgd:source-001", "10")}
    assert not asserted(graph, "cgd:wave-acs-1", "cg:numberOfAreas", "?n")


def test_only_contested_statements_are_claimed_without_being_asserted(graph):
    rows = select(
        graph,
        """
        SELECT DISTINCT ?s ?p ?o WHERE {
          ?claim a cg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          FILTER NOT EXISTS { ?s ?p ?o }
        }""",
    )
    # the first-wave counts above, and 000 calling Greater Manchester's arrangement "the ACO" (001 lists it as
    # an ACS; 004 says ACOs "do not yet exist in practice")
    assert sorted(rows) == sorted(
        [
            ("cgd:system-greater-manchester", "rdf:type", "cg:AccountableCareOrganisation"),
            ("cgd:wave-acs-1", "cg:numberOfAreas", "10"),
            ("cgd:wave-acs-1", "cg:numberOfAreas", "8"),
        ]
    )


# --- names: one display label, variants attributed to the sources that use them ----------------------------


@pytest.mark.parametrize(
    "entity, predicate, label, sources",
    [
        ("cgd:system-berkshire-west", "rdfs:label", "Berkshire West", {"000", "002"}),
        ("cgd:system-berkshire-west", "skos:altLabel", "West Berkshire", {"001"}),
        ("cgd:system-frimley", "rdfs:label", "Frimley Health", {"000", "002"}),
        ("cgd:system-frimley", "skos:altLabel", "Frimley Health and Care", {"001"}),
        (
            "cgd:system-bedfordshire-luton-and-milton-keynes",
            "rdfs:label",
            "Bedfordshire, Luton and Milton Keynes",
            {"001"},
        ),
        (
            "cgd:system-bedfordshire-luton-and-milton-keynes",
            "skos:altLabel",
            "Luton, with Milton Keynes and Bedfordshire",
            {"000"},
        ),
        (
            "cgd:system-bedfordshire-luton-and-milton-keynes",
            "skos:altLabel",
            "Luton (with Milton Keynes and Bedfordshire)",
            {"002"},
        ),
        ("cgd:system-south-yorkshire-and-bassetlaw", "rdfs:label", "South Yorkshire and Bassetlaw", {"001"}),
        ("cgd:system-south-yorkshire-and-bassetlaw", "skos:altLabel", "South Yorkshire & Bassetlaw", {"000", "002"}),
        ("cgd:system-blackpool-and-fylde-coast", "skos:altLabel", "Blackpool & Fylde Coast", {"000", "002"}),
        ("cgd:place-E07000171", "skos:hiddenLabel", "Bassetlew", {"000", "002"}),
        ("cgd:place-E07000171", "rdfs:label", "Bassetlaw", {"000", "001", "002"}),
        ("cgd:org-nhs-england", "skos:altLabel", "NHSE", {"002"}),
    ],
)
def test_each_name_is_a_label_claimed_by_every_source_that_uses_it(graph, entity, predicate, label, sources):
    literal = f'"{label}"@en'
    assert sources_claiming(graph, entity, predicate, literal) == sources
    assert asserted(graph, entity, predicate, literal)


def test_every_first_wave_area_has_one_display_label(graph):
    rows = select(
        graph,
        """
        SELECT ?area (COUNT(?label) AS ?labels) WHERE {
          ?area a cg:AccountableCareSystem . OPTIONAL { ?area rdfs:label ?label }
        } GROUP BY ?area""",
    )
    assert {area: int(n) for area, n in rows} == {f"cgd:{a}": 1 for a in FIRST_WAVE_001}


# --- places: the words of each source, the codes of the ONS lookup ------------------------------------------


@pytest.mark.parametrize(
    "area, predicate, places, sources",
    [
        ("frimley", "cg:coversPlace", ["place-E06000039", "place-E07000214", "place-aldershot"], {"000", "002"}),
        (
            "south-yorkshire-and-bassetlaw",
            "cg:coversPlace",
            ["place-E08000016", "place-E07000171", "place-E08000017", "place-E08000018", "place-E08000019"],
            {"000", "002"},
        ),
        ("berkshire-west", "cg:coversPlace", ["place-E06000038", "place-newbury", "place-E06000041"], {"000", "002"}),
        ("nottinghamshire", "cg:earlyFocus", ["place-greater-nottingham", "place-E07000176"], {"000", "002"}),
        ("blackpool-and-fylde-coast", "cg:potentialToSpreadTo", ["place-lancashire-and-south-cumbria"], {"000", "002"}),
    ],
)
def test_places_are_claimed_as_000_and_002_list_them(graph, area, predicate, places, sources):
    for place in places:
        assert sources_claiming(graph, f"cgd:system-{area}", predicate, f"cgd:{place}") >= sources, place


def test_local_authority_places_use_their_2017_gss_code(graph, sources_dir):
    lookup = sources_dir.parent / "data" / "derived__jtrim-ons__ons-lookups__143_LAD17_STP17_from_LSOA11_Apr2017.csv"
    with lookup.open(encoding="utf-8") as f:
        names = {row["LAD17CD"]: row["LAD17NM"] for row in csv.DictReader(f)}
    rows = select(
        graph,
        """
        SELECT ?place ?label WHERE {
          ?place a cg:Place ; rdfs:label ?label FILTER(REGEX(STR(?place), "/place-E0[6-9]"))
        }""",
    )
    assert len(rows) == 14  # Slough … Sheffield in 000/002, Luton, Milton Keynes, Blackpool, Dudley (004)
    for place, label in rows:
        assert names.get(place.removeprefix("cgd:place-")) == label, place


# --- amounts, dates and the rest of the record --------------------------------------------------------------


def test_the_funding_is_around_450_million_pounds_over_four_years(graph):
    [(amount, currency, approximate, given, years)] = select(
        graph,
        """
        SELECT ?amount ?currency ?approximate ?given ?years WHERE {
          cgd:funding-acs-first-wave a cg:FundingAllocation ; cg:amount ?amount ; cg:currency ?currency ;
              cg:isApproximate ?approximate ; cg:amountAsGiven ?given ; cg:periodInYears ?years .
          FILTER(DATATYPE(?amount) = xsd:decimal)
        }""",
    )
    assert (Decimal(amount), currency, approximate, given, Decimal(years)) == (
        Decimal(450_000_000),
        "GBP",
        "true",
        "around £450m",
        Decimal(4),
    )


def test_the_first_wave_serves_around_one_in_six_people_in_england(graph):
    [(numerator, denominator, approximate)] = select(
        graph,
        """
        SELECT ?n ?d ?approximate WHERE {
          cgd:wave-acs-1 cg:populationServed ?share .
          ?share cg:numerator ?n ; cg:denominator ?d ; cg:isApproximate ?approximate ;
                 cg:populationOf cgd:place-england .
        }""",
    )
    assert (numerator, denominator, approximate) == ("1", "6", "true")


def test_the_ambition_is_half_of_england_by_2020(graph):
    rows = select(
        graph,
        """
        SELECT ?n ?d ?when ?form WHERE {
          ?ambition a cg:Ambition ; cg:target ?share ; cg:targetDate ?when ; cg:targetForm ?form ;
                    prov:wasAttributedTo cgd:org-nhs-england .
          ?share cg:numerator ?n ; cg:denominator ?d ; cg:populationOf cgd:place-england .
        }""",
    )
    assert rows == [("1", "2", "cgd:year-2020", "cg:AccountableCareSystem")]


def test_the_mou_commits_the_eight_shadow_systems_to_four_things(graph):
    parties = {p for (p,) in select(graph, "SELECT ?p WHERE { cgd:agreement-acs-mou cg:party ?p }")}
    assert parties == {f"cgd:{a}" for a in FIRST_WAVE_000_002} | {"cgd:org-nhs-england"}
    commitments = {
        c
        for (c,) in select(
            graph,
            """
        SELECT ?label WHERE { cgd:agreement-acs-mou cg:hasCommitment/rdfs:label ?label }""",
        )
    }
    assert commitments == {
        "more assertively moderating demand growth",
        "meeting quality targets",
        "setting up appropriate governance",
        "achieving a single financial control system",
    }


def test_dudley_identified_two_nhs_trusts_as_preferred_providers(graph):
    rows = select(
        graph,
        """
        SELECT ?trust WHERE {
          ?procurement cg:procures cgd:contract-aco ; cg:locatedIn cgd:place-E08000027 ;
                       cg:preferredProvider ?trust .
          ?trust a cg:NHSTrust .
        }""",
    )
    assert len(rows) == 2


def test_the_sources_are_described_with_their_own_metadata(graph):
    rows = select(
        graph,
        """
        SELECT ?source ?identifier ?file WHERE {
          ?source a cg:SourceDocument ; dcterms:identifier ?identifier ; dcterms:title ?title ;
                  cg:dateAsGiven ?date ; cg:sourceFile ?file .
        }""",
    )
    assert sorted(rows) == [
        (f"cgd:source-{i}", ident, f"{ident}.txt")
        for i, ident in (
            ("000", "000_68721571ec8dfc0a"),
            ("001", "001_bead17fe8bc38f8b"),
            ("002", "002_f261b6c2e35a7b1d"),
            ("003", "003_4c61f0c41e6041fa"),
            ("004", "004_0939766f2c718c19"),
        )
    ]
    [(issued,)] = select(graph, "SELECT ?d WHERE { cgd:source-004 dcterms:issued ?d }")
    assert issued == "2018-04-16"  # "16 April 2018updated 09 Sep 2021"


def test_every_claim_names_one_triple_and_a_quotation(graph):
    rows = select(
        graph,
        """
        SELECT ?claim WHERE {
          ?claim a cg:Claim .
          # MINUS, evaluated once, not FILTER NOT EXISTS, evaluated for each of the graph's claims
          MINUS { ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom/a cg:Quotation }
        }""",
    )
    assert rows == []
    rows = select(
        graph,
        """
        SELECT ?claim (COUNT(DISTINCT ?s) + COUNT(DISTINCT ?p) + COUNT(DISTINCT ?o) AS ?n) WHERE {
          ?claim a cg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        } GROUP BY ?claim HAVING (?n != 3)""",
    )
    assert rows == []


def test_every_claim_from_a_source_document_is_derived_from_that_document_alone(graph):
    # Sources that disagree must stay separate claims. (A reference claim may rest on two data files together,
    # such as a footprint's successor read from consecutive lookups.)
    rows = select(
        graph,
        """
        SELECT ?claim WHERE {
          ?claim a cg:Claim ; prov:wasDerivedFrom/prov:wasQuotedFrom ?document , ?source .
          ?document a cg:SourceDocument .
        } GROUP BY ?claim HAVING (COUNT(DISTINCT ?source) > 1)""",
    )
    assert rows == []


def test_all_five_sources_are_cited_for_well_over_150_statements(graph):
    rows = select(
        graph,
        """
        SELECT ?source (COUNT(DISTINCT ?q) AS ?quotations) (COUNT(DISTINCT ?node) AS ?statements) WHERE {
          ?source a cg:SourceDocument . ?q prov:wasQuotedFrom ?source . ?node prov:wasDerivedFrom ?q .
        } GROUP BY ?source ORDER BY ?source""",
    )
    assert [source for source, *_ in rows] == [f"cgd:source-00{i}" for i in range(5)]  # all five are cited
    assert sum(int(n) for *_, n in rows) > 150
