"""``caregraph queries``: the stored queries, or one query's documentation."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, project_of


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "queries",
        formatter_class=Formatter,
        help="list the stored queries, or show one query's documentation",
        description="List the stored queries in queries/ with their titles and parameters; with a NAME, show "
        "that query's question, description, sources, parameters and how to run it.",
        epilog="examples:\n  caregraph queries\n  caregraph queries concepts-of-scheme",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="a stored query to show in full")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import query as q
    from ..tables import render_table

    queries_dir = project_of(args).queries_dir
    if args.name:
        print(_query_documentation(q.stored(args.name, queries_dir)))
        return EXIT_OK
    rows = []
    for slug in q.library(queries_dir):
        stored = q.stored(slug, queries_dir)
        parameters = " ".join(f"{p.name}={p.default}" for p in stored.parameters.values())
        rows.append((slug, stored.summary, parameters))
    print(
        render_table(
            ["name", "title", "parameters (defaults)"],
            rows,
            title=f"{len(rows)} stored queries — `caregraph queries NAME` shows one in full",
        )
    )
    return EXIT_OK


def _query_documentation(stored) -> str:
    lines = [
        f"{stored.slug} — {stored.summary}",
        "",
        f"question:    {stored.question}",
        f"description: {stored.description}",
        f"sources:     {', '.join(stored.sources)}",
    ]
    if stored.tags:
        lines.append(f"tags:        {', '.join(stored.tags)}")
    if stored.parameters:
        lines.append("parameters:")
        for p in stored.parameters.values():
            lines.append(f"  {p.name} ({p.type}, default {p.default}): {p.description}")
    example = " ".join(f"--param {p.name}={p.default}" for p in stored.parameters.values())
    lines += ["", f"run:         caregraph query {stored.slug} {example}".rstrip(), f"file:        {stored.display}"]
    return "\n".join(lines)
