"""GP practices, PCNs, sub-ICB locations and populations from the allocation tool files, and the queries on them.

Every expected figure is computed here from the copied CSV files with the csv module (and, for the first-wave
areas, from the ONS and NHS Digital lookups), never from caregraph's output.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal

import pytest

from caregraph.namespaces import sparql_prologue
from caregraph.query import run_embedded, stored

FILE_2022 = "nhsx__AIF_Allocation_Tool__2022_2023_practices.csv"
FILE_2024 = "nhsx__AIF_Allocation_Tool__2024_2025_practices.csv"
CCG_STP_2019 = "jtrim-ons__ons-lookups__028_CCG19_STP19_lookup_Apr2019.csv"
CCG_2021 = "extracted__NHSDigital__mental-health-bulletin__ccg_mapping_2021.csv"
ICS_2019 = "jtrim-ons__ons-lookups__232_ICS19_names_codes_Dec2019.csv"


@pytest.fixture(scope="module")
def read(project):
    def read(name: str) -> list[dict[str, str]]:
        with open(project.reference_dir / name, encoding="utf-8-sig", newline="") as stream:
            return list(csv.DictReader(stream))

    return read


@pytest.fixture(scope="module")
def older(read):
    return read(FILE_2022)


@pytest.fixture(scope="module")
def newer(read):
    return read(FILE_2024)


def solutions(graph, query: str, *names: str) -> list[tuple]:
    return [
        tuple(s[n].value if s[n] is not None else None for n in names)
        for s in graph.store.query(sparql_prologue() + query)
    ]


def stored_rows(graph, project, slug: str, **params) -> list[dict]:
    result = run_embedded(graph, stored(slug, project.queries_dir).bind(params))
    return [
        dict(zip(result.variables, (None if cell is None else cell.value for cell in row), strict=True))
        for row in result.rows
    ]


# --- what the files say is in the graph -------------------------------------------------------------------


def test_the_files_are_the_counts_the_data_readme_gives(older, newer):
    assert len({r["Practice_Code"] for r in older}) == len(older) == 6554
    assert len({r["Practice_Code"] for r in newer}) == len(newer) == 6553
    pcns = {r["PCN_Code"] for r in older}
    assert len(pcns) == 1256 and "U" in pcns
    assert sum(r["PCN_Code"] == "U" for r in older) == 75
    assert len({r["LOC22"] for r in older}) == 106 and len({r["ICS22"] for r in older}) == 42
    assert round(sum(int(r["Patients"]) for r in older) / 1e6, 2) == 61.19
    assert {r["PCN_Code"] for r in newer} == {r["LOC22"] for r in newer} == {r["Patients"] for r in newer} == {""}


def test_every_practice_has_its_code_name_postcode_and_wgs84_location_from_its_first_file(graph, older, newer):
    expected = {}
    for row in older + newer:
        expected.setdefault(
            row["Practice_Code"],
            (row["GP_Practice_Name"], row["Practice_Postcode"], Decimal(row["Latitude"]), Decimal(row["Longitude"])),
        )
    found = {
        code: (name, postcode, Decimal(lat), Decimal(long))
        for code, name, postcode, lat, long in solutions(
            graph,
            """
        SELECT ?code ?name ?postcode ?lat ?long WHERE {
          ?practice a cg:GeneralPractice ; cg:odsCode ?code ; rdfs:label ?name ; schema:postalCode ?postcode ;
                    geo:lat ?lat ; geo:long ?long .
        }""",
            "code",
            "name",
            "postcode",
            "lat",
            "long",
        )
    }
    assert len(expected) == 6554 + len({r["Practice_Code"] for r in newer} - {r["Practice_Code"] for r in older})
    assert found == expected


def test_every_practice_lies_in_its_local_authority_areas(graph, older):
    expected = {(r["Practice_Code"], code) for r in older for code in (r["LAD21"], r["LA21"])}
    found = set(
        solutions(
            graph,
            """
        SELECT ?code ?area WHERE { ?p a cg:GeneralPractice ; cg:odsCode ?code ; cg:locatedIn/cg:gssCode ?area }""",
            "code",
            "area",
        )
    )
    assert expected <= found


def test_the_1255_pcns_have_their_names_and_their_practices_of_2022_23(graph, older):
    names = {r["PCN_Code"]: r["PCN_Name"] for r in older if r["PCN_Code"] != "U"}
    assert len(names) == 1255
    found = dict(
        solutions(
            graph,
            "SELECT ?code ?name WHERE { ?p a cg:PrimaryCareNetwork ; cg:odsCode ?code ; rdfs:label ?name }",
            "code",
            "name",
        )
    )
    assert found == names
    members = set(
        solutions(
            graph,
            """
        SELECT ?practice ?pcn WHERE {
          ?m org:member/cg:odsCode ?practice ; org:organization ?o ; org:memberDuring cgd:fy-2022-23 .
          ?o a cg:PrimaryCareNetwork ; cg:odsCode ?pcn .
        }""",
            "practice",
            "pcn",
        )
    )
    assert members == {(r["Practice_Code"], r["PCN_Code"]) for r in older if r["PCN_Code"] != "U"}


def test_the_106_sub_icb_locations_are_the_ccgs_whose_codes_they_kept(graph, older, read):
    locations = {r["LOC22"]: r["ICS22"] for r in older}
    ccgs_2021 = {r["CCG21CDH"] for r in read(CCG_2021)}
    assert len(locations) == 106 and set(locations) == ccgs_2021
    found = set(
        solutions(
            graph,
            """
        SELECT ?code ?icb ?start WHERE {
          ?o a cg:SubICBLocation , cg:ClinicalCommissioningGroup ; cg:odsCode ?code .
          ?period a cg:RolePeriod ; cg:roleHolder ?o ; cg:roleCode/skos:notation "RO319" ;
                  time:hasTime/time:hasBeginning/time:inXSDDate ?start .
          ?m org:member ?o ; org:organization/cg:odsCode ?icb ; org:memberDuring cgd:fy-2022-23 .
        }""",
            "code",
            "icb",
            "start",
        )
    )
    assert found == {(code, icb, "2022-07-01") for code, icb in locations.items()}


def test_practices_are_members_of_their_sub_icb_location_in_2022_23_and_their_icb_in_2024_25(graph, older, newer):
    def members(period):
        return set(
            solutions(
                graph,
                f"""
            SELECT ?practice ?organisation WHERE {{
              ?m org:member ?p ; org:organization/cg:odsCode ?organisation ; org:memberDuring cgd:{period} .
              ?p a cg:GeneralPractice ; cg:odsCode ?practice .
            }}""",
                "practice",
                "organisation",
            )
        )

    pcns = {(r["Practice_Code"], r["PCN_Code"]) for r in older}
    assert members("fy-2022-23") - pcns == {(r["Practice_Code"], r["LOC22"]) for r in older}
    assert members("fy-2024-25") == {(r["Practice_Code"], r["ICS22"]) for r in newer}


# --- populations --------------------------------------------------------------------------------------------


def test_every_population_has_a_dataset_a_date_and_a_unit(graph, older, newer):
    found = solutions(
        graph,
        """
        SELECT ?dataset ?period (COUNT(?o) AS ?n) (COUNT(DISTINCT ?unit) AS ?units) WHERE {
          ?o a qb:Observation ; qb:dataSet ?dataset ; time:hasTime ?period ; cg:unitOfMeasure ?unit .
        } GROUP BY ?dataset ?period""",
        "dataset",
        "period",
        "n",
        "units",
    )
    assert sorted(found) == [
        (
            "https://w3id.org/caregraph/id/dataset-aif-practices-2022-23",
            "https://w3id.org/caregraph/id/fy-2022-23",
            str(len(older)),
            "1",
        ),
        (
            "https://w3id.org/caregraph/id/dataset-aif-practices-2024-25",
            "https://w3id.org/caregraph/id/fy-2024-25",
            str(len(newer)),
            "1",
        ),
    ]


@pytest.mark.parametrize(
    "period, column, measure",
    [
        ("fy-2022-23", "Patients", "registeredPatients"),
        ("fy-2022-23", "pop 2022/23", "population"),
        ("fy-2022-23", "Final WP", "needWeightedPopulation"),
        ("fy-2024-25", "pop 2022/23", "population"),
        ("fy-2024-25", "Final WP", "needWeightedPopulation"),
    ],
)
def test_per_icb_sums_equal_the_files(graph, older, newer, period, column, measure):
    rows = older if period == "fy-2022-23" else newer
    expected = defaultdict(Decimal)
    for row in rows:
        expected[row["ICS22"]] += Decimal(row[column])
    # 2022/23: through the sub-ICB locations; 2024/25: the practices' own ICB memberships.
    direct = "?m org:organization ?board ; org:member ?practice ; org:memberDuring ?year ."
    through = (
        "?u org:organization ?board ; org:member ?unit ; org:memberDuring ?year . "
        "?m org:organization ?unit ; org:member ?practice ; org:memberDuring ?year ."
        if period == "fy-2022-23"
        else direct
    )
    found = solutions(
        graph,
        f"""
        SELECT ?icb (SUM(?value) AS ?total) WHERE {{
          BIND(cgd:{period} AS ?year)
          ?board a cg:IntegratedCareBoard ; cg:odsCode ?icb .
          {through}
          ?o cg:registeredPopulationOf ?practice ; time:hasTime ?year ; cg:{measure} ?value .
        }} GROUP BY ?icb""",
        "icb",
        "total",
    )
    assert len(expected) == 42
    assert {icb: Decimal(total) for icb, total in found} == dict(expected)


def test_the_2024_25_file_gives_no_registered_patients(graph):
    assert not solutions(
        graph,
        """
        SELECT ?o WHERE { ?o qb:dataSet cgd:dataset-aif-practices-2024-25 ; cg:registeredPatients ?n }""",
        "o",
    )


# --- the stored queries -----------------------------------------------------------------------------------


def _sums(rows, column, keep):
    return sum((Decimal(r[column]) for r in rows if keep(r)), Decimal(0))


@pytest.mark.parametrize(
    "area, day, column",
    [
        ("QXU", "2022-09-30", "ICS22"),
        ("QHM", "2024-06-30", "ICS22"),
        ("U89141", "2022-09-30", "PCN_Code"),
        ("15A", "2022-09-30", "LOC22"),
        ("E10000030", "2022-09-30", "LA21"),
        ("E06000004", "2024-06-30", "LAD21"),
    ],
)
def test_population_of_an_icb_pcn_sub_icb_location_or_local_authority(graph, project, older, newer, area, day, column):
    rows = older if day.startswith("2022") else newer
    if column.startswith("LA"):  # a practice lies where its first file places it
        first = {r["Practice_Code"]: r for r in older}
        chosen = [
            r
            for r in rows
            if area in (first.get(r["Practice_Code"], r)["LAD21"], first.get(r["Practice_Code"], r)["LA21"])
        ]
    else:
        chosen = [r for r in rows if r[column] == area]
    assert chosen
    expected = {
        "population": _sums(chosen, "pop 2022/23", bool),
        "needWeightedPopulation": _sums(chosen, "Final WP", bool),
    }
    if rows is older:
        expected["registeredPatients"] = _sums(chosen, "Patients", bool)
    found = stored_rows(graph, project, "population-of", area=area, day=day)
    assert {r["measure"].rsplit("#")[-1]: Decimal(r["total"]) for r in found} == expected
    assert {int(r["practices"]) for r in found} == {len(chosen)}
    assert {r["dataset"].rsplit("/")[-1] for r in found} == {
        "dataset-aif-practices-" + ("2022-23" if rows is older else "2024-25")
    }


@pytest.mark.parametrize(
    "area, day, column",
    [
        ("U89141", "2022-09-30", "PCN_Code"),
        ("92A", "2022-09-30", "LOC22"),
        ("QVV", "2022-09-30", "ICS22"),
        ("QVV", "2024-06-30", "ICS22"),
    ],
)
def test_practices_of_a_pcn_sub_icb_location_or_icb(graph, project, older, newer, area, day, column):
    rows = older if day.startswith("2022") else newer
    expected = {r["Practice_Code"]: (r["Patients"] or None) for r in rows if r[column] == area}
    found = stored_rows(graph, project, "practices-of", area=area, day=day)
    assert {r["practiceCode"]: r["registeredPatients"] for r in found} == expected


@pytest.mark.parametrize("icb", ["QXU", "QUE", "QHL"])
def test_pcns_of_an_icb_count_their_practices_and_patients_there(graph, project, older, icb):
    expected = defaultdict(lambda: [0, 0])
    for row in older:
        if row["ICS22"] == icb and row["PCN_Code"] != "U":
            expected[row["PCN_Code"]][0] += 1
            expected[row["PCN_Code"]][1] += int(row["Patients"])
    found = stored_rows(graph, project, "pcns-of-icb", icb=icb)
    assert {r["pcnCode"]: [int(r["practices"]), int(r["registeredPatients"])] for r in found} == expected


def test_claims_vs_data_sets_the_first_wave_against_one_in_six(graph, project, older, read):
    # The first-wave areas as source 001 lists them: their CCGs of April 2019 (all of the STP's, or those the
    # ICS19 name names), mapped to the 2021 CCGs whose codes the sub-ICB locations kept.
    areas = {
        "E54000048": {"00R", "02M"},
        "E54000044": {"14Y", "15A"},
        "E54000041": None,
        "E54000034": None,
        "E54000007": None,
        "E54000024": None,
        "E54000014": None,
        "E54000009": None,
        "E54000035": None,
    }
    assert len(read(ICS_2019)) == 10
    to_2021 = {r["CCG_UNMAPPED"]: r["CCG21CDH"] for r in read(CCG_2021)}
    locations = {
        to_2021[r["CCG19CDH"]]
        for r in read(CCG_STP_2019)
        if r["STP19CD"] in areas and (areas[r["STP19CD"]] is None or r["CCG19CDH"] in areas[r["STP19CD"]])
    }
    patients = defaultdict(int)
    for row in older:
        patients[row["LOC22"]] += int(row["Patients"])
    england = sum(patients.values())
    in_areas = sum(patients[code] for code in locations)
    share = (Decimal(10000 * in_areas) / england).quantize(Decimal(1)) / 100

    rows = stored_rows(graph, project, "claims-vs-data")
    one_in_six = [r for r in rows if r["share"].endswith("share-one-in-six-of-england")]
    assert {r["location"].rsplit("-", 1)[-1]: int(r["locationPatients"]) for r in one_in_six} == {
        code: patients[code] for code in locations
    }
    assert {r["words"] for r in one_in_six} == {"Together, these systems serve around one in six people in England."}
    assert {r["source"].rsplit("/")[-1] for r in one_in_six} == {"source-001"}
    assert {(int(r["areasPatients"]), int(r["englandPatients"])) for r in one_in_six} == {(in_areas, england)}
    assert {
        (Decimal(r["claimedPercent"]), Decimal(r["dataPercent"]), Decimal(r["difference"])) for r in one_in_six
    } == {(Decimal("16.67"), share, share - Decimal("16.67"))}
    half = [r for r in rows if r["share"].endswith("share-half-of-england")]
    assert [(r["source"].rsplit("/")[-1], int(r["englandPatients"]), r["location"]) for r in half] == [
        ("source-002", england, None)
    ]


def test_stats_totals_the_populations_of_each_dataset(run_cli, older, newer):
    code, out, _ = run_cli("-q", "stats")
    assert code == 0
    table = out[out.index("Populations per dataset") :].splitlines()
    rows = [line.split() for line in table[3:] if line.strip()]
    assert len(rows) == 2 and "2022/23" in rows[0] and "2024/25" in rows[1]
    first, second = rows
    people = round(sum(Decimal(r["pop 2022/23"]) for r in older))
    assert first[-4:] == [
        str(len(older)),
        str(sum(int(r["Patients"]) for r in older)),
        str(people),
        str(round(sum(Decimal(r["Final WP"]) for r in older))),
    ]
    # 2024/25 gives no registered patients: the column is empty, not zero.
    assert second[-3:] == [
        str(len(newer)),
        str(round(sum(Decimal(r["pop 2022/23"]) for r in newer))),
        str(round(sum(Decimal(r["Final WP"]) for r in newer))),
    ]
