"""Writing files so that a failure never leaves a half-written or clobbered file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, StorageError


def atomic_write(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    Readers see either the old file or the complete new one. With ``overwrite=False`` an existing file is never
    replaced (the rename is refused, not raced).
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise InputError(f"{target} already exists; caregraph does not overwrite an existing record")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temporary, target)
        else:
            # link() fails if the target appeared meanwhile, where rename() would silently replace it.
            os.link(temporary, target)
            os.unlink(temporary)
    except FileExistsError as error:
        os.unlink(temporary)
        raise InputError(f"{target} already exists; caregraph does not overwrite an existing record") from error
    except OSError as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from error
    return target
