"""Calling code that might never return, under a time limit: ``call_with_time_limit``.

nbteach calls code it did not write and cannot trust to finish: the exercise checkers call
the learner's function (a ``while`` loop whose condition never turns false is an easy
mistake), and ``load_mnist`` waits on a mirror that may send one byte every few seconds.
``call_with_time_limit(seconds, fn, *args)`` returns what ``fn`` returns, re-raises what it
raises, and raises ``TimeLimitExceeded`` once ``seconds`` have passed.

How, and the limits of each way:

* In the main thread on Linux and macOS (where a Jupyter kernel runs each cell),
  ``signal.setitimer`` arms a timer whose SIGALRM handler raises ``TimeLimitExceeded``
  right where ``fn`` is: Python runs the handler between two bytecodes, so a
  ``while True:`` loop stops within milliseconds, and a blocking socket read is cut short
  too. ``fn`` runs in the caller's thread, exactly as it would without a limit. Limit: one
  long call into C (a single enormous matrix product) is stopped only when it returns.
* Elsewhere (Windows, or a caller that is not the main thread) there is no SIGALRM. ``fn``
  runs in a helper thread; the caller waits for it, and at the deadline raises
  ``TimeLimitExceeded`` at once and asks Python to raise it in the helper thread too
  (``PyThreadState_SetAsyncExc``), which stops ``fn`` at its next bytecode. Limit: until
  then the helper thread keeps running in the background.

``TimeLimitExceeded`` derives from ``BaseException``, as ``KeyboardInterrupt`` does, so an
``except Exception:`` in the code under the limit does not swallow it; if a bare ``except:``
swallows it anyway, the timer fires again every ``REPEAT`` seconds until it gets through.
Code that swallows every one of them cannot be stopped (nor can Ctrl-C stop it); when it
ends by itself, the call still raises ``TimeLimitExceeded``: its result came too late.
Interrupting the kernel (Ctrl-C, the stop button) still works in both ways: the
``KeyboardInterrupt`` reaches the caller, not a verdict. A limit set while another is
running (nested calls) holds; the outer one resumes when the inner call ends.
"""
from __future__ import annotations

import ctypes
import signal
import threading
import time

__all__ = ["TimeLimitExceeded", "call_with_time_limit", "REPEAT"]

REPEAT = 0.1           # seconds between repeated alarms, for code that swallows the first


class TimeLimitExceeded(BaseException):
    """Raised when code run by ``call_with_time_limit`` did not finish in time."""

    def __init__(self, seconds=None):
        super().__init__("did not finish in time" if seconds is None
                         else f"did not finish within {seconds:g} s")
        self.seconds = seconds


def call_with_time_limit(seconds, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, stopped with ``TimeLimitExceeded`` after ``seconds``.

    ``seconds`` must be a positive number; ``None`` means no limit.
    """
    if seconds is None:
        return fn(*args, **kwargs)
    if not seconds > 0:
        raise ValueError(f"a time limit must be a positive number of seconds; got {seconds}")
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(seconds, fn, args, kwargs)
    return _in_helper_thread(seconds, fn, args, kwargs)


def _with_alarm(seconds, fn, args, kwargs):
    active, fired = [True], [False]

    def on_alarm(signum, frame):
        if active[0]:
            fired[0] = True
            raise TimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer_left, _ = signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    start = time.monotonic()
    try:
        result = fn(*args, **kwargs)
        active[0] = False
        if fired[0]:                             # every alarm was swallowed: too late
            raise TimeLimitExceeded(seconds)
        return result
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if outer_left > 0:                       # an enclosing limit: let it run on
            left = outer_left - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), REPEAT)


def _in_helper_thread(seconds, fn, args, kwargs):
    outcome = {}

    def target():
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    helper = threading.Thread(target=target, name="nbteach-time-limit", daemon=True)
    deadline = time.monotonic() + seconds
    helper.start()
    try:
        while helper.is_alive():
            left = deadline - time.monotonic()
            if left <= 0:
                _raise_in(helper, TimeLimitExceeded)
                raise TimeLimitExceeded(seconds)
            helper.join(min(left, 0.1))          # short waits: Ctrl-C gets through
    except KeyboardInterrupt:
        _raise_in(helper, KeyboardInterrupt)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _raise_in(thread, exc_type):
    """Ask Python to raise ``exc_type`` in ``thread`` at its next bytecode (CPython only)."""
    try:
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except AttributeError:                       # not CPython: the thread runs on
        return
    set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type))
