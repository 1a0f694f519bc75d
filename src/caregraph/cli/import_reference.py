"""``caregraph import-reference``: regenerate data/reference/*.ttl (see :mod:`caregraph.reference`)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, progress, project_of


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "import-reference",
        formatter_class=Formatter,
        help="turn the reference data files in data/reference/ into Turtle (national coverage)",
        description="Read the copied open data files in data/reference/ (ONS lookups, NHS Digital and RCPCH "
        "tables, the trust lookup, the vanguard list, the ODS roles) and write one Turtle file per "
        "concern beside them: every row a quotation, every fact a claim or sourced record. The output "
        "is deterministic, so the committed files can be checked with --check.",
        epilog="examples:\n"
        "  caregraph import-reference                 regenerate data/reference/*.ttl\n"
        "  caregraph import-reference --check         exit 1 if the committed Turtle is out of date\n"
        "  caregraph import-reference -o /tmp/ref     write elsewhere, e.g. to diff with the committed files\n"
        "  caregraph import-reference --from ../shared/data -o /tmp/ref   import another copy of the files",
    )
    p.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="folder holding the reference files (default: the project's data/reference)",
    )
    p.add_argument("-o", "--output", metavar="DIR", help="folder to write to (default: the --from folder)")
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any generated file differs from a fresh import"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..reference import import_reference, outdated_files

    project = project_of(args)
    source = Path(args.source) if args.source else project.reference_dir
    if args.output is None and args.source is None and not args.check:
        project.writable(source)  # it would regenerate the project's own data/reference/
    if args.check:
        stale = outdated_files(source, args.output)
        for name in stale:
            print(f"out of date: {name}")
        progress(args, f"{len(stale)} generated file(s) differ from a fresh import of {project.relative(source)}")
        return EXIT_NOT_CONFORMING if stale else EXIT_OK

    def wrote(path: Path, data: bytes) -> None:
        progress(args, f"wrote {project.relative(path)} ({len(data):,} bytes)")

    progress(args, f"importing the reference files in {project.relative(source)}")
    import_reference(source, args.output, progress=wrote)
    return EXIT_OK
