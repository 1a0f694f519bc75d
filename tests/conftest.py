"""Shared fixtures: the project under test, its graph (loaded once), and the source texts.

Tests run offline and never touch the user's cache: the store cache goes to a temporary folder.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PRACTICES_TURTLE = "practices.ttl"
"""The GP practices' Turtle in data/reference: four fifths of the shipped graph's triples."""


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
def exported(graph):
    """The shipped graph serialised in a format (``exported("nt")``), each format once per session."""
    from caregraph.export import serialize

    cache: dict[str, bytes] = {}

    def get(fmt: str) -> bytes:
        if fmt not in cache:
            cache[fmt] = serialize(graph, fmt)
        return cache[fmt]

    return get


@pytest.fixture(scope="session")
def rdflib_graph(exported):
    """The exported graph in rdflib, whose own SPARQL engine is a third opinion (read-only, or restored by the
    test that adds to it)."""
    import rdflib

    return rdflib.Graph().parse(data=exported("nt"), format="nt")


SAMPLE_ICBS = ("QVV", "QXU")
"""The integrated care boards whose GP practices the sample graph keeps: Dorset and Surrey Heartlands, both
first-wave areas (002), one whose sub-ICB location covers more than the first-wave footprint."""


@pytest.fixture(scope="session")
def sample_graph(project):
    """The shipped graph with the GP practices of :data:`SAMPLE_ICBS` only, read-only: every kind of record the
    practices bring (practices, PCNs, sub-ICB locations, dated memberships, Data Cube populations, the rows they
    are quoted from) at about the size of the graph before them, where rdflib and plain pyshacl, the reference
    engines, answer in seconds instead of minutes. The practices left out are those the allocation files place in
    other ICBs; every record whose IRI names one of them (the practice, its memberships, populations and rows) goes
    with it."""
    from caregraph.graph import CareGraph, parse_turtle

    practices = project.reference_dir / PRACTICES_TURTLE
    triples = [t for path in project.graph_files() if path != practices for t in parse_turtle(path)]
    return CareGraph.from_triples(triples + _sampled_practices(), project=project)


@pytest.fixture(scope="session")
def sample_rdflib_graph(sample_graph):
    """The sample graph's N-Triples export in rdflib (read-only)."""
    import rdflib

    from caregraph.export import serialize

    return rdflib.Graph().parse(data=serialize(sample_graph, "nt"), format="nt")


@pytest.fixture(scope="session")
def context_graph(project):
    """The ontology and tests/fixtures/context.ttl, the entities example records point at (read-only)."""
    from caregraph.graph import CareGraph

    return CareGraph.from_files(
        [*project.ontology_files(), REPO / "tests" / "fixtures" / "context.ttl"], project=project
    )


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


def _sampled_practices() -> list:
    """The triples of the GP practices' Turtle that the sample keeps: every record but those naming a practice
    that the allocation files place in an ICB other than :data:`SAMPLE_ICBS` (the practice, its memberships,
    populations and rows), except the rows that the records kept are derived from."""
    import csv

    from caregraph.graph import parse_turtle

    if not _SAMPLED:
        kept, others = set(), set()
        for path in sorted((REPO / "data" / "reference").glob("nhsx__AIF_Allocation_Tool__*.csv")):
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    (kept if row["ICS22"] in SAMPLE_ICBS else others).add(row["Practice_Code"])
        others -= kept
        triples = parse_turtle(REPO / "data" / "reference" / PRACTICES_TURTLE)
        names_another = {
            t.subject for t in triples if not others.isdisjoint(t.subject.value.rsplit("/", 1)[-1].split("-"))
        }
        sampled = [t for t in triples if t.subject not in names_another]
        # The rows that the records kept are derived from stay, so that every statement kept is attested.
        rows = {t.object for t in sampled if t.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}
        _SAMPLED.extend(sampled + [t for t in triples if t.subject in names_another and t.subject in rows])
    return _SAMPLED


_SAMPLED: list = []


def copy_project(root: Path) -> Path:
    """A copy of the project (ontology, data, queries) at ``root`` for the tests of building, caching and
    breaking a project, with the GP practices sampled as in :func:`sample_graph`: those tests need a whole
    project, not the nation's practices, whose store would take most of their time to build."""
    import shutil

    import pyoxigraph as ox

    for folder in ("ontology", "data", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    ox.serialize(
        _sampled_practices(), output=str(root / "data" / "reference" / PRACTICES_TURTLE), format=ox.RdfFormat.N_TRIPLES
    )
    return root


@pytest.fixture
def project_copy(tmp_path):
    """A throw-away copy of the project (see :func:`copy_project`) that a test may break."""
    from caregraph.project import Project

    return Project.locate(copy_project(tmp_path / "project"))


@pytest.fixture(scope="session")
def oxigraph_endpoint(exported, tmp_path_factory):
    """A real Oxigraph SPARQL server on 127.0.0.1 holding the exported graph; yields its query URL.

    The graph is exported to N-Triples, loaded with `oxigraph load` and served with `oxigraph serve-read-only` (the
    PyPI `oxigraph` package of the test extras) on a free port; the server is stopped after the session.
    """
    import shutil
    import subprocess
    import sys

    beside_python = Path(sys.executable).parent / "oxigraph"
    binary = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("oxigraph")
    export = work / "caregraph.nt"
    export.write_bytes(exported("nt"))
    subprocess.run(
        [binary, "load", "--location", str(work / "store"), "--file", str(export)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with running(
        [binary, "serve-read-only", "--location", str(work / "store"), "--bind", f"127.0.0.1:{port}"],
        url + "?query=ASK%7B%7D",
        "the Oxigraph server",
        work / "server.log",
        seconds=30,
    ):
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
    command = [
        sys.executable,
        "-m",
        "caregraph",
        "--root",
        str(REPO),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with running(
        command,
        base + "sparql?query=ASK%7B%7D",
        "caregraph serve",
        tmp_path_factory.mktemp("serve") / "server.log",
        seconds=60,
    ):
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
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--disable-domain-reliability",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
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
