"""Running a query within the server's time limit, off the event loop.

Every query the web runs goes through :func:`run_within`: the query runs in a worker thread (pyoxigraph releases
the GIL while it evaluates), so the server goes on answering other requests; at the deadline the request is
answered 503 (:class:`QueryTimeout`) and the worker's result, when it comes, is dropped. Stopping the evaluation
itself at the deadline is the query engine's part: this is the one place to hand the deadline to it.
"""

from __future__ import annotations

import anyio

from ..errors import EXIT_ENDPOINT_OR_IO, CaregraphError
from ..query import QueryResult, run_embedded


class QueryTimeout(CaregraphError):
    """A query ran past the server's time limit; the web answers 503 with this message."""

    exit_code = EXIT_ENDPOINT_OR_IO


async def run_within(graph, text: str, seconds: float) -> QueryResult:
    """The result of query ``text`` on ``graph``, or :class:`QueryTimeout` after ``seconds``."""
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(run_embedded, graph, text, abandon_on_cancel=True)
    except TimeoutError:
        raise QueryTimeout(f"the query did not finish within the server's time limit of {seconds:g} s; "
                           "narrow it (a LIMIT, a more selective pattern) or run it with `caregraph query`, "
                           "which has no limit") from None
