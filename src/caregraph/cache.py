"""The on-disk cache of the graph: stores keyed on the contents of the files they were built from, checked on open.

An entry is a folder of the cache root (``CAREGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/caregraph``) holding a
RocksDB ``store/`` and a stamp, ``complete``, written last. The stamp records, for every Turtle file the graph was
built from and for every file of the store, its size, modification and change times and a digest of its contents.
An entry is used only when every one of those files still has the contents it records:

- when a file's size and both times are as recorded, its contents are taken as unchanged. The change time
  (``ctime``) is set by the kernel on every write and cannot be set back (``touch -r`` restores only the
  modification time), so this fast check costs one ``stat`` per file and no reading;
- otherwise (the file was touched, checked out again, or the cache copied) its contents are read and compared
  with the digest; equal contents keep the entry and refresh the stamp, different contents rebuild.

So an edit that keeps the size and the modification time is still seen, and a damaged store (bytes overwritten,
a file truncated, deleted or replaced) is found before RocksDB opens it: damage that makes RocksDB allocate
without bound is never read. An entry that fails anyway is discarded and rebuilt with one line on stderr.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

from . import __version__
from .errors import InputError

STAMP = "complete"
_STAMP_FORMAT = "caregraph-cache 2"
_GENERATIONS_KEPT = 3
# A staging folder this old was left by a process that died while writing; a live one is minutes old at most.
_ABANDONED_SECONDS = 3600


def cache_root() -> Path:
    explicit = os.environ.get("CAREGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "caregraph"


def notice(message: str) -> None:
    """One line on stderr about the cache; never fails the command it serves."""
    try:
        print(f"caregraph: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def digest(path: Path) -> str:
    """A digest of a file's contents (BLAKE2b, 128 bits), read in blocks. hashlib is imported here, not at the
    top: a warm query never reads contents, and importing hashlib loads OpenSSL (bench/README.md)."""
    import hashlib

    hasher = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            hasher.update(block)
    return hasher.hexdigest()


def _stat(path: Path, shown: str) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file (a dangling symbolic link?)") from None
    except OSError as error:
        raise InputError(f"{shown}: cannot read: {error.strerror or error}") from None


class _FileRecord:
    """One line of a stamp: a file's name, size, times and content digest."""

    __slots__ = ("name", "size", "mtime", "ctime", "digest")

    def __init__(self, name: str, size: int, mtime: int, ctime: int, content: str) -> None:
        self.name, self.size, self.mtime, self.ctime, self.digest = name, size, mtime, ctime, content

    @classmethod
    def of(cls, path: Path, name: str, stat: os.stat_result, content: str) -> _FileRecord:
        return cls(name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, content)

    def line(self, kind: str) -> str:
        return f"{kind}\t{self.name}\t{self.size}\t{self.mtime}\t{self.ctime}\t{self.digest}"

    def same_times(self, stat: os.stat_result) -> bool:
        return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns) == (self.size, self.mtime, self.ctime)


class Stamp:
    """What an entry was built from (``sources``) and what it holds (``store``), as written in its stamp."""

    def __init__(self, sources: list[_FileRecord], store: list[_FileRecord]) -> None:
        self.sources, self.store = sources, store

    def text(self) -> str:
        lines = [f"{_STAMP_FORMAT} {__version__}"]
        lines += [r.line("source") for r in self.sources] + [r.line("store") for r in self.store]
        return "\n".join(lines) + "\n"

    @classmethod
    def read(cls, entry: Path) -> Stamp | None:
        """The entry's stamp, or None when it is missing, unreadable, of another version or malformed."""
        try:
            lines = (entry / STAMP).read_text(encoding="utf-8").splitlines()
            if not lines or lines[0] != f"{_STAMP_FORMAT} {__version__}":
                return None
            stamp = cls([], [])
            for line in lines[1:]:
                kind, name, size, mtime, ctime, content = line.split("\t")
                record = _FileRecord(name, int(size), int(mtime), int(ctime), content)
                {"source": stamp.sources, "store": stamp.store}[kind].append(record)
            return stamp
        except (OSError, UnicodeDecodeError, ValueError, KeyError):
            return None


class Sources:
    """The Turtle files a graph is built from, stat'ed once; their digests are read only when asked for."""

    def __init__(self, files: list[Path], shown: list[str]) -> None:
        self.files = files
        self.stats = [_stat(path, name) for path, name in zip(files, shown, strict=True)]
        self._digests: dict[int, str] = {}

    def digest(self, index: int) -> str:
        if index not in self._digests:
            try:
                self._digests[index] = digest(self.files[index])
            except OSError as error:
                raise InputError(f"{self.files[index]}: cannot read: {error.strerror or error}") from None
        return self._digests[index]

    def matches(self, records: list[_FileRecord]) -> tuple[bool, bool]:
        """(whether the records describe these files' contents, whether only their contents did: times differ)."""
        if [r.name for r in records] != [str(f) for f in self.files]:
            return False, False
        touched = False
        for index, (record, stat) in enumerate(zip(records, self.stats, strict=True)):
            if record.same_times(stat):
                continue
            if record.size != stat.st_size or record.digest != self.digest(index):
                return False, False
            touched = True
        return True, touched

    def records(self) -> list[_FileRecord]:
        return [
            _FileRecord.of(path, str(path), stat, self.digest(i))
            for i, (path, stat) in enumerate(zip(self.files, self.stats, strict=True))
        ]

    def entry_name(self) -> str:
        """The folder name of the entry for these contents: a checksum of caregraph's version and each file's
        name, size and digest. The stamp inside is what is compared, so a collision costs a rebuild."""
        key = "\0".join([__version__, *(f"{r.name}\0{r.size}\0{r.digest}" for r in self.records())]).encode()
        return f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


def _store_records(store: Path) -> list[_FileRecord]:
    return [
        _FileRecord.of(path, path.name, path.stat(), digest(path)) for path in sorted(store.iterdir()) if path.is_file()
    ]


def store_damage(entry: Path, records: list[_FileRecord], *, read_all: bool = False) -> tuple[str | None, bool]:
    """(what is wrong with the entry's store, or None; whether its files were touched without being changed).
    ``read_all`` compares every file's contents with its digest, whatever its times say."""
    store = entry / "store"
    try:
        present = sorted(p.name for p in store.iterdir())
    except OSError as error:
        return f"cannot list its store: {error.strerror or error}", False
    expected = sorted(r.name for r in records)
    if present != expected:
        missing = sorted(set(expected) - set(present))
        return (
            f"file {missing[0]} is missing" if missing else f"unexpected file {sorted(set(present) - set(expected))[0]}"
        ), False
    touched = False
    for record in records:
        path = store / record.name
        try:
            stat = path.stat()
            if record.same_times(stat) and not read_all:
                continue
            if stat.st_size != record.size:
                return f"file {record.name} has changed size", False
            if digest(path) != record.digest:
                return f"file {record.name} has changed", False
        except OSError as error:
            return f"cannot read file {record.name}: {error.strerror or error}", False
        touched = True
    return None, touched


def entries(root: Path) -> list[Path]:
    """The complete-looking entries of the cache, most recently used first."""
    try:
        found = [p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir()]
    except OSError:
        return []

    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=used, reverse=True)


def find(sources: Sources, root: Path) -> Path | None:
    """The entry built from files with the contents of ``sources``, its store checked; damaged ones are
    discarded (with one line); None when there is none to use."""
    for entry in entries(root):
        stamp = Stamp.read(entry)
        if stamp is None:
            continue
        same, touched = sources.matches(stamp.sources)
        if not same:
            continue
        damage, store_touched = store_damage(entry, stamp.store)
        if damage:
            discard(entry, damage)
            return None
        if touched or store_touched:
            _refresh(entry, sources, stamp)
        return entry
    return None


def verified(entry: Path) -> str | None:
    """What is wrong with an entry whose store failed while being read, every file's contents compared with its
    digest; None when it is intact (the failure was the query's own)."""
    stamp = Stamp.read(entry)
    if stamp is None:
        return "its stamp cannot be read"
    return store_damage(entry, stamp.store, read_all=True)[0]


def _refresh(entry: Path, sources: Sources, stamp: Stamp) -> None:
    """Record the current times of files whose contents were found unchanged, so the next load need not read
    them; best effort."""
    from .files import atomic_write

    fresh = Stamp(
        sources.records(),
        [
            _FileRecord.of(entry / "store" / r.name, r.name, (entry / "store" / r.name).stat(), r.digest)
            for r in stamp.store
        ],
    )
    try:
        atomic_write(entry / STAMP, fresh.text().encode())
    except Exception:  # noqa: BLE001 — a cache that cannot be refreshed is only read again next time
        pass


def discard(entry: Path, reason: str) -> None:
    """Remove a damaged entry (renamed away first, so no other process opens it meanwhile), with one line."""
    import shutil
    import tempfile

    notice(f"the cached graph {entry} is damaged ({reason}); discarded it and rebuilding from the Turtle files")
    try:
        doomed = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".discarded-"))
        entry.rename(doomed / "entry")
    except OSError:
        doomed = entry
    shutil.rmtree(doomed, ignore_errors=True)


def write(store, sources: Sources, root: Path) -> Path | None:
    """Write ``store`` as the entry for ``sources``; returns it, or None when the cache cannot be written."""
    import shutil
    import tempfile
    import time

    import pyoxigraph as ox

    try:
        location = root / sources.entry_name()
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
        disk = ox.Store(str(staging / "store"))
        disk.bulk_extend(store)
        disk.flush()
        del disk  # closes the database before its files are stamped and moved
        stamp = Stamp(sources.records(), _store_records(staging / "store"))
        (staging / STAMP).write_text(stamp.text(), encoding="utf-8")
        if location.exists():  # an entry for these contents that did not pass its checks
            shutil.rmtree(location, ignore_errors=True)
        try:
            staging.rename(location)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process cached the same graph first
        for stale in entries(root)[_GENERATIONS_KEPT:]:
            shutil.rmtree(stale, ignore_errors=True)
        now = time.time()
        for abandoned in [*root.glob(".building-*"), *root.glob(".discarded-*")]:
            try:
                if now - abandoned.stat().st_mtime > _ABANDONED_SECONDS:
                    shutil.rmtree(abandoned, ignore_errors=True)
            except OSError:
                pass
        return location if Stamp.read(location) is not None else None
    except OSError:
        return None  # the cache is an optimisation; without it every load parses the files again
