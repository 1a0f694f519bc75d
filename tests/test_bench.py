"""The benchmark's smoke version (bench/): the 10k synthetic graph, checked for correctness, never for time.

bench/run.py compares caregraph with rdflib, pyshacl and the oxigraph CLI at 10k, 100k and 1M triples; here the
same comparisons run once on the 10k graph, through the benchmark's own code, so that they keep working: the
generator makes a graph of about the size asked, whose valid part conforms and whose injected defects are each
reported; every stored query gives the same rows through caregraph and through rdflib; whole-graph validation
finds what plain pyshacl finds; the Turtle export is byte-identical every time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench import run as bench_run, synthetic, workers

SIZE = 10_000


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return synthetic.generate(SIZE, tmp_path_factory.mktemp("bench") / "synthetic-10k")


@pytest.fixture(scope="module")
def synthetic_project(dataset):
    from caregraph.project import Project

    return Project.locate(dataset.root)


@pytest.fixture(scope="module")
def synthetic_graph(synthetic_project):
    from caregraph.graph import CareGraph

    return CareGraph.from_files(synthetic_project.graph_files(), project=synthetic_project)


@pytest.fixture(scope="module")
def rdflib_graph(dataset, synthetic_project, synthetic_graph):
    """The same files parsed by plain rdflib, with the calendar descriptions caregraph's build adds."""
    import pyoxigraph as ox

    from caregraph.graph import calendar_triples

    calendar = dataset.root / "calendar.nt"
    calendar.write_bytes(ox.serialize(calendar_triples(synthetic_graph.store), format=ox.RdfFormat.N_TRIPLES))
    return workers._rdflib_graph([str(f) for f in synthetic_project.graph_files()] + [str(calendar)])


def test_the_generator_makes_about_the_size_asked(synthetic_graph, dataset):
    # A nation has at least the first-wave areas: asked for fewer triples than those hold, it gives its smallest.
    expected = max(SIZE, synthetic.size_of(synthetic.FIRST_WAVE))
    assert abs(len(synthetic_graph) - expected) < 0.15 * expected, len(synthetic_graph)
    assert dataset.areas == synthetic.areas_for(SIZE) >= synthetic.FIRST_WAVE


def test_the_generator_is_deterministic(dataset, tmp_path):
    again = synthetic.generate(SIZE, tmp_path / "again")

    def digest(root: Path) -> str:
        files = sorted((root / "data").rglob("*.ttl")) + [root / "record.ttl"]
        return hashlib.sha256(
            b"".join(f.relative_to(root).as_posix().encode() + f.read_bytes() for f in files)
        ).hexdigest()

    assert digest(again.root) == digest(dataset.root)


def test_the_valid_data_conforms_and_every_injected_defect_is_reported(synthetic_graph, dataset):
    """Validation reports exactly the injected records (and the blank node one of them points at)."""
    from caregraph.validate import validate_graph

    report = validate_graph(synthetic_graph)
    reported = {str(r.terms["focus"]) for r in report.results}
    injected = {iri for iris in dataset.injected.values() for iri in iris}
    assert injected <= reported, f"defects nobody reported: {sorted(injected - reported)}"
    unexpected = {f for f in reported - injected if "://" in f}  # not the blank node itself: it has no IRI
    assert not unexpected, f"the valid data does not conform: {sorted(unexpected)[:10]}"
    assert len(dataset.injected) >= 30 and all(len(v) == synthetic.COPIES for v in dataset.injected.values())


def test_a_new_record_conforms_in_the_context_of_the_graph(synthetic_graph, dataset):
    from caregraph.validate import validate_records

    # The generator writes the words each quotation quotes (sources/ and data/reference/*.csv): they are checked.
    report = validate_records([dataset.record], synthetic_graph, sources=[dataset.root / "sources"])
    assert report.results == [], report.summary()
    (dataset.root / "sources" / "100_synthetic.txt").write_text("other words\n")
    report = validate_records([dataset.record], synthetic_graph, sources=[dataset.root / "sources"])
    assert [r.shape for r in report.results] == ["cgsh:QuotedWordsShape"], report.summary()


def test_every_stored_query_gives_the_same_rows_in_caregraph_and_in_rdflib(
    synthetic_project, synthetic_graph, rdflib_graph
):
    from caregraph.query import library, run, stored

    empty, compared = [], 0
    for slug in library(synthetic_project.queries_dir):
        query = stored(slug, synthetic_project.queries_dir)
        result = run(query, graph=synthetic_graph)
        ours = {"kind": result.kind, "data": result.serialize("nt" if result.kind == "graph" else "json").decode()}
        answer = workers._rdflib_answer(rdflib_graph, query.bind(), query.form)
        theirs = {"data": workers._rdflib_data(answer, query.form)}
        assert bench_run.same_answer(ours, theirs), f"{slug}: caregraph and rdflib differ"
        compared += 1
        if len(result) == 0:
            empty.append(slug)
    assert compared >= 8
    # The synthetic data is shaped for the stored queries: nearly all of them find something in it.
    assert len(empty) <= 0.2 * compared, f"queries that find nothing in the synthetic data: {empty}"


@pytest.mark.slow
def test_whole_graph_validation_finds_what_plain_pyshacl_finds(synthetic_graph, synthetic_project, rdflib_graph):
    """caregraph's report and plain pyshacl.validate on the same data give the same SHACL results (pyshacl takes
    about half a minute here: it evaluates the SPARQL rules once per focus node)."""
    import pyshacl
    import rdflib

    from caregraph.validate import validate_graph

    ours = workers._caregraph_findings(validate_graph(synthetic_graph))
    shapes = rdflib.Graph()
    for file in synthetic_project.shape_files():
        shapes.parse(file, format="turtle")
    report = pyshacl.validate(
        rdflib_graph, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )[1]
    theirs = workers._pyshacl_findings(report, shapes)
    assert len(ours["results"]) > 60
    assert json.dumps(ours["results"]) == json.dumps(theirs["results"])


def test_the_turtle_export_is_byte_identical_every_time(synthetic_graph, synthetic_project):
    import pyoxigraph as ox

    from caregraph.export import serialize
    from caregraph.graph import CareGraph

    first = serialize(synthetic_graph, "turtle")
    assert serialize(synthetic_graph, "turtle") == first
    rebuilt = CareGraph.from_files(synthetic_project.graph_files(), project=synthetic_project)
    assert serialize(rebuilt, "turtle") == first
    assert len(ox.Dataset(ox.parse(first, format=ox.RdfFormat.TURTLE))) == len(synthetic_graph)


def test_the_exports_are_oxigraphs_serialiser_on_the_triples_in_canonical_order(synthetic_graph):
    """At this size Oxigraph writes some subjects' triples in two places, which the export puts together."""
    import pyoxigraph as ox

    from caregraph.export import canonical_triples, named_graph_quads, serialize
    from caregraph.namespaces import PREFIXES

    triples = canonical_triples(synthetic_graph.triples())
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert serialize(synthetic_graph, "turtle") == turtle
    trig = ox.serialize(named_graph_quads(synthetic_graph, triples), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    assert serialize(synthetic_graph, "trig") == trig


def test_the_report_puts_each_goal_beside_its_ratio():
    """The table's logic on made-up measurements: ratios, lower bounds for capped baselines, verdicts."""
    ours = {"runs": [0.01], "warmup": 0.02, "cap": None}
    theirs = {"runs": [0.5], "warmup": None, "cap": None}
    capped = {"runs": [], "warmup": None, "cap": 60.0}
    assert bench_run.speedup(ours, theirs) == (pytest.approx(50.0), False)
    assert bench_run.speedup(ours, capped) == (pytest.approx(6000.0), True)
    assert bench_run.ratio_text(6000.0, True) == "≥ 6000×"
    assert bench_run.verdict(25.0, 20.0, True) == "met" and bench_run.verdict(2.5, 2.0, False) == "MISSED"
    assert bench_run.timing_text(capped) == "> 60 s (cap)"
    assert bench_run.parse_size("1M") == 1_000_000 and bench_run.size_name(100_000) == "100k"


def test_the_results_are_saved_in_a_folder_that_does_not_exist_yet(tmp_path):
    """With --work elsewhere, bench/results/ may not exist when a run on a fresh clone ends: it is made."""
    results = {"started": "2026-11-29T06:10:00", "graphs": {"10k": {"size": 10_000}}}
    folder = bench_run.save(results, "the table", tmp_path / "fresh" / "results")
    assert sorted(p.name for p in folder.iterdir()) == ["latest.json", "latest.txt", "run-20261129T061000.json"]
    assert json.loads((folder / "latest.json").read_text()) == results
    assert (folder / "latest.txt").read_text() == "the table\n"
