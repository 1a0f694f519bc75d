"""``caregraph docs``: write the vocabulary, entity and source pages as static HTML."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, progress


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "docs",
        formatter_class=Formatter,
        help="write the vocabulary, entity and source pages as static HTML, for publishing",
        description="Write the pages that `caregraph serve` shows for the vocabulary (def/), every entity (id/) "
        "and every source (sources/) into DIR as static HTML with relative links, so the folder can "
        "be published on any web server or opened from disk. DIR is replaced as a whole, and only "
        "once every page is written.",
        epilog="examples:\n"
        "  caregraph docs -o site            then open site/index.html\n"
        "  caregraph docs -o site && python3 -m http.server -d site -b 127.0.0.1",
    )
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder to write (replaced if it exists)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..web.docs import write

    graph = load(args)
    counts = write(graph, args.output, progress=lambda message: progress(args, message))
    progress(args, f"wrote {sum(counts.values())} pages to {args.output}")
    return EXIT_OK
