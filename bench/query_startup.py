"""Start-up of a command-line query: `caregraph query SLUG` on a warm cache against `oxigraph query` on the same data.

    python bench/query_startup.py [--runs 30] [SLUG ...]

Exports the graph to N-Triples, loads it into an Oxigraph store with the `oxigraph` CLI (PyPI package `oxigraph`,
in the bench extras), compiles caregraph's bytecode and warms its cache, then runs each command line ``--runs``
times and prints the minimum and median wall time and the peak resident memory of each process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _measure(command: list[str], runs: int) -> tuple[float, float, float]:
    """(min ms, median ms, peak resident MiB) of ``runs`` runs of ``command``, output discarded."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(1000 * (time.perf_counter() - start))
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
        peak = max(peak, usage.ru_maxrss)
    return min(times), statistics.median(times), peak / 1024


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("slugs", nargs="*", default=["partnership-forms", "kinds-of"])
    options.add_argument("--runs", type=int, default=30)
    args = options.parse_args()
    caregraph, oxigraph = str(BIN / "caregraph"), str(BIN / "oxigraph")
    # An installed wheel has its bytecode compiled; an editable checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module on every start and measure that instead.
    import caregraph as package

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(package.__file__).parent)], check=True)
    with tempfile.TemporaryDirectory(prefix="caregraph-bench-") as work:
        os.environ["CAREGRAPH_CACHE_DIR"] = str(Path(work) / "cache")
        exported = Path(work) / "caregraph.nt"
        subprocess.run([caregraph, "--quiet", "export", "--format", "nt", "-o", str(exported)], check=True)
        store = str(Path(work) / "oxigraph")
        subprocess.run([oxigraph, "load", "--location", store, "--file", str(exported)], check=True,
                       capture_output=True)
        triples = sum(1 for _ in exported.open())
        print(f"graph: {triples:,} triples; {args.runs} runs each; output discarded\n")
        print(f"{'command':62}  {'min ms':>7}  {'median':>7}  {'peak MiB':>8}")
        rows = [("python -c pass", [sys.executable, "-c", "pass"])]
        for slug in args.slugs:
            subprocess.run([caregraph, "query", slug], check=True, stdout=subprocess.DEVNULL)  # warms the cache
            rows.append((f"caregraph query {slug}", [caregraph, "query", slug, "--format", "csv"]))
            rows.append((f"oxigraph query --query-file queries/{slug}.rq", [
                oxigraph, "query", "--location", store, "--query-file", f"queries/{slug}.rq",
                "--results-format", "csv"]))
        for name, command in rows:
            low, middle, peak = _measure(command, args.runs)
            print(f"{name:62}  {low:7.1f}  {middle:7.1f}  {peak:8.1f}")


if __name__ == "__main__":
    main()
