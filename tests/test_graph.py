"""Loading the graph: parsing, clear errors for broken Turtle, the calendar, and the on-disk cache."""

import os
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from caregraph.errors import ParseError
from caregraph.graph import CareGraph, cache_root, parse_turtle
from caregraph.namespaces import CGD, TIME


def test_the_shipped_graph_holds_the_ontology_and_the_data(graph, project):
    assert len(graph) > 1000
    ontology = ox.NamedNode("https://w3id.org/caregraph/def")
    assert list(graph.store.quads_for_pattern(ontology, None, None))


def test_broken_turtle_names_the_file_and_line(project_copy, tmp_path):
    broken = project_copy.data_dir / "broken.ttl"
    broken.write_text("@prefix cg: <https://w3id.org/caregraph/def#> .\n\ncg:a cg:b cg:c .\ncg:d cg:e\n")
    with pytest.raises(ParseError) as caught:
        CareGraph.load(project_copy, cache=False)
    assert str(caught.value).startswith("data/broken.ttl:5:")
    assert caught.value.line == 5


def test_an_undefined_prefix_is_reported_at_its_line(tmp_path):
    path = tmp_path / "record.ttl"
    path.write_text("@prefix cg: <https://w3id.org/caregraph/def#> .\ncgx:a cg:b cg:c .\n")
    with pytest.raises(ParseError) as caught:
        parse_turtle(path)
    assert caught.value.line == 2 and "cgx" in str(caught.value)


def test_calendar_terms_used_by_records_are_described(tmp_path):
    path = tmp_path / "record.ttl"
    path.write_text(f"<{CGD}designation-x> <{TIME}hasTime> <{CGD}month-2017-06> .\n")
    graph = CareGraph.from_files([path])
    begins = list(
        graph.store.quads_for_pattern(ox.NamedNode(CGD + "month-2017-06"), ox.NamedNode(TIME + "hasBeginning"), None)
    )
    assert [q.object.value for q in begins] == [CGD + "day-2017-06-01"]


def test_a_second_load_opens_the_cached_store_and_sees_the_same_graph(project_copy):
    first = CareGraph.load(project_copy)
    entries = [p for p in cache_root().iterdir() if not p.name.startswith(".")]
    second = CareGraph.load(project_copy)
    assert len(first) == len(second)
    assert [p for p in cache_root().iterdir() if not p.name.startswith(".")] == entries
    with pytest.raises(RuntimeError):  # the cached store is opened read-only
        second.store.add(
            ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c"))
        )


def test_changing_a_file_invalidates_the_cache(project_copy):
    before = len(CareGraph.load(project_copy))
    extra = project_copy.data_dir / "extra.ttl"
    extra.write_text(f'<{CGD}place-x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .\n')
    assert len(CareGraph.load(project_copy)) == before + 1


def test_writing_the_cache_removes_staging_folders_abandoned_by_a_killed_process(project_copy):
    cache_root().mkdir(parents=True, exist_ok=True)
    abandoned = cache_root() / ".building-abandoned"
    in_progress = cache_root() / ".building-in-progress"  # another process, writing now
    for folder in (abandoned, in_progress):
        (folder / "store").mkdir(parents=True)
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    extra = project_copy.data_dir / "extra.ttl"
    extra.write_text(f'<{CGD}place-y> <http://www.w3.org/2000/01/rdf-schema#label> "Y"@en .\n')
    CareGraph.load(project_copy)  # new files, so a new cache entry is written
    assert not abandoned.exists()
    assert in_progress.exists()


def test_a_cache_entry_for_other_files_is_never_used(project_copy):
    """The cache folder is named by checksums; the key it keeps must match too, or the graph is rebuilt."""
    before = len(CareGraph.load(project_copy))
    for entry in cache_root().iterdir():
        if (entry / "complete").exists():
            (entry / "complete").write_bytes(b"the key of other files")
    again = CareGraph.load(project_copy)
    assert len(again) == before
    # Built from the files in memory, so writable; the stale entry would have been opened read-only.
    again.store.add(
        ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c"))
    )


def test_loading_for_a_query_does_not_import_rdflib():
    # rdflib takes most of a second to import; the command line's query path must not pay for it.
    code = (
        "import sys, caregraph.graph as g; g.load(); "
        "sys.exit(1 if any(m == 'rdflib' or m.startswith('rdflib.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_to_rdflib_gives_the_same_triples(graph):
    assert len(graph.to_rdflib()) == len(graph)


def test_the_python_api_holds_the_cached_graph_in_memory(project_copy):
    from caregraph.graph import load

    on_disk = CareGraph.load(project_copy)
    in_memory = load(project_copy.root)
    assert len(in_memory) == len(on_disk)
    extra = ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c"))
    in_memory.store.add(extra)  # a researcher may add to it; the cache on disk is not touched
    assert len(in_memory) == len(on_disk) + 1
    assert len(CareGraph.load(project_copy)) == len(on_disk)
