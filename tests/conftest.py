"""Shared fixtures: the project under test, its graph (loaded once), and the source texts.

Tests run offline and never touch the user's cache: the store cache goes to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    os.environ["CAREGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("CAREGRAPH_ROOT", None)
    yield


@pytest.fixture(scope="session")
def project():
    from caregraph.project import Project

    return Project.locate(REPO)


@pytest.fixture(scope="session")
def graph(project):
    """The shipped graph, loaded once per test session (read-only: do not modify it in a test)."""
    from caregraph.graph import CareGraph

    return CareGraph.load(project)


@pytest.fixture(scope="session")
def sources_dir(project):
    """The five source documents' texts; CI provides them in ../shared/sources beside the checkout."""
    return project.sources_dir()


@pytest.fixture
def run_cli(capsys):
    """Run the caregraph command in-process; returns (exit code, stdout, stderr)."""
    from caregraph.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--root", str(REPO), *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def project_copy(tmp_path):
    """A throw-away copy of the project (ontology, data, queries) that a test may break."""
    import shutil

    from caregraph.project import Project

    root = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return Project.locate(root)
