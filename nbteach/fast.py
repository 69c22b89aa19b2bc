"""The fast path: the same mini-batch gradient step as ``Network.update_mini_batch``, quickly.

Purpose: ``Network.SGD`` trains through this module, and ``python -m nbteach.bench``
measures what it buys. The numbers are those of the readable code
(``nbteach.backprop.backprop_batch`` followed by the book's update
w -> w - (eta/m) nabla_w); only the order of rounding differs, and the tests check
weights, biases and gradients against the readable path to a relative 1e-12.

Non-goal: being the code a learner reads to understand backprop. That is
``nbteach.backprop``; read it first. This file is the same algorithm after profiling,
with each speed trick written down where it is used:

1. **Stored as rows, used as columns.** The book keeps one example per column, ``X``
   ``(n_in, n)``, and a shuffled mini-batch ``X[:, cols]`` picks m scattered numbers out
   of each of n_in long rows. Here the training data is transposed once per call of
   ``SGD`` (``Rows``): one example is one contiguous row of ``(n, n_in)``, a shuffled
   mini-batch is gathered by one ``np.take`` of whole rows into a reused buffer ``x``
   ``(m, n_in)``, and ``x.T`` is the book's ``(n_in, m)`` mini-batch again, as a view.
   Everything after the input has the book's shapes, ``(n_l, m)``; measured, those
   matrix products are also the faster ones for BLAS.
2. **Check once, not per step.** ``SGD`` checks the data and the weights once; a step
   here checks nothing and is never called by learners directly.
3. **No new arrays per step.** Buffers are made once per mini-batch size; every
   ``np.matmul`` and ufunc writes into one (``out=``), and the weights are updated in place.
4. **sigma'(z) from sigma(z).** For the sigmoid sigma'(z) = a (1 - a) reuses the
   activation a = sigma(z) instead of a second ``exp``; for tanh 1 - a^2.
5. **A cheaper sigmoid.** ``1 / (1 + exp(-z))`` in four in-place ufuncs; where
   ``exp(-z)`` overflows (z < -709) the result is exactly 0, within 1e-308 of the truth.
   (The readable, warning-free form in ``nbteach.activations`` needs about eight.)
   Overflow warnings are switched off for the epoch instead.
6. **eta/m folded into delta^L.** BP2 is linear in delta, so scaling delta^L once by
   eta/m scales every delta^l; then ``W -= delta^T A`` needs no extra pass over W.
7. **Bias gradient as a product.** ``ones @ delta`` (one BLAS call) is faster than
   ``delta.sum(axis=0)`` for the small mini-batches of the chapter.
8. **Divergence checked once per epoch.** A weight that becomes inf or NaN never becomes
   finite again, so one check at the end of an epoch finds what a check per step would.
   The network's own arrays are left alone: training works on copies, and ``SGD`` keeps
   them only if the epoch ends finite.
9. **The cost after an epoch, slice by slice.** ``SGD`` records the mean cost over all
   the training data after each epoch: one forward pass over n examples. It runs on
   ``SLICE`` examples at a time into buffers made once (``feedforward``), so no
   ``(n_l, n)`` temporaries are allocated, filled and freed every epoch.

Activations: ``sigmoid``, ``tanh``, ``relu`` and ``linear`` use the special cases above;
any other ``Activation`` is called as it is (``fn(z)``, ``prime(z)``, on the book's
``(n, m)`` view), so it stays correct, just slower. Costs: the quadratic cost's
derivative is computed in place; any other cost calls its own ``derivative``.
"""
from __future__ import annotations

import numpy as np

from . import activations as _acts
from .costs import QuadraticCost

__all__ = ["Rows", "Trainer", "sgd_epoch", "backprop_batch", "update_mini_batch", "cost_value",
           "count_correct", "feedforward", "SLICE"]


class Rows:
    """Training data with one example per row: ``X`` ``(n, n_in)``, ``Y`` ``(n, n_out)``.

    Made from the book's column layout once, ``Rows.from_columns(X, Y)``: the transposes
    are copied into C order (no copy if ``X`` is already Fortran-ordered).
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


# ---- activations: forward in place, and sigma' from the activation ------------------

def _sigmoid_inplace(a):
    """a <- 1 / (1 + exp(-a)), in place (trick 5)."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)


def _sigmoid_prime_inplace(delta, a, tmp):
    """delta <- delta ⊙ a (1 - a), with a = sigma(z) (trick 4)."""
    np.subtract(1.0, a, out=tmp)
    tmp *= a
    delta *= tmp


def _tanh_inplace(a):
    np.tanh(a, out=a)


def _tanh_prime_inplace(delta, a, tmp):
    """delta <- delta ⊙ (1 - a^2), with a = tanh(z)."""
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    delta *= tmp


def _relu_inplace(a):
    np.maximum(a, 0.0, out=a)


def _relu_prime_inplace(delta, a, tmp):
    """delta <- delta ⊙ [z > 0]; a = max(z, 0) is > 0 exactly where z is."""
    np.greater(a, 0.0, out=tmp)
    delta *= tmp


def _linear_inplace(a):
    pass


def _linear_prime_inplace(delta, a, tmp):
    pass


# activation -> (forward in place, multiply delta by sigma'). Matched by identity, so an
# Activation that merely shares a name with these takes the generic path.
_KNOWN = (
    (_acts.sigmoid, _sigmoid_inplace, _sigmoid_prime_inplace),
    (_acts.tanh, _tanh_inplace, _tanh_prime_inplace),
    (_acts.relu, _relu_inplace, _relu_prime_inplace),
    (_acts.linear, _linear_inplace, _linear_prime_inplace),
)


def _known(activation):
    for act, forward, prime in _KNOWN:
        if activation is act:
            return forward, prime
    return None


class _Buffers:
    """Every array one step needs for mini-batches of m examples (trick 3)."""

    def __init__(self, sizes, m):
        self.m = m
        self.x = np.empty((m, sizes[0]))                              # rows: x.T is (n_in, m)
        self.y = np.empty((m, sizes[-1]))                             # rows: y.T is (n_out, m)
        self.a = [None] + [np.empty((n, m)) for n in sizes[1:]]       # a[i+1] = sigma(z^{i+2})
        self.z = [np.empty((n, m)) for n in sizes[1:]]                # generic path only
        self.delta = [np.empty((n, m)) for n in sizes[1:]]            # delta^{i+2}, (n, m)
        self.tmp = [np.empty((n, m)) for n in sizes[1:]]              # sigma'(z^{i+2})
        self.ones = np.ones(m)                                        # (m,) for trick 7
        self.nabla_w = [np.empty((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.nabla_b = [np.empty(n) for n in sizes[1:]]


class Trainer:
    """Working copies of a network's weights and biases, stepped in place.

    Parameters
    ----------
    weights, biases : lists of arrays in the book's shapes, ``(n_{l}, n_{l-1})`` and
        ``(n_l, 1)``; they are copied, never changed.
    activation : Activation
    cost : QuadraticCost or CrossEntropyCost

    ``trainer.weights`` and ``trainer.biases`` hold the current values, in the book's shapes.
    """

    def __init__(self, weights, biases, activation=_acts.sigmoid, cost=QuadraticCost):
        self.weights = [np.array(w, dtype=np.float64, order="C") for w in weights]
        self.biases = [np.array(b, dtype=np.float64, order="C").reshape(-1, 1) for b in biases]
        self.sizes = [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]
        self.activation = activation
        self.cost = cost
        self._wT = [w.T for w in self.weights]                 # views, for BP2
        self._b = [b.reshape(-1) for b in self.biases]         # views, (n_l,), for the update
        self._known = _known(activation)
        self._quadratic = cost is QuadraticCost or isinstance(cost, QuadraticCost)
        self._buffers = {}

    def buffers(self, m):
        buf = self._buffers.get(m)
        if buf is None:
            buf = self._buffers[m] = _Buffers(self.sizes, m)
        return buf

    # ---- the step -------------------------------------------------------------------

    def _gradient(self, buf, x, y, scale):
        """Fill ``buf.nabla_w``/``buf.nabla_b`` with ``scale`` times the summed gradient.

        ``x`` ``(m, n_in)`` and ``y`` ``(m, n_out)``: one example per row (trick 1).
        """
        L = len(self.weights)
        ws, bs = self.weights, self.biases
        a, delta, tmp = buf.a, buf.delta, buf.tmp
        known = self._known
        # feedforward: a^l = sigma(w^l a^{l-1} + b^l), written into a[i+1]
        a_prev = x.T                                          # (n_in, m), a view
        if known is not None:
            forward, prime = known
            for i in range(L):
                a_i = a[i + 1]
                np.dot(ws[i], a_prev, out=a_i)
                a_i += bs[i]
                forward(a_i)
                a_prev = a_i
        else:
            act, z = self.activation, buf.z
            for i in range(L):
                np.dot(ws[i], a_prev, out=z[i])
                z[i] += bs[i]
                a[i + 1][...] = act.fn(z[i])
                a_prev = a[i + 1]
        # BP1: delta^L = nabla_a C ⊙ sigma'(z^L), times eta/m (trick 6)
        d = delta[L - 1]
        if self._quadratic:
            np.subtract(a[L], y.T, out=d)
        else:
            d[...] = self.cost.derivative(a[L], y.T)
        if known is not None:
            prime(d, a[L], tmp[L - 1])
        else:
            d *= self.activation.prime(buf.z[L - 1])
        if scale != 1.0:
            d *= scale
        # BP2, backwards: delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l)
        for i in range(L - 2, -1, -1):
            np.dot(self._wT[i + 1], delta[i + 1], out=delta[i])
            if known is not None:
                prime(delta[i], a[i + 1], tmp[i])
            else:
                delta[i] *= self.activation.prime(buf.z[i])
        # BP3 and BP4, summed over the m columns
        a_prev_T = x                                          # (m, n_in) = (a^1)^T
        for i in range(L):
            np.dot(delta[i], a_prev_T, out=buf.nabla_w[i])    # (n_l, m) @ (m, n_{l-1})
            np.dot(delta[i], buf.ones, out=buf.nabla_b[i])    # trick 7
            a_prev_T = a[i + 1].T

    def step(self, x, y, eta):
        """One gradient-descent step on the mini-batch whose examples are the rows of x, y."""
        m = x.shape[0]
        buf = self.buffers(m)
        with np.errstate(over="ignore", under="ignore"):      # trick 5
            self._gradient(buf, x, y, eta / m)
        for i in range(len(self.weights)):
            self.weights[i] -= buf.nabla_w[i]
            self._b[i] -= buf.nabla_b[i]

    def gradient(self, x, y):
        """``(nabla_b, nabla_w)`` summed over the rows of x, y, in the book's shapes (copies)."""
        buf = self.buffers(x.shape[0])
        self._gradient(buf, np.ascontiguousarray(x, dtype=np.float64),
                       np.ascontiguousarray(y, dtype=np.float64), 1.0)
        return ([nb.reshape(-1, 1).copy() for nb in buf.nabla_b],
                [nw.copy() for nw in buf.nabla_w])

    def epoch(self, rows, order, mini_batch_size, eta):
        """One epoch of SGD: the mini-batches are ``order`` cut into ``mini_batch_size`` pieces.

        ``rows`` is a ``Rows``; ``order`` a permutation of ``range(len(rows))``. The last
        mini-batch may be smaller. Returns ``self`` (weights updated in place).
        """
        n = len(order)
        X, Y = rows.X, rows.Y
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            full = n - n % mini_batch_size
            if full:
                buf = self.buffers(mini_batch_size)
                self._run(buf, X, Y, order[:full], mini_batch_size, eta)
            if full < n:
                buf = self.buffers(n - full)
                self._run(buf, X, Y, order[full:], n - full, eta)
        return self

    def _run(self, buf, X, Y, order, m, eta):
        """Steps over ``order`` in pieces of exactly m (the hot loop; locals for speed)."""
        x, y = buf.x, buf.y
        take_x, take_y = X.take, Y.take
        gradient = self._gradient
        scale = eta / m
        pairs = list(zip(self.weights, self._b, buf.nabla_w, buf.nabla_b))
        for start in range(0, len(order), m):
            cols = order[start:start + m]
            take_x(cols, axis=0, out=x)                           # gather rows (trick 1)
            take_y(cols, axis=0, out=y)
            gradient(buf, x, y, scale)
            for w, b, nw, nb in pairs:
                w -= nw
                b -= nb

    def is_finite(self):
        return all(np.isfinite(p).all() for p in self.weights + self.biases)


# ---- functions in the book's shapes, for tests and notebooks -------------------------

def sgd_epoch(net, rows, mini_batch_size, eta):
    """One epoch of ``Network.SGD``: the shuffle and steps of ``training.train_epoch``, fast.

    Draws the epoch's order from ``net.rng`` exactly as ``train_epoch`` does, and steps on
    working copies of the weights (the network's own arrays are never touched). Returns the
    new ``(weights, biases)``, or None if a weight or bias became infinite or NaN (trick 8).
    """
    order = net.rng.permutation(len(rows))
    weights, biases = net._params()
    trainer = Trainer(weights, biases, net.activation, net.cost)
    trainer.epoch(rows, order, mini_batch_size, eta)
    return (trainer.weights, trainer.biases) if trainer.is_finite() else None


def backprop_batch(weights, biases, X, Y, activation=_acts.sigmoid, cost=QuadraticCost):
    """``(nabla_b, nabla_w)`` summed over the columns of ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``.

    The fast path's version of ``nbteach.backprop.backprop_batch``: same inputs, same
    shapes, equal to rounding.
    """
    with np.errstate(over="ignore", under="ignore"):
        return Trainer(weights, biases, activation, cost).gradient(np.asarray(X).T, np.asarray(Y).T)


def update_mini_batch(weights, biases, X, Y, eta, activation=_acts.sigmoid, cost=QuadraticCost):
    """Return new ``(weights, biases)`` after one step on the columns of X, Y (inputs unchanged)."""
    trainer = Trainer(weights, biases, activation, cost)
    trainer.step(np.ascontiguousarray(np.asarray(X, dtype=np.float64).T),
                 np.ascontiguousarray(np.asarray(Y, dtype=np.float64).T), eta)
    return trainer.weights, trainer.biases


SLICE = 2048       # examples per slice of the forward pass over a whole data set (trick 9)


def feedforward(weights, biases, X_rows, activation=_acts.sigmoid, slice_size=SLICE):
    """Output activations ``(n_out, n)``, the book's layout, for inputs as rows ``(n, n_in)``.

    Trick 9, for the cost after each epoch: the n examples go through the network
    ``slice_size`` at a time. The hidden activations of a slice, ``(n_l, slice_size)``, live
    in buffers made once and small enough to stay in the cache, instead of ``(n_l, n)``
    temporaries made anew every epoch; the output layer is written straight into the
    result, one row per example, so the returned ``(n_out, n)`` is a transposed view.
    """
    known = _known(activation)
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
                if known is not None:
                    known[0](z)
                else:
                    z[...] = activation.fn(z)
                a = z
    return out.T


def cost_value(weights, biases, rows, activation=_acts.sigmoid, cost=QuadraticCost):
    """The mean cost (1/n) sum_x C_x over ``rows`` (a ``Rows``), as ``Network.cost_value``."""
    out = feedforward(weights, biases, rows.X, activation)         # (n_out, n)
    n = len(rows)
    if cost is QuadraticCost or isinstance(cost, QuadraticCost):
        diff = out.T                                               # (n, n_out), C order, ours
        diff -= rows.Y
        flat = diff.reshape(-1)                                    # a view
        return 0.5 * float(flat @ flat) / n
    return cost.fn(out, rows.Y.T) / n


def count_correct(weights, biases, X_rows, labels, activation=_acts.sigmoid):
    """How many rows of ``X_rows`` the network classifies as ``labels`` (argmax of the output)."""
    out = feedforward(weights, biases, X_rows, activation)
    return int(np.sum(np.argmax(out, axis=0) == labels))
