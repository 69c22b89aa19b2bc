"""Three ways to multiply two columns s and t, kept side by side: s ⊙ t, s tᵀ and sᵀ t.

The Hadamard section of chapter 2 introduces s ⊙ t by contrast with the products a learner
already knows; ``HadamardExplorer`` shows a ``Products`` record, and this module is where
its numbers are computed. Non-goal: anything but two columns.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import frozen_array, shape_text

__all__ = ["Products", "products"]


@dataclass(frozen=True, repr=False)
class Products:
    """Three ways to multiply two columns s and t, side by side (``HadamardExplorer``).

    ``hadamard`` = s ⊙ t and ``inner`` = sᵀ t need s and t of the same length (else None);
    ``outer`` = s tᵀ exists for any lengths.
    """

    s: np.ndarray          # (n, 1)
    t: np.ndarray          # (k, 1)
    hadamard: np.ndarray | None   # (n, 1)
    outer: np.ndarray      # (n, k)
    inner: np.ndarray | None      # (1, 1)

    @property
    def same_length(self):
        return self.hadamard is not None

    def __repr__(self):
        return (f"Products(s {shape_text(self.s)}, t {shape_text(self.t)}: "
                + ("s ⊙ t, " if self.same_length else "") + "s tᵀ"
                + (", sᵀ t)" if self.same_length else ")"))


def products(s, t):
    """``Products`` of two columns ``s`` ``(n, 1)`` and ``t`` ``(k, 1)``."""
    s, t = frozen_array(s), frozen_array(t)
    same = s.shape == t.shape
    return Products(s=s, t=t, hadamard=frozen_array(s * t) if same else None,
                    outer=frozen_array(s @ t.T), inner=frozen_array(s.T @ t) if same else None)
