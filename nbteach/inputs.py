"""The data a ``Network`` accepts, turned into the book's matrices before any work is done.

Training data and mini-batches come as the book's list of ``(x, y)`` column pairs, as an
``(X, Y)`` pair of matrices (one example per column), or as a ``Dataset``; test data as a
``Dataset`` or the book's ``(x, y)`` pairs with ``y`` an integer label or a one-hot column.
Each function returns checked float64 arrays or raises an error that names what was
expected and what came; none changes anything. A ``Dataset``, checked when it was made and
read-only since, is trusted after a look at its shapes. Non-goal: reading files (``mnist``).
"""
from __future__ import annotations

import numbers

import numpy as np

from .checks import as_matrix, check_labels, check_pair, short_repr
from .dataset import Dataset

__all__ = ["trusted_dataset", "as_batch", "as_labelled", "as_label"]


def trusted_dataset(data, n_in, n_out, name):
    """A Dataset's (X, Y, labels), checked by shape only, or None if ``data`` is no Dataset.

    A Dataset checked every pixel (finite, in [0, 1]) and label when it was made, and its
    arrays are read-only since, so a second pass over every number would find nothing
    new. One whose arrays were made writable again gets the full checks.
    """
    if not isinstance(data, Dataset) or any(
            a.flags.writeable for a in (data.X, data.Y, data.labels)):
        return None
    n = data.X.shape[1]                        # cheap: shapes only
    if data.labels.shape != (n,) or data.Y.shape[1:] != (n,):
        raise ValueError(f"{name} is inconsistent: X {data.X.shape}, Y {data.Y.shape} and "
                         f"labels {data.labels.shape} must all have one column (entry) per "
                         "example; make it again with nt.Dataset(X, labels)")
    if data.X.shape[0] != n_in:
        raise ValueError(f"{name}.X must have shape ({n_in}, m) for this network; "
                         f"got {data.X.shape}")
    if data.Y.shape[0] != n_out:
        raise ValueError(f"{name}.Y must have shape ({n_out}, m) for this network; "
                         f"got {data.Y.shape}")
    return data.X, data.Y, data.labels

def _examples(data, name, expected):
    """The book's list of (x, y) examples, each checked to be a pair (not yet its arrays)."""
    try:
        examples = list(data)
    except TypeError:
        raise TypeError(f"{name} must be {expected}; got {type(data).__name__}") from None
    if not examples:
        raise ValueError(f"{name} is empty: it needs at least one (x, y) example")
    for j, ex in enumerate(examples):
        if not (isinstance(ex, (tuple, list)) and len(ex) == 2):
            raise ValueError(f"{name}[{j}] must be an (x, y) tuple; got {type(ex).__name__}"
                             + (f" of length {len(ex)}" if hasattr(ex, "__len__") else ""))
    return examples


def as_batch(data, n_in, n_out, name="mini_batch"):
    """Turn a list of (x, y) tuples, an (X, Y) pair or a Dataset into checked (X, Y)."""
    trusted = trusted_dataset(data, n_in, n_out, name)
    if trusted is not None:
        return trusted[:2]
    if hasattr(data, "X") and hasattr(data, "Y"):        # a Dataset made writable again
        return check_pair(data.X, data.Y, n_in, n_out, names=("X", "Y"))
    if isinstance(data, tuple) and len(data) == 2 and all(
            isinstance(a, np.ndarray) and a.ndim == 2 for a in data):
        return check_pair(data[0], data[1], n_in, n_out, names=("X", "Y"))
    xs, ys = [], []
    for j, ex in enumerate(_examples(data, name, "a list of (x, y) tuples or an (X, Y) pair "
                                                 "of matrices")):
        x, y = check_pair(ex[0], ex[1], n_in, n_out, single=True,
                          names=(f"{name}[{j}] x", f"{name}[{j}] y"))
        xs.append(x)
        ys.append(y)
    return np.hstack(xs), np.hstack(ys)                  # (n_in, m), (n_out, m)


def as_labelled(data, n_in, n_out, name="test_data"):
    """(X, labels) from a Dataset, or from the book's (x, y) tuples with y an int or one-hot."""
    trusted = trusted_dataset(data, n_in, n_out, name)
    if trusted is not None:
        return trusted[0], trusted[2]
    if hasattr(data, "X") and hasattr(data, "labels"):
        X = as_matrix(data.X, n_in, f"{name}.X")
        return X, check_labels(data.labels, X.shape[1], n_out, f"{name}.labels")
    xs, labels = [], []
    for j, (x, y) in enumerate(_examples(data, name, "a Dataset or a list of (x, y) tuples")):
        xs.append(as_matrix(x, n_in, f"{name}[{j}] x", columns=1))
        labels.append(as_label(y, n_out, f"{name}[{j}] y"))
    return np.hstack(xs), np.asarray(labels, dtype=np.int64)


def as_label(y, n_out, name):
    """The class number of one test example: an int label, or a one-hot column."""
    if isinstance(y, np.ndarray) and y.ndim == 0:
        y = y[()]
    if isinstance(y, (list, tuple, np.ndarray)):
        col = as_matrix(y, n_out, name, columns=1)
        if not (np.all((col == 0) | (col == 1)) and col.sum() == 1):
            raise ValueError(f"{name} must be an integer label from 0 to {n_out - 1} "
                             f"or a one-hot column ({n_out}, 1): a single 1, the rest "
                             "0; this column is not one-hot")
        return int(np.argmax(col))
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, numbers.Integral):
        raise TypeError(f"{name} must be an integer label from 0 to {n_out - 1} (or a "
                        f"one-hot column ({n_out}, 1)); got {short_repr(y)} "
                        f"({type(y).__name__})")
    if not 0 <= y < n_out:
        raise ValueError(f"{name} must be an integer label from 0 to {n_out - 1}, one "
                         f"per output neuron; got {y}")
    return int(y)
