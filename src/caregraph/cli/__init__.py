"""The ``caregraph`` command: a dispatcher over one module per command, each a thin layer over the Python API.

Each command's module (``cli/query.py`` for ``caregraph query``, ``cli/import_reference.py`` for
``import-reference`` …) has an ``add_parser`` that declares its options and examples and a ``run`` that calls the
API and prints; :mod:`caregraph.cli.console` holds what they share. :func:`parser` imports only the module of the
command named. Errors are :class:`caregraph.errors.CaregraphError`; :func:`main` prints them as one line and
returns their exit code (see :mod:`caregraph.errors`), with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__
from ..errors import EXIT_BAD_INPUT, EXIT_ENDPOINT_OR_IO, EXIT_OK, CaregraphError
from .console import Formatter

EXIT_INTERNAL_ERROR = 4

COMMANDS = (
    "add",
    "build",
    "check",
    "docs",
    "export",
    "import-reference",
    "publish",
    "queries",
    "query",
    "remove",
    "serve",
    "stats",
    "validate",
)
"""Every command, each declared and run by the module of its name in this package (``-`` written ``_``)."""

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


# --- main ----------------------------------------------------------------------------------------------------


def _command_named(argv: list[str]) -> str | None:
    """The command the arguments name (``query`` in ``--root DIR query NAME``), if they name a known one."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--root":
            skip = True  # the only top-level option that takes a value
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the arguments, it declares only the options of the command they name:
    declaring every command's took a tenth of a command-line query's start-up (bench/README.md). Without a
    known command (top-level help, a misspelt command) every command is declared."""
    top = argparse.ArgumentParser(prog="caregraph", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=Formatter)
    top.add_argument("--version", action="version", version=f"caregraph {__version__}")
    _global_options(top)
    commands = top.add_subparsers(title="commands", metavar="COMMAND")
    named = _command_named(argv) if argv is not None else None
    for command in COMMANDS if named is None else (named,):
        importlib.import_module(f"{__name__}.{command.replace('-', '_')}").add_parser(commands)
    # The global options are accepted after the command name too: `caregraph validate -q` as `caregraph -q validate`.
    for subparser in commands.choices.values():
        _global_options(subparser.add_argument_group("global options"), after_command=True)
    return top


def _global_options(parser, *, after_command: bool = False) -> None:
    """--root, --quiet, --no-cache and --debug; after the command name they leave a value given before it alone."""
    keep = {"default": argparse.SUPPRESS} if after_command else {}
    parser.add_argument(
        "--root",
        metavar="DIR",
        **keep,
        help="the caregraph project to use (default: the checkout containing this folder, found "
        "as git finds its repository; also CAREGRAPH_ROOT; else the installed copy, "
        "read-only)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", **keep, help="no progress lines on stderr")
    parser.add_argument(
        "--no-cache", action="store_true", **keep, help="parse the Turtle files even if a cached store is up to date"
    )
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

    print(
        f"caregraph: internal error: {type(error).__name__}: {printable(shorten(str(error), 300), newlines=False)} "
        "(run with --debug for the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL_ERROR
