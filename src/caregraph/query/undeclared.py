"""Terms of caregraph's vocabulary that a query uses but the ontology does not declare: most often a misspelling
(``cg:IntegratedCareBord``), which would otherwise make the query answer nothing without a word."""

from __future__ import annotations

import re

from ..namespaces import CG, curie
from ..sparql import line_of, mask
from ..vocabulary import Vocabulary

_CG_TERM = re.compile(r"(?<![\w:])cg:([A-Za-z_][\w-]*)")


def warnings(query, vocabulary: Vocabulary) -> list[str]:
    """One line per ``cg:`` term of ``query`` (prefixed or in full) that the vocabulary does not declare, with the
    closest declared terms."""
    masked = mask(query.source)
    found: dict[str, int] = {}
    if query.prefixes.get("cg") == CG:
        for match in _CG_TERM.finditer(masked):
            found.setdefault(CG + match.group(1), line_of(masked, match.start()))
    for match in re.finditer(re.escape("<" + CG) + r"([^>]+)>", query.source):  # not the namespace of a PREFIX
        found.setdefault(CG + match.group(1), line_of(query.source, match.start()))
    lines = []
    for iri, line in sorted(found.items(), key=lambda item: item[1]):
        if not vocabulary.declares(iri):
            close = vocabulary.suggestions(iri)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            lines.append(f"{query.display}:{line}: {curie(iri)} is not a term of caregraph's vocabulary{hint}")
    return lines
