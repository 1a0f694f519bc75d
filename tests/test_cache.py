"""The on-disk cache: keyed on the files' contents, checked on open, and never more than a rebuild when damaged.

Each damage test copies a good cache entry into a fresh cache folder, damages the copy in one of the ways that
once made caregraph allocate without bound, abort or fail on every run, and loads again: the answer must be the
whole graph, rebuilt, with one line on stderr saying so.
"""

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import copy_project

from caregraph.cache import STAMP, Stamp, entries
from caregraph.errors import InputError
from caregraph.graph import CareGraph
from caregraph.namespaces import RDFS


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A project and one good cache entry built from it (neither may be changed by a test)."""
    from caregraph.project import Project

    project = Project.locate(copy_project(tmp_path_factory.mktemp("cached-project")))
    cache = tmp_path_factory.mktemp("pristine-cache")
    saved = os.environ["CAREGRAPH_CACHE_DIR"]
    os.environ["CAREGRAPH_CACHE_DIR"] = str(cache)
    try:
        size = len(CareGraph.load(project))
    finally:
        os.environ["CAREGRAPH_CACHE_DIR"] = saved
    [entry] = entries(cache)
    return project, entry, size


@pytest.fixture
def copied_entry(pristine, tmp_path, monkeypatch):
    """The pristine entry copied (times and all, as `cp -a` would) into a cache folder of this test's own."""
    project, entry, size = pristine
    monkeypatch.setenv("CAREGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "cache" / entry.name
    shutil.copytree(entry, copy)
    return project, copy, size


def _largest_table(entry: Path) -> Path:
    return max((entry / "store").glob("*.sst"), key=lambda p: p.stat().st_size)


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset)
        stream.write(data)


def _random_bytes(entry):
    _overwrite(_largest_table(entry), 4096, os.urandom(4096))


def _flipped_bit(entry):
    table = _largest_table(entry)
    middle = table.stat().st_size // 2
    byte = table.read_bytes()[middle]
    _overwrite(table, middle, bytes([byte ^ 0x10]))


def _half_truncated(entry):
    table = _largest_table(entry)
    os.truncate(table, table.stat().st_size // 2)


def _deleted_table(entry):
    _largest_table(entry).unlink()


def _garbage_current(entry):
    (entry / "store" / "CURRENT").write_bytes(b"\x00garbage\n")


def _emptied_stamp(entry):
    (entry / STAMP).write_bytes(b"")


DAMAGE = [_random_bytes, _flipped_bit, _half_truncated, _deleted_table, _garbage_current]


def _damage_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "damaged" in line]


def test_an_undamaged_copy_of_an_entry_is_used_without_rebuilding(copied_entry, capsys):
    project, entry, size = copied_entry
    graph = CareGraph.load(project)
    assert len(graph) == size
    assert graph.cache_entry == entry  # read from the copy, not rebuilt
    assert _damage_lines(capsys.readouterr().err) == []
    # Reading the copy's contents once refreshed its stamp: the stamp now holds the copy's own times.
    stamp = Stamp.read(entry)
    assert all(r.ctime == (entry / "store" / r.name).stat().st_ctime_ns for r in stamp.store)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_entry_is_discarded_and_rebuilt_with_one_line(copied_entry, damage, capsys):
    project, entry, size = copied_entry
    damage(entry)
    graph = CareGraph.load(project)
    assert len(graph) == size
    lines = _damage_lines(capsys.readouterr().err)
    assert len(lines) == 1 and str(entry) in lines[0]
    again = CareGraph.load(project)  # the rebuilt entry serves the next load, silently
    assert again.cache_entry is not None and len(again) == size
    assert _damage_lines(capsys.readouterr().err) == []


def test_an_entry_without_a_readable_stamp_is_never_used(copied_entry, capsys):
    project, entry, size = copied_entry
    _emptied_stamp(entry)
    graph = CareGraph.load(project)
    assert len(graph) == size
    graph.store.add(
        ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c"))
    )  # built in memory, so writable: the stampless entry was not opened


def test_a_store_that_fails_to_open_is_discarded_even_when_its_stamp_agrees(copied_entry, capsys):
    """Damage the stamp does not see (its records rewritten to match) still fails RocksDB's open: discard, rebuild."""
    project, entry, size = copied_entry
    _garbage_current(entry)
    stamp = Stamp.read(entry)
    from caregraph.cache import _store_records

    stamp.store = _store_records(entry / "store")
    (entry / STAMP).write_text(stamp.text(), encoding="utf-8")
    graph = CareGraph.load(project)
    assert len(graph) == size
    assert len(_damage_lines(capsys.readouterr().err)) == 1


def test_an_edit_that_keeps_size_and_modification_time_is_seen(project_copy):
    """`touch -r` restores the modification time; the change time, which the key also holds, cannot be restored."""
    area = project_copy.data_dir / "areas" / "system-dorset.ttl"
    label = ox.NamedNode(RDFS + "label")
    dorset = ox.NamedNode("https://w3id.org/caregraph/id/system-dorset")

    def labels():
        return {q.object.value for q in CareGraph.load(project_copy).store.quads_for_pattern(dorset, label, None)}

    assert "Dorset" in labels() and "DORSET" not in labels()
    before = area.stat()
    text = area.read_text(encoding="utf-8")
    assert '"Dorset"@en' in text
    area.write_text(text.replace('"Dorset"@en', '"DORSET"@en'), encoding="utf-8")
    os.utime(area, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert area.stat().st_size == before.st_size and area.stat().st_mtime_ns == before.st_mtime_ns
    assert "DORSET" in labels()


def test_a_touched_but_unchanged_file_keeps_the_entry(project_copy):
    CareGraph.load(project_copy)  # builds the entry
    first = CareGraph.load(project_copy)
    assert first.cache_entry is not None
    (project_copy.data_dir / "areas" / "system-dorset.ttl").touch()
    second = CareGraph.load(project_copy)
    assert second.cache_entry == first.cache_entry and len(second) == len(first)


@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_a_broken_symbolic_link_in_data_is_bad_input(project_copy, kind):
    link = project_copy.data_dir / "broken-link.ttl"
    link.symlink_to(link if kind == "loop" else project_copy.data_dir / "nowhere.ttl")
    with pytest.raises(InputError, match="data/broken-link.ttl"):
        CareGraph.load(project_copy)


def test_a_store_damaged_after_it_was_opened_is_rebuilt_when_a_query_fails_on_it(copied_entry, capsys):
    from caregraph.query import run_embedded

    project, entry, size = copied_entry
    graph = CareGraph.load(project)
    assert graph.cache_entry == entry
    for table in (entry / "store").glob("*.sst"):
        _overwrite(table, table.stat().st_size // 2, os.urandom(4096))
    result = run_embedded(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=120)
    assert int(result.rows[0][0].value) == size
    assert len(_damage_lines(capsys.readouterr().err)) == 1
