"""Cost functions C_x for one training example, and their gradient nabla_a C_x.

Chapter 2 uses the quadratic cost C_x = 1/2 ||y - a^L||^2, whose gradient with respect
to the output activations is a^L - y (the book's ``cost_derivative``). The cross-entropy
cost of chapter 3 is here too, so learners can swap it in and watch BP1 change.

Both act on one column ``(n_out, 1)`` or on a mini-batch ``(n_out, m)``; ``fn`` returns
the cost summed over the columns (divide by m for the mean, as C = 1/n sum_x C_x).
"""
from __future__ import annotations

import numpy as np

__all__ = ["QuadraticCost", "CrossEntropyCost", "COSTS", "get_cost"]


class QuadraticCost:
    """C_x = 1/2 ||y - a^L||^2, the cost of chapter 2."""

    name = "quadratic"
    latex = r"C_x = \frac{1}{2}\,\lVert y - a^L \rVert^2"
    latex_derivative = r"\nabla_a C_x = a^L - y"

    @staticmethod
    def fn(a, y):
        """Cost summed over the columns of ``a`` and ``y`` (both ``(n_out, m)``)."""
        return 0.5 * float(np.sum((a - y) ** 2))

    @staticmethod
    def derivative(a, y):
        """nabla_a C_x = a - y: the book's ``cost_derivative(output_activations, y)``."""
        return a - y


class CrossEntropyCost:
    """C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)], the cost of chapter 3.

    Outputs must lie in (0, 1), as sigmoid outputs do. ``fn`` uses ``nan_to_num`` as the
    book's ``network2.py`` does, so an output of exactly 0 or 1 gives a large finite cost.

    Limitation, kept on purpose: BP1 here is the general ∇_a C ⊙ σ'(z^L) of chapter 2. With
    sigmoid outputs the two factors' denominators cancel and δ^L = a^L - y, which chapter 3
    writes directly; computed as a product, an output that rounds to exactly 0 or 1
    (|z^L| above about 37) makes the derivative infinite. ``SGD`` then stops with
    ``TrainingDiverged`` rather than train on NaNs.
    """

    name = "cross-entropy"
    latex = r"C_x = -\sum_j \left[ y_j \ln a^L_j + (1 - y_j) \ln (1 - a^L_j) \right]"
    latex_derivative = r"\frac{\partial C_x}{\partial a^L_j} = \frac{a^L_j - y_j}{a^L_j (1 - a^L_j)}"

    @staticmethod
    def fn(a, y):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            terms = np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a))
            return float(np.nan_to_num(np.sum(terms)))   # several huge terms: still finite

    @staticmethod
    def derivative(a, y):
        """dC/da = (a - y) / (a (1 - a))."""
        return (a - y) / (a * (1.0 - a))


COSTS = {c.name: c for c in (QuadraticCost, CrossEntropyCost)}


def get_cost(cost):
    """Return the cost class named by ``cost`` (the class, an instance, or its name)."""
    if isinstance(cost, str):
        if cost in COSTS:
            return COSTS[cost]
    elif any(cost is c for c in COSTS.values()):
        return cost
    elif any(type(cost) is c for c in COSTS.values()):
        return type(cost)
    raise ValueError(
        f"cost must be one of {sorted(COSTS)} (or QuadraticCost / CrossEntropyCost); "
        f"got {cost!r}"
    )
