"""The bug zoo: ten wrong backprops, the network they run on, and a checker for a diagnosis.

Purpose: practice in debugging backprop with the package's own tools. Each specimen
(``nbteach.specimens``) is the book's backprop with one realistic bug that raises nothing on
the zoo's network, so only its numbers are wrong. The learner reads its code, runs the
tools (``inspect_specimen``: the gradient check layer by layer, the activation each weight
gradient used and the exercise checkers' hint; ``gradcheck.demon_check``; ``Network.trace``)
and names the bug by two things: the equation whose line is wrong and the book layer l where
the function computes its first wrong number, in the order it computes (the forward pass
l = 2..L, then the backward pass l = L..2). ``diagnose_specimen`` says right, or wrong with
a hint that points at evidence, never at the answer. The vocabulary (``EQUATIONS``) names
places in the algorithm, never a kind of bug; ``inspect_specimen`` keeps the exercise
checkers' hint folded away, since for some specimens it names the bug outright.

Each ``Specimen`` keeps its ``Truth`` (the equation, the layer, the layers it leaves wrong,
the symptom that gives it away, how to spot it next time); a specimen's repr shows its code
and never its truth.

The zoo's network is [3, 4, 4, 4]: its last three layers have the same size, so that a slip
that would break a shape on other networks still runs here; the mini-batch has m = 4
examples, as many as those layers have neurons. Non-goal: finding bugs automatically.
"""
from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from . import specimens
from .bughunt import BugReport, inspect_function
from .bugzoo_hints import hint_for
from .diagnose import CheckResult
from .display import code_html, esc
from .network import Network
from .style import styled

__all__ = ["EQUATIONS", "SIZES", "SEED", "M", "Lab", "lab", "Truth", "Specimen", "SPECIMENS",
           "REFERENCE", "REFERENCE_BATCH", "specimen", "inspect_specimen", "diagnose_specimen",
           "BugReport"]

# where a line can be wrong. On a mini-batch, BP3's and BP4's lines also add up the examples
# at their layer; "mini-batch sum" is the scale of the total over the examples, a slip that
# makes every gradient of every layer the sum times one common factor. A slip in BP3's or BP4's
# lines that leaves any gradient right is that equation's; one that scales them all alike is
# the mini-batch sum's (``diagnose_specimen`` accepts one answer only). A function of one
# example has no mini-batch sum: a common factor there belongs to the line that makes it.
EQUATIONS = ("feedforward", "cost derivative", "BP1", "BP2", "BP3", "BP4", "mini-batch sum")
SIZES = (3, 4, 4, 4)    # w^3 and w^4 square: some slips run only because of that
SEED = 0
M = 4                   # examples in the zoo's mini-batch, as many as layers 2-4 have neurons


@dataclass(frozen=True, repr=False)
class Lab:
    """The zoo's network, one example (x, y) and one mini-batch (X, Y)."""

    net: Network
    x: np.ndarray    # (3, 1)
    y: np.ndarray    # (4, 1), the target: output neuron 2
    X: np.ndarray    # (3, M), column j is example j
    Y: np.ndarray    # (4, M)

    def data(self, batch):
        return (self.X, self.Y) if batch else (self.x, self.y)

    def __repr__(self):
        return (f"Lab: the {'-'.join(map(str, SIZES))} sigmoid network (seed {SEED}, quadratic "
                f"cost)\none example x {self.x.shape}, y {self.y.shape}; a mini-batch "
                f"X {self.X.shape}, Y {self.Y.shape}")


def lab():
    """A fresh copy of the zoo's network and data (the same numbers every time)."""
    rng = np.random.default_rng(SEED)
    x = rng.random((SIZES[0], 1))
    y = np.eye(SIZES[-1])[:, [1]]
    X = rng.random((SIZES[0], M))
    Y = np.eye(SIZES[-1])[:, rng.integers(0, SIZES[-1], M)]
    return Lab(Network(list(SIZES), seed=SEED), x, y, X, Y)


@dataclass(frozen=True)
class Truth:
    """What a specimen's bug is: the answer ``diagnose_specimen`` checks, and its story."""

    equation: str       # one of EQUATIONS: whose line is wrong
    layer: int          # book layer where the function computes its first wrong number
    wrong_b: tuple      # book layers whose ∂C/∂b comes out wrong on the zoo's data
    wrong_w: tuple      # book layers whose ∂C/∂w comes out wrong
    bug: str            # the wrong line and what belongs there
    symptom: str        # what the tools show
    spot: str           # how to spot it next time


@dataclass(frozen=True, repr=False)
class Specimen:
    """One backprop to read and diagnose. Its repr is its code with line numbers."""

    number: int
    fn: Callable
    batch: bool                                   # True: takes a mini-batch (X, Y)
    truth: Truth | None = field(default=None)     # None for the correct references

    @property
    def name(self):
        return f"Specimen {self.number}" if self.number else "The book's backprop (correct)"

    @property
    def source(self):
        return inspect.getsource(self.fn)

    def __call__(self, weights, biases, x, y):
        return self.fn(weights, biases, x, y)

    def __repr__(self):
        lines = self.source.splitlines()
        return "\n".join([self.name] + [f"{n:2d}  {line}" for n, line in enumerate(lines, 1)])

    def _repr_html_(self):
        return styled(f"<div class='nbteach-block'><b>{esc(self.name)}</b>"
                      f"{code_html(self.source)}</div>")


REFERENCE = Specimen(0, specimens.backprop, batch=False)
REFERENCE_BATCH = Specimen(0, specimens.backprop_batch, batch=True)

_ALL = (2, 3, 4)
_TRUTHS = {
    1: Truth("BP1", 4, _ALL, _ALL,
             "BP1 multiplies by σ'(a^L), sigmoid_prime(activations[-1]), where σ'(z^L), "
             "sigmoid_prime(zs[-1]), belongs.",
             "Every gradient is wrong from the output layer down, with the right signs and "
             "no common factor; ∂C/∂b^4 divided by a^4 - y is σ'(a^4), not σ'(z^4).",
             "σ' always takes a weighted input: check that every sigmoid_prime( gets a z."),
    2: Truth("cost derivative", 4, _ALL, _ALL,
             "The cost derivative is written y - a^L; the quadratic cost's is a^L - y.",
             "Every gradient is exactly -1 times the true one: relative error 2 everywhere.",
             "A relative error of exactly 2 is a flipped sign; training with it climbs the "
             "cost instead of descending it."),
    3: Truth("BP4", 4, (), (4,),
             "BP4 at the output layer uses activations[-1] = a^L where a^{L-1}, "
             "activations[-2], belongs.",
             "Only ∂C/∂w^4 is wrong; every ∂C/∂b, so every δ, is right, and the activation "
             "read off ∂C/∂w^4 is a^4 instead of a^3.",
             "activations[i] is a^{i+1}: layer l pairs δ^l with activations[l - 2]. On layers "
             "of different sizes δ^L (a^L)^T has the wrong shape."),
    4: Truth("BP2", 3, (2, 3), (2, 3),
             "BP2 carries the error back with w^{l+1} instead of (w^{l+1})^T: "
             "np.dot(weights[-l+1], delta).",
             "Layer 4 is right; from layer 3 down both gradients are wrong, so δ^3 is the "
             "first wrong number. It runs only because w^4 and w^3 are square.",
             "Run backprop on a network whose layers all differ in size: there w^{l+1} δ^{l+1} "
             "raises a shape error."),
    5: Truth("BP2", 3, (2, 3), (2, 3),
             "The loop takes z = zs[-l+1], the weighted input of the next layer, so BP2 "
             "multiplies by σ'(z^{l+1}) instead of σ'(z^l).",
             "Layer 4 right, layers 3 and 2 wrong; δ^3 divided by (w^4)^T δ^4 is σ'(z^4), "
             "not σ'(z^3).",
             "In the book's loop l counts layers from the output: zs[-l], activations[-l-1] "
             "and nabla_b[-l] all name one layer; only weights[-l+1] is the next one."),
    6: Truth("BP2", 2, (2,), (2,),
             "BP2 reads deltas[-1], which is always δ^L because each new δ is inserted at the "
             "front; δ^{l+1} is deltas[0].",
             "Only layer 2 is wrong: at layer 3 the error of the next layer happens to be "
             "δ^4, so the first pass of the loop is right.",
             "Test on at least two hidden layers: with one, this bug cannot show. A list built "
             "with insert(0, ...) has its newest entry first."),
    7: Truth("cost derivative", 4, _ALL, _ALL,
             "δ^L uses (a - y) / (a (1 - a)), the cross-entropy cost's derivative, with the "
             "quadratic cost: δ^L comes out as a^L - y.",
             "Every layer is wrong and the checkers' hint says σ'(z^L) is missing, yet the "
             "code multiplies by it: the derivative in front of it cancels it.",
             "The cost derivative must belong to the cost the network is trained on. A hint "
             "names a pattern in the numbers, not the line that made it."),
    8: Truth("BP3", 3, (2, 3), (),
             "The loop sums δ over axis 0, the neurons, instead of axis 1, the examples, then "
             "transposes the (1, m) row into a column; it fits only because m = n_l = 4. "
             "∂C/∂b^4 and every ∂C/∂w stay right: no common scale, a slip in BP3's line.",
             "Only ∂C/∂b is wrong, at layers 3 and 2; every ∂C/∂w is right, so every δ is.",
             "Examples are columns: sum over axis=1. Test with a batch size unlike every layer "
             "size, and check that nabla_b[i].shape == biases[i].shape."),
    9: Truth("mini-batch sum", 4, _ALL, _ALL,
             "Every gradient is divided by m, a mean over the mini-batch, although the sum is "
             "wanted: update_mini_batch divides by m again. The division sits in BP3's and "
             "BP4's lines, but it scales every gradient of every layer alike.",
             "Every entry is exactly 1/m = 1/4 of the true one, relative error 0.75 "
             "everywhere; on a mini-batch of one example the check passes.",
             "Decide once where 1/m goes (the book: eta/len(mini_batch) in update_mini_batch) "
             "and check with m > 1."),
    10: Truth("feedforward", 2, _ALL, _ALL,
              "The forward pass stores z (activations.append(z)) where a = σ(z) belongs; the "
              "next layer still gets σ(z), so the forward pass itself goes on right.",
              "Every gradient is wrong with no common factor; the activation read off "
              "∂C/∂w^l is z^{l-1} at layers 4 and 3, and δ^4 is built from z^4.",
              "After the forward pass compare activations[i] with σ(zs[i-1]); a sigmoid's "
              "activations all lie between 0 and 1."),
}
SPECIMENS = {k: Specimen(k, getattr(specimens, f"specimen_{k}"), batch=k in (8, 9), truth=t)
             for k, t in _TRUTHS.items()}


def specimen(k):
    """Specimen ``k`` (1..10); 0 is the correct per-example backprop they were copied from."""
    if k == 0:
        return REFERENCE
    if k not in SPECIMENS:
        raise ValueError(f"the zoo has specimens 1 to {len(SPECIMENS)}; got {k!r}")
    return SPECIMENS[k]


def inspect_specimen(k, net=None, x=None, y=None):
    """Run the gradient check on specimen ``k`` (``bughunt.inspect_function``).

    By default on the zoo's network and its example (or mini-batch, for the specimens that
    take one); pass ``net`` and/or ``x`` ``(n_in, m)`` and ``y`` ``(n_out, m)`` to try
    another network or other data. Returns a ``BugReport`` whose checkers' hint is folded
    away (``report.hint`` reads it).
    """
    spec = specimen(k)
    if net is None or x is None:
        the_lab = lab()
        net = the_lab.net if net is None else net
        x, y = the_lab.data(spec.batch) if x is None else (x, y)
    return inspect_function(spec.fn, net, x, y, title=f"{spec.name}: gradient check on the "
                            f"{'-'.join(map(str, net.sizes))} network, "
                            + ("one example" if x.shape[1] == 1 else
                               f"a mini-batch of m = {x.shape[1]}"), hint_folded=True)


@cache
def _evidence(k):
    """What the tools show for specimen k on the zoo's data (deterministic, so cached)."""
    return inspect_specimen(k)


def diagnose_specimen(k, equation=None, layer=None):
    """Check a diagnosis of specimen ``k``: the equation whose line is wrong, and the layer.

    Parameters
    ----------
    k : int, the specimen (1..10)
    equation : str, one of ``EQUATIONS`` (case does not matter); a slip that makes every
        gradient of every layer the mini-batch's sum times one common factor is the
        "mini-batch sum", even where it sits in BP3's and BP4's lines
    layer : int, the book layer l (2..L) where the function computes its first wrong
        number, in the order it computes: forward l = 2..L, then backward l = L..2

    Returns
    -------
    CheckResult : "passed", "failed" with a hint that points at evidence, or "not
    attempted" while both are still None.
    """
    spec = specimen(k)
    if spec.truth is None:
        raise ValueError("specimen 0 is the correct backprop: there is nothing to diagnose")
    title, truth, L = spec.name, spec.truth, len(SIZES)
    choices = ", ".join(f'"{e}"' for e in EQUATIONS)
    if equation is None and layer is None:
        return CheckResult(title, "not attempted", (
            "No diagnosis yet: replace the two None values.\n"
            f"equation: one of {choices}\n"
            f"layer: the book layer l (2 to {L}) where the function computes its first wrong "
            "number"))
    name = _equation(equation)
    if name is None:
        return CheckResult(title, "failed", f"equation = {equation!r} is not one of:\n"
                           f"{choices}.")
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 2 <= layer <= L:
        why = (" Layer 1 is the input layer: it has no weights, biases or δ." if layer == 1
               else "")
        if isinstance(layer, (str, float)):
            kind = "string" if isinstance(layer, str) else "float"
            return CheckResult(title, "failed", f"layer = {layer!r}: the layer must be a whole "
                               f"number such as {L}, not the {kind} {layer!r}.")
        return CheckResult(title, "failed", f"layer = {layer!r}: name a book layer l from 2 to "
                           f"{L}.{why}")
    if (name, int(layer)) == (truth.equation, truth.layer):
        return CheckResult(title, "passed", f"Right: {name} at layer l = {layer}.\n" + "\n".join(
            textwrap.wrap(f"The bug: {truth.bug}", width=96, break_on_hyphens=False)))
    hint = hint_for(spec, _evidence(k), name, int(layer), L)
    return CheckResult(title, "failed", f"Not {name} at layer l = {layer}.\nHint: {hint}",
                       "Hint: " + hint)


_ALIASES = {"feed forward": "feedforward", "forward pass": "feedforward",
            "cost": "cost derivative", "cost_derivative": "cost derivative",
            **dict.fromkeys(("sum", "mean", "minibatch sum", "mini batch sum", "mini-batch mean",
                             "minibatch mean", "mini batch mean"), "mini-batch sum")}


def _equation(equation):
    """The name in EQUATIONS that ``equation`` spells (any case), or None."""
    if not isinstance(equation, str):
        return None
    key = " ".join(equation.strip().lower().split())
    key = _ALIASES.get(key, key)
    return next((e for e in EQUATIONS if e.lower() == key), None)

