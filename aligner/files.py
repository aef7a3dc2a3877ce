"""Writing outputs: a reader never sees half a file, a command's outputs appear together or not at all,
and an input is never written over.

The overwrite policy, the same for every command: outputs replace files of the same name, but only once
the whole command has succeeded. A failed, interrupted or killed command leaves the previous outputs as
they were. Staged files are hidden (`.NAME.PID.*.tmp`) beside their targets; if a kill leaves one behind,
the next write to that target removes it.
"""
from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError

__all__ = ["Outputs", "write_atomic", "ensure_writable", "file_sha256"]

log = logging.getLogger(__name__)

_UMASK = os.umask(0o022)  # read the process umask (the only way is to set it) and put it back
os.umask(_UMASK)


def file_sha256(path: str | Path):
    """A SHA-256 hash fed with the file's bytes, read a megabyte at a time (OSError if it cannot be read)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _nearest_existing(folder: Path) -> Path:
    folder = folder.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _is_input(path: Path, inputs: Iterable[str | Path]) -> bool:
    return path.exists() and any(Path(p).exists() and path.samefile(p) for p in inputs if p is not None)


def _refuse_input_or_folder(path: Path, inputs: Iterable[str | Path]) -> None:
    if _is_input(path, inputs):
        raise OutputError(f"refusing to write {path}: it is an input of this command")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")


def ensure_writable(path: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """OutputError now, before any long work, if `path` could not be written later: it is an input or a
    folder, a file stands where a folder must be, or the folder that would hold it cannot be written (tried
    for real, so it holds for root, read-only mounts and /proc alike). Creates nothing that stays."""
    path = Path(path)
    _refuse_input_or_folder(path, inputs)
    existing = _nearest_existing(path.parent)
    if not existing.is_dir():
        raise OutputError(f"cannot write {path}: {existing} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".aligner-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {_reason(error)} ({existing})") from error


def _remove_stale(path: Path) -> None:
    """Staged files for `path` left by a process that no longer runs (a kill -9)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.[^.]+\.tmp")
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        match = pattern.fullmatch(leftover.name)
        if match and not _alive(int(match.group(1))):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class Outputs:
    """A command's outputs, staged as they are made and put in place together.

        with Outputs(inputs=[audio, text]) as outputs:
            outputs.add(folder / "captions.vtt", vtt)
            outputs.add(folder / "captions.srt", srt)

    Leaving the block normally renames every staged file into place; leaving it by an exception (Ctrl-C
    included) removes them, and folders made for them, so nothing existing is touched.
    """

    def __init__(self, inputs: Iterable[str | Path] = ()) -> None:
        self._inputs = list(inputs)
        self._staged: dict[Path, str] = {}
        self._made: list[Path] = []  # folders created for the outputs, deepest last

    def __enter__(self) -> Outputs:
        return self

    def add(self, path: str | Path, data: str | bytes) -> Path:
        """Write `data` to a hidden file beside `path`; it takes `path`'s place when the block ends."""
        path = Path(path)
        _refuse_input_or_folder(path, self._inputs)
        if path in self._staged:
            raise OutputError(f"{path} would be written twice by this command")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            self._make_folder(path.parent)
            _remove_stale(path)
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                                 dir=path.parent)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {_reason(error)}") from error
        self._staged[path] = temporary
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(payload)
            os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs get the usual mode
        except OSError as error:
            raise OutputError(f"cannot write {path}: {_reason(error)}") from error
        return path

    def _make_folder(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(20, "a file stands where a folder must be", str(folder))
        for made in reversed(missing):
            made.mkdir()
            self._made.append(made)

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> None:
        try:
            for path, temporary in list(self._staged.items()):
                os.replace(temporary, path)
                del self._staged[path]
        except OSError as error:
            self.discard()
            raise OutputError(f"cannot write {path}: {_reason(error)}") from error
        self._made.clear()

    def discard(self) -> None:
        for temporary in self._staged.values():
            try:
                os.unlink(temporary)
            except OSError as error:
                log.debug("could not remove %s: %s", temporary, error)
        self._staged.clear()
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: something else was put there meanwhile
        self._made.clear()


def write_atomic(path: str | Path, data: str | bytes, inputs: Iterable[str | Path] = ()) -> Path:
    """One output: a complete new file in place of the old one, or OutputError and the old file kept."""
    with Outputs(inputs) as outputs:
        return outputs.add(path, data)
