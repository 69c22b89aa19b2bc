"""How much arithmetic one gradient costs: multiplications, counted from the layer sizes.

Purpose: the book's section "In what sense is backpropagation a fast algorithm?" compares
backprop with finite differences by counting passes through the network. Timed on a small
network, that comparison mostly measures Python's fixed cost per call; counted, it does not
depend on the machine at all. This module counts the scalar *multiplications* of the matrix
products each method runs, exactly, from the layer sizes alone. Notebook 09 uses it;
``tests/test_work.py`` checks every count against the products nbteach's code (and the
book's) really performs.

The unit is the multiplication. In the products w a and w^T delta almost every
multiplication comes with one addition (a *multiply-add*: an (n, k) by (k, m) product does
n k m multiplications and n (k - 1) m additions). BP4's outer product delta^l (a^{l-1})^T
for one example does n_l n_{l-1} multiplications and no addition at all; the additions come
only when the gradients of a mini-batch are summed. So a count of multiplications and a
count of multiply-adds differ for backprop, and only the first is what this module returns.

What is counted, for sizes ``[n_1, ..., n_L]`` (book layers l = 1..L) and m examples:

* **a forward pass**: z^l = w^l a^{l-1} + b^l for l = 2..L, n_l n_{l-1} m multiplications
  each. Per example that is the number of weights, W = sum_l n_l n_{l-1};
* **backprop**: the forward pass, then BP2's (w^{l+1})^T delta^{l+1} for l = L-1..2,
  n_{l+1} n_l m each (every weight matrix except w^2: there is no delta^1 to compute), and
  BP4's delta^l (a^{l-1})^T for l = 2..L, n_l n_{l-1} m each. In all (3W - n_2 n_1) m
  multiplications: between two and three forward passes (3 - n_2 n_1 / W), whatever the size;
* **forward differences** (the book's equation (46), as
  ``nbteach.gradcheck.forward_difference_gradient`` runs it): one forward pass for C(w)
  and one more per parameter, (P + 1) W m multiplications, where P = W + the number of
  biases.

Non-goals: the additions, and the work done once per *neuron* rather than once per weight
(adding the biases, sigma and sigma', the Hadamard products, the cost and its derivative,
summing a mini-batch's columns). The latter grows with the number of neurons, not of
weights, and is left out. Memory traffic and time are not modelled either: two methods
with equal counts can take different times (notebook 08 shows one such case, notebook 09
another).
"""
from __future__ import annotations

from dataclasses import dataclass

from .checks import check_positive_int, check_sizes

__all__ = ["n_weights", "n_params", "forward_multiplications", "BackpropWork",
           "backprop_multiplications", "finite_difference_multiplications"]


def n_weights(sizes):
    """W: the number of weights of a network with layer sizes ``sizes`` ``[n_1, ..., n_L]``."""
    sizes = check_sizes(sizes)
    return sum(n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def n_params(sizes):
    """P: the number of weights and biases (one bias per neuron outside the input layer)."""
    sizes = check_sizes(sizes)
    return n_weights(sizes) + sum(sizes[1:])


def forward_multiplications(sizes, m=1):
    """Multiplications of one forward pass of m examples: W m, one per weight and example.

    Parameters
    ----------
    sizes : list of int, ``[n_1, ..., n_L]``
    m : int, the number of examples (columns of the input ``(n_1, m)``)
    """
    m = check_positive_int(m, "m")
    return n_weights(sizes) * m


@dataclass(frozen=True)
class BackpropWork:
    """The multiplications of one run of backprop, by the product that does them."""

    forward: int    # z^l = w^l a^{l-1} + b^l, l = 2..L
    bp2: int        # (w^{l+1})^T delta^{l+1}, l = L-1..2
    bp4: int        # delta^l (a^{l-1})^T, l = 2..L

    @property
    def total(self):
        return self.forward + self.bp2 + self.bp4

    @property
    def passes(self):
        """The total in units of one forward pass, both counted in multiplications:
        3 - n_2 n_1 / W, between 2 and 3."""
        return self.total / self.forward


def backprop_multiplications(sizes, m=1):
    """Multiplications of backprop on m examples, split into forward, BP2 and BP4.

    Parameters
    ----------
    sizes : list of int, ``[n_1, ..., n_L]``
    m : int, the number of examples; one example and a mini-batch of m columns
        (``backprop_batch``) do m times the multiplications of one example either way
    """
    sizes = check_sizes(sizes)
    m = check_positive_int(m, "m")
    per_layer = [n_out * n_in * m for n_in, n_out in zip(sizes[:-1], sizes[1:])]   # w^2..w^L
    return BackpropWork(forward=sum(per_layer), bp2=sum(per_layer[1:]), bp4=sum(per_layer))


def finite_difference_multiplications(sizes, m=1):
    """Multiplications of the gradient by forward differences: (P + 1) forward passes."""
    return (n_params(sizes) + 1) * forward_multiplications(sizes, m)


# The same counts under their earlier names, so that code written against them still runs.
forward_madds = forward_multiplications
backprop_madds = backprop_multiplications
finite_difference_madds = finite_difference_multiplications
