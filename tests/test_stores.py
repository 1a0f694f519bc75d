"""The same answers on the triplestores researchers run: `caregraph publish` into real stores on 127.0.0.1, then
every stored query in queries/ through the endpoint, compared by value with the embedded engine.

Each store starts once per test session on free ports, is loaded once and stopped at the end: an Oxigraph server
(the PyPI `oxigraph` package of the test extras), Virtuoso 7 (Debian's `virtuoso-t`, with a virtuoso.ini written
here) and Jena (Debian's libapache-jena-java: ARQ, run in one JVM over the N-Triples export by
tests/java/JenaAnswers.java, as Debian has no Fuseki). `.ci/system-packages` installs the Debian packages; a store
that cannot be started is skipped with the reason, never silently.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import free_port, running

from caregraph.errors import InputError
from caregraph.publish import GraphStore, credentials, graphs_to_publish, publish
from caregraph.query import QueryResult, library, run_embedded, run_remote, stored

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
SLUGS = list(library(REPO / "queries"))  # every stored query the folder holds, whoever added it
UNION = "https://w3id.org/caregraph/id/graph-all"
VIRTUOSO_ADMIN = ("dba", "dba")  # a fresh Virtuoso database's administrator


@pytest.fixture(scope="session")
def oxigraph_store(graph, tmp_path_factory):
    """A writable Oxigraph server on 127.0.0.1, loaded by `publish`: (store URL, query URL, what was loaded)."""
    beside_python = Path(sys.executable).parent / "oxigraph"
    binary = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.skip("Oxigraph server not installed: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("oxigraph-store")
    base = f"http://127.0.0.1:{free_port()}"
    command = [binary, "serve", "--location", str(work / "store"), "--bind", base.removeprefix("http://")]
    with running(command, base + "/query?query=ASK%7B%7D", "the Oxigraph server", work / "server.log", seconds=90):
        yield base + "/store", base + "/query", publish(graph, base + "/store", timeout=120)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {work}/virtuoso.db
ErrorLogFile = {work}/virtuoso.log
LockFile = {work}/virtuoso.lck
TransactionFile = {work}/virtuoso.trx
xa_persistent_file = {work}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {work}/virtuoso-temp.db
TransactionFile = {work}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {work}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {work}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
"""


@pytest.fixture(scope="session")
def virtuoso(graph, tmp_path_factory):
    """Virtuoso 7 on 127.0.0.1 (its own HTTP and SQL ports and database folder), loaded by `publish` through
    /sparql-graph-crud-auth with digest authentication, the union in a named graph of its own (Virtuoso keeps no
    default graph): (store URL, query URL naming the union as default graph, what was loaded)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso not installed (Debian virtuoso-opensource-7-bin): run .ci/system-packages")
    work = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (work / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(work=work, sql_port=free_port(), http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(work / "virtuoso.ini")]
    with running(command, base + "/sparql?query=ASK%7B%7D", "Virtuoso", work / "server.log", seconds=90, cwd=work):
        store = base + "/sparql-graph-crud-auth"
        user, password = VIRTUOSO_ADMIN
        loaded = publish(
            graph, store, default_graph="none", union_graph=UNION, user=user, password=password, timeout=120
        )
        yield store, f"{base}/sparql?default-graph-uri={urllib.parse.quote(UNION, safe='')}", loaded


def _jena_classpath() -> str | None:
    """The jars of Debian's libapache-jena-java and of the packages it depends on, or None if it is not installed."""
    try:
        depends = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}", "libapache-jena-java"], capture_output=True, text=True, timeout=30
        )
    except FileNotFoundError:
        return None
    if depends.returncode != 0:
        return None
    packages = ["libapache-jena-java", *(d.split("|")[0].split("(")[0].strip() for d in depends.stdout.split(","))]
    listed = subprocess.run(["dpkg-query", "-L", *packages], capture_output=True, text=True, timeout=30).stdout
    # One copy of each jar, and no logging binding: several bindings make SLF4J warn, none makes it quiet.
    jars = sorted(
        {
            line
            for line in listed.splitlines()
            if line.startswith("/usr/share/java/") and line.endswith(".jar") and "slf4j-" not in line.rsplit("/", 1)[-1]
        }
    )
    return ":".join([*jars, "/usr/share/java/slf4j-api.jar", "/usr/share/java/httpcore.jar"])


_SHADED_XERCES = "org/apache/jena/ext/xerces/"


@pytest.fixture(scope="session")
def jena_answers(exported, tmp_path_factory) -> dict[str, QueryResult | str]:
    """Every stored query answered by Jena ARQ over the N-Triples export, in one JVM: slug → result, or Jena's
    error message."""
    java, classpath = shutil.which("java"), _jena_classpath()
    if java is None or classpath is None:
        pytest.skip("Jena ARQ not installed (Debian libapache-jena-java and a Java runtime): run .ci/system-packages")
    work = tmp_path_factory.mktemp("jena")
    (work / "caregraph.nt").write_bytes(exported("nt"))
    queries = work / "queries"
    queries.mkdir()
    for slug in SLUGS:
        (queries / f"{slug}.rq").write_text(stored(slug, REPO / "queries").bind(), encoding="utf-8")
    # Debian moves the XML Schema classes Jena carries into the package xerces.*, but leaves their message files
    # under org/apache/jena/ext/xerces/: without them at the new place Jena stops before reading any data.
    messages = work / "messages"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(_SHADED_XERCES) and name.endswith(".properties"):
                target = messages / "xerces" / name[len(_SHADED_XERCES) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    done = subprocess.run(
        [
            java,
            "-cp",
            f"{messages}:{classpath}",
            str(Path(__file__).parent / "java" / "JenaAnswers.java"),
            str(work / "caregraph.nt"),
            str(queries),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 and "ExceptionInInitializerError" in done.stderr:
        cause = [line for line in done.stderr.splitlines() if line.startswith(("Caused by", "Exception"))]
        pytest.skip(f"Jena ARQ cannot start on this machine: {' / '.join(cause[:2])}")
    assert done.returncode == 0, done.stderr[-2000:]
    answers: dict[str, QueryResult | str] = {}
    for slug in SLUGS:
        form = stored(slug, REPO / "queries").form
        path = queries / f"{slug}.{'nt' if form == 'graph' else 'json'}"
        if (queries / f"{slug}.error").exists():
            answers[slug] = (queries / f"{slug}.error").read_text(encoding="utf-8")
        elif form == "graph":
            answers[slug] = QueryResult(
                "graph", triples=[q.triple for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)]
            )
        else:
            answers[slug] = QueryResult.from_oxigraph(
                ox.parse_query_results(path.read_bytes(), format=ox.QueryResultsFormat.JSON)
            )
    return answers


def _embedded(graph, slug: str) -> QueryResult:
    return run_embedded(graph, stored(slug, REPO / "queries").bind())


def _remote(url: str, slug: str) -> QueryResult:
    query = stored(slug, REPO / "queries")
    return run_remote(url, query.bind(), query.form, timeout=300)  # changes-between takes Virtuoso 13 s idle


def _differences(actual: QueryResult, expected: QueryResult) -> str:
    from test_stored_queries import _differences as differences

    return differences(actual, expected)


# --- publish -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def trig_graphs(exported) -> dict[str, int]:
    """The named graphs of the TriG export and their sizes, read back from the export itself."""
    from collections import Counter

    return dict(Counter(q.graph_name.value for q in ox.parse(exported("trig"), format=ox.RdfFormat.TRIG)))


def test_publish_loads_the_named_graphs_of_the_trig_export_and_the_union(graph, oxigraph_store, virtuoso, trig_graphs):
    expected = trig_graphs
    _, _, on_oxigraph = oxigraph_store
    assert {loaded.graph: loaded.held for loaded in on_oxigraph} == {**expected, None: len(graph)}
    _, _, on_virtuoso = virtuoso
    assert {loaded.graph: loaded.held for loaded in on_virtuoso} == {**expected, UNION: len(graph)}


_GRAPH_SIZES = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(cgd:))) }
GROUP BY ?g"""


def _graph_sizes(query_url: str) -> dict[str, int]:
    from caregraph.namespaces import sparql_prologue

    # The plain query URL: naming a default graph (default-graph-uri) leaves a query no named graphs to see.
    rows = run_remote(query_url.split("?")[0], sparql_prologue() + _GRAPH_SIZES, "select").records()
    return {row["g"]: row["n"] for row in rows}


def test_oxigraph_answers_queries_on_each_graph_with_the_counts_of_the_trig_export(graph, oxigraph_store, trig_graphs):
    _, query_url, _ = oxigraph_store
    assert _graph_sizes(query_url) == trig_graphs
    everything = run_remote(query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "select").records()
    assert everything == [{"n": len(graph)}]


def test_virtuoso_answers_queries_on_each_graph_with_the_counts_of_the_trig_export(graph, virtuoso, trig_graphs):
    _, query_url, _ = virtuoso
    assert _graph_sizes(query_url) == {**trig_graphs, UNION: len(graph)}
    everything = run_remote(query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "select").records()
    assert everything == [{"n": len(graph)}]


# --- every stored query, embedded and on each store ------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_oxigraph_server_gives_the_embedded_answer(slug, graph, oxigraph_store):
    embedded, remote = _embedded(graph, slug), _remote(oxigraph_store[1], slug)
    assert embedded.same_values(remote), _differences(remote, embedded)


# Virtuoso's known wrong answers (queries/README.md, "On other triplestores"): not strict, since on some loaded
# copies of the same data it answers right.
VIRTUOSO_FAILS = {
    "landscape-on": "Virtuoso 7 answers no rows when an OPTIONAL over the memberships meets another "
    "OPTIONAL on the partnership"
}


@pytest.mark.parametrize(
    "slug",
    [
        pytest.param(slug, marks=pytest.mark.xfail(reason=VIRTUOSO_FAILS[slug], strict=False))
        if slug in VIRTUOSO_FAILS
        else slug
        for slug in SLUGS
    ],
)
def test_virtuoso_gives_the_embedded_answer(slug, graph, virtuoso):
    embedded, remote = _embedded(graph, slug), _remote(virtuoso[1], slug)
    assert embedded.same_values(remote), _differences(remote, embedded)


@pytest.mark.parametrize("slug", SLUGS)
def test_jena_gives_the_embedded_answer(slug, graph, jena_answers):
    embedded, theirs = _embedded(graph, slug), jena_answers[slug]
    assert not isinstance(theirs, str), f"Jena: {theirs}"
    assert embedded.same_values(theirs), _differences(theirs, embedded)


# --- Virtuoso's deviations, undone ------------------------------------------------------------------------------


def test_virtuoso_answers_ask_as_a_select_and_caregraph_prints_true_or_false(virtuoso, run_cli):
    _, query_url, _ = virtuoso
    raw = urllib.request.Request(
        query_url,
        data=urllib.parse.urlencode({"query": "ASK {}"}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(raw, timeout=30) as response:
        assert json.load(response)["head"]["vars"] == ["__ASK_RETVAL"]  # the deviation portability.py undoes
    for term, answer in (("cg:Footprint", "true"), ("org:Organization", "false")):
        code, out, _ = run_cli(
            "query", "is-vocabulary-term", "--param", f"term={term}", "--endpoint", query_url, "--format", "table"
        )
        assert (code, out) == (0, answer + "\n")


def test_booleans_from_virtuoso_print_as_the_embedded_engine_prints_them(virtuoso, run_cli):
    _, query_url, _ = virtuoso
    for slug in ("who-says-so", "first-wave-ics-vs-stp", "wave-sizes-by-source"):
        embedded = run_cli("query", slug, "--format", "csv")
        remote = run_cli("query", slug, "--format", "csv", "--endpoint", query_url)
        assert embedded[0] == remote[0] == 0
        assert sorted(remote[1].splitlines()) == sorted(embedded[1].splitlines())
        assert ",true" in remote[1] or ",false" in remote[1]


# --- publish: refusals, credentials, and a store that loses triples -----------------------------------------------


def test_publishing_again_without_replace_is_refused_naming_the_graph(oxigraph_store, run_cli):
    store, _, loaded = oxigraph_store
    code, out, err = run_cli("-q", "publish", "--endpoint", store)
    assert code == 3 and out == ""
    assert f"already holds {loaded[0].sent:,} triples in graph <{loaded[0].graph}>" in err
    assert "--replace" in err


def test_publishing_again_with_replace_leaves_the_same_counts(graph, oxigraph_store, run_cli, trig_graphs):
    store, query_url, _ = oxigraph_store
    code, _, err = run_cli("publish", "--endpoint", store, "--replace")
    assert code == 0, err
    assert err.count("caregraph: loaded ") == len(trig_graphs) + 1  # a progress line per graph
    assert "loaded the default graph: " in err
    assert _graph_sizes(query_url) == trig_graphs


def test_virtuoso_has_no_default_graph_and_publish_says_what_to_do(virtuoso, run_cli):
    store, _, _ = virtuoso
    code, _, err = run_cli("-q", "publish", "--endpoint", store, "--user", "dba", "--password", "dba", "--replace")
    assert code == 3
    assert "the default graph" in err and "--union-graph" in err


def test_a_wrong_password_is_exit_3_with_a_hint(virtuoso, run_cli):
    store, _, _ = virtuoso
    code, _, err = run_cli("-q", "publish", "--endpoint", store, "--user", "dba", "--password", "not-dba")
    assert code == 3 and "HTTP 401" in err and "~/.netrc" in err


def test_credentials_come_from_the_environment_then_netrc(virtuoso, tmp_path, monkeypatch):
    store, _, loaded = virtuoso
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CAREGRAPH_STORE_USER", raising=False)
    monkeypatch.delenv("CAREGRAPH_STORE_PASSWORD", raising=False)
    assert credentials(store) is None
    netrc_file = tmp_path / ".netrc"
    netrc_file.write_text("machine 127.0.0.1\n  login dba\n  password dba\n")
    netrc_file.chmod(0o600)
    assert credentials(store) == ("dba", "dba")
    assert GraphStore(store, auth=credentials(store), timeout=30).count(loaded[0].graph) == loaded[0].sent
    monkeypatch.setenv("CAREGRAPH_STORE_USER", "someone")
    monkeypatch.setenv("CAREGRAPH_STORE_PASSWORD", "secret")
    assert credentials(store) == ("someone", "secret")
    assert credentials(store, "given", "words") == ("given", "words")


class _LossyStore:
    """A Graph Store Protocol endpoint on 127.0.0.1 that keeps all but the last triple of each graph it is sent:
    the fault the count after loading is there to catch."""

    def __init__(self) -> None:
        import http.server
        import threading

        graphs: dict[str, bytes] = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = graphs.get(self.path)
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Type", "application/n-triples")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def do_PUT(self):
                lines = self.rfile.read(int(self.headers["Content-Length"])).splitlines(keepends=True)
                graphs[self.path] = b"".join(lines[:-1])
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_a_store_holding_fewer_triples_than_sent_is_exit_3_naming_the_graph(graph, run_cli):
    first, triples = graphs_to_publish(graph)[0]
    with _LossyStore() as store:
        code, out, err = run_cli("-q", "publish", "--endpoint", store.url)
    assert code == 3 and out == ""
    assert f"holds {len(triples) - 1:,} triples in <{first}> after caregraph sent {len(triples):,}" in err


def test_the_default_graph_is_left_empty_or_the_union_named_as_asked(graph, trig_graphs):
    plan = graphs_to_publish(graph, default_graph="none", union_graph=UNION)
    assert [name for name, _ in plan] == [*sorted(trig_graphs), UNION]
    assert len(plan[-1][1]) == len(graph)
    with pytest.raises(InputError, match="one of caregraph's own named graphs"):
        graphs_to_publish(graph, union_graph="https://w3id.org/caregraph/id/graph-ontology")
    with pytest.raises(InputError, match="use one of union, none"):
        graphs_to_publish(graph, default_graph="all")


def test_an_unreachable_store_is_exit_3(run_cli):
    url = f"http://127.0.0.1:{free_port()}/store"
    code, _, err = run_cli("-q", "publish", "--endpoint", url)
    assert code == 3 and f"cannot reach store {url}" in err


def test_publish_needs_an_http_url(run_cli):
    code, _, err = run_cli("-q", "publish", "--endpoint", "localhost:7878/store")
    assert code == 2 and "is not an http:// or https:// URL" in err
