"""Answers from SPARQL stores that deviate from the standard in known ways, brought back to it.

Measured on the stores researchers run (tests/test_stores.py; queries/README.md lists every deviation):

* Virtuoso 7 answers an ASK query with a SELECT result whose only variable is ``__ASK_RETVAL``: one row
  holding 1 for true, no row for false.
* Virtuoso 7 writes stored booleans as ``"1"`` and ``"0"``: valid lexical forms of ``xsd:boolean``, but CSV and
  tables would show 1 where the embedded engine shows true. They are rewritten in the canonical form.

A deviation that cannot be undone from the answer — Virtuoso types a computed boolean (``EXISTS``, ``true``) as
an ``xsd:integer`` — is avoided in the stored queries instead (``xsd:boolean(EXISTS { … })``).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import XSD
from .results import QueryResult

_BOOLEAN = ox.NamedNode(XSD + "boolean")
_CANONICAL = {"1": "true", "0": "false"}
_ASK_VARIABLE = "__ASK_RETVAL"


def _canonical(term):
    if isinstance(term, ox.Literal) and term.datatype == _BOOLEAN and term.value in _CANONICAL:
        return ox.Literal(_CANONICAL[term.value], datatype=_BOOLEAN)
    return term


def normalise(result: QueryResult, kind: str) -> QueryResult:
    """``result`` (from an endpoint) as the standard says a query of ``kind`` (``select``, ``ask`` or ``graph``) is
    answered."""
    if kind == "ask" and result.kind == "select" and result.variables == (_ASK_VARIABLE,) and len(result.rows) <= 1:
        answer = result.rows[0][0] if result.rows else None  # "false" comes as no row at all
        return QueryResult("ask", boolean=isinstance(answer, ox.Literal) and answer.value not in ("0", "false"))
    if result.kind == "select":
        return QueryResult("select", result.variables, [tuple(map(_canonical, row)) for row in result.rows])
    if result.kind == "graph":
        return QueryResult(
            "graph", triples=[ox.Triple(t.subject, t.predicate, _canonical(t.object)) for t in result.triples]
        )
    return result
