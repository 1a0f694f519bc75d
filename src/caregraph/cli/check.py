"""``caregraph check``: the quality checks (see :mod:`caregraph.check`)."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, load, printable, progress, project_of
from .validate import FAIL_ON, REPORT_FORMATS


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "check",
        formatter_class=Formatter,
        help="run the quality checks: labels, definitions, undeclared terms, sources, quotations, reasoner",
        description="Run every quality check of ontology/checks/*.rq and the built-in ones (undeclared terms, "
        "unattested triples, blank nodes, quotations not found in their source, OWL 2 RL "
        "consistency) and print a report. Exit 1 when a finding reaches --fail-on.",
        epilog="examples:\n  caregraph check\n  caregraph check --sources ../shared/sources --format tsv > report.tsv\n"
        "  caregraph check --fail-on warning           # stricter: warnings fail too\n"
        "  caregraph check --skip reasoner-inconsistency   # faster, without the reasoner\n"
        "  caregraph check --list                      # what each check looks for",
    )
    p.add_argument(
        "--sources",
        metavar="DIR",
        help="folder of the source documents' texts (default: "
        "CAREGRAPH_SOURCES or ../shared/sources beside the project)",
    )
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="violation",
        help="lowest severity that fails the check (default: violation; none: never fail)",
    )
    p.add_argument("--skip", metavar="CHECK", action="append", default=[], help="leave a check out (repeatable)")
    p.add_argument(
        "--format",
        "-f",
        choices=[f for f in REPORT_FORMATS if f != "turtle"],
        default="text",
        help="report format, as validate's (default: text)",
    )
    p.add_argument("--list", action="store_true", help="list the checks with their severity and fix, and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..check import load_checks, run_checks
    from ..tables import render_table
    from ..validate import render

    project = project_of(args)
    if args.list:
        print(
            render_table(
                ["check", "severity", "looks for", "fix"],
                [(c.name, c.severity, c.summary, c.fix) for c in load_checks(project)],
            )
        )
        return EXIT_OK
    sources = None if "quotation-not-in-source" in args.skip else project.sources_dir(args.sources)
    graph = load(args)
    report = run_checks(
        graph, project, sources_dir=sources, skip=args.skip, progress=lambda message: progress(args, message)
    )
    rendered = render(report, args.format)
    sys.stdout.write(printable(rendered) if args.format in ("text", "tsv") else rendered)
    return EXIT_NOT_CONFORMING if report.fails(args.fail_on) else EXIT_OK
