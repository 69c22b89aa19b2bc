"""Writing files so that a failure never leaves half of one behind.

``atomic_write(path)`` yields a text file that is written beside ``path`` under a
temporary name, flushed to disk, and renamed over ``path`` only when the block finishes;
if anything raises (an error, Ctrl-C), the temporary file is removed and the old ``path``,
if any, is untouched. When ``path`` is a symbolic link, the file it points to is the one
replaced (the link stays a link, as an editor saving through it would leave it). Used by
``nbteach.save``, the benchmark's ``--json`` and the notebook runner.

``check_writable(path)`` says, before any work, why ``path`` could not be written: a
missing folder, a folder where the file should be, no permission. Each caller runs it
first, so a long computation never ends in a failed write.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager

__all__ = ["atomic_write", "check_writable"]


def _file_mode(path):
    """The mode a new file would get (0o666 less the umask), or the existing file's mode."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_writable(path, what="file"):
    """Return ``path`` with symbolic links followed, or raise an error naming the problem.

    ``what`` names the file in the message ("--json file", "notebook").
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"the {what} must be a path such as 'results.json'; "
                        f"got {type(path).__name__}")
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise IsADirectoryError(f"cannot write the {what} {os.fspath(path)}: it is a folder; "
                                "give a file name inside it")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"cannot write the {what} {os.fspath(path)}: {folder} is a "
                                 "file, not a folder")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write the {what} {os.fspath(path)}: the folder "
                                f"{folder} does not exist; create it first or choose another")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write the {what} {os.fspath(path)}: no permission to "
                              f"write in the folder {folder}")
    return target


@contextmanager
def atomic_write(path, *, suffix=".tmp"):
    """Context manager: ``with atomic_write(p) as f: f.write(text)`` replaces ``p`` whole."""
    target = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=".nbteach-", suffix=suffix, dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(target))        # mkstemp makes 0o600 files
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
