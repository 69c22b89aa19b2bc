"""Writing files so that a failure never leaves half of one behind.

``atomic_write(path)`` yields a text file that is written beside ``path`` under a
temporary name, flushed to disk, and renamed over ``path`` only when the block finishes;
if anything raises (an error, Ctrl-C), the temporary file is removed and the old ``path``,
if any, is untouched. Used by ``nbteach.save``, the benchmark's ``--json`` and the notebook
runner.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager

__all__ = ["atomic_write"]


def _file_mode(path):
    """The mode a new file would get (0o666 less the umask), or the existing file's mode."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_write(path, *, suffix=".tmp"):
    """Context manager: ``with atomic_write(p) as f: f.write(text)`` replaces ``p`` whole."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".nbteach-", suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))          # mkstemp makes 0o600 files
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
