"""Running work that caregraph cannot interrupt in-process within limits: a deadline, Ctrl-C and a memory ceiling.

pyoxigraph 0.5 has no way to stop a query once it has started: ``Store.query`` and the iteration of its results
run in Rust with the GIL released and never look at Python's signals, so neither a timer nor Ctrl-C reaches them,
and a Python thread cannot be stopped from outside. The same holds for a socket read that a server answers one
byte at a time. Such work therefore runs in a child process made with ``os.fork`` — the graph is shared
copy-on-write, nothing is copied or re-opened — and the parent kills it (SIGKILL) at the deadline or on Ctrl-C:
the engine's work stops with the process, it is not merely abandoned. The child also runs under an address-space
limit (:data:`MEMORY_BUDGET` beyond what the process already maps), so a query or a damaged store that makes the
engine allocate without bound ends that one process, not the machine.

The child writes its output to a pipe, which the parent reads as it comes (and, for streamed results, writes on
at once), and reports how it ended on a second pipe: ``ok``, or the kind of failure and a one-line message.
"""

from __future__ import annotations

import math
import os
import select
import signal
import time
from collections.abc import Callable

from ..errors import CaregraphError, EndpointError, InputError, LimitError, StorageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the query command's path
if TYPE_CHECKING:
    from typing import NoReturn


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 8 << 30


def _budget() -> int:
    try:
        return int(float(os.environ["CAREGRAPH_QUERY_MEMORY"]) * (1 << 30))
    except (KeyError, ValueError):
        return min(4 << 30, _physical_memory() // 2)


MEMORY_BUDGET = _budget()
"""Bytes of address space a query may add to what the process already maps: 4 GiB (or half the machine's memory
if that is less), or ``CAREGRAPH_QUERY_MEMORY`` GiB. Every stored query needs a small fraction of it even on a
graph of a million triples; a query (or a damaged store) that needs more is stopped with a one-line error
instead of swapping the machine to a halt."""

DEFAULT_TIMEOUT = 300.0
"""Seconds a query may take, embedded or on an endpoint, before it is stopped: the default of ``run`` and of the
command line's ``--timeout`` (five minutes; every stored query takes well under a second on the shipped graph)."""

MAX_TIMEOUT = 7 * 24 * 3600.0
"""The longest deadline accepted, in seconds (a week); longer is surely a mistake, and ``inf`` is refused."""

_CRASH_SIGNALS = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE}


def checked_timeout(seconds: float | None) -> float | None:
    """``seconds`` if it is a usable deadline (None: no limit); otherwise one line of bad input."""
    if seconds is None:
        return None
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        raise InputError(f"the timeout must be a number of seconds such as 30, not {seconds!r}") from None
    if math.isnan(value) or value <= 0 or value > MAX_TIMEOUT:
        raise InputError(
            f"the timeout must be a positive number of seconds, at most {MAX_TIMEOUT:g} "
            f"(a week), such as 30; got {value:g}"
        )
    return value


class Failure(Exception):
    """How a child ended when it did not succeed: ``kind`` is one of the kinds below, ``message`` one line.

    ``input`` bad input · ``endpoint`` an endpoint failed · ``storage`` a store could not be read · ``output``
    the output could not be written (``pipe``: its reader went away) · ``crash`` the child died of a signal (or ran
    out of its memory) · ``bug`` anything else.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


class _Sink:
    """Where the child writes: a file descriptor, written whole, remembering an error of its own."""

    def __init__(self, fd: int) -> None:
        self.fd, self.last = fd, b"\n"
        self.error: OSError | None = None

    def write(self, data) -> int:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError as error:
            self.error = error
            raise
        if len(data):
            self.last = bytes(data[-1:])
        return len(data)

    def flush(self) -> None:
        pass


def _limit_memory() -> None:
    import resource

    mapped = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    mapped = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return
    limit = mapped + MEMORY_BUDGET
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(work: Callable[[_Sink], None], output_fd: int, status_fd: int, classify) -> None:
    """Run ``work`` in the child and report how it ended; never returns."""
    code = 0
    try:
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once, even inside the engine
        except ValueError:
            pass  # not the main thread of the child (a fork from another thread); the parent still kills it
        import faulthandler

        faulthandler.disable()  # a child stopped by its memory ceiling aborts; its traceback would only be noise
        _limit_memory()
        sink = _Sink(output_fd)
        try:
            work(sink)
            status = "ok\t"
        except CaregraphError as error:
            status = f"{_kind_of(error)}\t{error}"
        except MemoryError:
            status = "crash\tran out of memory"
        except BaseException as error:  # noqa: BLE001 — whatever happened is reported to the parent
            if sink.error is not None:
                import errno

                kind = "pipe" if sink.error.errno == errno.EPIPE else "output"
                status = f"{kind}\t{sink.error.strerror or sink.error}"
            else:
                status = f"{classify(error)}\t{' '.join(str(error).split()) or type(error).__name__}"
        os.write(status_fd, status.encode("utf-8", "replace")[:4000])
    except BaseException:  # noqa: BLE001
        code = 70
    finally:
        os._exit(code)


def _kind_of(error: CaregraphError) -> str:
    if isinstance(error, EndpointError):
        return "endpoint"
    if isinstance(error, StorageError):
        return "storage"
    if isinstance(error, LimitError):
        return "crash"
    return "input"


def run_in_child(
    work: Callable[[_Sink], None],
    *,
    timeout: float | None,
    what: str,
    classify: Callable[[BaseException], str],
    deliver: Callable[[bytes], object] | None = None,
) -> bytes:
    """Run ``work(sink)`` in a child process and return what it wrote to ``sink`` — or, with ``deliver``, hand
    each piece to ``deliver`` as it arrives and return nothing, so that results are never held whole.

    Raises :class:`caregraph.errors.QueryTimeout` at the deadline and KeyboardInterrupt on Ctrl-C (the child
    killed first in both cases), and :class:`Failure` for a failure the child reported or a crash.
    ``classify`` maps an exception the work raised to a failure kind. ``what`` names the work in messages.
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    status_read, status_write = os.pipe()
    data_read, data_write = os.pipe()
    deadline = None if timeout is None else time.monotonic() + timeout
    # A Ctrl-C during the fork (which takes milliseconds for a large store) is only noted, and raised once the
    # parent is inside `try`: raised before, it would leave the child running with nobody to kill it. (Blocking
    # the signal would not do: the engine's own threads would take it.)
    restore_interrupts = _defer_interrupts()
    pid = os.fork()
    if pid == 0:
        os.close(status_read)
        os.close(data_read)
        _child(work, data_write, status_write, classify)
    os.close(status_write)
    os.close(data_write)
    chunks: list[bytes] = []
    status: list[bytes] = []
    reaped = False
    try:
        restore_interrupts()  # a Ctrl-C noted during the fork is raised here, inside `try`
        open_fds = {status_read: status.append, data_read: deliver or chunks.append}
        while open_fds:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                from ..errors import QueryTimeout

                raise QueryTimeout(
                    f"{what} was stopped after {timeout:g} s, its time limit; give a longer "
                    "--timeout (seconds) if it needs more time"
                )
            ready, _, _ = select.select(list(open_fds), [], [], remaining)
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    open_fds[fd](chunk)
                else:
                    del open_fds[fd]
        _, wait_status = os.waitpid(pid, 0)
        reaped = True
    finally:
        if not reaped:
            _kill(pid)
        os.close(status_read)
        os.close(data_read)
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        raise Failure("crash", f"{what} ended with signal {name}")
    kind, _, message = b"".join(status).decode("utf-8", "replace").partition("\t")
    if kind != "ok":
        raise Failure(kind or "crash", message or f"{what} ended without saying how")
    return b"".join(chunks)


def _defer_interrupts() -> Callable[[], None]:
    """Note a Ctrl-C instead of raising it; the function returned puts the handler back and raises a noted one.
    Only the main thread has a handler (Ctrl-C is never raised in another): there both do nothing."""
    noted: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda number, frame: noted.append(number))
    except ValueError:
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if noted:
            signal.raise_signal(signal.SIGINT)

    return restore


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def raise_failure(failure: Failure, *, what: str) -> NoReturn:
    """Turn a failure the caller has no better answer for into the error the command line reports."""
    if failure.kind == "pipe":
        raise BrokenPipeError(failure.message)  # the reader went away (`| head`): not a failure of caregraph
    if failure.kind == "input":
        raise InputError(failure.message)
    if failure.kind == "endpoint":
        raise EndpointError(failure.message)
    if failure.kind in ("storage", "output"):
        raise StorageError(
            failure.message if failure.kind == "storage" else f"cannot write the output: {failure.message}"
        )
    if failure.kind == "crash":
        raise LimitError(
            f"{what} was stopped: {failure.message}; it may need more memory than the "
            f"{MEMORY_BUDGET / (1 << 30):g} GiB caregraph allows a query (CAREGRAPH_QUERY_MEMORY "
            "sets it, in GiB)"
        )
    raise RuntimeError(f"{what} failed: {failure.message}")
