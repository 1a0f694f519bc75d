"""The ``caregraph`` command: thin functions over the Python API.

Each command has a ``_<name>_parser`` that declares its options and examples, and a ``_run_<name>`` that calls
the API and prints. Errors are :class:`caregraph.errors.CaregraphError`; :func:`main` prints them as one line and
returns their exit code (see :mod:`caregraph.errors`), with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import EXIT_BAD_INPUT, EXIT_OK, CaregraphError

EXIT_INTERNAL_ERROR = 4

# The choices of --format and --engine, written out here so that building the parser, which every command does,
# imports neither caregraph.export nor caregraph.validate: that cost `caregraph query` a quarter of its start-up
# (bench/README.md). tests/test_cli.py checks that they are the lists of those modules.
EXPORT_FORMATS = ("jsonld", "nt", "trig", "turtle", "xml")
REPORT_FORMATS = ("text", "json", "turtle")
VALIDATION_ENGINES = ("fast", "pyshacl")

_DESCRIPTION = """\
caregraph — a linked-data knowledge graph of England's integrated health and care landscape:
STPs, accountable and integrated care systems, ACOs, vanguards, their organisations, footprints and
contracts, every fact attributed to a quotation from its source.

exit codes: 0 ok · 1 data does not conform / check failed · 2 bad input or usage · 3 endpoint or I/O failure
"""

_EPILOG = """\
examples:
  caregraph build                      merge ontology and data; write build/caregraph.ttl and .nt
  caregraph stats                      what the graph holds, per class and per source
  caregraph queries                    the stored questions; run one with `caregraph query NAME`
  caregraph validate my-record.ttl     does a new record fit the model? (exit 0 yes, 1 no)
  caregraph add my-record.ttl          validate it and, if it conforms, copy it into data/
  caregraph export --format trig -o caregraph.trig
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


def _write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


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
        help="write the whole graph as Turtle, N-Triples, JSON-LD, RDF/XML or TriG",
        description="Write the whole graph in one RDF format. Turtle and N-Triples are byte-identical across "
                    "runs; TriG keeps the ontology, the calendar and each source's statements in named graphs.",
        epilog="examples:\n  caregraph export > caregraph.ttl\n  caregraph export --format nt -o caregraph.nt\n"
               "  caregraph export --format trig -o caregraph.trig     # one named graph per source\n"
               "  caregraph export --inferred -o inferred.ttl          # plus OWL 2 RL entailments")
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
    print(render_table(["class", "label", "instances"], stats["classes"], title="Instances per class"))
    print()
    print(render_table(["source", "title", "quotations", "statements"], stats["sources"],
                       title="Statements per source"))
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
               "  caregraph check --fail-on WARN              # stricter: warnings fail too\n"
               "  caregraph check --skip reasoner-inconsistency   # faster, without the reasoner\n"
               "  caregraph check --list                      # what each check looks for")
    p.add_argument("--sources", metavar="DIR", help="folder of the source documents' texts (default: "
                                                     "CAREGRAPH_SOURCES or ../shared/sources beside the project)")
    p.add_argument("--fail-on", choices=["ERROR", "WARN", "INFO"], default="ERROR",
                   help="lowest severity that fails the check (default: ERROR)")
    p.add_argument("--skip", metavar="CHECK", action="append", default=[], help="leave a check out (repeatable)")
    p.add_argument("--format", choices=["text", "tsv", "json"], default="text", help="report format")
    p.add_argument("--list", action="store_true", help="list the checks with their severity and fix, and exit")
    p.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    import json

    from ..check import load_checks, run_checks
    from ..errors import EXIT_NOT_CONFORMING
    from ..tables import render_table

    project = _project(args)
    if args.list:
        print(render_table(["check", "severity", "looks for", "fix"],
                           [(c.name, c.severity, c.summary, c.fix) for c in load_checks(project)]))
        return EXIT_OK
    sources = None if "quotation-not-in-source" in args.skip else project.sources_dir(args.sources)
    graph = _load(args)
    report = run_checks(graph, project, sources_dir=sources, skip=args.skip,
                        progress=lambda message: _progress(args, message))
    rows = [(f.severity, f.check, f.entity, f.property, f.value) for f in report.findings]
    if args.format == "json":
        print(json.dumps({"summary": {s: report.count(s) for s in ("ERROR", "WARN", "INFO")},
                          "failed": report.failed(args.fail_on),
                          "findings": [dict(zip(("severity", "check", "entity", "property", "value"), r))
                                       for r in rows]}, indent=2))
    elif args.format == "tsv":
        print("severity\tcheck\tentity\tproperty\tvalue")
        for row in rows:
            print("\t".join(value.replace("\t", " ").replace("\n", " ") for value in row))
    else:
        if rows:
            print(render_table(["severity", "check", "entity", "property", "value"], rows))
            print()
        print(f"{report.summary()}: " + ("FAILED" if report.failed(args.fail_on) else "passed")
              + f" (fail on {args.fail_on})")
    return EXIT_NOT_CONFORMING if report.failed(args.fail_on) else EXIT_OK

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
    p.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for the endpoint (default: 60)")
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
    if args.endpoint:
        text = prepared.bind(params)
        result = q.run_remote(args.endpoint, text, prepared.form,
                              q.DEFAULT_TIMEOUT if args.timeout is None else args.timeout)
    else:
        from ..graph import CareGraph
        from ..query import codes, empty, undeclared
        from ..vocabulary import Vocabulary

        graph = CareGraph.load(project, cache=not args.no_cache)
        if args.sparql is not None:
            for line in undeclared.warnings(prepared, Vocabulary.of(graph.store)):
                print(f"caregraph: warning: {line}", file=sys.stderr)
        params = codes.resolve(prepared, params, graph.store)
        result = q.run_embedded(graph, prepared.bind(params))
        if result.kind != "ask" and not len(result) and prepared.slug:
            print(f"caregraph: empty answer: {empty.explain(prepared, params, graph.store)}", file=sys.stderr)
    fmt = args.format
    if fmt is None:
        terminal = sys.stdout.isatty()
        fmt = "turtle" if result.kind == "graph" else ("table" if terminal else "csv")
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


# --- validate ------------------------------------------------------------------------------------------------

def _validate_parser(commands) -> None:
    p = commands.add_parser(
        "validate", formatter_class=_Formatter,
        help="check records, or the whole graph, against the SHACL shapes and say what is wrong in plain words",
        description="Check records against the SHACL shapes in ontology/shapes/. With FILEs, the records in them "
                    "are checked in the context of the graph (so they may point at the organisations, places, "
                    "quotations and sources it holds) and only those records are reported; with none, the whole "
                    "graph is checked. Exit code 0 when everything conforms, 1 when a record has a violation "
                    "(warnings alone do not fail), 2 for broken input.",
        epilog="examples:\n"
               "  caregraph validate examples/valid/later-wave-ics.ttl     check one new record\n"
               "  caregraph validate my-ics.ttl my-contract.ttl            several records together\n"
               "  caregraph validate                                       the whole shipped graph\n"
               "  caregraph validate my-ics.ttl --format json | jq .results\n"
               "  caregraph validate --format turtle > report.ttl          the standard SHACL report\n"
               "  caregraph validate my-ics.ttl --shapes my-shapes.ttl     against other shapes")
    p.add_argument("files", nargs="*", metavar="FILE", help="Turtle files of new records (default: the whole graph)")
    p.add_argument("--format", "-f", default="text", choices=REPORT_FORMATS,
                   help="text for people (default), json for scripts, turtle for the SHACL report")
    p.add_argument("--shapes", metavar="FILE", action="append",
                   help="validate against the shapes in FILE instead of ontology/shapes/*.ttl (repeatable)")
    p.add_argument("--engine", default="fast", choices=VALIDATION_ENGINES,
                   help="fast (default): SPARQL rules run once per graph in the embedded store; pyshacl: every "
                        "shape in pyshacl, the reference (same results, much slower on large graphs)")
    p.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from ..errors import EXIT_NOT_CONFORMING
    from ..validate import load_shapes, render, validate_graph, validate_records

    graph = _load(args)
    shapes = load_shapes(args.shapes) if args.shapes else None
    if args.files:
        _progress(args, f"validating {len(args.files)} file(s) in the context of the graph")
        report = validate_records(args.files, graph, shapes, engine=args.engine)
    else:
        _progress(args, "validating the whole graph")
        report = validate_graph(graph, shapes, engine=args.engine)
    sys.stdout.write(render(report, args.format))
    return EXIT_OK if report.conforms else EXIT_NOT_CONFORMING


# --- add -----------------------------------------------------------------------------------------------------

def _add_parser(commands) -> None:
    p = commands.add_parser(
        "add", formatter_class=_Formatter,
        help="validate a record and, only if it conforms, copy it into data/",
        description="Validate the record in FILE in the context of the graph and, only if it conforms, copy it "
                    "unchanged into data/<folder>/ — areas/ for a partnership, organisations/, contracts/ or "
                    "sources/ by the kind of its main node. The copy is atomic and never replaces an existing "
                    "file; when the record does not conform nothing is written and the report says why (exit 1).",
        epilog="examples:\n"
               "  caregraph add my-ics.ttl                       → data/areas/my-ics.ttl\n"
               "  caregraph add my-contract.ttl                  → data/contracts/my-contract.ttl\n"
               "  caregraph add my-record.ttl --folder areas     choose the folder yourself")
    p.add_argument("file", metavar="FILE", help="a Turtle file holding one record and its claims and quotations")
    p.add_argument("--folder", metavar="NAME", help="the folder of data/ to add it to (default: by its kind)")
    p.set_defaults(run=_run_add)


def _run_add(args: argparse.Namespace) -> int:
    from ..errors import EXIT_NOT_CONFORMING
    from ..validate import add_record, render_text

    graph = _load(args)
    outcome = add_record(args.file, graph, folder=args.folder)
    if outcome.target is None:
        sys.stdout.write(render_text(outcome.report))
        print("caregraph: nothing was added: the record does not conform", file=sys.stderr)
        return EXIT_NOT_CONFORMING
    if outcome.report.results:
        sys.stdout.write(render_text(outcome.report))
    print(f"added {graph.project.relative(outcome.target) if graph.project else outcome.target}")
    return EXIT_OK


# --- main ----------------------------------------------------------------------------------------------------

_COMMANDS = [_add_parser, _build_parser, _check_parser, _export_parser, _import_reference_parser, _queries_parser,
             _query_parser, _stats_parser, _validate_parser]


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
    top.add_argument("--root", metavar="DIR", help="caregraph project folder (default: this checkout or the "
                                                   "installed copy; also CAREGRAPH_ROOT)")
    top.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    top.add_argument("--no-cache", action="store_true", help="parse the Turtle files even if a cached store is "
                                                             "up to date")
    top.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = top.add_subparsers(title="commands", metavar="COMMAND")
    named = _command_named(argv) if argv is not None else None
    for add in _COMMANDS:
        if named is None or add.__name__ == f"_{named.replace('-', '_')}_parser":
            add(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser(argv).parse_args(argv)
    if not hasattr(args, "run"):
        parser().print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.run(args)
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
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:  # a bug in caregraph, not bad input
        if args.debug:
            raise
        print(f"caregraph: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR

