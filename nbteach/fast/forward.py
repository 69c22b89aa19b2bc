"""The forward pass over a whole data set, slice by slice (trick 11).

For what ``SGD`` measures after an epoch: the exact training cost when asked for it
(``monitor_training_cost``) and the test accuracy. Non-goal: training (``trainer``).
"""
from __future__ import annotations

import numpy as np

from .. import activations as _acts
from ..costs import QuadraticCost
from .tape import is_quadratic, kit, play, summed_squares

__all__ = ["feedforward", "cost_value", "count_correct", "SLICE"]

SLICE = 2048            # examples per slice of the forward pass over a whole data set


def feedforward(weights, biases, X_rows, activation=_acts.sigmoid, slice_size=SLICE):
    """Output activations ``(n_out, n)``, the book's layout, for inputs as rows ``(n, n_in)``.

    The n examples go through the network ``slice_size`` at a time. The hidden
    activations of a slice, ``(n_l, slice_size)``, live in buffers made once and small
    enough to stay in the cache, instead of ``(n_l, n)`` temporaries made anew every
    epoch; the output layer is written straight into the result, one row per example, so
    the returned ``(n_out, n)`` is a transposed view.
    """
    sigma = kit(activation).forward                                # entries: sigma in place
    n, L = X_rows.shape[0], len(weights)
    k = max(1, min(slice_size, n))
    out = np.empty((n, weights[-1].shape[0]))                      # (n, n_out), rows
    hidden = [np.empty(w.shape[0] * k) for w in weights[:-1]]      # a^l of one slice, flat
    with np.errstate(over="ignore", under="ignore"):
        for start in range(0, n, k):
            a = X_rows[start:start + k].T                          # (n_in, m), a view
            m = a.shape[1]
            for i, (w, b) in enumerate(zip(weights, biases)):
                if i < L - 1:
                    z = hidden[i][:w.shape[0] * m].reshape(w.shape[0], m)   # (n_l, m)
                    np.dot(w, a, out=z)
                else:
                    np.dot(a.T, w.T, out=out[start:start + m])     # (m, n_out) = (w a)^T
                    z = out[start:start + m].T                     # (n_out, m), a view
                z += b
                play(sigma(z, z))
                a = z
    return out.T


def cost_value(weights, biases, rows, activation=_acts.sigmoid, cost=QuadraticCost):
    """The mean cost (1/n) sum_x C_x over ``rows`` (a ``Rows``), as ``Network.cost_value``."""
    out = feedforward(weights, biases, rows.X, activation)         # (n_out, n)
    n = len(rows)
    if is_quadratic(cost):
        diff = out.T                                               # (n, n_out), C order, ours
        diff -= rows.Y
        return summed_squares(diff) / n
    return cost.fn(out, rows.Y.T) / n


def count_correct(weights, biases, X_rows, labels, activation=_acts.sigmoid):
    """How many rows of ``X_rows`` the network classifies as ``labels`` (argmax of the output)."""
    out = feedforward(weights, biases, X_rows, activation)
    return int(np.sum(np.argmax(out, axis=0) == labels))
