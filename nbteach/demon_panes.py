"""What the demon game shows: the board as SVG, the readout as HTML, a one-line summary.

Each function renders a ``demon.Game`` (and the rival game the |δ| strategy played on the
same board) as it stands; none computes anything the game has not computed. The board is
a small variant of ``diagram.network_svg``, styled inline: every neuron of layers 2..L drawn (up to 30 per
layer), the one selected ringed, each accumulated nudge written beside its neuron, and, once
δ is revealed, each neuron coloured by its δ on the diverging scale of ``display`` (blue
above 0, red below), with the number written where there is room. Returns HTML without the
stylesheet, as ``panes`` does. Non-goal: a general graph drawing.
"""
from __future__ import annotations

from .display import cell_colour, esc, typeset
from .style import ACCENT, FG, MUTED

__all__ = ["board_svg", "readout_html", "game_html", "summary_text", "delta_scale", "num",
           "MAX_DRAWN", "KERNEL_NOTE"]

PAPER = "var(--jp-layout-color1,transparent)"

MAX_DRAWN = 30        # layers wider than this (784 inputs) are drawn as a strip
COLUMN = 120          # px between layer columns
HEIGHT = 300          # px for a layer column, at most
GAP = 26              # px between neurons, at most
TOP = 24              # room for the layer labels

KERNEL_NOTE = ("Playing needs a running kernel: each nudge reruns the network to get the exact "
               "cost. Run the notebook to play; this is the game as it stood when saved.")


def _ys(n, span):
    """y coordinates of an n-neuron column ``span`` px high, or None for a strip; and the gap
    between them."""
    if n > MAX_DRAWN:
        return None, 0.0
    gap = min(float(GAP), span / max(n, 1))
    y0 = TOP + span / 2 - gap * (n - 1) / 2
    return [y0 + gap * k for k in range(n)], gap


def num(v):
    """A number of the game: four decimals, or scientific notation below 0.01, where the size
    is the story (a stuck neuron's δ of 3.47e-04 is not 0.0003)."""
    v = float(v)
    return f"{v:+.4f}" if v == 0 or abs(v) >= 0.01 else f"{v:+.2e}"


def delta_scale(game):
    """The largest |δ| on the board now: the colour scale of the revealed δ's."""
    top = max(float(abs(d).max()) for d in game.position.deltas)
    return top if top > 0 else 1.0


def board_svg(game, *, selected=None, reveal=False):
    """The network as SVG: neurons, the ``selected`` (l, j) ringed, nudges, δ if ``reveal``."""
    b = game.board
    sizes, L = b.sizes, b.num_layers
    xs = [30 + COLUMN * i for i in range(L)]
    span = min(HEIGHT, GAP * max([n for n in sizes if n <= MAX_DRAWN] or [MAX_DRAWN]))
    cols = [_ys(n, span) for n in sizes]
    scale = delta_scale(game)
    width = xs[-1] + 120 + (50 if b.output_names else 0)
    strip = [TOP + span * f for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
    parts = []
    for i in range(L - 1):                                   # faint edges, one path per layer
        a_ys, b_ys = cols[i][0] or strip, cols[i + 1][0] or strip
        path = "".join(f"M{xs[i] + 7} {y1:.0f}L{xs[i + 1] - 7} {y2:.0f}"
                       for y1 in a_ys for y2 in b_ys)
        parts.append(f"<path d='{path}' style='fill:none;stroke:{MUTED};stroke-width:0.5;"
                     f"opacity:0.35'/>")
    for i, n in enumerate(sizes):
        l, x = i + 1, xs[i]
        ys, gap = cols[i]
        label = "l = 1 (x)" if l == 1 else f"l = {l}"
        parts.append(f"<text x='{x}' y='14' text-anchor='middle' style='fill:{FG};"
                     f"font-size:11px'>{label}</text>")
        if ys is None:
            parts.append(f"<rect x='{x - 7}' y='{TOP}' width='14' height='{span}' rx='6' "
                         f"style='fill:{PAPER};stroke:{MUTED}'/>"
                         f"<text x='{x}' y='{TOP + span + 14}' text-anchor='middle' "
                         f"style='fill:{FG};font-size:10px'>{n} inputs</text>")
            continue
        r = max(2.0, min(7.0, gap / 2 - 1))
        font = max(7, min(10, int(gap)))
        for k, y in enumerate(ys):
            parts.append(_neuron(game, l, k + 1, x, y, r, font, gap, scale,
                                 selected == (l, k + 1), reveal))
    return (f"<svg class='nbteach-diagram nbteach-demon-board' xmlns='http://www.w3.org/2000/svg'"
            f" width='{width}' height='{TOP + span + 22}' viewBox='0 0 {width} "
            f"{TOP + span + 22}' role='img' aria-label='{esc(_aria(game))}'>"
            f"<title>{esc(_aria(game))}</title>{''.join(parts)}</svg>")


def _neuron(game, l, j, x, y, r, font, gap, scale, is_selected, reveal):
    """One neuron: its circle, its nudge so far, its name (output) and δ (when revealed)."""
    b, p = game.board, game.position
    if l == 1:
        return (f"<circle cx='{x}' cy='{y:.1f}' r='{r:.1f}' style='fill:{PAPER};"
                f"stroke:{MUTED}'/>")
    delta = float(p.deltas[l - 2][j - 1, 0])
    fill = cell_colour(delta, scale) if reveal else PAPER
    stroke, width = (ACCENT, 3) if is_selected else (FG, 1)
    out = [f"<circle cx='{x}' cy='{y:.1f}' r='{r:.1f}' style='fill:{fill};stroke:{stroke};"
           f"stroke-width:{width}'><title>{esc(b.neuron_name(l, j))}"
           + (f": δ = {num(delta)}" if reveal else "") + "</title></circle>"]
    text = []
    nudge = float(p.nudges[l - 2][j - 1, 0])
    if nudge:
        text.append(("▲" if nudge > 0 else "▼") + f"{abs(nudge):g}")
    if reveal and gap >= 16:
        text.append(f"δ {num(delta)}")
    if l == b.num_layers and b.output_names:
        text.insert(0, b.output_names[j - 1])
    if text:
        out.append(f"<text x='{x + r + 4:.1f}' y='{y + font / 3:.1f}' style='fill:{FG};"
                   "text-anchor:start;"
                   f"font-size:{font}px'>{esc(' '.join(text))}</text>")
    return "".join(out)


def _aria(game):
    n = sum(int((abs(q) > 0).sum()) for q in game.position.nudges)
    sizes = "-".join(map(str, game.board.sizes))
    return f"{sizes} network, {n} neuron{'s' * (n != 1)} nudged"


def _arrow(dz):
    return "▲" if dz > 0 else "▼"


def _rival_saved(rival, k):
    """What the |δ| strategy had saved after k moves (its last, if it made fewer)."""
    return rival.start_cost - rival.costs[min(k, len(rival.moves))]


def _total_shown(game, reveal):
    """The |δ| strategy's total over the whole budget is shown only once the player has spent
    the budget or revealed δ, so that it does not answer the prediction asked before play."""
    return reveal or game.moves_left == 0


def readout_html(game, rival, *, selected=None, reveal=False, message=""):
    """The numbers beside the board: cost, budget, last move, score against the |δ| strategy,
    and the history of moves (with δ and the demon's estimate δΔz once revealed)."""
    b, k = game.board, len(game.moves)
    parts = [f"<div class='nbteach-step-heading'>C = <span class='nbteach-demon-cost'>"
             f"{game.cost:.4f}</span></div>",
             f"<div>at the start C = {game.start_cost:.4f}; you saved "
             f"<b class='nbteach-demon-saved'>{game.saved:.4f}</b></div>",
             f"<div>nudges left: <b class='nbteach-demon-left'>{game.moves_left}</b> of "
             f"{b.budget} (each Δz = ±{b.step:g})</div>"]
    if selected is not None:
        parts.append(f"<div class='nbteach-demon-selected'>selected: "
                     f"<b>{typeset(b.neuron_name(*selected))}</b>"
                     + (f", δ = {num(game.delta(*selected))}" if reveal else "") + "</div>")
    if message:
        parts.append(f"<div class='nbteach-error'>{esc(message)}</div>")
    total = (f"; after all {len(rival.moves)}: {rival.saved:.4f}"
             if _total_shown(game, reveal) else "")
    parts.append(f"<div>the |δ| demon, after {k} move{'s' * (k != 1)}: saved "
                 f"<b class='nbteach-demon-rival'>{_rival_saved(rival, k):.4f}</b>{total}</div>")
    parts.append(_history(game, reveal))
    if reveal:
        runs = []                                # consecutive repeats of one nudge, grouped
        for m in rival.moves:
            if runs and runs[-1][0] == (m.name, m.dz):
                runs[-1][1] += 1
            else:
                runs.append([(m.name, m.dz), 1])
        chosen = ", ".join(f"{typeset(name)} {_arrow(dz)}" + (f" ×{n}" if n > 1 else "")
                           for (name, dz), n in runs)
        parts.append(f"<div class='nbteach-note'>the |δ| demon's moves: {chosen}</div>")
    return ("<div class='nbteach-demon-readout' style='flex:1 1 340px;min-width:300px'>"
            + "".join(parts) + "</div>")


def _history(game, reveal):
    if not game.moves:
        return "<div class='nbteach-note'>no moves yet</div>"
    head = "<th>#</th><th>nudge</th><th>C after</th><th>ΔC</th>"
    if reveal:
        head += "<th>δ before</th><th>δ Δz</th>"
    rows = []
    for m in game.moves:
        cells = (f"<td>{m.number}</td><td>Δ{typeset(m.name)} = {m.dz:+g}</td>"
                 f"<td>{m.cost_after:.4f}</td><td>{num(m.measured)}</td>")
        if reveal:
            cells += f"<td>{num(m.delta)}</td><td>{num(m.predicted)}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return (f"<table class='nbteach-table nbteach-demon-history'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def game_html(game, rival, *, selected=None, reveal=False, message="", note=""):
    """The board and the readout side by side (the static form adds ``note``)."""
    note_html = f"<div class='nbteach-note'>{esc(note)}</div>" if note else ""
    return (f"<div class='nbteach-block nbteach-demon'>{note_html}<div class='nbteach-row'>"
            f"{board_svg(game, selected=selected, reveal=reveal)}"
            f"{readout_html(game, rival, selected=selected, reveal=reveal, message=message)}"
            f"</div></div>")


def summary_text(game, rival, *, reveal=False):
    """Two deterministic lines: the board, the moves made and the cost; then the saving
    beside the |δ| demon's (and its total, once the budget is spent or δ revealed)."""
    b, k = game.board, len(game.moves)
    sizes = "-".join(map(str, b.sizes))
    total = (f"; {rival.saved:.4f} after {len(rival.moves)}"
             if _total_shown(game, reveal) else "")
    return (f"DemonGame: {sizes}, {k} of {b.budget} nudges of ±{b.step:g}, C = {game.cost:.4f}\n"
            f"saved {game.saved:.4f} (|δ| demon: {_rival_saved(rival, k):.4f}{total})")
