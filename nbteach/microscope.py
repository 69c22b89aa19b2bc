"""A training microscope: what backprop does in each layer, read off while a network trains.

Purpose: watch chapter 2's predictions come true during SGD, in numbers. At each checkpoint
the microscope runs the readable backprop (``backprop.backprop_stages``, the code the
notebooks prove) once on a fixed *probe* batch of m examples, and keeps, for each book layer
l = 2..L (a ``LayerReading``):

* the mean |δ^l_j| over the neurons j and the m examples;
* the gradient norms ‖∂C/∂w^l‖ and ‖∂C/∂b^l‖ of the probe's mean cost C = (1/m) Σ_x C_x
  (Frobenius norms; the book's chapter 5 calls ‖∂C/∂b^l‖ the speed of learning of layer l);
* the fraction of (neuron, example) pairs that are *saturated*, σ'(z^l_j) < ``threshold``
  (0.01 by default: |z| > 4.6, the activation within 0.0102 of 0 or 1; σ' is at most 1/4),
  and the mean |δ^l_j| over the saturated pairs and over the others;
* the mean σ'(z^l) and the mean size of what σ'(z^l) multiplies in BP1 and BP2 (∇_a C at the
  output, (w^{l+1})^T δ^{l+1} below): |δ^l_j| = |that| · σ'(z^l_j), so the first mean is at
  most a quarter of the second;
* BP4's inputs, ∂C/∂w^l_jk = a^{l-1}_k δ^l_j: the fraction of (neuron k of layer l - 1,
  example) pairs with |a^{l-1}_k| < ``LOW`` (0.01: on that example every weight out of k gets
  less than 1% of δ^l_j); the fraction of the neurons k that are 0 on every probe example
  (for l = 2 the blank pixels; a sigmoid neuron never is); and the fraction of the weights
  w^l_jk whose gradient is exactly 0 (every weight out of such a neuron, and any weight whose
  δ^l_j rounds to 0).

Each ``Checkpoint`` adds the probe's mean cost, its accuracy and the fraction of output
pairs (j, x) that are *stuck*: saturated and on the wrong side, |a^L_j - y_j| > 1/2. A
``Recording`` is the frozen sequence of checkpoints, to query (``series``) and to plot.

Checkpoints, two ways (the readings are the same):

* **per epoch**: pass the ``Microscope`` as ``Network.SGD``'s ``callback``. Training runs
  through the fast path untouched; after each epoch the microscope reads the new weights.
* **every k mini-batches**: ``Microscope.train(..., every=k)`` takes the steps of
  ``training.train_epoch`` (the shuffle drawn from ``net.rng``, one ``update_mini_batch`` per
  mini-batch; the same weights as ``SGD`` to rounding) and takes a reading every k steps.

Either way backprop is never recomputed per mini-batch: a reading costs one forward and
backward pass over the probe, once per reading. The microscope never changes the weights
and never draws from ``net.rng``, so a run with it gives the very weights of a run without it.

With the cross-entropy cost ∇_a C = (a - y)/(a(1 - a)) is infinite where an output a^L_j
rounds to exactly 0 or 1 (|z| above about 37); then the output's ``mean_abs_signal`` is inf,
and δ^L, computed as the book computes it, is nan (see ``costs.CrossEntropyCost``).

Non-goals: drawing (``microscope_plot``); readings of the whole training set (the probe is a
sample of it); any activation but the network's own (one for every layer).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from .backprop import backprop_stages
from .checks import check_pair, check_positive_int
from .training import mini_batches, shuffled

__all__ = ["SATURATED", "LOW", "LayerReading", "Checkpoint", "Recording", "Microscope", "measure",
           "read_layers", "blank_inputs", "LAYER_QUANTITIES", "CHECKPOINT_QUANTITIES"]

SATURATED = 0.01    # σ'(z) below this counts as saturated
LOW = 0.01          # an input |a^{l-1}_k| below this counts as low-activation


def blank_inputs(X):
    """Which inputs are 0 in every example: bool ``(n_in,)`` for ``X`` ``(n_in, m)``.

    By BP4 the weights out of such an input get gradient exactly 0 from every example.
    """
    return ~np.any(np.asarray(X) != 0, axis=1)


def _mean(values):
    return float(np.mean(values)) if values.size else math.nan


@dataclass(frozen=True)
class LayerReading:
    """What backprop did in book layer ``l`` on the probe batch (see the module docstring)."""

    l: int
    mean_abs_delta: float     # mean |δ^l_j| over neurons and probe examples
    grad_w_norm: float        # ‖∂C/∂w^l‖, C the probe's mean cost
    grad_b_norm: float        # ‖∂C/∂b^l‖
    saturated: float          # fraction of pairs (j, x) with σ'(z^l_j) < threshold
    delta_saturated: float    # mean |δ^l_j| over the saturated pairs (nan if none)
    delta_unsaturated: float  # mean |δ^l_j| over the others (nan if none)
    mean_sigma_prime: float   # mean σ'(z^l_j)
    mean_abs_signal: float    # mean |∇_a C| (l = L) or |(w^{l+1})^T δ^{l+1}|: what σ' multiplies
    low_inputs: float         # fraction of pairs (k, x) with |a^{l-1}_k| < LOW
    dead_inputs: float        # fraction of neurons k of layer l-1 that are 0 on every example
    zero_gradients: float     # fraction of weights w^l_jk with ∂C/∂w^l_jk exactly 0

    def __repr__(self):
        return (f"LayerReading(l={self.l}: mean|δ|={self.mean_abs_delta:.2e}, "
                f"‖∂C/∂w‖={self.grad_w_norm:.2e}, ‖∂C/∂b‖={self.grad_b_norm:.2e}, "
                f"saturated={self.saturated:.1%}, low inputs={self.low_inputs:.1%}, "
                f"dead inputs={self.dead_inputs:.1%})")


def read_layers(stages, threshold=SATURATED):
    """One ``LayerReading`` per layer l = 2..L from a ``backprop.Stages`` over m examples."""
    m = stages.activations[0].shape[1]
    signals = stages.carried + [stages.nabla_a]          # what σ'(z^l) multiplies, l = 2..L
    readings = []
    for i, (delta, sp) in enumerate(zip(stages.deltas, stages.sigma_primes)):
        abs_delta = np.abs(delta)                        # (n_l, m)
        saturated = sp < threshold                       # (n_l, m)
        readings.append(LayerReading(
            l=i + 2,
            mean_abs_delta=float(abs_delta.mean()),
            grad_w_norm=float(np.linalg.norm(stages.nabla_w[i]) / m),
            grad_b_norm=float(np.linalg.norm(stages.nabla_b[i]) / m),
            saturated=float(saturated.mean()),
            delta_saturated=_mean(abs_delta[saturated]),
            delta_unsaturated=_mean(abs_delta[~saturated]),
            mean_sigma_prime=float(sp.mean()),
            mean_abs_signal=float(np.abs(signals[i]).mean()),
            low_inputs=float((np.abs(stages.activations[i]) < LOW).mean()),
            dead_inputs=float(blank_inputs(stages.activations[i]).mean()),
            zero_gradients=float(np.mean(stages.nabla_w[i] == 0)),
        ))
    return tuple(readings)


@dataclass(frozen=True)
class Checkpoint:
    """The readings of every layer at one moment of training."""

    step: int          # mini-batches taken before the reading
    epoch: float       # epochs completed (steps / steps per epoch)
    cost: float        # the probe's mean cost C
    accuracy: float    # fraction of the probe classified right
    stuck: float       # fraction of output pairs (j, x) saturated and wrong, |a^L_j - y_j| > 1/2
    stuck_delta: float  # mean |δ^L_j| over the stuck pairs (nan if none)
    layers: tuple      # LayerReading for l = 2..L

    def layer(self, l):
        """The reading of book layer ``l`` (2..L)."""
        for reading in self.layers:
            if reading.l == l:
                return reading
        raise KeyError(f"no layer l = {l}; this network has layers l = 2..{self.layers[-1].l}")

    def table(self):
        """The readings as a short text table, one row per layer: mean |δ^l|, the gradient
        norms, the saturated pairs and the low-activation inputs (the pairs (k, x) with
        |a^{l-1}_k| < ``LOW``)."""
        rows = [f"epoch {self.epoch:g} (step {self.step}): cost {self.cost:.4f}, "
                f"{self.accuracy:.1%} right, {self.stuck:.2%} of outputs stuck",
                " l   mean|δ^l|   ‖∂C/∂w^l‖   ‖∂C/∂b^l‖   saturated   low inputs"]
        rows += [f"{r.l:2d}   {r.mean_abs_delta:.2e}    {r.grad_w_norm:.2e}    "
                 f"{r.grad_b_norm:.2e}    {r.saturated:8.1%}   {r.low_inputs:9.1%}"
                 for r in self.layers]
        return "\n".join(rows)


def measure(net, X, Y, *, step=0, epoch=0.0, threshold=SATURATED):
    """Read ``net`` on the probe ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``: a ``Checkpoint``."""
    stages = backprop_stages(net.weights, net.biases, X, Y, net.activation, net.cost)
    aL, sp_L = stages.activations[-1], stages.sigma_primes[-1]      # (n_out, m)
    stuck = (sp_L < threshold) & (np.abs(aL - Y) > 0.5)            # (n_out, m)
    return Checkpoint(
        step=int(step), epoch=float(epoch),
        cost=float(net.cost.fn(aL, Y) / X.shape[1]),
        accuracy=float(np.mean(np.argmax(aL, axis=0) == np.argmax(Y, axis=0))),
        stuck=float(stuck.mean()),
        stuck_delta=_mean(np.abs(stages.deltas[-1][stuck])),
        layers=read_layers(stages, threshold))


# what Recording.series can read: per layer, and per checkpoint
LAYER_QUANTITIES = tuple(f.name for f in fields(LayerReading) if f.name != "l")
CHECKPOINT_QUANTITIES = ("step", "epoch", "cost", "accuracy", "stuck", "stuck_delta")


@dataclass(frozen=True)
class Recording:
    """The checkpoints of one training run, oldest first (``rec[0]`` is before training)."""

    sizes: tuple
    cost_name: str
    threshold: float
    n_probe: int
    checkpoints: tuple

    layer_quantities = LAYER_QUANTITIES        # what ``series`` reads per layer l

    def __len__(self):
        return len(self.checkpoints)

    def __getitem__(self, i):
        return self.checkpoints[i]

    def __iter__(self):
        return iter(self.checkpoints)

    @property
    def first(self):
        return self.checkpoints[0]

    @property
    def last(self):
        return self.checkpoints[-1]

    @property
    def layers(self):
        """The book layers read: ``(2, ..., L)``."""
        return tuple(r.l for r in self.first.layers)

    @property
    def epochs(self):
        return self.series("epoch")

    def series(self, name, l=None):
        """One quantity at every checkpoint, as an array ``(len(self),)``.

        ``name`` is a ``LayerReading`` field (then ``l`` names the book layer) or one of
        ``step``, ``epoch``, ``cost``, ``accuracy``, ``stuck`` (then ``l`` is None).
        """
        if name in CHECKPOINT_QUANTITIES:
            if l is not None:
                raise ValueError(f"{name!r} belongs to a checkpoint, not to a layer: drop l")
            return np.array([getattr(c, name) for c in self.checkpoints], dtype=np.float64)
        if name not in LAYER_QUANTITIES:
            raise ValueError(f"unknown quantity {name!r}; choose from "
                             f"{', '.join(CHECKPOINT_QUANTITIES + LAYER_QUANTITIES)}")
        if l is None:
            raise ValueError(f"{name!r} is read per layer: pass l, one of {self.layers}")
        return np.array([getattr(c.layer(l), name) for c in self.checkpoints], dtype=np.float64)

    def __repr__(self):
        last = self.last
        return (f"Recording({len(self)} checkpoints of {list(self.sizes)}, {self.cost_name} cost, "
                f"{self.n_probe} probe examples, to epoch {last.epoch:g}: "
                f"{last.accuracy:.1%} right)")

    def plot(self, **kwargs):
        """The recording as a figure (``microscope_plot.plot_recording``)."""
        from .microscope_plot import plot_recording
        return plot_recording(self, **kwargs)


class Microscope:
    """Takes readings of ``net`` on a fixed probe batch while it trains.

    Parameters
    ----------
    net : Network (any sizes; one activation for every layer)
    probe : Dataset, or a pair ``(X, Y)`` of ``(n_in, m)`` and ``(n_out, m)`` matrices; a few
        hundred to a thousand examples, the same at every checkpoint.
    threshold : σ'(z) below this counts as saturated (default ``SATURATED`` = 0.01).
    on_checkpoint : callable(recording), optional; called after every reading (a live plot).

    The first reading is taken at once, before any training. Then either pass the microscope
    as ``net.SGD(..., callback=microscope)`` (a reading after every epoch) or call
    ``microscope.train(...)`` (a reading every k mini-batches); see the module docstring.
    ``microscope.recording`` is the frozen ``Recording`` so far.
    """

    def __init__(self, net, probe, *, threshold=SATURATED, on_checkpoint=None):
        X, Y = (probe.X, probe.Y) if hasattr(probe, "X") else probe
        self.net = net
        self.X, self.Y = check_pair(X, Y, net.n_in, net.n_out, names=("probe X", "probe Y"))
        self.threshold = float(threshold)
        self.on_checkpoint = on_checkpoint
        self._checkpoints = []
        self._step, self._epoch = 0, 0.0
        self._take()

    @property
    def recording(self):
        return Recording(sizes=tuple(self.net.sizes), cost_name=self.net.cost.name,
                         threshold=self.threshold, n_probe=self.X.shape[1],
                         checkpoints=tuple(self._checkpoints))

    def _take(self):
        self._checkpoints.append(measure(self.net, self.X, self.Y, step=self._step,
                                         epoch=self._epoch, threshold=self.threshold))
        if self.on_checkpoint is not None:
            self.on_checkpoint(self.recording)

    def __call__(self, epoch, history):
        """``Network.SGD``'s callback: one reading after each epoch."""
        self._step += -(-history.n_train // history.mini_batch_size)   # steps in an epoch
        self._epoch += 1.0
        self._take()

    def train(self, training_data, epochs, mini_batch_size, eta, *, every):
        """Train as ``training.train_epoch`` does, with a reading every ``every`` mini-batches.

        Parameters
        ----------
        training_data : Dataset or a pair ``(X, Y)``, ``(n_in, n)`` and ``(n_out, n)``
        epochs, mini_batch_size : positive int
        eta : float, the learning rate
        every : positive int, mini-batches between readings (and one after the last step)

        Each epoch draws its shuffle from ``net.rng`` and takes one
        ``net.update_mini_batch`` per mini-batch, the last one possibly smaller. Returns the
        ``Recording``.
        """
        X, Y = ((training_data.X, training_data.Y) if hasattr(training_data, "X")
                else training_data)
        X, Y = check_pair(X, Y, self.net.n_in, self.net.n_out, names=("X", "Y"))
        epochs = check_positive_int(epochs, "epochs")
        mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
        every = check_positive_int(every, "every")
        n, start_epoch, taken = X.shape[1], self._epoch, 0
        per_epoch = -(-n // mini_batch_size)
        for _ in range(epochs):
            for cols in mini_batches(shuffled(self.net, n), mini_batch_size):   # train_epoch's
                self.net.update_mini_batch((X[:, cols], Y[:, cols]), eta)
                self._step, taken = self._step + 1, taken + 1
                if taken % every == 0 or taken == epochs * per_epoch:
                    self._epoch = start_epoch + taken / per_epoch
                    self._take()
        return self.recording
