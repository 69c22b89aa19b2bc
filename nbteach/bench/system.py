"""The machine under the numbers: which BLAS, how many threads, how much memory training holds.

Ratios depend on the machine (see ``WHY_RATIOS_MOVE``), so the benchmark reports what it
ran on. ``threadpoolctl``, if installed, names the BLAS libraries numpy and scipy loaded
(SGD's small steps use scipy's, ``nbteach.fast`` trick 7) and their thread counts, and
can limit the threads; without it, numpy's build configuration names numpy's library,
and the thread count is what the environment variables say.
"""
from __future__ import annotations

import os
import tracemalloc

import numpy as np

from .. import fast
from ..network import Network
from .common import ETA, SIZES, dataset

__all__ = ["blas_info", "load_average", "thread_limit", "training_memory", "WHY_RATIOS_MOVE"]

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

WHY_RATIOS_MOVE = """\
Why these ratios differ between machines: at mini-batch 10, SGD spends most of its time in
BLAS matrix products, the book's code in the Python interpreter (dozens of small numpy
calls per example). So the ratio grows with the speed of the machine's BLAS (its kernels
for this CPU, SIMD width, cache sizes) and shrinks with a faster interpreter, and it moves
with memory speed (an epoch reads all 314 MB of pixels). At m = 10 SGD's products go
through scipy's BLAS, which can add BP4's product straight into the weights (numpy's dot
cannot). These products are too small for BLAS to use more than one thread, so the
thread count barely matters here; it does for mini-batches of 100 and more, and for the
forward passes over whole data sets (test accuracy, monitored cost), where threads that
wait for busy cores can cost more than they bring. Other work on the machine slows the
products, which stream the weights through the caches, more than the interpreter: on a
busy machine the ratio drops. Compare ratios from one run, on a quiet machine."""


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def blas_info():
    """The BLAS libraries numpy and scipy use, with versions and thread counts, as a dict."""
    info = {"cpu_count": os.cpu_count(),
            "environment": {k: os.environ[k] for k in _THREAD_VARIABLES if k in os.environ}}
    tpc = _threadpoolctl()
    if tpc is not None:
        import scipy.linalg.blas  # noqa: F401  (loaded, so that its BLAS is listed too)
        info["source"] = "threadpoolctl"
        info["libraries"] = [
            {"user": _user(pool.get("filepath", "")),
             "name": pool.get("internal_api"), "version": pool.get("version"),
             "threads": pool.get("num_threads"), "architecture": pool.get("architecture"),
             "threading_layer": pool.get("threading_layer")}
            for pool in tpc.threadpool_info() if pool.get("user_api") == "blas"]
        return info
    info["source"] = "numpy build configuration (threads: not known without threadpoolctl)"
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["libraries"] = [{"user": "numpy", "name": blas.get("name"),
                              "version": blas.get("version"), "threads": None}]
    except (TypeError, KeyError):                      # numpy < 1.26: no mode="dicts"
        names = getattr(np.__config__, "blas_opt_info", {}).get("libraries", ["unknown"])
        info["libraries"] = [{"name": ", ".join(names), "version": None, "threads": None}]
    return info


def _user(filepath):
    """Which package loaded a BLAS library, from where its file lies (None if not known)."""
    parts = filepath.replace("\\", "/").split("/")
    for user in ("numpy", "scipy"):
        if any(part.startswith(user) for part in parts):
            return user
    return None


def load_average():
    """The machine's one-minute load average (runnable processes), or None where unknown."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):                  # not on every system
        return None


def thread_limit(threads):
    """A context manager that limits BLAS to ``threads`` threads, or None without threadpoolctl."""
    tpc = _threadpoolctl()
    if tpc is None:
        return None
    return tpc.threadpool_limits(limits=threads, user_api="blas")


def training_memory(n_train=50_000, mini_batch_size=10, seed=0):
    """Peak memory of one epoch of ``Network.SGD`` on full-MNIST-sized data, via tracemalloc.

    numpy reports its arrays to tracemalloc, so these are the bytes of numpy data and
    Python objects: ``data_bytes`` the Dataset (pixels, one-hot targets, labels), and the
    peak above it during ``SGD`` on the Dataset (``sgd_extra_bytes``: mostly the one-hot
    targets as rows, ``rows_y_bytes``, and the chunk buffer, ``chunk_bytes``), with
    ``monitor_training_cost=True`` (``monitor_extra_bytes``), and on the same numbers as an
    ``(X, Y)`` pair in the book's C-ordered columns (``pair_extra_bytes``), which ``SGD``
    must first copy into rows.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        data = dataset(n_train, seed)
        data_bytes = data.X.nbytes + data.Y.nbytes + data.labels.nbytes
        net = Network(SIZES, seed=seed)
        chunk = fast.Trainer(net.weights, net.biases).tape(mini_batch_size, ETA).chunk
        out = {"n_train": n_train, "mini_batch_size": mini_batch_size, "data_bytes": data_bytes,
               "rows_y_bytes": data.Y.nbytes,          # a Dataset's Y is (10, n): SGD copies it
               "chunk_bytes": chunk.x.nbytes + chunk.y.nbytes + chunk.yT.nbytes + chunk.error.nbytes}
        runs = {"sgd": (data, {}), "monitor": (data, {"monitor_training_cost": True})}
        pair = (np.ascontiguousarray(data.X), np.ascontiguousarray(data.Y))
        runs["pair"] = (pair, {})
        for name, (training_data, options) in runs.items():
            net = Network(SIZES, seed=seed)
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            net.SGD(training_data, 1, mini_batch_size, ETA, **options)
            out[f"{name}_extra_bytes"] = tracemalloc.get_traced_memory()[1] - held
        return out
    finally:
        if not was_tracing:
            tracemalloc.stop()
