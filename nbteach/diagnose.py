"""How the exercise checkers judge a learner's answer: run it safely, compare, name the mistake.

``nbteach.exercises`` holds the checkers and the reference answers; this module holds what
they share: the verdict (``CheckResult``, made by ``run`` from whatever a check raised),
calling the learner's function so that whatever it raises becomes a verdict rather than a
traceback, and a function that never returns is stopped after ``TIME_LIMIT`` seconds with a
verdict that says so (``call``; ``nbteach.timelimit`` says how, and its limits), and
comparing arrays layer by layer so that a wrong
answer is described by its layer, shapes and largest differing entry, with a hint when it
looks like a typical mistake: a missing σ'(z) factor, a transpose, a mean where a sum was
wanted, an off-by-one layer, a flipped sign (``compare``, ``compare_gradients``).
"""
from __future__ import annotations

import html
import linecache
from dataclasses import dataclass

import numpy as np

from .timelimit import TimeLimitExceeded, call_with_time_limit

__all__ = ["CheckResult", "run", "checked_fn", "RTOL", "ATOL", "NotAttempted", "Raised",
           "Wrong", "TimedOut", "call", "compare", "compare_gradients", "as_list", "pair",
           "candidates", "fmt", "NO_PRIME_BP1", "NO_PRIME_BP2", "TIME_LIMIT"]

RTOL, ATOL = 1e-7, 1e-10    # for comparisons with an exact reference
TIME_LIMIT = 10.0           # seconds one call of the learner's function may take; the
                            # reference answers take milliseconds


# ---- the learner's code raising, or a wrong answer ------------------------------------

class NotAttempted(Exception):
    pass


class _Verdict(Exception):
    """A finished check that did not pass: its message and the hint for the learner."""

    def __init__(self, message, hint=""):
        super().__init__(message)
        self.message, self.hint = message, hint


class Raised(_Verdict):
    """The learner's function raised an exception."""


class Wrong(_Verdict):
    """The learner's function returned a wrong answer."""


class TimedOut(_Verdict):
    """The learner's function did not return within ``TIME_LIMIT`` seconds."""


# ---- the verdict ----------------------------------------------------------------------

_STYLE = {  # status -> (symbol, headline, colour as a JupyterLab theme variable)
    "passed": ("✔", "passed", "var(--jp-success-color1, #388e3c)"),
    "failed": ("✘", "not yet right", "var(--jp-error-color1, #d32f2f)"),
    "error": ("✘", "your function raised an exception", "var(--jp-error-color1, #d32f2f)"),
    "timed out": ("✘", "your function did not finish in time", "var(--jp-error-color1, #d32f2f)"),
    "not attempted": ("○", "not attempted yet", "var(--jp-border-color1, #9e9e9e)"),
}


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one checker.

    ``status`` is "passed", "failed", "error" (the function raised), "timed out" (it did
    not return within ``TIME_LIMIT`` seconds) or "not attempted" (it raised
    ``NotImplementedError``). ``message`` explains; ``hint`` is the guess at the
    mistake, if any (also part of ``message``). ``timing`` is a line about speed, or "".
    """

    exercise: str
    status: str
    message: str
    hint: str = ""
    timing: str = ""

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    @property
    def headline(self):
        symbol, words, _ = _STYLE[self.status]
        return f"{symbol} {self.exercise}: {words}"

    def text(self):
        return "\n".join([self.headline] + ["  " + line for line in self.message.splitlines()])

    __str__ = text

    def __repr__(self):
        return self.text()

    def _repr_html_(self):
        _, _, colour = _STYLE[self.status]
        lines = "".join(
            f"<div style='margin-top:0.3em'>{'<i>' if ln.startswith('Hint:') else ''}"
            f"{html.escape(ln)}{'</i>' if ln.startswith('Hint:') else ''}</div>"
            for ln in self.message.splitlines())
        return (f"<div class='nbteach-check nbteach-check-{self.status.replace(' ', '-')}' "
                f"style='border-left:4px solid {colour};padding:0.4em 0.8em;"
                f"color:var(--jp-ui-font-color1, inherit);"
                f"background:var(--jp-layout-color2, transparent)'>"
                f"<b style='color:{colour}'>{html.escape(self.headline)}</b>{lines}</div>")


def run(exercise, body):
    """Run one check; every outcome becomes a CheckResult."""
    try:
        message = body()
    except NotAttempted:
        return CheckResult(exercise, "not attempted",
                           "Your function still raises NotImplementedError.\nReplace that line "
                           "with your code, run its cell, then run this check again.")
    except Raised as exc:
        return CheckResult(exercise, "error", _join(exc.message, exc.hint), exc.hint)
    except Wrong as exc:
        return CheckResult(exercise, "failed", _join(exc.message, exc.hint), exc.hint)
    except TimedOut as exc:
        return CheckResult(exercise, "timed out", _join(exc.message, exc.hint), exc.hint)
    if isinstance(message, tuple):
        return CheckResult(exercise, "passed", _join(*message), timing=message[1])
    return CheckResult(exercise, "passed", message)


def _join(*parts):
    return "\n".join(p for p in parts if p)


def checked_fn(fn, name):
    """A TypeError unless the learner passed a function."""
    if not callable(fn):
        raise TypeError(f"{name} expects your function, e.g. {name}(my_function); "
                        f"got {fn!r} ({type(fn).__name__})")


def call(fn, *args, shape_hint=""):
    """Call the learner's function; turn what it raises into NotAttempted / Raised, and a
    call that takes longer than ``TIME_LIMIT`` seconds into TimedOut.

    ``shape_hint`` is added to the hint when the exception is about shapes. Interrupting
    the kernel is not a verdict: the ``KeyboardInterrupt`` goes on to the caller.
    """
    try:
        return call_with_time_limit(TIME_LIMIT, fn, *args)
    except TimeLimitExceeded:
        raise TimedOut(
            f"Your function did not return within {TIME_LIMIT:g} s, so it was stopped. The "
            "reference answer takes a few milliseconds.",
            "Hint: look for a loop that never ends: a `while` whose condition never becomes "
            "false, or a loop over a list that grows as it goes.") from None
    except NotImplementedError:
        raise NotAttempted() from None
    except Exception as exc:  # the learner's code, whatever it raised
        where = _learner_line(fn, exc)
        msg = f"{type(exc).__name__}: {exc}" + (f"\nat the line: {where}" if where else "")
        hint = ""
        if any(w in str(exc) for w in ("matmul", "shapes", "broadcast", "aligned")):
            hint = ("Hint: two arrays on that line have shapes that do not fit; print their "
                    "shapes. w^l is (n_l, n_{l-1}), δ^l and z^l are (n_l, 1) for one example." + shape_hint)
        raise Raised(msg, hint) from None


def _learner_line(fn, exc):
    """The source line of the learner's function where the exception came from, or ""."""
    code = getattr(fn, "__code__", None)
    tb, line = exc.__traceback__, ""
    while tb is not None:
        if code is not None and tb.tb_frame.f_code.co_filename == code.co_filename:
            line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno).strip()
        tb = tb.tb_next
    return line


# ---- comparing the learner's answer with the reference --------------------------------

def fmt(v):
    return f"{float(v):.5g}"


def as_list(value, name, n, what):
    """The learner's list of n arrays, as float arrays; Wrong if it is not one."""
    if value is None:
        raise Wrong(f"{name}: your function returned None.",
                     "Hint: did you forget the `return` line?")
    if isinstance(value, np.ndarray):
        raise Wrong(f"{name}: expected a list of {n} arrays ({what}); got one array of "
                     f"shape {value.shape}.")
    if not isinstance(value, (list, tuple)):
        raise Wrong(f"{name}: expected a list of {n} arrays ({what}); got "
                     f"{type(value).__name__}.")
    if len(value) != n:
        hint = ""
        if len(value) == n + 1:
            hint = ("Hint: one too many: the input layer l = 1 has no δ, weights or biases; "
                    f"the list runs over l = 2..{n + 1}.")
        elif len(value) == n - 1:
            hint = ("Hint: one layer is missing: check that the loop reaches both the output "
                    f"layer l = {n + 1} and the first hidden layer l = 2.")
        raise Wrong(f"{name}: expected a list of {n} arrays ({what}); got {len(value)}.", hint)
    arrays = []
    for i, a in enumerate(value):
        where = f"{name}[{i}] (layer l = {i + 2})"
        try:
            arr = np.asarray(a)
        except Exception:  # ragged lists, or whatever the learner's object does
            raise Wrong(f"{where}: expected a numeric array; got {type(a).__name__} that "
                        "makes no array.") from None
        if np.iscomplexobj(arr):
            raise Wrong(f"{where}: expected real numbers; got complex values.",
                        "Hint: every quantity in backprop is real; a `1j` or np.sqrt of a "
                        "complex number crept in.")
        if arr.dtype == bool or arr.dtype.kind not in "iuf":
            raise Wrong(f"{where}: expected a numeric array; got {type(a).__name__}"
                        + (f" of dtype {arr.dtype}." if isinstance(a, np.ndarray) or arr.ndim
                           else "."))
        arrays.append(arr.astype(np.float64))
    return arrays


def _close(a, b, rtol, atol):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def compare(name, actual, expected, *, rtol=RTOL, atol=ATOL, m=1, candidates=()):
    """Compare two lists of arrays layer by layer; raise Wrong describing the first mismatch.

    ``candidates``: (list of arrays, hint) pairs: what a typical mistake would give.
    Layers are searched from the output end, where backprop starts and errors begin.
    """
    for i in reversed(range(len(expected))):
        a, e, l = actual[i], expected[i], i + 2
        if _close(a, e, rtol, atol):
            continue
        where = f"{name} at layer l = {l} ({name}[{i}])"
        if a.shape != e.shape:
            msg = f"{where}: expected shape {e.shape}, got {a.shape}."
        elif not np.isfinite(a).all():
            msg = f"{where} contains NaN or infinity."
        else:
            idx = np.unravel_index(np.argmax(np.abs(a - e)), e.shape)
            msg = (f"{where}: shapes agree {e.shape}, values do not. Largest difference at "
                   f"{list(map(int, idx))}: expected {fmt(e[idx])}, got {fmt(a[idx])}.")
        raise Wrong(msg, _hint(actual, expected, i, rtol, atol, m, candidates))


def _hint(actual, expected, i, rtol, atol, m, candidates):
    """A guess at the mistake behind ``actual[i] != expected[i]``, or ""."""
    a, e = actual[i], expected[i]
    for values, hint in candidates:          # a mistake that explains every layer first
        if all(_close(x, v, rtol, atol) for x, v in zip(actual, values)):
            return "Hint: " + hint
    for values, hint in candidates:          # then one that explains this layer
        if _close(a, values[i], rtol, atol) and not _close(e, values[i], rtol, atol):
            return "Hint: " + hint
    if a.ndim == 1 and a.size == e.size:
        return "Hint: that is a 1-D array; keep columns, e.g. v.reshape(-1, 1)."
    if a.shape == e.shape[::-1] and a.shape != e.shape or (
            a.shape == e.shape and a.ndim == 2 and _close(a.T, e, rtol, atol)):
        exact = " It is exactly the expected array transposed." if _close(a.T, e, rtol, atol) else ""
        return ("Hint: transposed." + exact + " nabla_w^l = δ^l (a^{l-1})^T has one row per "
                "neuron of layer l and one column per neuron of layer l - 1, like w^l; and "
                "BP2 carries δ^{l+1} back with (w^{l+1})^T.")
    for k, other in enumerate(expected):
        if k != i and _close(a, other, rtol, atol):
            return (f"Hint: off by one layer: this is the value of layer l = {k + 2}. "
                    "Index i of each list belongs to layer l = i + 2; "
                    "activations[i] is a^{i+1}, so a^{l-1} is activations[l - 2].")
    if m > 1 and e.shape[1:] == (1,) and a.shape == (e.shape[0], m):
        return ("Hint: one column per example: sum δ over the mini-batch, "
                "delta.sum(axis=1, keepdims=True).")
    for k, other in enumerate(expected):
        if k != i and a.shape == other.shape and a.shape != e.shape:
            return (f"Hint: that is the shape layer l = {k + 2} should have: an off-by-one "
                    "layer? Index i of each list belongs to layer l = i + 2.")
    if a.shape == e.shape and np.isfinite(a).all() and np.any(e):
        c = float(np.sum(a * e) / np.sum(e * e))         # best constant factor a ≈ c e
        if np.allclose(a, c * e, rtol=1e-6, atol=atol):
            if m > 1 and np.isclose(c, 1.0 / m, rtol=1e-6):
                return (f"Hint: every entry is 1/m = 1/{m} of the expected one: this is the "
                        "mean over the mini-batch; the sum is wanted, as "
                        "Network.backprop_batch returns (update_mini_batch divides by m).")
            if np.isclose(c, -1.0, rtol=1e-6):
                return ("Hint: every sign is flipped. The quadratic cost's gradient is "
                        "∇_a C = a^L - y, not y - a^L.")
            return f"Hint: every entry is {c:.4g} times the expected one: a constant factor."
    return ""


def pair(value):
    """The learner's (nabla_b, nabla_w)."""
    if value is None:
        raise Wrong("Your function returned None.", "Hint: did you forget the `return` line?")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        got = type(value).__name__ + (f" of length {len(value)}"
                                      if isinstance(value, (tuple, list)) else "")
        raise Wrong(f"Expected a pair (nabla_b, nabla_w) of two lists; got {got}.")
    return value


def compare_gradients(value, ref, **kw):
    nabla_b, nabla_w = pair(value)
    n = len(ref["nabla_b"])
    nb = as_list(nabla_b, "nabla_b", n, "one (n_l, 1) column per layer l = 2..L")
    nw = as_list(nabla_w, "nabla_w", n, "one (n_l, n_{l-1}) matrix per layer l = 2..L")
    if ([a.shape for a in nb] == [e.shape for e in ref["nabla_w"]]
            and [a.shape for a in nw] == [e.shape for e in ref["nabla_b"]]):
        raise Wrong("nabla_b has the shapes of the weights and nabla_w those of the biases.",
                     "Hint: return (nabla_b, nabla_w), biases first, as the book does.")
    cands = kw.pop("candidates", {})
    compare("nabla_b", nb, ref["nabla_b"], candidates=cands.get("nabla_b", ()), **kw)
    compare("nabla_w", nw, ref["nabla_w"], candidates=cands.get("nabla_w", ()), **kw)


def candidates(named):
    """{name: [(lists, hint)]} from [(reference dict, hint)]."""
    out = {}
    for ref, hint in named:
        for key in ("deltas", "nabla_b", "nabla_w"):
            out.setdefault(key, []).append((ref[key], hint))
    return out


NO_PRIME_BP1 = ("δ^L is missing the factor σ'(z^L): BP1 is δ^L = ∇_a C ⊙ σ'(z^L), "
                 "i.e. Σ'(z^L) ∇_a C.")
NO_PRIME_BP2 = ("BP2 is missing the factor σ'(z^l): δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l), "
                 "i.e. Σ'(z^l) (w^{l+1})^T δ^{l+1}.")
