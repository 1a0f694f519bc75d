"""The caregraph benchmark: caregraph against plain rdflib, pyshacl and the oxigraph CLI, at national scale.

    python -m bench.run                          # 10k, 100k and 1M triples (about 20 minutes on 2 cores)
    python -m bench.run --sizes 10k 100k         # about 10 minutes
    python -m bench.run --runs 7 --cap 120       # more runs per measurement; let rdflib run longer

Needs the bench extras: pip install -e '.[bench]'. It generates synthetic graphs of each size (bench/synthetic.py,
cached in the work folder), then measures, side by side, each as the median of several runs after a warm-up:

1. every stored query through caregraph's embedded path (``caregraph.query.run``) against plain
   ``rdflib.Graph.query`` on the same data and the same query text, checking that both give the same rows;
2. loading the graph (the cached store, and a build from the Turtle files) against rdflib parsing the same files;
   Turtle export against rdflib's Turtle serialiser, checking that the export is byte-identical every time;
3. ``caregraph validate RECORD`` (the command) of one new record against the smallest and the largest graph;
4. whole-graph validation against plain ``pyshacl.validate``, checking that both find the same results;
5. peak memory of holding the largest graph, each engine in a process of its own;
6. start-up of ``caregraph query NAME`` on the shipped graph against ``oxigraph query`` on the same data and query,
   with Python's own start-up beside it.

It prints a table of ratios, each beside its goal, with the absolute times (machine-dependent) beside them, and
writes everything to bench/results/ as JSON. Progress goes to stderr. rdflib and pyshacl operations longer than
the caps are interrupted, and the table says so (the ratio is then a lower bound). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

if not __package__:  # `python bench/run.py`, as before bench was a package: run it as `python -m bench.run`
    import runpy

    sys.path[0] = str(Path(__file__).resolve().parents[1])
    runpy.run_module("bench.run", run_name="__main__", alter_sys=True)
    raise SystemExit

from . import synthetic  # noqa: E402 (after the script's redirect above)
from .timing import Timing, run_commands  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

BIN = Path(sys.executable).parent
GOALS = {
    "queries": 20.0,
    "build": 10.0,
    "export": 20.0,
    "trig": 1.5,
    "record": 2.0,
    "validate": 15.0,
    "memory": 0.5,
    "startup": 2.0,
}
_STARTED = time.monotonic()


def progress(message: str) -> None:
    elapsed = int(time.monotonic() - _STARTED)
    print(f"bench [{elapsed // 60:02d}:{elapsed % 60:02d}] {message}", file=sys.stderr, flush=True)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def size_name(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else f"{size // 1000}k"


# --- preparing the graphs ----------------------------------------------------------------------------------------

_CACHE_AND_CALENDAR = """import sys, pyoxigraph as ox
from caregraph.graph import CareGraph, calendar_triples
from caregraph.project import Project
graph = CareGraph.load(Project.locate(sys.argv[1]))
open(sys.argv[2], "wb").write(ox.serialize(calendar_triples(graph.store), format=ox.RdfFormat.N_TRIPLES))
print(len(graph))"""


def prepare(size: int, work: Path) -> dict:
    """The synthetic project of ``size`` (generated once per generator version), its warm cache and calendar."""
    from caregraph.project import Project
    from caregraph.query import library, stored

    name = size_name(size)
    root = work / f"synthetic-{name}-{synthetic.fingerprint(size)}"
    if not (root / "injected.json").exists():
        for stale in work.glob(f"synthetic-{name}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        progress(f"{name}: generating synthetic data")
        synthetic.generate(size, root)
    cache = work / f"cache-{name}"
    project = Project.locate(root)
    progress(f"{name}: building caregraph's cached store")
    # In a process of its own, which builds the cache that the measured loads open and writes the calendar
    # descriptions caregraph's build adds, for rdflib; this process stays small (see workers.peak_mib).
    calendar = root / "calendar.nt"
    triples = int(
        subprocess.run(
            [sys.executable, "-c", _CACHE_AND_CALENDAR, str(root), str(calendar)],
            check=True,
            capture_output=True,
            text=True,
            env={**worker_env(), "CAREGRAPH_CACHE_DIR": str(cache)},
        ).stdout
    )
    queries = {}
    for slug in library(project.queries_dir):
        query = stored(slug, project.queries_dir)
        queries[slug] = {"text": query.bind(), "form": query.form}
    return {
        "name": name,
        "size": size,
        "project": str(root),
        "cache": str(cache),
        "triples": triples,
        "files": [str(f) for f in project.graph_files()],
        "calendar": str(calendar),
        "shapes": [str(f) for f in project.shape_files()],
        "queries": queries,
        "record": str(root / "record.ttl"),
        "injected": json.loads((root / "injected.json").read_text()),
    }


def run_worker(engine: str, plan: dict, work: Path, label: str, env: dict) -> dict:
    plan_file, result_file = work / f"plan-{engine}-{label}.json", work / f"result-{engine}-{label}.json"
    plan_file.write_text(json.dumps(plan))
    result_file.unlink(missing_ok=True)
    started = time.monotonic()
    # `-m bench.workers` finds the package from any working folder (the checkout's root holds no other module);
    # only the workers get the path, not the command lines whose start-up is measured.
    path = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    process = subprocess.run(
        [sys.executable, "-m", "bench.workers", engine, str(plan_file), str(result_file)],
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
    )
    if process.returncode:
        progress(f"{label}: {engine} failed (exit {process.returncode}): {process.stderr.strip()[-800:]}")
        return {"failed": process.stderr.strip()[-2000:]}
    progress(f"{label}: {engine} done in {time.monotonic() - started:.0f} s")
    return json.loads(result_file.read_text())


def worker_env(graph: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CAREGRAPH_ROOT"}
    if graph:
        env["CAREGRAPH_CACHE_DIR"] = graph["cache"]
    return env


# --- comparisons ---------------------------------------------------------------------------------------------------


def same_answer(ours: dict, theirs: dict) -> bool | None:
    """Whether two answers hold the same rows (triples, boolean) by RDF value; None when rdflib gave none."""
    import pyoxigraph as ox

    from caregraph.query import QueryResult

    if "data" not in theirs:
        return None

    def read(kind: str, data: str) -> QueryResult:
        if kind == "graph":
            return QueryResult(
                "graph", triples=[q.triple for q in ox.parse(data.encode(), format=ox.RdfFormat.N_TRIPLES)]
            )
        return QueryResult.from_oxigraph(ox.parse_query_results(data.encode(), format=ox.QueryResultsFormat.JSON))

    return read(ours["kind"], ours["data"]).same_values(read(ours["kind"], theirs["data"]))


# --- the start-up of a command-line query --------------------------------------------------------------------------

_FLOOR_SCRIPT = """import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
result = store.query(open(sys.argv[2]).read())
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.CSV))"""


def startup(work: Path, runs: int) -> dict:
    """`caregraph query NAME` on the shipped graph against `oxigraph query` on the same data, every stored query."""
    import compileall

    import caregraph
    from caregraph.project import Project
    from caregraph.query import library, stored

    caregraph_bin, oxigraph_bin = BIN / "caregraph", BIN / "oxigraph"
    for binary in (caregraph_bin, oxigraph_bin):
        if not binary.exists():
            raise SystemExit(f"bench: {binary} is missing: pip install -e '.[bench]'")
    # An installed wheel has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE would compile
    # every module on every start and measure that instead.
    compileall.compile_dir(str(Path(caregraph.__file__).parent), quiet=1)
    project = Project.locate(REPO)
    env = {**worker_env(), "CAREGRAPH_CACHE_DIR": str(work / "cache-shipped")}
    exported = work / "shipped.nt"  # exporting also warms the cache that every measured run opens
    subprocess.run(
        [str(caregraph_bin), "-q", "--root", str(REPO), "export", "--format", "nt", "-o", str(exported)],
        check=True,
        env=env,
    )
    triples = sum(1 for _ in exported.open("rb"))
    store = work / "oxigraph-shipped"
    shutil.rmtree(store, ignore_errors=True)
    subprocess.run(
        [str(oxigraph_bin), "load", "--location", str(store), "--file", str(exported)], check=True, capture_output=True
    )
    cached_store = next((work / "cache-shipped").glob("*/store"))  # the one entry of this cache folder
    out = {"triples": triples, "queries": {}}
    progress(f"start-up: {triples:,} triples; Python's floor")
    floor = run_commands(
        {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python: pyoxigraph, open the store, one query": [
                sys.executable,
                "-c",
                _FLOOR_SCRIPT,
                str(cached_store),
                str(project.queries_dir / "partnership-forms.rq"),
            ],
        },
        runs=runs,
        env=env,
    )
    out["floor"] = {name: t.to_json() for name, t in floor.items()}
    slugs = list(library(project.queries_dir))
    for number, slug in enumerate(slugs, start=1):
        fmt = "nt" if stored(slug, project.queries_dir).form == "graph" else "csv"
        progress(f"start-up: {number}/{len(slugs)} {slug}")
        timings = run_commands(
            {
                "caregraph": [str(caregraph_bin), "query", slug, "--format", fmt],
                "oxigraph": [
                    str(oxigraph_bin),
                    "query",
                    "--location",
                    str(store),
                    "--query-file",
                    str(project.queries_dir / f"{slug}.rq"),
                    "--results-format",
                    fmt,
                ],
            },
            runs=runs,
            env=env,
            cwd=str(work),
        )
        out["queries"][slug] = {name: t.to_json() for name, t in timings.items()}
    return out


def record_command(graph: dict, runs: int) -> dict:
    """`caregraph validate RECORD` against one synthetic graph, warm cache; the record must conform."""
    command = [
        str(BIN / "caregraph"),
        "--root",
        graph["project"],
        "-q",
        "validate",
        graph["record"],
        "--sources",
        str(Path(graph["project"]) / "sources"),
        "--format",
        "json",
    ]
    return run_commands({"validate": command}, runs=runs, env=worker_env(graph))["validate"].to_json()


# --- the report ------------------------------------------------------------------------------------------------


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def timing_text(data: dict | None) -> str:
    if not data:
        return "—"
    timing = Timing.from_json(data)
    if timing.capped:
        return f"> {timing.cap:.0f} s (cap)"
    runs = len(timing.runs)
    return seconds_text(timing.median) + (" (1 run)" if runs == 1 and timing.warmup is None else "")


def ratio_text(value: float | None, lower_bound: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:.0f}×" if value >= 10 else f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"
    return ("≥ " if lower_bound else "") + text


def verdict(value: float | None, goal: float, at_least: bool) -> str:
    if value is None:
        return "not measured"
    met = value >= goal if at_least else value <= goal
    return "met" if met else "MISSED"


def speedup(ours: dict | None, theirs: dict | None) -> tuple[float | None, bool]:
    """(baseline time / caregraph time, whether it is a lower bound because the baseline was capped)."""
    if not ours or not theirs:
        return None, False
    mine, other = Timing.from_json(ours), Timing.from_json(theirs)
    if mine.median is None or other.lower_bound() is None:
        return None, False
    return other.lower_bound() / mine.median, other.capped


def analyse(results: dict) -> dict:
    """The ratios the table shows, computed once (they go to the JSON too)."""
    summary: dict = {"queries": {}, "build": {}, "load": {}, "export": {}, "validate": {}}
    for name, graph in results["graphs"].items():
        ours, theirs = graph.get("caregraph", {}), graph.get("rdflib", {})
        if "failed" in ours or "failed" in theirs:
            continue
        ratios, bounds, mismatches, compared, in_memory = [], False, [], 0, []
        for slug, answer in ours.get("queries", {}).items():
            other = theirs.get("queries", {}).get(slug, {})
            ratio, bound = speedup(answer["timing"], other.get("timing"))
            if ratio is not None:
                ratios.append(ratio)
                bounds |= bound
            ratio, _ = speedup(answer.get("in_memory"), other.get("timing"))
            if ratio is not None:
                in_memory.append(ratio)
            same = same_answer(answer, other)
            answer.pop("data", None), other.pop("data", None)  # compared: the JSON keeps the verdict, not the rows
            answer["same_as_rdflib"] = same
            answer["ratio"] = ratio
            if same is not None:
                compared += 1
                if not same:
                    mismatches.append(slug)
        summary["queries"][name] = {
            "median_ratio": statistics.median(ratios) if ratios else None,
            "median_ratio_in_memory": statistics.median(in_memory) if in_memory else None,
            "lower_bound": bounds,
            "compared": compared,
            "queries": len(ratios),
            "mismatches": mismatches,
            "empty": [s for s, a in ours.get("queries", {}).items() if a["rows"] == 0],
        }
        summary["build"][name] = speedup(ours.get("build"), theirs.get("parse"))
        summary["load"][name] = speedup(ours.get("load"), theirs.get("parse"))
        summary["export"][name] = speedup(ours.get("export"), theirs.get("export"))
    return summary


def report(results: dict, summary: dict) -> str:
    graphs = results["graphs"]
    names = list(graphs)
    lines = [
        f"caregraph benchmark, {results['started']} — {results['machine']}",
        "Ratios are what the goals are about; absolute times are medians on this machine (machine-dependent).",
        "",
    ]
    rows = [("", "measurement", "graph", "caregraph", "baseline", "ratio", "goal", "")]

    def add(number, what, graph, ours, theirs, ratio, goal, note):
        rows.append((number, what, graph, ours, theirs, ratio, goal, note))

    # 1. queries
    for index, name in enumerate(names):
        q = summary["queries"].get(name)
        if not q:
            add("1" if index == 0 else "", "stored queries vs rdflib.Graph.query", name, "failed", "", "", "", "")
            continue
        ours = graphs[name]["caregraph"]["queries"]
        total_ours = sum(Timing.from_json(a["timing"]).median or 0 for a in ours.values())
        total_theirs = sum(
            Timing.from_json(a["timing"]).lower_bound() or 0
            for a in graphs[name].get("rdflib", {}).get("queries", {}).values()
        )
        goal_applies = graphs[name]["size"] >= 100_000
        same = "same rows: " + (
            "all " + str(q["compared"]) if not q["mismatches"] else f"DIFFERENT in {', '.join(q['mismatches'])}"
        )
        if q["compared"] < q["queries"]:
            same += f" ({q['queries'] - q['compared']} not compared: rdflib capped)"
        if q["empty"]:
            same += f"; no rows: {', '.join(q['empty'])}"
        add(
            "1" if index == 0 else "",
            f"{q['queries']} stored queries vs rdflib.Graph.query (median ratio)" if index == 0 else "",
            name,
            f"Σ {seconds_text(total_ours)}",
            f"Σ {seconds_text(total_theirs)}",
            ratio_text(q["median_ratio"], q["lower_bound"]),
            f"≥ {GOALS['queries']:.0f}× "
            + (verdict(q["median_ratio"], GOALS["queries"], True) if goal_applies else "(not at 10k)"),
            same,
        )
    for index, name in enumerate(names):
        q = summary["queries"].get(name)
        if not q or q.get("median_ratio_in_memory") is None:
            continue
        total = sum(Timing.from_json(a["in_memory"]).median or 0 for a in graphs[name]["caregraph"]["queries"].values())
        goal_applies = graphs[name]["size"] >= 100_000
        add(
            "",
            "the same, graph in memory (caregraph.load())" if index == 0 else "",
            name,
            f"Σ {seconds_text(total)}",
            "",
            ratio_text(q["median_ratio_in_memory"], q["lower_bound"]),
            f"≥ {GOALS['queries']:.0f}× "
            + (verdict(q["median_ratio_in_memory"], GOALS["queries"], True) if goal_applies else "(not at 10k)"),
            "the Python API's default",
        )
    # 2. load, build, export
    for index, name in enumerate(names):
        g = graphs[name]
        if "failed" in g.get("caregraph", {}) or "parse" not in g.get("rdflib", {}):
            continue
        ratio, bound = summary["load"][name]
        add(
            "2" if index == 0 else "",
            "load: open the cached store vs rdflib parse" if index == 0 else "",
            name,
            timing_text(g["caregraph"]["load"]),
            timing_text(g["rdflib"]["parse"]),
            ratio_text(ratio, bound),
            f"≥ {GOALS['build']:.0f}× {verdict(ratio, GOALS['build'], True)}",
            "the command line's store",
        )
    for index, name in enumerate(names):
        g = graphs[name]
        if "failed" in g.get("caregraph", {}) or "parse" not in g.get("rdflib", {}):
            continue
        ratio, bound = summary["build"][name]
        add(
            "",
            "build from the Turtle files vs rdflib parse" if index == 0 else "",
            name,
            timing_text(g["caregraph"]["build"]),
            timing_text(g["rdflib"]["parse"]),
            ratio_text(ratio, bound),
            f"≥ {GOALS['build']:.0f}× {verdict(ratio, GOALS['build'], True)}",
            "no cache; caregraph adds the calendar",
        )
    for index, name in enumerate(names):
        g = graphs[name]
        if "failed" in g.get("caregraph", {}) or "parse" not in g.get("rdflib", {}):
            continue
        ratio, bound = summary["export"][name]
        export = g["caregraph"]["export"]
        deterministic = "byte-identical ✓" if len(export["digests"]) == 1 else "NOT DETERMINISTIC"
        add(
            "",
            "Turtle export vs rdflib serialize" if index == 0 else "",
            name,
            timing_text(export),
            timing_text(g["rdflib"]["export"]),
            ratio_text(ratio, bound),
            f"≥ {GOALS['export']:.0f}× {verdict(ratio, GOALS['export'], True)}",
            deterministic,
        )
    for index, name in enumerate(n for n in names if "export_trig" in graphs[n].get("caregraph", {})):
        ours = graphs[name]["caregraph"]
        ratio, _ = speedup(ours["export"], ours["export_trig"])
        add(
            "",
            "TriG export vs Turtle export (time ratio)" if index == 0 else "",
            name,
            timing_text(ours["export_trig"]),
            timing_text(ours["export"]),
            ratio_text(ratio),
            f"≤ {GOALS['trig']} {verdict(ratio, GOALS['trig'], False)}",
            "one named graph per source",
        )
    # 3. one record
    records = results.get("record", {})
    if records:
        first, last = names[0], names[-1]
        small, large = Timing.from_json(records[first]).median, Timing.from_json(records[last]).median
        ratio = large / small if small and large else None
        add(
            "3",
            "caregraph validate RECORD (the command)",
            f"{first}→{last}",
            " → ".join(timing_text(records[n]) for n in names if n in records),
            "",
            ratio_text(ratio).replace("×", ""),
            f"≤ {GOALS['record']:.0f} {verdict(ratio, GOALS['record'], False)}",
            f"{last}/{first}",
        )
        api = {
            n: graphs[n]["caregraph"]["record"]["timing"] for n in names if "record" in graphs[n].get("caregraph", {})
        }
        if first in api and last in api:
            small, large = Timing.from_json(api[first]).median, Timing.from_json(api[last]).median
            add(
                "",
                "validate_records() in-process",
                f"{first}→{last}",
                " → ".join(timing_text(api[n]) for n in names if n in api),
                "",
                ratio_text(large / small).replace("×", ""),
                f"≤ {GOALS['record']:.0f} {verdict(large / small, GOALS['record'], False)}",
                "without process start-up and imports",
            )
    # 4. whole-graph validation
    for index, name in enumerate(n for n in names if "validate" in graphs[n].get("caregraph", {})):
        ours = graphs[name]["caregraph"]["validate"]
        theirs = results.get("pyshacl", {}).get(name, {})
        ratio, bound = speedup(ours["timing"], theirs.get("timing"))
        if "results" in theirs:
            same = ours["results"] == theirs["results"]
            note = (
                f"same {len(ours['results'])} results ✓"
                if same
                else f"DIFFERENT: caregraph {len(ours['results'])}, pyshacl {len(theirs['results'])}"
            )
            note += f"; +{ours['conventions']} by caregraph's conventions; {ours.get('engine', 'pyshacl')}"
        else:
            note = "pyshacl capped: not compared" if theirs else "pyshacl not run"
        add(
            "4" if index == 0 else "",
            "whole-graph validation vs plain pyshacl" if index == 0 else "",
            name,
            timing_text(ours["timing"]),
            timing_text(theirs.get("timing")),
            ratio_text(ratio, bound),
            f"≥ {GOALS['validate']:.0f}× {verdict(ratio, GOALS['validate'], True)}",
            note,
        )
    # 5. memory
    last = names[-1]
    g = graphs[last]
    if "peak_mib_after_build" in g.get("caregraph", {}) and "peak_mib_after_parse" in g.get("rdflib", {}):
        ours, theirs = g["caregraph"]["peak_mib_after_build"], g["rdflib"]["peak_mib_after_parse"]
        add(
            "5",
            "peak memory holding the graph vs rdflib",
            last,
            f"{ours:.0f} MiB",
            f"{theirs:.0f} MiB",
            ratio_text(ours / theirs),
            f"≤ {GOALS['memory']}× {verdict(ours / theirs, GOALS['memory'], False)}",
            "separate processes; build from Turtle",
        )
    # 6. start-up
    start = results.get("startup")
    if start:
        ratios = [
            Timing.from_json(q["caregraph"]).median / Timing.from_json(q["oxigraph"]).median
            for q in start["queries"].values()
        ]
        ours = statistics.median(Timing.from_json(q["caregraph"]).median for q in start["queries"].values())
        theirs = statistics.median(Timing.from_json(q["oxigraph"]).median for q in start["queries"].values())
        ratio = statistics.median(ratios)
        cpu = {
            side: [Timing.from_json(q[side]).cpu_median for q in start["queries"].values()]
            for side in ("caregraph", "oxigraph")
        }
        cpu_note = (
            f"; CPU {seconds_text(statistics.median(cpu['caregraph']))} vs "
            f"{seconds_text(statistics.median(cpu['oxigraph']))}"
            if None not in cpu["caregraph"]
            else ""
        )
        add(
            "6",
            f"caregraph query NAME vs oxigraph query ({len(ratios)} queries)",
            "shipped",
            seconds_text(ours),
            seconds_text(theirs),
            ratio_text(ratio),
            f"≤ {GOALS['startup']:.0f}× {verdict(ratio, GOALS['startup'], False)}",
            f"{start['triples']:,} triples; median of the queries{cpu_note}",
        )
        for floor, timing in start["floor"].items():
            floor_cpu = Timing.from_json(timing).cpu_median
            add(
                "",
                f"  floor: {floor}",
                "",
                seconds_text(Timing.from_json(timing).median),
                "",
                "",
                "",
                f"CPU {seconds_text(floor_cpu)}" if floor_cpu is not None else "",
            )
    lines += _table(rows)
    lines.append("")
    lines += query_detail(results, summary)
    return "\n".join(lines)


def query_detail(results: dict, summary: dict) -> list[str]:
    graphs = {n: g for n, g in results["graphs"].items() if "queries" in g.get("caregraph", {})}
    if not graphs:
        return []
    names = list(graphs)
    header = ["query", "rows"] + [f"{n} {col}" for n in names for col in ("caregraph", "rdflib", "ratio")] + ["same"]
    rows = [tuple(header)]
    for slug in graphs[names[-1]]["caregraph"]["queries"]:
        cells = [slug, str(graphs[names[-1]]["caregraph"]["queries"][slug]["rows"])]
        same = []
        for name in names:
            answer = graphs[name]["caregraph"]["queries"].get(slug, {})
            other = graphs[name].get("rdflib", {}).get("queries", {}).get(slug, {})
            ratio, bound = speedup(answer.get("timing"), other.get("timing"))
            cells += [timing_text(answer.get("timing")), timing_text(other.get("timing")), ratio_text(ratio, bound)]
            same.append({True: "✓", False: "✗", None: "?"}[answer.get("same_as_rdflib")])
        rows.append(tuple(cells + ["".join(same)]))
    return [
        f"Stored queries, median time per query (rows at {names[-1]}; same rows as rdflib at "
        f"{', '.join(names)}: ✓ yes, ✗ no, ? not compared)",
        "",
    ] + _table(rows)


def _table(rows: list[tuple]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


# --- main ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k", "1M"], help="graph sizes (default 10k 100k 1M)")
    parser.add_argument("--runs", type=int, default=5, help="measured runs after the warm-up (default 5)")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds of measured runs per measurement before stopping early (default 20)",
    )
    parser.add_argument(
        "--cap",
        type=float,
        default=30.0,
        help="seconds after which one rdflib query or serialisation is interrupted (default 30)",
    )
    parser.add_argument(
        "--pyshacl-cap",
        type=float,
        default=900.0,
        help="seconds after which one plain pyshacl validation is interrupted (default 900)",
    )
    parser.add_argument(
        "--validate-sizes",
        nargs="*",
        default=["10k", "100k"],
        help="sizes at which to compare whole-graph validation with pyshacl (default 10k 100k)",
    )
    parser.add_argument("--startup-runs", type=int, default=10, help="runs of each command line (default 10)")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["rdflib", "pyshacl", "record", "startup"],
        help="leave out the rdflib or pyshacl side, the record command or the start-up",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=HERE / "results" / "work",
        help="folder for the generated graphs and caches (default bench/results/work)",
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: print the table of a run saved as JSON (bench/results/latest.json)",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        print(report(results, results["summary"]))
        return 0
    sizes = sorted(parse_size(s) for s in args.sizes)
    validate_sizes = {parse_size(s) for s in args.validate_sizes}
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs ({_cpu_name()}), Python {platform.python_version()}",
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "graphs": {},
        "record": {},
        "pyshacl": {},
    }
    prepared = {}
    for size in sizes:
        graph = prepare(size, args.work)
        prepared[graph["name"]] = graph
        results["graphs"][graph["name"]] = {
            "size": size,
            "triples": graph["triples"],
            "injected": sum(map(len, graph["injected"].values())),
        }
    common = {"runs": args.runs, "budget": args.budget, "cap": args.cap}
    for name, graph in prepared.items():
        entry = results["graphs"][name]
        validate = graph["size"] in validate_sizes
        progress(f"{name}: caregraph (build, export, load, queries, one record{', whole graph' if validate else ''})")
        entry["caregraph"] = run_worker(
            "caregraph", {**graph, **common, "validate": validate}, args.work, name, worker_env(graph)
        )
        if "rdflib" not in args.skip:
            progress(f"{name}: rdflib (parse, serialize, queries; cap {args.cap:.0f} s each)")
            entry["rdflib"] = run_worker("rdflib", {**graph, **common}, args.work, name, worker_env(graph))
    if "pyshacl" not in args.skip:
        graphs = [
            {"name": n, "files": g["files"], "calendar": g["calendar"]}
            for n, g in prepared.items()
            if g["size"] in validate_sizes
        ]
        if graphs:
            progress(f"plain pyshacl on {', '.join(g['name'] for g in graphs)} (cap {args.pyshacl_cap:.0f} s each)")
            first = next(iter(prepared.values()))
            results["pyshacl"] = run_worker(
                "pyshacl",
                {**common, "pyshacl_cap": args.pyshacl_cap, "graphs": graphs, "shapes": first["shapes"]},
                args.work,
                "all",
                worker_env(),
            )
    if "record" not in args.skip:
        for name, graph in prepared.items():
            progress(f"{name}: caregraph validate RECORD, {args.runs} runs")
            results["record"][name] = record_command(graph, args.runs)
    if "startup" not in args.skip:
        results["startup"] = startup(args.work, args.startup_runs)
    summary = analyse(results)
    results["summary"] = summary
    text = report(results, summary)
    print(text)
    progress(f"done; results in {save(results, text, HERE / 'results') / 'latest.json'}")
    return 0


def save(results: dict, text: str, folder: Path) -> Path:
    """Write the run as ``run-<time>.json`` and ``latest.json``, and its table as ``latest.txt``, in ``folder``,
    which is made if need be (the work folder may lie elsewhere); returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    for path in (folder / f"run-{stamp}.json", folder / "latest.json"):
        path.write_text(json.dumps(results, indent=1, default=str))
    (folder / "latest.txt").write_text(text + "\n")
    return folder


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
