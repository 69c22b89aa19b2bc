"""``python -m nbteach.bench``: how much faster is backprop on whole mini-batches?

The book says a fully matrix-based mini-batch backprop is "about twice" as fast as its
per-example loop. This module measures it, on ``[784, 30, 10]`` with random MNIST-shaped
data (pixels uniform in [0, 1), one-hot labels, seeded), float64:

* examples per second of one gradient step at mini-batch sizes 1, 10, 100 and 1000, for
  the book's own code (``nbteach.book``: its ``update_mini_batch``, one ``backprop`` per
  example), nbteach's readable per-example loop (``update_mini_batch(method="loop")``),
  the readable matrix version (``method="matrix"``), the fast path (``nbteach.fast``)
  and, only if ``import torch`` works, the same step in PyTorch's eager mode on the CPU;
  speed-ups are against the book's code;
* one epoch through ``Network.SGD`` against the same epoch through the book's code
  (mini-batch 10), wall-clock time, with everything ``SGD`` does (checks, cost after
  the epoch);
* the fast step at mini-batch 1000 as a fraction of the time its bare matrix products
  take when timed alone: how close the code comes to what the hardware allows.

Interleaved: each repetition runs every contender once, in turn, so a machine that slows
down or speeds up affects all of them alike; each figure is the median over repetitions.
Ratios are what to compare across machines; absolute speeds depend on the machine and on
what else it is doing. Nothing here is asserted in tests.

``--quick`` is a short smoke run (seconds); ``--json FILE`` also writes the results.
Notebook 07 calls ``speedup_vs_batch_size`` for its plot.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np

from . import fast
from .book import Network as BookNetwork
from .dataset import Dataset
from .files import atomic_write
from .network import Network
from .training import train_epoch

__all__ = ["SIZES", "BATCH_SIZES", "mnist_like", "measure_steps", "speedup_vs_batch_size",
           "epoch_comparison", "bare_products_fraction", "run", "format_report", "write_json", "main"]

SIZES = [784, 30, 10]
BATCH_SIZES = (1, 10, 100, 1000)
ETA = 3.0           # the book's learning rate for this network


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


def _torch():
    try:
        import torch
    except Exception:                                   # not installed, or broken: no column
        return None
    return torch


# ---- contenders: each returns step(i), one gradient step on pre-made batch i ------------

def _batches(m, seed, count=4):
    X, Y = mnist_like(m * count, seed)
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
    rows = [(np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)) for X, Y in batches]

    def step(i):
        x, y = rows[i % len(rows)]
        trainer.step(x, y, ETA)
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


def _calibrate(step, budget):
    """How many steps take about ``budget`` seconds (at least 1); also warms up."""
    start = time.perf_counter()
    step(0)
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(100_000, int(budget / once)))


def _timed(step, steps):
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return time.perf_counter() - start


def measure_steps(batch_sizes=BATCH_SIZES, repeats=5, budget=0.2, seed=0, use_torch=True):
    """Examples per second of one gradient step, per contender and mini-batch size.

    Returns a list of dicts, one per size: ``batch_size``, ``book``, ``loop``, ``matrix``,
    ``fast`` (and ``torch`` when available) in examples/s, and each one's speed-up over the
    book's code, ``loop_vs_book``, ``matrix_vs_book``, ``fast_vs_book`` (``torch_vs_book``). ``budget`` is the seconds
    one measurement aims at; every contender runs once per repetition, interleaved.
    """
    torch = _torch() if use_torch else None
    rows = []
    for m in batch_sizes:
        contenders = _contenders(m, seed, torch)
        steps = {name: _calibrate(step, budget) for name, step in contenders.items()}
        speeds = {name: [] for name in contenders}
        for _ in range(repeats):
            for name, step in contenders.items():
                speeds[name].append(steps[name] * m / _timed(step, steps[name]))
        row = {"batch_size": m}
        row.update({name: statistics.median(v) for name, v in speeds.items()})
        for name in contenders:
            if name != "book":
                row[f"{name}_vs_book"] = row[name] / row["book"]
        rows.append(row)
    return rows


def speedup_vs_batch_size(batch_sizes=BATCH_SIZES, repeats=3, budget=0.05, seed=0):
    """Measured rows for notebook 07's plot (see ``measure_steps``); numpy only, a few seconds."""
    return measure_steps(batch_sizes, repeats=repeats, budget=budget, seed=seed, use_torch=False)


def epoch_comparison(n_examples=50_000, mini_batch_size=10, repeats=2, seed=0):
    """Seconds for one epoch through ``Network.SGD`` and through the book's loop.

    Each side gets the data the way its learners hold it: ``Network.SGD`` an
    ``nbteach.Dataset`` (as ``load_mnist`` returns it: pixels checked when it was made,
    stored one image per contiguous column), the book's code its list of ``(x, y)``
    column pairs (as its ``mnist_loader`` returns them).

    ``sgd_seconds`` is the wall time of ``net.SGD(dataset, 1, ...)`` (checks, the shuffle,
    training, the cost after the epoch); ``sgd_train_seconds`` the training alone, as
    ``History.seconds`` records it; ``book_seconds`` the same shuffle and mini-batches
    through the book's own ``update_mini_batch``; ``loop_seconds`` through
    ``update_mini_batch(method="loop")``; ``matrix_seconds`` through ``method="matrix"``.
    Medians over ``repeats`` interleaved repetitions.
    """
    X, Y = mnist_like(n_examples, seed)
    data = Dataset(X, np.argmax(Y, axis=0))                           # SGD's training_data
    X, Y = data.X, data.Y                                             # (784, n), (10, n)
    examples = [(X[:, [j]], Y[:, [j]]) for j in range(n_examples)]    # the book's training_data
    times = {"sgd_seconds": [], "sgd_train_seconds": [], "book_seconds": [], "loop_seconds": [],
             "matrix_seconds": []}
    for _ in range(repeats):
        net = Network(SIZES, seed=seed)
        start = time.perf_counter()
        history = net.SGD(data, 1, mini_batch_size, ETA)
        times["sgd_seconds"].append(time.perf_counter() - start)
        times["sgd_train_seconds"].append(history.seconds[0])
        net = Network(SIZES, seed=seed)
        book = BookNetwork(net.weights, net.biases)
        order = net.rng.permutation(n_examples)            # the shuffle SGD would draw
        start = time.perf_counter()
        for k in range(0, n_examples, mini_batch_size):
            book.update_mini_batch([examples[j] for j in order[k:k + mini_batch_size]], ETA)
        times["book_seconds"].append(time.perf_counter() - start)
        for method in ("loop", "matrix"):
            net = Network(SIZES, seed=seed)
            start = time.perf_counter()
            train_epoch(net, X, Y, mini_batch_size, ETA, method=method)
            times[f"{method}_seconds"].append(time.perf_counter() - start)
    out = {"n_examples": n_examples, "mini_batch_size": mini_batch_size, "repeats": repeats}
    out.update({k: statistics.median(v) for k, v in times.items()})
    out["sgd_vs_book"] = out["book_seconds"] / out["sgd_seconds"]
    out["sgd_vs_loop"] = out["loop_seconds"] / out["sgd_seconds"]
    out["sgd_vs_matrix"] = out["matrix_seconds"] / out["sgd_seconds"]
    return out


def bare_products_fraction(m=1000, repeats=7, budget=0.1, seed=0):
    """The fast step at mini-batch m against its matrix products alone.

    The products are the ones backprop cannot do without, with the same shapes, layout and
    output buffers as in the step: w^l a^{l-1} (feedforward), (w^{l+1})^T delta^{l+1}
    (BP2) and delta^l (a^{l-1})^T (BP4). ``fraction`` = products time / step time, from
    the fastest of many interleaved calls of each; 1.0 would mean that everything else
    (sigma, the Hadamard products, the biases, the update) costs nothing.
    """
    X, Y = mnist_like(m, seed)
    net = Network(SIZES, seed=seed)
    trainer = fast.Trainer(net.weights, net.biases, net.activation, net.cost)
    x, y = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)
    buf = trainer.buffers(m)
    L = len(trainer.weights)

    def step(i):
        trainer.step(x, y, ETA)

    ws = trainer.weights

    def products(i):
        a_prev = x.T
        for l in range(L):
            np.dot(ws[l], a_prev, out=buf.a[l + 1])
            a_prev = buf.a[l + 1]
        for l in range(L - 2, -1, -1):
            np.dot(ws[l + 1].T, buf.delta[l + 1], out=buf.delta[l])
        a_prev = x.T
        for l in range(L):
            np.dot(buf.delta[l], a_prev.T, out=buf.nabla_w[l])
            a_prev = buf.a[l + 1]

    # Interleaved call by call, each going first in turn. The fastest call of each is what
    # the hardware allows (as ``timeit`` advises: slower calls measure the other
    # processes on the machine, not the code); the medians are kept too.
    pairs = max(20, min(2000, _calibrate(lambda i: (step(i), products(i)), budget) * repeats))
    t_step, t_prod = [], []
    for i in range(pairs):
        first, second = ((step, t_step), (products, t_prod))[::1 if i % 2 else -1]
        first[1].append(_timed(first[0], 1))
        second[1].append(_timed(second[0], 1))
    s, p = min(t_step), min(t_prod)
    medians = {"step_median_seconds": statistics.median(t_step),
               "products_median_seconds": statistics.median(t_prod)}
    return {"batch_size": m, "calls": pairs, "step_seconds": s, "products_seconds": p,
            "fraction": p / s, **medians}


# ---- the command ----------------------------------------------------------------------

def run(quick=False, epoch_examples=None, repeats=None):
    """Everything ``python -m nbteach.bench`` measures, as a dict (what ``--json`` writes)."""
    torch = _torch()
    if quick:
        steps = measure_steps(repeats=repeats or 3, budget=0.03)
        epoch = epoch_comparison(epoch_examples or 2_000, repeats=2)
        bare = bare_products_fraction(repeats=repeats or 3, budget=0.05)
    else:
        steps = measure_steps(repeats=repeats or 5, budget=0.2)
        epoch = epoch_comparison(epoch_examples or 50_000, repeats=2)
        bare = bare_products_fraction(repeats=repeats or 7, budget=0.1)
    return {
        "sizes": SIZES, "dtype": "float64", "quick": bool(quick),
        "numpy": np.__version__, "torch": None if torch is None else torch.__version__,
        "steps": steps, "epoch": epoch, "bare_products": bare,
    }


def format_report(results):
    """The results as the text the command prints (fixed precision)."""
    have_torch = any("torch" in row for row in results["steps"])
    names = ["book", "loop", "matrix", "fast"] + (["torch"] if have_torch else [])
    head = f"{'mini-batch':>10}" + "".join(f" {n:>9}" for n in names)
    head += "".join(f" {n + '/book':>12}" for n in names[1:])
    lines = [f"nbteach.bench: {results['sizes']}, {results['dtype']}, numpy {results['numpy']}"
             + (f", torch {results['torch']}" if results["torch"] else ", torch not installed")
             + (" (quick)" if results["quick"] else ""),
             "", "One gradient step, examples per second (median of interleaved repetitions).",
             "book: the book's own code; loop: nbteach's per-example loop; matrix: the readable",
             "fully matrix-based version; fast: the same after profiling (what Network.SGD uses).",
             head]
    for row in results["steps"]:
        line = f"{row['batch_size']:>10d}" + "".join(f" {row[n]:>9.0f}" for n in names)
        line += "".join(f" {row[n + '_vs_book']:>11.1f}x" for n in names[1:])
        lines.append(line)
    e = results["epoch"]
    lines += ["", f"One epoch, {e['n_examples']} examples, mini-batch {e['mini_batch_size']}:",
              f"  Network.SGD        {e['sgd_seconds']:9.3f} s  (training alone "
              f"{e['sgd_train_seconds']:.3f} s; the rest: checks and the cost after the epoch)",
              f"  readable matrix    {e['matrix_seconds']:9.3f} s",
              f"  nbteach's loop     {e['loop_seconds']:9.3f} s",
              f"  the book's code    {e['book_seconds']:9.3f} s",
              f"  SGD is {e['sgd_vs_book']:.1f}x faster than the book's code, "
              f"{e['sgd_vs_matrix']:.1f}x faster than the readable matrix steps"]
    b = results["bare_products"]
    lines += ["", f"Mini-batch {b['batch_size']}: a fast step takes {b['step_seconds'] * 1e3:.3f} ms, "
              f"its matrix products alone {b['products_seconds'] * 1e3:.3f} ms: "
              f"the step runs at {b['fraction']:.0%} of the speed of its bare products."]
    return "\n".join(lines)

def write_json(results, path):
    """Write ``results`` to ``path`` atomically (a temporary file, then a rename)."""
    with atomic_write(path, suffix=".json") as fh:
        json.dump(results, fh, indent=2, sort_keys=True)
        fh.write("\n")

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nbteach.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (seconds)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--epoch-examples", type=int, metavar="N",
                        help="examples in the timed epoch (default 50000; 2000 with --quick)")
    parser.add_argument("--repeats", type=int, metavar="K", help="interleaved repetitions")
    args = parser.parse_args(argv)
    for name in ("epoch_examples", "repeats"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer; got {value}")
    results = run(quick=args.quick, epoch_examples=args.epoch_examples, repeats=args.repeats)
    print(format_report(results))
    if args.json:
        write_json(results, args.json)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
