"""Faults: each way caregraph was once seen to give a wrong answer, hang or crash, run again through the command.

Every test runs the real `caregraph` command (in a subprocess where signals, exit codes, standard output or kill -9
matter) and asserts the correct answer, or one line with exit code 2 (bad input) or 3 (I/O, endpoint, a limit),
never 4 (an internal error) and never a traceback. Servers are real sockets on 127.0.0.1. The cache tests
against damaged entries, API-level, are in test_cache.py; atomic writing and the pair writer in test_files.py.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import copy_project

REPO = Path(__file__).resolve().parents[1]
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GUARD = 120  # seconds after which a test gives up on a hung command (a guard, not a measurement)


def caregraph(*argv: str, root: Path = REPO, cache: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if cache is not None:
        env["CAREGRAPH_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "caregraph", "--root", str(root), *argv],
        capture_output=True,
        env=env,
        timeout=GUARD,
        **kwargs,
    )


def one_error_line(result: subprocess.CompletedProcess, code: int) -> str:
    err = result.stderr.decode()
    lines = [line for line in err.splitlines() if not line.startswith("caregraph: hint:")]
    assert result.returncode == code, err
    assert len(lines) == 1 and lines[0].startswith("caregraph: error: "), err
    return lines[0]


def _project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


# --- 1, 2: the cache ---------------------------------------------------------------------------------------------


def test_a_damaged_cache_entry_costs_a_rebuild_and_one_line(tmp_path, graph):
    cache = tmp_path / "cache"
    first = caregraph("-q", "query", "partnership-forms", "--format", "csv", cache=cache)
    [entry] = [p for p in cache.iterdir() if not p.name.startswith(".")]
    largest = max((entry / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(largest, "r+b") as stream:  # 4 KB of random bytes, as the report did with dd conv=notrunc
        stream.seek(largest.stat().st_size // 3)
        stream.write(os.urandom(4096))
    again = caregraph("-q", "query", "partnership-forms", "--format", "csv", cache=cache)
    assert again.returncode == 0 and again.stdout == first.stdout
    notes = [line for line in again.stderr.decode().splitlines() if "damaged" in line]
    assert len(notes) == 1 and str(entry) in notes[0]


def test_an_edit_keeping_size_and_modification_time_is_answered(tmp_path):
    root = _project(tmp_path)
    query = "SELECT ?label WHERE { <https://w3id.org/caregraph/id/system-dorset> rdfs:label ?label } ORDER BY ?label"
    before = caregraph("-q", "query", "--sparql", query, "--format", "csv", root=root)
    assert "Dorset" in before.stdout.decode().splitlines() and b"DORSET" not in before.stdout
    area = root / "data" / "areas" / "system-dorset.ttl"
    stat = area.stat()
    area.write_bytes(area.read_bytes().replace(b'"Dorset"@en', b'"DORSET"@en'))
    os.utime(area, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # touch -r
    after = caregraph("-q", "query", "--sparql", query, "--format", "csv", root=root)
    assert "DORSET" in after.stdout.decode().splitlines()


# --- 3: SERVICE --------------------------------------------------------------------------------------------------


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never answers; records how many it accepted."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.accepted: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}/query"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.accepted.append(connection)
            self.on_connection(connection)

    def on_connection(self, connection: socket.socket) -> None:
        pass

    def __enter__(self) -> "SilentServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.socket.close()


class TricklingServer(SilentServer):
    """Answers HTTP 200 and then sends its body one byte at a time, forever."""

    def on_connection(self, connection: socket.socket) -> None:
        def trickle() -> None:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
                while not self.stop.wait(0.3):
                    connection.sendall(b" ")
            except OSError:
                pass

        threading.Thread(target=trickle, daemon=True).start()


def test_service_in_an_embedded_query_is_refused_without_contacting_the_server(graph):
    with SilentServer() as server:
        result = caregraph("-q", "query", "--sparql", f"SELECT * WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}")
        accepted = len(server.accepted)
    line = one_error_line(result, 2)
    assert "--sparql:1: SERVICE" in line and "--allow-service" in line
    assert accepted == 0


def test_an_allowed_service_that_never_answers_is_stopped_at_the_deadline(graph):
    with SilentServer() as server:
        result = caregraph(
            "-q",
            "query",
            "--allow-service",
            "--timeout",
            "2",
            "--sparql",
            f"SELECT * WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}",
        )
        accepted = len(server.accepted)
    assert "stopped after 2 s" in one_error_line(result, 3)
    assert accepted == 1  # it was allowed, and did reach the server


class GarbageServer(SilentServer):
    """Answers every request with HTTP 200 and a body that is not SPARQL results."""

    def on_connection(self, connection: socket.socket) -> None:
        try:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: 9\r\nConnection: close\r\n\r\n{not json"
            )
        except OSError:
            pass
        connection.close()


def test_an_allowed_service_answering_garbage_is_an_endpoint_error(graph):
    with GarbageServer() as server:
        result = caregraph(
            "-q",
            "query",
            "--allow-service",
            "--timeout",
            "30",
            "--sparql",
            f"SELECT * WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}",
        )
    assert "a SERVICE endpoint failed" in one_error_line(result, 3)


def test_a_stored_query_using_service_must_say_it_is_federated(tmp_path):
    root = _project(tmp_path)
    (root / "queries" / "elsewhere.rq").write_text(
        "#+ summary: Elsewhere\n#+ description: Reads another endpoint.\n#+ question: What is there?\n"
        "#+ sources: cgd:source-000\n#+ tags: vocabulary\n\n"
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/query> { ?s ?p ?o } }\n"
    )
    line = one_error_line(caregraph("-q", "query", "elsewhere", root=root), 2)
    assert "queries/elsewhere.rq:7:" in line and "federated" in line


# --- 4: time limit, Ctrl-C, streaming ----------------------------------------------------------------------------


def test_an_embedded_query_is_stopped_at_its_time_limit(graph):
    result = caregraph(
        "-q", "query", "--timeout", "1", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    )
    assert "stopped after 1 s" in one_error_line(result, 3)


def test_results_are_streamed_before_the_query_ends(graph):
    """A cross join's rows reach the output while it runs: the limit stops it with rows already written."""
    result = caregraph("-q", "query", "--timeout", "3", "--format", "csv", "--sparql", CROSS_JOIN)
    assert "stopped after 3 s" in one_error_line(result, 3)
    lines = result.stdout.splitlines()
    assert lines[0] == b"a,b,c,d,e,f,g,h,i" and len(lines) > 1000


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def test_ctrl_c_stops_a_running_query_and_its_engine(graph):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "caregraph",
            "--root",
            str(REPO),
            "query",
            "--sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # as a terminal starts it
    try:
        engines = []
        while not engines:  # the engine's process appears once the graph is loaded and the query starts
            assert process.poll() is None
            time.sleep(0.05)
            engines = _children(process.pid)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=GUARD) == 130
    finally:
        process.kill()
        process.wait()
    for engine in engines:
        with pytest.raises(ProcessLookupError):
            os.kill(engine, 0)


# --- 5, 6: paired build output, temporary files, symbolic links -------------------------------------------------


def test_build_killed_at_any_moment_never_leaves_a_mixed_pair(tmp_path):
    root = _project(tmp_path)
    out = tmp_path / "build"
    env = dict(os.environ)

    def count(path: Path, fmt: ox.RdfFormat) -> int:
        return len(list(ox.parse(path=str(path), format=fmt)))

    for run, delay in enumerate((0.8, 1.6, 2.4, 3.2)):
        # Each run builds a graph of a different size, so a Turtle file of one run beside the N-Triples of
        # another would show as two counts.
        (root / "data" / "extra.ttl").write_text(
            "".join(
                f'<https://w3id.org/caregraph/id/x-{i}> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
                for i in range(run + 1)
            )
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "caregraph", "--root", str(root), "-q", "--no-cache", "build", "-o", str(out)],
            env=env,
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.wait()
        if (out / "caregraph.ttl").exists():
            assert count(out / "caregraph.ttl", ox.RdfFormat.TURTLE) == count(
                out / "caregraph.nt", ox.RdfFormat.N_TRIPLES
            )
    assert caregraph("-q", "--no-cache", "build", "-o", str(out), root=root).returncode == 0
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if not n.startswith(".")] == ["caregraph.nt", "caregraph.ttl"]
    assert len([n for n in names if n.startswith(".caregraph-pair-")]) == 1
    assert not [n for n in names if n.endswith(".caregraph-tmp")]


def test_export_sweeps_temporary_files_a_killed_export_left(tmp_path, graph):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    leftover = tmp_path / f".graph.nt.{dead}-0a1b2c3d.caregraph-tmp"
    leftover.write_bytes(b"<a> <b> ")
    assert caregraph("-q", "export", "--format", "nt", "-o", str(tmp_path / "graph.nt")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


def test_export_onto_a_symbolic_link_writes_through_it(tmp_path, graph):
    real = tmp_path / "real.ttl"
    real.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    assert caregraph("-q", "export", "-o", str(link)).returncode == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"@prefix")


# --- 7: bad input and I/O failures are exit 2 or 3, one line ------------------------------------------------------


@pytest.mark.parametrize("command", [["build", "-o", "OUT"], ["query", "partnership-forms"], ["stats"], ["export"]])
@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_a_broken_symbolic_link_in_data_is_bad_input(tmp_path, command, kind):
    root = _project(tmp_path)
    link = root / "data" / "broken.ttl"
    link.symlink_to(link if kind == "loop" else root / "data" / "nowhere.ttl")
    argv = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    assert "data/broken.ttl" in one_error_line(caregraph("-q", *argv, root=root, cache=tmp_path / "cache"), 2)


def test_a_symbolic_link_loop_given_to_validate_is_bad_input(tmp_path, graph):
    loop = tmp_path / "record.ttl"
    loop.symlink_to(loop)
    assert "record.ttl: cannot read" in one_error_line(caregraph("-q", "validate", str(loop)), 2)


def test_a_query_name_too_long_for_a_file_is_an_unknown_query(graph):
    line = one_error_line(caregraph("-q", "query", "q" * 300), 2)
    assert "unknown stored query" in line and len(line) < 300


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_output_to_a_full_disk_is_an_io_error(fmt, graph):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "caregraph",
                "--root",
                str(REPO),
                "-q",
                "query",
                "partnership-forms",
                "--format",
                fmt,
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=GUARD,
        )
    assert "No space left on device" in one_error_line(result, 3)


def test_stats_to_a_full_disk_is_an_io_error(graph):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "caregraph", "--root", str(REPO), "-q", "stats"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=GUARD,
        )
    assert "No space left on device" in one_error_line(result, 3)


def test_output_to_a_closed_stdout_is_an_io_error(graph):
    result = subprocess.run(
        f"{sys.executable} -m caregraph --root {REPO} -q query partnership-forms >&-",
        shell=True,
        stderr=subprocess.PIPE,
        timeout=GUARD,
    )
    assert "standard output is closed" in one_error_line(result, 3)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0"])
def test_a_timeout_that_is_no_deadline_is_bad_input(value):
    line = one_error_line(caregraph("-q", "query", "partnership-forms", "--timeout", value), 2)
    assert "positive number of seconds" in line


def test_an_unknown_function_is_bad_input():
    line = one_error_line(caregraph("-q", "query", "--sparql", "PREFIX ex: <http://x/> SELECT (ex:f(1) AS ?x) {}"), 2)
    assert "<http://x/f>" in line


def test_empty_output_names_are_bad_input(tmp_path):
    assert "empty" in one_error_line(caregraph("-q", "export", "-o", ""), 2)
    assert "empty" in one_error_line(caregraph("-q", "build", "-o", ""), 2)


# --- 8: the endpoint deadline ------------------------------------------------------------------------------------


def test_an_endpoint_trickling_its_answer_is_stopped_at_the_deadline():
    with TricklingServer() as server:
        url = server.url
        result = caregraph("-q", "query", "partnership-forms", "--endpoint", url, "--timeout", "2")
    assert f"SPARQL endpoint {url} did not answer within 2 s" in one_error_line(result, 3)


# --- 9: input size -----------------------------------------------------------------------------------------------


def test_an_oversized_record_is_refused_before_it_is_read(tmp_path):
    from caregraph.files import MAX_INPUT_BYTES

    record = tmp_path / "big.ttl"
    record.write_bytes(
        (REPO / "examples" / "valid" / "later-wave-ics.ttl").read_bytes() + b"# padding\n" * (MAX_INPUT_BYTES // 10 + 1)
    )
    assert "larger than the 5.0 MiB" in one_error_line(caregraph("-q", "validate", str(record)), 2)


# --- 10: messages ------------------------------------------------------------------------------------------------


def test_control_characters_from_data_are_escaped_in_a_table(graph):
    result = caregraph(
        "-q", "query", "--format", "table", "--sparql", 'SELECT ("a\\u001b[2J\\u001b]0;PWNED\\u0007b" AS ?label) {}'
    )
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert b"a\\x1b[2J\\x1b]0;PWNED\\x07b" in result.stdout


def test_a_parse_error_gives_one_position_and_escapes_what_it_quotes(tmp_path, graph):
    record = tmp_path / "record.ttl"
    record.write_bytes(b"\xef\xbb\xbf<http://example.org/a> <http://example.org/b> \x00 .\n")
    line = one_error_line(caregraph("-q", "validate", str(record)), 2)
    assert "\x00" not in line and "\ufeff" not in line
    assert line.count("line") == 0 and line.count(f"{record}:") == 1


def test_an_impossible_date_is_explained_in_plain_words(graph):
    line = one_error_line(caregraph("-q", "query", "partnership-of-ccg", "--param", "day=2017-02-30"), 2)
    assert "2017-02-30 is not a day of the calendar" in line and "out of range" not in line


def test_a_long_value_is_shortened_in_the_message(graph):
    line = one_error_line(caregraph("-q", "query", "partnership-of-ccg", "--param", "day=" + "9" * 120_000), 2)
    assert len(line) < 1000 and "120,000 characters" in line


def test_control_characters_from_a_record_are_escaped_in_the_text_report(tmp_path, graph):
    record = tmp_path / "record.ttl"
    malformed = (REPO / "examples" / "invalid" / "ods-code-malformed.ttl").read_text(encoding="utf-8")
    label = '"The Dudley Group NHS Foundation Trust"@en'
    assert label in malformed  # the report names the record by its label
    record.write_text(malformed.replace(label, '"Dudley\\u001b[2J\\u001b]0;PWNED\\u0007"@en'), encoding="utf-8")
    result = caregraph("-q", "validate", str(record))
    assert result.returncode == 1
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert b"Dudley\\x1b[2J\\x1b]0;PWNED\\x07" in result.stdout
