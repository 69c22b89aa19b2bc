"""The small network diagram beside each step: layers, the current one highlighted, and the
direction the numbers flow.

Drawn as inline SVG built as a string rather than with matplotlib: it costs microseconds
instead of a figure per step (a stepper draws one per pane), it needs no image encoding,
it stays sharp at any zoom, and since its colours are the theme's CSS variables (with
fallbacks, set by classes in the one stylesheet of ``display``) it follows JupyterLab's light
and dark themes and still renders in static HTML exports, which carry the stylesheet too. Layers wider than ``max_neurons`` (784 inputs) are drawn as a labelled strip
instead of hundreds of circles. Non-goal: a general graph-drawing tool.
"""
from __future__ import annotations

__all__ = ["network_svg", "step_svg"]


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


def network_svg(sizes, layer=None, *, direction=None, edges=None, weight=None,
                max_neurons=8):
    """An SVG string of the network with book layer ``layer`` (1..L) highlighted.

    Parameters
    ----------
    sizes : sequence of int, neurons per layer, input first
    layer : int or None, the book layer to highlight
    direction : "forward", "backward" or None, drawn as an arrow under the layers
    edges : int or None, book layer l whose incoming weights w^l to highlight
    weight : (l, row, column) or None, one weight ``weights[l - 2][row, column]`` to draw
        lit, as a thick line (when both its layers are drawn neuron by neuron)
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
        dx = xs[i + 1] - xs[i] - 14
        path = "".join(f"M{xs[i] + 7} {y1:.0f}l{dx} {y2 - y1:.0f}"
                       for y1 in _anchors(ys[i]) for y2 in _anchors(ys[i + 1]))
        parts.append(f"<path class='{'eh' if edges == i + 2 else 'e'}' d='{path}'/>")
    if weight is not None:
        l, row, col = weight
        into, out_of = ys[l - 1], ys[l - 2]
        if into is not None and out_of is not None:
            parts.append(f"<path class='w' d='M{xs[l - 2] + 7} {out_of[col]:.0f}"
                         f"L{xs[l - 1] - 7} {into[row]:.0f}'/>")
    for i, n in enumerate(sizes):
        lit = layer == i + 1
        kind = "nh" if lit else "n"
        if ys[i] is None:
            parts.append(f"<rect class='{kind}' x='{xs[i] - 7}' y='{TOP}' width='14' "
                         f"height='{HEIGHT}' rx='6'/>")
        else:
            circles = "".join(f"<circle cx='{xs[i]}' cy='{y:.0f}' r='6'/>" for y in ys[i])
            parts.append(f"<g class='{kind}'>{circles}</g>")
        parts.append(f"<text x='{xs[i]}' y='13'{' class=' + chr(39) + 'b' + chr(39) if lit else ''}>"
                     f"l = {i + 1}</text>")
        parts.append(f"<text x='{xs[i]}' y='{TOP + HEIGHT + 14}'>{n}</text>")
    base = TOP + HEIGHT + 32
    if direction in ("forward", "backward"):
        x1, x2 = (xs[0], xs[-1]) if direction == "forward" else (xs[-1], xs[0])
        tip = -6 if direction == "forward" else 6
        parts.append(f"<path class='a' d='M{x1} {base}H{x2}'/>")
        parts.append(f"<path class='a' d='M{x2} {base}l{tip} -4v8z'/>")
        parts.append(f"<text x='{(xs[0] + xs[-1]) / 2:.0f}' y='{base + 14}'>{direction}</text>")
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
