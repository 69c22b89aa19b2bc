"""Backpropagation as a sum over paths: the chapter's "big picture" section, in numbers.

A small change Δw^l_jk in one weight changes a^l_j, which changes every activation of the
next layer, and so on until the cost. Along one path j -> q -> ... -> m through the layers,
the change is multiplied by one *rate factor* per edge:

    ∂a^l_j/∂w^l_jk      = σ'(z^l_j) a^{l-1}_k
    ∂a^{r+1}_q/∂a^r_p   = σ'(z^{r+1}_q) w^{r+1}_qp
    ∂C/∂a^L_m           = the cost derivative at output m

and ∂C/∂w^l_jk is the sum, over every path, of the product of its rate factors (the book's
equation (53)). ``paths_for_weight`` lists every path with its factors, so a learner can
check that the sum equals what backprop computes. The number of paths is the product of the
layer sizes after l, so this is for tiny networks only (it refuses more than ``MAX_PATHS``).

Two numberings, as everywhere in nbteach: the arguments ``j`` and ``k`` and ``Path.neurons``
are Python's 0-based rows and columns; every printed label uses the book's 1-based neuron
numbers. ``w^3_13`` is the weight into neuron 1 of layer 3 from neuron 3 of layer 2, which
Python holds at ``weights[1][0, 2]``; ``PathSum.python`` says so.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .backprop import backprop_stages
from .checks import check_index, check_pair

__all__ = ["Path", "PathSum", "paths_for_weight", "all_path_sums", "MAX_PATHS"]

MAX_PATHS = 100_000


@dataclass(frozen=True)
class Path:
    """One path from w^l_jk to C: the neuron visited in each layer and the rate factors."""

    neurons: tuple      # ((layer, row), ...) from (l, j) to (L, m); Python rows, from 0
    factors: tuple      # ((label, value), ...) one per edge, the last is ∂C/∂a^L_m
    rate: float         # the product of the factors

    def __str__(self):
        route = " → ".join(f"a^{l}_{n + 1}" for l, n in self.neurons) + " → C"
        factors = " × ".join(f"{v:+.3e}" for _, v in self.factors)
        return f"{route}: {factors} = {self.rate:+.4e}"


@dataclass(frozen=True)
class PathSum:
    """Every path from one weight to the cost, their sum, and backprop's value beside it."""

    layer: int
    j: int
    k: int
    paths: tuple
    total: float        # sum of the paths' rates
    backprop: float     # ∂C/∂w^l_jk from backprop (BP1..BP4)

    @property
    def weight_name(self):
        """The weight in the book's notation, neurons counted from 1: ``w^3_13``."""
        return f"w^{self.layer}_{_pair(self.j + 1, self.k + 1)}"

    @property
    def python(self):
        """Where Python holds the weight: ``weights[1][0, 2]``."""
        return f"weights[{self.layer - 2}][{self.j}, {self.k}]"

    def __str__(self):
        lines = [str(p) for p in self.paths]
        lines.append(f"sum over {len(self.paths)} path(s): {self.total:+.10e}")
        lines.append(f"backprop ∂C/∂{self.weight_name} ({self.python}): {self.backprop:+.10e}")
        return "\n".join(lines)


def _pair(j, k):
    """Two neuron numbers as the book subscripts them: ``13``, or ``12,3`` past 9."""
    return f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"


def paths_for_weight(net, x, y, l, j, k):
    """List every path from the weight w^l_jk to the cost for one example (x, y).

    Parameters
    ----------
    net : Network
    x : (n_in, 1) array, y : (n_out, 1) array
    l : book layer of the weight, 2..L
    j : Python row of ``weights[l-2]``, from 0 (the book's neuron j + 1 of layer l)
    k : Python column, from 0 (the book's neuron k + 1 of layer l - 1)
    """
    x, y = check_pair(x, y, net.n_in, net.n_out, single=True)
    L = net.num_layers
    if isinstance(l, (bool, np.bool_)) or not isinstance(l, (int, np.integer)):
        raise TypeError(f"l must be a book layer number, an integer from 2 to {L}; got {l!r}")
    if not 2 <= l <= L:
        raise ValueError(f"l must be a book layer number from 2 to {L}; got {l!r}")
    l = int(l)
    rows, cols = net.sizes[l - 1], net.sizes[l - 2]
    j = check_index(j, f"j (w^{l} is {rows}×{cols}: j is a Python row)", rows)
    k = check_index(k, f"k (w^{l} is {rows}×{cols}: k is a Python column)", cols)
    count = int(np.prod(net.sizes[l:], dtype=np.int64))
    if count > MAX_PATHS:
        raise ValueError(f"weights[{l - 2}][{j}, {k}] has {count} paths to the cost; this view is for tiny "
                         f"networks (at most {MAX_PATHS} paths)")
    ws, bs = net._params()
    return _path_sum(net, backprop_stages(ws, bs, x, y, net.activation, net.cost), l, j, k)


def all_path_sums(net, x, y):
    """``paths_for_weight`` for every weight of the network, from one run of backprop.

    In the order l = 2..L, then row j, then column k.
    """
    x, y = check_pair(x, y, net.n_in, net.n_out, single=True)
    if int(np.prod(net.sizes[2:], dtype=np.int64)) > MAX_PATHS:     # the first layer has most
        raise ValueError(f"this network has more than {MAX_PATHS} paths from a weight to the "
                         "cost; this view is for tiny networks")
    ws, bs = net._params()
    stages = backprop_stages(ws, bs, x, y, net.activation, net.cost)
    return [_path_sum(net, stages, l, j, k) for l in range(2, net.num_layers + 1)
            for j in range(net.sizes[l - 1]) for k in range(net.sizes[l - 2])]


def _path_sum(net, s, l, j, k):
    """The PathSum of w^l_jk from the stages ``s`` of one backprop run."""
    L = net.num_layers
    ws = net.weights
    sp = s.sigma_primes                     # sp[i] = σ'(z^{i+2})
    a = s.activations                       # a[i] = a^{i+1}

    first = ("∂a/∂w", sp[l - 2][j, 0] * a[l - 2][k, 0])
    paths = []
    for route in itertools.product(*(range(n) for n in net.sizes[l:])):
        neurons = [(l, j)] + [(l + 1 + r, n) for r, n in enumerate(route)]
        factors = [first]
        for (r, p), (_, q) in zip(neurons, neurons[1:]):
            # ∂a^{r+1}_q / ∂a^r_p = σ'(z^{r+1}_q) w^{r+1}_qp; w^{r+1} is weights[r-1]
            factors.append((f"∂a^{r + 1}_{q + 1}/∂a^{r}_{p + 1}",
                            sp[r - 1][q, 0] * ws[r - 1][q, p]))
        m = neurons[-1][1]
        factors.append((f"∂C/∂a^{L}_{m + 1}", s.nabla_a[m, 0]))
        rate = float(np.prod([v for _, v in factors]))
        paths.append(Path(tuple(neurons), tuple((n, float(v)) for n, v in factors), rate))
    return PathSum(layer=l, j=j, k=k, paths=tuple(paths),
                   total=float(sum(p.rate for p in paths)),
                   backprop=float(s.nabla_w[l - 2][j, k]))
