"""A SPARQL query prepared to run: its ``#+`` header read, its syntax checked, its form known and the places of its
parameters found, so that binding it (:meth:`Query.bind`) is a matter of text.

``Query.text`` is what engines receive before binding: the query as written, after one line of PREFIX declarations
for any caregraph prefix it does not declare itself (so that ad-hoc queries may use ``cg:`` and friends). Every
engine, embedded or remote, receives the same rewritten text, so a binding constrains the same place both ways;
binding through an engine's API instead (rdflib's ``initBindings``) is applied first locally but appended as a
trailing VALUES block remotely, which changes answers under FILTER and subqueries (rdflib issue #1772).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, ParseError, shorten
from ..namespaces import PREFIXES
from ..sparql import (
    KEYWORD,
    SERVICE,
    UPDATE_KEYWORDS,
    declared_prefixes,
    error_position,
    line_of,
    mask,
    readable,
    service_line,
)
from . import header as grammar  # from_text has an argument named parse_header
from .embedded import select
from .header import QUERY_FIELDS, Header, Parameter, parse_parameters
from .parameters import sparql_term, to_term, value_slots


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

    def __init__(
        self,
        source: str,
        display: str,
        slug: str | None = None,
        summary: str | None = None,
        description: str | None = None,
        question: str | None = None,
        sources: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        parameters: dict[str, Parameter] | None = None,
    ) -> None:
        self.source, self.display, self.slug = source, display, slug
        self.summary, self.description, self.question = summary, description, question
        self.sources, self.tags, self.parameters = sources, tags, parameters if parameters is not None else {}

    def __repr__(self) -> str:
        return f"Query(slug={self.slug!r}, display={self.display!r}, form={getattr(self, 'form', None)!r})"

    @classmethod
    def from_text(
        cls,
        text: str,
        display: str = "<query>",
        *,
        slug: str | None = None,
        require: Sequence[str] = (),
        parse_header: bool = True,
    ) -> Query:
        """A query from SPARQL text, its header parsed and checked; errors name ``display`` and the line.

        With ``parse_header=False`` the ``#+`` lines are comments like any other, as for a SPARQL endpoint, which
        receives stored queries already bound (a PREFIX line before their header)."""
        header = (
            grammar.parse_header(text, display, QUERY_FIELDS, repeatable=("param",), required=require)
            if parse_header
            else Header()
        )
        parameters = parse_parameters(header, display)

        def listed(key: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in header.fields.get(key, "").split(",") if v.strip())

        for source in listed("sources"):
            try:
                to_term("iri", source)
            except ValueError as error:
                raise ParseError(display, f"source {source!r} is not {error}", header.lines["sources"]) from None

        query = cls(
            text,
            display,
            slug,
            header.fields.get("summary"),
            header.fields.get("description"),
            header.fields.get("question"),
            listed("sources"),
            listed("tags"),
            {p.name: p for p in parameters},
        )
        query._prepare()
        return query

    @classmethod
    def from_file(
        cls, path: str | Path, *, slug: str | None = None, display: str | None = None, require: Sequence[str] = ()
    ) -> Query:
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
        masked = mask(self.source)
        keyword = KEYWORD.search(masked)
        if keyword and keyword.group(1).upper() in UPDATE_KEYWORDS:
            raise InputError(
                f"{self.display}:{line_of(masked, keyword.start())}: {keyword.group(1).upper()} is "
                "SPARQL Update; caregraph query only reads (SELECT, ASK, CONSTRUCT or DESCRIBE)"
            )
        declared = declared_prefixes(self.source)
        missing = [p for p in PREFIXES if p not in declared]
        prologue = " ".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in missing) + "\n" if missing else ""
        self.text = prologue + self.source
        self.prefixes = {**PREFIXES, **declared}
        self.form = self._check_syntax(prologue.count("\n"))
        self.service_line = service_line(self.source)
        if self.service_line is not None and self.slug and "federated" not in self.tags:
            raise ParseError(
                self.display,
                "the query uses SERVICE (another endpoint over the network), so its tags must include 'federated'",
                self.service_line,
            )
        masked = mask(self.text)
        keyword = KEYWORD.search(masked)
        assert keyword is not None, "a query that parses has a form"
        self._slots = value_slots(masked, keyword)
        for parameter in self.parameters.values():
            self._check_default(parameter, self.text[: keyword.start()])

    def _check_syntax(self, offset_lines: int) -> str:
        # Parsing is done by running the query on an empty store (pyoxigraph has no parser of its own to call).
        # SERVICE would be run too, reaching the network: it is read as GRAPH, its grammatical twin, for the check.
        masked = mask(self.text)
        checked = self.text
        for found in reversed(list(SERVICE.finditer(masked))):
            silent = re.compile(r"\s+SILENT(?![\w:-])", re.I).match(masked, found.end())
            end = silent.end() if silent else found.end()
            checked = checked[: found.start()] + "GRAPH".ljust(end - found.start()) + checked[end:]
        try:
            result = ox.Store().query(checked)
        except (RuntimeError, ValueError, OSError) as error:
            message = " ".join(str(error).split())
            if message.startswith("The custom function "):
                message = message.replace("The custom function", "the function", 1).replace(
                    "is not supported", "is not one caregraph's engine knows (SPARQL 1.1 and XPath casts are)"
                )
            raise InputError(f"{self.display}: {shorten(message, 300)}") from None
        except SyntaxError as error:
            what, line, column = error_position(str(error))
            if line is None:
                raise ParseError(self.display, str(error).splitlines()[0]) from None
            line -= offset_lines
            raise ParseError(self.display, readable(what, self.source, line), max(line, 1), column) from None
        if isinstance(result, ox.QueryBoolean):
            return "ask"
        return "graph" if isinstance(result, ox.QueryTriples) else "select"

    def _check_default(self, parameter: Parameter, prologue: str) -> None:
        if parameter.name not in self._slots:
            raise ParseError(
                self.display,
                f"parameter {parameter.name!r} needs a block 'VALUES ?{parameter.name} "
                f"{{ default }}' at the start of the WHERE clause",
                parameter.line,
            )
        start, end = self._slots[parameter.name]
        line = line_of(self.source, start - (len(self.text) - len(self.source)))
        block = f"{prologue} SELECT ?v WHERE {{ VALUES ?v {{ {self.text[start:end]} }} }}"
        try:
            written = [solution[0] for solution in select(ox.Store(), block)]
        except SyntaxError:
            raise ParseError(
                self.display, f"the VALUES block of {parameter.name!r} must hold RDF terms", line
            ) from None
        declared: list[ox.NamedNode | ox.Literal | None]
        if parameter.default == "UNDEF":
            declared = [None]
        else:
            try:
                declared = [to_term(parameter.type, parameter.default, self.prefixes)]
            except ValueError as error:
                raise ParseError(
                    self.display, f"the default of {parameter.name!r} is not {error}", parameter.line
                ) from None
        if written != declared:
            shown = " ".join(sparql_term(t) for t in written) or "nothing"
            raise ParseError(
                self.display,
                f"the header's default for {parameter.name!r} ({sparql_term(declared[0])}) "
                f"differs from its VALUES block ({shown})",
                line,
            )

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
                    raise InputError(
                        f"parameter {name!r} of {self._name()} takes {error}; got {shorten(text)!r}",
                        hint=self._declared(),
                    ) from None
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
    return "{" in text or bool(KEYWORD.search(mask(text)) and any(c.isspace() for c in text.strip()))
