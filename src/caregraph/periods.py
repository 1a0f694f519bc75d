"""The calendar: OWL-Time descriptions of the dates and periods that records point at.

Records name their time with a calendar IRI in the ``cgd:`` namespace, keeping the precision the source gives:

=============================  ===============================================  ==========================
IRI (after ``cgd:``)           meaning                                          OWL-Time type
=============================  ===============================================  ==========================
``day-2015-03-10``             10 March 2015                                    time:Instant
``month-2017-06``              June 2017                                        time:ProperInterval
``year-2016``                  the calendar year 2016                           time:ProperInterval
``fy-2017-18``                 financial year 1 April 2017 – 31 March 2018      time:ProperInterval
``from-2022-07-01``            from 1 July 2022, open-ended                     time:ProperInterval
``period-2016-03-01-to-2022-06-30``  1 March 2016 to 30 June 2022 inclusive     time:ProperInterval
=============================  ===============================================  ==========================

The build describes each one used (a label, and time:hasBeginning / time:hasEnd day instants with
time:inXSDDate), so nobody writes calendar triples by hand and every date sorts and filters the same way:
``?t time:hasBeginning/time:inXSDDate ?start``. An instant is its own beginning and end, as OWL-Time allows.
"""

from __future__ import annotations

import calendar as _gregorian
import re
from datetime import date

from .errors import InputError
from .namespaces import CGD, RDF, RDFS, TIME, XSD

TEMPORAL_PROPERTIES = (
    TIME + "hasTime",
    "http://www.w3.org/ns/org#memberDuring",
    "https://w3id.org/caregraph/def#goLive",
    "https://w3id.org/caregraph/def#targetDate",
    "https://w3id.org/caregraph/def#recordedAsOf",
)
"""Properties whose objects are calendar terms; the build describes every calendar IRI they point at."""

_PATTERNS = {
    "day": re.compile(r"day-(\d{4})-(\d{2})-(\d{2})"),
    "month": re.compile(r"month-(\d{4})-(\d{2})"),
    "year": re.compile(r"year-(\d{4})"),
    "fy": re.compile(r"fy-(\d{4})-(\d{2})"),
    "from": re.compile(r"from-(\d{4})-(\d{2})-(\d{2})"),
    "period": re.compile(r"period-(\d{4})-(\d{2})-(\d{2})-to-(\d{4})-(\d{2})-(\d{2})"),
}
_FORMS = "day-YYYY-MM-DD, month-YYYY-MM, year-YYYY, fy-YYYY-YY, from-YYYY-MM-DD or period-YYYY-MM-DD-to-YYYY-MM-DD"

Triple = tuple[str, str, str | tuple[str, str]]
"""(subject IRI, predicate IRI, object) where the object is an IRI string or a (lexical, datatype) pair."""


def is_calendar_iri(iri: str) -> bool:
    """Whether ``iri`` is in the calendar's part of the ``cgd:`` namespace (well-formed or not)."""
    if not iri.startswith(CGD):
        return False
    return iri[len(CGD) :].split("-", 1)[0] in _PATTERNS


def _day(year: str, month: str, day: str, iri: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise InputError(f"{iri} is not a real date ({error})") from None


def _span(iri: str) -> tuple[str, date, date | None]:
    """(label, first day, last day) of a calendar IRI; the last day is None when open-ended."""
    local = iri[len(CGD) :]
    kind = local.split("-", 1)[0]
    match = _PATTERNS[kind].fullmatch(local) if kind in _PATTERNS else None
    if match is None:
        raise InputError(f"{iri} is not a calendar term", hint=f"calendar terms look like cgd:{_FORMS}")
    g = match.groups()
    if kind == "day":
        d = _day(g[0], g[1], g[2], iri)
        return f"{d.day} {d:%B %Y}", d, d
    if kind == "month":
        first = _day(g[0], g[1], "01", iri)
        last = first.replace(day=_gregorian.monthrange(first.year, first.month)[1])
        return f"{first:%B %Y}", first, last
    if kind == "year":
        return g[0], date(int(g[0]), 1, 1), date(int(g[0]), 12, 31)
    if kind == "fy":
        start = int(g[0])
        if (start + 1) % 100 != int(g[1]):
            raise InputError(
                f"{iri} is not a financial year: {g[1]} does not follow {g[0]}",
                hint=f"write cgd:fy-{start}-{(start + 1) % 100:02d}",
            )
        return f"financial year {start}/{g[1]}", date(start, 4, 1), date(start + 1, 3, 31)
    if kind == "from":
        d = _day(g[0], g[1], g[2], iri)
        return f"from {d.day} {d:%B %Y}", d, None
    # A period that ends before it begins is still described as written, so that the shapes can report it
    # against the record that points at it (see ontology/shapes/change.ttl); validate_iri rejects it.
    first, last = _day(g[0], g[1], g[2], iri), _day(g[3], g[4], g[5], iri)
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}", first, last


def span(iri: str) -> tuple[date | None, date | None]:
    """(first day, last day) of a calendar IRI; the last day is None when open-ended."""
    return _span(iri)[1:]


def day_iri(d: date) -> str:
    return f"{CGD}day-{d.isoformat()}"


def describe(iri: str) -> list[Triple]:
    """The OWL-Time triples that describe one calendar IRI (and the day instants it begins and ends on)."""
    label, first, last = _span(iri)
    triples: list[Triple] = []

    def instant(d: date) -> str:
        node = day_iri(d)
        triples.extend(
            [
                (node, RDF + "type", TIME + "Instant"),
                (node, RDFS + "label", (f"{d.day} {d:%B %Y}", "en")),
                (node, TIME + "inXSDDate", (d.isoformat(), XSD + "date")),
                (node, TIME + "hasBeginning", node),
                (node, TIME + "hasEnd", node),
            ]
        )
        return node

    if iri == day_iri(first):
        instant(first)
        return triples
    triples.append((iri, RDF + "type", TIME + "ProperInterval"))
    triples.append((iri, RDFS + "label", (label, "en")))
    triples.append((iri, TIME + "hasBeginning", instant(first)))
    if last is not None:
        triples.append((iri, TIME + "hasEnd", instant(last)))
    return triples


def validate_iri(iri: str) -> None:
    """Raise :class:`InputError` with a clear message if ``iri`` looks like a calendar term but is malformed."""
    _, first, last = _span(iri)
    if last is not None and first is not None and last < first:
        raise InputError(f"{iri} ends before it begins")
