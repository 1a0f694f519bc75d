"""Serving the web application with uvicorn, for ``caregraph serve``."""

from __future__ import annotations

import sys


def serve(app, host: str = "127.0.0.1", port: int = 7878, *, quiet: bool = False) -> None:
    """Serve ``app`` on ``host``:``port`` until interrupted (port 0: a free port, which the log line names)."""
    import uvicorn

    if not quiet:
        where = f"http://{host}:{port}/" if port else f"a free port of {host} (uvicorn's line below names it)"
        print(f"caregraph: serving the graph on {where} (SPARQL at /sparql); Ctrl-C stops", file=sys.stderr, flush=True)
    uvicorn.run(
        app, host=host, port=port, log_level="warning" if quiet else "info", access_log=not quiet, server_header=False
    )
