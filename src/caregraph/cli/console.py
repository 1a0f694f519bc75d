"""What every command shares: the help layout, progress lines, the project and graph it works on, and standard
output written as bytes, with failures to write reported as I/O errors."""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the query command's path
if TYPE_CHECKING:
    from ..graph import CareGraph
    from ..project import Project


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help with descriptions and examples laid out as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=_terminal_width() - 2)


def _terminal_width() -> int:
    """The columns of the terminal, as ``shutil.get_terminal_size`` finds them (``COLUMNS``, else standard output's
    terminal, else 80). argparse, given no width, imports shutil (and with it bz2 and lzma) for this on the first
    option declared: 1.5 ms of every command's start-up (bench/README.md)."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def progress(args: argparse.Namespace, message: str) -> None:
    """A stage line on stderr for long work; silent under --quiet so scripts can read stdout alone."""
    if not args.quiet:
        print(f"caregraph: {message}", file=sys.stderr, flush=True)


def project_of(args: argparse.Namespace) -> Project:
    """The project the command works on: --root, CAREGRAPH_ROOT, the checkout around, or the installed copy."""
    from ..project import Project

    return Project.locate(args.root)


def load(args: argparse.Namespace, *, in_memory: bool = False) -> CareGraph:
    """The project's graph, from the cache unless --no-cache, with progress lines; ``in_memory`` for a command
    that reads the whole graph many times over (see CareGraph.load)."""
    from ..graph import CareGraph

    project = project_of(args)
    progress(args, f"loading {len(project.graph_files())} Turtle files from {project.root}")
    graph = CareGraph.load(project, cache=not args.no_cache, in_memory=in_memory)
    if not args.quiet:  # counting the triples reads the whole store: a second at a million triples
        progress(args, f"graph has {len(graph):,} triples")
    return graph


def printable(text: str) -> str:
    """Text for the terminal with the control characters that data may hold escaped (see errors.printable)."""
    from ..errors import printable

    return printable(text)


def write_stdout(data: bytes) -> None:
    """``data`` on standard output, flushed; a full disk or closed output is a StorageError (exit 3)."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        from ..errors import StorageError

        raise StorageError(f"cannot write the output: {error.strerror or error}") from None
