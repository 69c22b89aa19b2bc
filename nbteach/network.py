"""The book's ``Network``: weights, biases, feedforward, backprop and stochastic gradient descent.

It follows ``network.py`` from chapter 1 of Nielsen's book, with the names and shapes of the
book: ``weights[i]`` is ``(sizes[i+1], sizes[i])`` (row j, column k holds w^l_jk with
l = i + 2), ``biases[i]`` is ``(sizes[i+1], 1)``, one example is a column and a mini-batch is
a matrix whose columns are the examples.

Where it departs from the book, on purpose:

* randomness comes from ``np.random.default_rng(seed)``, so the same seed gives
  bit-identical weights, shuffles and results;
* every public method checks its input and says what it expected; a call that fails
  leaves the network exactly as it was (updates are computed first, then assigned);
* ``update_mini_batch`` uses the fully matrix-based backprop by default (the chapter's
  problem); ``method="loop"`` runs the book's per-example loop, with the same result;
* ``SGD`` returns a ``History`` instead of printing, and stops with a clear error if the
  cost stops being a finite number.

Non-goal: the fastest possible training; ``nbteach.fast`` holds the documented speed path.
"""
from __future__ import annotations

import time

import numpy as np

from . import backprop as bp
from .activations import get_activation, sigmoid
from .checks import (
    as_matrix,
    check_eta,
    check_pair,
    check_positive_int,
    check_seed,
    check_sizes,
    short_repr,
)
from .costs import QuadraticCost, get_cost
from .inputs import as_batch, as_labelled

__all__ = ["Network", "TrainingDiverged"]


class TrainingDiverged(ArithmeticError):
    """Raised by ``SGD`` when the cost or the gradient stops being a finite number.

    When ``SGD`` raises it, ``.history`` holds the epochs that finished before (a ``History``
    that can still be printed or plotted), and the network is as it was after the last of them.
    """

    history = None


def _diverged(epoch, eta, history, what):
    kept = (f"after epoch {epoch}; this error's .history holds the {epoch} finished "
            f"epoch{'s' * (epoch != 1)}" if epoch else "before training")
    exc = TrainingDiverged(
        f"training stopped in epoch {epoch + 1}: {what}. The learning rate eta = {eta} is "
        f"probably too large; try a smaller one. The network is left as it was {kept}.")
    exc.history = history
    return exc


class Network:
    """A fully connected feedforward network, as in chapters 1 and 2 of the book.

    Parameters
    ----------
    sizes : list of int
        Neurons per layer, input first: ``[784, 30, 10]``. At most
        ``nbteach.checks.MAX_PARAMETERS`` weights and biases in all (checked before any
        memory is taken).
    seed : non-negative int or None
        Seed for ``np.random.default_rng``: initial weights and biases (standard normal,
        as in the book) and the shuffles of ``SGD``.
    activation : Activation or str
        sigma for every layer: ``sigmoid`` (default), ``linear``, ``tanh`` or ``relu``.
    cost : QuadraticCost, CrossEntropyCost or str
        The cost C_x; chapter 2 uses the quadratic cost.
    """

    def __init__(self, sizes, *, seed=None, activation=sigmoid, cost=QuadraticCost):
        sizes = check_sizes(sizes)
        seed = check_seed(seed)
        self.activation = get_activation(activation)
        self.cost = get_cost(cost)
        self.sizes = sizes
        self.num_layers = len(sizes)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.biases = [self.rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [self.rng.standard_normal((y, x))
                        for x, y in zip(sizes[:-1], sizes[1:])]

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.activation.name!r}, "
                f"cost={self.cost.name!r}, seed={self.seed!r})")

    # ---- checks -----------------------------------------------------------------------

    def _params(self):
        """Return (weights, biases) after checking that they still fit ``sizes``.

        Each must be a real numeric array of the right shape with finite entries: weights
        set by hand (``net.weights[0][0, 0] = np.nan``) are reported at the next call,
        not turned into NaN gradients.
        """
        ws, bs = self.weights, self.biases
        if not isinstance(ws, (list, tuple)) or not isinstance(bs, (list, tuple)):
            raise TypeError("net.weights and net.biases must be lists of numpy arrays")
        if len(ws) != self.num_layers - 1 or len(bs) != self.num_layers - 1:
            raise ValueError(
                f"a network with sizes {self.sizes} needs {self.num_layers - 1} weight matrices "
                f"and bias vectors; got {len(ws)} and {len(bs)}")
        for i, (w, b) in enumerate(zip(ws, bs)):
            n_out, n_in = self.sizes[i + 1], self.sizes[i]
            if not isinstance(w, np.ndarray) or w.shape != (n_out, n_in):
                raise ValueError(f"weights[{i}] must be an array of shape {(n_out, n_in)}; "
                                 f"got {getattr(w, 'shape', type(w).__name__)}")
            if not isinstance(b, np.ndarray) or b.shape != (n_out, 1):
                raise ValueError(f"biases[{i}] must be an array of shape {(n_out, 1)}; "
                                 f"got {getattr(b, 'shape', type(b).__name__)}")
            for name, p in ((f"weights[{i}]", w), (f"biases[{i}]", b)):
                if p.dtype == bool or p.dtype.kind not in "iuf":
                    raise TypeError(f"{name} must hold real numbers (float64); got an array "
                                    f"of dtype {p.dtype}")
                if not np.isfinite(p).all():
                    idx = tuple(int(k) for k in np.argwhere(~np.isfinite(p))[0])
                    raise ValueError(
                        f"{name} holds {p[idx]} at index {idx}: weights and biases must be finite, "
                        "not NaN or inf (was it set by hand?). Set it to a finite number, or "
                        "make a new network.")
        return ws, bs

    @property
    def n_in(self):
        return self.sizes[0]

    @property
    def n_out(self):
        return self.sizes[-1]

    # ---- the book's methods -----------------------------------------------------------

    def feedforward(self, a):
        """Return the output a^L for input ``a``: a column ``(n_in, 1)`` or a batch ``(n_in, m)``.

        1-D vectors are refused (use ``a.reshape(-1, 1)``): they would broadcast silently.
        """
        a = as_matrix(a, self.n_in, "a")
        ws, bs = self._params()
        for b, w in zip(bs, ws):
            a = self.activation(bp.weighted_input(w, a, b))
        return a

    def backprop(self, x, y):
        """Return ``(nabla_b, nabla_w)``, the gradient of C_x for one example.

        ``x`` is ``(n_in, 1)``, ``y`` is ``(n_out, 1)``. The same numbers as the book's code.
        """
        x, y = check_pair(x, y, self.n_in, self.n_out, single=True)
        ws, bs = self._params()
        return bp.backprop(ws, bs, x, y, self.activation, self.cost)

    def backprop_batch(self, X, Y):
        """Return ``(nabla_b, nabla_w)`` summed over a mini-batch, computed all at once.

        ``X`` is ``(n_in, m)`` and ``Y`` is ``(n_out, m)``: column j is example j. Equal to
        summing ``backprop`` over the columns (to rounding).
        """
        X, Y = check_pair(X, Y, self.n_in, self.n_out, names=("X", "Y"))
        ws, bs = self._params()
        return bp.backprop_batch(ws, bs, X, Y, self.activation, self.cost)

    def trace(self, x, y):
        """Run backprop on one column or a batch and return a ``BackpropTrace`` of every stage."""
        from .trace import build_trace
        x, y = check_pair(x, y, self.n_in, self.n_out)
        ws, bs = self._params()
        return build_trace(ws, bs, x, y, self.activation, self.cost)

    def forward_trace(self, x):
        """Feed one column or a batch forward and return a ``ForwardTrace`` of each layer."""
        from .trace import build_forward_trace
        x = as_matrix(x, self.n_in, "x")
        ws, bs = self._params()
        return build_forward_trace(ws, bs, x, self.activation)

    def cost_value(self, X, Y):
        """The mean cost C = (1/n) sum_x C_x over the columns of X and Y."""
        X, Y = check_pair(X, Y, self.n_in, self.n_out, names=("X", "Y"))
        return self.cost.fn(self.feedforward(X), Y) / X.shape[1]

    def update_mini_batch(self, mini_batch, eta, method="matrix"):
        """Take one gradient-descent step on ``mini_batch`` with learning rate ``eta``.

        w -> w - (eta/m) sum_x dC_x/dw and b -> b - (eta/m) sum_x dC_x/db.

        Parameters
        ----------
        mini_batch : list of (x, y) tuples, as in the book, or a pair ``(X, Y)`` of
            matrices ``(n_in, m)`` and ``(n_out, m)``.
        eta : float, the learning rate.
        method : "matrix" (default: all m examples at once) or "loop" (the book's loop,
            one ``backprop`` per example). Both leave the same weights, to rounding.

        Nothing changes unless the whole step succeeds.
        """
        eta = check_eta(eta)
        if not (isinstance(method, str) and method in ("matrix", "loop")):
            raise ValueError(f'method must be "matrix" or "loop"; got {short_repr(method)}')
        X, Y = as_batch(mini_batch, self.n_in, self.n_out)
        ws, bs = self._params()
        m = X.shape[1]
        if method == "matrix":
            nabla_b, nabla_w = bp.backprop_batch(ws, bs, X, Y, self.activation, self.cost)
        else:  # the book's loop, one example at a time
            nabla_b = [np.zeros(b.shape) for b in bs]
            nabla_w = [np.zeros(w.shape) for w in ws]
            for j in range(m):
                delta_nabla_b, delta_nabla_w = bp.backprop(
                    ws, bs, X[:, j:j + 1], Y[:, j:j + 1], self.activation, self.cost)
                nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
                nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        # An overflow here is reported just below, as TrainingDiverged, not as a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            new_weights = [w - (eta / m) * nw for w, nw in zip(ws, nabla_w)]
            new_biases = [b - (eta / m) * nb for b, nb in zip(bs, nabla_b)]
        if not all(np.isfinite(p).all() for p in new_weights + new_biases):
            raise TrainingDiverged(
                f"this step would make a weight or bias infinite or NaN (eta = {eta}); "
                "the network is unchanged. Try a smaller learning rate.")
        self.weights, self.biases = new_weights, new_biases

    def predict(self, X):
        """The network's answer for each column of ``X`` ``(n_in, m)``: the index of the most
        active output neuron, as an int array ``(m,)``."""
        return np.argmax(self.feedforward(X), axis=0)

    def evaluate(self, test_data):
        """Return how many test inputs the network classifies correctly.

        The network's answer is the index of the most active output neuron. ``test_data``
        is a Dataset or a list of ``(x, y)`` with ``y`` an integer label (as in the book)
        or a one-hot column.
        """
        X, labels = as_labelled(test_data, self.n_in, self.n_out)
        return int(np.sum(self.predict(X) == labels))

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, *,
            monitor_training_cost=False, progress=False, callback=None):
        """Train with mini-batch stochastic gradient descent; return a ``History``.

        Each epoch shuffles the training data with the network's own random generator,
        cuts it into mini-batches of ``mini_batch_size`` and takes one step per
        mini-batch (the last one may be smaller). If ``test_data`` is given, the
        accuracy on it is recorded after every epoch.

        Parameters
        ----------
        training_data : Dataset, list of (x, y) tuples, or an (X, Y) pair of matrices
        epochs, mini_batch_size : positive int
        eta : float, learning rate
        test_data : Dataset or list of (x, y), optional
        monitor_training_cost : bool
            False (default): ``history.cost`` is each epoch's mean of the mini-batch costs
            the steps computed anyway (free). True: the exact mean cost over the training
            data after each epoch, as the book's ``network2`` reports it (one more forward
            pass per epoch). See ``History``.
        progress : bool, show a tqdm progress bar over the epochs
        callback : callable(epoch, history), optional, called after every epoch
        """
        from . import fast
        from .training import History
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be a function callback(epoch, history) or None; "
                            f"got {type(callback).__name__}")
        epochs = check_positive_int(epochs, "epochs")
        mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
        eta = check_eta(eta)

        X, Y = as_batch(training_data, self.n_in, self.n_out, "training_data")
        test = None if test_data is None else as_labelled(test_data, self.n_in, self.n_out)
        ws, bs = self._params()
        rows = fast.Rows.from_columns(X, Y)                  # examples as rows, once: no copy
                                                             # for a Dataset (X in F order)
        test_rows = None if test is None else np.ascontiguousarray(test[0].T)
        trainer = fast.Trainer(ws, bs, self.activation, self.cost)   # buffers for every epoch
        history = History(sizes=list(self.sizes), eta=eta, mini_batch_size=mini_batch_size,
                          n_train=X.shape[1], n_test=None if test is None else len(test[1]),
                          monitor_training_cost=bool(monitor_training_cost))
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=epochs, desc="SGD", unit="epoch")
        try:
            for epoch in range(epochs):
                start = time.perf_counter()
                trained = fast.sgd_epoch(self, rows, mini_batch_size, eta, trainer)
                seconds = time.perf_counter() - start
                if trained is None:                          # the network is untouched
                    raise _diverged(epoch, eta, history, "a weight or bias became infinite or NaN")
                ws, bs, cost = trained
                if history.monitor_training_cost:
                    cost = fast.cost_value(ws, bs, rows, self.activation, self.cost)
                if not np.isfinite(cost):
                    raise _diverged(epoch, eta, history, f"the cost became {cost}")
                self.weights, self.biases = ws, bs
                correct = None
                if test is not None:
                    correct = fast.count_correct(ws, bs, test_rows, test[1], self.activation)
                history.append(cost=cost, correct=correct, seconds=seconds)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(history.postfix())
                if callback is not None:
                    callback(epoch, history)
        finally:
            if bar is not None:
                bar.close()
        return history
