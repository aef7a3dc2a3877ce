"""Writing outputs so that a reader never sees half a file and nothing is overwritten by accident."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError

__all__ = ["write_atomic"]

_UMASK = os.umask(0o022)  # read the process umask (the only way is to set it) and put it back
os.umask(_UMASK)


def write_atomic(path: str | Path, data: str | bytes, overwrite: bool = True) -> Path:
    """Write to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    if not overwrite and path.exists():
        raise InputError(f"{path} exists; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(payload)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs get the usual mode
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path
