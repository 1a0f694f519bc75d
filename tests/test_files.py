"""Writing files: atomic, with the umask's mode, through symbolic links, sweeping what a killed writer left, and
replacing a pair of files together; reading input within a size limit."""

import os
import subprocess
import sys

import pytest

from caregraph.errors import InputError
from caregraph.files import TEMPORARY_SUFFIX, PairWriter, atomic_write, check_input


def _umask_run(mask: int, code: str) -> None:
    subprocess.run([sys.executable, "-c", f"import os; os.umask({mask:#o}); {code}"], check=True)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_write_gives_the_mode_the_umask_gives(tmp_path, mask, mode):
    target = tmp_path / "out.ttl"
    _umask_run(mask, f"from caregraph.files import atomic_write; atomic_write({str(target)!r}, b'x')")
    assert target.stat().st_mode & 0o777 == mode


def test_writing_onto_a_symbolic_link_writes_through_it(tmp_path):
    real = tmp_path / "real.ttl"
    real.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    assert atomic_write(link, b"new") == real
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_an_empty_file_name_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="empty"):
        atomic_write("", b"x")


def test_the_next_write_sweeps_temporary_files_of_dead_writers_only(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    left_by_dead = tmp_path / f".out.ttl.{dead}-abcd{TEMPORARY_SUFFIX}"
    of_a_live_writer = tmp_path / f".other.ttl.{os.getppid()}-abcd{TEMPORARY_SUFFIX}"
    someone_elses = tmp_path / ".out.ttl.tmp"  # not caregraph's naming: never touched
    for path in (left_by_dead, of_a_live_writer, someone_elses):
        path.write_bytes(b"partial")
    atomic_write(tmp_path / "another.ttl", b"x")
    assert not left_by_dead.exists()
    assert of_a_live_writer.exists() and someone_elses.exists()


def test_a_pair_is_replaced_together_and_keeps_no_old_generation(tmp_path):
    writer = PairWriter(tmp_path)
    writer.write({"a.ttl": b"one-a", "a.nt": b"one-b"})
    writer.write({"a.ttl": b"two-a", "a.nt": b"two-b"})
    assert (tmp_path / "a.ttl").read_bytes() == b"two-a" and (tmp_path / "a.nt").read_bytes() == b"two-b"
    generations = [p for p in tmp_path.iterdir() if p.name.startswith(".caregraph-pair-")]
    assert len(generations) == 1
    assert (tmp_path / "a.ttl").stat().st_mode & 0o777 == 0o666 & ~_current_umask()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_pair_of_plain_files_is_taken_over(tmp_path):
    (tmp_path / "a.ttl").write_bytes(b"old-a")
    (tmp_path / "a.nt").write_bytes(b"old-b")
    PairWriter(tmp_path).write({"a.ttl": b"new-a", "a.nt": b"new-b"})
    assert (tmp_path / "a.ttl").is_symlink() and (tmp_path / "a.nt").read_bytes() == b"new-b"
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".caregraph-pair-")]) == 1


def test_a_generation_left_by_a_killed_writer_is_removed_by_the_next(tmp_path):
    PairWriter(tmp_path).write({"a.ttl": b"one"})
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    abandoned = tmp_path / f".caregraph-pair-{dead}-xyz"
    abandoned.mkdir()
    (abandoned / "a.ttl").write_bytes(b"half")
    PairWriter(tmp_path).write({"a.ttl": b"two"})
    assert not abandoned.exists() and (tmp_path / "a.ttl").read_bytes() == b"two"


def test_an_input_over_the_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.ttl"
    big.write_bytes(b"#" * 2048)
    with pytest.raises(InputError, match=r"big.ttl: 2,048 bytes is larger than the 1,024 bytes"):
        check_input(big, limit=1024)
    check_input(big, limit=4096)


@pytest.mark.parametrize("kind", ["loop", "dangling", "folder"])
def test_an_input_that_cannot_be_read_is_bad_input(tmp_path, kind):
    path = tmp_path / "record.ttl"
    if kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(path if kind == "loop" else tmp_path / "nowhere.ttl")
    with pytest.raises(InputError, match="record.ttl: "):
        check_input(path)
