"""How every figure of nbteach looks and shows: a light style, figures made without pyplot.

The figures are ``matplotlib.figure.Figure`` objects not registered with pyplot: in a
notebook a figure shows once, when it is the last expression of a cell (or is passed to
``display``); in a script, save it with ``fig.savefig("name.png")``. Every figure has its own
white background and dark text (``STYLE``), so it reads the same in JupyterLab's light and
dark themes; the colours are the Okabe-Ito palette, safe for colour-blind readers.
``draw_history`` draws learning curves into given axes, for the static picture
(``plots.plot_history``) and the live one (``live_plot.LiveTrainingPlot``) alike.
Non-goal: styling options.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

__all__ = ["STYLE", "kernel", "new_figure", "draw_history", "COST_COLOR", "ACCURACY_COLOR",
           "RIGHT_COLOR", "WRONG_COLOR", "WRONG_MARK"]

COST_COLOR = "#0072B2"       # blue
ACCURACY_COLOR = "#D55E00"   # vermillion
RIGHT_COLOR = "#009E73"      # bluish green
WRONG_COLOR = "#D55E00"      # vermillion
WRONG_MARK = "\u2717"        # ✗

# The same light look whatever the notebook's theme or the user's matplotlib style.
STYLE = {
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "savefig.transparent": False, "text.color": "#222222", "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444", "xtick.color": "#222222", "ytick.color": "#222222",
    "axes.titlecolor": "#222222", "grid.color": "#cccccc", "legend.facecolor": "white",
    "legend.edgecolor": "#cccccc", "legend.labelcolor": "#222222", "font.size": 10,
}


def kernel():
    """The running Jupyter kernel's shell, or None in a script or a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


def _figure_png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _show_figures_in_notebooks():
    """In a notebook, let a returned Figure show as a PNG even if pyplot was never used."""
    shell = kernel()
    if shell is not None:
        formatter = shell.display_formatter.formatters["image/png"]
        if Figure not in formatter.type_printers:        # pyplot's inline backend may add its own
            formatter.for_type(Figure, _figure_png)


def new_figure(figsize, layout="constrained"):
    _show_figures_in_notebooks()
    with rc_context(STYLE):
        return Figure(figsize=figsize, layout=layout)


def draw_history(history, ax_cost, ax_acc, *, shared=False, total_epochs=None):
    """Draw a History's curves into the given axes (shared by the static and live plots)."""
    epochs = np.arange(1, history.epochs + 1)
    ax_cost.plot(epochs, history.cost, "o-", color=COST_COLOR, markersize=3, label="training cost")
    ax_cost.set_xlabel("epochs completed")
    ax_cost.set_ylabel("mean cost C")
    ax_cost.set_title(f"training cost: {history.cost[-1]:.4f}" if history.epochs else "training cost")
    ax_cost.grid(True, alpha=0.6)
    ax_cost.xaxis.set_major_locator(MaxNLocator(integer=True))
    if total_epochs is not None:
        ax_cost.set_xlim(0.5, total_epochs + 0.5)
    if ax_acc is None or not len(history.accuracy):
        return
    ax_acc.plot(epochs, history.accuracy, "s-", color=ACCURACY_COLOR, markersize=3,
                label="test accuracy")
    ax_acc.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax_acc.set_ylabel("test accuracy")
    ax_acc.xaxis.set_major_locator(MaxNLocator(integer=True))
    if total_epochs is not None:
        ax_acc.set_xlim(0.5, total_epochs + 0.5)
    best = int(np.argmax(history.accuracy))
    title = (f"test accuracy: {history.accuracy[-1]:.2%} "
             f"(best {history.accuracy[best]:.2%}, epoch {best + 1})")
    if shared:                                   # one panel: say which line is which
        ax_cost.set_title(f"{ax_cost.get_title()}; {title}")
        lines = ax_cost.get_lines() + ax_acc.get_lines()
        ax_cost.legend(lines, [ln.get_label() for ln in lines], loc="center right")
    else:
        ax_acc.set_xlabel("epochs completed")
        ax_acc.set_title(title)
        ax_acc.grid(True, alpha=0.6)
