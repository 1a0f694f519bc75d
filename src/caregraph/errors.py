"""The errors caregraph reports, and the exit code the command line gives each.

Exit codes are a contract scripts rely on:

====  ==============================================================
0     success (the data conforms, the check passed)
1     the data does not conform, or a quality check failed
2     bad input or usage: broken Turtle or SPARQL, unknown terms or
      query names, bad parameters, missing files
3     an endpoint or storage failure: unreachable server, timeout,
      a file that could not be written, a query stopped at its
      time or memory limit
====  ==============================================================

Non-conformance is a result, not an error: validation and checks return reports, and the command line turns a
failing report into exit code 1. Everything below is raised for the cases that stop a command.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the query command's path
if TYPE_CHECKING:
    from pathlib import Path

# C0 and C1 control characters (not newline or tab), DEL, and the bidirectional overrides that reorder a terminal
# line: text from data or input that holds them is shown escaped, never sent to the terminal as they are. A pattern
# string, compiled (and kept by re) when first used: most commands never print such text.
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
_LONGEST_VALUE = 120


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\ufeff``), so that text taken from data or input
    prints as what it is; newlines and tabs are kept unless ``newlines`` is False."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = re.sub(_CONTROL, escape, text)
    if not newlines:
        text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text


def shorten(text: str, limit: int = _LONGEST_VALUE) -> str:
    """``text`` cut to about ``limit`` characters for a message, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text):,} characters)"


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

    def __str__(self) -> str:
        # One line, control characters escaped: messages quote file names, values and parser output.
        return printable(shorten(super().__str__(), 2000), newlines=False)


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
        message = f"unknown {kind} {shorten(name)!r}"
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message)


class EndpointError(CaregraphError):
    """A SPARQL endpoint could not be reached, timed out, or answered with an error."""

    exit_code = EXIT_ENDPOINT_OR_IO


def unreachable(server: str, error: BaseException, timeout: float | None) -> EndpointError:
    """The one-line error for a request to ``server`` (its kind and URL) that failed on the network: no answer
    within ``timeout`` seconds, or no connection at all. HTTP error answers are the caller's to word."""
    reason = getattr(error, "reason", None)  # urllib wraps the socket's error as the reason of a URLError
    if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
        return EndpointError(f"{server} did not answer within {timeout:g} s")
    return EndpointError(f"cannot reach {server}: {reason if reason is not None else error}")


class StorageError(CaregraphError):
    """A file or directory could not be read or written."""

    exit_code = EXIT_ENDPOINT_OR_IO


class LimitError(CaregraphError):
    """Work was stopped at one of caregraph's limits: a query's time limit or its memory ceiling."""

    exit_code = EXIT_ENDPOINT_OR_IO


class QueryTimeout(LimitError):
    """A query (embedded or on an endpoint) was stopped at its deadline; its work was stopped, not abandoned."""
