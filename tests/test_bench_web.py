"""bench/web.py's smoke version: one stored query, a couple of runs, for correctness only, never a time."""

from __future__ import annotations

import json

import pytest

from bench import web as bench_web

pytestmark = pytest.mark.server


def test_the_web_benchmark_measures_each_path_and_checks_the_rows(tmp_path, graph, capsys):
    output = tmp_path / "web.json"
    code = bench_web.main(
        [
            "--queries",
            "partnership-forms",
            "concepts-of-scheme",
            "--runs",
            "2",
            "--clients",
            "2",
            "--seconds",
            "0.2",
            "--output",
            str(output),
        ]
    )
    report = json.loads(output.read_text())
    assert code == 0 and [row["query"] for row in report["queries"]] == ["partnership-forms", "concepts-of-scheme"]
    assert report["triples"] == len(graph)
    for row in report["queries"]:
        assert row["same_rows"] is True and row["rows"] > 0
        assert all(len(row[path]["runs"]) == 2 for path in ("embedded", "sparql", "stored_route"))
        assert row["sparql_per_second"] > 0 and row["stored_route_per_second"] > 0
    assert "same rows ✓" in capsys.readouterr().out
