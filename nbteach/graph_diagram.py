"""A drawing of a computational graph (``netgraph.Graph``): nodes in layers, left to right.

Inputs, weights and biases on the left, then the products w a, the sums z, the activations a,
the next layer's products ... and the cost C on the right. Each node sits one column right of
its rightmost parent; a leaf (a weight, a bias) sits just left of the node that uses it;
within a column nodes are ordered by where the nodes they feed are, so edges rarely cross.

``graph_svg(graph, current, done)`` lights the node whose gradient the reverse sweep is
passing back, outlines its parents (they receive the ``+=``) and tints the nodes already
swept. Inline SVG as a string, as in ``diagram``: theme colours from CSS variables with
fallbacks, so it reads in light and dark themes and in static exports; one style per group
of nodes rather than per node, so a stepper's many copies stay small in a stored notebook.
Non-goals: large graphs (it refuses more than ``MAX_NODES``), a general graph layout.
"""
from __future__ import annotations

import re
from collections import defaultdict

from .display import esc

__all__ = ["pretty", "layout", "graph_svg", "MAX_NODES"]

MAX_NODES = 200
FG = "var(--jp-ui-font-color1,currentColor)"
MUTED = "var(--jp-ui-font-color3,#999)"
PAPER = "var(--jp-layout-color1,#fff)"
ACCENT = "var(--jp-brand-color1,#1976d2)"
INVERSE = "var(--jp-ui-inverse-font-color1,#fff)"
ROW, GAP, HEIGHT, CHAR, PAD = 24, 22, 18, 6.6, 10     # px

_SUP = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹˒")
_SUB = str.maketrans("0123456789jk,", "₀₁₂₃₄₅₆₇₈₉ⱼₖ﹐")


def pretty(label):
    """A node label in plain Unicode: ``w^2_{11}`` → ``w²₁₁``, ``\\sum_j`` → ``Σⱼ``."""
    s = label.replace(r"\sum", "Σ").replace(" - ", " − ")
    s = re.sub(r"\^\{([^}]*)\}|\^(\w)", lambda m: (m[1] or m[2]).translate(_SUP), s)
    return re.sub(r"_\{([^}]*)\}|_(\w)", lambda m: (m[1] or m[2]).translate(_SUB), s)


def _width(v):
    return round(len(pretty(v.label)) * CHAR + PAD)


def layout(graph):
    """``{node: (x, y)}``, the centre of each node's box, and the drawing's (width, height)."""
    order = graph.nodes                                  # C first; parents after children
    if len(order) > MAX_NODES:
        raise ValueError(f"graph_svg draws tiny graphs (at most {MAX_NODES} nodes); this one "
                         f"has {len(order)}: use a network such as [2, 2, 1]")
    children = defaultdict(list)
    for v in order:
        for p in v.parents:
            children[p].append(v)
    col = {}
    for v in reversed(order):                            # parents before children
        col[v] = 1 + max(col[p] for p in v.parents) if v.parents else 0
    for v in order:
        if not v.parents and children[v]:                # a leaf: just left of its first use
            col[v] = min(col[c] for c in children[v]) - 1
    columns = defaultdict(list)
    for v in order:
        columns[col[v]].append(v)
    n_cols = max(columns) + 1
    tallest = max(len(c) for c in columns.values())
    rank = {}
    for c in range(n_cols - 1, -1, -1):                  # right to left: children placed first
        def key(v):
            ys = [rank[ch] for ch in children[v]]
            return sum(ys) / len(ys) if ys else 0.0
        nodes = sorted(columns[c], key=key)              # stable: ties keep the sweep's order
        for i, v in enumerate(nodes):
            rank[v] = i - (len(nodes) - 1) / 2
    widths = [max(_width(v) for v in columns[c]) for c in range(n_cols)]
    lefts = [GAP / 2 + sum(widths[:c]) + GAP * c for c in range(n_cols)]
    middle = 8 + tallest * ROW / 2
    pos = {v: (lefts[col[v]] + widths[col[v]] / 2, middle + rank[v] * ROW) for v in order}
    return pos, (round(lefts[-1] + widths[-1] + GAP / 2), round(2 * middle))


def graph_svg(graph, current=None, done=frozenset()):
    """An SVG string of ``graph``; ``current`` lit, its parents outlined, ``done`` tinted.

    Parameters
    ----------
    graph : netgraph.Graph (tiny: at most ``MAX_NODES`` nodes)
    current : Value or None, the node passing its gradient back
    done : set of Values already swept (their gradient is complete and passed on)
    """
    pos, (width, height) = layout(graph)
    parents = set(current.parents) if current is not None else set()

    def edge(p, c):
        (x1, y1), (x2, y2) = pos[p], pos[c]
        return f"M{x1 + _width(p) / 2:.0f} {y1:.0f}L{x2 - _width(c) / 2:.0f} {y2:.0f}"

    plain, lit = [], []
    for v in pos:
        for p in v.parents:
            (lit if v is current else plain).append(edge(p, v))
    groups = {"plain": [], "done": [], "parent": [], "current": []}
    texts, lit_texts = [], []
    for v, (x, y) in pos.items():
        kind = ("current" if v is current else "parent" if v in parents
                else "done" if v in done else "plain")
        w = _width(v)
        groups[kind].append(f"<rect x='{x - w / 2:.0f}' y='{y - HEIGHT / 2:.0f}' width='{w}' "
                            f"height='{HEIGHT}' rx='4'/>")
        (lit_texts if v is current else texts).append(
            f"<text x='{x:.0f}' y='{y + 4:.0f}'>{esc(pretty(v.label))}</text>")
    styles = {"plain": f"fill:{PAPER};stroke:{FG};stroke-width:1",
              "done": f"fill:{ACCENT};fill-opacity:.18;stroke:{FG};stroke-width:1",
              "parent": f"fill:{PAPER};stroke:{ACCENT};stroke-width:2.5",
              "current": f"fill:{ACCENT};stroke:{ACCENT};stroke-width:2"}
    parts = [f"<path d='{''.join(plain)}' style='fill:none;stroke:{MUTED};stroke-width:1'/>"]
    if lit:
        parts.append(f"<path d='{''.join(lit)}' style='fill:none;stroke:{ACCENT};stroke-width:2.5'/>")
    parts += [f"<g style='{styles[k]}'>{''.join(g)}</g>" for k, g in groups.items() if g]
    font = "font-size:11px;font-family:var(--jp-ui-font-family,sans-serif);text-anchor:middle"
    parts.append(f"<g style='fill:{FG};{font}'>{''.join(texts)}</g>")
    if lit_texts:
        parts.append(f"<g style='fill:{INVERSE};{font}'>{''.join(lit_texts)}</g>")
    label = f"computational graph of a {'-'.join(map(str, graph.sizes))} network" + (
        f", node {pretty(current.label)} lit" if current is not None else "")
    return (f"<svg class='nbteach-graph' xmlns='http://www.w3.org/2000/svg' width='{width}' "
            f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
            f"aria-label='{esc(label)}'><title>{esc(label)}</title>{''.join(parts)}</svg>")
