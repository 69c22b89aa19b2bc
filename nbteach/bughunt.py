"""Check any backprop function layer by layer: the gradient check, turned on someone's code.

``gradcheck.check_gradients`` checks nbteach's own backprop. ``inspect_function`` checks a
function written by someone else, with the signature of ``nbteach.backprop.backprop``:
``fn(weights, biases, x, y) -> (nabla_b, nabla_w)``, on one example or on a mini-batch
(the columns of ``x`` and ``y``; the gradient summed over them). For every book layer
l = 2..L it reports three things, each compared with a reference the function cannot fool:

* ∂C/∂b^l and ∂C/∂w^l against central finite differences of the cost (``gradcheck``);
* for one example, the activation a^{l-1} that the function's ∂C/∂w^l was built from.
  BP3 makes ∂C/∂b^l_j = δ^l_j and BP4 makes row j of ∂C/∂w^l equal to δ^l_j (a^{l-1})^T,
  so row j divided by entry j of ∂C/∂b^l is the activation the function used, whatever
  its δ was. It is compared with the true a^{l-1} of the forward pass.

Then it asks the exercise checkers (``nbteach.diagnose.compare_gradients``) for their
hint: the typical mistake the numbers look like (a missing σ', a transpose, a mean for a
sum, an off-by-one layer, a flipped sign), or none. A report can keep that hint folded away
(``hint_folded``): the bug zoo does, so that a stored report never names a bug before the
learner has looked; ``report.unfolded()`` shows it.

Non-goals: naming the bug (the numbers say where, a person says what); big networks
(finite differences cost two forward passes per parameter).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace

import numpy as np

from .activations import linear
from .backprop import backprop_stages, feedforward_stages
from .diagnose import (
    NO_PRIME_BP1,
    NO_PRIME_BP2,
    NotAttempted,
    Raised,
    Wrong,
    as_list,
    call,
    candidates,
    compare_gradients,
    pair,
)
from .display import esc
from .gradcheck import error_bound, numerical_gradient, relative_error
from .style import styled

__all__ = ["TOL", "BugReport", "inspect_function", "activation_used"]

TOL = 1e-6      # a relative error below this is rounding: the numbers agree


@dataclass(frozen=True, repr=False)
class BugReport:
    """What ``inspect_function`` found, layer by layer (tuples in the order l = 2..L).

    An error is the relative error of ``gradcheck.relative_error``; ``inf`` means the
    function returned an array of the wrong shape. ``activation_errors`` is None for a
    mini-batch, where ∂C/∂w^l sums over the examples and no single a^{l-1} can be read off.
    """

    title: str
    layers: tuple               # book layer numbers l = 2..L
    bias_errors: tuple          # ∂C/∂b^l against finite differences
    weight_errors: tuple        # ∂C/∂w^l against finite differences
    activation_errors: tuple | None   # a^{l-1} read off ∂C/∂w^l, against the true one
                                      # (an entry is None where ∂C/∂b^l is all 0)
    shapes: tuple = ()          # notes on arrays of the wrong shape
    hint: str = ""              # the exercise checkers' guess at the mistake, or ""
    raised: str = ""            # the exception the function raised, or ""
    hint_folded: bool = False   # True: the forms below show the hint only on request

    def _wrong(self, errors):
        return tuple(l for l, e in zip(self.layers, errors or ()) if e is not None and not e < TOL)

    @property
    def wrong_b(self):
        """Book layers whose ∂C/∂b disagrees with finite differences."""
        return self._wrong(self.bias_errors)

    @property
    def wrong_w(self):
        """Book layers whose ∂C/∂w disagrees with finite differences."""
        return self._wrong(self.weight_errors)

    @property
    def wrong_a(self):
        """Book layers whose ∂C/∂w was built from a wrong a^{l-1}."""
        return self._wrong(self.activation_errors)

    @property
    def wrong_layers(self):
        """Every book layer where something is wrong, from the output layer down."""
        return tuple(sorted(set(self.wrong_b + self.wrong_w + self.wrong_a), reverse=True))

    @property
    def passed(self):
        return not self.raised and not self.wrong_layers

    def _rows(self):
        """(layer, ∂C/∂b, ∂C/∂w, a^{l-1}) as short texts, output layer first."""
        acts = self.activation_errors or (None,) * len(self.layers)
        rows = zip(self.layers, self.bias_errors, self.weight_errors, acts)
        return [(f"l = {l}", _mark(eb), _mark(ew), "—" if ea is None else _mark(ea))
                for l, eb, ew, ea in reversed(list(rows))]

    def _legend(self):
        """What the marks mean, only the marks this report uses: one or two short lines."""
        marks = [f"✔ agrees (relative error below {error_bound(TOL)[2:]})", "✘ relative error"]
        if self.shapes:
            marks.append("✘ shape: an array of the wrong shape (the note above)")
        if any(c == "—" for row in self._rows() for c in row):
            marks.append("— no a^{l-1} to read off" + (" (a mini-batch)"
                                                      if self.activation_errors is None else ""))
        return textwrap.wrap("; ".join(marks), width=96, break_on_hyphens=False)

    def _hint_line(self):
        hint = self.hint.removeprefix("Hint: ") or "none"
        return "folded away; report.unfolded() shows it" if self.hint_folded else hint

    def unfolded(self):
        """The same report with the checkers' hint shown."""
        return replace(self, hint_folded=False)

    def text(self):
        if self.raised:
            return f"{self.title}\nthe function raised {self.raised}"
        head = ("layer", "∂C/∂b^l", "∂C/∂w^l", "a^{l-1} in ∂C/∂w^l")
        lines = [self.title] + ["  ".join(f"{c:<10}" for c in r).rstrip()
                                for r in [head] + self._rows()]
        lines += list(self.shapes) + self._legend()
        lines += textwrap.wrap("checkers' hint: " + self._hint_line(),
                               width=96, subsequent_indent="  ", break_on_hyphens=False)
        return "\n".join(lines)

    __str__ = __repr__ = text

    def _repr_html_(self):
        if self.raised:
            return styled(f"<div class='nbteach-block'><b>{esc(self.title)}</b><div "
                          f"class='nbteach-error'>the function raised {esc(self.raised)}</div></div>")
        head = "".join(f"<th>{h}</th>" for h in (
            "layer", "∂C/∂b<sup>l</sup>", "∂C/∂w<sup>l</sup>",
            "a<sup>l−1</sup> in ∂C/∂w<sup>l</sup>"))
        body = "".join("<tr>" + "".join(f"<td{_colour(c)}>{esc(c)}</td>" for c in r) + "</tr>"
                       for r in self._rows())
        notes = "".join(f"<div class='nbteach-note'>{esc(n)}</div>" for n in self.shapes)
        legend = esc(" ".join(self._legend())).replace("a^{l-1}", "a<sup>l−1</sup>")
        hint = f"<i>{esc(self.hint.removeprefix('Hint: ') or 'none')}</i>"
        hint = (f"<details><summary>checkers' hint (open it when you want it)</summary>{hint}"
                "</details>" if self.hint_folded else f"<div>checkers' hint: {hint}</div>")
        return styled(
            f"<div class='nbteach-block'><b>{esc(self.title)}</b>"
            f"<table class='nbteach-table'><thead><tr>{head}</tr></thead><tbody>{body}"
            f"</tbody></table>{notes}<div class='nbteach-note'>{legend}</div>{hint}</div>")


def _mark(err):
    if isinstance(err, str):
        return err
    return "✔" if err < TOL else ("✘ shape" if np.isinf(err) else f"✘ {err:.2g}")


def _colour(text):
    """Inline style of a table cell: green ✔, red ✘, always left-aligned."""
    if text.startswith("✔"):
        return " style='text-align:left;color:var(--jp-success-color1,#388e3c)'"
    if text.startswith("✘"):
        return " style='text-align:left;color:var(--jp-error-color1,#d32f2f)'"
    return " style='text-align:left'"


def _errors(name, actual, expected, shapes):
    """Relative error per layer; inf (and a note) where the shape is wrong."""
    out = []
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a.shape != e.shape:
            shapes.append(f"{name} at l = {i + 2}: shape {a.shape}, should be {e.shape}")
            out.append(float("inf"))
        else:
            out.append(relative_error(a, e))
    return tuple(out)


def activation_used(nabla_b, nabla_w, l):
    """The activation a^{l-1} that a function's ∂C/∂w^l was built from, for one example.

    BP3 makes ∂C/∂b^l_j = δ^l_j and BP4 makes row j of ∂C/∂w^l equal to δ^l_j (a^{l-1})^T, so
    row j divided by δ^l_j is (a^{l-1})^T whatever δ^l was; j is the row with the largest
    |∂C/∂b^l_j|. Returns a column ``(n_{l-1}, 1)``, or None if ∂C/∂b^l is all 0 or the
    shapes do not fit that reading. ``l`` is the book layer (2..L).
    """
    nb, nw = np.asarray(nabla_b[l - 2], float), np.asarray(nabla_w[l - 2], float)
    if nb.ndim != 2 or nb.shape[1] != 1 or nw.ndim != 2 or nw.shape[0] != nb.shape[0]:
        return None
    j = int(np.argmax(np.abs(nb)))
    if abs(nb[j, 0]) < 1e-12:                 # no δ to divide by: nothing can be read off
        return None
    return nw[j:j + 1, :].T / nb[j, 0]        # (n_{l-1}, 1)


def _activation_errors(nabla_b, nabla_w, activations):
    """Per layer, the relative error of ``activation_used`` against the true a^{l-1}."""
    out = []
    for l, a in enumerate(activations[:-1], start=2):
        used = activation_used(nabla_b, nabla_w, l)
        if used is None and np.any(nabla_b[l - 2]):
            out.append(float("inf"))         # shapes that do not fit
        elif used is None:
            out.append(None)
        else:
            out.append(relative_error(used, a) if used.shape == a.shape else float("inf"))
    return tuple(out)


def _typical_mistakes(ws, bs, x, y, act, cost):
    """What the exercise checkers recognise: σ' left out of BP1, or out of BP2."""
    no_prime = replace(act, name=f"{act.name} without σ'", prime=linear.prime)
    n = len(ws)
    named = []
    for acts, hint in (([act] * (n - 1) + [no_prime], NO_PRIME_BP1),
                       ([no_prime] * (n - 1) + [act], NO_PRIME_BP2)):
        st = backprop_stages(ws, bs, x, y, acts, cost)
        named.append(({"deltas": st.deltas, "nabla_b": st.nabla_b, "nabla_w": st.nabla_w}, hint))
    return candidates(named)


def inspect_function(fn, net, x, y, *, title=None, eps=1e-5, hint_folded=False):
    """Check ``fn(weights, biases, x, y) -> (nabla_b, nabla_w)`` against ``net``'s cost.

    Parameters
    ----------
    fn : callable, the backprop to check; it gets copies of ``net.weights`` (``(n_l,
        n_{l-1})`` each) and ``net.biases`` (``(n_l, 1)`` each) and must return the gradient
        of the cost summed over the columns: ``nabla_b[i]`` ``(n_l, 1)``, ``nabla_w[i]``
        ``(n_l, n_{l-1})`` for book layer l = i + 2.
    net : Network with the sigmoid activation and the cost to check against
    x : (n_in, m) array, one example (m = 1) or a mini-batch
    y : (n_out, m) array
    hint_folded : keep the checkers' hint folded away in the report's text and HTML forms

    Returns
    -------
    BugReport : per layer, the relative errors of ∂C/∂b, ∂C/∂w and (m = 1) of the
    activation used in ∂C/∂w; the checkers' hint; what the function raised, if it did.
    """
    num_b, num_w = numerical_gradient(net, x, y, eps)   # checks net, x and y first
    ws, bs = list(net.weights), list(net.biases)
    m = x.shape[1]
    title = title or (f"{getattr(fn, '__name__', 'function')} on the "
                      f"{'-'.join(map(str, net.sizes))} network, "
                      + ("one example" if m == 1 else f"a mini-batch of m = {m}"))
    layers = tuple(range(2, net.num_layers + 1))
    try:
        value = call(fn, [w.copy() for w in ws], [b.copy() for b in bs], x.copy(), y.copy())
        nabla_b, nabla_w = pair(value)
        nabla_b = as_list(nabla_b, "nabla_b", len(layers), "one (n_l, 1) column per layer")
        nabla_w = as_list(nabla_w, "nabla_w", len(layers), "one (n_l, n_{l-1}) matrix per layer")
    except NotAttempted:
        return BugReport(title, layers, (), (), None, raised="NotImplementedError",
                         hint_folded=hint_folded)
    except (Raised, Wrong) as exc:
        return BugReport(title, layers, (), (), None, raised=exc.message,
                         hint_folded=hint_folded)
    shapes = []
    bias_errors = _errors("∂C/∂b", nabla_b, num_b, shapes)
    weight_errors = _errors("∂C/∂w", nabla_w, num_w, shapes)
    activation_errors = None
    if m == 1:
        _, activations = feedforward_stages(ws, bs, x, net.activation)
        activation_errors = _activation_errors(nabla_b, nabla_w, activations)
    st = backprop_stages(ws, bs, x, y, net.activation, net.cost)
    hint = ""
    try:
        compare_gradients((nabla_b, nabla_w), {"nabla_b": st.nabla_b, "nabla_w": st.nabla_w},
                          m=m, candidates=_typical_mistakes(ws, bs, x, y, net.activation,
                                                             net.cost))
    except Wrong as exc:
        hint = exc.hint
    return BugReport(title, layers, bias_errors, weight_errors, activation_errors,
                     tuple(shapes), hint, hint_folded=hint_folded)
