"""The small network diagram beside each step: layers, the current one highlighted, and the
direction the numbers flow.

Drawn as inline SVG built as a string rather than with matplotlib: it costs microseconds
instead of a figure per step (a stepper draws one per pane), it needs no image encoding,
it stays sharp at any zoom, and since its colours are the theme's CSS variables (with
fallbacks) it follows JupyterLab's light and dark themes and still renders in static HTML
exports. Layers wider than ``max_neurons`` (784 inputs) are drawn as a labelled strip
instead of hundreds of circles. Non-goal: a general graph-drawing tool.
"""
from __future__ import annotations

__all__ = ["network_svg", "step_svg"]

FG = "var(--jp-ui-font-color1, currentColor)"
MUTED = "var(--jp-ui-font-color3, #999)"
PAPER = "var(--jp-layout-color1, transparent)"
ACCENT = "var(--jp-brand-color1, #1976d2)"

HEIGHT = 150          # drawing height of a layer column, px
TOP = 22              # room for the layer labels


def _positions(n, max_neurons):
    """y coordinates of the neurons of an n-neuron layer, or None for a strip."""
    if n > max_neurons:
        return None
    gap = min(18.0, HEIGHT / max(n, 1))
    y0 = TOP + HEIGHT / 2 - gap * (n - 1) / 2
    return [y0 + gap * k for k in range(n)]


def _anchors(ys):
    """Points where edges attach: each neuron, or five points along a strip."""
    if ys is None:
        return [TOP + HEIGHT * f for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
    return ys


def network_svg(sizes, layer=None, *, direction=None, edges=None, max_neurons=8):
    """An SVG string of the network with book layer ``layer`` (1..L) highlighted.

    Parameters
    ----------
    sizes : sequence of int, neurons per layer, input first
    layer : int or None, the book layer to highlight
    direction : "forward", "backward" or None, drawn as an arrow under the layers
    edges : int or None, book layer l whose incoming weights w^l to highlight
    max_neurons : layers wider than this are drawn as a strip
    """
    sizes = [int(n) for n in sizes]
    L = len(sizes)
    step = 78
    width = 40 + step * (L - 1) + 40
    xs = [40 + step * i for i in range(L)]
    ys = [_positions(n, max_neurons) for n in sizes]
    parts = []
    for i in range(L - 1):                                      # edges from layer i+1 to i+2
        lit = edges == i + 2
        style = (f"stroke:{ACCENT};stroke-width:1.4;opacity:0.8" if lit
                 else f"stroke:{MUTED};stroke-width:0.7;opacity:0.5")
        path = "".join(f"M{xs[i] + 7} {y1:.0f}L{xs[i + 1] - 7} {y2:.0f}"
                       for y1 in _anchors(ys[i]) for y2 in _anchors(ys[i + 1]))
        parts.append(f"<path d='{path}' style='fill:none;{style}'/>")   # one path per layer
    for i, n in enumerate(sizes):
        lit = layer == i + 1
        fill = ACCENT if lit else PAPER
        stroke = ACCENT if lit else FG
        shape_style = f"fill:{fill};stroke:{stroke};stroke-width:{2 if lit else 1}"
        if ys[i] is None:
            parts.append(f"<rect x='{xs[i] - 7}' y='{TOP}' width='14' height='{HEIGHT}' rx='6' "
                         f"style='{shape_style}'/>")
        else:
            circles = "".join(f"<circle cx='{xs[i]}' cy='{y:.0f}' r='6'/>" for y in ys[i])
            parts.append(f"<g style='{shape_style}'>{circles}</g>")
        weight = "bold" if lit else "normal"
        parts.append(f"<text x='{xs[i]}' y='13' text-anchor='middle' style='fill:{FG};"
                     f"font-size:11px;font-weight:{weight}'>l = {i + 1}</text>")
        parts.append(f"<text x='{xs[i]}' y='{TOP + HEIGHT + 14}' text-anchor='middle' "
                     f"style='fill:{FG};font-size:10px'>{n}</text>")
    base = TOP + HEIGHT + 32
    if direction in ("forward", "backward"):
        x1, x2 = (xs[0], xs[-1]) if direction == "forward" else (xs[-1], xs[0])
        tip = -6 if direction == "forward" else 6
        parts.append(f"<line x1='{x1}' y1='{base}' x2='{x2}' y2='{base}' "
                     f"style='stroke:{ACCENT};stroke-width:2'/>")
        parts.append(f"<polygon points='{x2},{base} {x2 + tip},{base - 4} {x2 + tip},{base + 4}' "
                     f"style='fill:{ACCENT}'/>")
        parts.append(f"<text x='{(xs[0] + xs[-1]) / 2}' y='{base + 14}' text-anchor='middle' "
                     f"style='fill:{FG};font-size:11px'>{direction}</text>")
    height = base + 20
    label = f"{'-'.join(map(str, sizes))} network" + (f", layer {layer} highlighted" if layer else "")
    return (f"<svg class='nbteach-diagram' xmlns='http://www.w3.org/2000/svg' width='{width}' "
            f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
            f"aria-label='{label}'><title>{label}</title>{''.join(parts)}</svg>")


def step_svg(step, sizes, **kw):
    """The diagram for one trace step: its layer lit, and the weights it uses.

    feedforward and BP4 at l use w^l (edges into l); BP2 at l carries δ^{l+1} back through
    w^{l+1} (edges out of l); BP1 and BP3 concern layer l alone.
    """
    edges = {"feedforward": step.layer, "BP4": step.layer, "BP2": step.layer + 1}.get(
        step.equation)
    return network_svg(sizes, step.layer, direction=step.direction, edges=edges, **kw)
