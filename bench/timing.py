"""How the benchmark times things: a warm-up, then the median of several runs within a time budget, with a cap.

* ``measure(work)`` runs ``work`` once to warm up (imports, caches, the engine's first query), then up to ``runs``
  more times while the measured runs stay within ``budget`` seconds, and reports their median. An operation whose
  warm-up already takes ``SLOW`` seconds or more is measured by that one run (warming up matters little against
  it, and repeating it would cost minutes): the report says "1 run".
* ``cap`` interrupts an operation that takes longer (rdflib and pyshacl on large graphs): the report then says
  "> cap" instead of a time, and the ratio is a lower bound. Only pure-Python work can be interrupted, which is
  where the cap is needed; caregraph's own work is never capped.
* ``run_commands`` times whole processes (a command line from start to exit), interleaving the commands so that
  a drift in the machine's speed affects all of them alike; it keeps their CPU time too, which another process
  on the machine disturbs less than the wall-clock time.
"""

from __future__ import annotations

import resource
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

SLOW = 2.0
"""Seconds from which the warm-up run is the measurement."""


class CapExceeded(Exception):
    pass


@dataclass
class Timing:
    """Seconds of the measured runs (the warm-up excluded, unless it is the one run); empty when capped."""

    runs: list[float] = field(default_factory=list)
    warmup: float | None = None
    cap: float | None = None  # set when the operation was interrupted at this many seconds
    cpu: list[float] = field(default_factory=list)  # a command line's CPU seconds, its children's included, per run

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def capped(self) -> bool:
        return self.cap is not None

    def lower_bound(self) -> float | None:
        """The median, or the cap when the operation did not finish within it."""
        return self.cap if self.capped else self.median

    def to_json(self) -> dict:
        return {**asdict(self), "median": self.median, "cpu_median": self.cpu_median}

    @classmethod
    def from_json(cls, data: dict) -> Timing:
        return cls(data["runs"], data["warmup"], data["cap"], data.get("cpu", []))  # runs before CPU was kept


@contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`CapExceeded` in the main thread after ``seconds`` (None: no limit)."""
    if not seconds:
        yield
        return

    def interrupt(signum, frame):
        raise CapExceeded

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(
    work: Callable[[], object],
    *,
    runs: int = 5,
    budget: float = 20.0,
    cap: float | None = None,
    first: tuple[float, object] | None = None,
) -> tuple[Timing, object]:
    """(timing, what the last run returned); the result is None when the warm-up hit the cap.

    ``first`` is (seconds, result) of a run already made, which then serves as the warm-up.
    """
    if first is None:
        start = time.perf_counter()
        try:
            with time_limit(cap):
                result = work()
        except CapExceeded:
            return Timing(cap=cap), None
        first = (time.perf_counter() - start, result)
    first, result = first
    if first >= SLOW or runs <= 0:
        return Timing([first], warmup=None), result
    timing = Timing(warmup=first)
    while len(timing.runs) < runs and (not timing.runs or sum(timing.runs) < budget):
        start = time.perf_counter()
        result = work()
        timing.runs.append(time.perf_counter() - start)
    return timing, result


def run_commands(
    commands: dict[str, Sequence[str]],
    *,
    runs: int,
    env: dict | None = None,
    cwd: str | None = None,
    check_exit: Sequence[int] = (0,),
) -> dict[str, Timing]:
    """Each command once to warm up, then ``runs`` rounds in which each runs once, interleaved."""
    timings = {name: Timing() for name in commands}
    for round_number in range(runs + 1):
        for name, command in commands.items():
            seconds, cpu = _timed_process(command, env, cwd, check_exit)
            if round_number == 0:
                timings[name].warmup = seconds
            else:
                timings[name].runs.append(seconds)
                timings[name].cpu.append(cpu)
    return timings


def _timed_process(command: Sequence[str], env, cwd, check_exit) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run; the CPU time of the processes the command waited for is its own."""
    with tempfile.TemporaryFile() as errors:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.run(list(command), stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=cwd)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode not in check_exit:
            errors.seek(0)
            raise RuntimeError(f"exit {process.returncode} from {' '.join(command)}: {errors.read().decode()[-600:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu
