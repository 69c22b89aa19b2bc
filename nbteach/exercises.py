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
Running the learner's code safely and describing a wrong answer live in ``nbteach.diagnose``.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from . import diagnose
from .activations import linear, sigmoid, tanh
from .backprop import backprop_stages
from .book import Network as _BookNetwork
from .costs import QuadraticCost
from .diagnose import (
    NO_PRIME_BP1,
    NO_PRIME_BP2,
    CheckResult,
    Raised,
    Wrong,
    as_list,
    call,
    candidates,
    checked_fn,
    compare,
    compare_gradients,
    run,
)
from .gradcheck import numerical_gradient
from .network import Network
from .timelimit import TimeLimitExceeded, call_with_time_limit

__all__ = [
    "CheckResult", "ModifiedNeuron", "check_sigma_prime_form", "check_bp3_bp4",
    "check_modified_neuron", "check_linear_neurons", "check_matrix_backprop",
]

SIZES = [3, 4, 5, 2]        # distinct layer sizes, so an off-by-one layer shows in the shapes
SEED = 2

@dataclass(frozen=True)
class ModifiedNeuron:
    """One neuron of book layer l outputs f(z^l_j) instead of σ(z^l_j); all others use σ.

    ``j`` is the neuron's Python row in z^l = ``zs[layer - 2]``, counted from 0: the book's
    neuron j + 1. ``f`` and ``f_prime`` act elementwise on arrays.
    """

    layer: int
    j: int
    f: Callable[[np.ndarray], np.ndarray]
    f_prime: Callable[[np.ndarray], np.ndarray]
    name: str

    def __repr__(self):
        return (f"ModifiedNeuron(layer={self.layer}, row={self.j} (the book's neuron j = "
                f"{self.j + 1}), f={self.name})")


TANH_NEURONS = tuple(ModifiedNeuron(l, j, tanh.fn, tanh.prime, tanh.name)
                     for l, j in ((2, 3), (3, 0), (4, 1)))


# ---- the reference: nbteach's own backprop, and the typical mistakes made with it ----
#
# Every reference answer, and every wrong answer a hint recognises, comes out of
# ``backprop_stages`` (the code the tests prove against finite differences and the book's
# own code), run with one activation per layer l = 2..L. A mistake is an activation
# changed where the learner's code would change it: σ' left out of BP1 is the output
# layer's σ' replaced by 1; f used for a whole layer is that layer's σ replaced by f.

def _reference(ws, bs, X, Y, acts):
    """Backprop with ``acts[i]`` at layer i + 2, quadratic cost; sums over the columns of X."""
    st = backprop_stages(ws, bs, X, Y, list(acts), QuadraticCost)
    return {"deltas": st.deltas, "activations": st.activations,
            "nabla_b": st.nabla_b, "nabla_w": st.nabla_w}


def _no_prime(act):
    """``act`` going forward, but with σ'(z) = 1 going backward: the missing-σ' mistake."""
    return replace(act, name=f"{act.name} without σ'", prime=linear.prime)


def _plain(act, n):
    return [act] * n


def _without_prime(acts, bp1=False, bp2=False):
    """``acts`` with σ' left out of BP1 (the output layer) and/or BP2 (the hidden layers)."""
    out = list(acts)
    for i in range(len(out)):
        if (bp1 and i == len(out) - 1) or (bp2 and i < len(out) - 1):
            out[i] = _no_prime(out[i])
    return out


def _with_neuron(acts, neuron, use_f=True, use_f_prime=True, whole_layer=False):
    """``acts`` where neuron j of layer l uses f (forward) and / or f' (backward)."""
    out = list(acts)
    i, j = neuron.layer - 2, neuron.j
    base = out[i]

    def patch(plain, g):
        def h(z):
            if whole_layer:
                return np.array(g(z), dtype=np.float64)
            result = np.array(plain(z), dtype=np.float64)
            result[j] = g(z[j])
            return result
        return h

    out[i] = replace(base, name=f"{base.name} with {neuron.name} at neuron {j}",
                     fn=patch(base.fn, neuron.f) if use_f else base.fn,
                     prime=patch(base.prime, neuron.f_prime) if use_f_prime else base.prime)
    return out


def _net(activation=sigmoid, sizes=SIZES, seed=SEED):
    return Network(sizes, seed=seed, activation=activation)


def _example(m=1, sizes=SIZES, seed=SEED):
    rng = np.random.default_rng(seed + 100)
    X = rng.random((sizes[0], m))                        # (n_in, m)
    Y = rng.random((sizes[-1], m))                       # (n_out, m)
    return X, Y


# ---- the five checkers ----------------------------------------------------------------

def check_sigma_prime_form(fn):
    """The problem on the alternate presentation of the equations: BP1 and BP2 with Σ'(z).

    ``fn(net, x, y)`` gets a ``Network`` (sizes [3, 4, 5, 2], sigmoid, quadratic cost), one
    example ``x`` (3, 1) and ``y`` (2, 1), and returns the list of errors
    ``[δ^2, δ^3, δ^4]``, each ``(n_l, 1)``, computed as δ^L = Σ'(z^L) ∇_a C and
    δ^l = Σ'(z^l) (w^{l+1})^T δ^{l+1}, where Σ'(z) = ``np.diag(sigmoid_prime(z).ravel())``.
    """
    checked_fn(fn, "check_sigma_prime_form")

    def body():
        net, (x, y) = _net(), _example()
        acts = _plain(sigmoid, len(net.weights))
        ref = _reference(net.weights, net.biases, x, y, acts)
        cands = candidates([
            (_reference(net.weights, net.biases, x, y, _without_prime(acts, bp1=True)),
             NO_PRIME_BP1),
            (_reference(net.weights, net.biases, x, y, _without_prime(acts, bp2=True)),
             NO_PRIME_BP2),
        ])
        diag = (" np.diag of a column (n, 1) returns its first entry, not a matrix: "
                "build Σ'(z) with np.diag(sigmoid_prime(z).ravel()).")
        deltas = as_list(call(fn, net, x.copy(), y.copy(), shape_hint=diag), "deltas",
                          len(ref["deltas"]),
                          "δ^l for l = 2..L, each (n_l, 1)")
        compare("deltas", deltas, ref["deltas"], candidates=cands["deltas"])
        return f"δ^l matches backprop's at every layer l = 2..{len(SIZES)}."
    return run("Problem · Alternate presentation of the equations of backpropagation", body)


def check_bp3_bp4(fn):
    """The exercise "prove BP3 and BP4", checked on numbers: the gradients from δ and a,
    against finite differences.

    ``fn(deltas, activations)`` gets, for one example through a [3, 4, 5, 2] network,
    ``deltas[i]`` = δ^{i+2} ``(n_l, 1)`` and ``activations[i]`` = a^{i+1} (``activations[0]``
    is the input x). It returns ``(nabla_b, nabla_w)``: ∂C/∂b^l ``(n_l, 1)`` and ∂C/∂w^l
    ``(n_l, n_{l-1})`` for l = 2..L. The checker compares them with finite differences of
    the cost, which do not use BP3 or BP4 at all.
    """
    checked_fn(fn, "check_bp3_bp4")

    def body():
        net, (x, y) = _net(), _example()
        acts = _plain(sigmoid, len(net.weights))
        ref = _reference(net.weights, net.biases, x, y, acts)
        num_b, num_w = numerical_gradient(net, x, y, eps=1e-5)
        wrong_a = [d @ a.T for d, a in zip(ref["deltas"], ref["activations"][1:])]
        cands = {"nabla_w": [(wrong_a, "BP4 uses the activations of the previous layer: "
                              "∂C/∂w^l_jk = a^{l-1}_k δ^l_j, and a^{l-1} is activations[i] "
                              "for deltas[i], not activations[i + 1].")],
                 "nabla_b": [([a for a in ref["activations"][1:]],
                              "BP3 is ∂C/∂b^l = δ^l; this is a^l.")]}
        value = call(fn, [d.copy() for d in ref["deltas"]],
                      [a.copy() for a in ref["activations"]])
        compare_gradients(value, {"nabla_b": num_b, "nabla_w": num_w},
                           rtol=1e-5, atol=1e-8, candidates=cands)
        return ("∂C/∂b and ∂C/∂w agree with finite differences of the cost at every layer "
                f"l = 2..{len(SIZES)}.")
    return run("Exercise · Prove Equations (BP3) and (BP4), checked on numbers", body)


def check_modified_neuron(fn):
    """The exercise on a single modified neuron: backprop when one neuron uses f instead of σ.

    ``fn(net, x, y, neuron)`` gets a sigmoid ``Network`` [3, 4, 5, 2], one example and a
    ``ModifiedNeuron``: neuron ``neuron.j`` (from 0) of book layer ``neuron.layer`` outputs
    ``neuron.f(z)`` and its derivative is ``neuron.f_prime(z)``; every other neuron uses σ.
    It returns ``(nabla_b, nabla_w)`` for that network. The checker tries the modified
    neuron in each layer l = 2, 3, 4 in turn (f = tanh).
    """
    checked_fn(fn, "check_modified_neuron")

    def body():
        for neuron in TANH_NEURONS:
            net, (x, y) = _net(), _example()
            ws, bs, n = net.weights, net.biases, len(net.weights)
            plain = _plain(sigmoid, n)
            ref = _reference(ws, bs, x, y, _with_neuron(plain, neuron))
            cands = candidates([
                (_reference(ws, bs, x, y, plain),
                 "this is the gradient of the plain sigmoid network: the modified neuron "
                 "was not taken into account."),
                (_reference(ws, bs, x, y, _with_neuron(plain, neuron, use_f_prime=False)),
                 "the forward pass uses f, but the backward pass still multiplies by "
                 "σ'(z^l_j) at the modified neuron; it needs f'(z^l_j) there."),
                (_reference(ws, bs, x, y, _with_neuron(plain, neuron, use_f=False)),
                 "the backward pass uses f', but the forward pass still computes "
                 "σ(z^l_j) for the modified neuron; it outputs a^l_j = f(z^l_j)."),
                (_reference(ws, bs, x, y, _with_neuron(plain, neuron, whole_layer=True)),
                 "f and f' were applied to the whole layer; only neuron j uses them."),
            ])
            try:
                value = call(fn, net, x.copy(), y.copy(), neuron)
                compare_gradients(value, ref, candidates=cands)
            except (Wrong, Raised) as exc:
                case = (f"With the modified neuron j = {neuron.j + 1} of layer l = {neuron.layer} "
                        f"(row {neuron.j} of z^{neuron.layer} in Python; f = {neuron.name}):")
                raise type(exc)(case + "\n" + exc.message, exc.hint) from None
        return ("The gradient is right with the modified neuron in each layer l = 2, 3, 4 "
                "(f = tanh).")
    return run("Exercise · Backpropagation with a single modified neuron", body)


def check_linear_neurons(fn):
    """The exercise on linear neurons: backprop when every neuron is linear, σ(z) = z.

    ``fn(net, x, y)`` gets a ``Network`` [3, 4, 5, 2] built with ``activation=linear`` (the
    quadratic cost), one example ``x`` (3, 1) and ``y`` (2, 1); it returns
    ``(nabla_b, nabla_w)`` for that network: ``nabla_b[i]`` ``(n_l, 1)`` and ``nabla_w[i]``
    ``(n_l, n_{l-1})`` for book layer l = i + 2. The learner's code is meant to write both
    passes without calling an activation function.
    """
    checked_fn(fn, "check_linear_neurons")

    def body():
        net, (x, y) = _net(linear), _example()
        ws, bs, n = net.weights, net.biases, len(net.weights)
        ref = _reference(ws, bs, x, y, _plain(linear, n))
        sigmoid_prime_kept = replace(linear, name="linear with σ'", prime=sigmoid.prime)
        cands = candidates([
            (_reference(ws, bs, x, y, _plain(sigmoid_prime_kept, n)),
             "the forward pass is linear, but δ still has the sigmoid's σ'(z) factor. For "
             "σ(z) = z, σ'(z) = 1: δ^L = a^L - y and δ^l = (w^{l+1})^T δ^{l+1}."),
            (_reference(ws, bs, x, y, _plain(sigmoid, n)),
             "this is the gradient of a sigmoid network. Here a^l = z^l at every layer."),
        ])
        compare_gradients(call(fn, net, x.copy(), y.copy()), ref, candidates=cands)
        return f"The gradient of the linear network is right at every layer l = 2..{len(SIZES)}."
    return run("Exercise · Backpropagation with linear neurons", body)


def check_matrix_backprop(fn, *, timing=True):
    """The problem: fully matrix-based backprop over a mini-batch.

    ``fn(net, X, Y)`` gets a sigmoid ``Network``, ``X`` ``(n_in, m)`` and ``Y``
    ``(n_out, m)`` (column j is example j) and returns ``(nabla_b, nabla_w)`` summed over
    the m examples, as ``Network.backprop_batch`` does: ``nabla_b[i]`` ``(n_l, 1)``,
    ``nabla_w[i]`` ``(n_l, n_{l-1})``. It is checked against the sum of the book's
    per-example ``backprop`` for m = 6 and m = 1.

    With ``timing=True`` a correct function is then timed against the book's loop on a
    [784, 30, 10] network and a mini-batch of 100: the gradient alone (no update), the best of
    the same number of runs for each, taken in turn. The ratio goes into the message and
    ``.timing``. Timings vary from run to run; they never decide the verdict.
    """
    checked_fn(fn, "check_matrix_backprop")

    def body():
        for m in (6, 1):
            net, (X, Y) = _net(), _example(m)
            ws, bs, n = net.weights, net.biases, len(net.weights)
            ref = _loop_gradient(net, X, Y)
            first = _loop_gradient(net, X[:, :1], Y[:, :1])
            cands = candidates([
                (_reference(ws, bs, X, Y, _without_prime(_plain(sigmoid, n), bp2=True)),
                 NO_PRIME_BP2),
                (_reference(ws, bs, X, Y, _without_prime(_plain(sigmoid, n), bp1=True)),
                 NO_PRIME_BP1),
            ])
            if m > 1:
                cands.setdefault("nabla_b", []).append(
                    (first["nabla_b"], "this is the gradient of the first example (column) only."))
                cands.setdefault("nabla_w", []).append(
                    (first["nabla_w"], "this is the gradient of the first example (column) only."))
            try:
                compare_gradients(call(fn, net, X.copy(), Y.copy()), ref, m=m, candidates=cands)
            except (Wrong, Raised) as exc:
                raise type(exc)(f"With a mini-batch of m = {m} examples:\n" + exc.message,
                                exc.hint) from None
        verdict = "The summed gradient matches the book's loop, for m = 6 and for m = 1."
        return (verdict, _time_against_loop(fn)) if timing else verdict
    return run("Problem · Fully matrix-based approach to backpropagation over a mini-batch", body)


def _loop_gradient(net, X, Y):
    """The book's loop, run by the book's own code: backprop one column at a time, add up."""
    book = _BookNetwork(net.weights, net.biases)
    nabla_b = [np.zeros(b.shape) for b in net.biases]
    nabla_w = [np.zeros(w.shape) for w in net.weights]
    for j in range(X.shape[1]):
        db, dw = book.backprop(X[:, j:j + 1], Y[:, j:j + 1])
        nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
    return {"nabla_b": nabla_b, "nabla_w": nabla_w}


def _best_of_each(fs, repeats, budget=2.0):
    """The shortest of ``repeats`` runs of each function in ``fs``, taken in turn.

    Each round runs every function once, so a machine that slows down slows them all alike,
    and every function gets the same number of runs (at least 3; fewer than ``repeats``
    only when the rounds so far took ``budget`` seconds). The minimum, because on a busy
    machine every other run only adds waiting time. Returns ``(best times, runs each)``.
    """
    best, spent, runs = [float("inf")] * len(fs), 0.0, 0
    while runs < repeats and (runs < 3 or spent < budget):
        for i, f in enumerate(fs):
            start = time.perf_counter()
            f()
            took = time.perf_counter() - start
            best[i], spent = min(best[i], took), spent + took
        runs += 1
    return best, runs


def _time_against_loop(fn, sizes=(784, 30, 10), m=100):
    """Time the learner's gradient and the book's loop alike: the gradient alone, no update."""
    net, (X, Y) = _net(sizes=list(sizes), seed=0), _example(m, sizes=list(sizes), seed=0)

    def time_yours():
        fn(net, X, Y)                                    # warm-up run, not timed
        return _best_of_each(
            [lambda: fn(net, X, Y), lambda: _loop_gradient(net, X, Y)], repeats=10)
    try:
        (yours, loop), runs = call_with_time_limit(diagnose.TIME_LIMIT, time_yours)
    except TimeLimitExceeded:
        return (f"Timing: your function took more than {diagnose.TIME_LIMIT:g} s in all on a "
                f"{list(sizes)} network, so it was stopped and not timed.")
    except Exception as exc:  # the verdict stands; only the timing is missing
        return (f"Timing: your function raised {type(exc).__name__}: {exc} on a "
                f"{list(sizes)} network, so it was not timed.")
    ratio = loop / yours if yours > 0 else float("inf")
    speed = f"{ratio:.1f}× faster than" if ratio >= 1 else f"{1 / ratio:.1f}× slower than"
    return (f"Timing on a {list(sizes)} network, m = {m}: yours {yours * 1e3:.2f} ms, "
            f"the book's loop {loop * 1e3:.2f} ms (the gradient alone, the best of {runs} "
            f"runs each): {speed} the loop.")
