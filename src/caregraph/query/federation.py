"""SERVICE clauses (SPARQL 1.1 Federated Query): where a query would have the engine call another endpoint.

The embedded engine follows a SERVICE clause over the network, and checking a query's syntax already evaluates it
(on an empty store). A server that runs other people's queries must refuse them before either, or anyone could
have it send requests wherever they like; this finds the clause without evaluating anything.
"""

from __future__ import annotations

import re

from . import _line_of, _mask

_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", re.I)


def service_line(text: str) -> int | None:
    """The line of the first SERVICE keyword of ``text`` outside strings, IRIs and comments, or None."""
    match = _SERVICE.search(_mask(text))
    return _line_of(text, match.start()) if match else None
