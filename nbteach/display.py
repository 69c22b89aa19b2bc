"""Pure formatting: arrays, steps, traces -> HTML and text. No widgets, no maths.

Everything here returns a string, so the same output serves the widgets, static notebook
exports (nbconvert, GitHub) and tests. Colours are either the theme's CSS variables (with
fallbacks for plain HTML) or translucent overlays, so they read in light and dark themes.

Numbers: fixed precision (``PRECISION`` decimals), one diverging colour scale per array
around 0 (blue above, red below, stronger for larger magnitude). Big arrays are summarised:
at most ``MAX_ROWS`` rows and ``MAX_COLS`` columns as numbers, with a note of what is left
out and a small heatmap of the whole array; the 784-pixel input is also drawn as 28×28.
Non-goal: computing anything the trace has not already computed.
"""
from __future__ import annotations

import base64
import html
import math
import re
import struct
import zlib

import numpy as np

from .backprop import BOOK_BACKPROP_SOURCE

__all__ = ["PRECISION", "MAX_ROWS", "MAX_COLS", "shape_str", "fmt", "array_html",
           "code_html", "step_arrays_html", "step_html", "hadamard_html", "trace_html",
           "trace_text", "stepper_html", "layer_html", "forward_pane_html", "parse_vector",
           "products_html", "STYLE"]

PRECISION = 4
MAX_ROWS = 8
MAX_COLS = 8
POSITIVE = (5, 113, 176)    # blue
NEGATIVE = (202, 0, 32)     # red
FG = "var(--jp-ui-font-color1, currentColor)"
MUTED = "var(--jp-ui-font-color2, #777)"
BORDER = "var(--jp-border-color2, #bbb)"
ACCENT = "var(--jp-brand-color1, #1976d2)"

# One stylesheet, included once per rendered block; classes are prefixed ``nbteach-``.
STYLE = f"""<style>
.nbteach-block {{color: {FG}; font-family: var(--jp-ui-font-family, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px); line-height: 1.35;}}
.nbteach-step-heading {{font-weight: bold; font-size: 1.1em; color: {FG};}}
.nbteach-note {{color: {MUTED}; font-size: 0.9em;}}
.nbteach-row {{display: flex; flex-wrap: wrap; align-items: center; gap: 0.6em;
  margin: 0.4em 0;}}
.nbteach-op {{font-size: 1.4em; color: {FG}; padding: 0 0.2em;}}
.nbteach-array {{display: inline-block; vertical-align: middle;}}
.nbteach-array table {{border-collapse: collapse; margin: 0.2em 0;
  font-family: var(--jp-code-font-family, monospace); font-size: 0.9em;}}
.nbteach-array td {{border: 1px solid {BORDER}; padding: 1px 5px; text-align: right;
  color: {FG}; white-space: nowrap;}}
.nbteach-array td.nbteach-more {{border: none; color: {MUTED}; text-align: center;}}
.nbteach-label {{font-family: var(--jp-code-font-family, monospace); font-weight: bold;}}
.nbteach-code {{font-family: var(--jp-code-font-family, monospace); font-size: 0.85em;
  margin: 0.3em 0; padding: 0.3em 0; border: 1px solid {BORDER};
  background: var(--jp-layout-color1, transparent); color: {FG}; overflow-x: auto;}}
.nbteach-code div {{white-space: pre; padding: 0 0.5em;}}
.nbteach-code .nbteach-hl {{background: rgba(255, 193, 7, 0.28);
  border-left: 3px solid {ACCENT};}}
.nbteach-code .nbteach-lineno {{color: {MUTED}; user-select: none;}}
.nbteach-table {{border-collapse: collapse; color: {FG};}}
.nbteach-table th, .nbteach-table td {{border-bottom: 1px solid {BORDER};
  padding: 2px 8px; text-align: left; vertical-align: top;}}
.nbteach-error {{color: var(--jp-error-color1, #d32f2f); font-weight: bold;}}
img.nbteach-pixels {{image-rendering: pixelated; image-rendering: crisp-edges;
  border: 1px solid {BORDER};}}
</style>"""


def _esc(s):
    return html.escape(str(s))


def shape_str(a):
    return "(" + ", ".join(str(n) for n in np.shape(a)) + ")"


def fmt(v):
    """One number at the fixed precision: ``-0.1234``; nan and inf spelled out."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = f"{v:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text   # no "-0.0000"


def _scale(a):
    """Largest finite magnitude of ``a`` (the colour scale runs from -scale to +scale)."""
    finite = np.abs(a[np.isfinite(a)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def _cell_colour(v, scale):
    if not math.isfinite(v) or v == 0:
        return "transparent"
    r, g, b = POSITIVE if v > 0 else NEGATIVE
    return f"rgba({r}, {g}, {b}, {min(abs(v) / scale, 1.0) * 0.55:.3f})"


def _png_data_uri(rgba):
    """Encode an ``(h, w, 4)`` uint8 array as a PNG data URI (no imaging library needed)."""
    h, w, _ = rgba.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, w * 4)], axis=1)

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _heatmap_img(a, width=None, title=""):
    """The whole 2-D array as a small translucent heatmap (same colours as the tables)."""
    a = np.asarray(a, dtype=np.float64)
    t = np.clip(np.nan_to_num(a / _scale(a)), -1.0, 1.0)                  # (h, w) in [-1, 1]
    rgba = np.zeros(a.shape + (4,), np.uint8)
    rgba[..., :3] = np.where(t[..., None] >= 0, POSITIVE, NEGATIVE)
    rgba[..., 3] = np.round(np.abs(t) * 255).astype(np.uint8)
    h, w = a.shape
    zoom = max(1, min(6, 240 // max(h, w)))
    width = width or min(max(w * zoom, 8), 400)
    height = max(h * width // w, min(3 * h, 90)) if w > h else h * zoom
    return (f"<img class='nbteach-pixels' src='{_png_data_uri(rgba)}' width='{width}' "
            f"height='{min(height, 240)}' alt='{_esc(title)}' title='{_esc(title)}'>")


def _image_img(column, side, title=""):
    """A 784-entry input column drawn as a 28×28 picture (dark ink on a light card)."""
    v = np.clip(np.nan_to_num(np.asarray(column, np.float64).reshape(side, side)), 0, 1)
    grey = np.round(255 * (1 - v)).astype(np.uint8)
    rgba = np.stack([grey, grey, grey, np.full_like(grey, 255)], axis=-1)
    return (f"<img class='nbteach-pixels' src='{_png_data_uri(rgba)}' width='{side * 2}' "
            f"height='{side * 2}' alt='{_esc(title)}' title='{_esc(title)}'>")


def _image_side(name, a):
    """28 for the 784-pixel input a^1 (and its transpose), else None."""
    n = max(a.shape) if a.ndim == 2 else 0
    side = math.isqrt(n)
    if name.startswith(("a^1", "(a^1)", "x")) and n >= 64 and side * side == n:
        return side
    return None


def array_html(a, name, *, max_rows=MAX_ROWS, max_cols=MAX_COLS, transpose=False):
    """``a`` labelled with its name and shape, numbers coloured on a diverging scale.

    Shows at most ``max_rows`` × ``max_cols`` numbers; the rest is counted in a note, and a
    heatmap of the whole array is added. With ``transpose`` the array is shown as aᵀ.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    side = _image_side(name, a)
    if transpose:
        a = a.T
        name = f"{name}ᵀ" if len(name) == 1 else f"({name})ᵀ"
    rows, cols = a.shape
    scale = _scale(a)
    r_shown, c_shown = min(rows, max_rows), min(cols, max_cols)
    body = []
    for i in range(r_shown):
        cells = "".join(f"<td style='background:{_cell_colour(a[i, j], scale)}'>"
                        f"{fmt(a[i, j])}</td>" for j in range(c_shown))
        if cols > c_shown:
            cells += "<td class='nbteach-more'>…</td>"
        body.append(f"<tr>{cells}</tr>")
    if rows > r_shown:
        body.append("<tr>" + "<td class='nbteach-more'>⋮</td>" * c_shown + "</tr>")
    notes = []
    if rows > r_shown or cols > c_shown:
        left = []
        if rows > r_shown:
            left.append(f"{rows - r_shown} more row{'s' * (rows - r_shown > 1)}")
        if cols > c_shown:
            left.append(f"{cols - c_shown} more column{'s' * (cols - c_shown > 1)}")
        notes.append(f"showing {r_shown} of {rows} rows, {c_shown} of {cols} columns; "
                     f"… {', '.join(left)}")
    pictures = ""
    if side:
        cols_as_images = a.T if transpose else a                # (784, m)
        m = cols_as_images.shape[1]
        pictures = " ".join(_image_img(cols_as_images[:, j], side, f"{name} example {j + 1}")
                            for j in range(min(m, max_cols)))
        pictures = f"<div>{pictures}</div><div class='nbteach-note'>as {side}×{side} images</div>"
    elif rows > max_rows and cols > max_cols:
        pictures = f"<div>{_heatmap_img(a, title=f'{name}: all {rows}×{cols} values')}</div>"
    note = "".join(f"<div class='nbteach-note'>{_esc(n)}</div>" for n in notes)
    return (f"<div class='nbteach-array'><div><span class='nbteach-label'>{_esc(name)}</span> "
            f"<span class='nbteach-note'>{shape_str(a)}</span></div>"
            f"<table title='colour scale ±{fmt(scale)}'><tbody>{''.join(body)}</tbody></table>"
            f"{note}{pictures}</div>")


def code_html(source=BOOK_BACKPROP_SOURCE, highlight=()):
    """A code listing with line numbers; the 1-based lines in ``highlight`` are marked."""
    lines = source.splitlines()
    out = []
    for n, line in enumerate(lines, start=1):
        cls = " class='nbteach-hl'" if n in highlight else ""
        out.append(f"<div{cls}><span class='nbteach-lineno'>{n:2d}  </span>{_esc(line)}</div>")
    return f"<div class='nbteach-code'>{''.join(out)}</div>"


def _op(symbol):
    return f"<span class='nbteach-op'>{_esc(symbol)}</span>"


def _row(*parts):
    return f"<div class='nbteach-row'>{''.join(parts)}</div>"


def step_arrays_html(step):
    """The live arrays of one step, laid out as the equation reads (operands, then result)."""
    ops = list(step.operands.items())
    inter = list(step.intermediates.items())
    A = array_html
    if step.equation == "feedforward" and len(ops) == 3 and len(inter) == 1:
        (w, wv), (a, av), (b, bv) = ops
        (z, zv), = inter
        return (_row(A(wv, w), _op("·"), A(av, a), _op("+"), A(bv, b), _op("="), A(zv, z))
                + _row(_op("σ("), A(zv, z), _op(") ="), A(step.result, step.result_name)))
    if step.hadamard is not None:
        h = step.hadamard
        first = ""
        if step.equation == "BP2" and len(ops) >= 2:
            (w, wv), (d, dv) = ops[:2]
            first = _row(A(wv, w, transpose=True), _op("·"), A(dv, d), _op("="),
                         A(h.left, h.left_name))
        elif inter:
            first = ("<div class='nbteach-note'>from</div>"
                     + _row(*(A(v, k) for k, v in inter)))
        return first + hadamard_row_html(h)
    if step.equation == "BP3" and len(ops) == 1:
        (d, dv), = ops
        verb = _op("summed over the columns →") if dv.shape[1] > 1 else _op("=")
        return _row(A(dv, d), verb, A(step.result, step.result_name))
    if step.equation == "BP4" and len(ops) == 2:
        (d, dv), (a, av) = ops
        return _row(A(dv, d), _op("·"), A(av, a, transpose=True), _op("="),
                    A(step.result, step.result_name))
    parts = [A(v, k) for k, v in ops + inter]
    return _row(*parts, _op("→"), A(step.result, step.result_name))


def hadamard_row_html(h):
    """Both factors and the product side by side: s ⊙ t = result."""
    return _row(array_html(h.left, h.left_name), _op("⊙"), array_html(h.right, h.right_name),
                _op("="), array_html(h.result, h.result_name))


def step_html(step, total=None, *, diagram=""):
    """A whole step: heading, description, equation (for MathJax), code, arrays, diagram."""
    heading = step.heading(total) if total else (
        f"Step {step.index + 1} · {step.equation} · l = {step.layer}")
    return (f"{STYLE}<div class='nbteach-block nbteach-step'>"
            f"<div class='nbteach-step-heading'>{_esc(heading)}</div>"
            f"<div class='nbteach-note'>{_esc(step.description)}</div>"
            f"<div>$${step.latex}$$</div>"
            f"<div class='nbteach-row'>{code_html(highlight=step.code_lines)}{diagram}</div>"
            f"{step_arrays_html(step)}</div>")


def hadamard_html(h):
    return (f"{STYLE}<div class='nbteach-block nbteach-hadamard'>"
            f"<div class='nbteach-step-heading'>{_esc(h.equation)} · l = {h.layer}</div>"
            f"<div>{_esc(h.left_name)} ⊙ {_esc(h.right_name)} = {_esc(h.result_name)}: "
            f"each entry times the matching entry</div>{hadamard_row_html(h)}</div>")


def _sizes(trace):
    return "-".join(map(str, trace.sizes))


def trace_text(trace):
    """A plain-text table of the steps: number, equation, layer, result and its shape."""
    n = len(trace.steps)
    lines = [repr(trace)]
    for s in trace.steps:
        lines.append(f"  {s.heading(n)}: {s.result_name} {shape_str(s.result)}")
    return "\n".join(lines)


def _steps_table(trace):
    n = len(trace.steps)
    rows = []
    for s in trace.steps:
        ops = ", ".join(f"{_esc(k)} {shape_str(v)}" for k, v in s.operands.items())
        rows.append(f"<tr><td>{_esc(s.heading(n))}</td><td>${s.latex}$</td><td>{ops}</td>"
                    f"<td>{_esc(s.result_name)} {shape_str(s.result)}</td>"
                    f"<td>{_esc(s.description)}</td></tr>")
    return (f"<table class='nbteach-table'><thead><tr><th>step</th><th>equation</th>"
            f"<th>operands</th><th>result</th><th>what happens</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def trace_html(trace):
    return (f"{STYLE}<div class='nbteach-block nbteach-trace'><p>{_esc(repr(trace))}</p>"
            f"{_steps_table(trace)}<p>{len(trace.steps)} steps</p></div>")


def stepper_html(title, trace):
    """The static form of a stepper: every step in a table (no widgets needed)."""
    return (f"{STYLE}<div class='nbteach-block nbteach-static'><p><b>{_esc(title)}</b></p>"
            f"<p class='nbteach-note'>Static view: the steps the stepper shows one at a time, "
            f"with their equations and shapes.</p>{_steps_table(trace)}</div>")


def layer_html(trace, l, *, diagram=""):
    """Layer ``l`` of a trace at a glance: z, a, δ, ∂C/∂b, ∂C/∂w."""
    d = trace.layer(l)
    A = array_html
    return (f"{STYLE}<div class='nbteach-block nbteach-layer'>"
            f"<div class='nbteach-step-heading'>Layer l = {l} of a {_sizes(trace)} network"
            f"</div>{diagram}"
            + _row(A(d["z"], f"z^{l}"), A(d["a"], f"a^{l}"), A(d["delta"], f"δ^{l}"))
            + _row(A(d["nabla_b"], f"∂C/∂b^{l}"), A(d["nabla_w"], f"∂C/∂w^{l}"))
            + "</div>")


def forward_pane_html(step, part, *, diagram=""):
    """One half of a feedforward step: ``part`` "z" (z = w a + b) or "a" (a = σ(z))."""
    (w, wv), (a, av), (b, bv) = list(step.operands.items())
    (z, zv), = list(step.intermediates.items())
    A = array_html
    if part == "z":
        latex = rf"z^{{{step.layer}}} = w^{{{step.layer}}} a^{{{step.layer - 1}}} + b^{{{step.layer}}}"
        arrays = _row(A(wv, w), _op("·"), A(av, a), _op("+"), A(bv, b), _op("="), A(zv, z))
        text = (f"Each row of w^{step.layer} times the column {a}, plus the bias: "
                f"a matrix–vector product.")
    else:
        latex = rf"a^{{{step.layer}}} = \sigma(z^{{{step.layer}}})"
        arrays = _row(_op("σ("), A(zv, z), _op(") ="), A(step.result, step.result_name))
        text = "σ acts on each entry of z separately."
    return (f"{STYLE}<div class='nbteach-block'><div class='nbteach-note'>{_esc(text)}</div>"
            f"<div>$${latex}$$</div><div class='nbteach-row'>{arrays}{diagram}</div></div>")


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_vector(text, *, name="vector", max_len=12):
    """Parse ``"1, 2, 3"`` (commas and/or spaces) into a column ``(n, 1)``; clear errors."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be text like '1, 2, 3'; got {type(text).__name__}")
    items = [p for p in re.split(r"[,\s;]+", text.strip().strip("[]()")) if p]
    if not items:
        raise ValueError(f"{name} is empty: type numbers separated by commas, like 1, 2, 3")
    bad = [p for p in items if not _NUMBER.match(p)]
    if bad:
        raise ValueError(f"{name}: {bad[0]!r} is not a number (expected e.g. 1, -2.5, 3)")
    if len(items) > max_len:
        raise ValueError(f"{name} has {len(items)} entries; keep it to at most {max_len}")
    return np.array([float(p) for p in items]).reshape(-1, 1)          # (n, 1)


def products_html(s, t):
    """s ⊙ t beside the matrix products s tᵀ and sᵀ t, for columns ``s`` and ``t``.

    The one place this module multiplies: these three products are the picture itself.
    s ⊙ t and sᵀ t need equal lengths; s tᵀ is drawn for any lengths.
    """
    A = array_html
    same = s.shape == t.shape
    elementwise = s * t if same else None                               # (n, 1)
    outer = s @ t.T                                                     # (n, k)
    inner = s.T @ t if same else None                                   # (1, 1)
    parts = []
    if not same:
        parts.append(f"<div class='nbteach-error'>s ⊙ t needs s and t of the same length; "
                     f"s has {len(s)} entries, t has {len(t)}.</div>")
    else:
        parts.append("<div><b>Hadamard (elementwise) product</b> "
                     "<span class='nbteach-note'>same shape as s and t</span></div>"
                     + _row(A(s, "s"), _op("⊙"), A(t, "t"), _op("="), A(elementwise, "s ⊙ t")))
    parts.append("<div><b>Matrix product s tᵀ</b> <span class='nbteach-note'>every entry of "
                 "s times every entry of t: a matrix</span></div>"
                 + _row(A(s, "s"), _op("·"), A(t, "t", transpose=True), _op("="),
                        A(outer, "s tᵀ")))
    if inner is not None:
        parts.append("<div><b>Matrix product sᵀ t</b> <span class='nbteach-note'>the dot "
                     "product: the sum of the entries of s ⊙ t</span></div>"
                     + _row(A(s, "s", transpose=True), _op("·"), A(t, "t"), _op("="),
                            A(inner, "sᵀ t")))
    return f"{STYLE}<div class='nbteach-block'>{''.join(parts)}</div>"


def paths_html(pathsum):
    """Every path from one weight to the cost: its neurons, rate factors and product."""
    rows = []
    for p in pathsum.paths:
        route = " → ".join(f"a^{l}_{n}" for l, n in p.neurons) + " → C"
        factors = " × ".join(fmt(v) for _, v in p.factors)
        colour = _cell_colour(p.rate, max(abs(q.rate) for q in pathsum.paths) or 1.0)
        rows.append(f"<tr><td>{_esc(route)}</td><td>{_esc(factors)}</td>"
                    f"<td style='background:{colour}; text-align:right'>{p.rate:+.6f}</td></tr>")
    name = _esc(pathsum.weight_name)
    return (f"{STYLE}<div class='nbteach-block nbteach-paths'>"
            f"<div class='nbteach-step-heading'>{len(pathsum.paths)} path(s) from {name} to C"
            f"</div><table class='nbteach-table'><thead><tr><th>path</th>"
            f"<th>rate factors</th><th>product</th></tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table><p>sum over the paths: <b>{pathsum.total:+.10f}</b><br>"
            f"backprop's ∂C/∂{name}: <b>{pathsum.backprop:+.10f}</b></p></div>")
