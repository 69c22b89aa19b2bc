"""Pictures of a training microscope's ``Recording``: static figures and a live view.

* ``plot_recording``: panels over the epochs, one line per book layer l; by default mean
  |δ^l|, ‖∂C/∂b^l‖ (both on a log scale: they differ by orders of magnitude), the fraction of
  saturated pairs, and the fraction of stuck output pairs.
* ``plot_comparison``: the same quantities from several recordings, one line each (a
  quadratic and a cross-entropy run side by side, say).
* ``plot_pixel_maps``: 784-long vectors drawn as 28 × 28 pictures (blank pixels, how far the
  weights out of each pixel moved, on a log scale where "not at all" has a colour of its own).
* ``LiveMicroscopePlot``: ``plot_recording`` redrawn while training runs, as one PNG output
  replaced in place (``IPython.display`` with a ``display_id``; no widget), so the saved
  notebook keeps the last picture, as ``live_plot.LiveTrainingPlot`` does for a ``History``.

Every number drawn was read by ``nbteach.microscope``; nothing is computed here. The figures
are not registered with pyplot and keep a light look in any theme (``figures.STYLE``).
Non-goal: interactive zooming.
"""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps, rc_context
from matplotlib.colors import LogNorm
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)

from .figures import STYLE, new_figure
from .live_plot import LiveFigure

__all__ = ["plot_recording", "draw_recording", "plot_comparison", "plot_pixel_maps",
           "LiveMicroscopePlot", "LABELS", "PANELS"]

# Okabe-Ito colours and a marker per layer l = 2, 3, ... (told apart without colour too)
LAYER_COLORS = ("#0072B2", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#56B4E9")
LAYER_MARKERS = ("o", "s", "^", "D", "v", "P")
RUN_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
RUN_STYLES = ("-", "--", ":", "-.", "-")
PANELS = ("mean_abs_delta", "grad_b_norm", "saturated", "stuck")     # plot_recording's default

LABELS = {
    "mean_abs_delta": r"mean $|\delta^l_j|$",
    "grad_w_norm": r"$\Vert\partial C/\partial w^l\Vert$",
    "grad_b_norm": r"$\Vert\partial C/\partial b^l\Vert$",
    "saturated": r"saturated: $\sigma'(z^l_j)$ < threshold",
    "delta_saturated": r"mean $|\delta^l_j|$, saturated pairs",
    "delta_unsaturated": r"mean $|\delta^l_j|$, other pairs",
    "mean_sigma_prime": r"mean $\sigma'(z^l_j)$",
    "mean_abs_signal": r"mean size of what $\sigma'(z^l)$ multiplies",
    "low_inputs": r"low inputs: $|a^{l-1}_k|$ < 0.01",
    "dead_inputs": "inputs 0 on every probe example",
    "zero_gradients": "weights with gradient exactly 0",
    "cost": "probe cost C",
    "accuracy": "probe digits right",
    "stuck": "stuck output pairs",
    "stuck_delta": r"mean $|\delta^L_j|$ over stuck pairs",
}
_FRACTIONS = {"saturated", "low_inputs", "dead_inputs", "zero_gradients", "accuracy", "stuck"}
_WHOLE_RANGE = {"saturated", "accuracy"}                  # drawn from 0% to 100%
_LOG = {"mean_abs_delta", "grad_w_norm", "grad_b_norm", "delta_saturated", "delta_unsaturated",
        "mean_abs_signal", "stuck_delta"}


_SHORT_E = FuncFormatter(lambda v, _: f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e"))


def _style_axis(ax, name, total_epochs=None, whole_epochs=False):
    ax.set_xlabel("epochs completed")
    ax.grid(True, alpha=0.6)
    if name in _LOG:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(_SHORT_E)            # 2e-3, not 2 × 10^-3
        ax.yaxis.set_minor_formatter(NullFormatter())
    if name in _FRACTIONS:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        if name in _WHOLE_RANGE:
            ax.set_ylim(-0.03, 1.03)
        else:
            ax.set_ylim(bottom=0)
    if total_epochs is not None:
        ax.set_xlim(-0.05 * total_epochs, 1.05 * total_epochs)
    if whole_epochs:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _title(name, l=None, threshold=None):
    if name == "saturated" and threshold is not None:
        text = rf"saturated: $\sigma'(z^l_j) < {threshold:g}$"
    else:
        text = LABELS.get(name, name)
    return text if l is None else f"{text}, l = {l}"


def draw_recording(recording, axes, quantities=PANELS, *, total_epochs=None):
    """Draw ``quantities`` of a ``Recording``, one per given axes (see ``plot_recording``)."""
    epochs = recording.epochs
    small = len(recording) <= 30                             # markers only when few points
    whole = bool(np.all(epochs == np.round(epochs)))
    legend = True
    for ax, name in zip(axes, quantities):
        if name in recording.layer_quantities:               # one line per layer
            for i, l in enumerate(recording.layers):
                ax.plot(epochs, recording.series(name, l), color=LAYER_COLORS[i % 6],
                        marker=LAYER_MARKERS[i % 6] if small else None, markersize=3,
                        label=f"l = {l}" + (" (output)" if l == recording.layers[-1] else ""))
            if legend:
                ax.legend(fontsize=8)
                legend = False
        else:
            ax.plot(epochs, recording.series(name), color="#222222",
                    marker="x" if small else None, markersize=4)
        ax.set_title(_title(name, threshold=recording.threshold))
        _style_axis(ax, name, total_epochs, whole)


def plot_recording(recording, quantities=PANELS, *, total_epochs=None):
    """A ``Recording`` over the epochs, one panel per quantity; returns the Figure.

    Parameters
    ----------
    recording : Recording
    quantities : names of ``Recording.series``; a quantity read per layer gets one line per
        book layer l. The default: mean |δ^l|, ‖∂C/∂b^l‖ (the speed of learning of chapter 5;
        log scales), the saturated fraction of each layer, and the fraction of stuck output
        pairs.
    total_epochs : fixes the x-axis (the live plot's run length).

    The title gives the probe accuracy at the last reading.
    """
    n = len(quantities)
    # fixed margins: constrained layout would double the time of every live redraw
    fig = new_figure((3.0 * n, 3.3), layout=None)
    fig.subplots_adjust(left=0.24 / n, right=0.99, bottom=0.16, top=0.78, wspace=0.38)
    last = recording.last
    with rc_context(STYLE):
        axes = np.atleast_1d(fig.subplots(1, n))
        draw_recording(recording, axes, quantities, total_epochs=total_epochs)
        fig.suptitle(f"{list(recording.sizes)}, {recording.cost_name} cost, "
                     f"{recording.n_probe} probe digits; epoch {last.epoch:g}: "
                     f"{last.accuracy:.1%} right")
    return fig


def plot_comparison(recordings, quantities, *, title=None):
    """Several recordings side by side: one panel per quantity, one line per recording.

    Parameters
    ----------
    recordings : dict mapping a label to a ``Recording``
    quantities : list of names (``Recording.series``), or of ``(name, l)`` pairs for
        quantities read per layer
    title : optional suptitle
    """
    quantities = [(q, None) if isinstance(q, str) else tuple(q) for q in quantities]
    fig = new_figure((4.2 * len(quantities) + 0.4, 3.3), layout=None)
    fig.subplots_adjust(left=0.32 / len(quantities), right=0.98, bottom=0.16,
                        top=0.78 if title else 0.86, wspace=0.38)
    with rc_context(STYLE):
        axes = np.atleast_1d(fig.subplots(1, len(quantities)))
        for ax, (name, l) in zip(axes, quantities):
            for i, (label, rec) in enumerate(recordings.items()):
                ax.plot(rec.epochs, rec.series(name, l), color=RUN_COLORS[i % 5],
                        linestyle=RUN_STYLES[i % 5], label=label)
            ax.set_title(_title(name, l))
            _style_axis(ax, name)
        axes[0].legend(fontsize=8)
        if title:
            fig.suptitle(title)
    return fig


def plot_pixel_maps(maps, *, cmap="Purples", log=(), zero_color="#E69F00"):
    """784-long vectors as 28 × 28 pictures side by side, each titled by its key.

    ``maps`` maps a title to an array of 784 numbers (one per pixel, the book's order).
    ``log``: titles of maps to draw on a log colour scale (with a colour bar), where a pixel
    that is exactly 0 cannot hide among small values: it is painted ``zero_color``.
    """
    pictures = {title: np.asarray(values, dtype=np.float64) for title, values in maps.items()}
    for title, values in pictures.items():
        if values.size != 784:
            raise ValueError(f"{title!r}: expected 784 values, one per pixel; got {values.size}")
        if title in log and not np.any(values > 0):
            raise ValueError(f"{title!r}: a log scale needs some values above 0")
    fig = new_figure((3.0 * len(pictures) + 0.6 * len(log), 3.2))
    with rc_context(STYLE):
        axes = np.atleast_1d(fig.subplots(1, len(pictures)))
        for ax, (title, values) in zip(axes, pictures.items()):
            if title in log:
                shown = np.ma.masked_less_equal(values, 0.0)       # 0 drawn as "bad"
                palette = colormaps[cmap].with_extremes(bad=zero_color)
                norm = LogNorm(vmin=shown.min(), vmax=shown.max())
                image = ax.imshow(shown.reshape(28, 28), cmap=palette, norm=norm,
                                  interpolation="nearest")
                fig.colorbar(image, ax=ax, shrink=0.8)
            else:
                ax.imshow(values.reshape(28, 28), cmap=cmap, vmin=0, interpolation="nearest")
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    return fig


class LiveMicroscopePlot(LiveFigure):
    """``plot_recording`` redrawn as training runs: pass it as ``Microscope(on_checkpoint=...)``.

    ::

        live = LiveMicroscopePlot(epochs=5)
        microscope = Microscope(net, probe, on_checkpoint=live)
        net.SGD(train, 5, 10, 3.0, callback=microscope)

    In JupyterLab the picture is one PNG output replaced as the readings come in; the saved
    notebook keeps the last one. Outside a notebook nothing is shown; ``live.figure`` holds it.

    Parameters
    ----------
    epochs : the length of the run, optional: fixes the x-axis and lets quick readings skip
        redraws; a reading at or past it is always drawn. Without it, every reading is drawn.
    quantities : the panels, as for ``plot_recording``.
    min_seconds : with ``epochs``, redraw when at least this long has passed since the last.
    dpi : resolution of the PNG.
    """

    def __init__(self, epochs=None, *, quantities=PANELS, min_seconds=0.5, dpi=80):
        super().__init__(min_seconds=min_seconds, dpi=dpi)
        self.epochs = None if epochs is None else float(epochs)
        self.quantities = tuple(quantities)
        self.recording = None

    def __call__(self, recording):
        self.recording = recording
        if self.due(recording.last.epoch, self.epochs):
            self.show(plot_recording(recording, self.quantities, total_epochs=self.epochs))
