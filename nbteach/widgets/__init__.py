"""The viewers: ipywidgets assembled from ``panes`` (HTML) and ``diagram`` (SVG).

* ``BackpropStepper(trace)``: every step of a finished ``BackpropTrace``, one pane each;
* ``ForwardStepper(net, x)``: the warm-up, z = w a + b then a = σ(z), one layer at a time;
* ``HadamardExplorer()``: two editable vectors, s ⊙ t beside s tᵀ and sᵀ t;
* ``LayerInspector(trace, l)``: z, a, δ, ∂C/∂b and ∂C/∂w of one layer;
* ``PathExplorer(net, x, y)``: pick a weight, see every path from it to the cost;
* ``GraphStepper(graph, sweep)``: the reverse sweep through a computational graph, node by node;
* ``DemonGame(game)``: play the book's demon, nudging weighted inputs against the |δ| strategy
  (the one viewer that needs a kernel to play: each nudge reruns the network).

This package is the only place that imports ipywidgets, and it computes nothing: it lays out
what the trace already holds. The steppers render all their panes once into a ``Stack``;
the slider, the Play control and the Stack's ``selected_index`` are linked in the browser
(``jslink``), so stepping by slider or Play needs no kernel and keeps working in a notebook
exported to HTML with its widget state. Previous and Next go through the kernel.

Each viewer also has a static form for places without a widget front end (nbconvert,
GitHub, terminals): a short, deterministic ``text/plain`` and a ``text/html`` table.
Replay API for scripts and tests: ``.index``, ``.next()``, ``.previous()``, ``.go(i)``,
``.current`` and ``len()``.
"""
from .base import PLAY_INTERVAL_MS
from .demon import DemonGame
from .graph import GraphStepper
from .steppers import BackpropStepper, ForwardStepper
from .viewers import HadamardExplorer, LayerInspector, PathExplorer

__all__ = ["BackpropStepper", "ForwardStepper", "HadamardExplorer", "LayerInspector",
           "PathExplorer", "GraphStepper", "DemonGame", "PLAY_INTERVAL_MS"]
