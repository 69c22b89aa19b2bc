"""Check backprop against the definition of a derivative.

Two independent checks, both from chapter 2:

* ``numerical_gradient``: central finite differences of the cost,
  dC/dp ≈ (C(p + ε) - C(p - ε)) / 2ε, for every weight and bias; ``check_gradients``
  compares them with backprop layer by layer (relative error).
* ``demon_check``: the book's demon sits at neuron j of layer l and adds Δz^l_j to its
  weighted input; the cost changes by about δ^l_j Δz^l_j. Nudging every z^l_j by ±ε and
  measuring ΔC / 2ε gives δ^l_j without using BP1 or BP2.

Each costs two forward passes per parameter (or per neuron), which is exactly why
backprop matters (notebook 09). Use small networks: finite differences over more than
``MAX_PARAMETERS`` weights and biases are refused up front (``[784, 30, 10]``, 23,860 of
them, takes a few seconds; the work grows with the square of the count).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .backprop import backprop_stages
from .checks import check_pair, check_small_positive, parameter_count

__all__ = ["numerical_gradient", "check_gradients", "demon_check", "relative_error", "error_bound",
           "GradCheck", "DemonCheck", "MAX_PARAMETERS"]

MAX_PARAMETERS = 100_000      # about a minute of finite differences; [784, 100, 10] fits


def _checked(net, x, y, eps, single=False):
    """The checked (x, y) and eps of a finite-difference check; refuse a network too large."""
    x, y = check_pair(x, y, net.n_in, net.n_out, single=single)
    eps = check_small_positive(eps, "eps (the finite-difference step)", "1e-5")
    count = parameter_count(net.sizes)
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"finite differences need two forward passes for each of this network's {count:,} "
            f"weights and biases, about {count:,} times the work of backprop: too slow to wait "
            f"for. Use a network of at most {MAX_PARAMETERS:,} parameters, e.g. [784, 30, 10].")
    return x, y, eps


def error_bound(err):
    """A relative error as the power of ten above it, e.g. ``< 1e-09`` for 4.5e-10.

    Rounding errors differ in their last digits from machine to machine; their order of
    magnitude does not, so printed reports (and the notebooks' stored outputs) use this.
    """
    if err == 0:
        return "0"
    return f"< 1e{math.ceil(math.log10(err)):+03d}"


def relative_error(a, b):
    """max |a - b| / max(|a|, |b|, 1e-12), over all entries: 0 means identical."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b)) / scale)


def _cost(net, weights, biases, X, Y):
    a = X
    for w, b in zip(weights, biases):
        a = net.activation(w @ a + b)
    return net.cost.fn(a, Y)                      # summed over the columns


def numerical_gradient(net, x, y, eps=1e-5):
    """Central differences of C (summed over the columns of x) for every weight and bias.

    Returns ``(nabla_b, nabla_w)`` shaped like the network's biases and weights. The
    network itself is not changed (copies are nudged).
    """
    x, y, eps = _checked(net, x, y, eps)
    ws, bs = _copies(net)

    def quotient(p, idx):
        old = p[idx]
        p[idx] = old + eps
        c_plus = _cost(net, ws, bs, x, y)
        p[idx] = old - eps
        c_minus = _cost(net, ws, bs, x, y)
        p[idx] = old
        return (c_plus - c_minus) / (2 * eps)

    return _each_parameter(ws, bs, quotient)


def _copies(net):
    ws, bs = net._params()
    return [w.copy() for w in ws], [b.copy() for b in bs]


def _each_parameter(ws, bs, quotient):
    """Apply ``quotient(array, index)`` to every bias and weight; return (nabla_b, nabla_w)."""
    grads = []
    for params in (bs, ws):
        layer_grads = []
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                g[idx] = quotient(p, idx)
            layer_grads.append(g)
        grads.append(layer_grads)
    return grads[0], grads[1]


@dataclass(frozen=True)
class GradCheck:
    """Per-layer relative errors between backprop and finite differences."""

    layers: tuple          # book layer numbers l = 2..L
    bias_errors: tuple     # relative error of dC/db^l per layer
    weight_errors: tuple   # relative error of dC/dw^l per layer

    @property
    def max_error(self):
        return max(self.bias_errors + self.weight_errors)

    def passed(self, tol=1e-6):
        return self.max_error < tol

    def __str__(self):
        rows = [f"l = {l}: dC/db relative error {error_bound(eb)}, "
                f"dC/dw relative error {error_bound(ew)}"
                for l, eb, ew in zip(self.layers, self.bias_errors, self.weight_errors)]
        return "\n".join(rows + [f"largest relative error: {error_bound(self.max_error)}"])


def check_gradients(net, x, y, eps=1e-5):
    """Compare backprop's gradient with ``numerical_gradient``, layer by layer."""
    x, y, eps = _checked(net, x, y, eps)
    ws, bs = net._params()
    stages = backprop_stages(ws, bs, x, y, net.activation, net.cost)
    num_b, num_w = numerical_gradient(net, x, y, eps)
    return GradCheck(
        layers=tuple(range(2, net.num_layers + 1)),
        bias_errors=tuple(relative_error(a, b) for a, b in zip(stages.nabla_b, num_b)),
        weight_errors=tuple(relative_error(a, b) for a, b in zip(stages.nabla_w, num_w)),
    )


@dataclass(frozen=True)
class DemonCheck:
    """δ from backprop beside ΔC/Δz measured by the demon, for every layer."""

    layers: tuple          # book layer numbers l = 2..L
    backprop: tuple        # δ^l from BP1/BP2, (n_l, 1) each
    demon: tuple           # (C(z^l_j + ε) - C(z^l_j - ε)) / 2ε, (n_l, 1) each
    errors: tuple          # relative error per layer

    @property
    def max_error(self):
        return max(self.errors)

    def __str__(self):
        rows = [f"l = {l}: max |δ| = {np.max(np.abs(d)):.4f}, relative error {error_bound(e)}"
                for l, d, e in zip(self.layers, self.backprop, self.errors)]
        return "\n".join(rows)


def demon_check(net, x, y, eps=1e-5):
    """Nudge each weighted input z^l_j by ±ε and compare ΔC/2ε with δ^l_j (one example)."""
    x, y, eps = _checked(net, x, y, eps, single=True)
    ws, bs = net._params()
    stages = backprop_stages(ws, bs, x, y, net.activation, net.cost)

    def cost_from(l_index, z):
        # finish the forward pass from a (possibly nudged) weighted input of layer l
        a = net.activation(z)
        for w, b in zip(ws[l_index + 1:], bs[l_index + 1:]):
            a = net.activation(w @ a + b)
        return net.cost.fn(a, y)

    demon = []
    for i, z in enumerate(stages.zs):
        d = np.zeros_like(z)
        for j in range(z.shape[0]):
            zp, zm = z.copy(), z.copy()
            zp[j, 0] += eps
            zm[j, 0] -= eps
            d[j, 0] = (cost_from(i, zp) - cost_from(i, zm)) / (2 * eps)
        demon.append(d)
    return DemonCheck(
        layers=tuple(range(2, net.num_layers + 1)),
        backprop=tuple(stages.deltas), demon=tuple(demon),
        errors=tuple(relative_error(a, b) for a, b in zip(stages.deltas, demon)),
    )


class _PassCounter:
    """Counts forward passes through a network (for notebook 09's comparison)."""

    def __init__(self):
        self.passes = 0


def forward_difference_gradient(net, x, y, eps=1e-6):
    """The naive way to get the gradient: one extra forward pass per parameter.

    dC/dp ≈ (C(p + ε) - C(p)) / ε. Returns ``(nabla_b, nabla_w, passes)`` where
    ``passes`` counts the forward passes run: the number of parameters + 1 (the "+ 1" is
    C(p) itself). This is the method the chapter's "in what sense is backpropagation a
    fast algorithm?" section sets against backprop's one forward and one backward pass.
    """
    x, y, eps = _checked(net, x, y, eps)
    ws, bs = _copies(net)
    counter = _PassCounter()

    def cost():
        counter.passes += 1
        return _cost(net, ws, bs, x, y)

    base = cost()

    def quotient(p, idx):
        old = p[idx]
        p[idx] = old + eps
        q = (cost() - base) / eps
        p[idx] = old
        return q

    nabla_b, nabla_w = _each_parameter(ws, bs, quotient)
    return nabla_b, nabla_w, counter.passes
