"""Writing files so that a failure never leaves a half-written or clobbered file behind, and checking input files
before they are read.

A file is written to a temporary file beside it, named ``.NAME.PID-RANDOM.caregraph-tmp``, and renamed into
place. A process killed meanwhile leaves that temporary file behind; the next write to the same folder removes
the ones whose process is gone (or that are over an hour old). New files get the mode the umask gives (0644 under
umask 022), as any other program's would. A path that is a symbolic link is written through: the file it points
at is replaced and the link stays.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from .errors import InputError, StorageError

TEMPORARY_SUFFIX = ".caregraph-tmp"
_ABANDONED_SECONDS = 3600

MAX_INPUT_BYTES = 5 * 1024 * 1024
"""The largest record file ``validate`` and ``add`` read (5 MiB, about the size of the whole shipped data/
folder; one record is a few kilobytes). A larger file is refused with one line rather than validated for many
minutes with gigabytes of memory."""


def _shown(path: Path) -> str:
    return str(path) if str(path) else "''"


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """Where writing ``path`` lands: through a symbolic link to the file it names. An empty path or a folder is
    refused as bad input."""
    target = Path(path)
    if not str(path):
        raise InputError("the output file name is empty")
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise InputError(f"{_shown(target)} is a folder; give a file name")
    return target


def sweep(folder: Path) -> None:
    """Remove temporary files of caregraph's naming in ``folder`` that a killed process left behind."""
    try:
        leftovers = list(folder.glob(f".*{TEMPORARY_SUFFIX}"))
    except OSError:
        return
    now = time.time()
    for path in leftovers:
        pid_part = path.name[: -len(TEMPORARY_SUFFIX)].rsplit(".", 1)[-1].split("-", 1)[0]
        try:
            alive = pid_part.isdigit() and _alive(int(pid_part))
            if not alive or now - path.lstat().st_mtime > _ABANDONED_SECONDS:
                path.unlink()
        except OSError:
            pass  # another process swept it first, or it is not ours to remove


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temporary_beside(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target``, of caregraph's naming, opened for writing with the umask's mode."""
    while True:
        temporary = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
        try:
            return os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666
            ), temporary
        except FileExistsError:
            continue


def write_temporary(target: Path, data: bytes) -> Path:
    """``data`` written and synced to a temporary file beside ``target``; the caller renames it into place."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep(target.parent)
        handle, temporary = temporary_beside(target)
    except OSError as error:
        raise StorageError(f"cannot write {_shown(target)}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        _remove(temporary)
        raise StorageError(f"cannot write {_shown(target)}: {error.strerror or error}") from error
    return temporary


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def atomic_write(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    Readers see either the old file or the complete new one. With ``overwrite=False`` an existing file is never
    replaced (the rename is refused, not raced). Returns the path written (the link's target for a symbolic link).
    """
    target = resolve_target(path)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise InputError(f"{target} already exists; caregraph does not overwrite an existing record")
    temporary = write_temporary(target, data)
    try:
        if overwrite:
            os.replace(temporary, target)
        else:
            # link() fails if the target appeared meanwhile, where rename() would silently replace it.
            os.link(temporary, target)
            os.unlink(temporary)
    except FileExistsError as error:
        _remove(temporary)
        raise InputError(f"{target} already exists; caregraph does not overwrite an existing record") from error
    except OSError as error:
        _remove(temporary)
        raise StorageError(f"cannot write {_shown(target)}: {error.strerror or error}") from error
    return target


def check_input(path: str | os.PathLike[str], shown: str | None = None, *, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse, with one line of bad input, an input file that cannot be read (missing, a folder, a symbolic link
    loop) or is larger than ``limit`` — before anything parses it."""
    shown = shown or str(path)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except OSError as error:
        raise InputError(f"{shown}: cannot read: {error.strerror or error}") from None
    if not os.path.isfile(path):
        raise InputError(f"{shown}: is not a file")
    if stat.st_size > limit:
        raise InputError(_too_large(shown, stat.st_size, limit))


def _too_large(shown: str, size: int, limit: int) -> str:
    return (
        f"{shown}: {_amount(size)} is larger than the {_amount(limit)} caregraph reads as one input file; "
        "split it into smaller records"
    )


def _amount(size: int) -> str:
    return f"{size / 1048576:.1f} MiB" if size >= 1048576 else f"{size:,} bytes"


class PairWriter:
    """Files written together into one folder so that readers always see a complete set from one write.

    Each write puts every file into a new hidden generation folder, ``.caregraph-pair-PID-RANDOM``, then replaces
    one symbolic link, ``.caregraph-pair``, to point at it (a rename: atomic). The files the user sees,
    ``FOLDER/NAME``, are fixed links through ``.caregraph-pair``, so all of them change at the same instant;
    a process killed at any point leaves the previous complete set (and a generation folder the next write removes).
    A folder holding plain files from before is taken over without a moment where they disagree: its current files
    are first hard-linked into a generation of their own.
    """

    CURRENT = ".caregraph-pair"

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def write(self, files: dict[str, bytes]) -> list[Path]:
        import shutil

        folder = self.folder
        try:
            if folder.exists() and not folder.is_dir():
                raise InputError(f"{folder} is a file; give a folder to write into")
            folder.mkdir(parents=True, exist_ok=True)
            sweep(folder)
            self._remove_abandoned_generations()
            names = list(files)
            if any((folder / name).exists() and not self._is_ours(name) for name in names):
                self._adopt(names)
            generation = self._new_generation()
            for name in names:
                temporary = write_temporary(generation / name, files[name])
                os.replace(temporary, generation / name)
            previous = self._current_generation()
            self._point_at(generation)
            for name in names:
                if not self._is_ours(name):
                    self._link(folder / name, Path(self.CURRENT) / name)
            if previous is not None and previous != generation:
                shutil.rmtree(folder / previous, ignore_errors=True)
        except OSError as error:
            raise StorageError(f"cannot write into {folder}: {error.strerror or error}") from error
        return [folder / name for name in names]

    def _is_ours(self, name: str) -> bool:
        path = self.folder / name
        return path.is_symlink() and os.readlink(path) == os.path.join(self.CURRENT, name)

    def _new_generation(self) -> Path:
        import tempfile

        return Path(tempfile.mkdtemp(dir=self.folder, prefix=f"{self.CURRENT}-{os.getpid()}-"))

    def _current_generation(self) -> str | None:
        try:
            return os.readlink(self.folder / self.CURRENT)
        except OSError:
            return None

    def _point_at(self, generation: Path) -> None:
        # Generations are made with mkdtemp's mode 0700; the files inside keep the umask's, so the folder is opened
        # to what the umask allows, as a folder made by mkdir would be.
        mask = _umask()
        os.chmod(generation, 0o777 & ~mask)
        self._link(self.folder / self.CURRENT, Path(generation.name))

    @staticmethod
    def _link(path: Path, points_to: Path) -> None:
        """Make ``path`` a symbolic link to ``points_to``, replacing whatever is there in one rename."""
        while True:
            temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
            try:
                os.symlink(points_to, temporary)
                break
            except FileExistsError:
                continue
        os.replace(temporary, path)

    def _adopt(self, names: list[str]) -> None:
        """Turn plain files left by an earlier write into links through a generation holding the same files."""
        generation = self._new_generation()
        for name in names:
            existing = self.folder / name
            if existing.exists() and not self._is_ours(name):
                os.link(os.path.realpath(existing), generation / name)
        self._point_at(generation)
        for name in names:
            if (generation / name).exists() and not self._is_ours(name):
                self._link(self.folder / name, Path(self.CURRENT) / name)

    def _remove_abandoned_generations(self) -> None:
        import shutil

        current, now = self._current_generation(), time.time()
        for generation in self.folder.glob(self.CURRENT + "-*"):
            pid = generation.name[len(self.CURRENT) + 1 :].split("-", 1)[0]
            try:
                if generation.name == current or not generation.is_dir():
                    continue
                if not (pid.isdigit() and _alive(int(pid))) or now - generation.stat().st_mtime > _ABANDONED_SECONDS:
                    shutil.rmtree(generation, ignore_errors=True)
            except OSError:
                pass


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would set it, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
