"""One epoch of stochastic gradient descent, and the ``History`` that ``SGD`` returns.

Purpose: the book's training loop in a few readable lines, plus a record of each epoch
(training cost, test accuracy, seconds) that a learner can print, plot or keep.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History", "train_epoch"]


def train_epoch(net, X, Y, mini_batch_size, eta, *, method="matrix"):
    """One epoch of the book's SGD, as it reads: shuffle, cut into mini-batches, step on each.

    X is ``(n_in, n)``, Y is ``(n_out, n)``; the shuffle draws from ``net.rng``, so the
    same seed gives the same epochs. The last mini-batch may be smaller than the rest. Each
    step is ``net.update_mini_batch(..., method=method)`` ("matrix" or "loop").
    ``Network.SGD`` takes the very same steps through ``nbteach.fast.sgd_epoch`` (equal to
    rounding; the tests compare the two).
    """
    if method not in ("matrix", "loop"):
        raise ValueError(f'method must be "matrix" or "loop"; got {method!r}')
    n = X.shape[1]
    order = net.rng.permutation(n)
    for start in range(0, n, mini_batch_size):
        cols = order[start:start + mini_batch_size]
        net.update_mini_batch((X[:, cols], Y[:, cols]), eta, method=method)


@dataclass
class History:
    """What happened in each epoch of ``Network.SGD``."""

    sizes: list
    eta: float
    mini_batch_size: int
    n_train: int
    n_test: int | None = None
    cost: list = field(default_factory=list)        # mean training cost after each epoch
    correct: list = field(default_factory=list)     # test examples right after each epoch
    seconds: list = field(default_factory=list)     # training time of each epoch

    def append(self, *, cost, correct, seconds):
        self.cost.append(float(cost))
        self.correct.append(correct)
        self.seconds.append(float(seconds))

    @property
    def epochs(self):
        return len(self.cost)

    @property
    def accuracy(self):
        """Test accuracy after each epoch, as fractions (empty without test data)."""
        if self.n_test is None:
            return []
        return [c / self.n_test for c in self.correct]

    def postfix(self):
        out = {"cost": f"{self.cost[-1]:.4f}"}
        if self.n_test:
            out["test"] = f"{self.correct[-1]}/{self.n_test}"
        return out

    def __len__(self):
        return self.epochs

    def __str__(self):
        lines = []
        for e in range(self.epochs):
            line = f"Epoch {e}: cost {self.cost[e]:.4f}"
            if self.n_test:
                line += f", {self.correct[e]} / {self.n_test} correct"
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self):
        acc = f", final accuracy {self.accuracy[-1]:.2%}" if self.n_test and self.epochs else ""
        return (f"History({self.epochs} epochs of {self.sizes}, eta={self.eta}, "
                f"mini-batch {self.mini_batch_size}{acc})")

    def plot(self, ax=None):
        """Draw the learning curves (cost, and accuracy if known); return the figure."""
        from .plots import plot_history
        return plot_history(self, ax=ax)
