"""A stored query's parameters: the types they declare, the RDF term a value typed by a researcher stands for, and
the places in the query's text (its leading VALUES blocks) where bound values go.

Binding replaces the contents of a parameter's VALUES block with the value written as one typed RDF term (an IRI
checked to be an IRI, or a literal with its datatype or language, escaped), never by pasting the user's text into
the query (:meth:`caregraph.query.Query.bind`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import PREFIXES, XSD, expand

# datetime and decimal are imported in the functions that convert values: a command-line query never needs
# them, and every import adds to its start-up (bench/README.md).

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def _canonical_integer(text: str) -> str:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError("an integer such as 44")
    return str(int(text))


def _canonical_decimal(text: str) -> str:
    from decimal import Decimal

    if not re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", text):
        raise ValueError("a decimal such as 450000000 or 2.5")
    value = format(Decimal(text).normalize(), "f")
    return "0" if value in ("-0", "+0") else value


def _canonical_boolean(text: str) -> str:
    if text not in ("true", "false", "1", "0"):
        raise ValueError("true or false")
    return "true" if text in ("true", "1") else "false"


def _canonical_date(text: str) -> str:
    import datetime

    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError("a date such as 2017-06-15")
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"a date that exists, such as 2017-06-15 ({text} is not a day of the calendar)") from None


def _canonical_year(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValueError("a year such as 2017")
    return text


def _canonical_year_month(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-(?:0[1-9]|1[0-2])", text):
        raise ValueError("a year and month such as 2017-06")
    return text


_TYPED: dict[str, tuple[str, Callable[[str], str]]] = {
    "integer": (XSD + "integer", _canonical_integer),
    "decimal": (XSD + "decimal", _canonical_decimal),
    "boolean": (XSD + "boolean", _canonical_boolean),
    "date": (XSD + "date", _canonical_date),
    "gYear": (XSD + "gYear", _canonical_year),
    "gYearMonth": (XSD + "gYearMonth", _canonical_year_month),
}
PARAMETER_TYPES = ("iri", "string", "string@LANG", "ods", "gss", *_TYPED)
"""The types a parameter may declare; ``string@LANG`` stands for a language such as ``string@en``; ``ods`` and ``gss``
are codes, which accept what researchers type (see :mod:`caregraph.query.codes`)."""


def valid_type(name: str) -> bool:
    """Whether ``name`` is one of :data:`PARAMETER_TYPES` (``string@LANG`` with a well-formed language tag)."""
    if name in ("iri", "string", "ods", "gss") or name in _TYPED:
        return True
    base, at, language = name.partition("@")
    return base == "string" and bool(at) and bool(_LANGUAGE_TAG.fullmatch(language))


def to_term(type_name: str, text: str, prefixes: Mapping[str, str] = PREFIXES) -> ox.NamedNode | ox.Literal:
    """The RDF term that the value ``text`` of a parameter of type ``type_name`` stands for.

    Raises ``ValueError`` whose message says what a value of the type looks like. Every kind of value is trimmed
    of the spaces around it; codes are upper-cased.
    """
    text = text.strip()
    if type_name in ("ods", "gss"):
        if not text:
            raise ValueError("a code such as 02N (ODS) or E54000035 (GSS), or the name of what it identifies")
        return ox.Literal(text.upper())
    if type_name == "iri":
        iri = expand(text, prefixes)
        if iri is None:
            known = ", ".join(sorted(prefixes))
            raise ValueError(f"an IRI: a prefixed name with a known prefix ({known}) or a full IRI in <…>")
        try:
            return ox.NamedNode(iri)
        except ValueError as error:
            raise ValueError(f"an IRI ({error})") from None
    if type_name == "string" or type_name.startswith("string@"):
        # SPARQL expands \u and \U escapes before parsing, and engines differ in how: such a value could not be
        # written so that every engine reads the same string, so it is refused rather than altered.
        if re.search(r"\\[uU]", text):
            raise ValueError("text without a \\u or \\U escape sequence (SPARQL engines read those differently)")
        language = type_name.partition("@")[2]
        return ox.Literal(text, language=language) if language else ox.Literal(text)
    datatype, canonical = _TYPED[type_name]
    return ox.Literal(canonical(text), datatype=ox.NamedNode(datatype))


def sparql_term(term: Term | None) -> str:
    """A term as SPARQL text for a VALUES block: ``<iri>``, ``"escaped"@lang`` or ``"text"^^<datatype>``."""
    if term is None:
        return "UNDEF"
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"  # a NamedNode's IRI cannot contain <, >, quotes, braces, backslashes or spaces
    if isinstance(term, ox.Literal):
        text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype.value == XSD + "string":
            return f'"{text}"'
        return f'"{text}"^^<{term.datatype.value}>'
    raise InputError(f"a {type(term).__name__} cannot be a parameter value")


_VALUES_BLOCK = re.compile(r"\s*VALUES\s*(?:(?P<var>[?$]\w+)\s*\{(?P<data>[^{}]*)\}|\([^()]*\)\s*\{[^{}]*\})", re.I)


def _closing_brace(masked: str, opening: int) -> int:
    depth = 0
    for i in range(opening, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(masked)


def value_slots(masked: str, keyword: re.Match[str]) -> dict[str, tuple[int, int]]:
    """Variable → (start, end) of the data of each single-variable VALUES block opening the WHERE clause: where a
    parameter's values go. ``masked`` is the query's text masked (:func:`caregraph.sparql.mask`), ``keyword`` the
    match of its form's keyword in it."""
    position = keyword.end()
    if keyword.group(1).upper() == "CONSTRUCT":
        template = re.compile(r"\s*\{").match(masked, position)
        if template:
            position = _closing_brace(masked, template.end() - 1) + 1
    depth = 0
    for i in range(position, len(masked)):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
        elif masked[i] == "{" and depth == 0:
            position = i + 1
            break
    else:
        return {}
    slots: dict[str, tuple[int, int]] = {}
    while block := _VALUES_BLOCK.match(masked, position):
        if block["var"]:
            slots.setdefault(block["var"][1:], block.span("data"))
        position = block.end()
    return slots
