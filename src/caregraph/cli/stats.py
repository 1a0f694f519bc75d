"""``caregraph stats``: what the graph holds, per class and per source."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, printable


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "stats", formatter_class=Formatter,
        help="count triples, classes, instances per class and statements per source",
        description="Summarise the graph: triples, declared classes, instances of each class, and how many "
                    "quotations and statements each source contributes.",
        epilog="example:\n  caregraph stats")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..graph import statistics
    from ..tables import render_table

    graph = load(args)
    stats = statistics(graph)
    print(f"triples: {len(graph):,}")
    print(f"caregraph classes declared: {stats['declared_classes'][0][0]}")
    print()
    print(printable(render_table(["class", "label", "instances"], stats["classes"], title="Instances per class")))
    print()
    print(printable(render_table(["source", "title", "quotations", "statements"], stats["sources"],
                                  title="Statements per source")))
    return EXIT_OK
