"""HTML building blocks: numbers, arrays and code listings. No maths.

Everything here returns a string, so the same output serves the widgets, static notebook
exports (nbconvert, GitHub) and tests; ``panes`` composes these blocks into what each viewer
shows. Colours are either the theme's CSS variables (with fallbacks for plain HTML) or
translucent overlays, so they read in light and dark themes.

Numbers: ``PRECISION`` decimals, switching to scientific notation for magnitudes that the
fixed form would hide (a saturated neuron's σ'(z) ≈ 3e-5 is not 0.0000). One diverging
colour scale per array around 0 (blue above, red below, stronger for larger magnitude).
Big arrays are summarised: at most ``MAX_ROWS`` rows and ``MAX_COLS`` columns as numbers,
with a note of what is left out and a small heatmap of the whole array; the 784-pixel input
is also drawn as 28×28. Non-goal: computing anything the trace has not already computed.

The classes they use are styled by the one stylesheet of ``nbteach.style`` (``STYLE``,
``styled`` and ``present`` are importable from here too).
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
from .style import LEVELS, NEGATIVE, POSITIVE, STYLE, present, presenting, styled

__all__ = ["PRECISION", "MAX_ROWS", "MAX_COLS", "STYLE", "esc", "shape_str", "fmt",
           "fmt_faithful", "cell_colour", "typeset", "math_label", "array_html", "code_html",
           "op", "row", "styled", "present", "presenting"]

PRECISION = 4
SMALL = 1e-3       # nonzero magnitudes below this are written 1.23e-04: their digits count
MAX_ROWS = 10      # the output layer of a digit network, all ten digits
MAX_COLS = 8


def _level(v, scale):
    """0 (no colour) or ±1..±LEVELS: the shade of one number on its array's scale."""
    if not math.isfinite(v) or v == 0:
        return 0
    k = max(1, min(LEVELS, math.ceil(abs(v) / scale * LEVELS)))
    return k if v > 0 else -k


def esc(s):
    """``s`` as text safe to put in HTML."""
    return html.escape(str(s))


def shape_str(a):
    return "(" + ", ".join(str(n) for n in np.shape(a)) + ")"


def fmt(v):
    """One number, as a learner should read it: ``-0.1234``, or ``3.20e-05`` for a nonzero
    magnitude below ``SMALL`` (the fixed form would keep one digit of it, or none) or a huge
    one, and
    ``1 − 7.50e-07`` when it would show a number just short of 1 as 1.0000; nan and inf
    spelled out, never ``-0.0000``."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v != 0 and (abs(v) < SMALL or abs(v) >= 1e6):
        return f"{v:.{PRECISION - 2}e}"
    one = 1.0 if v > 0 else -1.0             # a saturated σ(z): 1 − 7.5e-07, not 1.0000
    gap = v - one
    if 0 < abs(gap) < 0.5 * 10.0 ** -PRECISION:
        return f"{'-' * (v < 0)}1 {'−' if gap < 0 else '+'} {abs(gap):.{PRECISION - 2}e}"
    text = f"{v:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text   # no "-0.0000"


FAITHFUL_DIGITS = 9


def fmt_faithful(v):
    """One number that reads back as itself to ``FAITHFUL_DIGITS`` significant digits.

    ``fmt(v)`` when that is already true (``1.0000``, ``3.00e-05``), or its scientific form
    (``8.00e-05``, not ``0.0001``); otherwise the fewest significant digits that make it
    true (``2.46912``, not ``2.4691``). For what a learner types and checks by hand
    (``HadamardExplorer``), where arithmetic shown to four decimals could look wrong.
    """
    text, v = fmt(v), float(v)
    if not math.isfinite(v) or _reads_back(text, v):
        return text
    text = f"{v:.{PRECISION - 2}e}"
    if _reads_back(text, v):
        return text
    for digits in range(PRECISION + 1, FAITHFUL_DIGITS + 1):
        text = f"{v:.{digits}g}"
        if _reads_back(text, v):
            break
    return text


def _reads_back(text, v):
    try:
        shown = float(text)
    except ValueError:                           # fmt's "1 − 7.50e-07" is read by people only
        return False
    return abs(shown - v) <= 0.5 * 10.0 ** (1 - FAITHFUL_DIGITS) * abs(v)


def _scale(a):
    """Largest finite magnitude of ``a`` (the colour scale runs from -scale to +scale)."""
    finite = np.abs(a[np.isfinite(a)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def cell_colour(v, scale):
    """The background of one number on the diverging scale of its array (inline CSS)."""
    if not math.isfinite(v) or v == 0:
        return "transparent"
    r, g, b = POSITIVE if v > 0 else NEGATIVE
    return f"rgba({r}, {g}, {b}, {min(abs(v) / scale, 1.0) * 0.55:.3f})"


def _png_data_uri(pixels, palette=None):
    """Encode uint8 pixels as a PNG data URI (no imaging library needed): ``(h, w, 4)``
    RGBA, ``(h, w)`` grey, or ``(h, w)`` indices into ``palette`` (rows of RGBA)."""
    h, w = pixels.shape[:2]
    if pixels.ndim == 3:
        channels, colour_type = 4, 6
    else:
        channels, colour_type = 1, (0 if palette is None else 3)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), pixels.reshape(h, w * channels)], axis=1)

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    extra = b""
    if palette is not None:
        palette = np.asarray(palette, np.uint8)
        extra = chunk(b"PLTE", palette[:, :3].tobytes()) + chunk(b"tRNS", palette[:, 3].tobytes())
    header = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra
           + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


HEATMAP_SHADES = 15     # shades of each colour in a heatmap
HEATMAP_MAX_COLS = 200  # wider arrays are drawn a block of columns per pixel


def _heatmap_img(a, width=None, title=""):
    """The whole 2-D array as a small translucent heatmap (same colours as the tables).

    Drawn with a palette of ``HEATMAP_SHADES`` shades a side; an array wider than
    ``HEATMAP_MAX_COLS`` shows, for each block of neighbouring columns, the entry of largest
    magnitude, so a strong weight is never averaged away.
    """
    a = np.nan_to_num(np.asarray(a, dtype=np.float64))
    h, w = a.shape
    block = -(-w // HEATMAP_MAX_COLS)
    if block > 1:
        padded = np.zeros((h, -(-w // block) * block))
        padded[:, :w] = a
        blocks = padded.reshape(h, -1, block)                              # (h, w', block)
        pick = np.abs(blocks).argmax(axis=2)[..., None]
        a = np.take_along_axis(blocks, pick, axis=2)[..., 0]               # (h, w')
    t = np.clip(a / _scale(a), -1.0, 1.0)                                  # in [-1, 1]
    index = (np.round(t * HEATMAP_SHADES) + HEATMAP_SHADES).astype(np.uint8)
    shades = np.arange(-HEATMAP_SHADES, HEATMAP_SHADES + 1) / HEATMAP_SHADES
    palette = [(*(POSITIVE if s > 0 else NEGATIVE), round(abs(s) * 255)) for s in shades]
    zoom = max(1, min(6, 240 // max(h, w)))
    width = width or min(max(w * zoom, 8), 400)
    height = max(h * width // w, min(3 * h, 90)) if w > h else h * zoom
    return (f"<img class='nbteach-pixels' src='{_png_data_uri(index, palette)}' width='{width}' "
            f"height='{min(height, 240)}' alt='{esc(title)}' title='{esc(title)}'>")


def _image_img(column, side, title=""):
    """A 784-entry input column drawn as a 28×28 picture (dark ink on a light card)."""
    v = np.clip(np.nan_to_num(np.asarray(column, np.float64).reshape(side, side)), 0, 1)
    grey = np.round(255 * (1 - v)).astype(np.uint8)                     # (side, side)
    return (f"<img class='nbteach-pixels' src='{_png_data_uri(grey)}' width='{side * 2}' "
            f"height='{side * 2}' alt='{esc(title)}' title='{esc(title)}'>")


def _image_side(name, a):
    """28 for the 784-pixel input a^1 (and its transpose), else None."""
    n = max(a.shape) if a.ndim == 2 else 0
    side = math.isqrt(n)
    if name.startswith(("a^1", "(a^1)", "x")) and n >= 64 and side * side == n:
        return side
    return None


def _cell(v, scale, number=fmt):
    k = _level(v, scale)
    shade = f" class=nbteach-{'p' if k > 0 else 'n'}{abs(k)}" if k else ""
    return f"<td{shade}>{number(v)}</td>"


_SUP = re.compile(r"\^(\{[^}]*\}|[0-9A-Za-z+\-]+)")
_SUB = re.compile(r"_(\{[^}]*\}|[0-9A-Za-z]+)")


def typeset(text):
    """Plain text with the trace's ASCII symbols (``z^2``, ``∇_a C``, ``σ'``) as HTML with
    superscripts, subscripts and primes."""
    text = esc(text).replace("&#x27;", "′")
    text = _SUP.sub(lambda m: f"<sup>{m.group(1).strip('{}')}</sup>", text)
    return _SUB.sub(lambda m: f"<sub>{m.group(1).strip('{}')}</sub>", text)


def math_label(name):
    """A name written as the trace writes it, typeset as the book writes it, in HTML:
    ``w^2`` → w², ``(a^1)ᵀ`` → (a¹)ᵀ, ``∇_a C`` → ∇ₐC, ``σ'(z^3)`` → σ′(z³)."""
    return f"<span class='nbteach-math'>{typeset(name)}</span>"


def array_html(a, name, *, max_rows=MAX_ROWS, max_cols=MAX_COLS, transpose=False,
               number=fmt):
    """``a`` labelled with its name and shape, numbers coloured on a diverging scale.

    Shows at most ``max_rows`` × ``max_cols`` numbers; the rest is counted in a note, and a
    heatmap of the whole array is added. With ``transpose`` the array is shown as aᵀ.
    ``number`` writes each entry (``fmt``, or ``fmt_faithful``).
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
        cells = "".join(_cell(a[i, j], scale, number) for j in range(c_shown))
        if cols > c_shown:
            cells += "<td class='nbteach-more'>…</td>"
        body.append(f"<tr>{cells}</tr>")
    if rows > r_shown:
        body.append("<tr>" + "<td class='nbteach-more'>⋮</td>" * c_shown + "</tr>")
    notes = []
    if rows > r_shown or cols > c_shown:
        shown = [f"{r_shown} of {rows} rows"] if rows > r_shown else []
        shown += [f"{c_shown} of {cols} columns"] if cols > c_shown else []
        notes.append("showing " + ", ".join(shown))
    if side:                                   # the input pixels: a picture says more
        images = a.T if transpose else a       # (784, m)
        m = images.shape[1]
        pictures = " ".join(_image_img(images[:, j], side, f"{name} example {j + 1}")
                            for j in range(min(m, max_cols)))
        inked = int(np.count_nonzero(images[:, 0]))
        more = f"; {max_cols} of {m} examples shown" if m > max_cols else ""
        return (f"<div class='nbteach-array'><div><span class='nbteach-label'>"
                f"{math_label(name)}</span> <span class='nbteach-note'>{shape_str(a)}</span>"
                f"</div><div>{pictures}</div><div class='nbteach-note'>as {side}×{side} "
                f"images: {inked} of {images.shape[0]} pixels of the first are not 0{more}"
                f"</div></div>")
    pictures = ""
    if rows > max_rows and cols > max_cols:
        pictures = f"<div>{_heatmap_img(a, title=f'{name}: all {rows}×{cols} values')}</div>"
    note = "".join(f"<div class='nbteach-note'>{esc(n)}</div>" for n in notes)
    return (f"<div class='nbteach-array'><div><span class='nbteach-label'>{math_label(name)}"
            f"</span> <span class='nbteach-note'>{shape_str(a)}</span></div>"
            f"<table title='colour scale ±{fmt(scale)}'><tbody>{''.join(body)}</tbody></table>"
            f"{note}{pictures}</div>")


def code_html(source=BOOK_BACKPROP_SOURCE, highlight=(), *, context=None):
    """A code listing with line numbers; the 1-based lines in ``highlight`` are marked.

    ``context``: show only the highlighted lines and this many lines around them (a gap is
    marked ⋮), instead of the whole listing.
    """
    lines = source.splitlines()
    keep = range(1, len(lines) + 1)
    if context is not None and highlight:
        keep = sorted({n for h in highlight for n in range(h - context, h + context + 1)
                       if 1 <= n <= len(lines)})
    out, previous = [], 0
    for n in keep:
        if n > previous + 1:
            out.append("<div class='nbteach-lineno'>   ⋮</div>")
        cls = " class='nbteach-hl'" if n in highlight else ""
        out.append(f"<div{cls}><span class='nbteach-lineno'>{n:2d}  </span>"
                   f"{esc(lines[n - 1])}</div>")
        previous = n
    return f"<div class='nbteach-code'>{''.join(out)}</div>"


def op(symbol):
    """An operator between arrays: ·, +, ⊙, =."""
    return f"<span class='nbteach-op'>{esc(symbol)}</span>"


def row(*parts):
    """Blocks side by side, wrapping on narrow screens."""
    return f"<div class='nbteach-row'>{''.join(parts)}</div>"
