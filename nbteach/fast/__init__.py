"""The fast path: the book's mini-batch gradient steps and SGD epochs, quickly.

Purpose: ``Network.SGD`` trains through this module, and ``python -m nbteach.bench``
measures what it buys. The numbers are those of the readable code
(``nbteach.backprop.backprop_batch`` followed by the book's update
w -> w - (eta/m) nabla_w); only the order of rounding differs, and the tests check
weights, biases, gradients and whole epochs against the readable path to a relative 1e-12.

Non-goal: being the code a learner reads to understand backprop. That is
``nbteach.backprop``; read it first. This package is the same algorithm after profiling,
with each speed trick numbered here and cited where it is used:

1. **Stored as rows, used as columns.** The book keeps one example per column, ``X``
   ``(n_in, n)``, and a shuffled mini-batch ``X[:, cols]`` picks m scattered numbers out
   of each of n_in long rows. Here the training data is held with one example per
   contiguous row, ``Rows`` ``(n, n_in)`` (a Dataset's ``X.T``, no copy), so a mini-batch
   ``x`` ``(m, n_in)`` is m whole rows and ``x.T`` is the book's ``(n_in, m)`` again, as
   a view. Everything after the input has the book's shapes, ``(n_l, m)``.
2. **Shuffled chunk by chunk into one buffer.** Each epoch's order is cut into chunks of
   about ``CHUNK_BYTES`` of input; one ``np.take`` per chunk copies its rows, in the
   shuffled order, into a buffer made once, whose mini-batches are views made once too.
   Measured against the alternatives: a gather per step costs two calls per step (and
   ``take`` in its default ``mode="raise"`` copies twice; ``mode="clip"`` does not); a
   gather of the whole epoch at once needs a second copy of the data (314 MB for MNIST)
   and leaves it in main memory, while a chunk is still in the cache when its products
   read it. The chunk's targets are transposed once per chunk, so that each step's
   ``y^T`` is contiguous.
3. **Check once, not per step.** ``SGD`` checks the data and the weights once; a step
   here checks nothing and is never called by learners directly.
4. **No new arrays per step.** Buffers are made once per mini-batch size; every
   product and ufunc writes into one (``out=``), and the weights are updated in place.
5. **sigma'(z) from sigma(z).** For the sigmoid sigma'(z) = a (1 - a) reuses the
   activation a = sigma(z) instead of a second ``exp``; for tanh 1 - a^2.
6. **A cheaper sigmoid.** ``1 / (1 + exp(-z))`` in one in-place ufunc,
   ``scipy.special.expit``, which needs no warnings switched off and gives 0 where
   ``exp(-z)`` overflows. (The readable form in ``nbteach.activations`` needs about eight
   numpy calls; numpy has no ufunc for it.) Constants are 0-d arrays, which numpy does
   not convert on every call.
7. **BP4 and the update in one BLAS call.** BLAS's matrix product is
   C <- alpha A B + beta C: with beta = 1 and alpha = -eta/m it subtracts
   (eta/m) delta (a^{l-1})^T from w^l where w^l lies, so nabla_w is never stored and W is
   not read a second time; the scale eta/m costs nothing. numpy's ``dot`` has no beta, so
   these calls (and, in such a step, every other product) go through
   ``scipy.linalg.blas``. At m = 10 on [784, 30, 10] this saves about a sixth of a step.
   It is done while every product of the step is below ``FUSED_BELOW`` multiply-adds,
   where BLAS stays on the calling thread: scipy brings its own BLAS, and two BLAS thread
   pools taking turns on large products wait on each other. Larger steps use ``np.dot``,
   scale delta^L by eta/m once (BP2 is linear in delta, so every delta^l is scaled) and
   subtract the gradient in one pass (trick 15).
8. **Bias gradient as a product.** ``delta @ ones`` (one BLAS call; with trick 7 one that
   also updates b) is faster than ``delta.sum(axis=1)`` for small mini-batches.
9. **Divergence checked once per epoch.** A weight that becomes inf or NaN never becomes
   finite again, so one check at the end of an epoch finds what a check per step would.
   The network's own arrays are left alone: training works on copies, and ``SGD`` keeps
   them only if the epoch ends finite.
10. **The epoch's cost from its own forward passes.** Each step writes its output error
    a^L - y into the chunk's error block (it needs it for BP1 anyway); one dot product
    per chunk adds up the squares, so the quadratic cost of the epoch (``History.cost``)
    costs no second pass over the data.
11. **The exact cost after an epoch, slice by slice.** When ``SGD`` is asked for it
    (``monitor_training_cost``), or for the test accuracy, the n examples go through the
    network ``SLICE`` at a time into buffers made once (``feedforward``), so no
    ``(n_l, n)`` temporaries are allocated, filled and freed every epoch.
12. **Biases inside the weights, after the first layer.** A layer that feeds another keeps
    its activations with a row of ones below them, ``[a; 1]``, and the next layer keeps
    ``[w | b]`` as one array: then ``[w | b] [a; 1] = w a + b`` adds the bias inside the
    product, and BP3 and BP4 come out of one product too, ``delta [a; 1]^T =
    [delta a^T | delta 1]``. Two calls fewer per layer and step. (The first layer keeps
    w and b apart: its input rows come straight from the data, with no ones to add.)
13. **The step as a tape.** A step's numpy calls always act on the same arrays (the
    buffers, the weights, the chunk's views), so they are written down once as a list of
    ``(function, arguments)`` pairs, one list per mini-batch of a chunk, and the epoch
    only plays them: per call, no Python branching, attribute lookups or loops over
    layers. ``Trainer._step_tape`` is the one place the step is written; ``step``,
    ``gradient`` and the epoch all play tapes it made. ``products`` keeps only a tape's
    matrix products: what the benchmark times as the floor.
14. **sigma' of all layers at once.** The activations of every layer are row blocks of
    one array, so sigma'(z^l) = a^l (1 - a^l) for all l is two calls, not two per layer.
15. **One array for all the parameters.** The weights and biases of every layer are
    consecutive pieces of one array, and their gradients of another laid out alike, so
    the update w -= nabla_w of the whole network is one call, and so is the divergence
    check (trick 9).

Activations: ``sigmoid``, ``tanh``, ``relu`` and ``linear`` use the special cases above;
any other ``Activation`` is called as it is (``fn(z)``, ``prime(z)``, on the book's
``(n, m)`` arrays), so it stays correct, just slower. Costs: the quadratic cost's
derivative and value are computed in place; any other cost calls its own ``derivative``
and ``fn`` once per step.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import activations as _acts
from ..costs import QuadraticCost
from ..training import shuffled
from .forward import SLICE, cost_value, count_correct, feedforward
from .tape import products
from .trainer import CHUNK_BYTES, CHUNK_STEPS, Rows, Tape, Trainer

__all__ = ["Rows", "Trainer", "Tape", "Epoch", "products", "sgd_epoch", "backprop_batch",
           "update_mini_batch", "cost_value", "count_correct", "feedforward",
           "SLICE", "CHUNK_BYTES", "CHUNK_STEPS"]


class Epoch(NamedTuple):
    """What one epoch of ``sgd_epoch`` leaves: new arrays in the book's shapes, and the
    mean over the epoch's examples of the cost each had in its own step (trick 10)."""

    weights: list
    biases: list
    cost: float


def sgd_epoch(net, rows, mini_batch_size, eta, trainer=None):
    """One epoch of ``Network.SGD``: the shuffle and steps of ``training.train_epoch``, fast.

    Draws the epoch's order with ``training.shuffled`` exactly as ``train_epoch`` does, and
    steps on working copies of the weights (the network's own arrays are never touched).
    ``trainer``: a ``Trainer`` to reuse with its buffers and tapes (its arrays are
    overwritten with the network's). Returns an ``Epoch`` of new arrays, or None if a
    weight or bias became infinite or NaN (trick 9).
    """
    order = shuffled(net, len(rows))
    weights, biases = net._params()
    if trainer is None:
        trainer = Trainer(weights, biases, net.activation, net.cost)
    else:
        trainer.load(weights, biases)
    total = trainer.epoch(rows, order, mini_batch_size, eta)
    if not trainer.is_finite():
        return None
    return Epoch(trainer.weights, trainer.biases, total / len(rows))


def backprop_batch(weights, biases, X, Y, activation=_acts.sigmoid, cost=QuadraticCost):
    """``(nabla_b, nabla_w)`` summed over the columns of ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``.

    The fast path's version of ``nbteach.backprop.backprop_batch``: same inputs, same
    shapes, equal to rounding.
    """
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        return Trainer(weights, biases, activation, cost).gradient(X, Y)


def update_mini_batch(weights, biases, X, Y, eta, activation=_acts.sigmoid, cost=QuadraticCost):
    """Return new ``(weights, biases)`` after one step on the columns of X, Y (inputs unchanged)."""
    trainer = Trainer(weights, biases, activation, cost)
    trainer.step(np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64), eta)
    return trainer.weights, trainer.biases                   # new arrays
