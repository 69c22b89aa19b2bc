"""MNIST in the book's shapes: the 5,000 digits shipped with nbteach, and full MNIST.

* ``load_mnist_subset()`` splits the 5,000 digits embedded in the package (500 of each),
  offline.
* ``load_mnist()`` downloads the four MNIST files once (checked against their MD5) and
  returns the book's 50,000 / 10,000 / 10,000 split; ``path=`` reads them from a folder.
* ``read_idx`` reads one file of the original IDX format.

Where it departs from the book: the book's ``mnist_loader`` unpickles ``mnist.pkl.gz``; here
the data comes from ``.npz`` (read with ``allow_pickle=False``) or the original IDX files,
since unpickling a downloaded file can run arbitrary code.

Non-goal: other data sets; anything but digits as ``Dataset``s.
"""
from __future__ import annotations

import functools
import gzip
import math
import numbers
import os
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

from .checks import check_seed
from .dataset import N_CLASSES, Dataset

__all__ = ["load_mnist_subset", "load_mnist", "read_idx", "MNIST_FILES", "MNIST_MIRRORS"]

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
    seed : non-negative int; the same seed gives the same split and order.

    No internet needed. For the full 70,000 digits see ``load_mnist``.
    """
    if isinstance(test_size, (bool, np.bool_)) or not isinstance(test_size, numbers.Integral):
        raise TypeError(f"test_size must be an int; got {test_size!r}")
    if not (10 <= test_size <= 4990 and test_size % 10 == 0):
        raise ValueError("test_size must be a multiple of 10 from 10 to 4990 (the same number of "
                         f"each digit); got {test_size}")
    return _embedded().split(int(test_size), seed=check_seed(seed))


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
    expected = math.prod(dims)                          # exact: no int64 wrap-around
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
    """The folder the downloads go to, checked: a folder (or nothing yet) we may write in."""
    if cache_dir is not None:
        if not isinstance(cache_dir, (str, os.PathLike)):
            raise TypeError(f"cache_dir must be a folder name; got {type(cache_dir).__name__}")
        folder, name = Path(cache_dir), f"cache_dir={str(cache_dir)!r}"
    elif os.environ.get("NBTEACH_DATA_DIR"):
        folder = Path(os.environ["NBTEACH_DATA_DIR"])
        name = f"NBTEACH_DATA_DIR={os.environ['NBTEACH_DATA_DIR']!r}"
    else:
        import pooch
        folder, name = Path(pooch.os_cache("nbteach")), "the cache folder"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise NotADirectoryError(
            f"{name} cannot hold the MNIST files: {existing} is a file, not a folder. "
            "Point it at a folder (it is created if missing).")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"{name} cannot hold the MNIST files: no permission to write "
                              f"in {existing}")
    return folder


def _mirrors(base_url):
    """The mirrors to try: ``base_url``, else ``$NBTEACH_MNIST_URL``, else ``MNIST_MIRRORS``."""
    name = "base_url"
    if base_url is None and os.environ.get("NBTEACH_MNIST_URL"):
        base_url, name = os.environ["NBTEACH_MNIST_URL"], "NBTEACH_MNIST_URL"
    if base_url is None:
        return MNIST_MIRRORS
    if not (isinstance(base_url, str) and base_url.startswith(("http://", "https://"))):
        raise ValueError(f"{name} must be the address of a mirror, starting with http:// or "
                         f"https://; got {base_url!r}")
    return (base_url,)


def _drop_damaged(cache):
    """Remove the cached files whose MD5 is wrong (cut short, or damaged); return their names.

    They could never be used, and a fresh download replaces them.
    """
    import pooch
    damaged = []
    for name, md5 in MNIST_FILES.items():
        path = cache / name
        if path.is_file() and pooch.file_hash(str(path), alg="md5") != md5:
            path.unlink()
            damaged.append(name)
    return damaged


def _download(cache, base_urls, progress):
    """Fetch the four files into ``cache`` with pooch (MD5-checked); return {stem: path}.

    Each download is bounded (``nbteach.download``): a mirror that stalls or trickles is
    given up on, and the next one tried.
    """
    import pooch
    import requests

    from .download import BoundedDownloader

    created = not cache.exists()
    damaged = _drop_damaged(cache) if cache.is_dir() else []
    removed = (f" The damaged cached cop{'ies' if len(damaged) > 1 else 'y'} of "
               f"{', '.join(damaged)} (wrong MD5) {'were' if len(damaged) > 1 else 'was'} "
               "removed." if damaged else "")
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
                        downloader=BoundedDownloader(progress)))
                    break
                except requests.exceptions.RequestException as exc:
                    failures.append(f"{url} ({type(exc).__name__})")
                except ConnectionError as exc:               # stalled, trickled, cut short
                    failures.append(f"{url} ({exc})")
                except ValueError as exc:
                    if "hash" not in str(exc).lower():
                        raise
                    raise ValueError(
                        f"{name} downloaded from {url} does not match its MD5 checksum "
                        f"(expected {md5}); the downloaded file was deleted and nothing was "
                        f"kept.{removed} The mirror may serve a different or damaged file: "
                        "try another with base_url=.") from None
            else:
                raise ConnectionError(
                    f"MNIST could not be downloaded ({name} failed from {', '.join(failures)}): "
                    "without internet, use nbteach.load_mnist_subset() for the 5,000 digits "
                    "shipped with nbteach, or load_mnist(path=...) with a folder holding the "
                    f"four MNIST files.{removed}")
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
    is checked and reused, not downloaded again (a damaged one is removed and downloaded
    again). A mirror that stalls or sends too slowly is given up on after a while
    (``nbteach.download``: a minimum rate and a deadline per file) and the next is tried.
    Raises ``ConnectionError`` naming the file and each mirror tried if the files cannot be
    downloaded, ``ValueError`` naming the file if one is corrupt.
    """
    if path is not None:
        if cache_dir is not None or base_url is not None:
            raise TypeError("path= reads the files from a folder; cache_dir= and base_url= are "
                            "for downloading them. Give path= alone, or leave it out.")
        files = _local_files(path)
    else:
        files = _download(_cache_folder(cache_dir), _mirrors(base_url), progress)
    train_images, train_labels = _read_part(files, "train")
    test_images, test_labels = _read_part(files, "t10k")
    n_train = len(train_labels) - VALIDATION_SIZE
    train = Dataset.from_images(train_images[:n_train], train_labels[:n_train])
    validation = Dataset.from_images(train_images[n_train:], train_labels[n_train:])
    test = Dataset.from_images(test_images, test_labels)
    return train, validation, test
