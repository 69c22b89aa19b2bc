"""Input checks shared by the network, the trace and the savers.

Each check either returns a clean float64 array or raises a ``ValueError`` /
``TypeError`` that says what was expected and what came instead. None of them changes
anything, so a call that fails leaves the network exactly as it was.

1-D vectors are refused on purpose: the book's convention is a column ``(n, 1)``, and a
length-n vector would broadcast into an ``(n, n)`` matrix in ``w @ a + b`` without any error.
"""
from __future__ import annotations

import math
import numbers
import re

import numpy as np

__all__ = ["check_sizes", "as_matrix", "check_pair", "check_eta", "check_positive_int",
           "parse_vector", "numeric_array", "check_finite"]


def check_positive_int(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value}")
    return int(value)


def check_sizes(sizes):
    """sizes: a sequence of at least two positive integers (neurons per layer)."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer sizes such as [784, 30, 10]; got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least two layers (an input and an output layer), "
            f"e.g. [2, 3, 1]; got {sizes!r}")
    for i, n in enumerate(sizes):
        check_positive_int(n, f"sizes[{i}]")
    return [int(n) for n in sizes]


def numeric_array(a, name, want):
    """``a`` as a real numeric numpy array (any shape), or a TypeError naming ``want``."""
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array of shape {want}; got {a!r}")
    arr = np.asarray(a)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array of shape {want}; "
                        f"got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got complex values")
    return arr


def check_finite(arr, name):
    """``arr`` itself if every entry is finite; else a ValueError naming the first bad one."""
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must be finite; got {arr[tuple(bad)]} at index {tuple(int(i) for i in bad)}")
    return arr


def as_matrix(a, rows, name, *, columns=None):
    """Return ``a`` as a finite float64 array of shape ``(rows, m)``.

    ``columns``: the required m (1 for a single example), or None for any m >= 1.
    """
    arr = numeric_array(a, name, _want(rows, columns))
    if arr.ndim == 1:
        raise ValueError(
            f"{name} must be a column of shape {_want(rows, columns)}; got a 1-D array of "
            f"shape {arr.shape}. Use {name}.reshape(-1, 1) to make it a column.")
    if arr.ndim != 2 or arr.shape[0] != rows or (columns is not None and arr.shape[1] != columns):
        hint = ""
        if arr.ndim == 2 and arr.shape[1] == rows and arr.shape[0] == (columns or arr.shape[0]):
            hint = f" It looks transposed: use {name}.T (examples are columns)."
        raise ValueError(f"{name} must have shape {_want(rows, columns)}; got {arr.shape}.{hint}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one column (example); got shape {arr.shape}")
    return check_finite(arr.astype(np.float64, copy=False), name)


def check_pair(x, y, n_in, n_out, *, single=False, names=("x", "y")):
    """Check an example (single=True: one column each) or a batch (same column count)."""
    cols = 1 if single else None
    x = as_matrix(x, n_in, names[0], columns=cols)
    y = as_matrix(y, n_out, names[1], columns=cols)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of columns (one per example); "
            f"got {names[0]} {x.shape} and {names[1]} {y.shape}")
    return x, y


def check_eta(eta):
    if isinstance(eta, (bool, np.bool_)) or not isinstance(eta, numbers.Real):
        raise TypeError(f"eta (the learning rate) must be a real number; got {eta!r}")
    if not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"eta (the learning rate) must be a positive, finite number; got {eta}")
    return float(eta)


def _want(rows, columns):
    if columns == 1:
        return f"({rows}, 1)"
    return f"({rows}, m)"


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_vector(text, *, name="vector", max_len=12):
    """Parse text such as ``"1, 2, 3"`` (commas and/or spaces) into a column ``(n, 1)``.

    What a learner types into a widget; each entry must be a real number, written out.
    """
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
