"""Content negotiation: which of the representations a route offers the request's ``Accept`` header prefers.

The media types are those of the W3C SPARQL 1.1 Protocol and the RDF formats; each maps to the name
:meth:`caregraph.query.QueryResult.serialize` knows it by, so the web and the command line write the same bytes.
"""

from __future__ import annotations

RESULTS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
"""Media type → format for SELECT and ASK results; the first is the default."""

RDF = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json",
    "application/rdf+xml": "xml",
    "text/plain": "nt",
}
"""Media type → format for CONSTRUCT and DESCRIBE results and other RDF; the first is the default."""


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """The media ranges of an Accept header with their quality and position, unreadable parts skipped."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (item.strip() for item in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality, position))
    return ranges


def _specificity(media_range: str, offer: str) -> int | None:
    """How closely a media range matches an offered type: 2 exactly, 1 ``type/*``, 0 ``*/*``, None not at all."""
    if media_range == offer:
        return 2
    if media_range == "*/*":
        return 0
    if media_range.endswith("/*") and offer.startswith(media_range[:-1]):
        return 1
    return None


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers, ``offers[0]`` when it names none, or None when it
    accepts none of them (the route then answers 406).

    Each offer takes the quality of the most specific range that matches it (RFC 9110, 12.5.1); among equal
    qualities the range the client listed first wins, then the route's order."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        matches = [
            (specificity, quality, position)
            for media, quality, position in ranges
            if (specificity := _specificity(media, offer)) is not None
        ]
        if not matches:
            continue
        _, quality, position = max(matches, key=lambda match: match[0])
        if quality <= 0:
            continue
        key = (-quality, position, order)
        if best is None or key < best:
            best, chosen = key, offer
    return chosen
