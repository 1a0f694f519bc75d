"""``caregraph publish``: load the graph into a SPARQL store (see :mod:`caregraph.publish`)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load, progress

NAMED_GRAPHS_HELP = """\
how a store sees the named graphs:
  Every triple goes into the named graph of each source that attests it (cgd:graph-source-000 …,
  cgd:graph-dataset-…), the ontology's into cgd:graph-ontology, the calendar's into cgd:graph-calendar,
  as in `caregraph export --format trig`. A query sees only the store's default graph unless it names
  graphs (GRAPH, FROM), so publish also puts the whole graph there; Oxigraph and Fuseki keep a default
  graph of their own. Virtuoso keeps none and lets a query see every graph at once, where a triple two
  sources attest counts twice: give it the union as a named graph with --union-graph IRI, and query
  with …/sparql?default-graph-uri=IRI.
"""

_EPILOG = f"""\
{NAMED_GRAPHS_HELP}
credentials: --user/--password, else $CAREGRAPH_STORE_USER/$CAREGRAPH_STORE_PASSWORD, else the host's
  entry in ~/.netrc; basic or digest authentication, as the store asks.

examples:
  oxigraph serve --location store --bind 127.0.0.1:7878 &
  caregraph publish --endpoint http://127.0.0.1:7878/store
  caregraph query first-wave-by-source --endpoint http://127.0.0.1:7878/query

  caregraph publish --endpoint http://127.0.0.1:3030/caregraph/data --replace      # Fuseki, loaded again

  caregraph publish --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba \\
      --union-graph https://w3id.org/caregraph/id/graph-all                        # Virtuoso (digest)
  caregraph query first-wave-by-source \\
      --endpoint 'http://127.0.0.1:8890/sparql?default-graph-uri=https://w3id.org/caregraph/id/graph-all'
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "publish",
        formatter_class=Formatter,
        help="load the graph into a SPARQL store (Graph Store Protocol), one named graph per source",
        description="Load the graph into a SPARQL store through the SPARQL 1.1 Graph Store Protocol: one named "
        "graph per source, as the TriG export, and the whole graph in the default graph. Each graph "
        "is read back and counted; a store holding another number of triples than caregraph sent "
        "is exit 3, naming the graph.",
        epilog=_EPILOG,
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's Graph Store Protocol URL (Oxigraph …/store, Fuseki …/DATASET/data, Virtuoso "
        "…/sparql-graph-crud-auth)",
    )
    p.add_argument(
        "--default-graph",
        choices=("union", "none"),
        default="union",
        help="union: the whole graph in the store's default graph (default); none: named graphs only",
    )
    p.add_argument(
        "--union-graph",
        metavar="IRI",
        help="put the whole graph in this named graph instead of the default graph (Virtuoso)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace graphs the store already holds (without it, publish refuses to touch them)",
    )
    p.add_argument("--user", metavar="NAME", help="user name for the store (or $CAREGRAPH_STORE_USER, ~/.netrc)")
    p.add_argument(
        "--password",
        metavar="TEXT",
        help="password (prefer $CAREGRAPH_STORE_PASSWORD or ~/.netrc: others can read command lines)",
    )
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for each request (default: 300)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import publish as store

    graph = load(args)
    loaded = store.publish(
        graph,
        args.endpoint,
        default_graph=args.default_graph,
        union_graph=args.union_graph,
        replace=args.replace,
        user=args.user,
        password=args.password,
        timeout=store.DEFAULT_TIMEOUT if args.timeout is None else args.timeout,
        progress=lambda line: progress(args, line),
    )
    progress(args, f"published {len(loaded)} graphs to {args.endpoint}; every count matches")
    return EXIT_OK
