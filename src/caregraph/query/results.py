"""What a query returns, embedded or remote, as one type: :class:`QueryResult`, its rows of pyoxigraph terms (or a
boolean, or triples), with :meth:`QueryResult.records` for plain Python values and :meth:`QueryResult.serialize`
for the W3C SPARQL 1.1 results formats, a terminal table, or RDF."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from ..errors import InputError, printable
from ..namespaces import PREFIXES, XSD, term_text
from .parameters import Term

_INTEGERS = {
    XSD + n
    for n in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}


def to_python(term: Term | ox.Triple | None) -> object:
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


def comparable(term: Term | ox.Triple | None) -> object:
    """A key under which two terms are equal when they have the same RDF value (``1`` and ``"01"^^xsd:integer``,
    ``2.0`` and ``2.00``), while an IRI, a string and a language-tagged string with the same text stay apart.
    Blank node labels are not comparable across engines, so all blank nodes are equal."""
    if term is None or isinstance(term, ox.BlankNode):
        return None if term is None else ("blank",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Triple):  # a quoted triple (RDF-star): equal by its terms
        return ("triple", *map(comparable, (term.subject, term.predicate, term.object)))
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

RESULTS_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json": ox.RdfFormat.JSON_LD,
}


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


def _shown(term: Term | ox.Triple | None) -> str:
    """A term as a table cell: its text, control characters escaped so that data cannot drive the terminal."""
    return printable(str(term) if isinstance(term, ox.Triple) else term_text(term))


class QueryResult:
    """What a query returns, embedded or remote: ``kind`` is ``select`` (``variables`` and ``rows`` of terms,
    ``None`` where unbound), ``ask`` (``boolean``) or ``graph`` (``triples``, for CONSTRUCT and DESCRIBE)."""

    def __init__(
        self,
        kind: str,
        variables: tuple[str, ...] = (),
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ) -> None:
        self.kind, self.variables, self.boolean = kind, variables, boolean
        self.rows = rows if rows is not None else []
        self.triples = triples if triples is not None else []

    def __repr__(self) -> str:
        shown = {"ask": f"boolean={self.boolean}", "graph": f"{len(self.triples)} triples"}.get(
            self.kind, f"variables={self.variables}, {len(self.rows)} rows"
        )
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
            return [
                {"subject": to_python(t.subject), "predicate": to_python(t.predicate), "object": to_python(t.object)}
                for t in self.triples
            ]
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
            what = {
                "select": "SELECT results are a table",
                "ask": "an ASK result is true or false",
                "graph": "CONSTRUCT and DESCRIBE results are RDF",
            }[self.kind]
            raise InputError(
                f"{what}: --format {fmt} does not apply; use one of {', '.join(RESULT_FORMATS[self.kind])}"
            )
        if fmt == "table":
            return (self.table(title=title) + "\n").encode()
        if self.kind == "graph":
            from ..ordering import sorted_triples

            triples = sorted_triples(self.triples)
            prefixes = None if fmt == "nt" else _prefixes_used(triples)
            buffer = io.BytesIO()
            ox.serialize(triples, buffer, format=_GRAPH_FORMATS[fmt], prefixes=prefixes)
            return buffer.getvalue()
        buffer = io.BytesIO()
        self._oxigraph_results().serialize(buffer, format=RESULTS_FORMATS[fmt])
        data = buffer.getvalue()
        return data if data.endswith(b"\n") else data + b"\n"  # a shell prompt should not follow on the same line

    def _oxigraph_results(self) -> ox.QuerySolutions | ox.QueryBoolean:
        # One route to every W3C format: the rows as SPARQL JSON, read back by Oxigraph, written by its serialisers.
        document: dict[str, object]
        if self.kind == "ask":
            document = {"head": {}, "boolean": self.boolean}
        else:
            bindings = [
                {v: _json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
                for row in self.rows
            ]
            document = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)

    def table(self, *, width: int | None = None, title: str | None = None) -> str:
        """A readable table: IRIs as prefixed names, literals as their text, and a count of rows."""
        from ..tables import render_table

        if self.kind == "ask":
            return "true" if self.boolean else "false"
        headers: Sequence[str]
        if self.kind == "graph":
            headers = ("subject", "predicate", "object")
            from ..ordering import sorted_triples

            rows = [
                tuple(_shown(term) for term in (t.subject, t.predicate, t.object)) for t in sorted_triples(self.triples)
            ]
        else:
            headers, rows = self.variables, [tuple(map(_shown, row)) for row in self.rows]
        count = f"{len(rows)} {'row' if len(rows) == 1 else 'rows'}"
        return render_table(headers, rows, width=width, title=title) + "\n" + count
