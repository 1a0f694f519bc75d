"""SPARQL text as text: what stored queries, stored checks and ad-hoc queries share before any engine sees them.

pyoxigraph parses SPARQL only by running it, so the little that caregraph must know of a query's text without
running it is read here: where comments, strings and IRIs are (:func:`mask`), which prefixes it declares, which
IRIs it mentions, where a SERVICE clause or the query form's keyword stands, and where Oxigraph's parser says an
error is. One scanner, so that a ``#`` inside ``<…#>`` or a ``cg:term`` inside a string is read the same way
everywhere.
"""

from __future__ import annotations

import re

# Comments, strings (long ones first) and IRIs: the lexemes whose contents are not SPARQL structure. An IRI is
# matched before the "#" inside it can be taken for a comment.
_LEXEMES = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
    re.S,
)
KEYWORD = re.compile(
    r"(?<![\w?$:.-])(SELECT|CONSTRUCT|DESCRIBE|ASK|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE"
    r"|COPY|WITH)(?![\w:-])",
    re.I,
)
"""The keyword that opens a query's form (or an update's operation), searched in :func:`mask`'s output."""

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", re.I)
_PREFIX_DECLARATION = re.compile(r"(?<![\w?$:.-])PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_NAMESPACE = re.compile(r"\s*<([^<>]*)>")
# Patterns that a query run from the command line does not need: strings, compiled (and kept by re) when first used.
_PREFIXED_NAME = r"(?<![\w<:/#])([A-Za-z][\w-]*):([A-Za-z_][\w-]*(?:\.[\w-]+)*)"
_ERROR_POSITION = r"(?s)error at (\d+):(\d+): (.*)"


def mask(text: str) -> str:
    """``text`` with comments blanked and strings and IRIs filled with ``_``, newlines kept: the same length and
    lines, so that its structure can be scanned with regular expressions and positions mapped back."""

    def fill(match: re.Match[str]) -> str:
        blank = " " if match.lastgroup == "comment" else "_"
        return "\n".join(blank * len(line) for line in match.group().split("\n"))

    return _LEXEMES.sub(fill, text)


def line_of(text: str, offset: int) -> int:
    """The line (from 1) that ``offset`` of ``text`` is on."""
    return text.count("\n", 0, offset) + 1


def declared_prefixes(text: str) -> dict[str, str]:
    """Prefix → namespace of each PREFIX declaration of query text (``""`` for the empty prefix), in order."""
    declared = {}
    for match in _PREFIX_DECLARATION.finditer(mask(text)):
        namespace = _NAMESPACE.match(text, match.end())
        if namespace:
            declared[match.group(1) or ""] = namespace.group(1)
    return declared


def iris_used(text: str) -> set[str]:
    """The IRIs a query mentions, written in full or as prefixed names of the prefixes it declares; comments and
    strings are not read."""
    found = {match["iri"][1:-1] for match in _LEXEMES.finditer(text) if match["iri"]}
    prefixes = declared_prefixes(text)
    code = _LEXEMES.sub(lambda match: "".join(c if c == "\n" else " " for c in match.group()), text)
    for match in re.finditer(_PREFIXED_NAME, code):
        if match.group(1) in prefixes:
            found.add(prefixes[match.group(1)] + match.group(2))
    return found


def service_line(text: str) -> int | None:
    """The line of the first SERVICE clause of query text (outside strings, IRIs and comments), or None."""
    found = SERVICE.search(mask(text))
    return line_of(text, found.start()) if found else None


def error_position(message: str) -> tuple[str, int | None, int | None]:
    """Oxigraph's parser says "error at LINE:COLUMN: what"; that as (what, line, column), or the message as it is
    with no position."""
    match = re.match(_ERROR_POSITION, message)
    return (match.group(3), int(match.group(1)), int(match.group(2))) if match else (message, None, None)


def readable(message: str, text: str, line: int) -> str:
    """Oxigraph's parser lists the tokens it could accept at the furthest point it reached; a person is better
    served by its sentences ("Prefix not found") or else by the line of ``text`` where reading stopped."""
    expected = re.sub(r"\[[^\]]*\]", "", message.removeprefix("expected one of ").removeprefix("expected "), flags=re.S)
    sentences = [
        item.strip() for item in expected.split(", ") if " " in item.strip() and any(c.islower() for c in item)
    ]
    if sentences:
        return "; ".join(s[0].lower() + s[1:] for s in sentences)
    lines = text.splitlines()
    if line > len(lines) or not lines[line - 1].strip():
        return "syntax error; the query ends before it is complete"
    return f"syntax error; the parser could not go on in {lines[line - 1].strip()[:80]!r}"
