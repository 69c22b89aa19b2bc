"""The fast path: the book's mini-batch gradient steps and SGD epochs, quickly.

Purpose: ``Network.SGD`` trains through this module, and ``python -m nbteach.bench``
measures what it buys. The numbers are those of the readable code
(``nbteach.backprop.backprop_batch`` followed by the book's update
w -> w - (eta/m) nabla_w); only the order of rounding differs, and the tests check
weights, biases, gradients and whole epochs against the readable path to a relative 1e-12.

Non-goal: being the code a learner reads to understand backprop. That is
``nbteach.backprop``; read it first. This file is the same algorithm after profiling,
with each speed trick written down where it is used:

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
   ``take`` in its default ``mode="raise"`` copies twice); a gather of the whole epoch
   needs a second copy of the data (314 MB for MNIST) and leaves it in main memory,
   while a chunk is still in the cache when its products read it.
3. **Check once, not per step.** ``SGD`` checks the data and the weights once; a step
   here checks nothing and is never called by learners directly.
4. **No new arrays per step.** Buffers are made once per mini-batch size; every
   ``np.dot`` and ufunc writes into one (``out=``), and the weights are updated in place.
5. **sigma'(z) from sigma(z).** For the sigmoid sigma'(z) = a (1 - a) reuses the
   activation a = sigma(z) instead of a second ``exp``; for tanh 1 - a^2.
6. **A cheaper sigmoid.** ``1 / (1 + exp(-z))`` in four in-place ufuncs; where
   ``exp(-z)`` overflows (z < -709) the result is exactly 0, within 1e-308 of the truth.
   (The readable, warning-free form in ``nbteach.activations`` needs about eight.)
   Overflow warnings are switched off for the epoch instead.
7. **eta/m folded into delta^L.** BP2 is linear in delta, so scaling delta^L once by
   eta/m scales every delta^l; then ``W -= delta a^T`` needs no extra pass over W.
8. **Bias gradient as a product.** ``delta @ ones`` (one BLAS call) is faster than
   ``delta.sum(axis=1)`` for the small mini-batches of the chapter.
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
    [delta a^T | delta 1]``, and one update. Three calls fewer per layer and step. (The
    first layer keeps w and b apart: its input rows come straight from the data.)
13. **The step as a tape.** A step's numpy calls always act on the same arrays (the
    buffers, the weights, the chunk's views), so they are written down once as a list of
    ``(function, arguments)`` pairs, one list per mini-batch of a chunk, and the epoch
    only plays them: per call, no Python branching, attribute lookups or loops over layers.
    ``_step_tape`` is the one place the step is written; ``step``, ``gradient`` and the
    epoch all play tapes it made. ``products`` keeps only its matrix products: what the
    benchmark times as the floor.

Activations: ``sigmoid``, ``tanh``, ``relu`` and ``linear`` use the special cases above;
any other ``Activation`` is called as it is (``fn(z)``, ``prime(z)``, on the book's
``(n, m)`` arrays), so it stays correct, just slower. Costs: the quadratic cost's
derivative and value are computed in place; any other cost calls its own ``derivative``
and ``fn`` once per step.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import activations as _acts
from .costs import QuadraticCost
from .training import shuffled

__all__ = ["Rows", "Trainer", "Tape", "Epoch", "products", "sgd_epoch", "backprop_batch",
           "update_mini_batch", "cost_value", "count_correct", "feedforward",
           "SLICE", "CHUNK_BYTES", "CHUNK_STEPS"]

CHUNK_BYTES = 2 ** 21   # input bytes per shuffled chunk (trick 2): 2 MiB, 334 MNIST images
CHUNK_STEPS = 256       # at most this many mini-batches per chunk (bounds a tape's length)
SLICE = 2048            # examples per slice of the forward pass over a whole data set (trick 11)


class Rows:
    """Training data with one example per row: ``X`` ``(n, n_in)``, ``Y`` ``(n, n_out)``.

    Made from the book's column layout once, ``Rows.from_columns(X, Y)``: the transposes
    are copied into C order (no copy if ``X`` is already Fortran-ordered, as a Dataset's is).
    """

    __slots__ = ("X", "Y")

    def __init__(self, X, Y):
        self.X = np.ascontiguousarray(X, dtype=np.float64)      # (n, n_in)
        self.Y = np.ascontiguousarray(Y, dtype=np.float64)      # (n, n_out)

    @classmethod
    def from_columns(cls, X, Y):
        """From the book's layout: ``X`` ``(n_in, n)``, ``Y`` ``(n_out, n)``."""
        return cls(np.asarray(X).T, np.asarray(Y).T)

    def __len__(self):
        return self.X.shape[0]


def _play(calls):
    """Run tape entries ``(function, arguments)`` in order (trick 13)."""
    for f, args in calls:
        f(*args)


# ---- activations, as tape entries: sigma in place, sigma' from the activation --------

def _sigmoid(z, a):
    """a = z <- 1 / (1 + exp(-z)), in place (trick 6)."""
    return [(np.negative, (a, a)), (np.exp, (a, a)), (np.add, (a, 1.0, a)),
            (np.reciprocal, (a, a))]


def _sigmoid_prime(out, z, a):
    """out <- sigma'(z) = a (1 - a), with a = sigma(z) (trick 5)."""
    return [(np.subtract, (1.0, a, out)), (np.multiply, (out, a, out))]


def _tanh(z, a):
    return [(np.tanh, (a, a))]


def _tanh_prime(out, z, a):
    """out <- 1 - a^2, with a = tanh(z)."""
    return [(np.multiply, (a, a, out)), (np.subtract, (1.0, out, out))]


def _relu(z, a):
    return [(_relu_inplace, (a,))]


def _relu_inplace(a):
    np.maximum(a, 0.0, out=a)               # (np.maximum takes no positional out)


def _relu_prime(out, z, a):
    """out <- [z > 0]; a = max(z, 0) is > 0 exactly where z is."""
    return [(np.greater, (a, 0.0, out))]


def _linear(z, a):
    return []


def _set(out, fn, z):
    out[...] = fn(z)


class _Kit(NamedTuple):
    """How the tape computes sigma and sigma' for one activation."""

    in_place: bool                  # sigma overwrites z with a (then z is a)
    forward: Callable               # (z, a) -> entries for a = sigma(z)
    prime: Callable | None          # (out, z, a) -> entries for out = sigma'(z); None: 1


# Matched by identity, so an Activation that merely shares a name takes the generic path.
_KNOWN = ((_acts.sigmoid, _Kit(True, _sigmoid, _sigmoid_prime)),
          (_acts.tanh, _Kit(True, _tanh, _tanh_prime)),
          (_acts.relu, _Kit(True, _relu, _relu_prime)),
          (_acts.linear, _Kit(True, _linear, None)))


def _kit(activation):
    """The special case for a known activation, or its own ``fn`` and ``prime``."""
    for known, kit in _KNOWN:
        if activation is known:
            return kit
    return _Kit(False, lambda z, a: [(_set, (a, activation.fn, z))],
                lambda out, z, a: [(_set, (out, activation.prime, z))])


def _is_quadratic(cost):
    return cost is QuadraticCost or isinstance(cost, QuadraticCost)


def _cost_derivative(cost, a, y, out, total):
    """out <- nabla_a C, and the mini-batch's cost added to ``total[0]`` (any cost)."""
    out[...] = cost.derivative(a, y)
    total[0] += cost.fn(a, y)


# ---- buffers -----------------------------------------------------------------------

class _Buffers:
    """Every array one step needs for mini-batches of m examples (trick 4).

    A layer that feeds another one keeps its activations with a row of ones below them
    (trick 12): ``aa[i]`` ``(n + 1, m)``, whose first n rows, ``a[i]``, are the activations.
    """

    def __init__(self, sizes, m):
        self.m = m
        self.aa = [None] + [np.ones((n + 1, m)) for n in sizes[1:-1]]      # [a^l; 1], l < L
        self.a = [None] + [aa[:-1] for aa in self.aa[1:]] + [np.empty((sizes[-1], m))]
        self.z = [np.empty((n, m)) for n in sizes[1:]]                # generic path only
        self.delta = [np.empty((n, m)) for n in sizes[1:]]            # delta^{i+2}, (n, m)
        self.tmp = [np.empty((n, m)) for n in sizes[1:]]              # sigma'(z^{i+2})
        self.error = np.empty((sizes[-1], m))                         # a^L - y, one step
        self.ones = np.ones(m)                                        # (m,) for trick 8
        # the first layer's gradient for w and b apart; every later one's for [w | b]
        self.nabla_w0 = np.empty((sizes[1], sizes[0]))
        self.nabla_b0 = np.empty(sizes[1])
        self.nabla_wb = [None] + [np.empty((n_out, n_in + 1))
                                  for n_in, n_out in zip(sizes[1:-1], sizes[2:])]


class _Chunk:
    """Shuffled rows of ``steps`` mini-batches of m examples, and their views (trick 2)."""

    def __init__(self, n_in, n_out, m, steps):
        self.m, self.steps = m, steps
        self.x = np.empty((steps * m, n_in))                  # rows, in the shuffled order
        self.y = np.empty((steps * m, n_out))
        self.yT = np.empty((steps, n_out, m))                 # y^T of each step, contiguous
        self.error = np.empty((steps, n_out, m))              # a^L - y of each step (trick 10)
        # mini-batch j: x (m, n_in) rows, y^T (n_out, m) and its error block, as views
        self.batches = [(self.x[j * m:(j + 1) * m], self.yT[j], self.error[j])
                        for j in range(steps)]

    def fill(self, rows, idx):
        """Copy the rows ``idx`` of ``rows`` into the chunk, in that order; return the steps."""
        k = len(idx) // self.m
        # mode="clip": no bounds check, hence no hidden copy; idx is a permutation's piece
        rows.X.take(idx, axis=0, out=self.x[:len(idx)], mode="clip")
        rows.Y.take(idx, axis=0, out=self.y[:len(idx)], mode="clip")
        # one transposing copy per chunk, so BP1 subtracts contiguous arrays at every step
        np.copyto(self.yT[:k], self.y[:k * self.m].reshape(k, self.m, -1).transpose(0, 2, 1))
        return k


class Tape(NamedTuple):
    """The calls of every step of one chunk (trick 13): ``calls[j * per_step:(j + 1) * per_step]``
    is the step on the chunk's mini-batch j."""

    chunk: _Chunk
    calls: list
    per_step: int

    def products(self):
        """Only the matrix products, in order: the floor the benchmark times."""
        return products(self.calls)


def products(calls):
    """The matrix products (``np.dot``) among tape entries, in order."""
    return [call for call in calls if call[0] is np.dot]


# ---- the trainer ---------------------------------------------------------------------

class Trainer:
    """Working copies of a network's weights and biases, stepped in place.

    Parameters
    ----------
    weights, biases : lists of arrays in the book's shapes, ``(n_{l}, n_{l-1})`` and
        ``(n_l, 1)``; they are copied, never changed.
    activation : Activation
    cost : QuadraticCost or CrossEntropyCost

    ``trainer.weights`` and ``trainer.biases`` hold the current values, in the book's
    shapes (after the first layer, views of one array ``[w | b]`` per layer, trick 12);
    ``trainer.load(weights, biases)`` copies new values in, keeping every buffer and tape.
    """

    def __init__(self, weights, biases, activation=_acts.sigmoid, cost=QuadraticCost):
        weights = [np.asarray(w, dtype=np.float64) for w in weights]
        biases = [np.asarray(b, dtype=np.float64).reshape(-1, 1) for b in biases]
        self.sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
        # the first layer: w and b apart; every later layer: [w | b], (n_l, n_{l-1} + 1)
        self._w0 = np.array(weights[0], order="C")
        self._b0 = np.array(biases[0], order="C")
        self._wb = [None] + [np.concatenate([w, b], axis=1)
                             for w, b in zip(weights[1:], biases[1:])]
        self.weights = [self._w0] + [wb[:, :-1] for wb in self._wb[1:]]
        self.biases = [self._b0] + [wb[:, -1:] for wb in self._wb[1:]]
        self.activation, self.cost = activation, cost
        self._kit = _kit(activation)
        self._quadratic = _is_quadratic(cost)
        self._cost_sum = [0.0]                  # other costs: summed by the tape's steps
        self._buffers, self._tapes = {}, {}

    def load(self, weights, biases):
        """Copy ``weights`` and ``biases`` (the book's shapes) into the working arrays."""
        for mine, new in zip(self.weights + self.biases, list(weights) + list(biases)):
            np.copyto(mine, np.reshape(new, mine.shape))
        return self

    def buffers(self, m):
        buf = self._buffers.get(m)
        if buf is None:
            buf = self._buffers[m] = _Buffers(self.sizes, m)
        return buf

    def is_finite(self):
        return all(np.isfinite(p).all() for p in [self._w0, self._b0] + self._wb[1:])

    # ---- the step, written once (trick 13) ------------------------------------------

    def _step_tape(self, buf, x, yT, error, scale, update=True):
        """The calls of one step on the mini-batch whose examples are the rows of ``x``.

        ``x`` ``(m, n_in)``, so ``x.T`` is the book's ``(n_in, m)`` (trick 1); ``yT``
        ``(n_out, m)``; ``error`` ``(n_out, m)`` receives nabla_a C (for the quadratic
        cost a^L - y, trick 10). The gradient is scaled by ``scale`` (eta/m, trick 7).
        """
        kit, L = self._kit, len(self.sizes) - 1
        a, aa, delta, tmp = buf.a, buf.aa, buf.delta, buf.tmp
        z = a if kit.in_place else [None] + buf.z              # z[l] is z^{l+1}
        tape = []
        # feedforward: a^l = sigma(w^l a^{l-1} + b^l); after the first layer the product
        # [w | b] [a; 1] adds the bias (trick 12)
        tape += [(np.dot, (self._w0, x.T, z[1])), (np.add, (z[1], self._b0, z[1]))]
        tape += kit.forward(z[1], a[1])
        for i in range(1, L):
            tape.append((np.dot, (self._wb[i], aa[i], z[i + 1])))
            tape += kit.forward(z[i + 1], a[i + 1])
        # BP1: delta^L = nabla_a C ⊙ sigma'(z^L), times eta/m (trick 7)
        d = delta[L - 1]
        if self._quadratic:
            tape.append((np.subtract, (a[L], yT, error)))     # nabla_a C = a^L - y
        else:
            tape.append((_cost_derivative, (self.cost, a[L], yT, error, self._cost_sum)))
        if kit.prime is None:                                 # linear: sigma' = 1
            tape.append((np.multiply, (error, scale, d)))
        else:
            tape += kit.prime(tmp[L - 1], z[L], a[L])
            tape.append((np.multiply, (error, tmp[L - 1], d)))
            if scale != 1.0:
                tape.append((np.multiply, (d, scale, d)))
        # BP2, backwards: delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l)
        for i in range(L - 2, -1, -1):
            tape.append((np.dot, (self.weights[i + 1].T, delta[i + 1], delta[i])))
            if kit.prime is not None:
                tape += kit.prime(tmp[i], z[i + 1], a[i + 1])
                tape.append((np.multiply, (delta[i], tmp[i], delta[i])))
        # BP3 and BP4, summed over the m columns: the first layer's w and b apart (trick 8),
        # then delta [a; 1]^T = [nabla_w | nabla_b] (trick 12)
        tape += [(np.dot, (delta[0], x, buf.nabla_w0)),
                 (np.dot, (delta[0], buf.ones, buf.nabla_b0))]
        for i in range(1, L):
            tape.append((np.dot, (delta[i], aa[i].T, buf.nabla_wb[i])))
        if update:                                            # w -= nabla_w, in place
            b0 = self._b0.reshape(-1)
            tape += [(np.subtract, (self._w0, buf.nabla_w0, self._w0)),
                     (np.subtract, (b0, buf.nabla_b0, b0))]
            tape += [(np.subtract, (wb, nwb, wb)) for wb, nwb in zip(self._wb[1:], buf.nabla_wb[1:])]
        return tape

    def calls(self, X, Y, eta):
        """The tape of one step on the columns of ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``.

        Any memory layout works (``X.T`` is used as the rows, a view). Playing it takes
        the step; the tape keeps X and Y, so it can be played again (the benchmark does).
        """
        buf = self.buffers(X.shape[1])
        return self._step_tape(buf, X.T, Y, buf.error, eta / X.shape[1])

    def step(self, X, Y, eta):
        """One gradient-descent step on the columns of ``X``, ``Y`` (see ``calls``).

        Returns the cost of the mini-batch before the step, summed over its m examples.
        """
        self._cost_sum[0] = 0.0
        with np.errstate(over="ignore", under="ignore"):      # trick 6
            _play(self.calls(X, Y, eta))
        if self._quadratic:
            return _summed_squares(self.buffers(X.shape[1]).error)
        return self._cost_sum[0]

    def gradient(self, X, Y):
        """``(nabla_b, nabla_w)`` summed over the columns of X, Y, in the book's shapes (copies)."""
        buf = self.buffers(X.shape[1])
        _play(self._step_tape(buf, X.T, Y, buf.error, 1.0, update=False))
        nabla_b = [buf.nabla_b0.reshape(-1, 1).copy()] + [g[:, -1:].copy() for g in buf.nabla_wb[1:]]
        nabla_w = [buf.nabla_w0.copy()] + [g[:, :-1].copy() for g in buf.nabla_wb[1:]]
        return nabla_b, nabla_w

    # ---- the epoch --------------------------------------------------------------------

    def tape(self, m, eta):
        """The ``Tape`` of a chunk of mini-batches of m at learning rate eta (made once)."""
        tape = self._tapes.get((m, eta))
        if tape is None:
            steps = max(1, min(CHUNK_STEPS, CHUNK_BYTES // (8 * self.sizes[0] * m)))
            chunk, buf = _Chunk(self.sizes[0], self.sizes[-1], m, steps), self.buffers(m)
            calls = []
            for x, yT, error in chunk.batches:
                calls += self._step_tape(buf, x, yT, error, eta / m)
            tape = self._tapes[(m, eta)] = Tape(chunk, calls, len(calls) // steps)
        return tape

    def epoch(self, rows, order, mini_batch_size, eta):
        """One epoch of SGD: the mini-batches are ``order`` cut into ``mini_batch_size`` pieces.

        ``rows`` is a ``Rows``; ``order`` a permutation of ``range(len(rows))``. The last
        mini-batch may be smaller. Updates the weights in place and returns the cost summed
        over all n examples, each from the forward pass of its own step (trick 10).
        """
        n, m = len(order), mini_batch_size
        full = n - n % m
        total, self._cost_sum[0] = 0.0, 0.0
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if full:
                total += self._run(rows, order[:full], self.tape(m, eta))
            if full < n:
                total += self._run(rows, order[full:], self.tape(n - full, eta))
        return total + self._cost_sum[0]

    def _run(self, rows, order, tape):
        """Fill the chunk and play its tape, chunk after chunk (tricks 2 and 13)."""
        chunk, calls, per_step = tape
        total = 0.0
        for start in range(0, len(order), chunk.steps * chunk.m):
            k = chunk.fill(rows, order[start:start + chunk.steps * chunk.m])
            for f, args in (calls if k == chunk.steps else calls[:k * per_step]):
                f(*args)
            if self._quadratic:
                total += _summed_squares(chunk.error[:k])
        return total


def _summed_squares(error):
    """The quadratic cost summed over examples, sum_x 1/2 ||a^L - y||^2, from a^L - y."""
    flat = error.reshape(-1)                                  # contiguous: a view
    return 0.5 * float(flat @ flat)


# ---- functions in the book's shapes, for SGD, tests and notebooks --------------------

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
    return Epoch([w.copy() for w in trainer.weights], [b.copy() for b in trainer.biases],
                 total / len(rows))


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
    return [w.copy() for w in trainer.weights], [b.copy() for b in trainer.biases]


def feedforward(weights, biases, X_rows, activation=_acts.sigmoid, slice_size=SLICE):
    """Output activations ``(n_out, n)``, the book's layout, for inputs as rows ``(n, n_in)``.

    Trick 11: the n examples go through the network ``slice_size`` at a time. The hidden
    activations of a slice, ``(n_l, slice_size)``, live in buffers made once and small
    enough to stay in the cache, instead of ``(n_l, n)`` temporaries made anew every
    epoch; the output layer is written straight into the result, one row per example, so
    the returned ``(n_out, n)`` is a transposed view.
    """
    kit = _kit(activation)
    n, L = X_rows.shape[0], len(weights)
    k = max(1, min(slice_size, n))
    out = np.empty((n, weights[-1].shape[0]))                      # (n, n_out), rows
    hidden = [np.empty(w.shape[0] * k) for w in weights[:-1]]      # a^l of one slice, flat
    with np.errstate(over="ignore", under="ignore"):
        for start in range(0, n, k):
            a = X_rows[start:start + k].T                          # (n_in, m), a view
            m = a.shape[1]
            for i, (w, b) in enumerate(zip(weights, biases)):
                if i < L - 1:
                    z = hidden[i][:w.shape[0] * m].reshape(w.shape[0], m)   # (n_l, m)
                    np.dot(w, a, out=z)
                else:
                    np.dot(a.T, w.T, out=out[start:start + m])     # (m, n_out) = (w a)^T
                    z = out[start:start + m].T                     # (n_out, m), a view
                z += b
                _play(kit.forward(z, z))                           # sigma, in place
                a = z
    return out.T


def cost_value(weights, biases, rows, activation=_acts.sigmoid, cost=QuadraticCost):
    """The mean cost (1/n) sum_x C_x over ``rows`` (a ``Rows``), as ``Network.cost_value``."""
    out = feedforward(weights, biases, rows.X, activation)         # (n_out, n)
    n = len(rows)
    if _is_quadratic(cost):
        diff = out.T                                               # (n, n_out), C order, ours
        diff -= rows.Y
        return _summed_squares(diff) / n
    return cost.fn(out, rows.Y.T) / n


def count_correct(weights, biases, X_rows, labels, activation=_acts.sigmoid):
    """How many rows of ``X_rows`` the network classifies as ``labels`` (argmax of the output)."""
    out = feedforward(weights, biases, X_rows, activation)
    return int(np.sum(np.argmax(out, axis=0) == labels))
