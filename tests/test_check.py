"""The quality gate: the shipped ontology and data pass; broken ones fail naming the term."""

import json

import pytest

from caregraph.check import load_checks, run_checks
from caregraph.graph import CareGraph

CG = "@prefix cg: <https://w3id.org/caregraph/def#> .\n"
SKOS = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
RDFS = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
OWL = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"


# The slower checks of the data as a whole, left out where a test is about the ontology's own terms.
DATA_CHECKS = ("reasoner-inconsistency", "unattested-triple", "quotation-not-in-source")


def errors(report):
    return [r for r in report.results if r.severity == "violation"]


def check(project, sources_dir, *skip):
    return run_checks(CareGraph.load(project, cache=False), project, sources_dir=sources_dir, skip=skip)


def test_the_shipped_ontology_and_data_pass(graph, project, sources_dir):
    report = run_checks(graph, project, sources_dir=sources_dir)
    assert not report.fails(), "\n".join(map(str, report.results))


def test_every_check_has_a_summary_severity_and_fix(project):
    checks = load_checks(project)
    built_in = {
        "undeclared-term",
        "unattested-triple",
        "blank-node-in-data",
        "quotation-not-in-source",
        "reasoner-inconsistency",
    }  # as `caregraph check --help` names them
    assert {c.name for c in checks} == {path.stem for path in project.checks_dir.glob("*.rq")} | built_in
    for c in checks:
        assert c.summary and c.fix and c.severity in ("violation", "warning", "info")


def test_a_missing_definition_fails_naming_the_term(project_copy, sources_dir):
    (project_copy.ontology_dir / "extra.ttl").write_text(
        CG + RDFS + OWL + 'cg:Hospice a owl:Class ; rdfs:label "hospice"@en .\n'
    )
    report = check(project_copy, sources_dir, *DATA_CHECKS)
    assert report.fails()
    assert [(r.shape, r.focus) for r in errors(report)] == [("missing-definition", "cg:Hospice")]


def test_an_undeclared_term_fails_with_a_suggestion(project_copy, sources_dir):
    (project_copy.ontology_dir / "extra.ttl").write_text(
        CG + "<https://w3id.org/caregraph/def#AccountableCareSystem> cg:mayBecomes cg:AccountableCareOrganisation .\n"
    )
    report = check(project_copy, sources_dir, *DATA_CHECKS)
    undeclared = [r for r in report.results if r.shape == "undeclared-term"]
    assert [r.focus for r in undeclared] == ["cg:mayBecomes"]
    assert "did you mean cg:mayBecome" in undeclared[0].message


def test_an_undeclared_term_in_a_stored_query_is_found(project_copy, sources_dir):
    (project_copy.queries_dir).mkdir(exist_ok=True)
    (project_copy.queries_dir / "typo.rq").write_text(
        "PREFIX cg: <https://w3id.org/caregraph/def#>\n# cg:NotATerm in a comment is ignored\n"
        'SELECT ?x WHERE { ?x a cg:AccountableCareSytem FILTER(?x != "cg:Nor") }\n'
    )
    report = check(project_copy, sources_dir, *DATA_CHECKS)
    found = [(r.focus, r.message) for r in report.results if r.shape == "undeclared-term"]
    assert [entity for entity, _ in found] == ["cg:AccountableCareSytem"]
    assert found[0][1].endswith(": used in queries/typo.rq; did you mean cg:AccountableCareSystem?")


def test_a_duplicate_label_fails(project_copy, sources_dir):
    (project_copy.ontology_dir / "extra.ttl").write_text(
        CG + RDFS + OWL + SKOS + 'cg:Footprints a owl:Class ; rdfs:label "Footprint"@en ; skos:definition "x"@en .\n'
    )
    report = check(project_copy, sources_dir, *DATA_CHECKS)
    assert {r.focus for r in report.results if r.shape == "duplicate-label"} == {"cg:Footprint", "cg:Footprints"}


def test_an_unattested_statement_in_data_fails(project_copy, sources_dir):
    (project_copy.data_dir / "extra.ttl").write_text(
        CG + RDFS + '<https://w3id.org/caregraph/id/place-nowhere> a cg:Town ; rdfs:label "Nowhere"@en .\n'
    )
    report = check(project_copy, sources_dir, "reasoner-inconsistency")
    assert {(r.shape, r.path) for r in errors(report)} == {
        ("unattested-triple", "rdf:type"),
        ("unattested-triple", "rdfs:label"),
    }


def test_a_place_as_a_member_is_an_inconsistency(project_copy, sources_dir):
    (project_copy.data_dir / "extra.ttl").write_text(
        CG
        + """
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/caregraph/id/membership-x> org:member <https://w3id.org/caregraph/id/place-x> .
<https://w3id.org/caregraph/id/place-x> a cg:Town .
"""
    )
    report = check(project_copy, sources_dir, "unattested-triple", "entity-without-label", "quotation-not-in-source")
    assert any(r.shape == "reasoner-inconsistency" for r in report.results)


def test_the_quotation_check_needs_the_sources(project):
    from caregraph.errors import InputError

    with pytest.raises(InputError, match="source texts"):
        run_checks(CareGraph.load(project), project, sources_dir=None)


def test_check_command_reports_and_sets_the_exit_code(run_cli, project_copy, sources_dir):
    from caregraph.cli import main

    skips = [argument for name in DATA_CHECKS for argument in ("--skip", name)]
    assert main(["--root", str(project_copy.root), "-q", "check", *skips]) == 0
    (project_copy.ontology_dir / "extra.ttl").write_text(
        CG + RDFS + OWL + 'cg:Hospice a owl:Class ; rdfs:label "hospice"@en .\n'
    )
    assert main(["--root", str(project_copy.root), "-q", "--no-cache", "check", *skips]) == 1


def test_check_json_output_is_machine_readable(run_cli, project, sources_dir):
    code, out, _ = run_cli(
        "-q", "check", "--sources", str(sources_dir), "--format", "json", "--skip", "reasoner-inconsistency"
    )
    report = json.loads(out)
    assert code == 0 and report["summary"]["violations"] == 0
    stored = {path.stem for path in project.checks_dir.glob("*.rq")}
    assert stored < set(report["summary"]["checks"]) and "reasoner-inconsistency" not in report["summary"]["checks"]
