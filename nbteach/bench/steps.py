"""One gradient step, per contender and mini-batch size; and the step against its bare products.

Contenders, each a function ``step(i)`` that takes one gradient step on pre-made batch i:
the book's own code (``nbteach.book``: its ``update_mini_batch``, one ``backprop`` per
example), nbteach's readable per-example loop (``update_mini_batch(method="loop")``), the
readable matrix version (``method="matrix"``), the fast path (``nbteach.fast``) and, only
if ``import torch`` works, the same step in PyTorch's eager mode on the CPU, on one
thread (``common.torch_threads`` says why).
"""
from __future__ import annotations

import contextlib
import statistics

import numpy as np

from .. import fast
from ..book import Network as BookNetwork
from ..network import Network
from .common import (
    BATCH_SIZES,
    CPU,
    ETA,
    SIZES,
    WALL,
    calibrate,
    mnist_like,
    timed,
    torch_or_none,
    torch_threads,
)

__all__ = ["measure_steps", "speedup_vs_batch_size", "bare_products_fraction"]


def _batches(m, seed, count=4):
    X, Y = mnist_like(m * count, seed)
    # each batch as a learner's X[:, cols] is: (784, m) in C order
    return [(X[:, k * m:(k + 1) * m].copy(), Y[:, k * m:(k + 1) * m].copy()) for k in range(count)]


def _network_step(method, batches, seed):
    net = Network(SIZES, seed=seed)

    def step(i):
        net.update_mini_batch(batches[i % len(batches)], ETA, method=method)
    step.weights = lambda: net.weights
    return step


def _book_step(batches, seed):
    net = Network(SIZES, seed=seed)
    book = BookNetwork(net.weights, net.biases)
    # the book's mini-batch: a list of (x, y) column pairs
    tuples = [[(X[:, [j]], Y[:, [j]]) for j in range(X.shape[1])] for X, Y in batches]

    def step(i):
        book.update_mini_batch(tuples[i % len(tuples)], ETA)
    step.weights = lambda: book.weights
    return step


def _fast_step(batches, seed):
    net = Network(SIZES, seed=seed)
    trainer = fast.Trainer(net.weights, net.biases, net.activation, net.cost)
    # as Network.SGD holds a mini-batch: contiguous rows, seen as the book's columns, and
    # its step written down once as a tape that each step plays
    tapes = [trainer.calls(np.ascontiguousarray(X.T).T, Y, ETA) for X, Y in batches]

    def step(i):                                      # (measure_steps turns warnings off)
        for f, args in tapes[i % len(tapes)]:
            f(*args)
    step.weights = lambda: trainer.weights
    return step


def _torch_step(torch, batches, seed):
    net = Network(SIZES, seed=seed)
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
    data = [(torch.from_numpy(X), torch.from_numpy(Y)) for X, Y in batches]
    m = batches[0][0].shape[1]

    def step(i):
        x, y = data[i % len(data)]
        a = x
        for w, b in zip(ws, bs):
            a = torch.sigmoid(w @ a + b)
        loss = 0.5 * ((a - y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for p in ws + bs:
                p -= (ETA / m) * p.grad
                p.grad = None
    step.weights = lambda: [w.detach().numpy() for w in ws]
    return step


def _contenders(m, seed, torch):
    batches = _batches(m, seed)
    out = {"book": _book_step(batches, seed),
           "loop": _network_step("loop", batches, seed),
           "matrix": _network_step("matrix", batches, seed),
           "fast": _fast_step(batches, seed)}
    if torch is not None:
        out["torch"] = _torch_step(torch, batches, seed)
    return out


def measure_steps(batch_sizes=BATCH_SIZES, repeats=5, budget=0.2, seed=0, use_torch=True):
    """Examples per second of one gradient step, per contender and mini-batch size.

    Returns a list of dicts, one per size: ``batch_size``, ``book``, ``loop``, ``matrix``,
    ``fast`` (and ``torch`` when available) in examples/s, and each one's speed-up over
    the book's code, ``loop_vs_book``, ``matrix_vs_book``, ``fast_vs_book``
    (``torch_vs_book``). ``budget`` is the seconds one measurement aims at; every
    contender runs once per repetition, interleaved.
    """
    torch = torch_or_none() if use_torch else None
    # overflow in exp (a saturated sigmoid) is expected; SGD's epochs turn the warning off too
    with np.errstate(over="ignore", under="ignore"):
        with torch_threads(torch) if torch is not None else contextlib.nullcontext():
            return _measure_steps(batch_sizes, repeats, budget, seed, torch)


def _measure_steps(batch_sizes, repeats, budget, seed, torch):
    rows = []
    for m in batch_sizes:
        contenders = _contenders(m, seed, torch)
        calls = {name: calibrate(step, budget) for name, step in contenders.items()}
        speeds = {name: [] for name in contenders}
        for _ in range(repeats):
            for name, step in contenders.items():
                speeds[name].append(calls[name] * m / timed(step, calls[name]))
        row = {"batch_size": m}
        row.update({name: statistics.median(v) for name, v in speeds.items()})
        for name in contenders:
            if name != "book":
                row[f"{name}_vs_book"] = row[name] / row["book"]
        rows.append(row)
    return rows


def speedup_vs_batch_size(batch_sizes=BATCH_SIZES, repeats=3, budget=0.05, seed=0):
    """Measured rows for notebook 08's plot (see ``measure_steps``); numpy only, a few seconds."""
    return measure_steps(batch_sizes, repeats=repeats, budget=budget, seed=seed, use_torch=False)


def bare_products_fraction(m=1000, repeats=7, budget=0.1, seed=0, min_calls=100, clock=WALL):
    """A step at mini-batch m against its matrix products alone, for two callers.

    The products are those backprop cannot do without, with the same shapes, data and
    output buffers as in the step: w^l a^{l-1} (feedforward), (w^{l+1})^T delta^{l+1}
    (BP2) and delta^l (a^{l-1})^T (BP4), taken from the fast step's own tape. Timed
    against them, call by call, each going first in turn: the fast step (``fraction``)
    and ``net.update_mini_batch((X, Y), eta)`` (``update_fraction``), the call a learner
    makes, with its input checks and the readable backprop. A fraction of 1.0 would mean
    that everything else (sigma, the Hadamard products, the checks, the update) costs
    nothing. From the fastest of many (at least ``min_calls``) interleaved calls of each,
    in seconds of ``clock`` (see ``common``); medians kept too.
    """
    X, Y = mnist_like(m, seed)
    X = np.ascontiguousarray(X)                          # as a learner's X[:, cols] is
    net = Network(SIZES, seed=seed)
    trainer = fast.Trainer(net.weights, net.biases, net.activation, net.cost)
    calls = trainer.calls(X, Y, ETA)
    products = fast.products(calls)

    def play(tape):
        def run(i):
            for f, args in tape:
                f(*args)
        return run

    contenders = {"step": play(calls), "products": play(products),
                  "update": lambda i: net.update_mini_batch((X, Y), ETA)}
    pairs = max(min_calls, min(2000, repeats * calibrate(
        lambda i: [c(i) for c in contenders.values()], budget)))
    times = {name: [] for name in contenders}
    names = list(contenders)
    with np.errstate(over="ignore", under="ignore"):
        for i in range(pairs):
            for name in names[i % 3:] + names[:i % 3]:
                times[name].append(timed(contenders[name], clock=clock))
    best = {name: min(v) for name, v in times.items()}
    return {"batch_size": m, "calls": pairs, "clock": "cpu" if clock is CPU else "wall",
            "step_seconds": best["step"], "products_seconds": best["products"],
            "update_seconds": best["update"],
            "fraction": best["products"] / best["step"],
            "update_fraction": best["products"] / best["update"],
            **{f"{name}_median_seconds": statistics.median(v) for name, v in times.items()}}
