"""The viewers: ipywidgets assembled from ``display`` (HTML) and ``diagram`` (SVG).

* ``BackpropStepper(trace)``: every step of a finished ``BackpropTrace``, one pane each;
* ``ForwardStepper(net, x)``: the warm-up, z = w a + b then a = σ(z), one layer at a time;
* ``HadamardExplorer()``: two editable vectors, s ⊙ t beside s tᵀ and sᵀ t;
* ``LayerInspector(trace, l)``: z, a, δ, ∂C/∂b and ∂C/∂w of one layer;
* ``PathExplorer(net, x, y)``: pick a weight, see every path from it to the cost.

This is the only module that imports ipywidgets, and it computes nothing: it lays out
what the trace already holds. The steppers render all their panes once into a ``Stack``;
the slider, the Play control and the Stack's ``selected_index`` are linked in the browser
(``jslink``), so stepping by slider or Play needs no kernel and keeps working in a notebook
exported to HTML with its widget state. Previous and Next go through the kernel.

Each viewer also has a static form for places without a widget front end (nbconvert,
GitHub, terminals): a short, deterministic ``text/plain`` and a ``text/html`` table.
Replay API for scripts and tests: ``.index``, ``.next()``, ``.previous()``, ``.go(i)``,
``.current`` and ``len()``.
"""
from __future__ import annotations

import numbers

import ipywidgets as W
import numpy as np

from . import display
from .checks import as_matrix
from .diagram import network_svg, step_svg
from .network import Network
from .paths import all_path_sums
from .trace import BackpropTrace

__all__ = ["BackpropStepper", "ForwardStepper", "HadamardExplorer", "LayerInspector",
           "PathExplorer"]

PLAY_INTERVAL_MS = 1500
PANE_LAYOUT = dict(width="100%", overflow="auto")


def _examples(m):
    return f"{m} example{'s' * (m != 1)}"


def _sizes(sizes):
    return "-".join(map(str, sizes))


def _check_trace(trace, viewer):
    if not isinstance(trace, BackpropTrace):
        hint = " (call net.trace(x, y) first)" if isinstance(trace, Network) else ""
        raise TypeError(f"{viewer} needs a BackpropTrace{hint}; got {type(trace).__name__}")
    return trace


def _heading(text):
    """The plain-text heading of a pane: a Label, findable by its CSS class."""
    label = W.Label(value=text, style=dict(font_weight="bold", font_size="1.1em"))
    label.add_class("nbteach-step-heading")
    return label



def _picker(viewer, panes, options, value, description, width):
    """A Dropdown above a Stack of pre-rendered panes, linked in the browser (``jslink``).

    Sets ``viewer.stack``, ``viewer.dropdown``, ``viewer.links`` and the children. Choosing
    from the menu needs no kernel; ``dropdown.value = ...`` from code moves the Stack too.
    """
    viewer.stack = W.Stack(children=panes, layout=W.Layout(**PANE_LAYOUT))
    viewer.dropdown = W.Dropdown(options=options, value=value, description=description,
                                 layout=W.Layout(width=width))
    viewer.stack.selected_index = viewer.dropdown.index
    viewer.links = (W.jslink((viewer.dropdown, "index"), (viewer.stack, "selected_index")),)
    viewer.dropdown.observe(lambda _: setattr(viewer.stack, "selected_index",
                                              viewer.dropdown.index), names="index")
    viewer.children = [viewer.dropdown, viewer.stack]
    viewer.add_class("nbteach-viewer")

class _Viewer(W.VBox):
    """Static forms shared by every viewer: ``summary()`` and ``static_html()``."""

    def summary(self):
        raise NotImplementedError

    def static_html(self):
        raise NotImplementedError

    def __repr__(self):
        return self.summary()

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.summary()      # no model id: nbval compares this
        data["text/html"] = self.static_html()
        return data


class _Stepper(_Viewer):
    """Panes in a Stack, with Previous / Play / slider / Next above them."""

    def _build(self, headings, panes):
        n = len(panes)
        self._headings = tuple(headings)
        self.stack = W.Stack(children=panes, selected_index=0, layout=W.Layout(**PANE_LAYOUT))
        self.slider = W.IntSlider(value=0, min=0, max=n - 1, step=1, readout=False,
                                  continuous_update=False, description="step",
                                  layout=W.Layout(width="260px"))
        self.play = W.Play(value=0, min=0, max=n - 1, step=1, interval=PLAY_INTERVAL_MS,
                           repeat=False)
        self.previous_button = W.Button(description="Previous", icon="arrow-left",
                                        tooltip="previous step", layout=W.Layout(width="110px"))
        self.next_button = W.Button(description="Next", icon="arrow-right",
                                    tooltip="next step", layout=W.Layout(width="110px"))
        # In the browser: Play drives the slider, the slider drives the Stack.
        self.links = (W.jslink((self.play, "value"), (self.slider, "value")),
                      W.jslink((self.slider, "value"), (self.stack, "selected_index")))
        self.previous_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.slider.observe(self._sync, names="value")
        controls = W.HBox([self.previous_button, self.play, self.slider, self.next_button],
                          layout=W.Layout(align_items="center", flex_flow="row wrap"))
        self.children = [controls, self.stack]
        self.add_class("nbteach-viewer")
        self._sync()

    def _sync(self, change=None):
        """Keep the kernel's copy of the Stack and the buttons in step with the slider."""
        i = self.slider.value
        self.stack.selected_index = i
        self.previous_button.disabled = i == 0
        self.next_button.disabled = i == len(self) - 1

    def __len__(self):
        return len(self._headings)

    @property
    def index(self):
        """The 0-based number of the pane shown."""
        return self.slider.value

    @property
    def heading(self):
        """The heading of the pane shown, e.g. ``Step 5 of 12 · BP2 · l = 2``."""
        return self._headings[self.index]

    def go(self, i):
        """Show pane ``i`` (0-based) and return ``current``."""
        n = len(self)
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"step index must be an integer from 0 to {n - 1}; "
                            f"got {type(i).__name__} {i!r}")
        if not 0 <= i < n:
            raise ValueError(f"step index must be from 0 to {n - 1} ({n} steps); got {i}")
        self.slider.value = int(i)
        self.play.value = int(i)
        return self.current

    def next(self):
        """Show the next pane (stays at the last one) and return ``current``."""
        return self.go(min(self.index + 1, len(self) - 1))

    def previous(self):
        """Show the previous pane (stays at the first one) and return ``current``."""
        return self.go(max(self.index - 1, 0))


class BackpropStepper(_Stepper):
    """Step through every stage of backprop, one equation at a time, on live numbers.

    Parameters
    ----------
    trace : BackpropTrace, from ``net.trace(x, y)`` (one column or a mini-batch)

    Each pane shows the heading ``Step i of n · EQUATION · l = LAYER``, the equation with
    the layer filled in, the book's ``backprop`` with this step's lines highlighted, the
    arrays (name, shape, values coloured around 0) and a diagram of the network.
    """

    def __init__(self, trace, **kwargs):
        self.trace = _check_trace(trace, "BackpropStepper")
        super().__init__(**kwargs)
        n = len(trace.steps)
        headings = [s.heading(n) for s in trace.steps]
        panes = [self._pane(s, h) for s, h in zip(trace.steps, headings)]
        self._build(headings, panes)

    def _pane(self, step, heading):
        body = (display.STYLE + "<div class='nbteach-block'>"
                f"<div class='nbteach-note'>{display._esc(step.description)}</div>"
                "<div class='nbteach-row'>"
                f"{display.code_html(highlight=step.code_lines)}"
                f"{step_svg(step, self.trace.sizes)}</div>"
                f"{display.step_arrays_html(step)}</div>")
        return W.VBox([_heading(heading), W.HTMLMath(value=f"$${step.latex}$$"), W.HTML(body)],
                      layout=W.Layout(**PANE_LAYOUT))

    @property
    def current(self):
        """The ``Step`` shown (an element of ``trace.steps``)."""
        return self.trace.steps[self.index]

    def summary(self):
        return (f"BackpropStepper: {len(self)} steps of a {_sizes(self.trace.sizes)} network "
                f"({_examples(self.trace.batch_size)})")

    def static_html(self):
        return display.stepper_html(self.summary(), self.trace)


class ForwardStepper(_Stepper):
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
        x = as_matrix(x, net.n_in, "x")                                  # (n_in, m)
        # The forward half of a trace; the target plays no part in it.
        self.trace = net.trace(x, np.zeros((net.n_out, x.shape[1])))
        super().__init__(**kwargs)
        self._steps = [s for s in self.trace.steps if s.equation == "feedforward"]
        n = 2 * len(self._steps)
        headings, panes = [], []
        for s in self._steps:
            for part, what in (("z", "z = w a + b"), ("a", "a = σ(z)")):
                headings.append(f"Step {len(headings) + 1} of {n} · {what} · l = {s.layer}")
                svg = network_svg(self.trace.sizes, s.layer, direction="forward",
                                  edges=s.layer if part == "z" else None)
                panes.append(W.VBox([_heading(headings[-1]), W.HTMLMath(
                    value=display.forward_pane_html(s, part, diagram=svg))],
                    layout=W.Layout(**PANE_LAYOUT)))
        self._build(headings, panes)

    @property
    def current(self):
        """The feedforward ``Step`` of the layer shown (see ``part`` for which half)."""
        return self._steps[self.index // 2]

    @property
    def part(self):
        """``"z"`` (weighted input) or ``"a"`` (activation): the half of the layer shown."""
        return "za"[self.index % 2]

    def summary(self):
        return (f"ForwardStepper: {len(self)} steps through a {_sizes(self.trace.sizes)} "
                f"network ({_examples(self.trace.batch_size)})")

    def static_html(self):
        rows = "".join(
            f"<tr><td>{display._esc(h)}</td><td>"
            + (f"$z^{{{s.layer}}} = w^{{{s.layer}}} a^{{{s.layer - 1}}} + b^{{{s.layer}}}$"
               if k % 2 == 0 else f"$a^{{{s.layer}}} = \\sigma(z^{{{s.layer}}})$")
            + f"</td><td>{display.shape_str(s.intermediates[f'z^{s.layer}'])}</td></tr>"
            for k, (h, s) in enumerate(zip(self._headings, [s for s in self._steps for _ in 'za'])))
        return (f"{display.STYLE}<div class='nbteach-block'><p><b>{display._esc(self.summary())}"
                f"</b></p><table class='nbteach-table'><thead><tr><th>step</th><th>equation"
                f"</th><th>shape</th></tr></thead><tbody>{rows}</tbody></table></div>")


class LayerInspector(_Viewer):
    """One layer of a trace at a glance: z, a, δ, ∂C/∂b and ∂C/∂w.

    Parameters
    ----------
    trace : BackpropTrace
    l : int, the book layer, 2..L (default L, the output layer)

    A dropdown picks another layer; all layers are rendered once and switched in the browser.
    """

    def __init__(self, trace, l=None, **kwargs):
        self.trace = _check_trace(trace, "LayerInspector")
        L = trace.num_layers
        l = L if l is None else l
        trace.layer(l)                                     # checks l, with a clear error
        super().__init__(**kwargs)
        self._layers = list(range(2, L + 1))
        panes = [W.HTML(display.layer_html(trace, k, diagram=network_svg(
                 trace.sizes, k, edges=k)), layout=W.Layout(**PANE_LAYOUT))
                 for k in self._layers]
        _picker(self, panes, [(f"l = {k}", k) for k in self._layers], l, "layer", "160px")

    @property
    def layer(self):
        return self.dropdown.value

    def show(self, l):
        """Show book layer ``l`` (2..L)."""
        self.trace.layer(l)
        self.dropdown.value = int(l)

    def summary(self):
        return (f"LayerInspector: layer l = {self.layer} of a {_sizes(self.trace.sizes)} "
                f"network ({_examples(self.trace.batch_size)})")

    def static_html(self):
        return display.layer_html(self.trace, self.layer,
                                  diagram=network_svg(self.trace.sizes, self.layer,
                                                      edges=self.layer))


class HadamardExplorer(_Viewer):
    """Two small vectors s and t to edit; s ⊙ t beside the matrix products s tᵀ and sᵀ t.

    Parameters
    ----------
    s, t : text such as ``"1, 2, 3"`` (or a sequence of numbers), at most 12 entries each
    """

    def __init__(self, s="1, 2, 3", t="4, 5, 6", **kwargs):
        super().__init__(**kwargs)
        self.s_text = W.Text(description="s =", continuous_update=False,
                             layout=W.Layout(width="260px"))
        self.t_text = W.Text(description="t =", continuous_update=False,
                             layout=W.Layout(width="260px"))
        self.message = W.HTML()
        self.output = W.HTML(layout=W.Layout(**PANE_LAYOUT))
        self.s = self.t = None
        self.error = None
        self.s_text.value, self.t_text.value = self._text(s, "s"), self._text(t, "t")
        self._update()
        if self.error:
            raise ValueError(self.error)
        self.s_text.observe(self._update, names="value")
        self.t_text.observe(self._update, names="value")
        self.children = [W.HBox([self.s_text, self.t_text]), self.message, self.output]
        self.add_class("nbteach-viewer")

    @staticmethod
    def _text(v, name):
        if isinstance(v, str):
            return v
        if isinstance(v, (list, tuple, np.ndarray)):
            return ", ".join(display.fmt(x) for x in np.asarray(v, dtype=float).ravel())
        raise TypeError(f"{name} must be text like '1, 2, 3' or a list of numbers; "
                        f"got {type(v).__name__}")

    def _update(self, change=None):
        try:
            s = display.parse_vector(self.s_text.value, name="s")
            t = display.parse_vector(self.t_text.value, name="t")
        except ValueError as e:
            self.error = str(e)
            self.message.value = f"<span class='nbteach-error'>{display._esc(e)}</span>"
            return
        self.s, self.t, self.error = s, t, None
        self.message.value = ""
        self.output.value = display.products_html(s, t)

    def set(self, s=None, t=None):
        """Replace s and/or t (text or numbers), as if typed; a bad entry sets ``error``."""
        if s is not None:
            self.s_text.value = self._text(s, "s")
        if t is not None:
            self.t_text.value = self._text(t, "t")
        return self.error

    def summary(self):
        def vec(v):
            return "(" + ", ".join(display.fmt(x) for x in v.ravel()) + ")"
        return f"HadamardExplorer: s = {vec(self.s)}, t = {vec(self.t)}"

    def static_html(self):
        return display.products_html(self.s, self.t)


class PathExplorer(_Viewer):
    """Pick a weight w^l_jk of a tiny network; see every path from it to the cost.

    Each path's rate factors, their product, the sum over the paths and backprop's
    ∂C/∂w^l_jk beside it (``nbteach.paths``). Every weight's table is rendered once and the
    dropdown switches between them in the browser, so it works without a kernel too.

    Parameters
    ----------
    net : Network (tiny: at most ``MAX_WEIGHTS`` weights)
    x : (n_in, 1) array, y : (n_out, 1) array
    """

    MAX_WEIGHTS = 60

    def __init__(self, net, x, y, **kwargs):
        if not isinstance(net, Network):
            raise TypeError(f"PathExplorer needs a Network; got {type(net).__name__}")
        n_weights = sum(w.size for w in net.weights)
        if n_weights > self.MAX_WEIGHTS:
            raise ValueError(f"PathExplorer is for tiny networks (at most {self.MAX_WEIGHTS} "
                             f"weights); this one has {n_weights}")
        super().__init__(**kwargs)
        self.sizes = tuple(net.sizes)
        self.sums = all_path_sums(net, x, y)
        panes = [W.HTML(display.paths_html(ps) + network_svg(self.sizes, ps.layer,
                        edges=ps.layer), layout=W.Layout(**PANE_LAYOUT)) for ps in self.sums]
        _picker(self, panes, [(ps.weight_name, i) for i, ps in enumerate(self.sums)], 0,
                "weight", "200px")

    @property
    def current(self):
        """The ``PathSum`` of the weight shown."""
        return self.sums[self.dropdown.index]

    def show(self, l, j, k):
        """Show the weight w^l_jk (neurons counted from 0)."""
        for i, ps in enumerate(self.sums):
            if (ps.layer, ps.j, ps.k) == (l, j, k):
                self.dropdown.value = i
                return
        raise ValueError(f"no weight w^{l}_{j}{k} in a {_sizes(self.sizes)} network")

    def summary(self):
        ps = self.current
        return (f"PathExplorer: {len(self.sums)} weights of a {_sizes(self.sizes)} network; "
                f"showing {ps.weight_name} ({len(ps.paths)} paths)")

    def static_html(self):
        return display.paths_html(self.current)
