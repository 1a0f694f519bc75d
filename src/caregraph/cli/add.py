"""``caregraph add``: validate a record and, only if it passes, copy it into the project's data/."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from .console import Formatter, load, printable
from .validate import GATE_HELP, gate_options


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "add",
        formatter_class=Formatter,
        help="validate a record and, only if it passes, copy it into the project's data/",
        description="Validate the record in FILE in the context of the graph, as `caregraph validate FILE` does, "
        "and only if it passes copy it unchanged into data/<folder>/ of the project in use — areas/ "
        "for a partnership, organisations/, contracts/ or sources/ by the kind of its main node — and "
        "print the path written. The project is the caregraph checkout containing the current folder, "
        "or the one --root (or CAREGRAPH_ROOT) names; the copy installed with caregraph is read-only, "
        "so outside a checkout add refuses (exit 2). The copy is atomic and never replaces an "
        "existing file; when the record fails nothing is written and the report says why (exit 1).",
        epilog=GATE_HELP + "\nexamples:\n"
        "  caregraph add my-ics.ttl                       → /…/caregraph/data/areas/my-ics.ttl\n"
        "  caregraph add my-contract.ttl                  → /…/caregraph/data/contracts/my-contract.ttl\n"
        "  caregraph add my-record.ttl --folder areas     choose the folder yourself\n"
        "  caregraph add my-ics.ttl --root ~/caregraph    into that checkout, from anywhere\n"
        "  caregraph remove data/areas/my-ics.ttl         undo it",
    )
    p.add_argument("file", metavar="FILE", help="a Turtle file holding one record and its claims and quotations")
    p.add_argument("--folder", metavar="NAME", help="the folder of data/ to add it to (default: by its kind)")
    gate_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..files import check_input
    from ..validate import add_record, render_text

    check_input(args.file)
    graph = load(args)
    outcome = add_record(args.file, graph, folder=args.folder, sources=args.sources, fail_on=args.fail_on)
    if outcome.target is None:
        sys.stdout.write(printable(render_text(outcome.report)))
        print("caregraph: nothing was added: the record does not pass", file=sys.stderr)
        return EXIT_NOT_CONFORMING
    if outcome.report.results:
        sys.stdout.write(printable(render_text(outcome.report)))
    print(f"added {outcome.target}")
    return EXIT_OK
