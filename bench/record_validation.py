"""How the time to validate one new record grows with the graph: it should stay nearly flat.

    python bench/record_validation.py                    # 10k and 100k triples
    python bench/record_validation.py --sizes 10000 1000000

Builds the ontology, a stand-in for the shared entities (tests/fixtures/context.ttl) and synthetic areas
(bench/synthetic.py) into an in-memory store of each size, then times `validate_records` on one example record
(median of several runs after a warm-up). Times are machine-dependent; the ratio is what matters.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_triples  # noqa: E402

from caregraph.graph import CareGraph, parse_turtle  # noqa: E402
from caregraph.project import Project  # noqa: E402
from caregraph.validate import project_shapes, record_context, validate_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--record", default=str(HERE.parent / "examples" / "valid" / "later-wave-ics.ttl"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    project = Project.locate(HERE.parent)
    base = []
    for path in [*project.ontology_files(), HERE.parent / "tests" / "fixtures" / "context.ttl"]:
        base.extend(parse_turtle(path))
    shapes = project_shapes(project)
    record = parse_turtle(args.record)
    rows = []
    for size in args.sizes:
        graph = CareGraph.from_triples(base + synthetic_triples(size), project=project)
        validate_records([args.record], graph, shapes)  # warm-up: imports, shapes, caches
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            report = validate_records([args.record], graph, shapes)
            times.append(time.perf_counter() - start)
        assert report.conforms, report.summary()
        rows.append((len(graph), len(record_context(graph.store, record)), statistics.median(times)))
    print(f"{'graph triples':>14}  {'context triples':>15}  {'median seconds':>14}  (machine-dependent)")
    for triples, context, seconds in rows:
        print(f"{triples:>14,}  {context:>15,}  {seconds:>14.3f}")
    print(f"ratio largest/smallest: {rows[-1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
