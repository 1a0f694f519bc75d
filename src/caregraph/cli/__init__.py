"""The ``caregraph`` command: thin functions over the Python API.

Each command has a ``_<name>_parser`` that declares its options and examples, and a ``_run_<name>`` that calls
the API and prints. Errors are :class:`caregraph.errors.CaregraphError`; :func:`main` prints them as one line and
returns their exit code (see :mod:`caregraph.errors`), with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import EXIT_BAD_INPUT, EXIT_ENDPOINT_OR_IO, EXIT_OK, CaregraphError

EXIT_INTERNAL_ERROR = 4

# The choices of --format and --engine, written out here so that building the parser, which every command does,
# imports neither caregraph.export nor caregraph.validate: that cost `caregraph query` a quarter of its start-up
# (bench/README.md). tests/test_cli.py checks that they are the lists of those modules.
EXPORT_FORMATS = ("jsonld", "nquads", "nt", "trig", "turtle", "xml")
REPORT_FORMATS = ("text", "json", "tsv", "turtle")
VALIDATION_ENGINES = ("fast", "pyshacl")
FAIL_ON = ("violation", "warning", "info", "none")

_DESCRIPTION = """\
caregraph — a linked-data knowledge graph of England's integrated health and care landscape:
STPs, accountable and integrated care systems, ACOs, vanguards, their organisations, footprints and
contracts, every fact attributed to a quotation from its source.

exit codes: 0 ok · 1 data does not conform / check failed · 2 bad input or usage · 3 endpoint or I/O failure,
or a time or memory limit reached
"""

_EPILOG = """\
examples:
  caregraph build                      merge ontology and data; write build/caregraph.ttl and .nt
  caregraph stats                      what the graph holds, per class and per source
  caregraph queries                    the stored questions; run one with `caregraph query NAME`
  caregraph validate my-record.ttl     does a new record fit the model? (exit 0 yes, 1 no)
  caregraph add my-record.ttl          validate it and, if it passes, copy it into this checkout's data/
  caregraph remove data/areas/my-record.ttl   remove a record added earlier
  caregraph export --format trig -o caregraph.trig
  caregraph serve                      a SPARQL endpoint and query editor on http://127.0.0.1:7878/
  caregraph docs -o site               the vocabulary, entity and source pages as static HTML
  caregraph <command> --help           options and examples of one command
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def _progress(args: argparse.Namespace, message: str) -> None:
    """A stage line on stderr for long work; silent under --quiet so scripts can read stdout alone."""
    if not args.quiet:
        print(f"caregraph: {message}", file=sys.stderr, flush=True)


def _project(args: argparse.Namespace):
    from ..project import Project

    return Project.locate(args.root)


def _load(args: argparse.Namespace):
    from ..graph import CareGraph

    project = _project(args)
    _progress(args, f"loading {len(project.graph_files())} Turtle files from {project.root}")
    graph = CareGraph.load(project, cache=not args.no_cache)
    if not args.quiet:  # counting the triples reads the whole store: a second at a million triples
        _progress(args, f"graph has {len(graph):,} triples")
    return graph


def _printable(text: str) -> str:
    """Text for the terminal with the control characters that data may hold escaped (see errors.printable)."""
    from ..errors import printable

    return printable(text)


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        from ..errors import StorageError

        raise StorageError(f"cannot write the output: {error.strerror or error}") from None


class _ClosedOutput:
    """Standard output when the command was started with it closed (``>&-``): writing to it is an I/O error."""

    def _closed(self, *args, **kwargs):
        from ..errors import StorageError

        raise StorageError("cannot write the output: standard output is closed")

    write = fileno = _closed
    buffer = property(lambda self: self)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


# --- build ---------------------------------------------------------------------------------------------------

def _build_parser(commands) -> None:
    p = commands.add_parser(
        "build", formatter_class=_Formatter,
        help="merge the ontology and data into one graph and write it as Turtle and N-Triples",
        description="Merge ontology/*.ttl and data/**/*.ttl (with the calendar described) into one graph and "
                    "write DIR/caregraph.ttl and DIR/caregraph.nt, deterministically sorted.",
        epilog="examples:\n  caregraph build\n  caregraph build -o /tmp/caregraph   # then load it into "
               "GraphDB, Jena or Oxigraph")
    p.add_argument("-o", "--output", metavar="DIR", default="build", help="folder to write to (default: build)")
    p.set_defaults(run=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from ..export import build

    graph = _load(args)
    for path in build(graph, args.output):
        _progress(args, f"wrote {path}")
    return EXIT_OK


# --- export --------------------------------------------------------------------------------------------------

def _export_parser(commands) -> None:
    p = commands.add_parser(
        "export", formatter_class=_Formatter,
        help="write the whole graph as Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads",
        description="Write the whole graph in one RDF format. Turtle and N-Triples are byte-identical across "
                    "runs; TriG and N-Quads keep the ontology, the calendar and each source's statements in named "
                    "graphs; JSON-LD is compacted, with caregraph's prefixes as its @context.",
        epilog="examples:\n  caregraph export > caregraph.ttl\n  caregraph export --format nt -o caregraph.nt\n"
               "  caregraph export --format trig -o caregraph.trig     # one named graph per source\n"
               "  caregraph export --format nquads -o caregraph.nq     # the same, one quad a line\n"
               "  caregraph export --format jsonld -o caregraph.jsonld # compacted, prefixes as @context\n"
               "  caregraph export --inferred -o inferred.ttl          # plus OWL 2 RL entailments\n\n"
               + NAMED_GRAPHS_HELP + "  Loading a TriG or N-Quads file into a store leaves its default graph "
               "empty: load the N-Triples\n  export as well, or use `caregraph publish`.")
    p.add_argument("--format", "-f", default="turtle", choices=EXPORT_FORMATS, help="RDF format (default: turtle)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument("--inferred", action="store_true", help="add what the OWL 2 RL rules entail (slower)")
    p.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from ..export import export

    graph = _load(args)
    if args.inferred:
        _progress(args, "applying the OWL 2 RL rules")
    data = export(graph, args.format, args.output, inferred=args.inferred)
    if args.output:
        _progress(args, f"wrote {args.output} ({len(data):,} bytes)")
    else:
        _write_stdout(data)
    return EXIT_OK


# --- stats ---------------------------------------------------------------------------------------------------

def _stats_parser(commands) -> None:
    p = commands.add_parser(
        "stats", formatter_class=_Formatter,
        help="count triples, classes, instances per class and statements per source",
        description="Summarise the graph: triples, declared classes, instances of each class, and how many "
                    "quotations and statements each source contributes.",
        epilog="example:\n  caregraph stats")
    p.set_defaults(run=_run_stats)


def _run_stats(args: argparse.Namespace) -> int:
    from ..graph import statistics
    from ..tables import render_table

    graph = _load(args)
    stats = statistics(graph)
    print(f"triples: {len(graph):,}")
    print(f"caregraph classes declared: {stats['declared_classes'][0][0]}")
    print()
    print(_printable(render_table(["class", "label", "instances"], stats["classes"], title="Instances per class")))
    print()
    print(_printable(render_table(["source", "title", "quotations", "statements"], stats["sources"],
                                  title="Statements per source")))
    return EXIT_OK


# --- check ---------------------------------------------------------------------------------------------------

def _check_parser(commands) -> None:
    p = commands.add_parser(
        "check", formatter_class=_Formatter,
        help="run the quality checks: labels, definitions, undeclared terms, sources, quotations, reasoner",
        description="Run every quality check of ontology/checks/*.rq and the built-in ones (undeclared terms, "
                    "unattested triples, blank nodes, quotations not found in their source, OWL 2 RL "
                    "consistency) and print a report. Exit 1 when a finding reaches --fail-on.",
        epilog="examples:\n  caregraph check\n  caregraph check --sources ../shared/sources --format tsv > report.tsv\n"
               "  caregraph check --fail-on warning           # stricter: warnings fail too\n"
               "  caregraph check --skip reasoner-inconsistency   # faster, without the reasoner\n"
               "  caregraph check --list                      # what each check looks for")
    p.add_argument("--sources", metavar="DIR", help="folder of the source documents' texts (default: "
                                                     "CAREGRAPH_SOURCES or ../shared/sources beside the project)")
    p.add_argument("--fail-on", choices=FAIL_ON, default="violation",
                   help="lowest severity that fails the check (default: violation; none: never fail)")
    p.add_argument("--skip", metavar="CHECK", action="append", default=[], help="leave a check out (repeatable)")
    p.add_argument("--format", "-f", choices=[f for f in REPORT_FORMATS if f != "turtle"], default="text",
                   help="report format, as validate's (default: text)")
    p.add_argument("--list", action="store_true", help="list the checks with their severity and fix, and exit")
    p.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    from ..check import load_checks, run_checks
    from ..errors import EXIT_NOT_CONFORMING
    from ..tables import render_table
    from ..validate import render

    project = _project(args)
    if args.list:
        print(render_table(["check", "severity", "looks for", "fix"],
                           [(c.name, c.severity, c.summary, c.fix) for c in load_checks(project)]))
        return EXIT_OK
    sources = None if "quotation-not-in-source" in args.skip else project.sources_dir(args.sources)
    graph = _load(args)
    report = run_checks(graph, project, sources_dir=sources, skip=args.skip,
                        progress=lambda message: _progress(args, message))
    rendered = render(report, args.format)
    sys.stdout.write(_printable(rendered) if args.format in ("text", "tsv") else rendered)
    return EXIT_NOT_CONFORMING if report.fails(args.fail_on) else EXIT_OK

# --- import-reference ----------------------------------------------------------------------------------------

def _import_reference_parser(commands) -> None:
    p = commands.add_parser(
        "import-reference", formatter_class=_Formatter,
        help="turn the reference data files in data/reference/ into Turtle (national coverage)",
        description="Read the copied open data files in data/reference/ (ONS lookups, NHS Digital and RCPCH "
                    "tables, the trust lookup, the vanguard list, the ODS roles) and write one Turtle file per "
                    "concern beside them: every row a quotation, every fact a claim or sourced record. The output "
                    "is deterministic, so the committed files can be checked with --check.",
        epilog="examples:\n"
               "  caregraph import-reference                 regenerate data/reference/*.ttl\n"
               "  caregraph import-reference --check         exit 1 if the committed Turtle is out of date\n"
               "  caregraph import-reference -o /tmp/ref     write elsewhere, e.g. to diff with the committed files\n"
               "  caregraph import-reference --from ../shared/data -o /tmp/ref   import another copy of the files")
    p.add_argument("--from", dest="source", metavar="DIR",
                   help="folder holding the reference files (default: the project's data/reference)")
    p.add_argument("-o", "--output", metavar="DIR", help="folder to write to (default: the --from folder)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any generated file differs from a fresh import")
    p.set_defaults(run=_run_import_reference)


def _run_import_reference(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import EXIT_NOT_CONFORMING
    from ..reference import import_reference, outdated_files

    project = _project(args)
    source = Path(args.source) if args.source else project.reference_dir
    if args.output is None and args.source is None and not args.check:
        project.writable(source)  # it would regenerate the project's own data/reference/
    if args.check:
        stale = outdated_files(source, args.output)
        for name in stale:
            print(f"out of date: {name}")
        _progress(args, f"{len(stale)} generated file(s) differ from a fresh import of {project.relative(source)}")
        return EXIT_NOT_CONFORMING if stale else EXIT_OK

    def wrote(path: Path, data: bytes) -> None:
        _progress(args, f"wrote {project.relative(path)} ({len(data):,} bytes)")

    _progress(args, f"importing the reference files in {project.relative(source)}")
    import_reference(source, args.output, progress=wrote)
    return EXIT_OK




# --- query ---------------------------------------------------------------------------------------------------

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


def _query_parser(commands) -> None:
    p = commands.add_parser(
        "query", formatter_class=_Formatter,
        help="run a stored query, a query file or your own SPARQL, embedded or on an endpoint",
        description="Run a stored query (by name, see `caregraph queries`), a .rq file, or SPARQL given with "
                    "--sparql, on the embedded graph (no server needed) or on a SPARQL 1.1 endpoint.",
        epilog=_QUERY_EPILOG)
    p.add_argument("query", nargs="?", metavar="NAME|FILE.rq", help="a stored query's name or a query file")
    p.add_argument("--sparql", metavar="TEXT", help="SPARQL text to run instead of a stored query")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter (repeat for several parameters or several values)")
    p.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt"],
                   help="output format (default: table on a terminal, else csv; turtle for CONSTRUCT)")
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead of the embedded graph")
    p.add_argument("--timeout", type=float, metavar="S",
                   help="seconds the whole query may take, embedded or on an endpoint, before it is stopped "
                        "(default: 300); Ctrl-C stops it at once")
    p.add_argument("--allow-service", action="store_true",
                   help="let an embedded query's SERVICE clauses reach other SPARQL endpoints (refused otherwise: "
                        "a query file could make caregraph contact any server); --timeout still bounds it")
    p.set_defaults(run=_run_query)


def _parameters(pairs: list[str]) -> dict[str, list[str]]:
    from ..errors import InputError

    values: dict[str, list[str]] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InputError(f"--param {pair!r}: write NAME=VALUE, e.g. --param scheme=cg:VanguardTypeScheme")
        values.setdefault(name.strip(), []).append(value)
    return values


def _run_query(args: argparse.Namespace) -> int:
    from .. import query as q
    from ..errors import InputError

    if (args.query is None) == (args.sparql is None):
        raise InputError("give a stored query's name, a .rq file, or --sparql TEXT (one of them)",
                         hint="caregraph queries lists the stored queries")
    project = _project(args)
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
        result = q.run_remote(args.endpoint, prepared.bind(params), prepared.form, timeout)
    else:
        from ..graph import CareGraph
        from ..query import codes

        if prepared.service_line is not None and not args.allow_service:
            raise q.refuse_service(f"{prepared.display}:{prepared.service_line}")
        graph = CareGraph.load(project, cache=not args.no_cache)
        if args.sparql is not None:
            from ..query import undeclared
            from ..vocabulary import Vocabulary

            for line in undeclared.warnings(prepared, Vocabulary.of(graph.store)):
                print(f"caregraph: warning: {line}", file=sys.stderr)
        params = codes.resolve(prepared, params, graph.store)
        # Results of your own SPARQL in a W3C format are written as the engine produces them, never held whole; a
        # stored query's answer is held, so that an empty one can be explained.
        stream = (fmt if not prepared.slug and prepared.form != "graph" and fmt in ("csv", "tsv", "json", "xml")
                  else None)
        result = q.run_embedded(graph, prepared.bind(params), timeout=timeout, allow_service=args.allow_service,
                                stream=stream, deliver=_write_stdout)
        if result is None:
            return EXIT_OK
        if result.kind != "ask" and not len(result) and prepared.slug:
            from ..query import empty  # only an empty answer needs the calendar and the explanations

            print(f"caregraph: empty answer: {empty.explain(prepared, params, graph.store)}", file=sys.stderr)
    _write_stdout(result.serialize(fmt, title=prepared.summary if fmt == "table" else None))
    return EXIT_OK


# --- queries -------------------------------------------------------------------------------------------------

def _queries_parser(commands) -> None:
    p = commands.add_parser(
        "queries", formatter_class=_Formatter,
        help="list the stored queries, or show one query's documentation",
        description="List the stored queries in queries/ with their titles and parameters; with a NAME, show "
                    "that query's question, description, sources, parameters and how to run it.",
        epilog="examples:\n  caregraph queries\n  caregraph queries concepts-of-scheme")
    p.add_argument("name", nargs="?", metavar="NAME", help="a stored query to show in full")
    p.set_defaults(run=_run_queries)


def _run_queries(args: argparse.Namespace) -> int:
    from .. import query as q
    from ..tables import render_table

    queries_dir = _project(args).queries_dir
    if args.name:
        print(_query_documentation(q.stored(args.name, queries_dir)))
        return EXIT_OK
    rows = []
    for slug in q.library(queries_dir):
        stored = q.stored(slug, queries_dir)
        parameters = " ".join(f"{p.name}={p.default}" for p in stored.parameters.values())
        rows.append((slug, stored.summary, parameters))
    print(render_table(["name", "title", "parameters (defaults)"], rows,
                       title=f"{len(rows)} stored queries — `caregraph queries NAME` shows one in full"))
    return EXIT_OK


def _query_documentation(stored) -> str:
    lines = [f"{stored.slug} — {stored.summary}", "", f"question:    {stored.question}",
             f"description: {stored.description}", f"sources:     {', '.join(stored.sources)}"]
    if stored.tags:
        lines.append(f"tags:        {', '.join(stored.tags)}")
    if stored.parameters:
        lines.append("parameters:")
        for p in stored.parameters.values():
            lines.append(f"  {p.name} ({p.type}, default {p.default}): {p.description}")
    example = " ".join(f"--param {p.name}={p.default}" for p in stored.parameters.values())
    lines += ["", f"run:         caregraph query {stored.slug} {example}".rstrip(), f"file:        {stored.display}"]
    return "\n".join(lines)


# --- serve ---------------------------------------------------------------------------------------------------

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


def _serve_parser(commands) -> None:
    p = commands.add_parser(
        "serve", formatter_class=_Formatter,
        help="serve the graph on the web: a SPARQL endpoint, a query editor and the stored queries",
        description="Serve the graph, read-only, over HTTP: a SPARQL 1.1 Protocol endpoint, a query editor in "
                    "the browser, and the stored queries as a web API. Runs until interrupted (Ctrl-C).",
        epilog=_SERVE_EPILOG)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every network)")
    p.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878; 0 for a free one)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S",
                   help="seconds a query may run before it is answered 503 (default: 30)")
    p.add_argument("--cors", metavar="ORIGIN",
                   help="an origin (or *) whose pages may call the server from a browser (default: none)")
    p.set_defaults(run=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from ..web.app import create_app
    from ..web.server import serve

    app = create_app(_load(args), timeout=args.timeout, cors=args.cors)
    serve(app, args.host, args.port, quiet=args.quiet)
    return EXIT_OK


# --- validate ------------------------------------------------------------------------------------------------

_GATE_HELP = """\
what is checked:
  the SHACL shapes of ontology/shapes/, on the records exactly as their files write them (literals included);
  and, for new records, the rules of `caregraph check`: every triple attested (a claim states it, or its subject
  is a record derived from a quotation), every quotation's words found in its own source's text (--sources DIR
  for the text of a source the record introduces), every term declared ("did you mean …"; also for
  http:// written for https:// and / for #), and every node checked by some shape. Each result names the
  record's file and line.

exit codes (as ROBOT's --fail-on):
  --fail-on violation   exit 1 when a result is a violation (the default); warnings and infos are reported
  --fail-on warning     exit 1 on warnings too;   --fail-on info: on any result;   --fail-on none: never
  The Turtle report is the standard sh:ValidationReport: sh:conforms is true only when it holds no result.
"""


def _validate_parser(commands) -> None:
    p = commands.add_parser(
        "validate", formatter_class=_Formatter,
        help="check records, or the whole graph, against the shapes and the provenance rules, in plain words",
        description="Check records against the SHACL shapes in ontology/shapes/ and the provenance rules. With "
                    "FILEs, the records in them are checked in the context of the graph (so they may point at the "
                    "organisations, places, quotations and sources it holds) and only those records are reported; "
                    "with none, the whole graph is checked against the shapes.",
        epilog=_GATE_HELP + "\nexamples:\n"
               "  caregraph validate examples/valid/later-wave-ics.ttl     check one new record\n"
               "  caregraph validate my-ics.ttl my-contract.ttl            several records together\n"
               "  caregraph validate my-source.ttl --sources my-texts/     a new source with its text\n"
               "  caregraph validate                                       the whole shipped graph\n"
               "  caregraph validate --fail-on warning                     warnings fail too\n"
               "  caregraph validate my-ics.ttl --format json | jq .results\n"
               "  caregraph validate --format turtle > report.ttl          the standard SHACL report\n"
               "  caregraph validate my-ics.ttl --shapes my-shapes.ttl     against other shapes\n"
               "  caregraph validate --engine pyshacl                      the same, by the reference engine")
    p.add_argument("files", nargs="*", metavar="FILE", help="Turtle files of new records (default: the whole graph)")
    p.add_argument("--format", "-f", default="text", choices=REPORT_FORMATS,
                   help="text for people (default), json for scripts, tsv for spreadsheets, turtle for the SHACL "
                        "report")
    _gate_options(p)
    p.add_argument("--shapes", metavar="FILE", action="append",
                   help="validate against the shapes in FILE instead of ontology/shapes/*.ttl (repeatable)")
    p.add_argument("--engine", default="fast", choices=VALIDATION_ENGINES,
                   help="fast (default): pyshacl-turbo for the core shapes, SPARQL rules once per graph in the "
                        "embedded store; pyshacl: every shape in pyshacl, the reference (same results, much "
                        "slower on large graphs)")
    p.set_defaults(run=_run_validate)


def _gate_options(p) -> None:
    p.add_argument("--fail-on", choices=FAIL_ON, default="violation",
                   help="the least severe result that fails (exit 1): violation (default), warning, info or none")
    p.add_argument("--sources", metavar="DIR", action="append", default=[],
                   help="a folder of source texts to look for quotations' words in before the project's own "
                        "(CAREGRAPH_SOURCES or ../shared/sources); repeatable")


def _run_validate(args: argparse.Namespace) -> int:
    from ..errors import EXIT_NOT_CONFORMING
    from ..files import check_input
    from ..validate import load_shapes, render, validate_graph, validate_records

    for path in [*args.files, *(args.shapes or [])]:
        check_input(path)
    graph = _load(args)
    shapes = load_shapes(args.shapes) if args.shapes else None
    if args.files:
        _progress(args, f"validating {len(args.files)} file(s) in the context of the graph")
        report = validate_records(args.files, graph, shapes, engine=args.engine, sources=args.sources)
    else:
        _progress(args, "validating the whole graph")
        report = validate_graph(graph, shapes, engine=args.engine)
    rendered = render(report, args.format)
    sys.stdout.write(_printable(rendered) if args.format in ("text", "tsv") else rendered)
    return EXIT_NOT_CONFORMING if report.fails(args.fail_on) else EXIT_OK


# --- add and remove ------------------------------------------------------------------------------------------

def _add_parser(commands) -> None:
    p = commands.add_parser(
        "add", formatter_class=_Formatter,
        help="validate a record and, only if it passes, copy it into the project's data/",
        description="Validate the record in FILE in the context of the graph, as `caregraph validate FILE` does, "
                    "and only if it passes copy it unchanged into data/<folder>/ of the project in use — areas/ "
                    "for a partnership, organisations/, contracts/ or sources/ by the kind of its main node — and "
                    "print the path written. The project is the caregraph checkout containing the current folder, "
                    "or the one --root (or CAREGRAPH_ROOT) names; the copy installed with caregraph is read-only, "
                    "so outside a checkout add refuses (exit 2). The copy is atomic and never replaces an "
                    "existing file; when the record fails nothing is written and the report says why (exit 1).",
        epilog=_GATE_HELP + "\nexamples:\n"
               "  caregraph add my-ics.ttl                       → /…/caregraph/data/areas/my-ics.ttl\n"
               "  caregraph add my-contract.ttl                  → /…/caregraph/data/contracts/my-contract.ttl\n"
               "  caregraph add my-record.ttl --folder areas     choose the folder yourself\n"
               "  caregraph add my-ics.ttl --root ~/caregraph    into that checkout, from anywhere\n"
               "  caregraph remove data/areas/my-ics.ttl         undo it")
    p.add_argument("file", metavar="FILE", help="a Turtle file holding one record and its claims and quotations")
    p.add_argument("--folder", metavar="NAME", help="the folder of data/ to add it to (default: by its kind)")
    _gate_options(p)
    p.set_defaults(run=_run_add)


def _run_add(args: argparse.Namespace) -> int:
    from ..errors import EXIT_NOT_CONFORMING
    from ..files import check_input
    from ..validate import add_record, render_text

    check_input(args.file)
    graph = _load(args)
    outcome = add_record(args.file, graph, folder=args.folder, sources=args.sources, fail_on=args.fail_on)
    if outcome.target is None:
        sys.stdout.write(_printable(render_text(outcome.report)))
        print("caregraph: nothing was added: the record does not pass", file=sys.stderr)
        return EXIT_NOT_CONFORMING
    if outcome.report.results:
        sys.stdout.write(_printable(render_text(outcome.report)))
    print(f"added {outcome.target}")
    return EXIT_OK


def _remove_parser(commands) -> None:
    p = commands.add_parser(
        "remove", formatter_class=_Formatter,
        help="remove a record file from the project's data/, unless other records point at it",
        description="Remove FILE, a record under data/ of the project in use (as `caregraph add` wrote it). "
                    "When other records point at the nodes it describes — a claim about them, a membership of "
                    "them — nothing is removed and they are named (exit 1): remove or change those first. The "
                    "installed copy of caregraph is read-only (exit 2).",
        epilog="examples:\n"
               "  caregraph remove data/areas/my-ics.ttl\n"
               "  caregraph remove /home/me/caregraph/data/contracts/my-contract.ttl")
    p.add_argument("file", metavar="FILE", help="the record's file, under data/ (relative to the project or not)")
    p.set_defaults(run=_run_remove)


def _run_remove(args: argparse.Namespace) -> int:
    from ..errors import EXIT_NOT_CONFORMING
    from ..validate import remove_record

    outcome = remove_record(args.file, _load(args))
    if not outcome.removed:
        for node, prop, value in outcome.pointing:
            print(f"{node} {prop} {value}")
        print(f"caregraph: nothing was removed: {len(outcome.pointing)} statement(s) of other records point at "
              f"the nodes of {outcome.target}", file=sys.stderr)
        return EXIT_NOT_CONFORMING
    print(f"removed {outcome.target}")
    return EXIT_OK


# --- main ----------------------------------------------------------------------------------------------------

# These command modules import this module's helpers when their functions are called, so they can be imported here.
from .docs import _docs_parser  # noqa: E402
from .publish import NAMED_GRAPHS_HELP, _publish_parser  # noqa: E402

_COMMANDS = [_add_parser, _build_parser, _check_parser, _docs_parser, _export_parser, _import_reference_parser,
             _publish_parser, _queries_parser, _query_parser, _remove_parser, _serve_parser, _stats_parser,
             _validate_parser]


def _command_named(argv: list[str]) -> str | None:
    """The command the arguments name (``query`` in ``--root DIR query NAME``), if they name a known one."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--root":
            skip = True  # the only top-level option that takes a value
        elif not arg.startswith("-"):
            return arg if any(add.__name__ == f"_{arg.replace('-', '_')}_parser" for add in _COMMANDS) else None
    return None


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the arguments, it declares only the options of the command they name:
    declaring every command's took a tenth of a command-line query's start-up (bench/README.md). Without a
    known command (top-level help, a misspelt command) every command is declared."""
    top = argparse.ArgumentParser(prog="caregraph", description=_DESCRIPTION, epilog=_EPILOG,
                                  formatter_class=_Formatter)
    top.add_argument("--version", action="version", version=f"caregraph {__version__}")
    _global_options(top)
    commands = top.add_subparsers(title="commands", metavar="COMMAND")
    named = _command_named(argv) if argv is not None else None
    for add in _COMMANDS:
        if named is None or add.__name__ == f"_{named.replace('-', '_')}_parser":
            add(commands)
    # The global options are accepted after the command name too: `caregraph validate -q` as `caregraph -q validate`.
    for command in commands.choices.values():
        _global_options(command.add_argument_group("global options"), after_command=True)
    return top


def _global_options(parser, *, after_command: bool = False) -> None:
    """--root, --quiet, --no-cache and --debug; after the command name they leave a value given before it alone."""
    keep = {"default": argparse.SUPPRESS} if after_command else {}
    parser.add_argument("--root", metavar="DIR", **keep,
                        help="the caregraph project to use (default: the checkout containing this folder, found "
                             "as git finds its repository; also CAREGRAPH_ROOT; else the installed copy, "
                             "read-only)")
    parser.add_argument("--quiet", "-q", action="store_true", **keep, help="no progress lines on stderr")
    parser.add_argument("--no-cache", action="store_true", **keep,
                        help="parse the Turtle files even if a cached store is up to date")
    parser.add_argument("--debug", action="store_true", **keep, help="show the traceback of an error")


def _flush_stdout() -> None:
    """Flush what print() buffered, so a full disk is reported here, as one line, and not at interpreter exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        from ..errors import StorageError

        _quiet_stdout()
        raise StorageError(f"cannot write the output: {error.strerror or error}") from None


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's own flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    except Exception:  # noqa: BLE001 — _ClosedOutput's fileno: nothing to quiet
        pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser(argv).parse_args(argv)
    if not hasattr(args, "run"):
        parser().print_help(sys.stderr)
        return EXIT_BAD_INPUT
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    try:
        code = args.run(args)
        _flush_stdout()
        return code
    except CaregraphError as error:
        if args.debug:
            raise
        print(f"caregraph: error: {error}", file=sys.stderr)
        if error.hint:
            print(f"caregraph: hint: {error.hint}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `caregraph export | head`); that is not our failure.
        _quiet_stdout()
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:
        import errno

        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG):
            return _internal_error(args, error)
        # A full or failing disk, whichever file caregraph was writing (print() to standard output included).
        _quiet_stdout()
        print(f"caregraph: error: cannot write: {error.strerror}", file=sys.stderr)
        return EXIT_ENDPOINT_OR_IO
    except Exception as error:  # a bug in caregraph, not bad input
        return _internal_error(args, error)


def _internal_error(args: argparse.Namespace, error: Exception) -> int:
    if args.debug:
        raise error
    from ..errors import printable, shorten

    print(f"caregraph: internal error: {type(error).__name__}: {printable(shorten(str(error), 300), newlines=False)} "
          "(run with --debug for the traceback)", file=sys.stderr)
    return EXIT_INTERNAL_ERROR

