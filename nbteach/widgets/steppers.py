"""The steppers: backprop one equation at a time, and the warm-up one layer at a time.

Each pane is rendered once, from a trace computed before (``Network.trace``,
``Network.forward_trace``); the widgets only lay it out (``nbteach.panes``).
"""
from __future__ import annotations

import ipywidgets as W

from ..checks import as_matrix
from ..diagram import network_svg, step_svg
from ..network import Network
from ..panes import (
    backprop_pane_html,
    forward_pane_html,
    forward_stepper_html,
    listing_html,
    stepper_html,
)
from .base import Stepper, check_trace, examples, heading_html, pane, sizes_text

__all__ = ["BackpropStepper", "ForwardStepper"]


class BackpropStepper(Stepper):
    """Step through every stage of backprop, one equation at a time, on live numbers.

    Parameters
    ----------
    trace : BackpropTrace, from ``net.trace(x, y)`` (one column or a mini-batch)

    Each pane shows the heading ``Step i of n · EQUATION · l = LAYER``, the equation with
    the layer filled in, in matrix form and component by component; at its centre the live
    arrays (typeset names, shapes, values coloured around 0; Hadamard factors side by side);
    then a diagram of the network beside the lines of the book's ``backprop`` that do the
    step. The whole listing is folded under the stepper. ``presenter=True`` (or
    ``nbteach.present()``) makes it large enough for a projector.
    """

    def __init__(self, trace, **kwargs):
        self.trace = check_trace(trace, "BackpropStepper")
        super().__init__(**kwargs)
        n = len(trace.steps)
        headings = [s.heading(n) for s in trace.steps]
        panes = [pane(heading_html(h) + backprop_pane_html(s, diagram=step_svg(s, trace.sizes)))
                 for s, h in zip(trace.steps, headings)]
        self._build(headings, panes, footer=W.HTML(listing_html()))

    @property
    def current(self):
        """The ``Step`` shown (an element of ``trace.steps``)."""
        return self.trace.steps[self.index]

    def summary(self):
        return (f"BackpropStepper: {len(self)} steps of a {sizes_text(self.trace.sizes)} "
                f"network ({examples(self.trace.batch_size)})")

    def static_html(self):
        return self.styled(stepper_html(self.summary(), self.trace))


class ForwardStepper(Stepper):
    """The warm-up: feed ``x`` forward one layer at a time.

    Two panes per layer l = 2..L: the weighted input z^l = w^l a^{l-1} + b^l as a
    matrix–vector product, then the activation a^l = σ(z^l).

    Parameters
    ----------
    net : Network
    x : (n_in, 1) column, or (n_in, m) for a batch of m examples
    """

    def __init__(self, net, x, **kwargs):
        if not isinstance(net, Network):
            raise TypeError(f"ForwardStepper needs a Network; got {type(net).__name__}")
        as_matrix(x, net.n_in, "x")                      # checked before any widget is made
        self.trace = net.forward_trace(x)
        super().__init__(**kwargs)
        n = 2 * len(self.trace.steps)
        headings, panes = [], []
        for s in self.trace.steps:
            for part, what in (("z", "z = w a + b"), ("a", "a = σ(z)")):
                headings.append(f"Step {len(headings) + 1} of {n} · {what} · l = {s.layer}")
                svg = network_svg(self.trace.sizes, s.layer, direction="forward",
                                  edges=s.layer if part == "z" else None)
                panes.append(pane(heading_html(headings[-1])
                                  + forward_pane_html(s, part, diagram=svg)))
        self._build(headings, panes)

    @property
    def current(self):
        """The feedforward ``Step`` of the layer shown (see ``part`` for which half)."""
        return self.trace.steps[self.index // 2]

    @property
    def part(self):
        """``"z"`` (weighted input) or ``"a"`` (activation): the half of the layer shown."""
        return "za"[self.index % 2]

    def summary(self):
        return (f"ForwardStepper: {len(self)} steps through a {sizes_text(self.trace.sizes)} "
                f"network ({examples(self.trace.batch_size)})")

    def static_html(self):
        return self.styled(forward_stepper_html(self.summary(), self._headings, self.trace))
