"""Answers true to their date: dated names, regions, the landscape on a day, and every empty answer explained.

Expected values are read from the reference files with the csv module, independently of caregraph.reference.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from caregraph.namespaces import CG, CGD, PROV
from caregraph.query import Query, empty, run, stored, to_term, undeclared
from caregraph.vocabulary import Vocabulary

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "data" / "reference"
LOOKUP_2017 = "jtrim-ons__ons-lookups__066_CCG17_STP17_lookup_Apr2017_v3.csv"
LOOKUP_2018 = "jtrim-ons__ons-lookups__065_CCG18_STP18_lookup_Apr2018_v2.csv"
ICBS = "extracted__rcpch__rcpch-nhs-organisations__integrated_care_boards.csv"


def _csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _query(slug: str) -> Query:
    return stored(slug, REPO / "queries")


def _records(graph, slug: str, params: dict[str, str]) -> list[dict[str, object]]:
    return run(_query(slug), params, graph=graph).records()


# --- dated names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, lookup, ccg_column, name_column",
    [
        ("2017-06-30", LOOKUP_2017, "CCG17CDH", "STP17NM"),
        ("2018-06-30", LOOKUP_2018, "CCG18CDH", "STP18NM"),
    ],
)
def test_the_stp_of_a_ccg_is_named_as_the_lookup_of_that_year_names_it(graph, day, lookup, ccg_column, name_column):
    # 066 line 2: E38000058,03X,NHS Erewash CCG,E54000012,Derbyshire; 065 line 52 gives the same name in 2018.
    row = next(r for r in _csv(lookup) if r[ccg_column] == "03X")
    answers = _records(graph, "partnership-of-ccg", {"ccg": "03X", "day": day})
    assert [a["partnershipName"] for a in answers] == [row[name_column]]
    assert answers[0]["lookup"].endswith("-" + day[:4])


def test_a_ccg_may_be_given_in_any_case_or_by_its_gss_code(graph):
    row = next(r for r in _csv(LOOKUP_2017) if r["CCG17CDH"] == "03X")
    by_ods = _records(graph, "partnership-of-ccg", {"ccg": "03X", "day": "2017-06-30"})
    assert by_ods
    assert _records(graph, "partnership-of-ccg", {"ccg": " 03x ", "day": "2017-06-30"}) == by_ods
    assert _records(graph, "partnership-of-ccg", {"ccg": row["CCG17CD"], "day": "2017-06-30"}) == by_ods
    assert _records(graph, "partnership-of-ccg", {"ccg": row["CCG17NM"], "day": "2017-06-30"}) == by_ods


def test_an_icb_is_displayed_by_its_icb_name(graph):
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    wrong = {}
    for row in _csv(ICBS):
        icb = ox.NamedNode(CGD + "org-" + row["ICB_ODS_CODE"])
        labels = [q.object.value for q in graph.store.quads_for_pattern(icb, label, None)]
        if labels != [row["ICB_NAME"]]:
            wrong[row["ICB_ODS_CODE"]] = (labels, row["ICB_NAME"])
    assert not wrong


def test_every_dated_name_is_in_the_row_it_is_derived_from(graph):
    found = graph.store.query(
        f"PREFIX cg: <{CG}> PREFIX prov: <{PROV}> SELECT ?text ?row WHERE {{ ?n a cg:DatedName ; cg:nameText ?text ; "
        "prov:wasDerivedFrom/prov:value ?row }"
    )
    pairs = [(s["text"].value, s["row"].value) for s in found]
    assert len(pairs) > 2000
    assert [p for p in pairs if p[0] not in p[1]] == []


def test_a_snapshot_month_is_not_an_end_date(graph):
    # The ICS19 list (232) is of December 2019: its codes are recorded as of that month, with no period of use.
    for row in _csv("jtrim-ons__ons-lookups__232_ICS19_names_codes_Dec2019.csv"):
        footprint = ox.NamedNode(CGD + "footprint-" + row["ICS19CD"])
        assert not list(
            graph.store.quads_for_pattern(footprint, ox.NamedNode("http://www.w3.org/2006/time#hasTime"), None)
        )
        assert [
            q.object.value for q in graph.store.quads_for_pattern(footprint, ox.NamedNode(CG + "recordedAsOf"), None)
        ] == [CGD + "month-2019-12"]


def test_every_icb_is_in_its_region_from_july_2022(graph):
    found = {
        (s["icb"].value, s["region"].value)
        for s in graph.store.query(
            f"PREFIX cg: <{CG}> PREFIX org: <http://www.w3.org/ns/org#> SELECT ?icb ?region WHERE {{ "
            f"?m org:member ?icb ; cg:inRegion ?region ; org:memberDuring <{CGD}from-2022-07-01> }}"
        )
    }
    assert found == {(CGD + "org-" + r["ICB_ODS_CODE"], CGD + "org-" + r["NHSER_ODS_CODE"]) for r in _csv(ICBS)}


# --- the landscape on a day ----------------------------------------------------------------------------------


def _lookup_landscape(name: str, code: str, stp_name: str) -> dict[str, tuple[str, int]]:
    counts = Counter(r[code] for r in _csv(name))
    names = {r[code]: r[stp_name] for r in _csv(name)}
    return {c: (names[c], n) for c, n in counts.items()}


@pytest.mark.parametrize(
    "day, expected, form",
    [
        (
            "2017-06-30",
            lambda: _lookup_landscape(LOOKUP_2017, "STP17CD", "STP17NM"),
            "SustainabilityAndTransformationPartnership",
        ),
        (
            "2018-06-30",
            lambda: _lookup_landscape(LOOKUP_2018, "STP18CD", "STP18NM"),
            "SustainabilityAndTransformationPartnership",
        ),
        ("2022-07-01", lambda: {r["ICB22CD_GSS"]: (r["ICB_NAME"], 0) for r in _csv(ICBS)}, "IntegratedCareBoard"),
    ],
)
def test_the_landscape_on_a_day_follows_the_file_of_that_day(graph, day, expected, form):
    expected = expected()
    answers = _records(graph, "landscape-on", {"day": day})
    assert len(answers) == len(expected) == (44 if day.startswith("2017") else 42)
    got = {a["footprintCode"]: (a["name"], a["ccgs"]) for a in answers}
    assert got == expected
    assert {a["form"] for a in answers} == {CG + form}


def test_the_landscape_of_july_2022_gives_each_board_its_region(graph):
    answers = _records(graph, "landscape-on", {"day": "2022-07-01"})
    assert {(a["odsCode"], a["region"]) for a in answers} == {
        (r["ICB_ODS_CODE"], CGD + "org-" + r["NHSER_ODS_CODE"]) for r in _csv(ICBS)
    }


def test_changes_between_2019_lookups_show_a_ccg_merger(graph):
    # 028 line 52: 15M NHS Derby and Derbyshire CCG, new in April 2019; 065 line 52: 03X NHS Erewash CCG, gone.
    answers = _records(graph, "changes-between", {"from": "2019-03-31", "to": "2019-04-01"})
    kinds = defaultdict(set)
    for a in answers:
        kinds[a["change"]].add(a["entity"])
    assert CGD + "org-15M" in kinds["new"]
    assert CGD + "org-03X" in kinds["gone"]
    before = {r["CCG18CDH"] for r in _csv(LOOKUP_2018)}
    after = {r["CCG19CDH"] for r in _csv("jtrim-ons__ons-lookups__028_CCG19_STP19_lookup_Apr2019.csv")}
    assert {e for e in kinds["gone"] if e.removeprefix(CGD + "org-") in before} == {
        CGD + "org-" + c for c in before - after
    }


# --- empty answers and parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, words",
    [
        ({"ccg": "03X", "day": "2017-02-01"}, ["day=2017-02-01", "outside", "1 April 2017"]),
        ({"ccg": "03X", "day": "2019-06-30"}, ["03X", "31 March 2019", "replaced by 15M", "try ccg=15M"]),
        ({"ccg": "03Z", "day": "2019-06-30"}, ["names nothing", "did you mean", "03X"]),
    ],
)
def test_an_empty_answer_says_why(graph, params, words):
    query = _query("partnership-of-ccg")
    assert not run(query, params, graph=graph).rows
    line = empty.explain(query, params, graph.store)
    assert "\n" not in line and all(w in line for w in words), line


def test_an_unknown_term_gets_a_did_you_mean(graph):
    line = empty.explain(_query("describe-term"), {"term": "cg:IntegratedCareBord"}, graph.store)
    assert "did you mean cg:IntegratedCareBoard" in line


def test_the_command_line_explains_an_empty_answer_on_stderr(run_cli):
    code, out, err = run_cli(
        "query", "partnership-of-ccg", "--param", "ccg=03X", "--param", "day=2019-06-30", "--format", "csv"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("ccgName,")
    assert len(out.splitlines()) == 1
    assert err.count("\n") == 1 and "15M" in err


def test_sparql_warns_about_undeclared_cg_terms(graph):
    query = Query.from_text("SELECT ?x WHERE {\n  ?x a cg:IntegratedCareBord ;\n     cg:odsCode ?code }", "--sparql")
    lines = undeclared.warnings(query, Vocabulary.of(graph.store))
    assert lines == [
        "--sparql:2: cg:IntegratedCareBord is not a term of caregraph's vocabulary; did you mean "
        "cg:IntegratedCareBoard?"
    ]


def test_a_declared_cg_prefix_is_not_taken_for_a_term(graph):
    query = Query.from_text(
        "PREFIX cg: <https://w3id.org/caregraph/def#>\nSELECT ?x WHERE { ?x a cg:Footprint }", "--sparql"
    )
    assert undeclared.warnings(query, Vocabulary.of(graph.store)) == []


@pytest.mark.parametrize(
    "type_name, text, value",
    [
        ("string", "  Surrey Heath ", "Surrey Heath"),
        ("ods", " 03x\t", "03X"),
        ("gss", "e54000035 ", "E54000035"),
        ("iri", " cg:Footprint ", CG + "Footprint"),
        ("date", " 2017-06-30 ", "2017-06-30"),
        ("integer", " 44 ", "44"),
    ],
)
def test_every_kind_of_parameter_is_trimmed_alike(type_name, text, value):
    assert to_term(type_name, text).value == value
