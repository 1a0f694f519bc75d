"""The errors caregraph reports, and the exit code the command line gives each.

Exit codes are a contract scripts rely on:

====  ==============================================================
0     success (the data conforms, the check passed)
1     the data does not conform, or a quality check failed
2     bad input or usage: broken Turtle or SPARQL, unknown terms or
      query names, bad parameters, missing files
3     an endpoint or storage failure: unreachable server, timeout,
      a file that could not be written
====  ==============================================================

Non-conformance is a result, not an error: validation and checks return reports, and the command line turns a
failing report into exit code 1. Everything below is raised for the cases that stop a command.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_ENDPOINT_OR_IO = 3


class CaregraphError(Exception):
    """Base of every error caregraph reports; ``str(error)`` is the one-line message shown to the user."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class InputError(CaregraphError):
    """The input — a file, a query, a parameter, a command line — is not what caregraph can use."""


class ParseError(InputError):
    """A Turtle, SPARQL or other text could not be parsed; names the file and the position."""

    def __init__(self, source: str | Path, message: str, line: int | None = None, column: int | None = None):
        self.source = str(source)
        self.line = line
        self.column = column
        position = self.source
        if line is not None:
            position += f":{line}"
            if column is not None:
                position += f":{column}"
        super().__init__(f"{position}: {message}")


class UnknownTermError(InputError):
    """A name (a term, a stored query, a format) is not known; carries the closest known names."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        message = f"unknown {kind} {name!r}"
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message)


class EndpointError(CaregraphError):
    """A SPARQL endpoint could not be reached, timed out, or answered with an error."""

    exit_code = EXIT_ENDPOINT_OR_IO


class StorageError(CaregraphError):
    """A file or directory could not be read or written."""

    exit_code = EXIT_ENDPOINT_OR_IO
