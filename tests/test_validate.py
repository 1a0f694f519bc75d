"""caregraph.validate and the `validate` and `add` commands: reports, exit codes, atomic adds, speed by design.

The project under test is a temporary copy: the ontology and shapes of this checkout with
tests/fixtures/context.ttl as its only data, so that `add` can write into its data/ and the results do not
depend on what the shipped data holds.
"""

from __future__ import annotations

import decimal
import hashlib
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings, strategies as st

from caregraph.namespaces import SH

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CONTEXT = REPO / "tests" / "fixtures" / "context.ttl"
VALID_ICS = EXAMPLES / "valid" / "later-wave-ics.ttl"
VALID_CONTRACT = EXAMPLES / "valid" / "new-contract.ttl"
MEMBER_IS_A_PLACE = EXAMPLES / "invalid" / "member-is-a-place.ttl"
SOURCES = REPO.parent / "shared" / "sources"
# The record gate's rules, which only records (not the whole graph) are held to by validate.
GATE_RULES = {"cgsh:AttestedTriplesShape", "cgsh:QuotedWordsShape", "cgsh:CheckedRecordsShape"}


@pytest.fixture
def tmp_project(scratch_project):
    """A project to add records to (see conftest)."""
    return scratch_project


@pytest.fixture
def cli(tmp_project, capsys):
    """Run caregraph in-process on the temporary project; returns (exit code, stdout, stderr)."""
    from caregraph.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--root", str(tmp_project), "--quiet", *argv, "--sources", str(SOURCES)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _comparable(result) -> tuple:
    blank = re.compile(r"_:\w+")
    return (
        blank.sub("_:b", result.focus),
        result.path,
        blank.sub("_:b", result.value),
        result.shape,
        result.component,
        result.severity,
        result.message,
    )


def _by_value(result) -> tuple:
    value = result.terms["value"]
    if isinstance(value, rdflib.Literal):
        python = value.toPython()
        text = str(python.normalize()) if isinstance(python, decimal.Decimal) else str(python)
        return _comparable(result)[:2] + (text,) + _comparable(result)[3:]
    return _comparable(result)


# --- the Python API ------------------------------------------------------------------------------------------


def test_records_are_checked_in_context_and_only_they_are_reported(project, tmp_path):
    """An existing broken record in the graph is not reported when a new, valid record is checked."""
    from caregraph.graph import CareGraph
    from caregraph.validate import validate_graph, validate_records

    graph = CareGraph.from_files([*project.ontology_files(), CONTEXT, MEMBER_IS_A_PLACE], project=project)
    assert not validate_graph(graph).conforms
    report = validate_records([VALID_ICS], graph)
    assert report.conforms and report.results == []
    assert report.records == 11  # the system, its five claims and five quotations


def test_references_to_the_graph_resolve_only_in_context(project, context_graph):
    from caregraph.graph import CareGraph
    from caregraph.validate import validate_records

    bare = CareGraph.from_files(project.ontology_files(), project=project)
    alone = validate_records([VALID_ICS], bare)
    assert not alone.conforms
    assert {r.path for r in alone.results if r.severity == "violation"} >= {
        "cg:hasFootprint",
        "cg:inRegion",
        "prov:wasQuotedFrom",
    }
    (footprint,) = [r for r in alone.results if r.path == "cg:hasFootprint"]
    assert footprint.hint.startswith("cgd:footprint-E54000054 is not in the graph yet. Footprints are")
    assert validate_records([VALID_ICS], context_graph).conforms


def test_several_files_are_checked_together(context_graph):
    from caregraph.validate import validate_records

    report = validate_records([VALID_ICS, VALID_CONTRACT, MEMBER_IS_A_PLACE], context_graph)
    assert {r.file for r in report.results} == {"examples/invalid/member-is-a-place.ttl"}
    assert len(report.files) == 3


def test_record_context_reads_only_what_the_shapes_need_and_does_not_grow_with_the_graph(project):
    """The design behind flat record-validation time: the same record needs the same context at 10k and 100k."""
    from caregraph.graph import CareGraph, parse_turtle
    from caregraph.validate import record_context

    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    base = [t for path in [*project.ontology_files(), CONTEXT] for t in parse_turtle(path)]
    record = parse_turtle(VALID_ICS)
    contexts = []
    for size in (10_000, 100_000):
        graph = CareGraph.from_triples(base + synthetic.synthetic_triples(size), project=project)
        contexts.append({(t.subject, t.predicate, t.object) for t in record_context(graph.store, record)})
    assert contexts[0] == contexts[1]
    assert len(contexts[0]) < 500


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_record_validation_agrees_with_whole_graph_validation(path, project, context_graph):
    """Validating a record in its extracted context finds exactly what validating the whole graph finds for it."""
    from caregraph.graph import CareGraph, parse_turtle
    from caregraph.validate import validate_graph, validate_records

    in_context = validate_records([path], context_graph)
    whole = validate_graph(CareGraph.from_files([*project.ontology_files(), CONTEXT, path], project=project))
    nodes = {t.subject.value for t in parse_turtle(path) if isinstance(t.subject, ox.NamedNode)}
    about_record = [
        r
        for r in whole.results
        if isinstance(r.terms["focus"], rdflib.URIRef)
        and str(r.terms["focus"]) in nodes
        or isinstance(r.terms["focus"], rdflib.BNode)
    ]
    shapes_results = [r for r in in_context.results if r.shape not in GATE_RULES]
    # The whole graph holds literals as the store canonicalises them (-450000000), a record as written
    # (-450000000.0): the same value.
    assert sorted(map(_by_value, shapes_results)) == sorted(map(_by_value, about_record))


def test_the_fast_engine_finds_what_pyshacl_finds(project):
    """SPARQL rules run once per graph in the embedded store give pyshacl's own results, on every example."""
    from caregraph.graph import CareGraph, parse_turtle
    from caregraph.validate import validate_graph

    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    triples = [
        t
        for path in [*project.ontology_files(), CONTEXT, *sorted(EXAMPLES.glob("*/*.ttl"))]
        for t in parse_turtle(path)
    ]
    graph = CareGraph.from_triples(triples + synthetic.synthetic_triples(600), project=project)
    reference = validate_graph(graph, engine="pyshacl")
    fast = validate_graph(graph, engine="fast")
    assert len(reference.results) > 30
    assert sorted(map(_comparable, fast.results)) == sorted(map(_comparable, reference.results))


def test_every_sparql_rule_binds_this_first(project):
    """The condition under which the fast engine equals pyshacl: $this is bound by the first triple pattern."""
    from caregraph.validate.shapes import _split_shapes, project_shapes

    _, rules = _split_shapes(project_shapes(project))
    triples = [t for path in project.shape_files() for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    off = {t.subject for t in triples if t.predicate.value == SH + "deactivated" and t.object.value == "true"}
    written = [t for t in triples if t.predicate.value == SH + "sparql" and not {t.subject, t.object} & off]
    assert len(rules) == len(written) > 0
    for rule in rules:
        assert re.search(r"SELECT (DISTINCT )?\$this\b[^{]*WHERE \{\s*\$this \S+ \?", rule.query), rule.constraint


def test_unknown_engine_and_format_are_bad_input(context_graph):
    from caregraph.errors import InputError
    from caregraph.validate import render, validate_records

    with pytest.raises(InputError, match="unknown engine"):
        validate_records([VALID_ICS], context_graph, engine="quick")
    with pytest.raises(InputError, match="unknown format"):
        render(validate_records([VALID_ICS], context_graph), "yaml")


def test_a_malformed_calendar_term_names_the_file(context_graph, tmp_path):
    from caregraph.errors import InputError
    from caregraph.validate import validate_records

    record = tmp_path / "bad-date.ttl"
    record.write_text(
        VALID_ICS.read_text()
        .replace("cg:inRegion cgd:org-Y63 .", "cg:inRegion cgd:org-Y63 ;\n    time:hasTime cgd:month-2017-13 .")
        .replace("@prefix rdfs:", "@prefix time:    <http://www.w3.org/2006/time#> .\n@prefix rdfs:")
    )
    with pytest.raises(InputError, match=r"bad-date\.ttl: .*month-2017-13 is not a real date"):
        validate_records([record], context_graph)


# --- the command line: exit codes and messages -----------------------------------------------------------------


def test_cli_valid_record_exits_0(cli):
    code, out, err = cli("validate", str(VALID_ICS))
    assert code == 0, out + err
    assert out.strip().endswith("11 records checked from 1 file; conforms")


def test_cli_invalid_record_exits_1_with_a_report_grouped_by_record(cli):
    code, out, _ = cli("validate", str(MEMBER_IS_A_PLACE))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == str(MEMBER_IS_A_PLACE)  # outside the project, so shown as given
    line = next(
        number
        for number, text in enumerate(MEMBER_IS_A_PLACE.read_text().splitlines(), start=1)
        if text.startswith("cgd:membership-000-frimley-slough-example")
    )
    assert lines[1] == f"  cgd:membership-000-frimley-slough-example  a cg:Membership  ({MEMBER_IS_A_PLACE}:{line})"
    assert lines[2] == "    violation org:member = cgd:place-E06000039"
    assert lines[3].strip().startswith("The member is a place, not an organisation:")
    assert lines[4].strip().startswith("hint: A place the partnership covers goes in cg:coversPlace")
    assert lines[-1] == ("2 records checked from 1 file; does not conform: 1 record with violations (1 violation)")


def test_cli_json_is_for_scripts(cli):
    code, out, _ = cli("validate", str(MEMBER_IS_A_PLACE), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["conforms"] is False
    assert document["summary"]["violations"] == 1
    (result,) = document["results"]
    assert result["focus"] == "cgd:membership-000-frimley-slough-example"
    assert result["path"] == "org:member" and result["value"] == "cgd:place-E06000039"
    assert result["shape"] == "cgsh:MemberShape-organisationNotPlace"
    assert result["severity"] == "violation" and result["hint"]


def test_cli_turtle_is_the_standard_shacl_report(cli):
    code, out, _ = cli("validate", str(EXAMPLES / "invalid" / "amount-without-currency.ttl"), "--format", "turtle")
    assert code == 1
    report = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    (root,) = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert report.value(root, sh.conforms) == rdflib.Literal(False)
    (result,) = [
        r
        for r in report.objects(root, sh.result)
        if report.value(r, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent
    ]
    assert report.value(result, sh.focusNode) == rdflib.URIRef(
        "https://w3id.org/caregraph/id/funding-example-no-currency"
    )
    assert report.value(result, sh.resultPath) == rdflib.URIRef("https://w3id.org/caregraph/def#currency")
    assert report.value(result, sh.resultSeverity) == sh.Violation
    assert report.value(result, sh.sourceShape) == rdflib.URIRef(
        "https://w3id.org/caregraph/shapes#AmountShape-currency"
    )
    assert report.value(result, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent
    assert str(report.value(result, sh.resultMessage)).startswith("An amount needs exactly one currency")


def test_cli_undeclared_term_says_did_you_mean(cli):
    code, out, _ = cli("validate", str(EXAMPLES / "invalid" / "undeclared-term.ttl"))
    assert code == 1
    assert "cg:coverPlace is not a property the caregraph ontology declares; did you mean cg:coversPlace?" in out


def test_cli_broken_turtle_exits_2_with_file_and_line(cli, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix cg: <https://w3id.org/caregraph/def#> .\n\ncg:x cg:y cg:z\ncg:a cg:b cg:c .\n")
    code, out, err = cli("validate", str(broken))
    assert code == 2
    assert re.search(r"broken\.ttl:4:\d+: ", err), err
    assert "Traceback" not in err and out == ""


def test_cli_missing_file_exits_2(cli, tmp_path):
    code, _, err = cli("validate", str(tmp_path / "nowhere.ttl"))
    assert code == 2 and "nowhere.ttl: no such file" in err


def test_cli_whole_graph_validation(cli):
    code, out, _ = cli("validate")
    assert code == 0, out
    assert out.strip().endswith("conforms")


def test_cli_whole_graph_reports_a_broken_record(cli, tmp_project):
    shutil.copy(MEMBER_IS_A_PLACE, tmp_project / "data" / "member.ttl")
    code, out, _ = cli("validate", "--format", "json")
    assert code == 1
    assert [r["shape"] for r in json.loads(out)["results"]] == ["cgsh:MemberShape-organisationNotPlace"]


def test_cli_other_shapes(cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""
        @prefix cg: <https://w3id.org/caregraph/def#> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/AltLabelShape> a sh:NodeShape ; sh:targetClass cg:IntegratedCareSystem ;
            sh:property [ sh:path skos:altLabel ; sh:minCount 1 ; sh:message "Give the system another name." ] .
        """)
    code, out, _ = cli("validate", str(VALID_ICS), "--shapes", str(shapes))
    assert code == 1 and "Give the system another name." in out
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:path .\n")
    code, _, err = cli("validate", str(VALID_ICS), "--shapes", str(shapes))
    assert code == 2 and re.search(r"shapes\.ttl:2:", err)


def test_cli_help_teaches_by_example(cli, capsys):
    from caregraph.cli import main

    for command in ("validate", "add"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert f"caregraph {command} " in out and "examples:" in out


# --- add -----------------------------------------------------------------------------------------------------


def test_add_writes_a_conforming_record_into_data(cli, tmp_project):
    code, out, _ = cli("add", str(VALID_ICS))
    assert code == 0, out
    target = tmp_project / "data" / "areas" / "later-wave-ics.ttl"
    assert target.read_bytes() == VALID_ICS.read_bytes()
    assert out.strip() == f"added {target}"
    code, out, _ = cli("add", str(VALID_CONTRACT))
    assert code == 0 and (tmp_project / "data" / "contracts" / "new-contract.ttl").exists()
    # The graph now holds the record, and a whole-graph validation still conforms.
    assert cli("validate")[0] == 0


def test_a_failing_add_changes_nothing(cli, tmp_project):
    before = _tree(tmp_project)
    code, out, err = cli("add", str(MEMBER_IS_A_PLACE))
    assert code == 1
    assert "nothing was added" in err and "The member is a place" in out
    assert _tree(tmp_project) == before


def test_add_never_overwrites_an_existing_record(cli, tmp_project, tmp_path):
    assert cli("add", str(VALID_ICS))[0] == 0
    before = _tree(tmp_project)
    code, _, err = cli("add", str(VALID_ICS))
    assert code == 2 and "data/areas/later-wave-ics.ttl already exists; caregraph does not overwrite" in err
    # Another conforming record under the same name does not replace it either.
    other = tmp_path / "later-wave-ics.ttl"
    shutil.copy(VALID_CONTRACT, other)
    code, _, err = cli("add", str(other), "--folder", "areas")
    assert code == 2 and "already exists" in err
    assert _tree(tmp_project) == before


def test_add_refuses_what_it_cannot_place_and_paths_outside_data(cli, tmp_project, tmp_path):
    before = _tree(tmp_project)
    code, _, err = cli("add", str(EXAMPLES / "valid" / "further-acs-wave.ttl"))
    assert code == 2 and "--folder" in err
    code, _, err = cli("add", str(VALID_ICS), "--folder", "../outside")
    assert code == 2 and "inside data/" in err
    assert _tree(tmp_project) == before
    assert cli("add", str(EXAMPLES / "valid" / "further-acs-wave.ttl"), "--folder", "programmes")[0] == 0
    assert (tmp_project / "data" / "programmes" / "further-acs-wave.ttl").exists()


# --- malformed records never crash the validator ---------------------------------------------------------------

_SUBJECTS = ["cgd:system-x", "cgd:org-05C", "cgd:claim-x", "cgd:quote-x", "_:b1", "[]", "<relative>", "cgd:"]
_PREDICATES = [
    "a",
    "rdfs:label",
    "cg:coversPlace",
    "cg:coverPlace",
    "cg:amount",
    "cg:currency",
    "cg:gssCode",
    "org:member",
    "time:hasTime",
    "prov:wasDerivedFrom",
    "prov:value",
    "prov:wasQuotedFrom",
    "rdf:subject",
    "cg:evolvedFrom",
    "cg:status",
    "cg:shareOfPlace",
    "cg:waveNumber",
    "skos:altLabel",
    "cg:previousName",
    "cg:renamed",
    "org:memberDuring",
    "cg:onsGeography",
    "cg:nothing",
]
_OBJECTS = [
    "cg:IntegratedCareSystem",
    "cg:Claim",
    "cg:Quotation",
    "cg:Membership",
    "cg:Renaming",
    "cg:Footprint",
    "cg:Nope",
    "cgd:place-E06000039",
    "cgd:source-004",
    "cgd:month-2017-06",
    "cgd:month-2017-13",
    "cgd:period-2020-01-01-to-2019-01-01",
    "cgd:fy-2017-19",
    "cgd:day-2017-02-30",
    "cgd:from-2022-07-01",
    "cg:ShadowStatus",
    "cg:DraftStatus",
    '"E54000041"',
    '"x"@en',
    '""',
    "-1.5",
    "42",
    "true",
    '"abc"^^xsd:decimal',
    '"2017-06"^^xsd:gYearMonth',
    '"7"^^xsd:positiveInteger',
    '"\\u0000"',
    "_:b1",
    "[ a cg:Place ]",
    "( cgd:a cgd:b )",
    "<http://statistics.data.gov.uk/id/statistical-geography/E1>",
]
_PROLOGUE = "".join(
    f"@prefix {p}: <{n}> .\n"
    for p, n in {
        "cg": "https://w3id.org/caregraph/def#",
        "cgd": "https://w3id.org/caregraph/id/",
        "org": "http://www.w3.org/ns/org#",
        "prov": "http://www.w3.org/ns/prov#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "time": "http://www.w3.org/2006/time#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }.items()
)

_statements = st.lists(
    st.tuples(st.sampled_from(_SUBJECTS), st.sampled_from(_PREDICATES), st.sampled_from(_OBJECTS)),
    min_size=1,
    max_size=8,
)
_damage = st.one_of(st.just(""), st.text(max_size=12), st.sampled_from([" .", " ;", '"', "<", "@prefix", "}"]))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statements=_statements, damage=_damage, fmt=st.sampled_from(["text", "json", "turtle"]))
def test_malformed_records_never_crash_the_validator(statements, damage, fmt, cli, tmp_path):
    text = _PROLOGUE + "\n".join(f"{s} {p} {o} ." for s, p, o in statements) + damage + "\n"
    record = tmp_path / "record.ttl"
    record.write_text(text, encoding="utf-8")
    code, _, err = cli("validate", str(record), "--format", fmt)
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert err.startswith("caregraph: error: ")


# --- the shipped graph ---------------------------------------------------------------------------------------


def test_the_shipped_graph_validates_with_no_result_at_all(graph):
    """Source 000 gives its designations no date and source 004 names no parties to the ACO contract: the data
    says so (cg:dateAsGiven, cg:partiesAsGiven), so not even a warning is left that nobody could act on."""
    from caregraph.validate import render_turtle, validate_graph

    report = validate_graph(graph)
    assert report.results == [], [(r.focus, r.path, r.message) for r in report.results]
    turtle = rdflib.Graph().parse(data=render_turtle(report), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    (root,) = turtle.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert turtle.value(root, sh.conforms) == rdflib.Literal(True)
    assert list(turtle.objects(root, sh.result)) == []


# --- literals as written: the same verdicts as plain pyshacl ---------------------------------------------------


def _plain_pyshacl(data, shapes, **options) -> set[tuple]:
    import pyshacl

    from caregraph.namespaces import curie

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True, **options
    )
    out = set()
    for result in report.objects(None, sh.result):
        path = report.value(result, sh.resultPath)
        out.add(
            (
                report.value(result, sh.focusNode),
                curie(str(path)) if isinstance(path, rdflib.URIRef) else "",
                curie(str(report.value(result, sh.sourceConstraintComponent))),
            )
        )
    return out


def _caregraph_results(report, nodes) -> set[tuple]:
    return {
        (r.terms["focus"], r.path if ("/" not in r.path and not r.path.startswith("^")) else "", r.component)
        for r in report.results
        if r.component and r.terms["focus"] in nodes
    }


def _as_the_build_adds_it(path: Path, base) -> list[tuple]:
    """The triples ``path`` adds to ``base`` as the build would: as written, with its calendar terms described."""
    from caregraph import periods
    from caregraph.graph import _to_term
    from caregraph.rdflib_terms import to_rdflib_term

    record = rdflib.Graph().parse(path, format="turtle")
    triples = list(record)
    for value in set(record.objects()):
        if isinstance(value, rdflib.URIRef) and periods.is_calendar_iri(str(value)):
            triples += [
                (rdflib.URIRef(s), rdflib.URIRef(p), to_rdflib_term(_to_term(o)))
                for s, p, o in periods.describe(str(value))
            ]
    return [t for t in triples if t not in base]


@pytest.fixture(scope="module")
def context_as_written(project):
    graph = rdflib.Graph()
    for path in [*project.ontology_files(), CONTEXT]:
        graph.parse(path, format="turtle")
    return graph


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_gets_the_verdicts_of_plain_pyshacl(path, context_graph, context_as_written, project):
    """Plain pyshacl.validate on the example merged with its context, nothing left out: the same focus nodes,
    paths and constraint components as caregraph's record validation."""
    from caregraph.validate import project_shapes, validate_records

    added = _as_the_build_adds_it(path, context_as_written)
    for triple in added:
        context_as_written.add(triple)
    try:
        plain = _plain_pyshacl(context_as_written, project_shapes(project))
    finally:
        for triple in added:
            context_as_written.remove(triple)
    nodes = {s for s in rdflib.Graph().parse(path, format="turtle").subjects() if isinstance(s, rdflib.URIRef)}
    expected = {r for r in plain if r[0] in nodes}
    assert _caregraph_results(validate_records([path], context_graph), nodes) == expected


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_in_the_shipped_graph_gets_the_verdicts_of_plain_pyshacl(path, graph, rdflib_graph, project):
    """The same on the shipped graph. Whole-graph pyshacl takes minutes there (bench/README.md), so it is given
    the record's nodes and the IRIs they point at as focus_nodes; pyshacl then checks a value's sh:node only
    when the value is one of those nodes, which a literal cannot be, so those results are left out."""
    from caregraph.validate import project_shapes, validate_records

    record = rdflib.Graph().parse(path, format="turtle")
    nodes = {s for s in record.subjects() if isinstance(s, rdflib.URIRef)}
    values = {o for o in record.objects() if isinstance(o, rdflib.URIRef)}
    added = _as_the_build_adds_it(path, rdflib_graph)
    for triple in added:
        rdflib_graph.add(triple)
    try:
        plain = _plain_pyshacl(rdflib_graph, project_shapes(project), focus_nodes=sorted(nodes | values))
    finally:
        for triple in added:
            rdflib_graph.remove(triple)
    report = validate_records([path], graph)
    ours = {r for r in _caregraph_results(report, nodes)}
    literal_nodes = {
        (r.terms["focus"], r.path, r.component)
        for r in report.results
        if r.component == "sh:NodeConstraintComponent" and isinstance(r.terms["value"], rdflib.Literal)
    }
    assert ours - literal_nodes == {r for r in plain if r[0] in nodes}


def test_a_count_written_as_a_positive_integer_gets_the_verdict_of_plain_pyshacl(cli, tmp_path, context_graph, project):
    """The shapes check whole numbers as xsd:integer; "6"^^xsd:positiveInteger is another datatype to SHACL,
    and the embedded store would have made it 6 and let it pass."""
    from caregraph.validate import project_shapes

    record = tmp_path / "share.ttl"
    record.write_text(
        _PROLOGUE
        + """
cgd:population-share-positive-integer a cg:PopulationShare ;
    cg:numerator "1"^^xsd:nonNegativeInteger ; cg:denominator "6"^^xsd:positiveInteger ;
    cg:populationOf cgd:place-england .
"""
    )
    data = rdflib.Graph()
    for path in [*project.ontology_files(), CONTEXT, record]:
        data.parse(path, format="turtle")
    node = rdflib.URIRef("https://w3id.org/caregraph/id/population-share-positive-integer")
    plain = {r for r in _plain_pyshacl(data, project_shapes(project)) if r[0] == node}
    assert ("cg:denominator" in {r[1] for r in plain}) and ("cg:numerator" in {r[1] for r in plain})
    code, out, _ = cli("validate", str(record), "--format", "json")
    assert code == 1
    results = json.loads(out)["results"]
    shapes_results = {(r["path"], r["component"]) for r in results if r["component"]}
    assert shapes_results == {(r[1], r[2]) for r in plain}
    assert {r["value"] for r in results if r["path"] == "cg:denominator"} == {'"6"^^xsd:positiveInteger'}
    unattested = {r["value"] for r in results if r["shape"] == "cgsh:AttestedTriplesShape"}
    assert '"6"^^xsd:positiveInteger' in unattested  # the gate names the statement as written too


# --- results as standard: sh:conforms and --fail-on ---------------------------------------------------------------

UNDATED_DESIGNATION = """
cgd:designation-000-frimley-undated-example a cg:Designation ;
    cg:designatedArea cgd:system-frimley ; cg:designatedBy cgd:org-nhs-england ; cg:inWave cgd:wave-acs-1 ;
    prov:wasDerivedFrom cgd:quote-000-eight-areas-example .

cgd:quote-000-eight-areas-example a cg:Quotation ;
    prov:wasQuotedFrom cgd:source-000 ;
    prov:value "Eight areas of England have now been identified by NHS England to lead the development of Accountable Care Systems:" ;
    cg:locator "Where is this happening?" .
"""  # noqa: E501 (a record as its file would be written; the quotation is word for word and cannot be split)


def test_a_warning_makes_the_report_not_conform_and_fails_only_from_fail_on_warning(cli, tmp_path, tmp_project):
    record = tmp_path / "undated.ttl"
    record.write_text(_PROLOGUE + UNDATED_DESIGNATION)
    code, out, _ = cli("validate", str(record), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["conforms"] is False
    assert [(r["severity"], r["shape"]) for r in document["results"]] == [
        ("warning", "cgsh:DesignationShape-dateGiven")
    ]
    code, out, _ = cli("validate", str(record), "--format", "turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = rdflib.Graph().parse(data=out, format="turtle")
    (root,) = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert code == 0 and report.value(root, sh.conforms) == rdflib.Literal(False)
    assert len(list(report.objects(root, sh.result))) == 1
    assert cli("validate", str(record), "--fail-on", "warning")[0] == 1
    assert cli("validate", str(record), "--fail-on", "info")[0] == 1
    assert cli("validate", str(MEMBER_IS_A_PLACE), "--fail-on", "none")[0] == 0
    assert cli("add", str(record), "--folder", "areas", "--fail-on", "warning")[0] == 1
    assert not (tmp_project / "data" / "areas" / "undated.ttl").exists()
    code, out, _ = cli("add", str(record), "--folder", "areas")
    assert code == 0 and (tmp_project / "data" / "areas" / "undated.ttl").exists()


def test_fail_on_is_checked():
    from caregraph.errors import InputError
    from caregraph.validate import Report

    with pytest.raises(InputError, match="choose one of violation, warning, info, none"):
        Report([], records=0).fails("error")


# --- the record gate: the rules of check, at validate and add -----------------------------------------------------


def _line_of(text: str, start: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def _both_refuse(cli, tmp_project, record: Path) -> str:
    """validate and add each exit 1 on ``record``, and add writes nothing; returns validate's text report."""
    before = _tree(tmp_project)
    code, out, _ = cli("validate", str(record))
    assert code == 1, out
    code, add_out, err = cli("add", str(record), "--folder", "areas")
    assert code == 1 and "nothing was added" in err
    assert add_out == out
    assert _tree(tmp_project) == before
    return out


def test_an_invented_quotation_is_refused(cli, tmp_project, tmp_path):
    record = tmp_path / "invented.ttl"
    text = VALID_ICS.read_text().replace(
        "other systems will soon be joining the programme", "every other system joined the programme at once"
    )
    record.write_text(text)
    out = _both_refuse(cli, tmp_project, record)
    line = _line_of(text, "cgd:quote-004-other-systems-joining")
    assert 'cgd:quote-004-other-systems-joining  quotation: "every other system' in out
    assert f"({record}:{line})" in out
    source_file = next(p.name for p in SOURCES.glob("004_*.txt"))
    assert f"This quotation cannot be verified: the words do not occur in {source_file}." in out


def test_an_unattested_triple_is_refused(cli, tmp_project, tmp_path):
    record = tmp_path / "unattested.ttl"
    text = VALID_ICS.read_text() + ('\ncgd:org-QWO rdfs:label "West Yorkshire ICB" .\n')
    record.write_text(text)
    out = _both_refuse(cli, tmp_project, record)
    assert 'no claim states cgd:org-QWO rdfs:label "West Yorkshire ICB"' in out
    assert f"({record}:{_line_of(text, 'cgd:org-QWO rdfs:label')})" in out


@pytest.mark.parametrize(
    "statement, term, suggestion",
    [
        ('rdfs:comnent "x"', "rdfs:comnent", "rdfs:comment"),
        ("<http://www.w3.org/2002/07/owl#sameAss> cgd:org-QWO", "owl:sameAss", "owl:sameAs"),
        ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#tpye> cg:Footprint", "rdf:tpye", "rdf:type"),
        ('<http://example.org/madeUp> "z"', "<http://example.org/madeUp>", None),
        (
            "a <http://w3id.org/caregraph/def#IntegratedCareSystem>",
            "<http://w3id.org/caregraph/def#IntegratedCareSystem>",
            "cg:IntegratedCareSystem",
        ),
        (
            "a <https://w3id.org/caregraph/def/IntegratedCareSystem>",
            "<https://w3id.org/caregraph/def/IntegratedCareSystem>",
            "cg:IntegratedCareSystem",
        ),
    ],
)
def test_a_misspelt_or_unknown_term_is_refused_with_did_you_mean(
    statement, term, suggestion, cli, tmp_project, tmp_path
):
    record = tmp_path / "misspelt.ttl"
    text = _PROLOGUE + f"\ncgd:system-misspelt-example {statement} .\n"
    record.write_text(text)
    out = _both_refuse(cli, tmp_project, record)
    expected = f"{term} is not a "
    assert expected in out
    if suggestion:
        assert f"; did you mean {suggestion}?" in out.split(expected, 1)[1].splitlines()[0]
    assert f"({record}:{_line_of(text, 'cgd:system-misspelt-example')})" in out


def test_a_node_that_no_shape_checks_is_reported(cli, tmp_path):
    record = tmp_path / "unchecked.ttl"
    record.write_text(
        _PROLOGUE + "\ncgd:thing-example a <http://w3id.org/caregraph/def#DesignationWave> ;\n"
        '    rdfs:label "a wave with a misspelt type" .\n'
    )
    code, out, _ = cli("validate", str(record), "--format", "json")
    assert code == 1
    shapes = {r["shape"] for r in json.loads(out)["results"] if r["focus"] == "cgd:thing-example"}
    assert {"cgsh:CheckedRecordsShape", "cgsh:DeclaredTermsShape"} <= shapes


NEW_SOURCE = """
cgd:source-900-example a cg:SourceDocument ;
    dcterms:title "A new source" ; cg:dateAsGiven "not stated" ; cg:sourceFile "900_new-source.txt" ;
    dcterms:publisher cgd:org-nhs-england .

cgd:quote-900-example a cg:Quotation ;
    prov:wasQuotedFrom cgd:source-900-example ;
    prov:value "Integrated care, as the new source words it." ;
    cg:locator "paragraph 1" .
"""


def test_a_new_source_needs_its_text_and_is_checked_against_it(cli, tmp_path):
    record = tmp_path / "new-source.ttl"
    record.write_text(_PROLOGUE + "@prefix dcterms: <http://purl.org/dc/terms/> .\n" + NEW_SOURCE)
    code, out, _ = cli("validate", str(record))
    assert code == 1
    assert "cannot find 900_new-source.txt, the text of its source, in" in out
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "900_new-source.txt").write_text("Some words.\nIntegrated care,\nas the new source words it.\n")
    code, out, _ = cli("validate", str(record), "--sources", str(texts))
    assert code == 0, out
    (texts / "900_new-source.txt").write_text("Other words.\n")
    code, out, _ = cli("validate", str(record), "--sources", str(texts))
    assert code == 1 and "the words do not occur in 900_new-source.txt" in out


def test_subject_lines_follow_statements_not_mentions():
    from caregraph.validate.gate import subject_lines

    text = (
        "@prefix cg: <https://w3id.org/caregraph/def#> .\n"
        "PREFIX cgd: <https://w3id.org/caregraph/id/>\n"
        "# cgd:a in a comment\n"
        'cgd:b cg:p cgd:a ; cg:q "cgd:a. in a string" , 4.5 .\n'
        "\n"
        "  cgd:a cg:p [ cg:q cgd:c ] .\n"
        '<https://w3id.org/caregraph/id/c> cg:p """long\ncgd:d . """ .\n'
    )
    assert subject_lines(text) == {
        "https://w3id.org/caregraph/id/b": 4,
        "https://w3id.org/caregraph/id/a": 6,
        "https://w3id.org/caregraph/id/c": 7,
    }


def test_a_result_names_the_file_and_line_that_write_its_statement(context_graph, tmp_path):
    """Two records describe one node: each statement's result names the file that writes it, at that file's line."""
    from caregraph.validate import validate_records

    prefixes = "@prefix cg: <https://w3id.org/caregraph/def#> .\n@prefix cgd: <https://w3id.org/caregraph/id/> .\n"
    first = tmp_path / "first.ttl"
    first.write_text(
        prefixes + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        'cgd:system-frimley skos:altLabel "Frimley Health and Social Care Partnership"@en .\n'
    )
    second = tmp_path / "second.ttl"
    second.write_text(prefixes + "\n\n\n\ncgd:system-frimley\n    cg:coverPlace cgd:place-aldershot .\n")
    results = validate_records([first, second], context_graph).results
    misspelt = [r for r in results if r.path == "cg:coverPlace" and "did you mean cg:coversPlace" in r.message]
    unattested = [r for r in results if r.path == "skos:altLabel"]
    assert [(r.file.rsplit("/", 1)[-1], r.line) for r in misspelt] == [("second.ttl", 7)]
    assert [(r.file.rsplit("/", 1)[-1], r.line) for r in unattested] == [("first.ttl", 5)]
