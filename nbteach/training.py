"""One epoch of stochastic gradient descent, and the ``History`` that ``SGD`` returns.

Purpose: the book's training loop in a few readable lines, plus a record of each epoch
(training cost, test accuracy, seconds) that a learner can print, plot or keep.
``shuffled`` is the one place an epoch's shuffle is drawn: the readable loop here,
``Network.SGD`` (through ``nbteach.fast``) and the benchmark all call it, so the same
seed visits the examples in the same order everywhere.

Non-goal: speed. ``Network.SGD`` takes these very steps through ``nbteach.fast``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History", "train_epoch", "shuffled", "mini_batches"]


def shuffled(net, n):
    """The order in which one epoch visits n training examples: a permutation of
    ``range(n)`` drawn from ``net.rng``, so the same seed gives the same epochs."""
    return net.rng.permutation(n)


def mini_batches(order, mini_batch_size):
    """``order`` cut into pieces of ``mini_batch_size`` (the last one may be smaller)."""
    return [order[start:start + mini_batch_size]
            for start in range(0, len(order), mini_batch_size)]


def train_epoch(net, X, Y, mini_batch_size, eta, *, method="matrix"):
    """One epoch of the book's SGD, as it reads: shuffle, cut into mini-batches, step on each.

    X is ``(n_in, n)``, Y is ``(n_out, n)``. Each step is
    ``net.update_mini_batch(..., method=method)`` ("matrix" or "loop"). ``Network.SGD``
    takes the very same steps through ``nbteach.fast.sgd_epoch`` (equal to rounding; the
    tests compare the two).
    """
    if method not in ("matrix", "loop"):
        raise ValueError(f'method must be "matrix" or "loop"; got {method!r}')
    for cols in mini_batches(shuffled(net, X.shape[1]), mini_batch_size):
        net.update_mini_batch((X[:, cols], Y[:, cols]), eta, method=method)


@dataclass
class History:
    """What happened in each epoch of ``Network.SGD``.

    ``cost[e]`` is the training cost of epoch e, C = (1/n) sum_x C_x, measured one of two
    ways (``monitor_training_cost`` says which):

    * ``False`` (the default): each C_x is the cost example x had in the forward pass of
      its own mini-batch, just before that step, as the steps computed it anyway (Keras
      reports its loss this way). It costs nothing extra, but it is measured while the
      weights were still moving, so it runs a little above the cost after the epoch.
    * ``True`` (``SGD(..., monitor_training_cost=True)``, as in the book's ``network2``):
      the exact mean cost over all the training data after the epoch, one more forward pass.
    """

    sizes: list
    eta: float
    mini_batch_size: int
    n_train: int
    n_test: int | None = None
    cost: list = field(default_factory=list)        # training cost of each epoch (see above)
    correct: list = field(default_factory=list)     # test examples right after each epoch
    seconds: list = field(default_factory=list)     # training time of each epoch
    monitor_training_cost: bool = False             # True: cost after each epoch, exact

    def append(self, *, cost, correct, seconds):
        self.cost.append(float(cost))
        self.correct.append(correct)
        self.seconds.append(float(seconds))

    @property
    def epochs(self):
        return len(self.cost)

    @property
    def cost_measured(self):
        """In words, which training cost ``cost`` holds."""
        if self.monitor_training_cost:
            return "mean cost over the training data after each epoch"
        return "mean of the mini-batch costs during each epoch (before each step)"

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
                f"mini-batch {self.mini_batch_size}{acc}; cost: {self.cost_measured})")

    def plot(self, ax=None):
        """Draw the learning curves (cost, and accuracy if known); return the figure."""
        from .plots import plot_history
        return plot_history(self, ax=ax)
