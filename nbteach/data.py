"""Handwritten digits for the network: the ``Dataset`` class, the embedded MNIST subset, full MNIST.

Purpose: put real MNIST digits in the book's shapes with one call, offline by default.

* ``Dataset(X, labels)`` holds ``X`` ``(784, N)`` (one column per image, pixels in [0, 1]),
  the integer ``labels`` ``(N,)`` and their one-hot ``Y`` ``(10, N)``. Iterating over it
  gives the book's ``(x, y)`` tuples, so it goes wherever the book's lists go.
* ``load_mnist_subset()`` splits the 5,000 digits shipped inside the package (500 of each).
* ``load_mnist()`` downloads the four MNIST files once (checked against their MD5) and
  returns the book's 50,000 / 10,000 / 10,000 split; ``path=`` reads them from a folder.

Where it departs from the book: the book's ``mnist_loader`` unpickles ``mnist.pkl.gz``; here
the data comes from ``.npz`` (read with ``allow_pickle=False``) or the original IDX files,
since unpickling a downloaded file can run arbitrary code. The book's test data carries
integer labels and its training data one-hot columns; a ``Dataset`` carries both.

Non-goals: augmentation, other data sets, streaming data larger than memory (full MNIST as
float64 takes about 440 MB).
"""
from __future__ import annotations

import functools
import gzip
import numbers
import os
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["Dataset", "load_mnist_subset", "load_mnist", "read_idx",
           "MNIST_FILES", "MNIST_MIRRORS"]

N_CLASSES = 10

# The four files of MNIST and the MD5 of each (gzipped) file.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
# Mirrors serving those exact files, tried in order (torchvision's list).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
MNIST_COUNTS = {"train": 60_000, "t10k": 10_000}   # images in each part
VALIDATION_SIZE = 10_000                          # the last 10,000 training images (the book's split)
IMAGE_SHAPE = (28, 28)


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
    and ``ds[mask]`` are new Datasets. The arrays are read-only, so a Dataset never changes.
    """

    def __init__(self, X, labels):
        X = _check_pixels(X)
        self._set(X, _check_labels(labels, X.shape[1]))

    def _set(self, X, labels):
        """Keep X and labels (already checked, owned by this Dataset) and build Y."""
        X.flags.writeable = False
        labels.flags.writeable = False
        self.X = X                                        # (n_pixels, N)
        self.labels = labels                              # (N,)
        Y = np.zeros((N_CLASSES, X.shape[1]))             # (10, N)
        Y[labels, np.arange(X.shape[1])] = 1.0
        Y.flags.writeable = False
        self.Y = Y

    @classmethod
    def from_images(cls, images, labels):
        """A Dataset from uint8 pictures: ``images`` ``(N, 28, 28)`` or ``(N, 784)``, values 0..255."""
        arr = np.asarray(images)
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
            cols = np.asarray(key)
            if cols.dtype == bool:
                if cols.shape != (len(self),):
                    raise IndexError(f"a boolean mask must have shape ({len(self)},); got {cols.shape}")
                cols = np.flatnonzero(cols)
            elif cols.ndim != 1 or not (np.issubdtype(cols.dtype, np.integer) or cols.size == 0):
                raise TypeError("index a Dataset with an int, a slice, a list of ints or a boolean "
                                f"mask; got {key!r}")
        if cols.size == 0:
            raise IndexError(f"the index {key!r} selects no examples; a Dataset needs at least one")
        return Dataset._checked(self.X[:, cols], self.labels[cols])   # fancy indexing copies

    def split(self, size, *, seed=0):
        """Split into ``(rest, part)``: ``part`` holds ``size`` examples, stratified by digit.

        Parameters
        ----------
        size : int (number of examples) or float in (0, 1) (fraction of them)
        seed : int, for ``np.random.default_rng``; the same seed gives the same split.

        Each digit goes into ``part`` in proportion to how often it occurs (for balanced data
        and ``size`` a multiple of 10, exactly ``size / 10`` of each). Both parts are shuffled.
        """
        n = len(self)
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
    arr = np.asarray(X)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"X must be a numeric array of shape (784, N); got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D, one column per example, shape (784, N); got shape {arr.shape}."
                         + (" For pictures (N, 28, 28) use Dataset.from_images." if arr.ndim == 3 else ""))
    if arr.shape[1] == 0:
        raise ValueError(f"X must hold at least one example (column); got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.integer) and arr.max() > 1:
        raise ValueError(f"X must hold pixel values in [0, 1]; got integers up to {arr.max()}. "
                         "For 0..255 pixels use Dataset.from_images(images, labels).")
    arr = np.array(arr, dtype=np.float64, order="F")     # our own copy; each image contiguous
    if not np.isfinite(arr).all():
        raise ValueError("X must be finite; it holds NaN or inf")
    if arr.min() < 0 or arr.max() > 1:
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


# ---- the embedded 5,000 ---------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _embedded():
    """The whole embedded subset as one Dataset (read once, then kept)."""
    with resources.files("nbteach").joinpath("data/mnist_5k.npz").open("rb") as f:
        with np.load(f, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]  # uint8 (5000, 784), uint8 (5000,)
    return Dataset.from_images(images, labels)


def load_mnist_subset(test_size=1000, seed=0):
    """Return ``(train, test)`` Datasets from the 5,000 MNIST digits shipped with nbteach.

    Parameters
    ----------
    test_size : int, a multiple of 10 from 10 to 4990
        The test part holds ``test_size / 10`` of each digit; the training part the rest
        (by default 4,000 training and 1,000 test digits, 400 and 100 of each).
    seed : int; the same seed gives the same split and order.

    No internet needed. For the full 70,000 digits see ``load_mnist``.
    """
    if isinstance(test_size, (bool, np.bool_)) or not isinstance(test_size, numbers.Integral):
        raise TypeError(f"test_size must be an int; got {test_size!r}")
    if not (10 <= test_size <= 4990 and test_size % 10 == 0):
        raise ValueError("test_size must be a multiple of 10 from 10 to 4990 (the same number of "
                         f"each digit); got {test_size}")
    return _embedded().split(int(test_size), seed=seed)


# ---- IDX files ------------------------------------------------------------------------

def read_idx(path):
    """Read one IDX file (gzipped or not) into a uint8 array; check its header and length.

    The format (LeCun's MNIST page): two zero bytes, a type byte (0x08 = unsigned byte), the
    number of dimensions d, then d big-endian uint32 sizes, then the data, row by row.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":                            # the gzip magic number
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{path.name} is not a complete gzip file (truncated or corrupt: "
                             f"{exc}); delete it and fetch it again") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path.name} is not an IDX file: it must start with two zero bytes")
    if raw[2] != 0x08:
        raise ValueError(f"{path.name}: expected IDX type 0x08 (unsigned bytes); got 0x{raw[2]:02x}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise ValueError(f"{path.name}: the IDX header is truncated or has no dimensions")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise ValueError(f"{path.name}: the header announces {dims} = {expected} bytes of data; "
                         f"the file holds {len(raw) - header} (truncated or corrupt)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _read_part(files, part):
    """uint8 images (N, 28, 28) and labels (N,) of "train" or "t10k", checked."""
    images = read_idx(files[f"{part}-images-idx3-ubyte"])
    labels = read_idx(files[f"{part}-labels-idx1-ubyte"])
    name = Path(files[f"{part}-images-idx3-ubyte"]).name
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name}: expected images of shape (N, 28, 28); got {images.shape}")
    if images.shape[0] != MNIST_COUNTS[part]:
        raise ValueError(f"{name}: expected {MNIST_COUNTS[part]} images; got {images.shape[0]}")
    lname = Path(files[f"{part}-labels-idx1-ubyte"]).name
    if labels.shape != (images.shape[0],):
        raise ValueError(f"{lname}: expected {images.shape[0]} labels; got shape {labels.shape}")
    if labels.max() >= N_CLASSES:
        raise ValueError(f"{lname}: labels must be digits 0..9; got {labels.max()}")
    return images, labels


def _local_files(folder):
    """The four files in ``folder``, each either gzipped (``.gz``) or raw."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"path={str(folder)!r} is not a folder")
    files = {}
    for gz_name in MNIST_FILES:
        stem = gz_name[:-3]
        for candidate in (folder / gz_name, folder / stem):
            if candidate.is_file():
                files[stem] = candidate
                break
        else:
            raise FileNotFoundError(f"{gz_name} (or {stem}) is missing from {folder}; the folder "
                                    f"must hold the four MNIST files: {', '.join(MNIST_FILES)}")
    return files


def _cache_folder(cache_dir):
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("NBTEACH_DATA_DIR"):
        return Path(os.environ["NBTEACH_DATA_DIR"])
    import pooch
    return Path(pooch.os_cache("nbteach"))


def _download(cache, base_urls, progress):
    """Fetch the four files into ``cache`` with pooch (MD5-checked); return {stem: path}."""
    import pooch
    import requests

    created = not cache.exists()
    files = {}
    logger = pooch.get_logger()           # pooch logs each download with the full local path:
    level = logger.level                  # the progress bar says enough, so keep it quiet
    logger.setLevel("WARNING")
    try:
        for name, md5 in MNIST_FILES.items():
            failures = []
            for base in base_urls:
                url = base.rstrip("/") + "/" + name
                try:
                    files[name[:-3]] = Path(pooch.retrieve(
                        url, known_hash=f"md5:{md5}", fname=name, path=cache,
                        downloader=pooch.HTTPDownloader(progressbar=progress, timeout=30)))
                    break
                except requests.exceptions.RequestException as exc:
                    failures.append(f"{url} ({type(exc).__name__})")
                except ValueError as exc:
                    if "hash" not in str(exc).lower():
                        raise
                    raise ValueError(
                        f"{name} downloaded from {url} does not match its MD5 checksum "
                        f"(expected {md5}); the file was deleted and nothing was kept. "
                        "The mirror may serve a different or damaged file: try another with "
                        "base_url=.") from None
            else:
                raise ConnectionError(
                    f"MNIST could not be downloaded ({name} failed from {', '.join(failures)}): "
                    "without internet, use nbteach.load_mnist_subset() for the 5,000 digits "
                    "shipped with nbteach, or load_mnist(path=...) with a folder holding the "
                    "four MNIST files.")
    except BaseException:
        if created and cache.is_dir() and not any(cache.iterdir()):
            cache.rmdir()                                # leave no empty folder behind
        raise
    finally:
        logger.setLevel(level)
    return files


def load_mnist(cache_dir=None, path=None, base_url=None, *, progress=True):
    """Return ``(train, validation, test)`` Datasets of full MNIST, as the book splits it.

    ``train`` is the first 50,000 of the 60,000 training images, ``validation`` the last
    10,000 of them, ``test`` the 10,000 test images.

    Parameters
    ----------
    cache_dir : folder for the downloaded files; default ``$NBTEACH_DATA_DIR`` if set,
        otherwise the user's cache folder (``pooch.os_cache("nbteach")``).
    path : folder that already holds the four files (gzipped or not); nothing is downloaded.
    base_url : mirror to download from; default ``$NBTEACH_MNIST_URL`` if set, otherwise
        the mirrors in ``MNIST_MIRRORS``, in turn.
    progress : show a download progress bar.

    Each download is checked against the MD5 in ``MNIST_FILES``; a file already in the cache
    is checked and reused, not downloaded again. Raises ``ConnectionError`` if the files
    cannot be downloaded, ``ValueError`` naming the file if one is corrupt.
    """
    if path is not None:
        if cache_dir is not None or base_url is not None:
            raise TypeError("path= reads the files from a folder; cache_dir= and base_url= are "
                            "for downloading them. Give path= alone, or leave it out.")
        files = _local_files(path)
    else:
        if base_url is None:
            base_url = os.environ.get("NBTEACH_MNIST_URL") or None
        base_urls = MNIST_MIRRORS if base_url is None else (str(base_url),)
        files = _download(_cache_folder(cache_dir), base_urls, progress)
    train_images, train_labels = _read_part(files, "train")
    test_images, test_labels = _read_part(files, "t10k")
    n_train = len(train_labels) - VALIDATION_SIZE
    train = Dataset.from_images(train_images[:n_train], train_labels[:n_train])
    validation = Dataset.from_images(train_images[n_train:], train_labels[n_train:])
    test = Dataset.from_images(test_images, test_labels)
    return train, validation, test
