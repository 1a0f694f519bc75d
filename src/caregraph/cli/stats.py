"""``caregraph stats``: what the graph holds, per class, per source and in populations."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, printable


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "stats",
        formatter_class=Formatter,
        help="count triples, classes, instances per class, statements per source and populations",
        description="Summarise the graph: triples, declared classes, instances of each class, how many "
        "quotations and statements each source contributes, and the population observations of each "
        "dataset with their totals (registered patients, population and need-weighted population, "
        "rounded to whole people; empty where the dataset gives none).",
        epilog="example:\n  caregraph stats",
    )
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
    print(
        printable(
            render_table(
                ["source", "title", "quotations", "statements"], stats["sources"], title="Statements per source"
            )
        )
    )
    if stats["populations"]:
        print()
        print(
            printable(
                render_table(
                    [
                        "dataset",
                        "period",
                        "observations",
                        "registered patients",
                        "population",
                        "need-weighted population",
                    ],
                    stats["populations"],
                    title="Populations per dataset",
                )
            )
        )
    return EXIT_OK
