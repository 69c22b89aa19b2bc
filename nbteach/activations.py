"""Activation functions sigma(z) and their derivatives sigma'(z).

The chapter uses the sigmoid throughout; its exercises also ask about linear neurons,
so every activation here is an object with the same four parts: the function, its
derivative, a name (used when a network is saved) and LaTeX for the notebooks.

Purpose: correct, warning-free values a learner can trust. ``sigmoid`` never overflows:
for |z| up to the largest float it returns the right value (0, 1 or in between) without
a RuntimeWarning. Non-goal: speed tricks; see ``nbteach.fast`` for those.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Activation", "sigmoid", "sigmoid_prime", "linear", "tanh", "relu",
    "ACTIVATIONS", "get_activation",
]


def _sigmoid(z):
    """sigma(z) = 1 / (1 + e^{-z}), the book's formula, made safe for every float z.

    For z below about -709, ``exp(-z)`` is larger than any float: numpy returns inf (and
    warns), and 1 / (1 + inf) = 0, while the true value e^z / (1 + e^z) = e^z is a tiny but
    representable number down to z = -745. So the warnings are switched off for this one
    expression and those few entries are recomputed as ``exp(z)``. Everywhere else the
    result is the very float the book's code gives (the tests check it bit for bit).
    """
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        s = 1.0 / (1.0 + np.exp(-z))
        if z.size and z.min() < -709.0:
            s = np.where(z < -709.0, np.exp(z), s)
        return s


def _sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), as the book computes it."""
    s = _sigmoid(z)
    with np.errstate(under="ignore"):      # a product below ~1e-308 rounding to 0 is right
        return s * (1.0 - s)


@dataclass(frozen=True)
class Activation:
    """An activation function sigma with its derivative sigma', as the network uses it.

    Calling the object applies sigma; ``.prime`` is sigma'. Both act elementwise on arrays
    of any shape.
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray], np.ndarray]
    latex: str          # sigma(z) written out
    latex_prime: str    # sigma'(z) written out

    def __call__(self, z):
        return self.fn(z)

    def __repr__(self):
        return f"<activation {self.name}: {self.latex}>"


def _relu(z):
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0)


def _relu_prime(z):
    # The derivative at exactly 0 is taken to be 0 (a convention: ReLU has a kink there).
    z = np.asarray(z, dtype=np.float64)
    return (z > 0).astype(np.float64)


sigmoid = Activation(
    "sigmoid", _sigmoid, _sigmoid_prime,
    r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
)
linear = Activation(
    "linear",
    lambda z: np.array(z, dtype=np.float64),
    lambda z: np.ones_like(np.asarray(z, dtype=np.float64)),
    r"\sigma(z) = z",
    r"\sigma'(z) = 1",
)
tanh = Activation(
    "tanh",
    lambda z: np.tanh(np.asarray(z, dtype=np.float64)),
    lambda z: 1.0 - np.tanh(np.asarray(z, dtype=np.float64)) ** 2,
    r"\sigma(z) = \tanh z",
    r"\sigma'(z) = 1 - \tanh^2 z",
)
relu = Activation(
    "relu", _relu, _relu_prime,
    r"\sigma(z) = \max(0, z)",
    r"\sigma'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
)


def sigmoid_prime(z):
    """Derivative of the sigmoid function: sigma'(z) = sigma(z) (1 - sigma(z))."""
    return _sigmoid_prime(z)


ACTIVATIONS = {a.name: a for a in (sigmoid, linear, tanh, relu)}


def get_activation(activation) -> Activation:
    """Return the Activation named by ``activation`` (an Activation or its name)."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"activation must be one of {sorted(ACTIVATIONS)} or an nbteach Activation; "
        f"got {activation!r}"
    )
