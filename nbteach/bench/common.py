"""What every part of the benchmark shares: the network, the data, and how time is taken.

Timing rules, used throughout: contenders run interleaved (each repetition runs every
contender once, in turn), so a machine that slows down or speeds up affects all of them
alike; a figure is the median over repetitions, or, for calls of a few milliseconds, the
fastest of many (as ``timeit`` advises: slower calls measure the other processes on the
machine, not the code). The clock is the wall clock (``WALL``), what a learner waits;
with BLAS limited to one thread the process computes on one thread, and its CPU time
(``CPU``) leaves out the time other processes held the processor, so on a busy machine
it measures the code more steadily.
"""
from __future__ import annotations

import contextlib
import statistics
import time
import warnings

import numpy as np

__all__ = ["SIZES", "BATCH_SIZES", "ETA", "WALL", "CPU", "mnist_like", "dataset",
           "book_examples", "torch_or_none", "torch_threads", "torch_rows", "calibrate",
           "timed", "interleaved"]

SIZES = [784, 30, 10]
BATCH_SIZES = (1, 10, 100, 1000)
ETA = 3.0           # the book's learning rate for this network
WALL = time.perf_counter
CPU = time.process_time


def mnist_like(n, seed=0, sizes=SIZES):
    """``(X, Y)`` of n random examples shaped like MNIST: X ``(784, n)`` in [0, 1), Y one-hot.

    X is laid out as a ``Dataset`` lays it out (and as MNIST's files store the images):
    each example's pixels contiguous, i.e. Fortran order.
    """
    rng = np.random.default_rng(seed)
    X = rng.random((n, sizes[0])).T                     # (n_in, n), one image per column
    Y = np.zeros((sizes[-1], n))                        # (n_out, n)
    Y[rng.integers(0, sizes[-1], n), np.arange(n)] = 1.0
    return X, Y


def dataset(n, seed=0):
    """n MNIST-shaped examples as an ``nbteach.Dataset``, as ``load_mnist`` returns digits."""
    from .. import Dataset
    X, Y = mnist_like(n, seed)
    return Dataset(X, np.argmax(Y, axis=0))


def book_examples(data):
    """The book's training data: a list of ``(x, y)`` column pairs, as its loader returns."""
    X, Y = data.X, data.Y
    return [(X[:, [j]], Y[:, [j]]) for j in range(X.shape[1])]


def torch_or_none():
    """``torch`` if it imports, else None: PyTorch is compared where it happens to be installed."""
    try:
        import torch
    except Exception:                                   # not installed, or broken: no column
        return None
    return torch


@contextlib.contextmanager
def torch_threads(torch, threads=1):
    """PyTorch limited to ``threads`` intra-op threads inside the block.

    The comparison gives PyTorch one thread: at these sizes its thread pool costs more
    than it brings (BLAS, too, runs the products of a mini-batch of 10 on one thread), and
    on a busy two-core machine extra threads slowed it down many times over.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def torch_rows(torch, array):
    """``array.T`` as a tensor without a copy. A Dataset's arrays are read-only, which
    PyTorch warns about; the benchmark only reads them (``index_select`` copies)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(array.T)


def calibrate(step, budget):
    """How many calls of ``step(i)`` take about ``budget`` seconds (at least 1); also warms up."""
    start = time.perf_counter()
    step(0)
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(100_000, int(budget / once)))


def timed(step, calls=1, clock=WALL):
    """Seconds (of ``clock``) for ``calls`` calls of ``step(i)``."""
    start = clock()
    for i in range(calls):
        step(i)
    return clock() - start


def interleaved(contenders, repeats, clock=WALL):
    """``{name: [seconds of each repetition]}``: every contender once per repetition, in turn.

    ``contenders`` maps a name to a function of no arguments that runs the thing once and
    returns its seconds (or None to be timed from outside, with ``clock``).
    """
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            start = clock()
            seconds = run()
            times[name].append(clock() - start if seconds is None else seconds)
    return times


def median(values):
    return statistics.median(values)
