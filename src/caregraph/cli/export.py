"""``caregraph export``: the whole graph in one RDF format (see :mod:`caregraph.export`)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, progress, write_stdout
from .publish import NAMED_GRAPHS_HELP

# The choices of --format, written out here so that building the parser imports no caregraph.export: that cost
# `caregraph query` a quarter of its start-up (bench/README.md). tests/test_cli.py checks they are export's list.
FORMATS = ("jsonld", "nquads", "nt", "trig", "turtle", "xml")


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "export",
        formatter_class=Formatter,
        help="write the whole graph as Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads",
        description="Write the whole graph in one RDF format. Turtle and N-Triples are byte-identical across "
        "runs; TriG and N-Quads keep the ontology, the calendar and each source's statements in named "
        "graphs; JSON-LD is compacted, with caregraph's prefixes as its @context.",
        epilog="examples:\n  caregraph export > caregraph.ttl\n  caregraph export --format nt -o caregraph.nt\n"
        "  caregraph export --format trig -o caregraph.trig     # one named graph per source\n"
        "  caregraph export --format nquads -o caregraph.nq     # the same, one quad a line\n"
        "  caregraph export --format jsonld -o caregraph.jsonld # compacted, prefixes as @context\n"
        "  caregraph export --inferred -o inferred.ttl          # plus OWL 2 RL entailments\n\n"
        + NAMED_GRAPHS_HELP
        + "  Loading a TriG or N-Quads file into a store leaves its default graph "
        "empty: load the N-Triples\n  export as well, or use `caregraph publish`.",
    )
    p.add_argument("--format", "-f", default="turtle", choices=FORMATS, help="RDF format (default: turtle)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument("--inferred", action="store_true", help="add what the OWL 2 RL rules entail (slower)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..export import export

    graph = load(args)
    if args.inferred:
        progress(args, "applying the OWL 2 RL rules")
    data = export(graph, args.format, args.output, inferred=args.inferred)
    if args.output:
        progress(args, f"wrote {args.output} ({len(data):,} bytes)")
    else:
        write_stdout(data)
    return EXIT_OK
