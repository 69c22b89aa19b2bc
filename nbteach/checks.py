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
from collections.abc import Sequence

import numpy as np

__all__ = ["check_sizes", "as_matrix", "check_pair", "check_eta", "check_positive_int",
           "parse_vector", "numeric_array", "check_finite", "check_seed", "check_index",
           "check_small_positive", "check_labels", "check_parameter_count", "parameter_count",
           "human_bytes", "short_repr", "MAX_PARAMETERS"]

# The largest network nbteach builds: 20 million weights and biases, 160 MB as float64.
# Training holds about four arrays of that size (the weights, the copy being trained, the
# gradient, the step's buffers), so even the largest fits a small machine (a 2 GB Binder
# container). Chapter 2's [784, 30, 10] has 23,860; [784, 10000, 10] still fits. Checked
# from ``sizes`` before anything is allocated. Raise it deliberately to go beyond.
MAX_PARAMETERS = 20_000_000


def check_positive_int(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {short_repr(value)} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value}")
    return int(value)


def check_sizes(sizes):
    """sizes: a list (or tuple, or 1-D array) of at least two positive integers, the
    neurons per layer, small enough for ``check_parameter_count``."""
    ordered = isinstance(sizes, Sequence) or (isinstance(sizes, np.ndarray) and sizes.ndim == 1)
    if isinstance(sizes, (str, bytes)) or not ordered:
        raise TypeError(f"sizes must be a list of layer sizes such as [784, 30, 10]; got "
                        f"{short_repr(sizes)} ({type(sizes).__name__})")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least two layers (an input and an output layer), "
            f"e.g. [2, 3, 1]; got {sizes!r}")
    for i, n in enumerate(sizes):
        check_positive_int(n, f"sizes[{i}]")
    sizes = [int(n) for n in sizes]
    check_parameter_count(sizes)
    return sizes


def parameter_count(sizes):
    """Weights and biases of a network with these layer sizes: sum of n_l (n_{l-1} + 1)."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def human_bytes(n):
    """A byte count as people read it: ``160 MB``, ``8.0 EB`` (powers of 1000)."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "bytes" or n >= 100 else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} EB"


def check_parameter_count(sizes):
    """Refuse, before anything is allocated, a network larger than ``MAX_PARAMETERS``."""
    count = parameter_count(sizes)
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"a network with sizes {short_repr(sizes)} has {count:,} weights and biases: "
            f"{human_bytes(8 * count)} as float64, and training needs several times that. "
            f"nbteach builds networks of at most {MAX_PARAMETERS:,} parameters "
            f"({human_bytes(8 * MAX_PARAMETERS)}), so that training fits in the memory of a "
            "small machine; [784, 30, 10] has 23,860. To go beyond it on purpose, raise "
            "nbteach.checks.MAX_PARAMETERS first.")
    return count


def check_seed(seed, name="seed"):
    """``seed``: None (fresh randomness) or a non-negative integer, for ``np.random.default_rng``."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer such as 0 or 42 (or None); "
                        f"got {short_repr(seed)} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative integer such as 0 or 42 (or None); "
                         f"got {seed}")
    return int(seed)


def check_index(value, name, stop):
    """``value`` as an int in ``0..stop-1`` (a Python row or column), or a clear error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer from 0 to {stop - 1}; "
                        f"got {short_repr(value)} ({type(value).__name__})")
    if not 0 <= value < stop:
        raise ValueError(f"{name} must be an integer from 0 to {stop - 1}; got {value}")
    return int(value)


def check_small_positive(value, name, example):
    """A positive, finite real number such as a finite-difference step ``eps``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a small positive number such as {example}; "
                        f"got {short_repr(value)} ({type(value).__name__})")
    if not (_finite(value) and value > 0):
        raise ValueError(f"{name} must be a small positive number such as {example}; "
                         f"got {short_repr(value)}")
    return float(value)


def check_labels(labels, n, n_classes, name="labels"):
    """Integer labels ``(n,)``, each in ``0..n_classes-1``: the answers a network is scored on.

    Floats are refused even when whole (3.0): a label is a class number, and a float label
    (0.7) truncated to an int would be scored silently wrong.
    """
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be {n} integers from 0 to {n_classes - 1}; got {short_repr(labels)}")
    try:
        arr = np.asarray(labels)
    except (ValueError, TypeError):
        raise TypeError(f"{name} must be {n} integers from 0 to {n_classes - 1}; got a ragged "
                        "or non-numeric sequence") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of {n} integers; got shape {arr.shape}"
                         + (". One-hot columns? Use Y.argmax(axis=0)." if arr.ndim == 2 else ""))
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must be integers from 0 to {n_classes - 1}; got dtype {arr.dtype}"
                        + (f" (e.g. {short_repr(arr[0].item())})" if arr.dtype.kind in "fcUSO" else ""))
    if arr.shape[0] != n:
        raise ValueError(f"{name} must have one entry per example (column of X): {n}; "
                         f"got {arr.shape[0]}")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        bad = arr[(arr < 0) | (arr >= n_classes)][0]
        raise ValueError(f"{name} must be integers from 0 to {n_classes - 1} (one per output "
                         f"neuron); got {bad}")
    return arr.astype(np.int64)


def short_repr(value, limit=60):
    """``repr(value)``, cut short: an error message names what came, not all of it."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def numeric_array(a, name, want):
    """``a`` as a real numeric numpy array (any shape), or a TypeError naming ``want``."""
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array of shape {want}; got {short_repr(a)}")
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError):              # ragged lists, or nested too deeply
        raise ValueError(f"{name} must be a numeric array of shape {want}; got nested lists "
                         "that make no array (rows of different lengths?)") from None
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
        raise TypeError(f"eta (the learning rate) must be a real number; got {short_repr(eta)}")
    if not _finite(eta) or eta <= 0:
        raise ValueError(f"eta (the learning rate) must be a positive, finite number; "
                         f"got {short_repr(eta)}")
    return float(eta)


def _finite(value):
    """math.isfinite, also for integers too large for a float (they are not finite floats)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


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
    values = [float(p) for p in items]
    for p, v in zip(items, values):        # 1e400 would read as inf, 1e-400 as 0
        if not math.isfinite(v) or (v == 0 and re.search(r"[1-9]", p.split("e")[0].split("E")[0])):
            raise ValueError(f"{name}: {p} is outside the range of a float64 "
                             "(about 1e-308 to 1e308 in size)")
    return np.array(values).reshape(-1, 1)                             # (n, 1)
