"""Checkers for the exercises and the problem of chapter 2: run the learner's code, say what is wrong.

Each ``check_*`` function takes the learner's function, calls it on a small network with a
fixed seed, compares what comes back with a reference computed here, and returns a
``CheckResult``: ``.passed``, ``.status`` and ``.message``. The result prints as a short
verdict and shows as a coloured box in JupyterLab. On a wrong answer the message names the
layer, the expected and actual shapes and the largest differing entry, and, when the
answer matches a typical mistake (a missing σ'(z) factor, transposed weights, a mean where a
sum was wanted, an off-by-one layer), a hint that says so.

What the learner's function is called with, and must return:

=========================  ========================  ==========================================
checker                    call                      return
=========================  ========================  ==========================================
check_sigma_prime_form     fn(net, x, y)             deltas: [δ^2, ..., δ^L], each (n_l, 1)
check_bp3_bp4              fn(deltas, activations)   (nabla_b, nabla_w) for one example
check_modified_neuron      fn(net, x, y, neuron)     (nabla_b, nabla_w), neuron: ModifiedNeuron
check_linear_neurons       fn(net, x, y)             (nabla_b, nabla_w), net has σ(z) = z
check_matrix_backprop      fn(net, X, Y)             (nabla_b, nabla_w) summed over the columns
=========================  ========================  ==========================================

Lists follow the book's code: index i belongs to book layer l = i + 2. The cost is the
chapter's quadratic cost, so ∇_a C = a^L - y.

A function that raises is reported with its exception (never a traceback from here); one
that raises ``NotImplementedError``, the stub each exercise starts from, counts as "not
attempted yet". Non-goal: grading proofs; only the numbers a proof predicts are checked.
"""
from __future__ import annotations

import html
import linecache
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import linear, sigmoid
from .backprop import backprop as _book_backprop
from .gradcheck import numerical_gradient
from .network import Network

__all__ = [
    "CheckResult", "ModifiedNeuron", "check_sigma_prime_form", "check_bp3_bp4",
    "check_modified_neuron", "check_linear_neurons", "check_matrix_backprop",
]

SIZES = [3, 4, 5, 2]        # distinct layer sizes, so an off-by-one layer shows in the shapes
SEED = 2
RTOL, ATOL = 1e-7, 1e-10    # for comparisons with an exact reference

_STYLE = {  # status -> (symbol, headline, colour as a JupyterLab theme variable)
    "passed": ("✔", "passed", "var(--jp-success-color1, #388e3c)"),
    "failed": ("✘", "not yet right", "var(--jp-error-color1, #d32f2f)"),
    "error": ("✘", "your function raised an exception", "var(--jp-error-color1, #d32f2f)"),
    "not attempted": ("○", "not attempted yet", "var(--jp-border-color1, #9e9e9e)"),
}


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one checker.

    ``status`` is "passed", "failed", "error" (the function raised) or "not attempted"
    (it raised ``NotImplementedError``). ``message`` explains; ``hint`` is the guess at the
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


@dataclass(frozen=True)
class ModifiedNeuron:
    """Neuron j of book layer l outputs f(z^l_j) instead of σ(z^l_j); all others use σ.

    ``j`` counts from 0, as a row of z^l = ``zs[layer - 2]`` does. ``f`` and ``f_prime``
    act elementwise on arrays.
    """

    layer: int
    j: int
    f: Callable[[np.ndarray], np.ndarray]
    f_prime: Callable[[np.ndarray], np.ndarray]
    name: str

    def __repr__(self):
        return f"ModifiedNeuron(layer={self.layer}, j={self.j}, f={self.name})"


TANH_NEURONS = tuple(
    ModifiedNeuron(l, j, np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, "tanh")
    for l, j in ((2, 3), (3, 0), (4, 1)))


# ---- control flow: the learner's code raising, or a wrong answer ----------------------

class _NotAttempted(Exception):
    pass


class _Raised(Exception):
    def __init__(self, message, hint=""):
        super().__init__(message)
        self.message, self.hint = message, hint


class _Wrong(Exception):
    def __init__(self, message, hint=""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _call(fn, *args, shape_hint=""):
    """Call the learner's function; turn what it raises into _NotAttempted / _Raised.

    ``shape_hint`` is added to the hint when the exception is about shapes.
    """
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotAttempted() from None
    except Exception as exc:  # the learner's code, whatever it raised
        where = _learner_line(fn, exc)
        msg = f"{type(exc).__name__}: {exc}" + (f"\nat the line: {where}" if where else "")
        hint = ""
        if any(w in str(exc) for w in ("matmul", "shapes", "broadcast", "aligned")):
            hint = ("Hint: two arrays on that line have shapes that do not fit; print their "
                    "shapes. w^l is (n_l, n_{l-1}), δ^l and z^l are (n_l, 1) for one example." + shape_hint)
        raise _Raised(msg, hint) from None


def _learner_line(fn, exc):
    """The source line of the learner's function where the exception came from, or ""."""
    code = getattr(fn, "__code__", None)
    tb, line = exc.__traceback__, ""
    while tb is not None:
        if code is not None and tb.tb_frame.f_code.co_filename == code.co_filename:
            line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno).strip()
        tb = tb.tb_next
    return line


def _run(exercise, body):
    """Run one check; every outcome becomes a CheckResult."""
    try:
        message = body()
    except _NotAttempted:
        return CheckResult(exercise, "not attempted",
                           "Your function still raises NotImplementedError. Replace that line "
                           "with your code, run its cell, then run this check again.")
    except _Raised as exc:
        return CheckResult(exercise, "error", _join(exc.message, exc.hint), exc.hint)
    except _Wrong as exc:
        return CheckResult(exercise, "failed", _join(exc.message, exc.hint), exc.hint)
    if isinstance(message, tuple):
        return CheckResult(exercise, "passed", _join(*message), timing=message[1])
    return CheckResult(exercise, "passed", message)


def _join(*parts):
    return "\n".join(p for p in parts if p)


def _checked_fn(fn, name):
    if not callable(fn):
        raise TypeError(f"{name} expects your function, e.g. {name}(my_function); "
                        f"got {fn!r} ({type(fn).__name__})")


# ---- reference backprop, with the switches that reproduce typical mistakes ------------

def _reference(ws, bs, X, Y, acts, primes, bp1_prime=True, bp2_prime=True):
    """Backprop with per-layer activations ``acts[i]`` and derivatives ``primes[i]`` (layer i+2).

    ``bp1_prime=False`` / ``bp2_prime=False`` leave out the σ'(z) factor of BP1 / BP2.
    Quadratic cost: ∇_a C = a^L - y. Sums over the columns of X.
    """
    a, activations, zs = X, [X], []
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = w @ a + b                                    # (n_l, m)
        zs.append(z)
        a = acts[i](z)
        activations.append(a)
    delta = activations[-1] - Y
    if bp1_prime:
        delta = delta * primes[-1](zs[-1])
    deltas = [delta]
    for i in range(len(ws) - 2, -1, -1):
        delta = ws[i + 1].T @ delta
        if bp2_prime:
            delta = delta * primes[i](zs[i])
        deltas.insert(0, delta)
    return {
        "deltas": deltas, "activations": activations,
        "nabla_b": [d.sum(axis=1, keepdims=True) for d in deltas],
        "nabla_w": [d @ a_.T for d, a_ in zip(deltas, activations[:-1])],
    }


def _plain(act, n):
    return [act.fn] * n, [act.prime] * n


def _with_neuron(act_fns, neuron, use_f=True, use_f_prime=True, whole_layer=False):
    """Activation lists where neuron j of layer l uses f (forward) / f' (backward)."""
    fns, primes = act_fns
    fns, primes = list(fns), list(primes)
    i, j = neuron.layer - 2, neuron.j

    def patch(base, g):
        def h(z):
            out = np.array(base(z), dtype=np.float64)
            if whole_layer:
                return np.array(g(z), dtype=np.float64)
            out[j] = g(z[j])
            return out
        return h

    if use_f:
        fns[i] = patch(fns[i], neuron.f)
    if use_f_prime:
        primes[i] = patch(primes[i], neuron.f_prime)
    return fns, primes


def _net(activation=sigmoid, sizes=SIZES, seed=SEED):
    return Network(sizes, seed=seed, activation=activation)


def _example(m=1, sizes=SIZES, seed=SEED):
    rng = np.random.default_rng(seed + 100)
    X = rng.random((sizes[0], m))                        # (n_in, m)
    Y = rng.random((sizes[-1], m))                       # (n_out, m)
    return X, Y


# ---- comparing the learner's answer with the reference --------------------------------

def _fmt(v):
    return f"{float(v):.5g}"


def _as_list(value, name, n, what):
    """The learner's list of n arrays, as float arrays; _Wrong if it is not one."""
    if value is None:
        raise _Wrong(f"{name}: your function returned None.",
                     "Hint: did you forget the `return` line?")
    if isinstance(value, np.ndarray):
        raise _Wrong(f"{name}: expected a list of {n} arrays ({what}); got one array of "
                     f"shape {value.shape}.")
    if not isinstance(value, (list, tuple)):
        raise _Wrong(f"{name}: expected a list of {n} arrays ({what}); got "
                     f"{type(value).__name__}.")
    if len(value) != n:
        hint = ""
        if len(value) == n + 1:
            hint = ("Hint: one too many: the input layer l = 1 has no δ, weights or biases; "
                    f"the list runs over l = 2..{n + 1}.")
        elif len(value) == n - 1:
            hint = ("Hint: one layer is missing: check that the loop reaches both the output "
                    f"layer l = {n + 1} and the first hidden layer l = 2.")
        raise _Wrong(f"{name}: expected a list of {n} arrays ({what}); got {len(value)}.", hint)
    arrays = []
    for i, a in enumerate(value):
        try:
            arr = np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError):
            raise _Wrong(f"{name}[{i}] (layer l = {i + 2}): expected a numeric array; got "
                         f"{type(a).__name__}.") from None
        arrays.append(arr)
    return arrays


def _close(a, b, rtol, atol):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _compare(name, actual, expected, *, rtol=RTOL, atol=ATOL, m=1, candidates=()):
    """Compare two lists of arrays layer by layer; raise _Wrong describing the first mismatch.

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
                   f"{list(map(int, idx))}: expected {_fmt(e[idx])}, got {_fmt(a[idx])}.")
        raise _Wrong(msg, _hint(actual, expected, i, rtol, atol, m, candidates))


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


def _pair(value, m_name="nabla_b, nabla_w"):
    """The learner's (nabla_b, nabla_w)."""
    if value is None:
        raise _Wrong("Your function returned None.", "Hint: did you forget the `return` line?")
    if not isinstance(value, (tuple, list)) or len(value) != 2 or isinstance(value, np.ndarray):
        got = type(value).__name__ + (f" of length {len(value)}" if hasattr(value, "__len__") else "")
        raise _Wrong(f"Expected a pair ({m_name}) of two lists; got {got}.")
    return value


def _compare_gradients(value, ref, **kw):
    nabla_b, nabla_w = _pair(value)
    n = len(ref["nabla_b"])
    nb = _as_list(nabla_b, "nabla_b", n, "one (n_l, 1) column per layer l = 2..L")
    nw = _as_list(nabla_w, "nabla_w", n, "one (n_l, n_{l-1}) matrix per layer l = 2..L")
    if ([a.shape for a in nb] == [e.shape for e in ref["nabla_w"]]
            and [a.shape for a in nw] == [e.shape for e in ref["nabla_b"]]):
        raise _Wrong("nabla_b has the shapes of the weights and nabla_w those of the biases.",
                     "Hint: return (nabla_b, nabla_w), biases first, as the book does.")
    cands = kw.pop("candidates", {})
    _compare("nabla_b", nb, ref["nabla_b"], candidates=cands.get("nabla_b", ()), **kw)
    _compare("nabla_w", nw, ref["nabla_w"], candidates=cands.get("nabla_w", ()), **kw)


def _candidates(named):
    """{name: [(lists, hint)]} from [(reference dict, hint)]."""
    out = {}
    for ref, hint in named:
        for key in ("deltas", "nabla_b", "nabla_w"):
            out.setdefault(key, []).append((ref[key], hint))
    return out


_NO_PRIME_BP1 = ("δ^L is missing the factor σ'(z^L): BP1 is δ^L = ∇_a C ⊙ σ'(z^L), "
                 "i.e. Σ'(z^L) ∇_a C.")
_NO_PRIME_BP2 = ("BP2 is missing the factor σ'(z^l): δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l), "
                 "i.e. Σ'(z^l) (w^{l+1})^T δ^{l+1}.")


# ---- the five checkers ----------------------------------------------------------------

def check_sigma_prime_form(fn):
    """Exercise 1: BP1 and BP2 written with the diagonal matrix Σ'(z).

    ``fn(net, x, y)`` gets a ``Network`` (sizes [3, 4, 5, 2], sigmoid, quadratic cost), one
    example ``x`` (3, 1) and ``y`` (2, 1), and returns the list of errors
    ``[δ^2, δ^3, δ^4]``, each ``(n_l, 1)``, computed as δ^L = Σ'(z^L) ∇_a C and
    δ^l = Σ'(z^l) (w^{l+1})^T δ^{l+1}, where Σ'(z) = ``np.diag(sigmoid_prime(z).ravel())``.
    """
    _checked_fn(fn, "check_sigma_prime_form")

    def body():
        net, (x, y) = _net(), _example()
        acts = _plain(sigmoid, len(net.weights))
        ref = _reference(net.weights, net.biases, x, y, *acts)
        cands = _candidates([
            (_reference(net.weights, net.biases, x, y, *acts, bp1_prime=False), _NO_PRIME_BP1),
            (_reference(net.weights, net.biases, x, y, *acts, bp2_prime=False), _NO_PRIME_BP2),
        ])
        diag = (" np.diag of a column (n, 1) returns its first entry, not a matrix: "
                "build Σ'(z) with np.diag(sigmoid_prime(z).ravel()).")
        deltas = _as_list(_call(fn, net, x.copy(), y.copy(), shape_hint=diag), "deltas",
                          len(ref["deltas"]),
                          "δ^l for l = 2..L, each (n_l, 1)")
        _compare("deltas", deltas, ref["deltas"], candidates=cands["deltas"])
        return f"δ^l matches backprop's at every layer l = 2..{len(SIZES)}."
    return _run("Exercise 1 · BP1 and BP2 with Σ'(z)", body)


def check_bp3_bp4(fn):
    """Exercise 2: the gradients from δ and a (BP3 and BP4), checked by finite differences.

    ``fn(deltas, activations)`` gets, for one example through a [3, 4, 5, 2] network,
    ``deltas[i]`` = δ^{i+2} ``(n_l, 1)`` and ``activations[i]`` = a^{i+1} (``activations[0]``
    is the input x). It returns ``(nabla_b, nabla_w)``: ∂C/∂b^l ``(n_l, 1)`` and ∂C/∂w^l
    ``(n_l, n_{l-1})`` for l = 2..L. The checker compares them with finite differences of
    the cost, which do not use BP3 or BP4 at all.
    """
    _checked_fn(fn, "check_bp3_bp4")

    def body():
        net, (x, y) = _net(), _example()
        acts = _plain(sigmoid, len(net.weights))
        ref = _reference(net.weights, net.biases, x, y, *acts)
        num_b, num_w = numerical_gradient(net, x, y, eps=1e-5)
        wrong_a = [d @ a.T for d, a in zip(ref["deltas"], ref["activations"][1:])]
        cands = {"nabla_w": [(wrong_a, "BP4 uses the activations of the previous layer: "
                              "∂C/∂w^l_jk = a^{l-1}_k δ^l_j, and a^{l-1} is activations[i] "
                              "for deltas[i], not activations[i + 1].")],
                 "nabla_b": [([a for a in ref["activations"][1:]],
                              "BP3 is ∂C/∂b^l = δ^l; this is a^l.")]}
        value = _call(fn, [d.copy() for d in ref["deltas"]],
                      [a.copy() for a in ref["activations"]])
        _compare_gradients(value, {"nabla_b": num_b, "nabla_w": num_w},
                           rtol=1e-5, atol=1e-8, candidates=cands)
        return ("∂C/∂b and ∂C/∂w agree with finite differences of the cost at every layer "
                f"l = 2..{len(SIZES)}.")
    return _run("Exercise 2 · BP3 and BP4 from δ and a", body)


def check_modified_neuron(fn):
    """Exercise 3: backprop when a single neuron uses f instead of σ.

    ``fn(net, x, y, neuron)`` gets a sigmoid ``Network`` [3, 4, 5, 2], one example and a
    ``ModifiedNeuron``: neuron ``neuron.j`` (from 0) of book layer ``neuron.layer`` outputs
    ``neuron.f(z)`` and its derivative is ``neuron.f_prime(z)``; every other neuron uses σ.
    It returns ``(nabla_b, nabla_w)`` for that network. The checker tries the modified
    neuron in each layer l = 2, 3, 4 in turn (f = tanh).
    """
    _checked_fn(fn, "check_modified_neuron")

    def body():
        for neuron in TANH_NEURONS:
            net, (x, y) = _net(), _example()
            ws, bs, n = net.weights, net.biases, len(net.weights)
            plain = _plain(sigmoid, n)
            ref = _reference(ws, bs, x, y, *_with_neuron(plain, neuron))
            cands = _candidates([
                (_reference(ws, bs, x, y, *plain),
                 "this is the gradient of the plain sigmoid network: the modified neuron "
                 "was not taken into account."),
                (_reference(ws, bs, x, y, *_with_neuron(plain, neuron, use_f_prime=False)),
                 "the forward pass uses f, but the backward pass still multiplies by "
                 "σ'(z^l_j) at the modified neuron; it needs f'(z^l_j) there."),
                (_reference(ws, bs, x, y, *_with_neuron(plain, neuron, use_f=False)),
                 "the backward pass uses f', but the forward pass still computes "
                 "σ(z^l_j) for the modified neuron; it outputs a^l_j = f(z^l_j)."),
                (_reference(ws, bs, x, y, *_with_neuron(plain, neuron, whole_layer=True)),
                 "f and f' were applied to the whole layer; only neuron j uses them."),
            ])
            try:
                value = _call(fn, net, x.copy(), y.copy(), neuron)
                _compare_gradients(value, ref, candidates=cands)
            except (_Wrong, _Raised) as exc:
                case = (f"With the modified neuron j = {neuron.j} in layer l = {neuron.layer} "
                        f"(f = {neuron.name}):")
                raise type(exc)(case + "\n" + exc.message, exc.hint) from None
        return ("The gradient is right with the modified neuron in each layer l = 2, 3, 4 "
                "(f = tanh).")
    return _run("Exercise 3 · a single modified neuron", body)


def check_linear_neurons(fn):
    """Exercise 4: backprop when every neuron is linear, σ(z) = z.

    ``fn(net, x, y)`` gets a ``Network`` [3, 4, 5, 2] built with ``activation=linear`` and
    one example; it returns ``(nabla_b, nabla_w)``. With σ'(z) = 1 the algorithm becomes
    δ^L = a^L - y, δ^l = (w^{l+1})^T δ^{l+1}, and BP3, BP4 as before.
    """
    _checked_fn(fn, "check_linear_neurons")

    def body():
        net, (x, y) = _net(linear), _example()
        ws, bs, n = net.weights, net.biases, len(net.weights)
        ref = _reference(ws, bs, x, y, *_plain(linear, n))
        cands = _candidates([
            (_reference(ws, bs, x, y, [linear.fn] * n, [sigmoid.prime] * n),
             "the forward pass is linear, but δ still has the sigmoid's σ'(z) factor. For "
             "σ(z) = z, σ'(z) = 1: δ^L = a^L - y and δ^l = (w^{l+1})^T δ^{l+1}."),
            (_reference(ws, bs, x, y, *_plain(sigmoid, n)),
             "this is the gradient of a sigmoid network. Here a^l = z^l at every layer."),
        ])
        _compare_gradients(_call(fn, net, x.copy(), y.copy()), ref, candidates=cands)
        return f"The gradient of the linear network is right at every layer l = 2..{len(SIZES)}."
    return _run("Exercise 4 · linear neurons", body)


def check_matrix_backprop(fn, *, timing=True):
    """The problem: fully matrix-based backprop over a mini-batch.

    ``fn(net, X, Y)`` gets a sigmoid ``Network``, ``X`` ``(n_in, m)`` and ``Y``
    ``(n_out, m)`` (column j is example j) and returns ``(nabla_b, nabla_w)`` summed over
    the m examples, as ``Network.backprop_batch`` does: ``nabla_b[i]`` ``(n_l, 1)``,
    ``nabla_w[i]`` ``(n_l, n_{l-1})``. It is checked against the sum of the book's
    per-example ``backprop`` for m = 6 and m = 1.

    With ``timing=True`` a correct function is then timed against the book's loop on a
    [784, 30, 10] network and a mini-batch of 100 (the best of several runs); the ratio goes into
    the message and ``.timing``. Timings vary from run to run; they never decide the verdict.
    """
    _checked_fn(fn, "check_matrix_backprop")

    def body():
        for m in (6, 1):
            net, (X, Y) = _net(), _example(m)
            ws, bs, n = net.weights, net.biases, len(net.weights)
            ref = _loop_gradient(net, X, Y)
            first = _loop_gradient(net, X[:, :1], Y[:, :1])
            cands = _candidates([
                (_reference(ws, bs, X, Y, *_plain(sigmoid, n), bp2_prime=False), _NO_PRIME_BP2),
                (_reference(ws, bs, X, Y, *_plain(sigmoid, n), bp1_prime=False), _NO_PRIME_BP1),
            ])
            if m > 1:
                cands.setdefault("nabla_b", []).append(
                    (first["nabla_b"], "this is the gradient of the first example (column) only."))
                cands.setdefault("nabla_w", []).append(
                    (first["nabla_w"], "this is the gradient of the first example (column) only."))
            try:
                _compare_gradients(_call(fn, net, X.copy(), Y.copy()), ref, m=m, candidates=cands)
            except (_Wrong, _Raised) as exc:
                raise type(exc)(f"With a mini-batch of m = {m} examples:\n" + exc.message,
                                exc.hint) from None
        verdict = "The summed gradient matches the book's loop, for m = 6 and for m = 1."
        return (verdict, _time_against_loop(fn)) if timing else verdict
    return _run("Problem · fully matrix-based backprop over a mini-batch", body)


def _loop_gradient(net, X, Y):
    """The book's loop: backprop one column at a time, add up the gradients."""
    nabla_b = [np.zeros(b.shape) for b in net.biases]
    nabla_w = [np.zeros(w.shape) for w in net.weights]
    for j in range(X.shape[1]):
        db, dw = _book_backprop(net.weights, net.biases, X[:, j:j + 1], Y[:, j:j + 1])
        nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
    return {"nabla_b": nabla_b, "nabla_w": nabla_w}


def _best_of(f, repeats, budget=1.0):
    """The shortest of up to ``repeats`` runs (at least 3), stopping after ``budget`` seconds.

    The minimum, because on a busy machine every other run only adds waiting time.
    """
    best, spent, runs = float("inf"), 0.0, 0
    while runs < repeats and (runs < 3 or spent < budget):
        start = time.perf_counter()
        f()
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best


def _time_against_loop(fn, sizes=(784, 30, 10), m=100):
    net, (X, Y) = _net(sizes=list(sizes), seed=0), _example(m, sizes=list(sizes), seed=0)
    try:
        fn(net, X, Y)                                    # warm-up run, not timed
        yours = _best_of(lambda: fn(net, X, Y), repeats=30)
    except Exception as exc:  # the verdict stands; only the timing is missing
        return (f"Timing: your function raised {type(exc).__name__}: {exc} on a "
                f"{list(sizes)} network, so it was not timed.")
    loop = _best_of(lambda: _loop_gradient(net, X, Y), repeats=3)
    ratio = loop / yours if yours > 0 else float("inf")
    speed = f"{ratio:.1f}× faster than" if ratio >= 1 else f"{1 / ratio:.1f}× slower than"
    return (f"Timing on a {list(sizes)} network, m = {m}: yours {yours * 1e3:.2f} ms, "
            f"the book's loop {loop * 1e3:.2f} ms: {speed} the loop.")
