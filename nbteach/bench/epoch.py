"""One epoch of ``Network.SGD`` against the book's code, what it spends its time on, and
the floor: its matrix products and per-call overhead, timed alone.

Every side trains ``[784, 30, 10]`` from the same weights, on the same shuffle
(``training.shuffled``, the one place it is drawn) and the same mini-batches, with the
book's eta = 3.0; each gets the data the way its users hold it: ``Network.SGD`` a
``Dataset`` (as ``load_mnist`` returns it), the book's code its list of ``(x, y)`` column
pairs, PyTorch tensors.
"""
from __future__ import annotations

import time

import numpy as np

from .. import fast
from ..book import Network as BookNetwork
from ..fast.tape import PRODUCTS, summed_squares
from ..inputs import as_batch
from ..network import Network
from ..training import mini_batches, shuffled, train_epoch
from .common import (
    CPU,
    ETA,
    SIZES,
    WALL,
    book_examples,
    dataset,
    interleaved,
    median,
    torch_or_none,
    torch_rows,
    torch_threads,
)

__all__ = ["epoch_comparison", "epoch_breakdown", "full_mnist", "torch_epoch"]


def _sgd(data, m, seed=0, clock=WALL):
    """``net.SGD(data, 1, m, eta)``: its seconds, and the training alone (``History.seconds``,
    always wall time)."""
    net = Network(SIZES, seed=seed)
    start = clock()
    history = net.SGD(data, 1, m, ETA)
    return clock() - start, history.seconds[0]


def book_epoch(examples, m, seed=0):
    """One epoch of the book's own ``update_mini_batch`` on SGD's shuffle; returns the book network."""
    net = Network(SIZES, seed=seed)
    book = BookNetwork(net.weights, net.biases)
    for cols in mini_batches(shuffled(net, len(examples)), m):
        book.update_mini_batch([examples[j] for j in cols], ETA)
    return book


def torch_epoch(torch, data, m, seed=0):
    """One epoch of PyTorch eager on SGD's shuffle, written as PyTorch users write it:
    ``nn.Linear`` layers, a sum-of-squares loss, ``backward`` and ``optim.SGD``.

    float64, the same starting weights, the same mini-batches and the same update
    w -> w - (eta/m) nabla_w as ``Network.SGD`` (n a multiple of m, so that every
    mini-batch has m examples), on one thread (``common.torch_threads``). Returns the
    layers' (weight, bias) pairs.
    """
    net = Network(SIZES, seed=seed)
    layers = []
    for w, b in zip(net.weights, net.biases):
        layer = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b[:, 0]))
        layers.append(layer)
    model = torch.nn.Sequential(*[mod for layer in layers for mod in (layer, torch.nn.Sigmoid())])
    X, Y = torch_rows(torch, data.X), torch_rows(torch, data.Y)       # rows: (n, 784), (n, 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=ETA / m)
    with torch_threads(torch):
        for cols in mini_batches(shuffled(net, X.shape[0]), m):
            idx = torch.from_numpy(cols)
            x, y = X.index_select(0, idx), Y.index_select(0, idx)
            loss = 0.5 * ((model(x) - y) ** 2).sum()   # the quadratic cost, summed; lr = eta/m
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return [(layer.weight.detach().numpy(), layer.bias.detach().numpy()) for layer in layers]


def epoch_comparison(n_examples=50_000, mini_batch_size=10, repeats=3, seed=0,
                     readable=True, use_torch=True, data=None, clock=WALL):
    """Seconds for one epoch through ``Network.SGD``, the book's code and, if installed, PyTorch.

    ``sgd_seconds`` is the wall time of ``net.SGD(dataset, 1, ...)``: checks, the shuffle,
    training, the cost (the mean of the mini-batch costs, free); ``sgd_train_seconds`` the
    training alone, as ``History.seconds`` records it; ``book_seconds`` the same shuffle and
    mini-batches through the book's own ``update_mini_batch``; ``torch_seconds`` through
    PyTorch eager (``torch_epoch``). Medians over ``repeats`` interleaved repetitions, in
    seconds of ``clock`` (``common.WALL`` or ``common.CPU``; with ``CPU`` there is no
    ``sgd_train_seconds``, which ``History`` records in wall time).
    With ``readable``, nbteach's readable steps too, once each (they are slow):
    ``loop_seconds`` (``update_mini_batch(method="loop")``) and ``matrix_seconds``
    (``method="matrix"``).
    """
    data = dataset(n_examples, seed) if data is None else data
    examples = book_examples(data)
    m = mini_batch_size
    torch = torch_or_none() if use_torch else None
    sgd_train = []

    def sgd():
        seconds, train = _sgd(data, m, seed, clock)
        sgd_train.append(train)
        return seconds

    def book():
        book_epoch(examples, m, seed)

    def pytorch():
        torch_epoch(torch, data, m, seed)

    contenders = {"sgd": sgd, "book": book}
    if torch is not None:
        contenders["torch"] = pytorch
    times = interleaved(contenders, repeats, clock)
    out = {"n_examples": len(data), "mini_batch_size": m, "repeats": repeats,
           "clock": "cpu" if clock is CPU else "wall"}
    if clock is WALL:
        out["sgd_train_seconds"] = median(sgd_train)
    out.update({f"{name}_seconds": median(v) for name, v in times.items()})
    if readable:
        for method in ("loop", "matrix"):
            net = Network(SIZES, seed=seed)
            start = clock()
            train_epoch(net, data.X, data.Y, m, ETA, method=method)
            out[f"{method}_seconds"] = clock() - start
    for name in ("book", "torch", "loop", "matrix"):
        if f"{name}_seconds" in out:
            out[f"sgd_vs_{name}"] = out[f"{name}_seconds"] / out["sgd_seconds"]
    return out


def _play_epoch(calls, steps, per_step, clock=WALL):
    """Seconds to play ``calls`` (one chunk's tape, or part of it) for ``steps`` steps."""
    per_chunk = len(calls) // per_step
    start = clock()
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for first in range(0, steps, per_chunk):
            k = min(per_chunk, steps - first)
            for f, args in calls[:k * per_step] if k < per_chunk else calls:
                f(*args)
    return clock() - start


def epoch_breakdown(n_examples=50_000, mini_batch_size=10, repeats=3, seed=0, data=None,
                    clock=WALL):
    """Where one epoch of ``Network.SGD`` goes, and how close it comes to the floor.

    Timed alone, in the same run (medians of ``repeats``, seconds of ``clock``, see
    ``common``): ``train_seconds`` (one epoch
    of ``fast.Trainer``, as SGD trains), ``gather_seconds`` (the shuffle and the copies of
    the shuffled rows into the chunk buffer), ``checks_seconds`` (what ``SGD`` does before
    its first epoch: input checks, the rows view, the trainer), ``cost_seconds`` (the
    epoch's cost from the steps' own errors, one dot per chunk) and
    ``exact_cost_seconds`` (the exact cost after the epoch, a forward pass over the data,
    only with ``monitor_training_cost``).

    The floor: ``products_seconds``, the epoch's matrix products alone (each step's
    ``np.dot`` and BLAS calls, BP4 fused with the update as the step does it; same shapes,
    same buffers, same loop), plus ``overhead_seconds``,
    the Python and numpy call overhead of all its other calls, timed by playing them on a
    network of the same depth with one neuron per layer, where they compute next to
    nothing. ``floor_fraction`` = floor / training (1.0: nothing else costs anything).
    """
    data = dataset(n_examples, seed) if data is None else data
    m, n = mini_batch_size, len(data)
    steps = n // m
    net = Network(SIZES, seed=seed)
    X, Y = as_batch(data, net.n_in, net.n_out)
    rows = fast.Rows.from_columns(X, Y)
    trainer = fast.Trainer(net.weights, net.biases, net.activation, net.cost)
    tape = trainer.tape(m, ETA)
    tiny = fast.Trainer(*_one_neuron_params(len(SIZES)), net.activation, net.cost).tape(m, ETA)
    products = tape.products()
    tiny_others = [call for call in tiny.calls if call[0] not in PRODUCTS]
    tiny_per_step = len(tiny_others) // tiny.chunk.steps

    def checks():
        new = Network(SIZES, seed=seed)
        start = clock()
        Xc, Yc = as_batch(data, new.n_in, new.n_out, "training_data")
        ws, bs = new._params()
        fast.Rows.from_columns(Xc, Yc)
        fast.Trainer(ws, bs, new.activation, new.cost)
        return clock() - start

    def gather():
        start = clock()
        order = shuffled(net, n)
        per_chunk = tape.chunk.steps * m
        for first in range(0, n - n % m, per_chunk):
            tape.chunk.fill(rows, order[first:first + per_chunk])
        return clock() - start

    def cost():
        start = clock()
        for first in range(0, steps, tape.chunk.steps):
            summed_squares(tape.chunk.error[:min(tape.chunk.steps, steps - first)])
        return clock() - start

    def train():
        trainer.epoch(rows, shuffled(net, n), m, ETA)

    def exact_cost():
        fast.cost_value(trainer.weights, trainer.biases, rows)

    contenders = {
        "train": train, "gather": gather, "checks": checks, "cost": cost,
        "exact_cost": exact_cost,
        "products": lambda: _play_epoch(products, steps, len(products) // tape.chunk.steps,
                                        clock),
        "overhead": lambda: _play_epoch(tiny_others, steps, tiny_per_step, clock),
    }
    times = interleaved(contenders, repeats, clock)
    out = {"n_examples": n, "mini_batch_size": m, "repeats": repeats,
           "clock": "cpu" if clock is CPU else "wall",
           "steps": steps, "calls_per_step": tape.per_step, "fused": trainer.fuses(m),
           "products_per_step": len(products) // tape.chunk.steps}
    out.update({f"{name}_seconds": median(v) for name, v in times.items()})
    out["floor_seconds"] = out["products_seconds"] + out["overhead_seconds"]
    out["floor_fraction"] = out["floor_seconds"] / out["train_seconds"]
    return out


def _one_neuron_params(layers):
    """Weights and biases of a network with one neuron in each of ``layers`` layers."""
    return [np.full((1, 1), 0.5)] * (layers - 1), [np.zeros((1, 1))] * (layers - 1)


def full_mnist(epochs=30, n_train=50_000, n_test=10_000, mini_batch_size=10, seed=0):
    """The book's chapter 1 run: ``[784, 30, 10]``, 30 epochs, mini-batch 10, eta = 3.0,
    test accuracy after every epoch, on generated data of MNIST's size (there is no
    download here). Returns the wall time and what ``History`` recorded."""
    train, test = dataset(n_train, seed), dataset(n_test, seed + 1)
    net = Network(SIZES, seed=seed)
    start = time.perf_counter()
    history = net.SGD(train, epochs, mini_batch_size, ETA, test_data=test)
    wall = time.perf_counter() - start
    return {"epochs": epochs, "n_train": n_train, "n_test": n_test,
            "mini_batch_size": mini_batch_size, "wall_seconds": wall,
            "train_seconds": sum(history.seconds), "final_cost": history.cost[-1]}
