"""How much arithmetic one gradient costs: multiply-adds, counted from the layer sizes.

Purpose: the book's section "In what sense is backpropagation a fast algorithm?" compares
backprop with finite differences by counting passes through the network. Timed on a small
network, that comparison mostly measures Python's fixed cost per call; counted, it does not
depend on the machine at all. This module counts the multiply-adds (one multiplication and
one addition) of the matrix products each method runs, exactly, from the layer sizes alone.
Notebooks 08 and 09 use it; ``tests/test_work.py`` checks every count against the products
nbteach's code (and the book's) really performs.

What is counted, for sizes ``[n_1, ..., n_L]`` (book layers l = 1..L) and m examples:

* **a forward pass**: z^l = w^l a^{l-1} + b^l for l = 2..L, n_l n_{l-1} m each. Per
  example that is the number of weights, W = sum_l n_l n_{l-1};
* **backprop**: the forward pass, then BP2's (w^{l+1})^T delta^{l+1} for l = L-1..2,
  n_{l+1} n_l m each (every weight matrix except w^2: there is no delta^1 to compute), and
  BP4's outer product delta^l (a^{l-1})^T for l = 2..L, n_l n_{l-1} m each. In all
  (3W - n_2 n_1) m: between two and three forward passes, whatever the size;
* **forward differences** (the book's equation (46), as
  ``nbteach.gradcheck.forward_difference_gradient`` runs it): one forward pass for C(w)
  and one more per parameter, (P + 1) W m, where P = W + the number of biases.

Non-goals: the work done once per *neuron* rather than once per weight (adding the biases,
sigma and sigma', the Hadamard products, the cost and its derivative, summing a mini-batch's
columns). It grows with the number of neurons, not of weights, and is left out. Memory
traffic and time are not modelled either: two methods with equal counts can take different
times (notebook 08 shows one such case).
"""
from __future__ import annotations

from dataclasses import dataclass

from .checks import check_positive_int, check_sizes

__all__ = ["n_weights", "n_params", "forward_madds", "BackpropWork", "backprop_madds",
           "finite_difference_madds"]


def n_weights(sizes):
    """W: the number of weights of a network with layer sizes ``sizes`` ``[n_1, ..., n_L]``."""
    sizes = check_sizes(sizes)
    return sum(n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def n_params(sizes):
    """P: the number of weights and biases (one bias per neuron outside the input layer)."""
    sizes = check_sizes(sizes)
    return n_weights(sizes) + sum(sizes[1:])


def forward_madds(sizes, m=1):
    """Multiply-adds of one forward pass of m examples: W m.

    Parameters
    ----------
    sizes : list of int, ``[n_1, ..., n_L]``
    m : int, the number of examples (columns of the input ``(n_1, m)``)
    """
    m = check_positive_int(m, "m")
    return n_weights(sizes) * m


@dataclass(frozen=True)
class BackpropWork:
    """The multiply-adds of one run of backprop, by the product that does them."""

    forward: int    # z^l = w^l a^{l-1} + b^l, l = 2..L
    bp2: int        # (w^{l+1})^T delta^{l+1}, l = L-1..2
    bp4: int        # delta^l (a^{l-1})^T, l = 2..L

    @property
    def total(self):
        return self.forward + self.bp2 + self.bp4

    @property
    def passes(self):
        """The total in units of one forward pass (between 2 and 3)."""
        return self.total / self.forward


def backprop_madds(sizes, m=1):
    """Multiply-adds of backprop on m examples, split into forward, BP2 and BP4.

    Parameters
    ----------
    sizes : list of int, ``[n_1, ..., n_L]``
    m : int, the number of examples; one example and a mini-batch of m columns
        (``backprop_batch``) do m times the work of one example either way
    """
    sizes = check_sizes(sizes)
    m = check_positive_int(m, "m")
    per_layer = [n_out * n_in * m for n_in, n_out in zip(sizes[:-1], sizes[1:])]   # w^2..w^L
    return BackpropWork(forward=sum(per_layer), bp2=sum(per_layer[1:]), bp4=sum(per_layer))


def finite_difference_madds(sizes, m=1):
    """Multiply-adds of the gradient by forward differences: (P + 1) forward passes."""
    return (n_params(sizes) + 1) * forward_madds(sizes, m)
