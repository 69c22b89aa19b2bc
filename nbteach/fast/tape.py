"""The entries of a tape (trick 13): ``(function, arguments)`` pairs the trainer plays.

Here are the parts of a step that depend on the activation and the cost: sigma in place
and sigma' from the activation for the activations ``nbteach.fast`` knows (tricks 5 and
6), the generic form for any other ``Activation``, the quadratic cost's value from
a^L - y (trick 10), and the BLAS calls that fuse BP4 with the update (trick 7).
Non-goal: the step itself (``trainer.Trainer._step_tape``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.linalg.blas import dgemm, dgemv
from scipy.special import expit

from .. import activations as _acts
from ..costs import QuadraticCost

__all__ = ["play", "products", "kit", "Kit", "is_quadratic", "cost_derivative", "summed_squares",
           "PRODUCTS", "ONE", "gemm", "gemv", "product", "dgemm", "dgemv"]

# Constants as 0-d arrays: numpy converts a Python float on every call (about 0.6 us).
ONE = np.ones(())

PRODUCTS = (np.dot, dgemm, dgemv)       # the calls that are matrix products


def play(calls):
    """Run tape entries ``(function, arguments)`` in order (trick 13)."""
    for f, args in calls:
        f(*args)


def products(calls):
    """The matrix products (``np.dot`` and the BLAS calls) among tape entries, in order."""
    return [call for call in calls if call[0] in PRODUCTS]


def _fortran(a):
    if not (a.flags.f_contiguous and a.dtype == np.float64):
        raise ValueError("a BLAS operand must be a Fortran-ordered float64 array")
    return a


def _operand(X):
    """X as BLAS takes it, Fortran-ordered, and whether BLAS must transpose it: the
    transpose of a C-ordered X, or X itself if X is the transpose of a C-ordered array."""
    if X.flags.f_contiguous and not X.flags.c_contiguous:
        return _fortran(X), 1
    return _fortran(X.T), 0


def gemm(alpha, A, B, beta, C):
    """The entry for C <- alpha A B + beta C, written into C (trick 7).

    ``C`` C-ordered, as everywhere in the trainer; ``A`` and ``B`` C-ordered or transposes
    of C-ordered arrays (w^T, [a; 1]^T). BLAS works on Fortran-ordered arrays, and the
    transpose of a C-ordered one is one: it computes C^T <- alpha B^T A^T + beta C^T.
    """
    (b_t, trans_b), (a_t, trans_a) = _operand(B), _operand(A)
    return (dgemm, (alpha, b_t, a_t, beta, _fortran(C.T), trans_b, trans_a, 1))


def product(A, B, C, blas):
    """The entry for C <- A B: through scipy's BLAS in a fused step (trick 7), else ``np.dot``."""
    return gemm(1.0, A, B, 0.0, C) if blas else (np.dot, (A, B, C))


def gemv(alpha, A, x, beta, y):
    """The entry for y <- alpha A x + beta y, written into y (``A`` C-ordered, y 1-d)."""
    if not (y.ndim == 1 and y.flags.c_contiguous):
        raise ValueError("gemv writes into a contiguous 1-d array")
    return (dgemv, (alpha, _fortran(A.T), x, beta, y, 0, 1, 0, 1, 1, 1))


# ---- activations: sigma in place, sigma' from the activation ------------------------

def _sigmoid(z, a):
    """a = z <- 1 / (1 + exp(-z)), in place, in one ufunc (trick 6)."""
    return [(expit, (a, a))]


def _sigmoid_prime(out, z, a):
    """out <- sigma'(z) = a (1 - a), with a = sigma(z) (trick 5)."""
    return [(np.subtract, (ONE, a, out)), (np.multiply, (out, a, out))]


def _tanh(z, a):
    return [(np.tanh, (a, a))]


def _tanh_prime(out, z, a):
    """out <- 1 - a^2, with a = tanh(z)."""
    return [(np.multiply, (a, a, out)), (np.subtract, (ONE, out, out))]


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


class Kit(NamedTuple):
    """How the tape computes sigma and sigma' for one activation."""

    in_place: bool                  # sigma overwrites z with a (then z is a)
    forward: Callable               # (z, a) -> entries for a = sigma(z)
    prime: Callable | None          # (out, z, a) -> entries for out = sigma'(z); None: 1


# Matched by identity, so an Activation that merely shares a name takes the generic path.
KNOWN = ((_acts.sigmoid, Kit(True, _sigmoid, _sigmoid_prime)),
         (_acts.tanh, Kit(True, _tanh, _tanh_prime)),
         (_acts.relu, Kit(True, _relu, _relu_prime)),
         (_acts.linear, Kit(True, _linear, None)))


def kit(activation):
    """The special case for a known activation, or its own ``fn`` and ``prime``."""
    for known, special in KNOWN:
        if activation is known:
            return special
    return Kit(False, lambda z, a: [(_set, (a, activation.fn, z))],
               lambda out, z, a: [(_set, (out, activation.prime, z))])


def is_quadratic(cost):
    """Is ``cost`` the quadratic cost (its class or an instance)?"""
    return cost is QuadraticCost or isinstance(cost, QuadraticCost)


def cost_derivative(cost, a, y, out, total):
    """out <- nabla_a C, and the mini-batch's cost added to ``total[0]`` (any cost)."""
    out[...] = cost.derivative(a, y)
    total[0] += cost.fn(a, y)


def summed_squares(error):
    """The quadratic cost summed over examples, sum_x 1/2 ||a^L - y||^2, from a^L - y."""
    flat = error.reshape(-1)                                  # contiguous: a view
    return 0.5 * float(flat @ flat)
