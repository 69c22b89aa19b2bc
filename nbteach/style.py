"""The one stylesheet of nbteach's HTML, its colours, and where it is written.

``STYLE`` styles every block ``display`` and ``panes`` build (classes prefixed ``nbteach-``):
colours are the theme's CSS variables (with fallbacks for plain HTML) or translucent
overlays, so they read in JupyterLab's light and dark themes. It is kept short, because it
is stored in notebooks: widgets share one copy per kernel (``nbteach.widgets``), and plain
HTML outputs carry it in the first of them (``styled``). ``present()`` switches presenter
size on for what is made after it. Non-goal: themes of our own.
"""
from __future__ import annotations

__all__ = ["STYLE", "POSITIVE", "NEGATIVE", "LEVELS", "styled", "present", "presenting"]

POSITIVE = (5, 113, 176)    # blue
NEGATIVE = (202, 0, 32)     # red
FG = "var(--jp-ui-font-color1,currentColor)"
MUTED = "var(--jp-ui-font-color2,#777)"
BORDER = "var(--jp-border-color2,#bbb)"
ACCENT = "var(--jp-brand-color1,#1976d2)"
MONO = "font-family:var(--jp-code-font-family,monospace)"

LEVELS = 8          # shades of each colour in the tables; the stylesheet defines each one


def _shade_css():
    """One CSS class per shade: ``nbteach-p1`` .. ``p8`` (blue), ``nbteach-n1`` .. (red)."""
    out = []
    for k in range(1, LEVELS + 1):
        alpha = f"{k / LEVELS * 0.55:.3f}".rstrip("0")
        for sign, (r, g, b) in (("p", POSITIVE), ("n", NEGATIVE)):
            out.append(f".nbteach-{sign}{k}{{background:rgba({r},{g},{b},{alpha})}}")
    return "".join(out)


# The one stylesheet; every class is prefixed ``nbteach-``. Kept short: it is stored in
# notebooks (once for all widgets of a notebook, and once per plain HTML output).
STYLE = ("<style>"
         f".nbteach-block{{color:{FG};font-family:var(--jp-ui-font-family,sans-serif);"
         "font-size:var(--jp-ui-font-size1,13px);line-height:1.35}"
         f".nbteach-step-heading{{font-weight:bold;font-size:1.25em;color:{FG}}}"
         f".nbteach-note{{color:{MUTED};font-size:.9em}}"
         ".nbteach-row{display:flex;flex-wrap:wrap;align-items:center;gap:.6em;margin:.4em 0}"
         f".nbteach-op{{font-size:1.4em;color:{FG};padding:0 .2em}}"
         ".nbteach-array{display:inline-block;vertical-align:middle}"
         f".nbteach-array table{{border-collapse:collapse;margin:.2em 0;{MONO};font-size:.9em}}"
         f".nbteach-array td{{border:1px solid {BORDER};padding:1px 5px;text-align:right;"
         f"color:{FG};white-space:nowrap}}"
         f".nbteach-array td.nbteach-more{{border:none;color:{MUTED};text-align:center}}"
         ".nbteach-label{font-weight:bold}"
         ".nbteach-math{font-family:'STIX Two Math','Cambria Math','Latin Modern Math',"
         "'Times New Roman',serif;font-style:italic;font-size:1.15em;white-space:nowrap}"
         ".nbteach-math sup,.nbteach-math sub{font-style:normal;font-size:.7em}"
         ".nbteach-equation{font-size:1.3em}"
         ".nbteach-components{color:" + MUTED + ";font-size:.95em}"
         ".nbteach-present{zoom:1.5}"
         f".nbteach-code{{{MONO};font-size:.85em;margin:.3em 0;padding:.3em 0;"
         f"border:1px solid {BORDER};background:var(--jp-layout-color1,transparent);"
         f"color:{FG};overflow-x:auto}}"
         ".nbteach-code div{white-space:pre;padding:0 .5em}"
         f".nbteach-code .nbteach-hl{{background:rgba(255,193,7,.28);border-left:3px solid {ACCENT}}}"
         f".nbteach-code .nbteach-lineno{{color:{MUTED};user-select:none}}"
         f".nbteach-table{{border-collapse:collapse;color:{FG}}}"
         f".nbteach-table th,.nbteach-table td{{border-bottom:1px solid {BORDER};"
         "padding:2px 8px;text-align:left;vertical-align:top}"
         ".nbteach-error{color:var(--jp-error-color1,#d32f2f);font-weight:bold}"
         "img.nbteach-pixels{image-rendering:pixelated;image-rendering:crisp-edges;"
         f"border:1px solid {BORDER}}}"
         f".nbteach-diagram text{{fill:{FG};font-size:10px;text-anchor:middle}}"
         ".nbteach-diagram text.b{font-weight:bold;font-size:11px}"
         f".nbteach-diagram .e{{fill:none;stroke:{MUTED};stroke-width:.7;opacity:.5}}"
         f".nbteach-diagram .eh{{fill:none;stroke:{ACCENT};stroke-width:1.4;opacity:.8}}"
         f".nbteach-diagram .n{{fill:var(--jp-layout-color1,transparent);stroke:{FG};stroke-width:1}}"
         f".nbteach-diagram .nh{{fill:{ACCENT};stroke:{ACCENT};stroke-width:2}}"
         f".nbteach-diagram .a{{fill:{ACCENT};stroke:{ACCENT};stroke-width:2}}"
         ".nbteach-diagram .w{fill:none;stroke:#e69f00;stroke-width:4}"
         + _shade_css() + "</style>")


_presenter = {"on": False}


def present(on=True):
    """Presenter size: every viewer and step made after this call shows its type, arrays
    and diagram half as large again, for a projector. ``present(False)`` switches it off."""
    _presenter["on"] = bool(on)


def presenting():
    """True after ``present()``: the size new viewers and plain outputs are made at."""
    return _presenter["on"]


_stylesheet_cell = {}      # kernel -> the cell whose output carries the stylesheet


def _kernel_cell():
    """(the running kernel, the id of the cell it is running), or None outside a notebook.

    JupyterLab sends the cell's id with each request; where it is missing (nbclient,
    nbval) every request counts as a new cell."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return None
    header = getattr(shell, "parent_header", None) or {}
    return shell, header.get("metadata", {}).get("cellId")


def styled(body, *, presenter=None, standalone=False):
    """``body`` with the stylesheet, as a plain HTML output.

    In a notebook the stylesheet is written once, into the first such output of the
    kernel (and again if that cell runs again, since its new output replaces the old one):
    the page keeps it for every later output. ``standalone=True`` always writes it, for
    an output that must read on its own (a widget's static form, shown only where the
    widget is not). Outside a notebook every output carries it.

    ``presenter``: wrap the body at presenter size (default: as ``present()`` last set it).
    """
    if presenter if presenter is not None else presenting():
        body = f"<div class='nbteach-present'>{body}</div>"
    where = None if standalone else _kernel_cell()
    if where is not None:
        shell, cell = where
        key = id(shell)
        if key in _stylesheet_cell and (cell is None or _stylesheet_cell[key] != cell):
            return body
        _stylesheet_cell[key] = cell
    return STYLE + body
