"""``caregraph remove``: take a record added earlier back out, unless other records point at it."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, load


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "remove",
        formatter_class=Formatter,
        help="remove a record file from the project's data/, unless other records point at it",
        description="Remove FILE, a record under data/ of the project in use (as `caregraph add` wrote it). "
        "When other records point at the nodes it describes — a claim about them, a membership of "
        "them — nothing is removed and they are named (exit 1): remove or change those first. The "
        "installed copy of caregraph is read-only (exit 2).",
        epilog="examples:\n"
        "  caregraph remove data/areas/my-ics.ttl\n"
        "  caregraph remove /home/me/caregraph/data/contracts/my-contract.ttl",
    )
    p.add_argument("file", metavar="FILE", help="the record's file, under data/ (relative to the project or not)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..validate import remove_record

    outcome = remove_record(args.file, load(args))
    if not outcome.removed:
        for node, prop, value in outcome.pointing:
            print(f"{node} {prop} {value}")
        print(
            f"caregraph: nothing was removed: {len(outcome.pointing)} statement(s) of other records point at "
            f"the nodes of {outcome.target}",
            file=sys.stderr,
        )
        return EXIT_NOT_CONFORMING
    print(f"removed {outcome.target}")
    return EXIT_OK
