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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
def tmp_project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPO / "ontology", root / "ontology")
    (root / "data").mkdir()
    shutil.copy(CONTEXT, root / "data" / "context.ttl")
    # The reference rows that quotations of reference datasets are checked against (not their Turtle).
    shutil.copytree(REPO / "data" / "reference", root / "data" / "reference", ignore=shutil.ignore_patterns("*.ttl"))
    return root


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
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _comparable(result) -> tuple:
    blank = re.compile(r"_:\w+")
    return (blank.sub("_:b", result.focus), result.path, blank.sub("_:b", result.value), result.shape,
            result.component, result.severity, result.message)


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
    assert {r.path for r in alone.results if r.severity == "violation"} >= {"cg:hasFootprint", "cg:inRegion",
                                                                            "prov:wasQuotedFrom"}
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
    about_record = [r for r in whole.results
                    if isinstance(r.terms["focus"], rdflib.URIRef) and str(r.terms["focus"]) in nodes
                    or isinstance(r.terms["focus"], rdflib.BNode)]
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
    triples = [t for path in [*project.ontology_files(), CONTEXT, *sorted(EXAMPLES.glob("*/*.ttl"))]
               for t in parse_turtle(path)]
    graph = CareGraph.from_triples(triples + synthetic.synthetic_triples(600), project=project)
    reference = validate_graph(graph, engine="pyshacl")
    fast = validate_graph(graph, engine="fast")
    assert len(reference.results) > 30
    assert sorted(map(_comparable, fast.results)) == sorted(map(_comparable, reference.results))


def test_every_sparql_rule_binds_this_first(project):
    """The condition under which the fast engine equals pyshacl: $this is bound by the first triple pattern."""
    from caregraph.validate import _split_shapes, project_shapes

    _, rules = _split_shapes(project_shapes(project))
    assert len(rules) >= 7
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
    record.write_text(VALID_ICS.read_text().replace("cg:inRegion cgd:org-Y63 .",
                                                    "cg:inRegion cgd:org-Y63 ;\n    time:hasTime cgd:month-2017-13 .")
                      .replace("@prefix rdfs:", "@prefix time:    <http://www.w3.org/2006/time#> .\n@prefix rdfs:"))
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
    line = next(number for number, text in enumerate(MEMBER_IS_A_PLACE.read_text().splitlines(), start=1)
                if text.startswith("cgd:membership-000-frimley-slough-example"))
    assert lines[1] == f"  cgd:membership-000-frimley-slough-example  a cg:Membership  ({MEMBER_IS_A_PLACE}:{line})"
    assert lines[2] == "    violation org:member = cgd:place-E06000039"
    assert lines[3].strip().startswith("The member is a place, not an organisation:")
    assert lines[4].strip().startswith("hint: A place the partnership covers goes in cg:coversPlace")
    assert lines[-1] == ("2 records checked from 1 file; does not conform: 1 record with violations "
                         "(1 violation)")


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
    (result,) = [r for r in report.objects(root, sh.result)
                 if report.value(r, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent]
    assert report.value(result, sh.focusNode) == rdflib.URIRef("https://w3id.org/caregraph/id/funding-example-no-currency")
    assert report.value(result, sh.resultPath) == rdflib.URIRef("https://w3id.org/caregraph/def#currency")
    assert report.value(result, sh.resultSeverity) == sh.Violation
    assert report.value(result, sh.sourceShape) == rdflib.URIRef("https://w3id.org/caregraph/shapes#AmountShape-currency")
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
_PREDICATES = ["a", "rdfs:label", "cg:coversPlace", "cg:coverPlace", "cg:amount", "cg:currency", "cg:gssCode",
               "org:member", "time:hasTime", "prov:wasDerivedFrom", "prov:value", "prov:wasQuotedFrom",
               "rdf:subject", "cg:evolvedFrom", "cg:status", "cg:shareOfPlace", "cg:waveNumber", "skos:altLabel",
               "cg:previousName", "cg:renamed", "org:memberDuring", "cg:onsGeography", "cg:nothing"]
_OBJECTS = ["cg:IntegratedCareSystem", "cg:Claim", "cg:Quotation", "cg:Membership", "cg:Renaming", "cg:Footprint",
            "cg:Nope", "cgd:place-E06000039", "cgd:source-004", "cgd:month-2017-06", "cgd:month-2017-13",
            "cgd:period-2020-01-01-to-2019-01-01", "cgd:fy-2017-19", "cgd:day-2017-02-30", "cgd:from-2022-07-01",
            "cg:ShadowStatus", "cg:DraftStatus", '"E54000041"', '"x"@en', '""', "-1.5", "42", "true",
            '"abc"^^xsd:decimal', '"2017-06"^^xsd:gYearMonth', '"7"^^xsd:positiveInteger', '"\\u0000"',
            "_:b1", "[ a cg:Place ]", "( cgd:a cgd:b )", "<http://statistics.data.gov.uk/id/statistical-geography/E1>"]
_PROLOGUE = "".join(f"@prefix {p}: <{n}> .\n" for p, n in {
    "cg": "https://w3id.org/caregraph/def#", "cgd": "https://w3id.org/caregraph/id/", "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#", "xsd": "http://www.w3.org/2001/XMLSchema#"}.items())

_statements = st.lists(st.tuples(st.sampled_from(_SUBJECTS), st.sampled_from(_PREDICATES),
                                 st.sampled_from(_OBJECTS)), min_size=1, max_size=8)
_damage = st.one_of(st.just(""), st.text(max_size=12), st.sampled_from([" .", " ;", "\"", "<", "@prefix", "}"]))


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
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

def test_the_shipped_graph_conforms(graph):
    from caregraph.validate import validate_graph

    report = validate_graph(graph)
    violations = [(r.focus, r.path, r.message) for r in report.results if r.severity == "violation"]
    assert report.conforms, violations
