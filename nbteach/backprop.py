"""The four equations of backpropagation, one function each, and the algorithm built on them.

Purpose: code a reader can hold next to chapter 2 of Nielsen's book. Each of BP1..BP4 is a
plain function whose docstring opens with the equation; ``backprop`` is the book's
algorithm for one example and ``backprop_batch`` the fully matrix-based version the
chapter's problem asks for. Both are the same few lines: with the examples as the columns
of a matrix, ``w @ A + b`` feeds the whole mini-batch forward at once (``b`` broadcasts
across the columns), the Hadamard products act column by column, and the matrix product
in BP4 adds up the per-example gradients by itself.

Non-goals: speed tricks (see ``nbteach.fast``) and input checking (``Network`` checks
shapes before it calls in here).

``activation`` is one ``Activation`` for every layer, as in the book, or a list with one
per layer l = 2..L: the exercise about a single modified neuron, and the exercise
checkers' catalogue of typical mistakes, run through this same code that way.

Indexing: the lists follow the book's *code*, not its text. ``zs[i]``, ``deltas[i]``,
``nabla_b[i]`` and ``nabla_w[i]`` belong to book layer ``l = i + 2``, and
``activations[i]`` to layer ``l = i + 1`` (``activations[0]`` is the input ``x``).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import sigmoid
from .book import BACKPROP_SOURCE as BOOK_BACKPROP_SOURCE  # the book's listing, shown by traces
from .costs import QuadraticCost

__all__ = [
    "weighted_input", "output_error", "carry_back", "backpropagate_error", "bias_gradient",
    "weight_gradient", "backprop", "backprop_batch", "feedforward_stages", "backprop_stages", "Stages",
    "BOOK_BACKPROP_SOURCE",
]


def weighted_input(w, a, b):
    """z^l = w^l a^{l-1} + b^l   (the weighted input, chapter 2's warm-up)

    Parameters
    ----------
    w : (n_l, n_{l-1}) array
    a : (n_{l-1}, m) array, one column per example
    b : (n_l, 1) array, broadcast across the m columns
    """
    return np.dot(w, a) + b                            # (n_l, m)


def output_error(nabla_a_C, sigma_prime_zL):
    """delta^L = nabla_a C ⊙ sigma'(z^L)   (BP1)

    The error of the output layer: how fast the cost changes with the output
    activations, times how fast those activations change with their weighted inputs.
    Both operands have shape ``(n_L, m)``; the product is elementwise (Hadamard).
    """
    return nabla_a_C * sigma_prime_zL


def carry_back(w_next, delta_next):
    """(w^{l+1})^T delta^{l+1}: the error of layer l+1 carried back to layer l (BP2's left factor)

    Row j collects sum_k w^{l+1}_kj delta^{l+1}_k from every neuron k that neuron j feeds.
    """
    return np.dot(w_next.T, delta_next)                # (n_l, m)


def backpropagate_error(w_next, delta_next, sigma_prime_z):
    """delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l)   (BP2)

    Moves the error one layer back: the transposed weights carry delta^{l+1} to layer l,
    the Hadamard product with sigma'(z^l) carries it through that layer's activation.

    Parameters
    ----------
    w_next : (n_{l+1}, n_l) array, the weights w^{l+1}
    delta_next : (n_{l+1}, m) array, the error delta^{l+1}
    sigma_prime_z : (n_l, m) array, sigma'(z^l)
    """
    return carry_back(w_next, delta_next) * sigma_prime_z   # (n_l, m)


def bias_gradient(delta):
    """dC/db^l_j = delta^l_j   (BP3)

    For a mini-batch ``delta`` is ``(n_l, m)`` and the result is the gradient of the cost
    summed over the examples, the sum of the columns: ``(n_l, 1)``. For one example
    (m = 1) that is delta^l itself.
    """
    return delta.sum(axis=1, keepdims=True)            # (n_l, 1)


def weight_gradient(delta, a_prev):
    """dC/dw^l_jk = a^{l-1}_k delta^l_j   (BP4)

    As matrices, nabla_w^l = delta^l (a^{l-1})^T: ``(n_l, m) @ (m, n_{l-1})``. For a
    mini-batch the matrix product sums a^{l-1}_k delta^l_j over the m examples.
    """
    # np.dot, as the book writes it: for one example (m = 1) it is several times faster
    # than the @ operator, which does not hand this outer product to BLAS.
    return np.dot(delta, a_prev.T)                     # (n_l, n_{l-1})


class Stages(NamedTuple):
    """Everything one run of backprop computes, in the book's code order."""

    zs: list            # zs[i] = z^{i+2}, (n_{i+2}, m)
    activations: list   # activations[i] = a^{i+1}; activations[0] = x
    nabla_a: np.ndarray  # nabla_a C = cost derivative at the output, (n_L, m)
    sigma_primes: list  # sigma_primes[i] = sigma'(z^{i+2})
    carried: list       # carried[i] = (w^{i+3})^T delta^{i+3}, for the hidden layers only
    deltas: list        # deltas[i] = delta^{i+2}
    nabla_b: list       # nabla_b[i] = dC/db^{i+2}, summed over the columns
    nabla_w: list       # nabla_w[i] = dC/dw^{i+2}, summed over the columns


def feedforward_stages(weights, biases, x, activation=sigmoid):
    """The forward half of ``backprop``: return ``(zs, activations)`` for the columns of x.

    z^l = w^l a^{l-1} + b^l and a^l = sigma(z^l) for l = 2..L; ``activations[0]`` is x.
    """
    acts = _per_layer(activation, len(weights))
    activation_ = x
    activations = [x]                   # list to store all the activations, layer by layer
    zs = []                             # list to store all the z vectors, layer by layer
    for b, w, act in zip(biases, weights, acts):
        z = weighted_input(w, activation_, b)
        zs.append(z)
        activation_ = act(z)
        activations.append(activation_)
    return zs, activations


def backprop_stages(weights, biases, x, y, activation=sigmoid, cost=QuadraticCost):
    """Run backprop on the columns of ``x`` and keep every stage (see ``Stages``).

    This is the book's ``backprop`` method, line for line, except that it returns the
    intermediate lists too, so a trace can show them, and that BP2 is written in its two
    halves so that the carried-back error (w^{l+1})^T delta^{l+1} is kept as well.
    ``activation``: one Activation, or one per layer l = 2..L (see the module docstring).
    """
    acts = _per_layer(activation, len(weights))
    zs, activations = feedforward_stages(weights, biases, x, acts)
    # backward pass: BP1 at the output layer L ...
    nabla_a = cost.derivative(activations[-1], y)
    sigma_primes = [act.prime(z) for act, z in zip(acts, zs)]
    delta = output_error(nabla_a, sigma_primes[-1])
    deltas, carried = [delta], []
    # ... then BP2 for l = L-1 down to 2 (Python's index -l counts from the output layer):
    # carry delta^{l+1} back through (w^{l+1})^T, then times sigma'(z^l)
    for l in range(2, len(weights) + 1):
        wT_delta = carry_back(weights[-l + 1], delta)
        delta = wT_delta * sigma_primes[-l]
        carried.insert(0, wT_delta)
        deltas.insert(0, delta)
    # BP3 and BP4 for every layer
    nabla_b = [bias_gradient(d) for d in deltas]
    nabla_w = [weight_gradient(d, a) for d, a in zip(deltas, activations[:-1])]
    return Stages(zs, activations, nabla_a, sigma_primes, carried, deltas, nabla_b, nabla_w)


def _per_layer(activation, n_layers):
    """One activation per layer l = 2..L, from one for all or a list of them."""
    if isinstance(activation, (list, tuple)):
        if len(activation) != n_layers:
            raise ValueError(f"expected one activation per layer l = 2..L ({n_layers}); "
                             f"got {len(activation)}")
        return list(activation)
    return [activation] * n_layers


def backprop(weights, biases, x, y, activation=sigmoid, cost=QuadraticCost):
    """Return ``(nabla_b, nabla_w)``, the gradient of C_x for one example.

    The book's algorithm: feedforward, BP1, BP2 backwards, BP3 and BP4.

    Parameters
    ----------
    weights, biases : lists of arrays, ``weights[i]`` (n_{i+2}, n_{i+1}), ``biases[i]`` (n_{i+2}, 1)
    x : (n_in, 1) array
    y : (n_out, 1) array
    """
    stages = backprop_stages(weights, biases, x, y, activation, cost)
    return stages.nabla_b, stages.nabla_w


def backprop_batch(weights, biases, X, Y, activation=sigmoid, cost=QuadraticCost):
    """Return ``(nabla_b, nabla_w)`` summed over a mini-batch, all of it at once.

    The chapter's problem: ``X`` is ``(n_in, m)`` and ``Y`` is ``(n_out, m)``, one example
    per column. The result equals summing ``backprop`` over the columns; dividing by m
    gives the mean gradient that ``update_mini_batch`` steps along.
    """
    stages = backprop_stages(weights, biases, X, Y, activation, cost)
    return stages.nabla_b, stages.nabla_w
