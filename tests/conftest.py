"""Shared fixtures: the project under test, its graph (loaded once), and the source texts.

Tests run offline and never touch the user's cache: the store cache goes to a temporary folder.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
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
def rdflib_graph(graph):
    """The exported graph in rdflib, whose own SPARQL engine is a third opinion (read-only)."""
    import rdflib

    from caregraph.export import serialize

    return rdflib.Graph().parse(data=serialize(graph, "nt"), format="nt")


@pytest.fixture(scope="session")
def context_graph(project):
    """The ontology and tests/fixtures/context.ttl, the entities example records point at (read-only)."""
    from caregraph.graph import CareGraph

    return CareGraph.from_files([*project.ontology_files(), REPO / "tests" / "fixtures" / "context.ttl"],
                                project=project)


@pytest.fixture
def scratch_project(tmp_path):
    """A project folder laid out like a clone, to write into: the ontology, the records the examples point at
    (tests/fixtures/context.ttl) and the reference rows that quotations of reference datasets are checked against
    (not their Turtle)."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(REPO / "ontology", root / "ontology")
    (root / "data").mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "context.ttl", root / "data" / "context.ttl")
    shutil.copytree(REPO / "data" / "reference", root / "data" / "reference", ignore=shutil.ignore_patterns("*.ttl"))
    return root


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


@pytest.fixture(scope="session")
def oxigraph_endpoint(graph, tmp_path_factory):
    """A real Oxigraph SPARQL server on 127.0.0.1 holding the exported graph; yields its query URL.

    The graph is exported to N-Triples, loaded with `oxigraph load` and served with `oxigraph serve-read-only` (the
    PyPI `oxigraph` package of the test extras) on a free port; the server is stopped after the session.
    """
    import shutil
    import subprocess
    import sys

    from caregraph.export import serialize

    beside_python = Path(sys.executable).parent / "oxigraph"
    binary = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("oxigraph")
    exported = work / "caregraph.nt"
    exported.write_bytes(serialize(graph, "nt"))
    subprocess.run([binary, "load", "--location", str(work / "store"), "--file", str(exported)],
                   check=True, capture_output=True, timeout=300)
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with running([binary, "serve-read-only", "--location", str(work / "store"), "--bind", f"127.0.0.1:{port}"],
                 url + "?query=ASK%7B%7D", "the Oxigraph server", work / "server.log", seconds=30):
        yield url


@pytest.fixture(scope="session")
def caregraph_server(graph, tmp_path_factory):
    """`caregraph serve` in a real uvicorn server on 127.0.0.1 (a free port); yields its base URL.

    The graph fixture has built the cached store, which the server opens read-only; the server is stopped after
    the session, and its log kept beside pytest's other temporary files.
    """
    import sys

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "caregraph", "--root", str(REPO), "serve", "--host", "127.0.0.1", "--port",
               str(port)]
    with running(command, base + "sparql?query=ASK%7B%7D", "caregraph serve",
                 tmp_path_factory.mktemp("serve") / "server.log", seconds=60):
        yield base


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's headless Chromium through chromedriver, kept off every address but the loopback (no background
    networking, no component updates), for the tests of the web pages and the query editor."""
    import shutil

    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromedriver are needed: bash .ci/system-packages")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                 "--disable-sync", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                 "--metrics-recording-only", "--disable-domain-reliability", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the system's choice)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command: list[str], probe_url: str, name: str, log_path: Path, *, seconds: float, cwd: Path | None = None):
    """A server started by ``command`` (in ``cwd``), once ``probe_url`` answers (within ``seconds``); stopped on
    leaving, its output kept in ``log_path``. A server that stops or never answers fails the test, with the end of
    its log."""
    import subprocess
    import time
    import urllib.request

    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd)
        try:
            deadline = time.monotonic() + seconds
            while True:
                if server.poll() is not None:
                    pytest.fail(f"{name} stopped: {log_path.read_text()[-500:]}")
                try:
                    with urllib.request.urlopen(probe_url, timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"{name} did not answer on {probe_url} within {seconds:g} s")
                    time.sleep(0.05)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)  # Virtuoso checkpoints its database before it exits
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
