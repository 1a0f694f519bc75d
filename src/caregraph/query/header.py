"""The ``#+`` header of a stored SPARQL file: the one grammar of stored queries (``queries/*.rq``) and stored
checks (``ontology/checks/*.rq``).

A header is a run of comment lines before the SPARQL begins, so the file stays SPARQL that any engine runs::

    #+ summary: Concepts of a scheme
    #+ description: Every concept of one SKOS concept scheme, with its notation and
    #+   definition.                                   (a continuation: '#+' and two or more spaces)
    #+ param: scheme iri cg:VanguardTypeScheme -- the concept scheme to list

Each line is ``#+ name: value``, the names are the kind of file's own (a misspelt one gets "did you mean"), each
is given once (``param`` may repeat), none is empty, and no ``#+`` line comes after the query has begun. Every
error is a :class:`caregraph.errors.ParseError` naming the file and the line.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Sequence

from ..errors import ParseError

_FIELD = re.compile(r"#\+ (?P<key>[a-z]+):(?: (?P<value>.*))?")
_CONTINUATION = re.compile(r"#\+ {2,}(?P<value>\S.*)")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*) +(?P<type>\S+) +(?P<default>\S(?:.*?\S)?) +-- +"
    r"(?P<description>\S.*)"
)

QUERY_FIELDS = ("summary", "description", "question", "sources", "tags", "param")
"""The fields of a stored query's header; ``param`` may be given once per parameter."""

LIBRARY_FIELDS = ("summary", "description", "question", "sources")
"""The fields every query of the library must have."""

CHECK_FIELDS = ("summary", "severity", "fix", "description")
"""The fields of a stored check's header, of which all but the description are required."""


class Header:
    """What a header says: ``fields`` (name → value, continuations joined), the ``lines`` they start on, and the
    ``repeated`` fields' values with their lines, in order."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.repeated: dict[str, list[tuple[str, int]]] = {}


def parse_header(
    text: str,
    display: str,
    fields: Sequence[str],
    *,
    repeatable: Sequence[str] = (),
    required: Sequence[str] = (),
    kind: str = "stored query",
) -> Header:
    """The header of ``text`` (shown as ``display`` in errors), whose lines may name ``fields``; those in
    ``repeatable`` may be given more than once, those in ``required`` must be given (every ``kind`` has them)."""
    header = Header()
    last: str | None = None  # the field a continuation line adds to
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line.startswith("#"):
            if line:
                in_header = False
            continue
        if not line.startswith("#+"):
            continue
        if not in_header:
            raise ParseError(display, "a '#+' header line after the query began; the header comes first", number)
        continuation = _CONTINUATION.fullmatch(line)
        if continuation:
            if last is None:
                raise ParseError(display, "a continuation line ('#+' and two spaces) with no field before it", number)
            if last in repeatable:
                value, first = header.repeated[last][-1]
                header.repeated[last][-1] = (value + " " + continuation["value"].strip(), first)
            else:
                header.fields[last] += " " + continuation["value"].strip()
            continue
        match = _FIELD.fullmatch(line)
        if not match:
            raise ParseError(
                display,
                "malformed header line; expected '#+ name: value' (or '#+' and two spaces to continue the field above)",
                number,
            )
        key, value = match["key"], (match["value"] or "").strip()
        if key not in fields:
            import difflib

            close = difflib.get_close_matches(key, fields, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; fields are {', '.join(fields)}"
            raise ParseError(display, f"unknown header field {key!r}{hint}", number)
        if not value:
            raise ParseError(display, f"header field {key!r} is empty", number)
        if key in repeatable:
            header.repeated.setdefault(key, []).append((value, number))
        elif key in header.fields:
            raise ParseError(display, f"header field {key!r} given twice (first on line {header.lines[key]})", number)
        else:
            header.fields[key] = value
            header.lines[key] = number
        last = key
    for key in required:
        if key not in header.fields:
            raise ParseError(display, f"the header lacks '#+ {key}:' (every {kind} has {', '.join(required)})", 1)
    return header


class Parameter(namedtuple("Parameter", "name type default description line")):
    """A declared parameter: ``#+ param: NAME TYPE DEFAULT -- DESCRIPTION`` (and the header line it is on)."""

    # A named tuple rather than a dataclass: importing dataclasses (with inspect behind it) made a sixth of the
    # start-up of `caregraph query` (bench/README.md).
    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.name} ({self.type}, default {self.default})"


def parse_parameters(header: Header, display: str) -> list[Parameter]:
    """The parameters a stored query's header declares, in order, each checked for form, type and uniqueness."""
    from .parameters import PARAMETER_TYPES, valid_type

    parameters: list[Parameter] = []
    for value, number in header.repeated.get("param", []):
        match = _PARAM.fullmatch(value)
        if not match:
            raise ParseError(
                display,
                "malformed parameter; expected '#+ param: NAME TYPE DEFAULT -- DESCRIPTION', "
                "e.g. '#+ param: area iri cgd:system-dorset -- the area to describe'",
                number,
            )
        name, type_name = match["name"], match["type"]
        if not valid_type(type_name):
            raise ParseError(
                display,
                f"parameter {name!r} has unknown type {type_name!r}; types are {', '.join(PARAMETER_TYPES)}",
                number,
            )
        if any(p.name == name for p in parameters):
            raise ParseError(display, f"parameter {name!r} declared twice", number)
        parameters.append(Parameter(name, type_name, match["default"], match["description"], number))
    return parameters
