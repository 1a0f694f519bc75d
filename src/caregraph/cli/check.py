"""``caregraph check``: the quality checks (see :mod:`caregraph.check`)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, load, printable, progress, project_of


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "check", formatter_class=Formatter,
        help="run the quality checks: labels, definitions, undeclared terms, sources, quotations, reasoner",
        description="Run every quality check of ontology/checks/*.rq and the built-in ones (undeclared terms, "
                    "unattested triples, blank nodes, quotations not found in their source, OWL 2 RL "
                    "consistency) and print a report. Exit 1 when a finding reaches --fail-on.",
        epilog="examples:\n  caregraph check\n  caregraph check --sources ../shared/sources --format tsv > report.tsv\n"
               "  caregraph check --fail-on WARN              # stricter: warnings fail too\n"
               "  caregraph check --skip reasoner-inconsistency   # faster, without the reasoner\n"
               "  caregraph check --list                      # what each check looks for")
    p.add_argument("--sources", metavar="DIR", help="folder of the source documents' texts (default: "
                                                     "CAREGRAPH_SOURCES or ../shared/sources beside the project)")
    p.add_argument("--fail-on", choices=["ERROR", "WARN", "INFO"], default="ERROR",
                   help="lowest severity that fails the check (default: ERROR)")
    p.add_argument("--skip", metavar="CHECK", action="append", default=[], help="leave a check out (repeatable)")
    p.add_argument("--format", choices=["text", "tsv", "json"], default="text", help="report format")
    p.add_argument("--list", action="store_true", help="list the checks with their severity and fix, and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..check import load_checks, run_checks
    from ..tables import render_table

    project = project_of(args)
    if args.list:
        print(render_table(["check", "severity", "looks for", "fix"],
                           [(c.name, c.severity, c.summary, c.fix) for c in load_checks(project)]))
        return EXIT_OK
    sources = None if "quotation-not-in-source" in args.skip else project.sources_dir(args.sources)
    graph = load(args)
    report = run_checks(graph, project, sources_dir=sources, skip=args.skip,
                        progress=lambda message: progress(args, message))
    rows = [(f.severity, f.check, f.entity, f.property, f.value) for f in report.findings]
    if args.format == "json":
        print(json.dumps({"summary": {s: report.count(s) for s in ("ERROR", "WARN", "INFO")},
                          "failed": report.failed(args.fail_on),
                          "findings": [dict(zip(("severity", "check", "entity", "property", "value"), r, strict=True))
                                       for r in rows]}, indent=2))
    elif args.format == "tsv":
        print("severity\tcheck\tentity\tproperty\tvalue")
        for row in rows:
            print(printable("\t".join(value.replace("\t", " ").replace("\n", " ") for value in row)))
    else:
        if rows:
            print(printable(render_table(["severity", "check", "entity", "property", "value"], rows)))
            print()
        print(f"{report.summary()}: " + ("FAILED" if report.failed(args.fail_on) else "passed")
              + f" (fail on {args.fail_on})")
    return EXIT_NOT_CONFORMING if report.failed(args.fail_on) else EXIT_OK
