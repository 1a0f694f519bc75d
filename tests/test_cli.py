"""The caregraph command: every command runs, teaches by example, and keeps the exit-code contract."""

import re
import subprocess
import sys

import pyoxigraph as ox
import pytest

from caregraph import __version__
from caregraph.cli import parser
from caregraph.export import FORMATS


def declared(p) -> list[str]:
    """The commands a parser declares, as its help lists them (each name indented under "commands:")."""
    section = p.format_help().split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return sorted(re.findall(r"^    (\S+)", section, re.MULTILINE))


COMMANDS = declared(parser())


def test_version(run_cli, capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli("--version")
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"caregraph {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exited:
        parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    assert "example" in capsys.readouterr().out


@pytest.mark.parametrize("columns", [60, 100])
def test_help_is_wrapped_to_the_terminal_width(columns, monkeypatch, capsys):
    """The width is found as shutil finds it (COLUMNS first) without importing shutil; examples stay as written."""
    monkeypatch.setenv("COLUMNS", str(columns))
    with pytest.raises(SystemExit):
        parser(["query"]).parse_args(["query", "--help"])
    wrapped = [len(line) for line in capsys.readouterr().out.splitlines() if line.startswith(" " * 32)]
    assert columns - 15 < max(wrapped) <= columns - 2  # the options' help, wrapped as argparse wraps it


def test_the_parser_offers_the_formats_and_engines_of_export_and_validate():
    from caregraph import validate
    from caregraph.cli import export as export_command, validate as validate_command

    assert export_command.FORMATS == tuple(sorted(FORMATS))
    assert validate_command.REPORT_FORMATS == validate.REPORT_FORMATS
    assert validate_command.ENGINES == validate.ENGINES
    assert validate_command.FAIL_ON == validate.FAIL_ON


def test_the_parser_declares_only_the_named_command_unless_none_is_named():
    assert declared(parser(["--root", "query", "export", "-f", "nt"])) == ["export"]  # --root takes a value
    assert declared(parser(["-q", "import-reference", "--check"])) == ["import-reference"]
    # help and "did you mean" see them all
    assert declared(parser(["--version"])) == declared(parser(["exprot"])) == COMMANDS


def test_a_command_line_query_imports_neither_rdflib_nor_what_only_other_commands_need(graph):
    """What start-up is made of (bench/README.md): on a warm cache (the graph fixture has built it), the query
    path keeps clear of these imports."""
    code = (
        "import sys; from caregraph.cli import main; main(['-q', 'query', 'partnership-forms', '--format', 'csv']);"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'caregraph.export', 'caregraph.validate', 'dataclasses',"
        " 'hashlib', 'decimal', 'datetime', 'shutil') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_no_command_prints_help_and_fails_as_usage_error(run_cli):
    code, _, err = run_cli()
    assert code == 2 and "commands" in err


def test_build_writes_turtle_and_ntriples(run_cli, tmp_path, graph):
    code, _, err = run_cli("build", "-o", str(tmp_path))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["caregraph.nt", "caregraph.ttl"]
    parsed = list(ox.parse(path=str(tmp_path / "caregraph.ttl")))
    assert len(parsed) == len(graph)


@pytest.mark.parametrize("fmt", ["jsonld", "nt"])  # every format is tested through the API in test_export.py
def test_export_writes_a_format_to_stdout(run_cli, fmt, graph):
    code, out, _ = run_cli("-q", "export", "--format", fmt)
    assert code == 0
    assert len({q.triple for q in ox.parse(input=out.encode(), format=FORMATS[fmt][0])}) == len(graph)


def test_export_to_a_file(run_cli, tmp_path):
    target = tmp_path / "graph.nt"
    code, out, err = run_cli("export", "--format", "nt", "-o", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_text().count(" .\n") > 1000


def test_stats_prints_readable_tables(run_cli, graph):
    code, out, _ = run_cli("-q", "stats")
    assert code == 0
    assert f"triples: {len(graph):,}" in out
    assert "Instances per class" in out and "Statements per source" in out


def test_broken_turtle_is_exit_2_with_file_and_line_and_no_traceback(project_copy):
    (project_copy.ontology_dir / "broken.ttl").write_text(
        "@prefix cg: <https://w3id.org/caregraph/def#> .\ncg:Thing a cg:Class\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "caregraph", "--root", str(project_copy.root), "--no-cache", "stats"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "ontology/broken.ttl:3:" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(project_copy):
    (project_copy.data_dir / "broken.ttl").write_text("not turtle\n")
    result = subprocess.run(
        [sys.executable, "-m", "caregraph", "--root", str(project_copy.root), "--debug", "--no-cache", "stats"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_unknown_root_is_a_usage_error(run_cli, tmp_path):
    from caregraph.cli import main

    assert main(["--root", str(tmp_path), "stats"]) == 2


def test_export_to_stdout_survives_a_closed_pipe():
    result = subprocess.run(
        f"{sys.executable} -m caregraph -q export --format nt | head -1", shell=True, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("<")
    assert "Traceback" not in result.stderr
