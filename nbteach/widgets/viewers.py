"""The viewers that pick rather than step: a layer, two vectors, a weight's paths.

Each lays out what was computed before: ``LayerInspector`` a trace, ``HadamardExplorer`` the
``products`` of the two columns typed into it, ``PathExplorer`` the sums over paths of
``nbteach.paths``.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..checks import parse_vector
from ..diagram import network_svg
from ..display import esc, fmt_faithful
from ..network import Network
from ..panes import layer_html, paths_html, products_html
from ..paths import all_path_sums
from ..products import products
from .base import (
    PANE_LAYOUT,
    Viewer,
    check_trace,
    examples,
    pane,
    picker,
    shared_layout,
    sizes_text,
    stylesheet,
)

__all__ = ["LayerInspector", "HadamardExplorer", "PathExplorer"]


class LayerInspector(Viewer):
    """One layer of a trace at a glance: z, a, δ, ∂C/∂b and ∂C/∂w.

    Parameters
    ----------
    trace : BackpropTrace
    l : int, the book layer, 2..L (default L, the output layer)

    A dropdown picks another layer; all layers are rendered once and switched in the browser.
    """

    def __init__(self, trace, l=None, **kwargs):
        self.trace = check_trace(trace, "LayerInspector")
        L = trace.num_layers
        l = L if l is None else l
        trace.layer(l)                                     # checks l, with a clear error
        super().__init__(**kwargs)
        self._layers = list(range(2, L + 1))
        panes = [pane(self._html(k)) for k in self._layers]
        picker(self, panes, [(f"l = {k}", k) for k in self._layers], l, "layer", "160px")

    def _html(self, l):
        return layer_html(self.trace, l, diagram=network_svg(self.trace.sizes, l, edges=l))

    @property
    def layer(self):
        return self.dropdown.value

    def show(self, l):
        """Show book layer ``l`` (2..L)."""
        self.trace.layer(l)
        self.dropdown.value = int(l)

    def summary(self):
        return (f"LayerInspector: layer l = {self.layer} of a {sizes_text(self.trace.sizes)} "
                f"network ({examples(self.trace.batch_size)})")

    def static_html(self):
        return self.styled(self._html(self.layer))


class HadamardExplorer(Viewer):
    """Two small vectors s and t to edit; s ⊙ t beside the matrix products s tᵀ and sᵀ t.

    Parameters
    ----------
    s, t : text such as ``"1, 2, 3"`` (or a sequence of numbers), at most 12 entries each

    Every number shown reads back as the one computed (see ``display.fmt_faithful``), and
    entries whose products would leave the range of a float64 (overflow to inf, or vanish
    to 0) are refused with a message rather than shown as wrong arithmetic.
    """

    def __init__(self, s="1, 2, 3", t="4, 5, 6", **kwargs):
        super().__init__(**kwargs)
        box = shared_layout(width="260px")
        self.s_text = W.Text(description="s =", continuous_update=False, layout=box)
        self.t_text = W.Text(description="t =", continuous_update=False, layout=box)
        self.message = W.HTML()
        self.output = W.HTML(layout=shared_layout(**PANE_LAYOUT))
        self.products = None
        self.error = None
        self.s_text.value, self.t_text.value = self._text(s, "s"), self._text(t, "t")
        self._update()
        if self.error:
            raise ValueError(self.error)
        self.s_text.observe(self._update, names="value")
        self.t_text.observe(self._update, names="value")
        self.children = [stylesheet(), W.HBox([self.s_text, self.t_text]), self.message,
                         self.output]
        self.add_class("nbteach-viewer")

    @staticmethod
    def _text(v, name):
        """The text a learner would type for ``v``: every number written out in full."""
        if isinstance(v, str):
            return v
        if isinstance(v, (list, tuple, np.ndarray)):
            try:
                arr = np.asarray(v)
            except ValueError:
                arr = np.asarray([], dtype=object)
            if arr.dtype == bool or arr.dtype.kind not in "iuf":
                raise TypeError(f"{name} must be text like '1, 2, 3' or a list of real numbers; "
                                f"got {type(v).__name__} of {arr.dtype}")
            return ", ".join(repr(float(x)) for x in arr.ravel())
        raise TypeError(f"{name} must be text like '1, 2, 3' or a list of numbers; "
                        f"got {type(v).__name__}")

    _holding = False

    def _update(self, change=None):
        if self._holding:
            return
        try:
            s = parse_vector(self.s_text.value, name="s")
            t = parse_vector(self.t_text.value, name="t")
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                p = _representable(products(s, t))
        except ValueError as e:
            self.error = str(e)
            self.message.value = f"<span class='nbteach-error'>{esc(e)}</span>"
            return
        self.products, self.error = p, None
        self.message.value = ""
        self.output.value = products_html(self.products)

    @property
    def s(self):
        return self.products.s

    @property
    def t(self):
        return self.products.t

    def set(self, s=None, t=None):
        """Replace s and/or t (text or numbers), as if typed; a bad entry sets ``error``."""
        texts = (self._text(s, "s") if s is not None else None,
                 self._text(t, "t") if t is not None else None)   # both checked first
        self._holding = True                       # one update for both, not one each
        try:
            if texts[0] is not None:
                self.s_text.value = texts[0]
            if texts[1] is not None:
                self.t_text.value = texts[1]
        finally:
            self._holding = False
        self._update()
        return self.error

    def summary(self):
        def vec(v):
            return "(" + ", ".join(fmt_faithful(x) for x in v.ravel()) + ")"
        return f"HadamardExplorer: s = {vec(self.s)}, t = {vec(self.t)}"

    def static_html(self):
        return self.styled(products_html(self.products))


def _representable(p):
    """``p`` if every product of two nonzero entries is a normal float64; else ValueError.

    s tᵀ holds every product s_i t_j (s ⊙ t is its diagonal), so checking it is enough,
    with the sum sᵀ t.
    """
    tiny = np.finfo(np.float64).tiny                        # 2.2e-308, the smallest normal
    both = (p.s != 0) & (p.t.T != 0)                        # (n, k)
    bad = both & ~(np.isfinite(p.outer) & (np.abs(p.outer) >= tiny))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        size = "large" if abs(float(p.s[i, 0]) * float(p.t[j, 0])) >= 1 else "small"
        raise ValueError(f"s{i + 1} × t{j + 1} = {float(p.s[i, 0])!r} × {float(p.t[j, 0])!r} "
                         f"is too {size} for "
                         "a float64 (about 1e-308 to 1e308 in size): use numbers nearer 1")
    if p.inner is not None and not np.isfinite(p.inner).all():
        raise ValueError("sᵀ t, the sum of the products, is too large for a float64: use "
                         "numbers nearer 1")
    return p


class PathExplorer(Viewer):
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
        panes = [pane(paths_html(ps) + network_svg(self.sizes, ps.layer,
                                                   weight=(ps.layer, ps.j, ps.k)))
                 for ps in self.sums]
        picker(self, panes, [(ps.weight_name, i) for i, ps in enumerate(self.sums)], 0,
               "weight", "200px")

    @property
    def current(self):
        """The ``PathSum`` of the weight shown."""
        return self.sums[self.dropdown.index]

    def show(self, l, j, k):
        """Show the weight ``weights[l - 2][j, k]``: Python's row j and column k, from 0
        (the book's w^l with neurons j + 1 and k + 1)."""
        for i, ps in enumerate(self.sums):
            if (ps.layer, ps.j, ps.k) == (l, j, k):
                self.dropdown.value = i
                return
        raise ValueError(f"no weight weights[{l - 2}][{j}, {k}] in a "
                         f"{sizes_text(self.sizes)} network")

    def summary(self):
        ps = self.current
        return (f"PathExplorer: {len(self.sums)} weights of a {sizes_text(self.sizes)} "
                f"network; showing {ps.weight_name} ({len(ps.paths)} paths)")

    def static_html(self):
        return self.styled(paths_html(self.current))
