"""Why a stored query answered nothing: one line for the researcher, on stderr, the exit status unchanged.

An empty answer has a reason that the graph can tell, tried in this order:

1. a parameter names nothing in the graph (a code no organisation or area has, an IRI nothing is said about) —
   with "did you mean" over codes, names and IRIs;
2. a day lies outside the period that the query's datasets cover — with that period;
3. a code names something that is not in the data on that day: closed or merged — with its last period and what
   replaced it, and when that begins.

Otherwise the line says that no record matches the values given.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import DCTERMS, RDFS, XSD, curie
from ..periods import span
from .codes import CODE_TYPES, resolve
from .embedded import select

if TYPE_CHECKING:
    from datetime import date

    Period = tuple[date, date | None]
from .parameters import to_term

_DATED = """
PREFIX cg: <https://w3id.org/caregraph/def#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?time WHERE {
  %s
  ?record org:memberDuring|time:hasTime ?time .
  ?time time:hasBeginning ?beginning .
}"""
_OF_DATASETS = "VALUES ?dataset { %s } ?record prov:wasDerivedFrom/prov:wasQuotedFrom ?dataset ."
_OF_ENTITY = "VALUES ?entity { %s } ?record org:member|cg:roleHolder|cg:namedEntity ?entity ."


def _period(store: ox.Store, where: str) -> Period | None:
    """(first day, last day or None if open-ended) of the calendar terms that the records matched hold."""
    spans = [span(row["time"].value) for row in select(store, _DATED % where) if isinstance(row["time"], ox.NamedNode)]
    starts = [start for start, _ in spans if start is not None]
    ends = [end for _, end in spans if end is not None]
    if not starts:
        return None
    return min(starts), max(ends) if len(ends) == len(spans) else None


def _words(period: Period) -> str:
    start, end = period
    return f"from {start:%-d %B %Y}" + (f" to {end:%-d %B %Y}" if end else " on")


def _label(store: ox.Store, entity: ox.NamedNode | ox.BlankNode) -> str:
    labels = [
        q.object.value
        for q in store.quads_for_pattern(entity, ox.NamedNode(RDFS + "label"), None)
        if isinstance(q.object, ox.Literal)
    ]
    return f" ({labels[0]})" if labels else ""


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _unknown_code(store: ox.Store, name: str, type_name: str, code: str) -> str:
    predicate = ox.NamedNode(CODE_TYPES[type_name])
    codes = sorted(
        {q.object.value for q in store.quads_for_pattern(None, predicate, None) if isinstance(q.object, ox.Literal)}
    )
    names = sorted(
        {
            q.object.value
            for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None)
            if isinstance(q.object, ox.Literal)
            and any(True for _ in store.quads_for_pattern(q.subject, predicate, None))
        }
    )
    what = "ODS code" if type_name == "ods" else "GSS code"
    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(code.casefold(), folded, n=3, cutoff=0.6)
    hint = _suggest(code, codes) or (f"; did you mean {', '.join(folded[c] for c in close)}?" if close else "")
    return f"{name}={code} names nothing in the graph: no organisation or area has the {what} {code}{hint}"


def _unknown_iri(store: ox.Store, name: str, iri: ox.NamedNode) -> str:
    subjects = {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(iri.value.rsplit("/", 1)[0])
    }
    shown = {curie(s): s for s in subjects}
    return f"{name}={curie(iri.value)} names nothing in the graph{_suggest(curie(iri.value), sorted(shown))}"


def _known(store: ox.Store, term: ox.NamedNode) -> bool:
    return any(True for _ in store.quads_for_pattern(term, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, term)
    )


def explain(query, params: Mapping[str, str | Sequence[str]] | None, store: ox.Store) -> str:
    """One line saying why ``query``, run with ``params`` on ``store``, gave no rows; codes are read as
    :func:`caregraph.query.run` reads them (:func:`caregraph.query.codes.resolve`)."""
    params = resolve(query, params, store)
    values: dict[str, list[ox.NamedNode | ox.Literal]] = {}
    for name, parameter in query.parameters.items():
        given = params.get(name)
        texts = (
            ([given] if isinstance(given, str) else list(given))
            if given is not None
            else ([] if parameter.default == "UNDEF" else [parameter.default])
        )
        values[name] = [to_term(parameter.type, text, query.prefixes) for text in texts]
    # 1. A value that names nothing.
    for name, parameter in query.parameters.items():
        for term in values[name]:
            if parameter.type in CODE_TYPES and not any(
                True for _ in store.quads_for_pattern(None, ox.NamedNode(CODE_TYPES[parameter.type]), term)
            ):
                return _unknown_code(store, name, parameter.type, term.value)
            if isinstance(term, ox.NamedNode) and not _known(store, term):
                return _unknown_iri(store, name, term)
    days = [
        (name, term)
        for name, terms in values.items()
        for term in terms
        if isinstance(term, ox.Literal) and term.datatype.value == XSD + "date"
    ]
    # 2. A day outside the period the query's datasets cover.
    datasets = " ".join(f"<{to_term('iri', s).value}>" for s in query.sources)
    covered = _period(store, _OF_DATASETS % datasets) if datasets else None
    import datetime

    for name, term in days:
        day = datetime.date.fromisoformat(term.value)
        if covered and (day < covered[0] or (covered[1] and day > covered[1])):
            return f"{name}={day} is outside the period the data of this query cover: {_words(covered)}"
    # 3. A code whose organisation or area is not in the data that day: closed, or merged into another.
    for name, parameter in query.parameters.items():
        if parameter.type not in CODE_TYPES:
            continue
        for term in values[name]:
            entity = next(
                q.subject
                for q in store.quads_for_pattern(None, ox.NamedNode(CODE_TYPES[parameter.type]), term)
                if isinstance(q.subject, ox.NamedNode)
            )
            period = _period(store, _OF_ENTITY % f"<{entity.value}>")
            for day_name, day_term in days:
                day = datetime.date.fromisoformat(day_term.value)
                if period and (day < period[0] or (period[1] and day > period[1])):
                    line = (
                        f"{name}={term.value}{_label(store, entity)} is in the data only {_words(period)}, "
                        f"not on {day_name}={day}"
                    )
                    successors = [
                        q.object
                        for q in store.quads_for_pattern(entity, ox.NamedNode(DCTERMS + "isReplacedBy"), None)
                        if isinstance(q.object, ox.NamedNode)
                    ]
                    for successor in successors[:1]:
                        code = next(
                            (
                                q.object.value
                                for q in store.quads_for_pattern(
                                    successor, ox.NamedNode(CODE_TYPES[parameter.type]), None
                                )
                                if isinstance(q.object, ox.Literal)
                            ),
                            None,
                        )
                        later = _period(store, _OF_ENTITY % f"<{successor.value}>")
                        line += (
                            f"; it was replaced by {code or curie(successor.value)}{_label(store, successor)}"
                            + (f", in the data {_words(later)}" if later else "")
                            + (f": try {name}={code}" if code else "")
                        )
                    return line
    given = ", ".join(f"{name}={' '.join(t.value for t in terms)}" for name, terms in values.items() if terms)
    return f"no record matches {given}" if given else "no record matches this query"
