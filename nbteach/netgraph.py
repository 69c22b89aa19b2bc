"""The computational graph of a network's cost for one example, in the book's notation.

``graph_of(net, x, y)`` writes out with ``autodiff.Value`` nodes, one number at a time, what
the network computes with matrices for one example:

    w^l_{jk} a^{l-1}_k                       one product node per weight
    z^l_j = Σ_k w^l_{jk} a^{l-1}_k + b^l_j   one sum node per neuron
    a^l_j = σ(z^l_j)                         one σ node per neuron
    C = ½ Σ_j (a^L_j − y_j)²                 the quadratic cost of chapter 2

Each node is labelled as the book writes it, neurons counted from 1 (``w^2_{11}`` is Python's
``weights[0][0, 0]``), and ``Graph`` finds each by its book coordinates (``graph.zs[2, 1]`` is
z^2_1). The input activations a^1_k are nodes too, so the sweep also computes ∂C/∂x, which
backprop never needs. After ``sweep = graph.backward()``, ``gradients()`` and ``deltas()``
collect the node gradients in the shapes backprop returns, and ``work(sweep)`` counts the
sweep's multiplications layer by layer, to set beside the matrix products that do the same.

``record_sweep(output)`` runs ``output.backward()`` and keeps the sweep of any ``Value``, one
``SweepStep`` per edge, in the order the engine took them: what the ``GraphStepper`` shows.

Non-goals: other activations and costs (this is chapter 2's sigmoid network with the
quadratic cost), large networks (a 784-30-10 network makes about 48,000 nodes: fine to count,
not to draw), and any speed at all.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .autodiff import Value, sum_of
from .checks import check_pair

__all__ = ["Graph", "LayerWork", "SweepStep", "graph_of", "record_sweep", "subscript"]


def subscript(*idx):
    """Book subscripts: ``11`` for j = 1, k = 1; ``{12,3}`` once an index has two digits."""
    s = ("" if all(i < 10 for i in idx) else ",").join(map(str, idx))
    return s if len(s) == 1 else "{" + s + "}"


@dataclass(frozen=True)
class SweepStep:
    """One edge of the reverse sweep: ``parent.grad += local × upstream``.

    ``node`` has its complete gradient ``upstream`` = ∂C/∂node when the step happens;
    ``local`` = ∂node/∂parent was computed in the forward pass; ``product`` is this edge's
    share of ∂C/∂parent and ``total`` the parent's gradient right after adding it. The
    parent receives ``contributions`` shares in all; this is share number ``contribution``.
    """

    index: int            # position in the sweep, from 0
    node: Value
    parent: Value
    local: float
    upstream: float
    product: float
    total: float
    contribution: int     # 1..contributions
    contributions: int

    @property
    def fans_out(self):
        """True when the parent feeds more than one node: its gradient is a sum of ``+=``."""
        return self.contributions > 1

    def __repr__(self):
        share = f"  ({self.contribution} of {self.contributions})" if self.fans_out else ""
        name = self.parent.label or f"({self.parent.op})"
        return (f"SweepStep({self.index + 1}: ∂C/∂{name} += "
                f"{self.local:.6g} × {self.upstream:.6g} = {self.product:.6g}{share})")


def record_sweep(output):
    """Run ``output.backward()``; return its sweep as a tuple of ``SweepStep``, one per edge.

    The steps are the engine's own, in its order (``Value.sweep_order``): each node's
    gradient was complete before it passed a share back, and each parent's running total is
    added up in the same order as ``backward`` adds it, so the last ``total`` of a parent is
    its ``grad`` exactly.
    """
    output.backward()
    order, uses = output.sweep_order()
    steps, totals, received = [], defaultdict(float), Counter()
    for v in order:
        for p, local in zip(v.parents, v.local_grads):
            product = local * v.grad
            totals[p] += product
            received[p] += 1
            steps.append(SweepStep(len(steps), v, p, local, v.grad, product, totals[p],
                                   received[p], uses[p]))
    return tuple(steps)


@dataclass(frozen=True)
class LayerWork:
    """The sweep's work at one layer l, counted edge by edge from the recorded steps."""

    layer: int
    products: int       # nodes w^l_jk a^{l-1}_k: the multiplications of w^l a^{l-1} (forward)
    into_weights: int   # += a^{l-1}_k δ^l_j into w^l_jk: the entries of δ^l (a^{l-1})ᵀ (BP4)
    into_inputs: int    # += w^l_jk δ^l_j into a^{l-1}_k: the multiplications of (w^l)ᵀ δ^l
                        # (BP2 for l > 2; at l = 2 they make ∂C/∂x, which backprop skips)
    into_biases: int    # += δ^l_j into b^l_j (BP3)
    through_sigma: int  # ∂C/∂a^l_j × σ'(z^l_j): the Hadamard product of BP1 or BP2


@dataclass(frozen=True, repr=False)
class Graph:
    """The nodes of ``graph_of(net, x, y)``, found by their book coordinates (from 1).

    ``activations[l, j]`` (l = 1..L; a^1 is x), ``weights[l, j, k]``, ``biases[l, j]``,
    ``products[l, j, k]`` (w^l_jk a^{l-1}_k), ``zs[l, j]``, ``cost``; ``roles[node]`` is the
    node's kind and coordinates, e.g. ``("w", 2, 1, 1)`` or ``("C",)``.
    """

    sizes: tuple
    activations: Mapping
    weights: Mapping
    biases: Mapping
    products: Mapping
    zs: Mapping
    cost: Value
    roles: Mapping

    @property
    def nodes(self):
        """Every node, in the order the reverse sweep visits them (C first)."""
        return self.cost.sweep_order()[0]

    def backward(self):
        """Run the reverse sweep from C; return its ``SweepStep`` records."""
        return record_sweep(self.cost)

    def _collect(self, nodes, shapes):
        out = [np.zeros(s) for s in shapes]
        for key, v in nodes.items():
            l, j, *k = key
            out[l - 2][j - 1, k[0] - 1 if k else 0] = v.grad
        return out

    def gradients(self):
        """``(nabla_b, nabla_w)`` from the bias and weight nodes, shaped as ``net.backprop``."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        return (self._collect(self.biases, [(n, 1) for _, n in pairs]),
                self._collect(self.weights, [(n, m) for m, n in pairs]))

    def deltas(self):
        """∂C/∂z^l for l = 2..L, from the z nodes: a list of ``(n_l, 1)`` arrays."""
        return self._collect(self.zs, [(n, 1) for n in self.sizes[1:]])

    def work(self, sweep):
        """Count the recorded ``sweep`` edge by edge: one ``LayerWork`` per layer l = 2..L."""
        count = Counter()
        for s in sweep:
            node, parent = self.roles[s.node], self.roles[s.parent]
            kind = {("wa", "w"): "into_weights", ("wa", "a"): "into_inputs",
                    ("z", "b"): "into_biases", ("a", "z"): "through_sigma"}.get(
                        (node[0], parent[0]))
            if kind:
                count[kind, node[1]] += 1
        layers = range(2, len(self.sizes) + 1)
        return tuple(LayerWork(l, sum(key[0] == l for key in self.products),
                               *(count[kind, l] for kind in ("into_weights", "into_inputs",
                                                             "into_biases", "through_sigma")))
                     for l in layers)

    def __repr__(self):
        edges = sum(len(v.parents) for v in self.nodes)
        return (f"Graph({'-'.join(map(str, self.sizes))} network: {len(self.roles)} nodes, "
                f"{edges} edges, C = {self.cost.data:.6g})")

    def _repr_html_(self):
        from .graph_diagram import graph_svg
        return graph_svg(self)                 # inline styles only: no stylesheet needed


def graph_of(net, x, y):
    """The computational graph of the quadratic cost C_x of ``net`` on one example.

    Parameters
    ----------
    net : Network with sigmoid neurons and the quadratic cost (chapter 2's)
    x : (n_in, 1) array, the input a^1
    y : (n_out, 1) array, the desired output

    Returns a ``Graph`` whose node values are the forward pass (``graph.cost.data`` is C_x);
    the gradients are filled in by ``graph.backward()``.
    """
    if net.activation.name != "sigmoid" or net.cost.name != "quadratic":
        raise ValueError("graph_of draws chapter 2's network: sigmoid neurons and the quadratic "
                         f"cost; this one has {net.activation.name} and {net.cost.name}")
    x, y = check_pair(x, y, net.n_in, net.n_out, single=True)
    ws, bs = net._params()
    L = net.num_layers
    roles, acts, weights, biases, products, zs = {}, {}, {}, {}, {}, {}

    def node(v, role, book):
        roles[v] = role
        book[role[1:]] = v
        return v

    a = [node(Value(x[k, 0], label=f"a^1_{subscript(k + 1)}"), ("a", 1, k + 1), acts)
         for k in range(net.n_in)]
    for l in range(2, L + 1):
        w, b = ws[l - 2], bs[l - 2]                    # (n_l, n_{l-1}), (n_l, 1)
        layer = []
        for j in range(1, w.shape[0] + 1):
            terms = []
            for k in range(1, w.shape[1] + 1):
                wv = node(Value(w[j - 1, k - 1], label=f"w^{l}_{subscript(j, k)}"), ("w", l, j, k),
                          weights)
                wa = (wv * a[k - 1]).named(f"{wv.label} {a[k - 1].label}")
                terms.append(node(wa, ("wa", l, j, k), products))
            bv = node(Value(b[j - 1, 0], label=f"b^{l}_{subscript(j)}"), ("b", l, j), biases)
            z = node(sum_of(terms + [bv]).named(f"z^{l}_{subscript(j)}"), ("z", l, j), zs)
            layer.append(node(z.sigmoid().named(f"a^{l}_{subscript(j)}"), ("a", l, j), acts))
        a = layer
    squares = []
    for j, aj in enumerate(a, start=1):
        error = (aj - y[j - 1, 0]).named(f"{aj.label} - y_{subscript(j)}")
        roles[error] = ("error", j)
        squares.append((error ** 2).named(f"({error.label})^2"))
        roles[squares[-1]] = ("square", j)
    total = squares[0]
    if len(squares) > 1:
        total = sum_of(squares).named(rf"\sum_j (a^{L}_j - y_j)^2")
        roles[total] = ("sum",)
    cost = (0.5 * total).named("C")
    roles[cost] = ("C",)
    frozen = MappingProxyType
    return Graph(tuple(net.sizes), frozen(acts), frozen(weights), frozen(biases),
                 frozen(products), frozen(zs), cost, frozen(roles))
