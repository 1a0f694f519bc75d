"""The measured work of the benchmark, one engine per process:  python -m bench.workers ENGINE PLAN RESULT

bench/run.py writes a plan (JSON) and starts one process per engine and graph, so that each engine's peak memory
is its own and no engine warms another's caches. The engines:

* ``caregraph`` — build the graph from the project's Turtle files (``CareGraph.from_files``: what
  ``caregraph build`` and a first ``caregraph.load()`` do) and record the peak memory; export it as Turtle
  (every export must give the same bytes); open the cached store (``CareGraph.load``, as the command line
  does); run every stored query with ``caregraph.query.run`` on it, and on the graph built in memory; validate
  one new record in the context of the graph (``validate_records``) and, when the plan asks, the whole graph
  (``validate_graph``);
* ``rdflib`` — parse the same files into an ``rdflib.Graph`` (and the calendar descriptions caregraph's build adds,
  so that both hold the same triples) and record the peak memory; serialise it as Turtle; run the same query
  texts with ``rdflib.Graph.query``, materialising every row;
* ``pyshacl`` — validate each graph of the plan with plain ``pyshacl.validate`` against the same shapes, the data
  and shapes already parsed.

The rdflib and pyshacl processes import neither caregraph nor pyoxigraph. Query answers and validation results
are written out as data for bench/run.py to compare; times are in seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

from .timing import measure

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SH = "http://www.w3.org/ns/shacl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM, where Linux has it: ru_maxrss carries over, through fork and
    exec, the resident memory of the process that started this one, which would count bench/run.py's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


# --- caregraph -----------------------------------------------------------------------------------------------


def caregraph_worker(plan: dict) -> dict:
    os.environ["CAREGRAPH_ROOT"] = plan["project"]  # stored queries by name come from this project
    from caregraph.export import serialize
    from caregraph.graph import CareGraph
    from caregraph.project import Project
    from caregraph.query import library, run

    project = Project.locate(plan["project"])
    runs, budget = plan["runs"], plan["budget"]
    out: dict = {}

    files = project.graph_files()
    first = timed(lambda: CareGraph.from_files(files, project=project))
    out["peak_mib_after_build"] = peak_mib()  # after one build only: later ones overlap with the one they replace
    build, graph = measure(lambda: CareGraph.from_files(files, project=project), runs=runs, budget=budget, first=first)
    out["build"] = build.to_json()
    out["triples"] = len(graph)

    digests = set()

    def export():
        data = serialize(graph, "turtle")
        digests.add(hashlib.sha256(data).hexdigest())
        return data

    timing, data = measure(export, runs=runs, budget=budget)
    fresh = serialize(CareGraph.from_files(files, project=project), "turtle")  # another build, the same bytes?
    digests.add(hashlib.sha256(fresh).hexdigest())
    out["export"] = {**timing.to_json(), "bytes": len(data), "digests": sorted(digests)}
    timing, _ = measure(lambda: serialize(graph, "trig"), runs=runs, budget=budget)
    out["export_trig"] = timing.to_json()
    del graph, data, fresh, first

    timing, graph = measure(lambda: CareGraph.load(project), runs=runs, budget=budget)
    out["load"] = timing.to_json()
    # Every stored query on the default graph (caregraph.load(): the cached store, read-only on disk), and again
    # on the graph built in memory (caregraph.load(cache=False)): the store that serves it decides much.
    in_memory = CareGraph.from_files(files, project=project)
    out["queries"] = {}
    for slug in library(project.queries_dir):
        # Without a deadline, so in this process: with one, run() forks a child that it can stop (query/limits.py),
        # a constant 4-8 ms a call that the start-up row measures; here the engine and the query are compared.
        timing, result = measure(partial(run, slug, graph=graph, timeout=None), runs=runs, budget=budget)
        in_memory_timing, _ = measure(partial(run, slug, graph=in_memory, timeout=None), runs=runs, budget=budget)
        data = result.serialize("nt" if result.kind == "graph" else "json").decode()
        out["queries"][slug] = {
            "timing": timing.to_json(),
            "in_memory": in_memory_timing.to_json(),
            "kind": result.kind,
            "rows": len(result),
            "data": data,
        }
    in_memory = None  # the measured runs are done: let the memory go

    from caregraph.validate import project_shapes, validate_graph, validate_records

    shapes = project_shapes(project)
    sources = [Path(plan["project"]) / "sources"]  # the words the synthetic quotations quote
    timing, report = measure(
        lambda: validate_records([plan["record"]], graph, shapes, sources=sources), runs=runs, budget=budget
    )
    out["record"] = {"timing": timing.to_json(), "conforms": report.conforms, "results": len(report.results)}
    if plan.get("validate"):
        from caregraph.validate.shacl import FAST_ENGINE as NAME

        timing, report = measure(lambda: validate_graph(graph, shapes), runs=runs, budget=budget)
        out["validate"] = {"timing": timing.to_json(), "engine": NAME, **_caregraph_findings(report)}
    return out


def _caregraph_findings(report) -> dict:
    """The SHACL results of a caregraph report as comparable keys; the conventions caregraph checks itself
    (declared terms, named nodes, typed records), which pyshacl cannot, counted apart."""
    shapes = report.shapes_graph
    keys, conventions = [], 0
    for result in report.results:
        if not result.component:
            conventions += 1
            continue
        t = result.terms
        keys.append(_key(shapes, t["focus"], t["path"], t["value"], t["shape"], result.severity))
    return {"results": sorted(keys), "conventions": conventions}


# --- comparable validation results (used by both validators' processes) ----------------------------------------


def _term(term) -> str:
    """A term as comparable text: a plain literal and an xsd:string literal are the same."""
    import rdflib

    if term is None:
        return ""
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype and str(term.datatype) != XSD_STRING else ""
        value = term.toPython()
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            # caregraph's store keeps numbers in canonical form (450000000.0 as 450000000), rdflib as written
            return json.dumps([format(Decimal(value).normalize(), "f"), "", datatype])
        return json.dumps([str(term), term.language or "", datatype])
    if isinstance(term, rdflib.BNode):
        return "_:"
    return str(term)


def _path(shapes, path) -> str:
    """A SHACL path as text, read from the shapes graph (blank-node labels differ between processes)."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return str(path)
    inverse = shapes.value(path, rdflib.URIRef(SH + "inversePath"))
    if inverse is not None:
        return "^" + _path(shapes, inverse)
    if shapes.value(path, rdflib.URIRef(RDF + "first")) is not None:
        return "/".join(_path(shapes, step) for step in Collection(shapes, path))
    return "(complex path)"


def _key(shapes, focus, path, value, shape, severity: str) -> list[str]:
    if path is None and value == focus:
        value = None  # a rule about the whole record: engines differ in whether they repeat the focus as value
    return [_term(focus), _path(shapes, path), _term(value), str(shape), severity]


# --- rdflib --------------------------------------------------------------------------------------------------


def _rdflib_graph(files: list[str]):
    import rdflib

    graph = rdflib.Graph()
    for file in files:
        graph.parse(file, format="nt" if file.endswith(".nt") else "turtle")
    return graph


def rdflib_worker(plan: dict) -> dict:
    import logging

    logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals are the data's business
    runs, budget, cap = plan["runs"], plan["budget"], plan["cap"]
    out: dict = {}
    files = plan["files"] + [plan["calendar"]]
    first = timed(lambda: _rdflib_graph(files))
    out["peak_mib_after_parse"] = peak_mib()
    timing, graph = measure(lambda: _rdflib_graph(files), runs=runs, budget=budget, first=first)
    out["parse"] = timing.to_json()
    out["triples"] = len(graph)

    timing, data = measure(lambda: graph.serialize(format="turtle"), runs=runs, budget=budget, cap=cap)
    out["export"] = {**timing.to_json(), "bytes": len(data.encode()) if data else None}

    list(graph.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))  # the SPARQL parser's one-time set-up
    out["queries"] = {}
    for slug, query in plan["queries"].items():
        timing, result = measure(
            partial(_rdflib_answer, graph, query["text"], query["form"]), runs=runs, budget=budget, cap=cap
        )
        entry = {"timing": timing.to_json()}
        if result is not None:
            entry["data"] = _rdflib_data(result, query["form"])
        out["queries"][slug] = entry
    return out


def _rdflib_answer(graph, text: str, form: str):
    """Run a query and materialise its whole answer, as caregraph's run() does."""
    result = graph.query(text)
    if form == "select":
        list(result)
    elif form == "graph":
        len(result.graph)
    else:
        bool(result.askAnswer)
    return result


def _rdflib_data(result, form: str) -> str:
    if form == "graph":
        return result.graph.serialize(format="nt")
    return result.serialize(format="json").decode()


# --- plain pyshacl -------------------------------------------------------------------------------------------


def pyshacl_worker(plan: dict) -> dict:
    import logging

    import pyshacl
    import rdflib

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    shapes = rdflib.Graph()
    for file in plan["shapes"]:
        shapes.parse(file, format="turtle")
    out = {}
    for entry in plan["graphs"]:
        data = _rdflib_graph(entry["files"] + [entry["calendar"]])
        validate = partial(
            pyshacl.validate, data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
        )
        timing, outcome = measure(validate, runs=plan["runs"], budget=plan["budget"], cap=plan["pyshacl_cap"])
        # outcome: (conforms, the results graph, the text), or None when the warm-up hit the cap
        out[entry["name"]] = {
            "timing": timing.to_json(),
            **(_pyshacl_findings(outcome[1], shapes) if outcome is not None else {}),
        }
    return out


def _pyshacl_findings(report, shapes) -> dict:
    """The report's own results (not the nested sh:detail ones) as comparable keys; results about a blank node
    are left out, as caregraph leaves them to its named-nodes convention (a result pointing at one stays)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    keys, about_blank_nodes = [], 0
    for node in report.objects(None, sh.result):
        focus, value = report.value(node, sh.focusNode), report.value(node, sh.value)
        if isinstance(focus, rdflib.BNode):
            about_blank_nodes += 1
            continue
        severity = str(report.value(node, sh.resultSeverity)).rsplit("#", 1)[-1].lower()
        keys.append(
            _key(shapes, focus, report.value(node, sh.resultPath), value, report.value(node, sh.sourceShape), severity)
        )
    return {"results": sorted(keys), "about_blank_nodes": about_blank_nodes}


WORKERS = {"caregraph": caregraph_worker, "rdflib": rdflib_worker, "pyshacl": pyshacl_worker}


def main() -> None:
    engine, plan_file, result_file = sys.argv[1:4]
    plan = json.loads(Path(plan_file).read_text())
    result = WORKERS[engine](plan)
    Path(result_file).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
