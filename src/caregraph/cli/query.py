"""``caregraph query``: a stored query, a query file or SPARQL text, embedded or on an endpoint, through
:func:`caregraph.query.run`."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK
from .console import Formatter, project_of, write_stdout

_QUERY_EPILOG = """\
examples:
  caregraph queries                                        the stored queries, with their parameters
  caregraph query partnership-forms                        a stored query, with its defaults
  caregraph query concepts-of-scheme --param scheme=cg:AccountableCareCharacteristicScheme
  caregraph query kinds-of --param class=cg:Provider --param class=cg:Commissioner   one VALUES row each
  caregraph query partnership-forms --format csv > forms.csv
  caregraph query my-question.rq --format json             a query file of your own
  caregraph query --sparql 'SELECT ?form ?label WHERE { ?form rdfs:subClassOf cg:Partnership ; rdfs:label ?label }'
  caregraph query partnership-forms --endpoint http://localhost:7878/query   any SPARQL 1.1 endpoint
  caregraph query my-question.rq --timeout 30              stop it after 30 s (default 300; Ctrl-C stops it too)
  caregraph query federated.rq --allow-service             let its SERVICE clauses reach other endpoints
  caregraph query partnership-of-ccg --param ccg=03x --param day=2017-06-30   codes in any case, or a GSS code
  caregraph query landscape-on --param day=2022-07-01      every partnership in force that day, named as then

output formats:
  table   aligned columns, IRIs as prefixed names, cut to the terminal's width (for reading)
  csv     W3C SPARQL 1.1 CSV results: full IRIs, plain values (for pandas, R, spreadsheets)
  tsv     W3C SPARQL 1.1 TSV results: every value an RDF term (<iri>, "text"@en, 44)
  json    W3C SPARQL 1.1 JSON results;  xml: W3C SPARQL XML results
  turtle  for CONSTRUCT and DESCRIBE (also nt; xml is RDF/XML and json is JSON-LD for them)
  The default is table on a terminal and csv when the output goes to a file or a pipe, so that nothing is
  ever cut short; CONSTRUCT and DESCRIBE default to turtle, ASK prints true or false.

Limits: --timeout is a deadline for the whole query, embedded or remote (exit 3 when it passes); an embedded
query runs in a child process under a memory ceiling, and never reaches the network unless --allow-service is
given. csv, tsv, json and xml results are written as they come.

Parameters become typed RDF terms in the query's VALUES blocks, never pasted text; the same rewritten query
runs embedded and on an endpoint, so both give the same rows. A code parameter takes an ODS or GSS code in any
case, a CCG's GSS code where its ODS code is asked, or a name. When a stored query answers nothing, a line on
stderr says why (a value naming nothing, with "did you mean"; a day outside the data; a code closed or merged);
--sparql warns about cg: terms the vocabulary does not declare. Prefixed names may use caregraph's prefixes
(cg:, cgd:, org:, prov:, skos: …), which ad-hoc queries may also use without declaring them.
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "query",
        formatter_class=Formatter,
        help="run a stored query, a query file or your own SPARQL, embedded or on an endpoint",
        description="Run a stored query (by name, see `caregraph queries`), a .rq file, or SPARQL given with "
        "--sparql, on the embedded graph (no server needed) or on a SPARQL 1.1 endpoint.",
        epilog=_QUERY_EPILOG,
    )
    p.add_argument("query", nargs="?", metavar="NAME|FILE.rq", help="a stored query's name or a query file")
    p.add_argument("--sparql", metavar="TEXT", help="SPARQL text to run instead of a stored query")
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a parameter (repeat for several parameters or several values)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt"],
        help="output format (default: table on a terminal, else csv; turtle for CONSTRUCT)",
    )
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead of the embedded graph")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds the whole query may take, embedded or on an endpoint, before it is stopped "
        "(default: 300); Ctrl-C stops it at once",
    )
    p.add_argument(
        "--allow-service",
        action="store_true",
        help="let an embedded query's SERVICE clauses reach other SPARQL endpoints (refused otherwise: "
        "a query file could make caregraph contact any server); --timeout still bounds it",
    )
    p.set_defaults(run=run)


def _parameters(pairs: list[str]) -> dict[str, list[str]]:
    from ..errors import InputError

    values: dict[str, list[str]] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InputError(f"--param {pair!r}: write NAME=VALUE, e.g. --param scheme=cg:VanguardTypeScheme")
        values.setdefault(name.strip(), []).append(value)
    return values


def run(args: argparse.Namespace) -> int:
    from .. import query as q
    from ..errors import InputError

    if (args.query is None) == (args.sparql is None):
        raise InputError(
            "give a stored query's name, a .rq file, or --sparql TEXT (one of them)",
            hint="caregraph queries lists the stored queries",
        )
    project = project_of(args)
    if args.sparql is not None:
        prepared = q.Query.from_text(args.sparql, "--sparql")
    else:
        prepared = q.resolve(args.query, project.queries_dir)
    params = _parameters(args.param)
    timeout = q.DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    fmt = args.format
    if fmt is None:
        fmt = "turtle" if prepared.form == "graph" else ("table" if sys.stdout.isatty() else "csv")
    if prepared.form != "graph" and fmt not in q.RESULT_FORMATS[prepared.form]:
        q.QueryResult(prepared.form).serialize(fmt)  # says which formats apply, before the query runs
    if args.endpoint:
        result = q.run(prepared, params, endpoint=args.endpoint, timeout=timeout)
    else:
        from ..graph import CareGraph

        graph = CareGraph.load(project, cache=not args.no_cache)
        if args.sparql is not None:
            from ..query import undeclared
            from ..vocabulary import Vocabulary

            for line in undeclared.warnings(prepared, Vocabulary.of(graph.store)):
                print(f"caregraph: warning: {line}", file=sys.stderr)
        # Results of your own SPARQL in a W3C format are written as the engine produces them, never held whole; a
        # stored query's answer is held, so that an empty one can be explained.
        if not prepared.slug and prepared.form != "graph" and fmt in ("csv", "tsv", "json", "xml"):
            q.stream(
                prepared, params, fmt, write_stdout, graph=graph, timeout=timeout, allow_service=args.allow_service
            )
            return EXIT_OK
        result = q.run(prepared, params, graph=graph, timeout=timeout, allow_service=args.allow_service)
        if result.kind != "ask" and not len(result) and prepared.slug:
            from ..query import empty  # only an empty answer needs the calendar and the explanations

            print(f"caregraph: empty answer: {empty.explain(prepared, params, graph.store)}", file=sys.stderr)
    write_stdout(result.serialize(fmt, title=prepared.summary if fmt == "table" else None))
    return EXIT_OK
