"""``caregraph build``: merge the ontology and data into one graph and write it as Turtle and N-Triples."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, progress


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "build",
        formatter_class=Formatter,
        help="merge the ontology and data into one graph and write it as Turtle and N-Triples",
        description="Merge ontology/*.ttl and data/**/*.ttl (with the calendar described) into one graph and "
        "write DIR/caregraph.ttl and DIR/caregraph.nt, deterministically sorted.",
        epilog="examples:\n  caregraph build\n  caregraph build -o /tmp/caregraph   # then load it into "
        "GraphDB, Jena or Oxigraph",
    )
    p.add_argument("-o", "--output", metavar="DIR", default="build", help="folder to write to (default: build)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..export import build

    graph = load(args)
    for path in build(graph, args.output):
        progress(args, f"wrote {path}")
    return EXIT_OK
