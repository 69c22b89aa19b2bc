"""The graph stepper: the reverse sweep through a computational graph, one node at a time.

Each pane is rendered once, from a sweep recorded before (``graph.backward()``): the node
whose gradient is complete, and for each of its parents the local derivative × the upstream
gradient = the share passed back, ``+=`` where the parent fans out (``graph_panes``), beside a
drawing of the graph with that node lit (``graph_diagram``). Stepping is ``Stepper``'s: the
slider and Play move the panes in the browser, without a kernel.
"""
from __future__ import annotations

from ..graph_diagram import graph_svg
from ..graph_panes import node_heading, node_pane_html, sweep_by_node, sweep_table_html
from ..netgraph import Graph, SweepStep
from .base import Stepper, heading_html, pane, sizes_text

__all__ = ["GraphStepper"]


class GraphStepper(Stepper):
    """Step through the reverse sweep of a computational graph, node by node.

    Parameters
    ----------
    graph : netgraph.Graph, from ``graph_of(net, x, y)`` (a tiny network: it is drawn)
    sweep : the ``SweepStep`` records of ``graph.backward()``

    Pane i shows the i-th node the sweep visits (C first): its heading
    ``Step i of n · LABEL``, what the node computed, its complete gradient, one row per parent
    (local derivative × upstream = share, ``+=`` where the parent fans out, and the book's
    equation the share belongs to) and the graph with the node lit.
    """

    def __init__(self, graph, sweep, **kwargs):
        if not isinstance(graph, Graph):
            raise TypeError(f"GraphStepper needs a Graph from graph_of(net, x, y); "
                            f"got {type(graph).__name__}")
        sweep = tuple(sweep)
        if not sweep or not all(isinstance(s, SweepStep) for s in sweep):
            raise TypeError("GraphStepper needs the SweepStep records of graph.backward()")
        if any(s.node not in graph.roles or s.parent not in graph.roles for s in sweep):
            raise ValueError("this sweep was recorded on another graph: pass graph.backward()")
        self.graph, self.sweep = graph, sweep
        super().__init__(**kwargs)
        self.groups = sweep_by_node(sweep)
        n = len(self.groups)
        headings, panes, done = [], [], set()
        for i, (node, steps) in enumerate(self.groups, start=1):
            headings.append(node_heading(i, n, node))
            svg = graph_svg(graph, current=node, done=frozenset(done))
            panes.append(pane(heading_html(headings[-1])
                              + node_pane_html(graph, node, steps, diagram=svg)))
            done.add(node)
        self._build(headings, panes)

    @property
    def node(self):
        """The ``Value`` whose gradient the pane shown passes back."""
        return self.groups[self.index][0]

    @property
    def current(self):
        """The ``SweepStep`` records of the pane shown: one per parent of ``node``."""
        return self.groups[self.index][1]

    def summary(self):
        return (f"GraphStepper: {len(self)} nodes of the reverse sweep through the graph of a "
                f"{sizes_text(self.graph.sizes)} network ({len(self.sweep)} edges)")

    def static_html(self):
        return self.styled(sweep_table_html(self.summary(), self.graph, self.sweep)
                           + graph_svg(self.graph))
