"""Every stored query in queries/: its header, its answer against the expected file, and three engines agreeing.

Adding a query means adding ``queries/<slug>.rq`` and its expected answer, read off the sources by a person, in
``tests/expected/<slug>.tsv`` (SELECT), ``.ttl`` (CONSTRUCT/DESCRIBE) or ``.txt`` (ASK); see queries/README.md.
Each expected file opens with ``#`` comment lines saying which words or data rows it follows. Answers are compared
by RDF value, in any order.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from caregraph.namespaces import CG, ONTOLOGY_IRI, PREFIXES, RDF, sparql_prologue
from caregraph.query import (
    LIBRARY_FIELDS,
    QueryResult,
    catalogue,
    comparable,
    library,
    run_embedded,
    run_remote,
    stored,
    to_term,
)

REPO = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).resolve().parent / "expected"
SLUGS = list(library(REPO / "queries"))
_EXTENSIONS = {"select": ".tsv", "graph": ".ttl", "ask": ".txt"}


def _query(slug):
    return stored(slug, REPO / "queries")


def read_expected(path: Path) -> QueryResult:
    """An expected answer file as a QueryResult (the cell syntax is SPARQL's, with caregraph's prefixes)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ttl":
        turtle = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + text
        return QueryResult("graph", triples=[q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)])
    # No cell can start with '#' (a cell is an IRI, prefixed name, literal or number), so such lines are comments.
    content = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if path.suffix == ".txt":
        assert content in (["true"], ["false"]), f"{path.name}: write true or false"
        return QueryResult("ask", boolean=content == ["true"])
    header, *lines = content
    variables = header.split("\t")
    assert all(v.startswith("?") for v in variables), f"{path.name}: the first line names the ?variables"
    rows = []
    for number, line in enumerate(lines, start=2):
        cells = line.split("\t")
        assert len(cells) == len(variables), f"{path.name}:{number}: {len(cells)} cells for {len(variables)} columns"
        rows.append("(" + " ".join(cell.strip() or "UNDEF" for cell in cells) + ")")
    values = f"SELECT * WHERE {{ VALUES ({' '.join(variables)}) {{ {' '.join(rows)} }} }}"
    return QueryResult.from_oxigraph(ox.Store().query(sparql_prologue() + values))


def _differences(actual: QueryResult, expected: QueryResult) -> str:
    if actual.kind != "select":
        return f"got {actual.table(width=200)}\nexpected {expected.table(width=200)}"
    if sorted(actual.variables) != sorted(expected.variables):
        return f"columns {actual.variables} != expected {expected.variables}"

    def rows(result):
        order = [result.variables.index(v) for v in sorted(result.variables)]
        return Counter(tuple(comparable(row[i]) for i in order) for row in result.rows)

    got, want = rows(actual), rows(expected)
    return (
        f"missing rows: {sorted((want - got).elements(), key=str)}\n"
        f"unexpected rows: {sorted((got - want).elements(), key=str)}"
    )


def _rdflib_result(rdflib_graph, text: str) -> QueryResult:
    result = rdflib_graph.query(text)
    if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
        data = result.graph.serialize(format="nt", encoding="utf-8")
        return QueryResult("graph", triples=[q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])
    return QueryResult.from_oxigraph(
        ox.parse_query_results(result.serialize(format="json"), format=ox.QueryResultsFormat.JSON)
    )


def test_every_stored_query_file_is_in_the_library_with_an_expected_answer():
    files = sorted(path.stem for path in (REPO / "queries").glob("*.rq"))
    assert sorted(SLUGS) == files
    assert sorted(path.stem for path in (REPO / "tests" / "expected").iterdir()) == files


def test_every_query_has_a_topic():
    untagged = [slug for slug in SLUGS if not _query(slug).tags]
    assert not untagged, f"give these a '#+ tags:' line, its first tag the catalogue topic: {untagged}"


def test_readme_catalogue_is_current():
    readme = (REPO / "queries" / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- catalogue:")) + len("-->\n")
    shown = readme[start : readme.index("<!-- end of catalogue -->")]
    assert shown == catalogue(REPO / "queries"), (
        "queries/README.md's catalogue is stale; regenerate it from the headers: "
        "python -c \"from caregraph.query import catalogue; print(catalogue(), end='')\""
    )


def test_every_expected_file_belongs_to_a_query():
    orphans = [p.name for p in EXPECTED.iterdir() if p.stem not in SLUGS]
    assert not orphans, f"expected files without a query: {orphans}"


def test_every_expected_file_says_what_it_follows():
    silent = [p.name for p in EXPECTED.iterdir() if not p.read_text(encoding="utf-8").startswith("#")]
    assert not silent, f"open these with '#' lines naming the words or data rows they follow: {silent}"


@pytest.mark.parametrize("slug", SLUGS)
def test_header_is_complete_and_sources_are_described(slug, graph):
    query = _query(slug)
    for key in LIBRARY_FIELDS:
        assert getattr(query, key), f"{slug}: no {key}"
    assert query.question.endswith("?"), f"{slug}: the question should be a question"
    for source in query.sources:
        iri = to_term("iri", source)
        if iri.value == ONTOLOGY_IRI:
            continue
        kinds = {q.object.value for q in graph.store.quads_for_pattern(iri, ox.NamedNode(RDF + "type"), None)}
        assert kinds & {CG + "SourceDocument", CG + "ReferenceDataset"}, (
            f"{slug}: source {source} is neither a cg:SourceDocument nor a cg:ReferenceDataset nor the ontology"
        )


@pytest.mark.parametrize("slug", SLUGS)
def test_answer_matches_expected_file(slug, graph):
    query = _query(slug)
    path = EXPECTED / f"{slug}{_EXTENSIONS[query.form]}"
    assert path.exists(), f"{slug} has no expected answer: write {path.relative_to(REPO)} by reading the sources"
    actual = run_embedded(graph, query.bind())
    assert len(actual) > 0, f"{slug} returns nothing"
    expected = read_expected(path)
    assert actual.same_values(expected), _differences(actual, expected)


@pytest.mark.server
@pytest.mark.parametrize("slug", SLUGS)
def test_embedded_and_endpoint_agree(slug, graph, oxigraph_endpoint):
    query = _query(slug)
    embedded = run_embedded(graph, query.bind())
    remote = run_remote(oxigraph_endpoint, query.bind(), query.form)
    assert embedded.same_values(remote), _differences(remote, embedded)
    if query.form == "select":
        assert embedded.variables == remote.variables


# rdflib joins a query's VALUES blocks and sub-queries only after evaluating the rest of its pattern for every
# value, so these questions about areas among practices take it minutes even on the sample graph; the Oxigraph
# server test above and tests/test_practices.py (against the CSV files) check them.
RDFLIB_EVALUATES_EVERY_AREA = {"claims-vs-data", "population-of", "practices-of"}

# Questions over every dated name, membership or footprint that take rdflib 15–45 s each on the sample graph (a
# third of the suite's time in rdflib): tests/test_bench.py compares every stored query with rdflib on the synthetic
# graph, and the Oxigraph server, Virtuoso and Jena answer them on the shipped graph (tests/test_stores.py).
RDFLIB_SLOW = {"changes-between", "landscape-on", "partnership-of-local-authority", "system-evolution"}


# On the sample graph (conftest): every record but the GP practices of all but two ICBs, which rdflib, a third
# opinion, reads and answers in a fraction of the time the nation's practices take it.
@pytest.mark.parametrize("slug", SLUGS)
def test_rdflib_agrees_on_the_file_as_written(slug, sample_graph, sample_rdflib_graph):
    if slug in RDFLIB_EVALUATES_EVERY_AREA:
        pytest.skip("rdflib evaluates the pattern for every area before joining (minutes)")
    if slug in RDFLIB_SLOW:
        pytest.skip("rdflib takes 15-45 s here: compared with rdflib on the synthetic graph (tests/test_bench.py)")
    query = _query(slug)
    # The file exactly as stored, no prefixes added: it must run as-is in another engine.
    theirs = _rdflib_result(sample_rdflib_graph, query.source)
    ours = run_embedded(sample_graph, query.bind())
    assert ours.same_values(theirs), _differences(theirs, ours)


# --- the national reference questions, for every value, against the CSV rows ----------------------------------
# These read the reference files with the csv module, independently of caregraph.reference, and ask the stored
# queries about every CCG, local authority, ICB, footprint code and vanguard type the files list.

REFERENCE = REPO / "data" / "reference"


def _csv(name: str) -> list[dict[str, str]]:
    import csv

    with open(REFERENCE / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _answers(graph, slug: str, params: dict[str, str]) -> list[dict[str, object]]:
    return run_embedded(graph, _query(slug).bind(params)).records()


# (file, CCG column, STP column, a day of the financial year the lookup describes)
CCG_LOOKUPS = [
    ("jtrim-ons__ons-lookups__066_CCG17_STP17_lookup_Apr2017_v3.csv", "CCG17CDH", "STP17CD", "2017-09-30"),
    ("jtrim-ons__ons-lookups__065_CCG18_STP18_lookup_Apr2018_v2.csv", "CCG18CDH", "STP18CD", "2018-09-30"),
    ("jtrim-ons__ons-lookups__028_CCG19_STP19_lookup_Apr2019.csv", "CCG19CDH", "STP19CD", "2019-09-30"),
    ("jtrim-ons__ons-lookups__031_CCG20_STP20_lookup_Apr2020.csv", "CCG20CDH", "STP20CD", "2020-09-30"),
    ("extracted__NHSDigital__mental-health-bulletin__ccg_mapping_2021.csv", "CCG21CDH", "STP21CD", "2021-09-30"),
]


@pytest.mark.parametrize("lookup, ccg_column, stp_column, day", CCG_LOOKUPS, ids=[c[3][:4] for c in CCG_LOOKUPS])
def test_partnership_of_every_ccg_follows_the_lookup_of_its_year(graph, lookup, ccg_column, stp_column, day):
    expected = {row[ccg_column]: row[stp_column] for row in _csv(lookup)}
    wrong = {}
    for ccg, stp in sorted(expected.items()):
        got = [r["footprintCode"] for r in _answers(graph, "partnership-of-ccg", {"ccg": ccg, "day": day})]
        if got != [stp]:
            wrong[ccg] = (got, stp)
    assert not wrong, f"CCG: (answered, lookup) {wrong}"


# (file, local authority column, STP column, a day of the financial year the lookup describes)
LAD_LOOKUPS = [
    ("derived__jtrim-ons__ons-lookups__143_LAD17_STP17_from_LSOA11_Apr2017.csv", "LAD17CD", "STP17CD", "2017-09-30"),
    ("derived__jtrim-ons__ons-lookups__LAD19_CCG19_STP19_from_LSOA11_Apr2019.csv", "LAD19CD", "STP19CD", "2019-09-30"),
    ("derived__jtrim-ons__ons-lookups__LAD20_CCG20_STP20_from_LSOA11_Apr2020.csv", "LAD20CD", "STP20CD", "2020-09-30"),
]


@pytest.mark.parametrize("lookup, lad_column, stp_column, day", LAD_LOOKUPS, ids=[c[3][:4] for c in LAD_LOOKUPS])
def test_footprints_of_every_local_authority_follow_the_lsoa_counts(graph, lookup, lad_column, stp_column, day):
    from collections import defaultdict
    from decimal import ROUND_HALF_EVEN, Decimal

    counts, totals, given = defaultdict(int), {}, {}
    for row in _csv(lookup):  # the 2019 and 2020 files count per CCG as well: add the CCGs of one STP up
        counts[row[lad_column], row[stp_column]] += int(row["LSOA11_count"])
        totals[row[lad_column]] = int(row["LAD_LSOA11_total"])
        if "share_of_LAD_LSOAs" in row:
            given[row[lad_column], row[stp_column]] = Decimal(row["share_of_LAD_LSOAs"])
    expected = defaultdict(set)
    for (lad, stp), count in counts.items():
        # The 2017 file gives the share to four places, a tie to the even digit (Craven: 29/32 = 0.9062); the
        # later files give counts only, so their shares are rounded the same way.
        share = given.get((lad, stp)) or (Decimal(count) / totals[lad]).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
        expected[lad].add((stp, count, share))
    wrong = {}
    for lad, footprints in sorted(expected.items()):
        got = {
            (r["footprintCode"], r["lsoas"], r["share"])
            for r in _answers(graph, "partnership-of-local-authority", {"area": lad, "day": day})
        }
        if got != footprints:
            wrong[lad] = (sorted(got), sorted(footprints))
    assert not wrong, f"local authority: (answered, lookup) {wrong}"


@pytest.mark.parametrize(
    "lookup, ccg_column, ods_column, period",
    [
        ("jtrim-ons__ons-lookups__031_CCG20_STP20_lookup_Apr2020.csv", "CCG20CDH", "STP20CDH", "cgd:fy-2020-21"),
        (
            "extracted__NHSDigital__mental-health-bulletin__ccg_mapping_2021.csv",
            "CCG21CDH",
            "STP21CDH",
            "cgd:fy-2021-22",
        ),
    ],
    ids=["2020", "2021"],
)
def test_members_of_every_icb_follow_the_lookups_that_give_ods_codes(graph, lookup, ccg_column, ods_column, period):
    from collections import defaultdict

    expected = defaultdict(set)
    for row in _csv(lookup):
        expected[row[ods_column]].add(row[ccg_column])
    icb_file = "extracted__rcpch__rcpch-nhs-organisations__integrated_care_boards.csv"
    icbs = {row["ICB_ODS_CODE"] for row in _csv(icb_file)}
    assert set(expected) == icbs  # every ICB kept the ODS code of its STP
    wrong = {}
    for icb, ccgs in sorted(expected.items()):
        got = {r["memberOds"] for r in _answers(graph, "icb-members", {"icb": icb, "period": period})}
        if got != ccgs:
            wrong[icb] = (sorted(got), sorted(ccgs))
    assert not wrong, f"ICB: (answered, lookup) {wrong}"


def test_every_stp20_and_icb_code_finds_its_organisation(graph):
    stp20 = _csv("jtrim-ons__ons-lookups__268_STP20_names_codes_Apr2020.csv")
    expected = {row["STP20CD"]: row["STP20CDH"] for row in stp20}
    for row in _csv("extracted__rcpch__rcpch-nhs-organisations__integrated_care_boards.csv"):
        expected[row["ICB22CD_GSS"]] = expected[row["ICB23CD_GSS"]] = row["ICB_ODS_CODE"]
    wrong = {}
    for code, ods in sorted(expected.items()):
        got = {r["odsCode"] for r in _answers(graph, "footprint-by-code", {"code": code})}
        if got != {ods}:
            wrong[code] = (sorted(got), ods)
    assert not wrong, f"code: (answered, files) {wrong}"


def test_vanguards_of_every_type_are_the_rows_of_the_vanguard_file(graph):
    from collections import defaultdict

    types = {
        "ACC": "cg:AcuteCareCollaboration",
        "EHCH": "cg:EnhancedHealthInCareHomes",
        "MCP": "cg:MultispecialtyCommunityProvider",
        "PACS": "cg:IntegratedPrimaryAndAcuteCareSystem",
        "UEC": "cg:UrgentAndEmergencyCare",
    }
    expected = defaultdict(set)
    for row in _csv("compiled__england-nhs-uk-pages__new_care_models_vanguards_50.csv"):
        expected[types[row["vanguard_type_code"]]].add((row["vanguard_name"], int(row["wave"])))
    for concept, vanguards in expected.items():
        got = {(r["name"], r["wave"]) for r in _answers(graph, "vanguards-of-type", {"type": concept})}
        assert got == vanguards, concept


# Values other than the defaults, one or two per kind of question: the three engines must agree on these too.
OTHER_VALUES = [
    ("who-says-so", {"entity": "cgd:funding-acs-first-wave"}),
    ("compare-forms", {"first": "cg:IntegratedCarePartnership", "second": "cg:IntegratedCareSystem"}),
    ("system-evolution", {"system": "cgd:system-dorset"}),
    ("first-wave-by-source", {"wave": "cgd:wave-vanguards-2"}),
    ("wave-sizes-by-source", {"wave": "cgd:wave-ics-1"}),
    ("places-covered", {"system": "cgd:system-nottinghamshire"}),
    ("name-variants", {"entity": "cgd:system-berkshire-west"}),
    ("footprint-code-history", {"code": "E54000035"}),
    ("icb-members", {"icb": "QVV", "period": "cgd:fy-2021-22"}),
    ("organisation-roles", {"ods": "QHM"}),
]


@pytest.mark.server
@pytest.mark.parametrize("slug, params", OTHER_VALUES, ids=[f"{s}-{'-'.join(p.values())}" for s, p in OTHER_VALUES])
def test_engines_agree_on_other_parameter_values(
    slug, params, graph, oxigraph_endpoint, sample_graph, sample_rdflib_graph
):
    text = _query(slug).bind(params)
    embedded = run_embedded(graph, text)
    assert len(embedded) > 0
    remote = run_remote(oxigraph_endpoint, text, _query(slug).form)
    assert embedded.same_values(remote), _differences(remote, embedded)
    # rdflib on the sample graph (see above), beside the embedded engine on the same graph.
    sampled = run_embedded(sample_graph, text)
    assert len(sampled) > 0
    theirs = _rdflib_result(sample_rdflib_graph, text)
    assert sampled.same_values(theirs), _differences(theirs, sampled)
