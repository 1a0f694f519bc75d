"""``caregraph serve``: the graph on the web (see :mod:`caregraph.web`)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .console import Formatter, load

_SERVE_EPILOG = """\
examples:
  caregraph serve                          then open http://127.0.0.1:7878/ in a browser
  caregraph serve --port 8080 --timeout 10
  caregraph serve --cors https://example.org   let pages served from that origin call the API
  curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/queries/concepts-of-scheme?scheme=cg:IntegrationScheme'
  curl --data-urlencode 'query=SELECT ?form WHERE { ?form rdfs:subClassOf cg:Partnership }' \\
       http://127.0.0.1:7878/sparql
  caregraph query partnership-forms --endpoint http://127.0.0.1:7878/sparql

routes:
  /                      the query editor (YASGUI), every stored query offered as an example
  /sparql                the SPARQL 1.1 Protocol: GET or POST, results negotiated by Accept; read-only
  /queries               the stored queries (HTML, or JSON by Accept)
  /queries/NAME?p=v      run a stored query, parameters bound as on the command line
  /openapi.json          the stored queries as an OpenAPI description
  /.well-known/void      the dataset in VoID and DCAT

The server reads the graph (the cached store, opened read-only; built first, as by every command, if the data
changed) and writes no file. It listens on loopback unless --host says otherwise. A query that runs longer than
--timeout is answered 503, and other requests are answered meanwhile.
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "serve",
        formatter_class=Formatter,
        help="serve the graph on the web: a SPARQL endpoint, a query editor and the stored queries",
        description="Serve the graph, read-only, over HTTP: a SPARQL 1.1 Protocol endpoint, a query editor in "
        "the browser, and the stored queries as a web API. Runs until interrupted (Ctrl-C).",
        epilog=_SERVE_EPILOG,
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every network)",
    )
    p.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878; 0 for a free one)")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds a query may run before it is answered 503 (default: 30)",
    )
    p.add_argument(
        "--cors",
        metavar="ORIGIN",
        help="an origin (or *) whose pages may call the server from a browser (default: none)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..web.app import create_app
    from ..web.server import serve

    app = create_app(load(args), timeout=args.timeout, cors=args.cors)
    serve(app, args.host, args.port, quiet=args.quiet)
    return EXIT_OK
