"""What the web adds: requests per second and latency of `caregraph serve` against the embedded engine.

    python -m bench.web                                  the shipped graph, four stored queries (about a minute)
    python -m bench.web --root DIR                       a project made by `python -m bench.synthetic N -o DIR`
    python -m bench.web --queries partnership-forms --runs 100 --clients 8 --seconds 10

For each stored query (default parameters) it times, as medians after a warm-up (timing.measure):
the embedded path — bind, run on the cached store opened read-only, serialise as SPARQL JSON (Turtle for
CONSTRUCT), which is what the server does for a request; ``POST /sparql`` with the bound text; and
``GET /queries/{name}``, each over one kept-alive connection from this process to a `caregraph serve` started on
127.0.0.1 (a free port). The added latency is the web's median less the embedded one. Requests per second are
counted with ``--clients`` connections sending requests back to back for ``--seconds``. Every web answer is checked
to hold the embedded rows. The table goes to stdout and everything to bench/results/web-latest.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from caregraph.graph import CareGraph
from caregraph.project import Project
from caregraph.query import QueryResult, run_embedded, stored
from caregraph.tables import render_table

from .timing import measure

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_QUERIES = ("partnership-forms", "first-wave-by-source", "partnership-of-ccg", "system-evolution")


@contextmanager
def serving(root: Path):
    """`caregraph serve` on the project at ``root``, on a free port of 127.0.0.1; yields (host, port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "caregraph", "--root", str(root), "-q", "serve", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"caregraph serve stopped with exit {server.returncode}")
            try:
                Client("127.0.0.1", port).get("/sparql?query=ASK%7B%7D", "application/sparql-results+json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("caregraph serve did not answer within 120 s") from None
                time.sleep(0.05)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Client:
    """One kept-alive HTTP connection, as a script or notebook calling the server would hold."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=120)

    def _send(self, method: str, path: str, accept: str, body: bytes | None = None) -> bytes:
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path[:60]} answered {response.status}: {data[:200]!r}")
        return data

    def get(self, path: str, accept: str) -> bytes:
        return self._send("GET", path, accept)

    def post_query(self, text: str, accept: str) -> bytes:
        return self._send("POST", "/sparql", accept, urllib.parse.urlencode({"query": text}).encode())


def _parsed(body: bytes, form: str) -> QueryResult:
    if form == "graph":
        return QueryResult("graph", triples=[q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)])
    return QueryResult.from_oxigraph(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def _throughput(address: tuple[str, int], request, clients: int, seconds: float) -> float:
    """Requests answered per second by ``clients`` connections each sending ``request(client)`` back to back."""
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        client = Client(*address)
        while time.perf_counter() < stop:
            request(client)
            counts[index] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def measure_query(
    name: str, project: Project, graph: CareGraph, address: tuple[str, int], *, runs: int, clients: int, seconds: float
) -> dict:
    query = stored(name, project.queries_dir)
    text = query.bind()
    fmt, accept = ("turtle", "text/turtle") if query.form == "graph" else ("json", "application/sparql-results+json")
    embedded, _ = measure(lambda: run_embedded(graph, text).serialize(fmt), runs=runs, budget=10)
    expected = run_embedded(graph, text)
    client = Client(*address)
    sparql, sparql_body = measure(lambda: client.post_query(text, accept), runs=runs, budget=10)
    route, route_body = measure(lambda: client.get(f"/queries/{name}", accept), runs=runs, budget=10)
    same = _parsed(sparql_body, query.form).same_values(expected) and _parsed(route_body, query.form).same_values(
        expected
    )
    return {
        "query": name,
        "rows": len(expected),
        "same_rows": same,
        "embedded": embedded.to_json(),
        "sparql": sparql.to_json(),
        "stored_route": route.to_json(),
        "sparql_per_second": _throughput(address, lambda c: c.post_query(text, accept), clients, seconds),
        "stored_route_per_second": _throughput(address, lambda c: c.get(f"/queries/{name}", accept), clients, seconds),
    }


def _ms(seconds: float, *, signed: bool = False) -> str:
    return f"{seconds * 1000:{'+' if signed else ''}.1f} ms"


def report(rows: list[dict], clients: int) -> str:
    table = []
    for row in rows:
        embedded = row["embedded"]["median"]
        sparql, route = row["sparql"]["median"], row["stored_route"]["median"]
        table.append(
            (
                row["query"],
                row["rows"],
                _ms(embedded),
                _ms(sparql),
                _ms(sparql - embedded, signed=True),
                _ms(route),
                _ms(route - embedded, signed=True),
                f"{1 / embedded:.0f}",
                f"{row['sparql_per_second']:.0f}",
                f"{row['stored_route_per_second']:.0f}",
                "same rows ✓" if row["same_rows"] else "DIFFERENT ROWS",
            )
        )
    headers = (
        "query",
        "rows",
        "embedded",
        "/sparql",
        "added",
        "/queries/NAME",
        "added",
        "embedded/s",
        "/sparql/s",
        "/queries/NAME/s",
        "check",
    )
    return render_table(
        headers,
        table,
        width=160,
        title=f"caregraph serve against the embedded engine: medians of one connection; per second: "
        f"requests answered to {clients} connections",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--root", type=Path, help="project to serve (default: this checkout)")
    parser.add_argument("--queries", nargs="+", default=DEFAULT_QUERIES, metavar="NAME", help="stored queries")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per path after the warm-up (default: 50)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections for requests per second")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of each requests-per-second count")
    parser.add_argument("--output", type=Path, default=RESULTS / "web-latest.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    project = Project.locate(args.root)
    graph = CareGraph.load(project)  # the cached store, opened read-only: what the server queries
    rows = []
    with serving(project.root) as address:
        for name in args.queries:
            print(f"bench/web: {name}", file=sys.stderr, flush=True)
            rows.append(
                measure_query(name, project, graph, address, runs=args.runs, clients=args.clients, seconds=args.seconds)
            )
    print(report(rows, args.clients))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "triples": len(graph),
                "clients": args.clients,
                "queries": rows,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if all(row["same_rows"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
