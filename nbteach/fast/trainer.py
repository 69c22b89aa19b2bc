"""The trainer: working copies of the weights, the step's buffers, and the epoch.

``Trainer`` holds the weights it trains, the buffers a step writes into (trick 4), the
chunk buffer the epoch's shuffled rows are copied into (trick 2) and the tapes that play
the steps (trick 13); ``Trainer._step_tape`` is the one place the step is written. The
tricks are numbered and explained in the package docstring, ``nbteach.fast``.
Non-goal: checks (``Network.SGD`` checks once, before the first epoch; trick 3).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import activations as _acts
from ..costs import QuadraticCost
from .tape import (
    ONE,
    cost_derivative,
    gemm,
    gemv,
    is_quadratic,
    kit,
    play,
    product,
    products,
    summed_squares,
)

__all__ = ["Rows", "Trainer", "Tape", "CHUNK_BYTES", "CHUNK_STEPS", "FUSED_BELOW"]

CHUNK_BYTES = 2 ** 21   # input bytes per shuffled chunk (trick 2): 2 MiB, 334 MNIST images
FUSED_BELOW = 2 ** 18  # multiply-adds of the largest product for a fused step (trick 7)
CHUNK_STEPS = 256       # at most this many mini-batches per chunk (bounds a tape's length)


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


class _Buffers:
    """Every array one step needs for mini-batches of m examples (trick 4).

    A layer that feeds another one keeps its activations with a row of ones below them
    (trick 12): ``aa[i]`` ``(n + 1, m)``, whose first n rows, ``a[i]``, are the activations.
    All of them are row blocks of one array ``s`` = [a^2; 1; a^3; 1; ...; a^L], so that
    sigma' of every layer is one pass over ``s`` into ``t`` (trick 14); ``tmp[i]`` is the
    block of ``t`` that holds sigma'(z^{i+2}).
    """

    def __init__(self, sizes, m):
        self.m = m
        heights = [n + 1 for n in sizes[1:-1]] + [sizes[-1]]          # [a^l; 1] ..., a^L
        starts = np.cumsum([0] + heights)
        self.s = np.ones((starts[-1], m))                             # every a^l, stacked
        self.t = np.empty((starts[-1], m))                            # sigma'(z^l), stacked
        self.aa = [None] + [self.s[i:i + h] for i, h in zip(starts[:-2], heights[:-1])]
        self.a = [None] + [self.s[i:i + n] for i, n in zip(starts, sizes[1:])]
        self.tmp = [self.t[i:i + n] for i, n in zip(starts, sizes[1:])]
        self.z = [np.empty((n, m)) for n in sizes[1:]]                # generic path only
        # delta^{i+2}, (n, m); a hidden layer's has a row below it for BP2's product with
        # [w | b]^T, whose last row (b^T delta) is not needed (trick 12)
        self.delta_wide = [np.empty((n + 1, m)) for n in sizes[1:-1]] + [np.empty((sizes[-1], m))]
        self.delta = [d[:n] for d, n in zip(self.delta_wide, sizes[1:])]
        self.error = np.empty((sizes[-1], m))                         # a^L - y, one step
        self.ones = np.ones(m)                                        # (m,) for trick 8
        # the gradient, laid out as the parameters are (trick 15): the first layer's
        # nabla_w and nabla_b apart, then [nabla_w | nabla_b] of every later layer
        self.nabla = np.empty(_parameter_count(sizes))
        self.nabla_w0, self.nabla_b0, *rest = _parameter_views(self.nabla, sizes)
        self.nabla_b0 = self.nabla_b0.reshape(-1)                    # (n_2,)
        self.nabla_wb = [None] + rest


def _parameter_shapes(sizes):
    """w^2 and b^2 apart, then [w^l | b^l] for l > 2 (trick 12)."""
    return ([(sizes[1], sizes[0]), (sizes[1], 1)]
            + [(n_out, n_in + 1) for n_in, n_out in zip(sizes[1:-1], sizes[2:])])


def _parameter_count(sizes):
    return sum(rows * cols for rows, cols in _parameter_shapes(sizes))


def _parameter_views(flat, sizes):
    """C-ordered views of consecutive pieces of ``flat``, one per parameter array."""
    views, start = [], 0
    for rows, cols in _parameter_shapes(sizes):
        views.append(flat[start:start + rows * cols].reshape(rows, cols))
        start += rows * cols
    return views


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


# ---- the trainer ---------------------------------------------------------------------

class Trainer:
    """Working copies of a network's weights and biases, stepped in place.

    Parameters
    ----------
    weights, biases : lists of arrays in the book's shapes, ``(n_{l}, n_{l-1})`` and
        ``(n_l, 1)``; they are copied, never changed.
    activation : Activation
    cost : QuadraticCost or CrossEntropyCost

    ``trainer.weights`` and ``trainer.biases`` give the current values in the book's
    shapes (new arrays). Inside, all of them are views of one array (tricks 12 and 15);
    ``trainer.load(weights, biases)`` copies new values in, keeping every buffer and tape.
    """

    def __init__(self, weights, biases, activation=_acts.sigmoid, cost=QuadraticCost):
        weights = [np.asarray(w, dtype=np.float64) for w in weights]
        biases = [np.asarray(b, dtype=np.float64).reshape(-1, 1) for b in biases]
        self.sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
        # every parameter in one array (trick 15): the first layer's w and b apart, then
        # [w | b] of every later layer, (n_l, n_{l-1} + 1) (trick 12)
        self._flat = np.empty(_parameter_count(self.sizes))
        self._w0, self._b0, *rest = _parameter_views(self._flat, self.sizes)
        self._wb = [None] + rest
        self._weights = [self._w0] + [wb[:, :-1] for wb in self._wb[1:]]    # views
        self._biases = [self._b0] + [wb[:, -1:] for wb in self._wb[1:]]
        self.load(weights, biases)
        self.activation, self.cost = activation, cost
        self._kit = kit(activation)
        self._quadratic = is_quadratic(cost)
        self._cost_sum = [0.0]                  # other costs: summed by the tape's steps
        self._buffers, self._tapes = {}, {}

    def load(self, weights, biases):
        """Copy ``weights`` and ``biases`` (the book's shapes) into the working arrays."""
        for mine, new in zip(self._weights + self._biases, list(weights) + list(biases)):
            np.copyto(mine, np.reshape(new, mine.shape))
        return self

    @property
    def weights(self):
        """The weights w^l in the book's shapes, ``(n_l, n_{l-1})``: new arrays."""
        return [w.copy() for w in self._weights]

    @property
    def biases(self):
        """The biases b^l in the book's shapes, ``(n_l, 1)``: new arrays."""
        return [b.copy() for b in self._biases]

    def buffers(self, m):
        buf = self._buffers.get(m)
        if buf is None:
            buf = self._buffers[m] = _Buffers(self.sizes, m)
        return buf

    def is_finite(self):
        return bool(np.isfinite(self._flat).all())

    # ---- the step, written once (trick 13) ------------------------------------------

    def fuses(self, m):
        """Does a step at mini-batch m fuse BP4 with the update through scipy's BLAS (trick 7)?

        Only while every product of the step is smaller than ``FUSED_BELOW`` multiply-adds,
        the size below which OpenBLAS computes on the calling thread: scipy's BLAS is a
        second library beside numpy's, and two thread pools taking turns on large
        products leave each one's threads waiting for cores the other's hold.
        """
        widest = max(n * (n_prev + 1) for n_prev, n in zip(self.sizes[:-1], self.sizes[1:]))
        return widest * m < FUSED_BELOW

    def _step_tape(self, buf, x, yT, error, scale, update=True):
        """The calls of one step on the mini-batch whose examples are the rows of ``x``.

        ``x`` ``(m, n_in)``, so ``x.T`` is the book's ``(n_in, m)`` (trick 1); ``yT``
        ``(n_out, m)``; ``error`` ``(n_out, m)`` receives nabla_a C (for the quadratic
        cost a^L - y, trick 10). ``update``: w <- w - scale nabla_w (BP4 fused with it for
        small mini-batches, trick 7); otherwise nabla_w and nabla_b are written into the
        step's buffers.
        """
        kit, L = self._kit, len(self.sizes) - 1
        a, aa, delta, tmp = buf.a, buf.aa, buf.delta, buf.tmp
        z = a if kit.in_place else [None] + buf.z              # z[l] is z^{l+1}
        fused = update and self.fuses(buf.m)
        tape = []
        # feedforward: a^l = sigma(w^l a^{l-1} + b^l); after the first layer the product
        # [w | b] [a; 1] adds the bias (trick 12)
        tape += [product(self._w0, x.T, z[1], fused), (np.add, (z[1], self._b0, z[1]))]
        tape += kit.forward(z[1], a[1])
        for i in range(1, L):
            tape.append(product(self._wb[i], aa[i], z[i + 1], fused))
            tape += kit.forward(z[i + 1], a[i + 1])
        # sigma'(z^l) for every layer: one pass over all the activations (trick 14), or,
        # for an activation the fast path does not know, its prime(z) layer by layer
        if kit.prime is not None:
            if kit.in_place:
                tape += kit.prime(buf.t, None, buf.s)
            else:
                for i in range(L):
                    tape += kit.prime(tmp[i], z[i + 1], a[i + 1])
        # BP1: delta^L = nabla_a C ⊙ sigma'(z^L); unless fused, times eta/m here (trick 7)
        d = delta[L - 1]
        if self._quadratic:
            tape.append((np.subtract, (a[L], yT, error)))     # nabla_a C = a^L - y
        else:
            tape.append((cost_derivative, (self.cost, a[L], yT, error, self._cost_sum)))
        tape.append((np.multiply, (error, ONE if kit.prime is None else tmp[L - 1], d)))
        if update and not fused:
            tape.append((np.multiply, (d, np.array(scale), d)))
        # BP2, backwards: delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l), as the product
        # with [w | b]^T, whose last row (b^T delta) is left unused (trick 12)
        for i in range(L - 2, -1, -1):
            tape.append(product(self._wb[i + 1].T, delta[i + 1], buf.delta_wide[i], fused))
            if kit.prime is not None:
                tape.append((np.multiply, (delta[i], tmp[i], delta[i])))
        # BP3 and BP4, summed over the m columns: the first layer's w and b apart (trick 8),
        # then delta [a; 1]^T = [nabla_w | nabla_b] (trick 12)
        if fused:                        # w <- w - scale * delta a^T, in place (trick 7)
            tape += [gemm(-scale, delta[0], x, 1.0, self._w0),
                     gemv(-scale, delta[0], buf.ones, 1.0, self._b0.reshape(-1))]
            for i in range(1, L):
                tape.append(gemm(-scale, delta[i], aa[i].T, 1.0, self._wb[i]))
            return tape
        tape += [(np.dot, (delta[0], x, buf.nabla_w0)),
                 (np.dot, (delta[0], buf.ones, buf.nabla_b0))]
        for i in range(1, L):
            tape.append((np.dot, (delta[i], aa[i].T, buf.nabla_wb[i])))
        if update:                       # w -= nabla_w for every layer at once (trick 15)
            tape.append((np.subtract, (self._flat, buf.nabla, self._flat)))
        return tape

    def calls(self, X, Y, eta):
        """The tape of one step on the columns of ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``.

        Any memory layout works: ``X.T`` is used as the rows, a view when X is contiguous
        in either order (BLAS takes both), else a copy. Playing the tape takes the step; the
        tape keeps X and Y, so it can be played again (the benchmark does).
        """
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = np.ascontiguousarray(X)
        buf = self.buffers(X.shape[1])
        return self._step_tape(buf, X.T, Y, buf.error, eta / X.shape[1])

    def step(self, X, Y, eta):
        """One gradient-descent step on the columns of ``X``, ``Y`` (see ``calls``).

        Returns the cost of the mini-batch before the step, summed over its m examples.
        """
        self._cost_sum[0] = 0.0
        with np.errstate(over="ignore", under="ignore"):      # trick 6
            play(self.calls(X, Y, eta))
        if self._quadratic:
            return summed_squares(self.buffers(X.shape[1]).error)
        return self._cost_sum[0]

    def gradient(self, X, Y):
        """``(nabla_b, nabla_w)`` summed over the columns of X, Y, in the book's shapes (copies)."""
        buf = self.buffers(X.shape[1])
        play(self._step_tape(buf, X.T, Y, buf.error, 1.0, update=False))
        nabla_b = [buf.nabla_b0.reshape(-1, 1).copy()] + [g[:, -1:].copy() for g in buf.nabla_wb[1:]]
        nabla_w = [buf.nabla_w0.copy()] + [g[:, :-1].copy() for g in buf.nabla_wb[1:]]
        return nabla_b, nabla_w

    # ---- the epoch --------------------------------------------------------------------

    def tape(self, m, eta, steps=None):
        """The ``Tape`` of a chunk of ``steps`` mini-batches of m at learning rate eta, made
        once; by default as many steps as fit in ``CHUNK_BYTES`` of input."""
        if steps is None:
            steps = max(1, min(CHUNK_STEPS, CHUNK_BYTES // (8 * self.sizes[0] * m)))
        tape = self._tapes.get((m, eta, steps))
        if tape is None:
            chunk, buf = _Chunk(self.sizes[0], self.sizes[-1], m, steps), self.buffers(m)
            calls = []
            for x, yT, error in chunk.batches:
                calls += self._step_tape(buf, x, yT, error, eta / m)
            tape = self._tapes[(m, eta, steps)] = Tape(chunk, calls, len(calls) // steps)
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
            if full < n:                                      # the smaller last mini-batch
                total += self._run(rows, order[full:], self.tape(n - full, eta, steps=1))
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
                total += summed_squares(chunk.error[:k])
        return total
