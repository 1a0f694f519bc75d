"""The ``caregraph`` command: thin functions over the Python API.

Each command has a ``_<name>_parser`` that declares its options and examples, and a ``_run_<name>`` that calls
the API and prints. Errors are :class:`caregraph.errors.CaregraphError`; :func:`main` prints them as one line and
returns their exit code (see :mod:`caregraph.errors`), with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .errors import EXIT_BAD_INPUT, EXIT_OK, CaregraphError

EXIT_INTERNAL_ERROR = 4

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
    from .project import Project

    return Project.locate(args.root)


def _load(args: argparse.Namespace):
    from .graph import CareGraph

    project = _project(args)
    _progress(args, f"loading {len(project.graph_files())} Turtle files from {project.root}")
    graph = CareGraph.load(project, cache=not args.no_cache)
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
    from .export import build

    graph = _load(args)
    for path in build(graph, args.output):
        _progress(args, f"wrote {path}")
    return EXIT_OK


# --- export --------------------------------------------------------------------------------------------------

def _export_parser(commands) -> None:
    from .export import FORMATS

    p = commands.add_parser(
        "export", formatter_class=_Formatter,
        help="write the whole graph as Turtle, N-Triples, JSON-LD, RDF/XML or TriG",
        description="Write the whole graph in one RDF format. Turtle and N-Triples are byte-identical across "
                    "runs; TriG keeps the ontology, the calendar and each source's statements in named graphs.",
        epilog="examples:\n  caregraph export > caregraph.ttl\n  caregraph export --format nt -o caregraph.nt\n"
               "  caregraph export --format trig -o caregraph.trig     # one named graph per source\n"
               "  caregraph export --inferred -o inferred.ttl          # plus OWL 2 RL entailments")
    p.add_argument("--format", "-f", default="turtle", choices=sorted(FORMATS), help="RDF format (default: turtle)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument("--inferred", action="store_true", help="add what the OWL 2 RL rules entail (slower)")
    p.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from .export import export

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
    from .graph import statistics
    from .tables import render_table

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


# --- validate ------------------------------------------------------------------------------------------------

def _validate_parser(commands) -> None:
    from .validate import ENGINES, FORMATS

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
    p.add_argument("--format", "-f", default="text", choices=FORMATS,
                   help="text for people (default), json for scripts, turtle for the SHACL report")
    p.add_argument("--shapes", metavar="FILE", action="append",
                   help="validate against the shapes in FILE instead of ontology/shapes/*.ttl (repeatable)")
    p.add_argument("--engine", default="fast", choices=ENGINES,
                   help="fast (default): SPARQL rules run once per graph in the embedded store; pyshacl: every "
                        "shape in pyshacl, the reference (same results, much slower on large graphs)")
    p.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from .errors import EXIT_NOT_CONFORMING
    from .validate import load_shapes, render, validate_graph, validate_records

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
    from .errors import EXIT_NOT_CONFORMING
    from .validate import add_record, render_text

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

_COMMANDS = [_build_parser, _export_parser, _stats_parser, _validate_parser, _add_parser]


def parser() -> argparse.ArgumentParser:
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
    for add in _COMMANDS:
        add(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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

