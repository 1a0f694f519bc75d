"""`caregraph docs`: the pages written as static HTML with relative links, atomically."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from caregraph.errors import EXIT_OK, StorageError


@pytest.fixture(scope="module")
def small_graph(project):
    """The ontology, the sources and their quotations, and Berkshire West with the places it covers."""
    from caregraph.graph import CareGraph

    data = project.data_dir
    files = [
        *project.ontology_files(),
        *sorted((data / "sources").glob("*.ttl")),
        data / "areas" / "system-berkshire-west.ttl",
        data / "places.ttl",
        *sorted((data / "organisations").glob("*.ttl")),
    ]
    return CareGraph.from_files(files, project=project)


@pytest.fixture(scope="module")
def site(small_graph, tmp_path_factory):
    from caregraph.web.docs import write

    folder = tmp_path_factory.mktemp("docs") / "site"
    counts = write(small_graph, folder)
    return folder, counts


def test_every_kind_of_page_is_written(site, sources_dir):
    folder, counts = site
    assert (folder / "index.html").is_file() and (folder / "static" / "pages.css").is_file()
    assert len(list((folder / "def").glob("*.html"))) == counts["terms"] + 1  # and the index
    assert len(list((folder / "sources").glob("*.html"))) == counts["sources"] + 1
    assert len(list((folder / "id").glob("*.html"))) == counts["entities"]
    page = (folder / "id" / "system-berkshire-west.html").read_text(encoding="utf-8")
    (text,) = sources_dir.glob("000_*.txt")
    words = re.search(r"Berkshire West, covering [^\n]*?Wokingham", text.read_text(encoding="utf-8")).group(0)
    assert words in page
    assert 'href="../sources/source-000.html#quote-' in page
    assert "IntegratedCareBoard" in (folder / "def" / "index.html").read_text(encoding="utf-8")


def test_every_relative_link_leads_to_a_written_page(site):
    folder, _ = site
    broken = []
    for page in folder.rglob("*.html"):
        for target in re.findall(r'href="([^"#]*)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if target and not re.match(r"[a-z]+:", target) and not (page.parent / target).resolve().is_file():
                broken.append(f"{page.relative_to(folder)} → {target}")
    assert not broken, broken[:10]


def test_the_folder_is_replaced_whole(small_graph, tmp_path):
    from caregraph.web.docs import write

    folder = tmp_path / "site"
    (folder / "id").mkdir(parents=True)
    (folder / "id" / "stale.html").write_text("old")
    write(small_graph, folder)
    assert not (folder / "id" / "stale.html").exists()
    assert (folder / "id" / "system-berkshire-west.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left behind


def test_a_file_in_the_way_is_an_io_error_and_nothing_is_left(small_graph, tmp_path):
    from caregraph.web.docs import write

    (tmp_path / "site").write_text("not a folder")
    with pytest.raises(StorageError, match="site"):
        write(small_graph, tmp_path / "site")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_the_command(project_copy, tmp_path):
    # Without the reference data the graph is small enough to write every page quickly.
    shutil.rmtree(project_copy.reference_dir)
    from caregraph.cli import main

    code = main(["--root", str(project_copy.root), "-q", "docs", "-o", str(tmp_path / "site")])
    assert code == EXIT_OK
    assert (tmp_path / "site" / "def" / "IntegratedCareBoard.html").is_file()
    assert Path(tmp_path / "site" / "sources" / "source-002.html").is_file()
