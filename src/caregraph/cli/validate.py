"""``caregraph validate``: records, or the whole graph, against the shapes and the provenance rules."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, load, printable, progress

# The choices of --format, --engine and --fail-on, written out here so that building the parser imports no
# caregraph.validate (bench/README.md); tests/test_cli.py checks that they are the lists of that module.
REPORT_FORMATS = ("text", "json", "tsv", "turtle")
ENGINES = ("fast", "pyshacl")
FAIL_ON = ("violation", "warning", "info", "none")

GATE_HELP = """\
what is checked:
  the SHACL shapes of ontology/shapes/, on the records exactly as their files write them (literals included);
  and, for new records, the rules of `caregraph check`: every triple attested (a claim states it, or its subject
  is a record derived from a quotation), every quotation's words found in its own source's text (--sources DIR
  for the text of a source the record introduces), every term declared ("did you mean …"; also for
  http:// written for https:// and / for #), and every node checked by some shape. Each result names the
  record's file and line.

exit codes (as ROBOT's --fail-on):
  --fail-on violation   exit 1 when a result is a violation (the default); warnings and infos are reported
  --fail-on warning     exit 1 on warnings too;   --fail-on info: on any result;   --fail-on none: never
  The Turtle report is the standard sh:ValidationReport: sh:conforms is true only when it holds no result.
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "validate",
        formatter_class=Formatter,
        help="check records, or the whole graph, against the shapes and the provenance rules, in plain words",
        description="Check records against the SHACL shapes in ontology/shapes/ and the provenance rules. With "
        "FILEs, the records in them are checked in the context of the graph (so they may point at the "
        "organisations, places, quotations and sources it holds) and only those records are reported; "
        "with none, the whole graph is checked against the shapes.",
        epilog=GATE_HELP + "\nexamples:\n"
        "  caregraph validate examples/valid/later-wave-ics.ttl     check one new record\n"
        "  caregraph validate my-ics.ttl my-contract.ttl            several records together\n"
        "  caregraph validate my-source.ttl --sources my-texts/     a new source with its text\n"
        "  caregraph validate                                       the whole shipped graph\n"
        "  caregraph validate --fail-on warning                     warnings fail too\n"
        "  caregraph validate my-ics.ttl --format json | jq .results\n"
        "  caregraph validate --format turtle > report.ttl          the standard SHACL report\n"
        "  caregraph validate my-ics.ttl --shapes my-shapes.ttl     against other shapes\n"
        "  caregraph validate --engine pyshacl                      the same, by the reference engine",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="Turtle files of new records (default: the whole graph)")
    p.add_argument(
        "--format",
        "-f",
        default="text",
        choices=REPORT_FORMATS,
        help="text for people (default), json for scripts, tsv for spreadsheets, turtle for the SHACL report",
    )
    gate_options(p)
    p.add_argument(
        "--shapes",
        metavar="FILE",
        action="append",
        help="validate against the shapes in FILE instead of ontology/shapes/*.ttl (repeatable)",
    )
    p.add_argument(
        "--engine",
        default="fast",
        choices=ENGINES,
        help="fast (default): pyshacl-turbo for the core shapes, SPARQL rules once per graph in the "
        "embedded store; pyshacl: every shape in pyshacl, the reference (same results, much "
        "slower on large graphs)",
    )
    p.set_defaults(run=run)


def gate_options(p: argparse.ArgumentParser) -> None:
    """--fail-on and --sources, which `add` takes as `validate` does."""
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="violation",
        help="the least severe result that fails (exit 1): violation (default), warning, info or none",
    )
    p.add_argument(
        "--sources",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of source texts to look for quotations' words in before the project's own "
        "(CAREGRAPH_SOURCES or ../shared/sources); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    from ..files import check_input
    from ..validate import load_shapes, render, validate_graph, validate_records

    for path in [*args.files, *(args.shapes or [])]:
        check_input(path)
    # The whole graph is read many times over (each shape, each convention): in memory that is several times faster.
    graph = load(args, in_memory=not args.files)
    shapes = load_shapes(args.shapes) if args.shapes else None
    if args.files:
        progress(args, f"validating {len(args.files)} file(s) in the context of the graph")
        report = validate_records(args.files, graph, shapes, engine=args.engine, sources=args.sources)
    else:
        progress(args, "validating the whole graph")
        report = validate_graph(graph, shapes, engine=args.engine)
    rendered = render(report, args.format)
    sys.stdout.write(printable(rendered) if args.format in ("text", "tsv") else rendered)
    return EXIT_NOT_CONFORMING if report.fails(args.fail_on) else EXIT_OK
