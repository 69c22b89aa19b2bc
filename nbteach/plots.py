"""Figures with matplotlib: learning curves, grids of digits, a confusion matrix.

Purpose: one call per picture a learner needs while training on MNIST. Each function draws
numbers computed elsewhere (by ``Network``, ``History`` or ``Dataset``) and returns the
matplotlib ``Figure``.

How they look and show (a light style, no pyplot) is ``nbteach.figures``'. Pass ``ax=`` to
draw into an axes of your own instead. A wrong prediction is marked by a symbol as well as
by colour.

The learning curves that redraw while training runs are ``nbteach.live_plot``'s
``LiveTrainingPlot``, importable from here too.

Non-goals: interactive zooming, styling options beyond these defaults.
"""
from __future__ import annotations

import numpy as np
from matplotlib import rc_context

from .figures import RIGHT_COLOR, STYLE, WRONG_COLOR, WRONG_MARK, draw_history, kernel, new_figure
from .live_plot import LiveTrainingPlot

__all__ = ["plot_history", "plot_digits", "plot_confusion", "confusion_matrix",
           "LiveTrainingPlot", "draw_history", "new_figure", "kernel"]

# ---- learning curves -------------------------------------------------------------------

def plot_history(history, ax=None):
    """Learning curves of a ``History``: training cost, and test accuracy if it was measured.

    Parameters
    ----------
    history : History (what ``Network.SGD`` returns)
    ax : None (a new figure: cost on the left, accuracy on the right), one Axes (cost on it,
        accuracy on a second y-axis at its right), or a pair of Axes (cost, accuracy).

    Returns the Figure. The x-axis counts epochs completed (1 = after the first epoch).
    """
    for name in ("cost", "accuracy", "epochs"):
        if not hasattr(history, name):
            raise TypeError(f"history must be a History returned by Network.SGD; got "
                            f"{type(history).__name__} without .{name}")
    has_accuracy = len(history.accuracy) > 0
    with rc_context(STYLE):
        shared = False
        if ax is None:
            fig = new_figure((9.0, 3.4) if has_accuracy else (4.8, 3.4))
            axes = fig.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
            ax_cost, ax_acc = axes[0], (axes[1] if has_accuracy else None)
        elif isinstance(ax, (tuple, list)) and len(ax) == 2:
            ax_cost, ax_acc = ax
            fig = ax_cost.figure
        elif hasattr(ax, "plot"):
            ax_cost, ax_acc = ax, (ax.twinx() if has_accuracy else None)
            fig, shared = ax.figure, True
        else:
            raise TypeError(f"ax must be None, a matplotlib Axes or a pair of them; got {ax!r}")
        draw_history(history, ax_cost, ax_acc, shared=shared)
    return fig


# ---- digits ---------------------------------------------------------------------------

def _as_pictures(data):
    """(pictures (N, h, w), labels or None) from a Dataset or an array of images."""
    if hasattr(data, "images") and hasattr(data, "labels"):
        return np.asarray(data.images), np.asarray(data.labels)
    arr = np.asarray(data)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"expected a Dataset or an array of images; got {type(data).__name__}")
    if arr.ndim == 3:
        return arr, None
    if arr.ndim == 2:
        if arr.shape[0] == 784:                   # the book's X: one column per image
            arr = arr.T
        elif arr.shape[1] != 784:
            raise ValueError("a 2-D array of digits must be (784, N) (columns, as X) or "
                             f"(N, 784) (rows); got {arr.shape}")
        return arr.reshape(-1, 28, 28), None
    if arr.ndim == 1 and arr.size == 784:
        return arr.reshape(1, 28, 28), None
    raise ValueError(f"expected images (N, 28, 28), (N, 784) or (784, N); got shape {arr.shape}")


def _as_predictions(predictions, data, pictures):
    """Predicted digits (n,): given as ints, or computed by a network (``Network.predict``)."""
    n = len(pictures)
    if hasattr(predictions, "predict"):
        if hasattr(data, "X"):
            X = data.X
        else:                                     # the pictures, as the book's columns in [0, 1]
            X = pictures.reshape(n, -1).T.astype(np.float64)
            X = X / 255.0 if X.max() > 1 else X
        predictions = predictions.predict(X)
    pred = np.asarray(predictions)
    if pred.shape != (n,) or not np.issubdtype(pred.dtype, np.integer):
        raise ValueError(f"predictions must be {n} integer digits, one per image, or a Network; "
                         f"got {pred.dtype} array of shape {pred.shape}")
    return pred


def plot_digits(data, labels=None, predictions=None, *, max_digits=40, ncols=10,
                only_wrong=False, title=None):
    """A grid of digits, each titled with its label or with the network's prediction.

    Parameters
    ----------
    data : Dataset, or images as (N, 28, 28), (N, 784) rows or (784, N) columns (the book's X);
        pixels in [0, 1] or 0..255.
    labels : int array (N,), optional; a Dataset brings its own.
    predictions : int array (N,) or a Network (its answers are computed), optional. A wrong
        prediction gets a ✗, the true digit and a vermillion frame.
    max_digits : draw at most this many (the first ones).
    ncols : digits per row.
    only_wrong : draw only the digits whose prediction is wrong.
    """
    pictures, own_labels = _as_pictures(data)
    n = len(pictures)
    if labels is None:
        labels = own_labels
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (n,):
            raise ValueError(f"labels must have one entry per image ({n}); got shape {labels.shape}")
    pred = None if predictions is None else _as_predictions(predictions, data, pictures)
    index = np.arange(n)
    if only_wrong:
        if pred is None or labels is None:
            raise ValueError("only_wrong=True needs both labels and predictions")
        index = index[pred != labels]
    shown = index[:max_digits]
    vmax = 255 if pictures.dtype == np.uint8 or pictures.max() > 1 else 1.0
    ncols = max(1, min(ncols, len(shown)))
    nrows = max(1, -(-len(shown) // ncols))
    fig = new_figure((1.0 * ncols + 0.2, 1.2 * nrows + (0.4 if title or pred is not None else 0)))
    with rc_context(STYLE):
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax in axes:
            ax.set_axis_off()
        for ax, j in zip(axes, shown):
            ax.set_axis_on()
            ax.imshow(pictures[j], cmap="gray_r", vmin=0, vmax=vmax, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            text, color, wrong = "", "#222222", False
            if pred is not None:
                wrong = labels is not None and pred[j] != labels[j]
                text = (f"{WRONG_MARK} {pred[j]} (is {labels[j]})" if wrong
                        else f"{pred[j]}")
                color = WRONG_COLOR if wrong else (RIGHT_COLOR if labels is not None else color)
            elif labels is not None:
                text = f"{labels[j]}"
            ax.set_title(text, color=color, fontsize=10, fontweight="bold" if wrong else "normal")
            for spine in ax.spines.values():
                spine.set_color(WRONG_COLOR if wrong else "#999999")
                spine.set_linewidth(2.5 if wrong else 0.5)
        if title is None and pred is not None and labels is not None:
            n_wrong = int(np.sum(pred[shown] != labels[shown]))
            title = f"{len(shown) - n_wrong} of {len(shown)} shown are right, {n_wrong} wrong"
            if only_wrong:
                title = f"{len(index)} of {n} digits are wrong; showing {len(shown)}"
        if not len(shown):
            axes[0].text(0.5, 0.5, "nothing to show", ha="center", va="center")
        if title:
            fig.suptitle(title)
    return fig


# ---- confusion matrix -----------------------------------------------------------------

def confusion_matrix(labels, predictions, n_classes=10):
    """Counts (n_classes, n_classes): row = true digit, column = predicted digit."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(f"labels and predictions must be 1-D and of equal length; got shapes "
                         f"{labels.shape} and {predictions.shape}")
    for name, arr in (("labels", labels), ("predictions", predictions)):
        if not np.issubdtype(arr.dtype, np.integer) or (arr.size and (arr.min() < 0 or arr.max() >= n_classes)):
            raise ValueError(f"{name} must be integers 0..{n_classes - 1}")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def plot_confusion(labels, predictions, *, ax=None, normalize=False):
    """The confusion matrix as a picture: row = true digit, column = the network's answer.

    Parameters
    ----------
    labels : Dataset or int array (N,)
    predictions : int array (N,), or a Network (its answers on the Dataset are computed)
    ax : optional Axes to draw into
    normalize : show each row as fractions of that digit (rows sum to 1) instead of counts
    """
    if hasattr(labels, "labels"):
        data, labels = labels, np.asarray(labels.labels)
    else:
        data, labels = None, np.asarray(labels)
    if hasattr(predictions, "predict"):
        if data is None:
            raise TypeError("to compute predictions with a network, pass a Dataset as labels")
        predictions = predictions.predict(data.X)
    counts = confusion_matrix(labels, predictions)
    shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
    with rc_context(STYLE):
        fig = new_figure((5.2, 4.6)) if ax is None else ax.figure
        if ax is None:
            ax = fig.subplots()
        image = ax.imshow(shown, cmap="Blues", vmin=0)
        top = shown.max() if shown.max() > 0 else 1
        for i in range(shown.shape[0]):
            for j in range(shown.shape[1]):
                if counts[i, j] == 0:
                    continue
                text = f"{shown[i, j]:.2f}" if normalize else f"{counts[i, j]}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7 if normalize else 8,
                        color="white" if shown[i, j] > 0.6 * top else "#222222",
                        fontweight="bold" if i == j else "normal")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("predicted digit")
        ax.set_ylabel("true digit")
        accuracy = np.trace(counts) / max(counts.sum(), 1)
        ax.set_title(f"confusion matrix: {np.trace(counts)} of {counts.sum()} right "
                     f"({accuracy:.2%})")
        fig.colorbar(image, ax=ax, shrink=0.8, label="fraction of the row" if normalize else "count")
    return fig
