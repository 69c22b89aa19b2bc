"""Frozen records of every stage of one backprop run, for a learner to inspect.

``Network.trace(x, y)`` returns a ``BackpropTrace``. It holds the very arrays
``backprop_stages`` computed (made read-only), plus:

* ``hadamards``: one ``Hadamard`` record per layer l = 2..L, keeping both factors and the
  product (BP1 at l = L, BP2 below);
* ``steps``: the algorithm as a sequence of ``Step`` records, in the book's order:
  feedforward for l = 2..L, BP1 at l = L, BP2 for l = L-1 down to 2, then BP3 and BP4
  for l = L down to 2. Each step carries its equation with this step's layer filled in,
  its operands, its result, and the lines of the book's ``backprop`` it corresponds to.

``Network.forward_trace(x)`` returns a ``ForwardTrace``, the feedforward steps alone (the
chapter's warm-up).

Every record carries the book's layer number ``l`` (input layer l = 1), so nobody has to
translate Python's negative indices. Non-goal: rendering; see ``panes`` and ``widgets``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .backprop import BOOK_BACKPROP_SOURCE, backprop_stages, feedforward_stages

__all__ = ["Hadamard", "Step", "BackpropTrace", "ForwardTrace", "build_trace",
           "build_forward_trace", "frozen_array", "shape_text", "EQUATIONS", "CODE_LINES"]

EQUATIONS = ("feedforward", "BP1", "BP2", "BP3", "BP4")

# Line numbers (1-based) of BOOK_BACKPROP_SOURCE that each kind of step corresponds to,
# found by the lines' text, so the listing can be shown exactly as the book prints it.
_LINE_TEXT = {
    "feedforward": ("for b, w in zip(self.biases", "z = np.dot(w, activation)+b", "zs.append(z)",
                    "activation = sigmoid(z)", "activations.append(activation)"),
    "BP1": ("delta = self.cost_derivative(", "sigmoid_prime(zs[-1])"),
    "BP3 output": ("nabla_b[-1] = delta",),
    "BP4 output": ("nabla_w[-1] = np.dot(",),
    "BP2": ("for l in range(2, self.num_layers)", "z = zs[-l]", "sp = sigmoid_prime(z)",
            "delta = np.dot(self.weights[-l+1]"),
    "BP3": ("nabla_b[-l] = delta",),
    "BP4": ("nabla_w[-l] = np.dot(",),
}


def _line_numbers(texts):
    lines = [line.strip() for line in BOOK_BACKPROP_SOURCE.splitlines()]
    found = tuple(n for n, line in enumerate(lines, start=1)
                  if any(line.startswith(t) for t in texts))
    assert len(found) == len(texts), texts      # each text names exactly one line
    return found


CODE_LINES = {key: _line_numbers(texts) for key, texts in _LINE_TEXT.items()}


def frozen_array(a):
    """A read-only float64 copy of ``a``: what every record keeps."""
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


def shape_text(a):
    """``30×784``: a shape as a record's repr writes it."""
    return "×".join(str(n) for n in a.shape)


@dataclass(frozen=True, repr=False)
class Hadamard:
    """One Hadamard product s ⊙ t = result, kept with both of its factors."""

    left: np.ndarray
    right: np.ndarray
    result: np.ndarray
    left_name: str
    right_name: str
    result_name: str
    equation: str     # "BP1" or "BP2"
    layer: int        # book layer l

    def __repr__(self):
        return (f"Hadamard({self.equation}, l={self.layer}: {self.left_name} {shape_text(self.left)}"
                f" ⊙ {self.right_name} {shape_text(self.right)} = {self.result_name} {shape_text(self.result)})")

    def _repr_html_(self):
        from .panes import hadamard_html
        from .style import styled
        return styled(hadamard_html(self))


@dataclass(frozen=True, repr=False)
class Step:
    """One step of the algorithm: an equation applied at one layer, with its numbers."""

    index: int                          # position in the trace, 0-based
    equation: str                       # one of EQUATIONS
    layer: int                          # book layer l
    latex: str                          # the equation in matrix form, this step's layer filled in
    operands: Mapping[str, np.ndarray]  # name -> array, in reading order
    result: np.ndarray
    result_name: str
    code: str                           # the lines of the book's backprop it corresponds to
    code_lines: tuple                   # their 1-based numbers in BOOK_BACKPROP_SOURCE
    direction: str                      # "forward" or "backward"
    description: str                   # one plain sentence
    intermediates: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))
    hadamard: Hadamard | None = None
    latex_components: str = ""         # the same equation for one component j (and k)

    def __repr__(self):
        ops = ", ".join(f"{k} {shape_text(v)}" for k, v in self.operands.items())
        return (f"Step({self.index + 1}: {self.equation} at l={self.layer}: "
                f"{self.result_name} {shape_text(self.result)} from {ops})")

    def heading(self, total):
        """The plain-text heading ``Step i of n · EQUATION · l = LAYER``."""
        return f"Step {self.index + 1} of {total} · {self.equation} · l = {self.layer}"

    def _repr_html_(self):
        from .panes import step_html
        from .style import styled
        return styled(step_html(self))


@dataclass(frozen=True, repr=False)
class BackpropTrace:
    """All stages of backprop for one example (m = 1) or a mini-batch of m columns.

    ``zs``, ``activations``, ``deltas``, ``nabla_b`` and ``nabla_w`` are lists in the book's
    code order: index i is book layer l = i + 2, except ``activations`` where index i is
    layer l = i + 1 (``activations[0]`` is the input). Gradients are summed over the batch.
    """

    sizes: tuple
    activation: str
    cost_name: str
    x: np.ndarray
    y: np.ndarray
    zs: list
    activations: list
    deltas: list
    nabla_b: list
    nabla_w: list
    weights: list
    biases: list
    cost: float                 # C summed over the columns
    hadamards: tuple
    steps: tuple

    @property
    def batch_size(self):
        return self.x.shape[1]

    @property
    def num_layers(self):
        return len(self.sizes)

    def layer(self, l):
        """The arrays of book layer ``l`` (2..L) as a dict: z, a, delta, nabla_b, nabla_w..."""
        L = self.num_layers
        if not (isinstance(l, (int, np.integer)) and 2 <= l <= L):
            raise ValueError(f"layer must be a book layer number from 2 to L = {L}; got {l!r}")
        i = l - 2
        return {
            "w": self.weights[i], "b": self.biases[i], "a_prev": self.activations[i],
            "z": self.zs[i], "a": self.activations[i + 1], "delta": self.deltas[i],
            "nabla_b": self.nabla_b[i], "nabla_w": self.nabla_w[i],
            "hadamard": self.hadamards[i],
        }

    def __len__(self):
        return len(self.steps)

    def __repr__(self):
        sizes = "-".join(map(str, self.sizes))
        return (f"BackpropTrace({sizes} network, {self.batch_size} example(s), "
                f"{len(self.steps)} steps, {self.activation} / {self.cost_name}, C = {self.cost:.6g})")

    def _repr_html_(self):
        from .panes import trace_html
        from .style import styled
        return styled(trace_html(self))


@dataclass(frozen=True, repr=False)
class ForwardTrace:
    """The warm-up alone: the columns of ``x`` fed forward, one ``Step`` per layer l = 2..L.

    No target and no cost: this is what ``Network.forward_trace(x)`` returns and what
    ``ForwardStepper`` shows. Lists are indexed as in ``BackpropTrace``.
    """

    sizes: tuple
    activation: str
    x: np.ndarray
    zs: list
    activations: list
    weights: list
    biases: list
    steps: tuple

    @property
    def batch_size(self):
        return self.x.shape[1]

    @property
    def num_layers(self):
        return len(self.sizes)

    def __len__(self):
        return len(self.steps)

    def __repr__(self):
        sizes = "-".join(map(str, self.sizes))
        return (f"ForwardTrace({sizes} network, {self.batch_size} example(s), "
                f"{len(self.steps)} layers fed forward, {self.activation})")


def _code(key):
    """The lines of the book's ``backprop`` for one kind of step, and their numbers."""
    lines = BOOK_BACKPROP_SOURCE.splitlines()
    nums = CODE_LINES[key]
    return "\n".join(lines[n - 1] for n in nums), nums


def _step(index, **kw):
    kw["operands"] = MappingProxyType(dict(kw["operands"]))
    kw["intermediates"] = MappingProxyType(dict(kw.get("intermediates", {})))
    return Step(index=index, **kw)


def _feedforward_step(index, l, ws, bs, zs, acts):
    """The feedforward step of book layer l: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l)."""
    i = l - 2
    src, nums = _code("feedforward")
    return _step(
        index, equation="feedforward", layer=l,
        latex=(rf"z^{{{l}}} = w^{{{l}}} a^{{{l - 1}}} + b^{{{l}}}, \qquad "
               rf"a^{{{l}}} = \sigma(z^{{{l}}})"),
        latex_components=(rf"z^{{{l}}}_j = \sum_k w^{{{l}}}_{{jk}} a^{{{l - 1}}}_k + b^{{{l}}}_j,"
                          rf" \qquad a^{{{l}}}_j = \sigma(z^{{{l}}}_j)"),
        operands={f"w^{l}": ws[i], f"a^{l - 1}": acts[i], f"b^{l}": bs[i]},
        intermediates={f"z^{l}": zs[i]},
        result=acts[i + 1], result_name=f"a^{l}", code=src, code_lines=nums,
        direction="forward",
        description=(f"Feed layer {l - 1}'s activations forward: weighted input z^{l}, "
                     f"then the activation a^{l} = σ(z^{l})."))


def _sizes_of(weights):
    return tuple(w.shape[1] for w in weights) + (weights[-1].shape[0],)


def build_forward_trace(weights, biases, x, activation):
    """Feed the columns of ``x`` forward and record one ``Step`` per layer l = 2..L."""
    zs, acts = feedforward_stages(weights, biases, x, activation)
    zs, acts = [frozen_array(z) for z in zs], [frozen_array(a) for a in acts]
    ws, bs = [frozen_array(w) for w in weights], [frozen_array(b) for b in biases]
    steps = tuple(_feedforward_step(i, l, ws, bs, zs, acts)
                  for i, l in enumerate(range(2, len(weights) + 2)))
    return ForwardTrace(sizes=_sizes_of(weights), activation=activation.name, x=acts[0],
                        zs=zs, activations=acts, weights=ws, biases=bs, steps=steps)


def build_trace(weights, biases, x, y, activation, cost):
    """Run backprop on the columns of ``x`` and record every stage (see module docstring)."""
    stages = backprop_stages(weights, biases, x, y, activation, cost)
    L = len(weights) + 1
    m = x.shape[1]
    F = frozen_array
    zs = [F(z) for z in stages.zs]
    acts = [F(a) for a in stages.activations]
    sps = [F(s) for s in stages.sigma_primes]
    deltas = [F(d) for d in stages.deltas]
    nabla_b = [F(nb) for nb in stages.nabla_b]
    nabla_w = [F(nw) for nw in stages.nabla_w]
    ws = [F(w) for w in weights]
    bs = [F(b) for b in biases]
    nabla_a = F(stages.nabla_a)
    sum_x = r"\sum_x " if m > 1 else ""
    sup_x = "x," if m > 1 else ""       # the book's δ^{x,l}: example x's error at layer l
    code = _code

    # The Hadamard products: BP1 at l = L, BP2 at l = L-1..2 (stored in layer order).
    hadamards = []
    for l in range(2, L + 1):
        i = l - 2
        if l == L:
            left, left_name, eq = nabla_a, "∇_a C", "BP1"
        else:
            left = F(stages.carried[i])                    # (w^{l+1})^T δ^{l+1}
            left_name, eq = f"(w^{l + 1})ᵀ δ^{l + 1}", "BP2"
        hadamards.append(Hadamard(left, sps[i], deltas[i], left_name, f"σ'(z^{l})",
                                  f"δ^{l}", eq, l))

    steps = []

    def add(**kw):
        steps.append(_step(len(steps), **kw))

    for l in range(2, L + 1):
        steps.append(_feedforward_step(len(steps), l, ws, bs, zs, acts))
    h = hadamards[-1]
    src, nums = code("BP1")
    add(equation="BP1", layer=L,
        latex=rf"\delta^{{{L}}} = \nabla_a C \odot \sigma'(z^{{{L}}})",
        latex_components=(rf"\delta^{{{L}}}_j = \frac{{\partial C}}{{\partial a^{{{L}}}_j}}"
                          rf"\, \sigma'(z^{{{L}}}_j)"),
        operands={"∇_a C": h.left, f"σ'(z^{L})": h.right},
        intermediates={f"a^{L}": acts[-1], "y": F(y), f"z^{L}": zs[-1]},
        result=deltas[-1], result_name=f"δ^{L}", code=src, code_lines=nums,
        direction="backward", hadamard=h,
        description=(f"The output error: how fast the cost changes with each output "
                     f"activation, times σ'(z^{L})."))
    for l in range(L - 1, 1, -1):
        i = l - 2
        h = hadamards[i]
        src, nums = code("BP2")
        add(equation="BP2", layer=l,
            latex=(rf"\delta^{{{l}}} = \left((w^{{{l + 1}}})^T \delta^{{{l + 1}}}\right)"
                   rf" \odot \sigma'(z^{{{l}}})"),
            latex_components=(rf"\delta^{{{l}}}_j = \sum_k w^{{{l + 1}}}_{{kj}}\, "
                              rf"\delta^{{{l + 1}}}_k\, \sigma'(z^{{{l}}}_j)"),
            operands={f"w^{l + 1}": ws[i + 1], f"δ^{l + 1}": deltas[i + 1],
                      h.left_name: h.left, h.right_name: h.right},
            result=deltas[i], result_name=f"δ^{l}", code=src, code_lines=nums,
            direction="backward", hadamard=h,
            description=(f"Move the error back from layer {l + 1} to layer {l}: through the "
                         f"transposed weights, then through σ'(z^{l})."))
    for l in range(L, 1, -1):
        i = l - 2
        suffix = " output" if l == L else ""
        src, nums = code("BP3" + suffix)
        add(equation="BP3", layer=l,
            latex=(rf"\frac{{\partial C}}{{\partial b^{{{l}}}}} = \sum_x \delta^{{x,{l}}}"
                   if m > 1 else rf"\frac{{\partial C}}{{\partial b^{{{l}}}}} = \delta^{{{l}}}"),
            latex_components=(rf"\frac{{\partial C}}{{\partial b^{{{l}}}_j}} = "
                              rf"{sum_x}\delta^{{{sup_x}{l}}}_j"),
            operands={f"δ^{l}": deltas[i]},
            result=nabla_b[i], result_name=f"∂C/∂b^{l}", code=src, code_lines=nums,
            direction="backward",
            description=(f"The bias gradient of layer {l} is its error δ^{l}"
                         + (" summed over the mini-batch." if m > 1 else ".")))
        src, nums = code("BP4" + suffix)
        add(equation="BP4", layer=l,
            latex=(rf"\frac{{\partial C}}{{\partial w^{{{l}}}}} = "
                   rf"\delta^{{{l}}} (a^{{{l - 1}}})^T"),
            latex_components=(rf"\frac{{\partial C}}{{\partial w^{{{l}}}_{{jk}}}} = "
                              rf"{sum_x}a^{{{sup_x}{l - 1}}}_k \delta^{{{sup_x}{l}}}_j"),
            operands={f"δ^{l}": deltas[i], f"a^{l - 1}": acts[i]},
            result=nabla_w[i], result_name=f"∂C/∂w^{l}", code=src, code_lines=nums,
            direction="backward",
            description=(f"The weight gradient of layer {l}: δ^{l} (a^{l - 1})ᵀ, the error of "
                         f"the neuron each weight feeds times the activation it comes from."))

    cost_value = float(cost.fn(stages.activations[-1], y))
    return BackpropTrace(
        sizes=_sizes_of(weights), activation=activation.name, cost_name=cost.name, x=F(x), y=F(y),
        zs=zs, activations=acts, deltas=deltas, nabla_b=nabla_b, nabla_w=nabla_w,
        weights=ws, biases=bs, cost=cost_value, hadamards=tuple(hadamards), steps=tuple(steps),
    )
