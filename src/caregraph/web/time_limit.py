"""Running a query within the server's time limit, off the event loop.

Every query the web runs goes through :func:`run_within`. It hands the deadline to the engine
(:func:`caregraph.query.run_embedded`, which runs a query with a deadline in a child process and kills it when the
deadline passes, so a runaway query stops using the machine) from a worker thread, so the server goes on answering
other requests meanwhile. A query past the deadline raises :class:`caregraph.errors.QueryTimeout`, which the
application answers 503.
"""

from __future__ import annotations

import functools

import anyio

from ..errors import QueryTimeout
from ..query import QueryResult, run_embedded


async def run_within(graph, text: str, seconds: float) -> QueryResult:
    """The result of query ``text`` on ``graph``, or :class:`QueryTimeout` after ``seconds``."""
    run = functools.partial(run_embedded, graph, text, timeout=seconds)
    try:
        return await anyio.to_thread.run_sync(run)
    except QueryTimeout:
        raise QueryTimeout(
            f"the query did not finish within the server's time limit of {seconds:g} s, and was "
            "stopped; narrow it (a LIMIT, a more selective pattern) or run it with "
            "`caregraph query --timeout S`"
        ) from None
