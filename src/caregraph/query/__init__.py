"""Stored queries and endpoints: SPARQL on the embedded graph or on any SPARQL 1.1 endpoint, with the same answers.

A stored query is a file ``queries/<slug>.rq`` that opens with a header of ``#+`` comments (the grammar is in
``queries/README.md``), so the file stays valid SPARQL that any engine runs as it is::

    #+ summary: Concepts of a scheme
    #+ description: Every concept of one SKOS concept scheme, with its notation and definition.
    #+ question: What are the kinds of new care model vanguard?
    #+ sources: cgd:source-003
    #+ tags: vocabulary
    #+ param: scheme iri cg:VanguardTypeScheme -- the concept scheme to list

    PREFIX cg: <https://w3id.org/caregraph/def#>
    SELECT ?concept ?label WHERE {
      VALUES ?scheme { cg:VanguardTypeScheme }
      ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
    }

Each parameter's default sits in a ``VALUES`` block at the start of the WHERE clause. Binding a parameter replaces
the contents of that block with the value written as one typed RDF term (an IRI checked to be an IRI, or a literal
with its datatype or language, escaped) — never by pasting the user's text into the query. The rewritten text is
what every engine receives, embedded or remote, so a binding constrains the same place both ways; binding through
an engine's API instead (rdflib's ``initBindings``) is applied first locally but appended as a trailing VALUES
block remotely, which changes answers under FILTER and subqueries (rdflib issue #1772).

Results come back as one type, :class:`QueryResult`: variables and rows of pyoxigraph terms (or a boolean, or
triples), with :meth:`QueryResult.records` for plain Python values (``pandas.DataFrame(result.records())``) and
:meth:`QueryResult.serialize` for the W3C SPARQL 1.1 results formats, a terminal table, or RDF.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import (
    CaregraphError,
    EndpointError,
    InputError,
    ParseError,
    QueryTimeout,
    StorageError,
    UnknownTermError,
    printable,
    shorten,
    unreachable,
)
from ..namespaces import PREFIXES, XSD, term_text

# datetime and decimal are imported in the functions that convert values: a command-line query never needs
# them, and every import adds to its start-up (bench/README.md).

Term = ox.NamedNode | ox.BlankNode | ox.Literal

DEFAULT_TIMEOUT = 300.0
"""Seconds a query may take, embedded or on an endpoint, before it is stopped: the default of ``run`` and of the
command line's ``--timeout`` (five minutes; every stored query takes well under a second on the shipped graph)."""

# --- parameter types ---------------------------------------------------------------------------------------------

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


_TYPED: dict[str, tuple[str, object]] = {
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


def _valid_type(name: str) -> bool:
    if name in ("iri", "string", "ods", "gss") or name in _TYPED:
        return True
    base, at, language = name.partition("@")
    return base == "string" and bool(at) and bool(_LANGUAGE_TAG.fullmatch(language))


def _expand_iri(text: str, prefixes: Mapping[str, str]) -> str:
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    if colon and (local.startswith("//") or prefix in ("urn", "mailto", "tag")):
        return text
    known = ", ".join(sorted(prefixes))
    raise ValueError(f"an IRI: a prefixed name with a known prefix ({known}) or a full IRI in <…>")


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
        iri = _expand_iri(text, prefixes)
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
        text = (term.value.replace("\\", "\\\\").replace('"', '\\"')
                .replace("\n", "\\n").replace("\r", "\\r"))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype.value == XSD + "string":
            return f'"{text}"'
        return f'"{text}"^^<{term.datatype.value}>'
    raise InputError(f"a {type(term).__name__} cannot be a parameter value")


# --- the header --------------------------------------------------------------------------------------------------

_FIELD = re.compile(r"#\+ (?P<key>[a-z]+):(?: (?P<value>.*))?")
_CONTINUATION = re.compile(r"#\+ {2,}(?P<value>\S.*)")
_PARAM = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*) +(?P<type>\S+) +(?P<default>\S(?:.*?\S)?) +-- +"
                    r"(?P<description>\S.*)")
_SINGLE_FIELDS = ("summary", "description", "question", "sources", "tags")
_FIELDS = (*_SINGLE_FIELDS, "param")
LIBRARY_FIELDS = ("summary", "description", "question", "sources")
"""The fields every query of the library must have."""


# The classes of this module are written out rather than made with dataclasses: importing dataclasses (with inspect
# behind it) made a sixth of the start-up of `caregraph query` (bench/README.md).

class Parameter(namedtuple("Parameter", "name type default description line")):
    """A declared parameter: ``#+ param: NAME TYPE DEFAULT -- DESCRIPTION`` (and the header line it is on)."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.name} ({self.type}, default {self.default})"


class _Header:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.parameters: list[Parameter] = []


def _parse_header(text: str, display: str) -> _Header:
    header = _Header()
    last: str | None = None  # the field a continuation line adds to
    param_texts: list[list] = []  # [text, line] of each param, continuations included
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
                raise ParseError(display, "a continuation line ('#+' and two spaces) with no field before it",
                                 number)
            if last == "param":
                param_texts[-1][0] += " " + continuation["value"].strip()
            else:
                header.fields[last] += " " + continuation["value"].strip()
            continue
        match = _FIELD.fullmatch(line)
        if not match:
            raise ParseError(display, "malformed header line; expected '#+ name: value' (or '#+' and two spaces "
                                      "to continue the field above)", number)
        key, value = match["key"], (match["value"] or "").strip()
        if key not in _FIELDS:
            import difflib

            close = difflib.get_close_matches(key, _FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; fields are {', '.join(_FIELDS)}"
            raise ParseError(display, f"unknown header field {key!r}{hint}", number)
        if not value:
            raise ParseError(display, f"header field {key!r} is empty", number)
        if key == "param":
            param_texts.append([value, number])
        elif key in header.fields:
            raise ParseError(display, f"header field {key!r} given twice (first on line {header.lines[key]})",
                             number)
        else:
            header.fields[key] = value
            header.lines[key] = number
        last = key
    for value, number in param_texts:
        header.parameters.append(_parse_parameter(value, number, display, header.parameters))
    return header


def _parse_parameter(value: str, number: int, display: str, earlier: list[Parameter]) -> Parameter:
    match = _PARAM.fullmatch(value)
    if not match:
        raise ParseError(display, "malformed parameter; expected '#+ param: NAME TYPE DEFAULT -- DESCRIPTION', "
                                  "e.g. '#+ param: area iri cgd:system-dorset -- the area to describe'", number)
    name, type_name = match["name"], match["type"]
    if not _valid_type(type_name):
        raise ParseError(display, f"parameter {name!r} has unknown type {type_name!r}; types are "
                                  f"{', '.join(PARAMETER_TYPES)}", number)
    if any(p.name == name for p in earlier):
        raise ParseError(display, f"parameter {name!r} declared twice", number)
    return Parameter(name, type_name, match["default"], match["description"], number)


# --- the structure of a query: masked text, query form, leading VALUES blocks ------------------------------------

_LEXEMES = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
    re.S,
)
_KEYWORD = re.compile(r"(?<![\w?$:.-])(SELECT|CONSTRUCT|DESCRIBE|ASK|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE"
                      r"|COPY|WITH)(?![\w:-])", re.I)
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_PREFIX_DECLARATION = re.compile(r"(?<![\w?$:.-])PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_VALUES_BLOCK = re.compile(r"\s*VALUES\s*(?:(?P<var>[?$]\w+)\s*\{(?P<data>[^{}]*)\}|\([^()]*\)\s*\{[^{}]*\})",
                           re.I)


def _mask(text: str) -> str:
    """``text`` with comments blanked and strings and IRIs filled, same length, so structure can be scanned."""
    def fill(match: re.Match) -> str:
        blank = " " if match.lastgroup == "comment" else "_"
        return "".join(c if c == "\n" else blank for c in match.group())

    return _LEXEMES.sub(fill, text)


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


def _value_slots(masked: str, keyword: re.Match) -> dict[str, tuple[int, int]]:
    """Variable → (start, end) of the data of each single-variable VALUES block opening the WHERE clause."""
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
    slots = {}
    while block := _VALUES_BLOCK.match(masked, position):
        if block["var"]:
            slots.setdefault(block["var"][1:], block.span("data"))
        position = block.end()
    return slots


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_SYNTAX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _readable(message: str, text: str, line: int) -> str:
    """Oxigraph's parser lists the tokens it could accept at the furthest point it reached; a person is better
    served by its sentences ("Prefix not found") or else by the line where reading stopped."""
    expected = re.sub(r"\[[^\]]*\]", "", message.removeprefix("expected one of ").removeprefix("expected "),
                      flags=re.S)
    sentences = [item.strip() for item in expected.split(", ") if " " in item.strip()
                 and any(c.islower() for c in item)]
    if sentences:
        return "; ".join(s[0].lower() + s[1:] for s in sentences)
    lines = text.splitlines()
    if line > len(lines) or not lines[line - 1].strip():
        return "syntax error; the query ends before it is complete"
    return f"syntax error; the parser could not go on in {lines[line - 1].strip()[:80]!r}"


# --- queries -----------------------------------------------------------------------------------------------------

class Query:
    """A SPARQL query ready to run: its text, where it came from, its header and where its parameters go.

    ``text`` is what engines receive before binding: the query as written, after one line of PREFIX declarations
    for any caregraph prefix it does not declare itself (so that ad-hoc queries may use ``cg:`` and friends).
    ``form`` is what it returns: "select", "ask" or "graph" (CONSTRUCT and DESCRIBE).
    """

    form: str
    text: str
    prefixes: dict[str, str]
    service_line: int | None
    _slots: dict[str, tuple[int, int]]

    def __init__(self, source: str, display: str, slug: str | None = None, summary: str | None = None,
                 description: str | None = None, question: str | None = None, sources: tuple[str, ...] = (),
                 tags: tuple[str, ...] = (), parameters: dict[str, Parameter] | None = None) -> None:
        self.source, self.display, self.slug = source, display, slug
        self.summary, self.description, self.question = summary, description, question
        self.sources, self.tags, self.parameters = sources, tags, parameters if parameters is not None else {}

    def __repr__(self) -> str:
        return f"Query(slug={self.slug!r}, display={self.display!r}, form={getattr(self, 'form', None)!r})"

    @classmethod
    def from_text(cls, text: str, display: str = "<query>", *, slug: str | None = None,
                  require: Sequence[str] = (), parse_header: bool = True) -> Query:
        """A query from SPARQL text, its header parsed and checked; errors name ``display`` and the line.

        With ``parse_header=False`` the ``#+`` lines are comments like any other, as for a SPARQL endpoint, which
        receives stored queries already bound (a PREFIX line before their header)."""
        header = _parse_header(text, display) if parse_header else _Header()
        for key in require:
            if key not in header.fields:
                raise ParseError(display, f"the header lacks '#+ {key}:' (every stored query has "
                                          f"{', '.join(LIBRARY_FIELDS)})", 1)
        def listed(key: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in header.fields.get(key, "").split(",") if v.strip())

        for source in listed("sources"):
            try:
                to_term("iri", source)
            except ValueError as error:
                raise ParseError(display, f"source {source!r} is not {error}", header.lines["sources"]) from None

        query = cls(text, display, slug, header.fields.get("summary"), header.fields.get("description"),
                    header.fields.get("question"), listed("sources"), listed("tags"),
                    {p.name: p for p in header.parameters})
        query._prepare()
        return query

    @classmethod
    def from_file(cls, path: str | Path, *, slug: str | None = None, display: str | None = None,
                  require: Sequence[str] = ()) -> Query:
        path = Path(path)
        shown = display or str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{shown}: no such query file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{shown}: cannot read: {error}") from None
        return cls.from_text(text, shown, slug=slug, require=require)

    def _prepare(self) -> None:
        masked = _mask(self.source)
        keyword = _KEYWORD.search(masked)
        if keyword and keyword.group(1).upper() in _UPDATE_KEYWORDS:
            raise InputError(f"{self.display}:{_line_of(masked, keyword.start())}: {keyword.group(1).upper()} is "
                             "SPARQL Update; caregraph query only reads (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        declared = {m.group(1) or "" for m in _PREFIX_DECLARATION.finditer(masked)}
        missing = [p for p in PREFIXES if p not in declared]
        prologue = " ".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in missing) + "\n" if missing else ""
        self.text = prologue + self.source
        masked = _mask(self.text)
        self.prefixes = dict(PREFIXES)
        for match in _PREFIX_DECLARATION.finditer(masked):
            iri = re.compile(r"\s*<([^<>]*)>").match(self.text, match.end())
            if iri:
                self.prefixes[match.group(1) or ""] = iri.group(1)
        self.form = self._check_syntax(prologue.count("\n"))
        federated = _SERVICE.search(_mask(self.source))
        self.service_line = _line_of(self.source, federated.start()) if federated else None
        if federated and self.slug and "federated" not in self.tags:
            raise ParseError(self.display, "the query uses SERVICE (another endpoint over the network), so its "
                                           "tags must include 'federated'", self.service_line)
        keyword = _KEYWORD.search(masked)
        self._slots = _value_slots(masked, keyword)
        for parameter in self.parameters.values():
            self._check_default(parameter, self.text[: keyword.start()])

    def _check_syntax(self, offset_lines: int) -> str:
        # Parsing is done by running the query on an empty store (pyoxigraph has no parser of its own to call).
        # SERVICE would be run too, reaching the network: it is read as GRAPH, its grammatical twin, for the check.
        masked = _mask(self.text)
        checked = self.text
        for found in reversed(list(_SERVICE.finditer(masked))):
            silent = re.compile(r"\s+SILENT(?![\w:-])", re.I).match(masked, found.end())
            end = silent.end() if silent else found.end()
            checked = checked[: found.start()] + "GRAPH".ljust(end - found.start()) + checked[end:]
        try:
            result = ox.Store().query(checked)
        except (RuntimeError, ValueError, OSError) as error:
            message = " ".join(str(error).split())
            if message.startswith("The custom function "):
                message = (message.replace("The custom function", "the function", 1).replace(
                    "is not supported", "is not one caregraph's engine knows (SPARQL 1.1 and XPath casts are)"))
            raise InputError(f"{self.display}: {shorten(message, 300)}") from None
        except SyntaxError as error:
            match = _SYNTAX_ERROR.match(str(error))
            if not match:
                raise ParseError(self.display, str(error).splitlines()[0]) from None
            line, column = int(match.group(1)) - offset_lines, int(match.group(2))
            message = _readable(match.group(3), self.source, line)
            raise ParseError(self.display, message, max(line, 1), column) from None
        if isinstance(result, ox.QueryBoolean):
            return "ask"
        return "graph" if isinstance(result, ox.QueryTriples) else "select"

    def _check_default(self, parameter: Parameter, prologue: str) -> None:
        if parameter.name not in self._slots:
            raise ParseError(self.display, f"parameter {parameter.name!r} needs a block 'VALUES ?{parameter.name} "
                                           f"{{ default }}' at the start of the WHERE clause", parameter.line)
        start, end = self._slots[parameter.name]
        line = _line_of(self.source, start - (len(self.text) - len(self.source)))
        block = f"{prologue} SELECT ?v WHERE {{ VALUES ?v {{ {self.text[start:end]} }} }}"
        try:
            written = [solution[0] for solution in ox.Store().query(block)]
        except SyntaxError:
            raise ParseError(self.display, f"the VALUES block of {parameter.name!r} must hold RDF terms",
                             line) from None
        if parameter.default == "UNDEF":
            declared = [None]
        else:
            try:
                declared = [to_term(parameter.type, parameter.default, self.prefixes)]
            except ValueError as error:
                raise ParseError(self.display, f"the default of {parameter.name!r} is not {error}",
                                 parameter.line) from None
        if written != declared:
            shown = " ".join(sparql_term(t) for t in written) or "nothing"
            raise ParseError(self.display, f"the header's default for {parameter.name!r} ({sparql_term(declared[0])}) "
                                           f"differs from its VALUES block ({shown})", line)

    def bind(self, values: Mapping[str, str | Sequence[str]] | None = None) -> str:
        """The query text with each given parameter's VALUES block holding the given value(s) as typed terms.

        A parameter given a list of values gets one row per value. Unknown names and values that are not of the
        declared type raise :class:`InputError`, which lists the declared parameters.
        """
        values = dict(values or {})
        replacements = []
        for name, given in values.items():
            parameter = self.parameters.get(name)
            if parameter is None:
                import difflib

                close = difflib.get_close_matches(name, self.parameters, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError(f"{self._name()} has no parameter {name!r}{hint}", hint=self._declared())
            texts = [given] if isinstance(given, str) else list(given)
            if not texts:
                raise InputError(f"no value given for parameter {name!r}", hint=self._declared())
            terms = []
            for text in texts:
                try:
                    terms.append(to_term(parameter.type, text, self.prefixes))
                except ValueError as error:
                    raise InputError(f"parameter {name!r} of {self._name()} takes {error}; got {shorten(text)!r}",
                                     hint=self._declared()) from None
            replacements.append((self._slots[name], " " + " ".join(sparql_term(t) for t in terms) + " "))
        text = self.text
        for (start, end), data in sorted(replacements, reverse=True):
            text = text[:start] + data + text[end:]
        return text

    def _name(self) -> str:
        return f"query {self.slug!r}" if self.slug else self.display

    def _declared(self) -> str:
        if not self.parameters:
            return "this query declares no parameters"
        return "declared parameters: " + "; ".join(str(p) for p in self.parameters.values())


def is_sparql(text: str) -> bool:
    """Whether ``text`` is SPARQL rather than a stored query's name or a file name."""
    return "{" in text or bool(_KEYWORD.search(_mask(text)) and any(c.isspace() for c in text.strip()))


# --- the library of stored queries -------------------------------------------------------------------------------

def library(queries_dir: str | Path | None = None) -> dict[str, Path]:
    """Slug → file of every stored query, sorted by slug (default folder: the project's ``queries/``)."""
    if queries_dir is None:
        from ..project import Project

        queries_dir = Project.locate().queries_dir
    return {path.stem: path for path in sorted(Path(queries_dir).glob("*.rq"))}


def catalogue(queries_dir: str | Path | None = None) -> str:
    """The stored queries as a Markdown table — topic (the first tag), query, question, parameters with their
    defaults — sorted by topic, as queries/README.md shows it (a test keeps that copy current)."""
    rows = []
    for slug in library(queries_dir):
        query = stored(slug, queries_dir)
        parameters = "<br>".join(f"`{p.name}` (optional)" if p.default == "UNDEF" else f"`{p.name}` = `{p.default}`"
                                 for p in query.parameters.values())
        rows.append((query.tags[0] if query.tags else "", slug, query.question, parameters))
    lines = ["| topic | query | question | parameters (default) |", "|---|---|---|---|"]
    lines += [f"| {topic} | [`{slug}`]({slug}.rq) | {question} | {parameters} |"
              for topic, slug, question, parameters in sorted(rows)]
    return "\n".join(lines) + "\n"


_STORED: dict[tuple[str, int, int], Query] = {}
"""Stored queries already read, by file, modification time and size: running a stored query again (in a loop, in
a notebook) skips reading and checking it, which took most of the time of a small query (bench/README.md)."""


def stored(name: str, queries_dir: str | Path | None = None) -> Query:
    """The stored query ``name``; an unknown name raises :class:`UnknownTermError` with the closest names."""
    if queries_dir is None:
        from ..project import Project

        queries_dir = Project.locate().queries_dir
    path = Path(queries_dir) / f"{name}.rq"
    try:
        plain = path.name == f"{name}.rq" and path.is_file()  # a plain name, no folders: no need to list the library
        stat = path.stat() if plain else None
    except OSError:  # a name too long for a file name, say: then it is no stored query's
        plain = False
    if plain:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _STORED:
            if len(_STORED) > 1000:
                _STORED.clear()
            _STORED[key] = Query.from_file(path, slug=name, display=f"queries/{path.name}", require=LIBRARY_FIELDS)
        return _STORED[key]
    queries = library(queries_dir)
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, queries, n=3, cutoff=0.5)
        close += [slug for slug in queries if name.lower() in slug and slug not in close][: 3 - len(close)]
        error = UnknownTermError("stored query", name, close)
        error.hint = "`caregraph queries` lists the stored queries"
        raise error
    path = queries[name]
    return Query.from_file(path, slug=name, display=f"queries/{path.name}", require=LIBRARY_FIELDS)


def resolve(query: str | Path | Query, queries_dir: str | Path | None = None) -> Query:
    """A :class:`Query` from a Query, SPARQL text, a path to a ``.rq`` file, or a stored query's name."""
    if isinstance(query, Query):
        return query
    if isinstance(query, Path):
        return Query.from_file(query)
    if is_sparql(query):
        return Query.from_text(query, "<query>")
    if query.endswith(".rq") or "/" in query:
        return Query.from_file(query)
    return stored(query, queries_dir)


# --- results -----------------------------------------------------------------------------------------------------

_INTEGERS = {XSD + n for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}


def to_python(term: Term | None) -> object:
    """A term as a plain Python value: IRI → str, numbers → int/Decimal/float, boolean → bool, date → date,
    gYear → int, other literals → their text, unbound → None, blank node → ``"_:label"``."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    import datetime
    from decimal import Decimal

    datatype, text = term.datatype.value, term.value
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return float(text)
        if datatype == XSD + "boolean":
            return text.strip() in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(text)
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if datatype == XSD + "gYear":
            return int(text)
    except ValueError:
        pass  # an ill-typed literal keeps its text
    return text


def comparable(term: Term | None) -> object:
    """A key under which two terms are equal when they have the same RDF value (``1`` and ``"01"^^xsd:integer``,
    ``2.0`` and ``2.00``), while an IRI, a string and a language-tagged string with the same text stay apart.
    Blank node labels are not comparable across engines, so all blank nodes are equal."""
    if term is None or isinstance(term, ox.BlankNode):
        return None if term is None else ("blank",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if term.language:
        return ("text", term.value, term.language.lower())
    from decimal import Decimal

    value = to_python(term)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return ("number", value)
    if isinstance(value, str):
        return ("literal", term.datatype.value, value)
    return (type(value).__name__, value)


RESULT_FORMATS = {
    "select": ("table", "csv", "tsv", "json", "xml"),
    "ask": ("table", "csv", "tsv", "json", "xml"),
    "graph": ("table", "turtle", "nt", "xml", "json"),
}
"""The output formats each kind of result can take (for graphs, xml is RDF/XML and json is JSON-LD)."""

_RESULTS_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML,
                  "json": ox.RdfFormat.JSON_LD}


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _prefixes_used(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes of caregraph's table that some IRI of ``triples`` (datatypes included) starts with."""
    iris = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def _shown(term: Term | None) -> str:
    """A term as a table cell: its text, control characters escaped so that data cannot drive the terminal."""
    return printable(term_text(term))


class QueryResult:
    """What a query returns, embedded or remote: ``kind`` is ``select`` (``variables`` and ``rows`` of terms,
    ``None`` where unbound), ``ask`` (``boolean``) or ``graph`` (``triples``, for CONSTRUCT and DESCRIBE)."""

    def __init__(self, kind: str, variables: tuple[str, ...] = (), rows: list[tuple[Term | None, ...]] | None = None,
                 boolean: bool | None = None, triples: list[ox.Triple] | None = None) -> None:
        self.kind, self.variables, self.boolean = kind, variables, boolean
        self.rows = rows if rows is not None else []
        self.triples = triples if triples is not None else []

    def __repr__(self) -> str:
        shown = {"ask": f"boolean={self.boolean}", "graph": f"{len(self.triples)} triples"}.get(
            self.kind, f"variables={self.variables}, {len(self.rows)} rows")
        return f"QueryResult({self.kind!r}, {shown})"

    @classmethod
    def from_oxigraph(cls, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
        if isinstance(result, ox.QueryBoolean):
            return cls("ask", boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            return cls("graph", triples=list(result))
        variables = tuple(v.value for v in result.variables)
        return cls("select", variables, [tuple(s[i] for i in range(len(variables))) for s in result])

    def __len__(self) -> int:
        if self.kind == "ask":
            return 1
        return len(self.triples if self.kind == "graph" else self.rows)

    def __iter__(self) -> Iterator:
        return iter(self.triples if self.kind == "graph" else self.rows)

    def records(self) -> list[dict[str, object]]:
        """Rows as dicts of plain Python values (see :func:`to_python`): ``pandas.DataFrame(result.records())``.

        Triples become ``{"subject", "predicate", "object"}``; an ASK result one record ``{"answer": bool}``."""
        if self.kind == "ask":
            return [{"answer": self.boolean}]
        if self.kind == "graph":
            return [{"subject": to_python(t.subject), "predicate": to_python(t.predicate),
                     "object": to_python(t.object)} for t in self.triples]
        return [{v: to_python(term) for v, term in zip(self.variables, row, strict=True)} for row in self.rows]

    def same_values(self, other: QueryResult) -> bool:
        """Whether two results hold the same solutions (or triples, or answer), compared by RDF value, in any order."""
        return self.kind == other.kind and self._comparable() == other._comparable()

    def _comparable(self):
        from collections import Counter

        if self.kind == "ask":
            return self.boolean
        if self.kind == "graph":
            return Counter(tuple(map(comparable, (t.subject, t.predicate, t.object))) for t in self.triples)
        order = sorted(self.variables)
        index = [self.variables.index(v) for v in order]
        return tuple(order), Counter(tuple(comparable(row[i]) for i in index) for row in self.rows)

    def serialize(self, fmt: str, *, title: str | None = None) -> bytes:
        """The result as ``fmt``, one of :data:`RESULT_FORMATS` for its kind."""
        if fmt not in RESULT_FORMATS[self.kind]:
            what = {"select": "SELECT results are a table", "ask": "an ASK result is true or false",
                    "graph": "CONSTRUCT and DESCRIBE results are RDF"}[self.kind]
            raise InputError(f"{what}: --format {fmt} does not apply; use one of "
                             f"{', '.join(RESULT_FORMATS[self.kind])}")
        if fmt == "table":
            return (self.table(title=title) + "\n").encode()
        if self.kind == "graph":
            from ..ordering import sorted_triples

            triples = sorted_triples(self.triples)
            prefixes = None if fmt == "nt" else _prefixes_used(triples)
            return ox.serialize(triples, format=_GRAPH_FORMATS[fmt], prefixes=prefixes)
        data = self._oxigraph_results().serialize(format=_RESULTS_FORMATS[fmt])
        return data if data.endswith(b"\n") else data + b"\n"  # a shell prompt should not follow on the same line

    def _oxigraph_results(self) -> ox.QuerySolutions | ox.QueryBoolean:
        # One route to every W3C format: the rows as SPARQL JSON, read back by Oxigraph, written by its serialisers.
        if self.kind == "ask":
            document = {"head": {}, "boolean": self.boolean}
        else:
            bindings = [{v: _json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
                        for row in self.rows]
            document = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)

    def table(self, *, width: int | None = None, title: str | None = None) -> str:
        """A readable table: IRIs as prefixed names, literals as their text, and a count of rows."""
        from ..tables import render_table

        if self.kind == "ask":
            return "true" if self.boolean else "false"
        if self.kind == "graph":
            headers = ("subject", "predicate", "object")
            from ..ordering import sorted_triples

            rows = [tuple(_shown(term) for term in (t.subject, t.predicate, t.object))
                    for t in sorted_triples(self.triples)]
        else:
            headers, rows = self.variables, [tuple(map(_shown, row)) for row in self.rows]
        count = f"{len(rows)} {'row' if len(rows) == 1 else 'rows'}"
        return render_table(headers, rows, width=width, title=title) + "\n" + count


# --- engines -----------------------------------------------------------------------------------------------------

_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", re.I)


def service_line(text: str) -> int | None:
    """The line of the first SERVICE clause of query text (outside strings, IRIs and comments), or None."""
    found = _SERVICE.search(_mask(text))
    return _line_of(text, found.start()) if found else None


def refuse_service(where: str) -> InputError:
    """The error for a SERVICE clause (at ``where``) in a query run embedded without allowing it."""
    return InputError(f"{where}: SERVICE would send part of the query to another server over the network; "
                      "embedded queries run offline unless --allow-service (allow_service=True) is given")


def _classify(error: BaseException) -> str:
    """The failure kind (see :class:`caregraph.query.limits.Failure`) of an error the engine raised."""
    if isinstance(error, (SyntaxError, RuntimeError, ValueError, TypeError)):
        return "input"  # a query the engine cannot evaluate, e.g. an unsupported function
    if isinstance(error, OSError):
        return "storage"
    return "bug"


def _engine_error(error: BaseException, federated: bool) -> CaregraphError:
    """The one-line error for what the engine raised while evaluating a query in this process."""
    message = " ".join(str(error).split())
    if federated:  # the query itself was checked before it ran: what failed is the other endpoint
        return EndpointError(f"a SERVICE endpoint failed: {shorten(message)}")
    if isinstance(error, OSError):
        return StorageError(f"the graph's store could not be read: {shorten(message)}")
    return InputError(f"the query cannot be evaluated: {shorten(message)}")


def run_embedded(graph, text: str, *, timeout: float | None = None, allow_service: bool = False,
                 stream: str | None = None, deliver=None) -> QueryResult | None:
    """Run query text on a :class:`caregraph.graph.CareGraph` (its pyoxigraph store).

    ``timeout`` (seconds; None: no limit) is a deadline for the whole query. With a deadline the query runs in a
    child process that is killed when the deadline passes or on Ctrl-C, under a memory ceiling
    (:mod:`caregraph.query.limits`), and :class:`caregraph.errors.QueryTimeout` is raised; without one it runs
    here. SERVICE clauses are refused (:class:`InputError`) unless ``allow_service``. ``stream`` names a W3C
    results format (csv, tsv, json, xml) in which SELECT or ASK results are handed to ``deliver`` (a function
    taking bytes) piece by piece as the engine produces them, never held whole; then None is returned.
    """
    from . import limits

    line = service_line(text)
    if line is not None and not allow_service:
        raise refuse_service(f"line {line} of the query")
    federated = line is not None
    timeout = limits.checked_timeout(timeout)
    if timeout is None and stream is None:
        try:
            return QueryResult.from_oxigraph(graph.store.query(text))
        except (SyntaxError, RuntimeError, ValueError, TypeError, OSError) as error:
            raise _engine_error(error, federated) from None

    streaming = stream is not None and deliver is not None

    def work(sink) -> None:
        result = graph.store.query(text)
        if streaming and not isinstance(result, ox.QueryTriples):
            result.serialize(sink, format=_RESULTS_FORMATS[stream])
            if sink.last != b"\n":
                sink.write(b"\n")  # a shell prompt should not follow on the same line
        elif isinstance(result, ox.QueryTriples):
            sink.write(b"G")
            result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
        else:
            sink.write(b"R")
            result.serialize(sink, format=ox.QueryResultsFormat.JSON)

    for attempt in (1, 2):
        try:
            data = limits.run_in_child(work, timeout=timeout, what="the query", classify=_classify,
                                       deliver=deliver if streaming else None)
            break
        except limits.Failure as failure:
            entry = getattr(graph, "cache_entry", None)
            if attempt == 1 and entry is not None and not federated and failure.kind in ("storage", "crash"):
                # RocksDB reported an error, or the engine died: if the cached store is to blame, discard it
                # (one line on stderr) and run the query again on the graph rebuilt from the files.
                from ..cache import verified

                damage = failure.message if failure.kind == "storage" else verified(entry)
                if damage is not None:
                    graph.rebuild_after_damage(damage)
                    continue
            if federated and failure.kind in ("storage", "input"):  # the query itself was checked before it ran
                failure = limits.Failure("endpoint", f"a SERVICE endpoint failed: {failure.message}")
            limits.raise_failure(failure, what="the query")
    if streaming:
        return None
    if data[:1] == b"R":
        return QueryResult.from_oxigraph(ox.parse_query_results(data[1:], format=ox.QueryResultsFormat.JSON))
    return QueryResult("graph", triples=[q.triple for q in ox.parse(data[1:], format=ox.RdfFormat.N_TRIPLES)])


def run_remote(url: str, text: str, kind: str, timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Run query text on the SPARQL 1.1 endpoint at ``url`` through SPARQLWrapper; failures are EndpointError.

    ``timeout`` (seconds; None: no limit) is a deadline for the whole request — connecting, sending, and reading
    the answer however slowly the server sends it — not for each read: the request runs in a child process that
    is killed when the deadline passes (:mod:`caregraph.query.limits`), raising QueryTimeout.
    """
    from . import limits

    if not re.match(r"https?://[^/\s]+", url):
        raise InputError(f"endpoint {shorten(url)!r} is not an http:// or https:// URL")
    timeout = limits.checked_timeout(timeout)
    if timeout is None:
        body, media_type = _fetch(url, text, kind, None)
    else:
        def work(sink) -> None:
            answer, answer_type = _fetch(url, text, kind, timeout)
            sink.write(answer_type.encode("utf-8", "replace") + b"\n")
            sink.write(answer)

        try:
            data = limits.run_in_child(work, timeout=timeout, what=f"the request to {url}",
                                       classify=lambda error: "endpoint")
        except limits.Failure as failure:
            limits.raise_failure(failure, what=f"the request to {url}")
        except QueryTimeout:
            raise QueryTimeout(f"SPARQL endpoint {url} did not answer within {timeout:g} s, the deadline for the "
                               "whole request; give a longer --timeout if it needs more") from None
        head, _, body = data.partition(b"\n")
        media_type = head.decode("utf-8", "replace")
    from .portability import normalise

    try:
        if kind == "graph":
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return normalise(QueryResult("graph", triples=[q.triple for q in ox.parse(body, format=rdf_format)]), kind)
        results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
        # normalise(): a store's known deviations from the standard (Virtuoso's ASK and booleans), undone
        return normalise(QueryResult.from_oxigraph(ox.parse_query_results(body, format=results_format)), kind)
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"SPARQL endpoint {url} sent an answer that is not SPARQL results "
                            f"({media_type or 'no content type'}): {shorten(str(error))}") from None


def _fetch(url: str, text: str, kind: str, timeout: float | None) -> tuple[bytes, str]:
    """The endpoint's answer to the query and its media type; every failure an EndpointError."""
    import http.client
    import urllib.error

    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    wrapper = SPARQLWrapper(url)
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the query form with a regular expression that comments can fool; we know it.
    wrapper.queryType = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT"}[kind]
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)
    wrapper.setReturnFormat(TURTLE if kind == "graph" else JSON)
    # Each socket operation may take the whole deadline; the deadline itself is kept by run_remote's child process.
    # (setTimeout() truncates to whole seconds, and 0 would mean no timeout at all.)
    wrapper.timeout = timeout
    try:
        response = wrapper.query().response
        body = response.read()
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    except SPARQLWrapperException as error:
        detail = " ".join(str(error).split())
        raise EndpointError(f"SPARQL endpoint {url} refused the query: {shorten(detail, 300)}") from None
    except urllib.error.HTTPError as error:
        raise EndpointError(f"SPARQL endpoint {url} answered HTTP {error.code} {error.reason}") from None
    except (OSError, http.client.HTTPException) as error:  # URLError and TimeoutError are OSErrors
        raise unreachable(f"SPARQL endpoint {url}", error, timeout) from None
    return body, media_type


def run(query: str | Path | Query, params: Mapping[str, str | Sequence[str]] | None = None, *, graph=None,
        endpoint: str | None = None, timeout: float | None = DEFAULT_TIMEOUT,
        allow_service: bool = False) -> QueryResult:
    """Run a stored query (by name), a ``.rq`` file or SPARQL text, with ``params`` bound, and return the result.

    Runs on ``endpoint`` (any SPARQL 1.1 endpoint) when given, else on ``graph`` (default: the caregraph graph,
    loaded from the cache)::

        from caregraph.query import run
        result = run("concepts-of-scheme", {"scheme": "cg:IntegrationScheme"})
        rows = result.records()          # list of dicts; pandas.DataFrame(rows) if you have pandas

    ``timeout`` is a deadline in seconds for the whole query (None: no limit). When it passes, the query's work
    is stopped — embedded queries and requests run in a child process that is killed — and
    :class:`caregraph.errors.QueryTimeout` (exit code 3 on the command line) is raised. An embedded query with a
    deadline also runs under a memory ceiling (:data:`caregraph.query.limits.MEMORY_BUDGET`). SERVICE clauses,
    which would reach other servers over the network, are refused in embedded queries unless ``allow_service``.
    """
    prepared = resolve(query)
    if endpoint:
        return run_remote(endpoint, prepared.bind(params), prepared.form, timeout)
    if prepared.service_line is not None and not allow_service:
        raise refuse_service(f"{prepared.display}:{prepared.service_line}")
    if graph is None:
        from ..graph import load

        graph = load()
    from .codes import resolve as resolve_codes

    text = prepared.bind(resolve_codes(prepared, params, graph.store))
    return run_embedded(graph, text, timeout=timeout, allow_service=allow_service)
