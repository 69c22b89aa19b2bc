"""Labelled digits in the book's shapes: the ``Dataset`` class.

``Dataset(X, labels)`` holds ``X`` ``(784, N)`` (one column per image, pixels in [0, 1]),
the integer ``labels`` ``(N,)`` and their one-hot ``Y`` ``(10, N)``. Iterating over it gives
the book's ``(x, y)`` tuples, so it goes wherever the book's lists go. Where the data comes
from (the embedded subset, full MNIST) is ``nbteach.mnist``'s business.

Where it departs from the book: the book's test data carries integer labels and its
training data one-hot columns; a ``Dataset`` carries both, checked once when it is made and
read-only after (the arrays cannot be written, and ``X``, ``labels`` and ``Y`` cannot be
replaced), so a network can trust it without checking every pixel again.

Non-goals: augmentation, other data sets, streaming data larger than memory (full MNIST as
float64 takes about 440 MB).
"""
from __future__ import annotations

import numbers

import numpy as np

from .checks import check_finite, check_seed, numeric_array

__all__ = ["Dataset", "N_CLASSES"]

N_CLASSES = 10

class Dataset:
    """Labelled images in the book's shapes: columns are examples.

    Parameters
    ----------
    X : array (n_pixels, N), float in [0, 1]
        Column j is image j, row by row (784 = 28 x 28 pixels for MNIST). Integer pixel
        values 0..255 are refused: use ``Dataset.from_images``, which scales them.
    labels : int array (N,)
        The digit shown in each column, 0..9.

    Attributes
    ----------
    X : float64 (n_pixels, N), each column (image) contiguous in memory (Fortran order)
    labels : int64 (N,)
    Y : float64 (10, N), the one-hot columns: ``Y[labels[j], j] == 1``
    images : float64 (N, 28, 28), the same pixels as pictures

    ``len(ds)`` is N. ``for x, y in ds`` gives the book's tuples, ``x`` ``(784, 1)`` and
    ``y`` ``(10, 1)``; ``ds[j]`` is the tuple of example j. ``ds[a:b]``, ``ds[[3, 1, 4]]``
    and ``ds[mask]`` are new Datasets. The arrays are read-only and ``ds.X = ...`` is refused,
    so a Dataset never changes: make a new one instead.
    """

    __slots__ = ("_X", "_labels", "_Y")

    def __init__(self, X, labels):
        X = _check_pixels(X)
        self._set(X, _check_labels(labels, X.shape[1]))

    def _set(self, X, labels):
        """Keep X and labels (already checked, owned by this Dataset) and build Y."""
        X.flags.writeable = False
        labels.flags.writeable = False
        Y = np.zeros((N_CLASSES, X.shape[1]))             # (10, N)
        Y[labels, np.arange(X.shape[1])] = 1.0
        Y.flags.writeable = False
        object.__setattr__(self, "_X", X)                 # (n_pixels, N)
        object.__setattr__(self, "_labels", labels)       # (N,)
        object.__setattr__(self, "_Y", Y)                 # (10, N)

    X = property(lambda self: self._X, doc="float64 (n_pixels, N), read-only")
    labels = property(lambda self: self._labels, doc="int64 (N,), read-only")
    Y = property(lambda self: self._Y, doc="float64 (10, N), one-hot, read-only")

    def __setattr__(self, name, value):
        raise AttributeError(
            f"a Dataset cannot be changed: ds.{name} stays as it is, so that X, labels and Y "
            "always agree. Make a new one, nt.Dataset(X, labels), or take a part of this "
            "one, ds[:100]")

    def __delattr__(self, name):
        self.__setattr__(name, None)

    def __copy__(self):
        return self                                       # nothing in it can change

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return Dataset._checked, (self._X, self._labels)

    @classmethod
    def from_images(cls, images, labels):
        """A Dataset from uint8 pictures: ``images`` ``(N, 28, 28)`` or ``(N, 784)``, values 0..255."""
        if isinstance(images, Dataset):
            raise TypeError("images is already a Dataset; it needs uint8 pictures (N, 28, 28)")
        try:
            arr = np.asarray(images)
        except (ValueError, TypeError):
            raise TypeError("images must be a uint8 array (N, 28, 28) with values 0..255; got "
                            "nested lists that make no array (pictures of different sizes?)") from None
        if arr.dtype != np.uint8:
            raise TypeError(f"images must be a uint8 array with values 0..255; got dtype {arr.dtype}")
        if arr.ndim not in (2, 3) or arr.shape[0] == 0:
            raise ValueError(f"images must have shape (N, height, width) or (N, pixels) with N >= 1; "
                             f"got {arr.shape}")
        X = arr.reshape(arr.shape[0], -1).T / 255.0       # (n_pixels, N) in [0, 1]
        return cls._checked(X, _check_labels(labels, X.shape[1]))

    @classmethod
    def _checked(cls, X, labels):
        """A Dataset from arrays known to be valid and not shared (no second copy of X)."""
        ds = cls.__new__(cls)
        ds._set(X, labels)
        return ds

    # ---- sizes and pictures -----------------------------------------------------------

    def __len__(self):
        return self.X.shape[1]

    @property
    def n_pixels(self):
        return self.X.shape[0]

    @property
    def images(self):
        """The examples as pictures, ``(N, side, side)`` (a read-only view of ``X``)."""
        side = int(round(np.sqrt(self.n_pixels)))
        if side * side != self.n_pixels:
            raise ValueError(f"images need a square number of pixels; this Dataset has {self.n_pixels}")
        return self.X.T.reshape(len(self), side, side)

    def counts(self):
        """How many examples of each digit: int array (10,)."""
        return np.bincount(self.labels, minlength=N_CLASSES)

    def __repr__(self):
        counts = self.counts()
        each = (f"{counts[0]} of each digit" if np.all(counts == counts[0])
                else "digits " + ", ".join(f"{d}: {c}" for d, c in enumerate(counts)))
        return f"Dataset({len(self)} examples of {self.n_pixels} pixels; {each})"

    # ---- the book's (x, y) tuples, slicing -------------------------------------------

    def __iter__(self):
        for j in range(len(self)):
            yield self.X[:, j:j + 1], self.Y[:, j:j + 1]   # (784, 1), (10, 1)

    def __getitem__(self, key):
        if isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_)):
            j = int(key)
            if not -len(self) <= j < len(self):
                raise IndexError(f"example {j} is out of range for a Dataset of {len(self)}")
            j %= len(self)
            return self.X[:, j:j + 1], self.Y[:, j:j + 1]
        if isinstance(key, slice):
            cols = np.arange(len(self))[key]
        else:
            try:
                cols = np.asarray(key)
            except (ValueError, TypeError):
                cols = np.asarray(None)                   # refused just below
            if cols.dtype == bool:
                if cols.shape != (len(self),):
                    raise IndexError(f"a boolean mask must have shape ({len(self)},); got {cols.shape}")
                cols = np.flatnonzero(cols)
            elif cols.ndim != 1 or not (np.issubdtype(cols.dtype, np.integer) or cols.size == 0):
                raise TypeError("index a Dataset with an int, a slice, a list of ints or a boolean "
                                f"mask; got {key!r}")
        if cols.size == 0:
            raise IndexError(f"the index {key!r} selects no examples; a Dataset needs at least one")
        if cols.min() < -len(self) or cols.max() >= len(self):
            bad = cols[(cols < -len(self)) | (cols >= len(self))][0]
            raise IndexError(f"example {bad} is out of range for a Dataset of {len(self)}")
        return Dataset._checked(self.X[:, cols], self.labels[cols])   # fancy indexing copies

    def split(self, size, *, seed=0):
        """Split into ``(rest, part)``: ``part`` holds ``size`` examples, stratified by digit.

        Parameters
        ----------
        size : int (number of examples) or float in (0, 1) (fraction of them)
        seed : non-negative int, for ``np.random.default_rng``; the same seed gives the
            same split.

        Each digit goes into ``part`` in proportion to how often it occurs (for balanced data
        and ``size`` a multiple of 10, exactly ``size / 10`` of each). Both parts are shuffled.
        """
        n = len(self)
        seed = check_seed(seed)
        if isinstance(size, (float, np.floating)) and 0 < size < 1:
            size = int(round(size * n))
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral):
            raise TypeError(f"size must be a number of examples or a fraction in (0, 1); got {size!r}")
        if not 0 < size < n:
            raise ValueError(f"size must leave examples on both sides: 1 <= size <= {n - 1}; got {size}")
        rng = np.random.default_rng(seed)
        counts = self.counts()
        exact = counts * size / n                        # examples of each digit in part
        take = np.floor(exact).astype(int)
        short = size - take.sum()                        # hand out the rest, largest remainders first
        take[np.argsort(-(exact - take), kind="stable")[:short]] += 1
        part = []
        for digit in range(N_CLASSES):
            members = np.flatnonzero(self.labels == digit)
            part.append(rng.permutation(members)[:take[digit]])
        part = rng.permutation(np.concatenate(part))
        rest = rng.permutation(np.setdiff1d(np.arange(n), part))
        return self[rest], self[part]


def _check_pixels(X):
    if isinstance(X, Dataset):
        raise TypeError("X is already a Dataset; pass X.X and X.labels to make a new one")
    arr = numeric_array(X, "X", "(784, N)")
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D, one column per example, shape (784, N); got shape {arr.shape}."
                         + (" For pictures (N, 28, 28) use Dataset.from_images." if arr.ndim == 3 else ""))
    if arr.shape[1] == 0:
        raise ValueError(f"X must hold at least one example (column); got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.integer) and arr.max() > 1:
        raise ValueError(f"X must hold pixel values in [0, 1]; got integers up to {arr.max()}. "
                         "For 0..255 pixels use Dataset.from_images(images, labels).")
    arr = check_finite(np.array(arr, dtype=np.float64, order="F"), "X")  # our own copy;
    if arr.min() < 0 or arr.max() > 1:                                  # each image contiguous
        raise ValueError(f"X must hold pixel values in [0, 1]; got values from "
                         f"{arr.min():.4f} to {arr.max():.4f}")
    return arr


def _check_labels(labels, n):
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of {n} digits; got shape {arr.shape}"
                         + (". One-hot columns? Use Y.argmax(axis=0)." if arr.ndim == 2 else ""))
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"labels must be integers 0..9; got dtype {arr.dtype}")
    if arr.shape[0] != n:
        raise ValueError(f"labels must have one entry per column of X: {n}; got {arr.shape[0]}")
    if arr.min() < 0 or arr.max() >= N_CLASSES:
        raise ValueError(f"labels must be digits 0..9; got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.int64)                           # our own copy
