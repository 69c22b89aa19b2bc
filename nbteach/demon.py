"""The demon game: play the book's demon with a budget of small nudges, against δ.

Chapter 2 introduces δ^l_j through a demon sitting at neuron j of layer l: it adds Δz^l_j
to the neuron's weighted input, and the cost changes by about δ^l_j Δz^l_j, for small
nudges. Here a learner *is* that demon, on one network and one example (x, y):

* a ``Board`` fixes what never changes: the weights, biases, x, y, the size of a nudge
  (``step``) and how many nudges there are to spend (``budget``);
* a ``Game`` is the play so far: every ``Position`` reached (the nudges on each layer's
  weighted inputs, and the network's numbers under them) and every ``Move``. A move
  returns a new ``Game``; nothing is changed in place, so ``undo`` and ``reset`` are just
  earlier games, and a refused move (an unknown layer or neuron, a spent budget) raises
  before anything is computed.

Nudges accumulate: after Δz^2_3 = +0.25 and then Δz^3_1 = -0.25, both stay. The network's
numbers under the nudges are exact, recomputed from scratch after each move. For one
example, adding n^l to z^l = w^l a^{l-1} + b^l is the same as adding n^l to the bias b^l,
so ``backprop_stages`` run with shifted biases gives the nudged forward pass (finished from
every nudged layer, as ``gradcheck.demon_check`` finishes it), its cost, and the δ of every
neuron at the nudged state, in one forward and one backward pass. The tests check these
numbers against a forward pass that adds each nudge to z, and δ against the demon's own
finite differences, which would cost two forward passes per neuron.

Layers and neurons are the book's, from 1: ``nudge(3, 9, +1)`` nudges z^3_9 (Python
``zs[1][8]``). Non-goals: strategies (see ``demon_strategies``, where the |δ| demon plays),
training (the weights never change) and drawing (``demon_panes``, ``widgets.demon``).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .backprop import backprop_stages
from .checks import check_pair
from .network import Network
from .trace import frozen_array

__all__ = ["Board", "Position", "Move", "Game", "BudgetSpent", "DIRECTIONS"]

DIRECTIONS = {"up": 1, "down": -1, 1: 1, -1: -1}


class BudgetSpent(ValueError):
    """Every nudge of the budget is on the board: undo one or reset to play on."""


@dataclass(frozen=True, repr=False)
class Position:
    """The network under the nudges so far. Lists as in ``backprop_stages``: index i is
    book layer l = i + 2 (``activations[0]`` is x)."""

    nudges: tuple          # nudges[i]: (n_l, 1), the Δz^l added so far
    zs: tuple              # the nudged weighted inputs z^l + Δz^l, (n_l, 1)
    activations: tuple
    sigma_primes: tuple    # σ'(z^l) at the nudged z
    deltas: tuple          # δ^l at the nudged state, (n_l, 1)
    cost: float            # C_x, exact

    def __repr__(self):
        return f"Position(C = {self.cost:.6g})"


@dataclass(frozen=True, repr=False)
class Board:
    """What a game never changes: the network, the example, the nudge size and the budget."""

    sizes: tuple
    weights: tuple
    biases: tuple
    x: np.ndarray          # (n_in, 1)
    y: np.ndarray          # (n_out, 1)
    activation: object     # an nbteach Activation
    cost: type             # QuadraticCost or CrossEntropyCost
    step: float            # every nudge is Δz = +step or -step
    budget: int            # nudges to spend
    output_names: tuple | None = None    # e.g. ("digit 0", ..., "digit 9")

    @property
    def num_layers(self):
        return len(self.sizes)

    def position(self, nudges):
        """The exact ``Position`` under ``nudges`` (one (n_l, 1) array per layer l = 2..L)."""
        # A nudge of z^l for this one example is a shift of b^l: w a + (b + n) = (w a + b) + n.
        shifted = [b + n for b, n in zip(self.biases, nudges)]
        st = backprop_stages(list(self.weights), shifted, self.x, self.y, self.activation,
                             self.cost)
        F = frozen_array
        return Position(nudges=tuple(F(n) for n in nudges), zs=tuple(F(z) for z in st.zs),
                        activations=tuple(F(a) for a in st.activations),
                        sigma_primes=tuple(F(s) for s in st.sigma_primes),
                        deltas=tuple(F(d) for d in st.deltas),
                        cost=float(self.cost.fn(st.activations[-1], self.y)))

    def check_neuron(self, l, j):
        """Return ``(l, j)`` as ints if neuron j of book layer l can be nudged; else raise."""
        L = self.num_layers
        for name, v in (("layer l", l), ("neuron j", j)):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
                raise TypeError(f"{name} must be an integer (the book's numbering, from 1); "
                                f"got {v!r}")
        if not 2 <= l <= L:
            extra = " (the input layer l = 1 has no weighted input to nudge)" if l == 1 else ""
            raise ValueError(f"layer l must be from 2 to L = {L}{extra}; got {l}")
        n = self.sizes[l - 1]
        if not 1 <= j <= n:
            raise ValueError(f"layer {l} has neurons j = 1 to {n} (the book counts from 1); "
                             f"got j = {j}")
        return int(l), int(j)

    def neuron_name(self, l, j):
        """``z^3_9``, with the output's name when there is one: ``z^3_9 (digit 8)``."""
        name = f"z^{l}_{j}"
        if self.output_names is not None and l == self.num_layers:
            name += f" ({self.output_names[j - 1]})"
        return name


@dataclass(frozen=True)
class Move:
    """One nudge Δz^l_j and what it did. ``l`` and ``j`` are the book's, from 1."""

    number: int            # 1 for the first move
    l: int
    j: int
    dz: float              # +step or -step
    delta: float           # δ^l_j just before the move: the demon's exchange rate
    cost_before: float
    cost_after: float
    name: str              # e.g. "z^3_9 (digit 8)"

    @property
    def predicted(self):
        """The demon's first-order estimate of ΔC: δ^l_j Δz^l_j."""
        return self.delta * self.dz

    @property
    def measured(self):
        """The change in cost the move really made."""
        return self.cost_after - self.cost_before

    def __str__(self):
        return (f"move {self.number}: Δ{self.name} = {self.dz:+g}, C {self.cost_before:.4f} → "
                f"{self.cost_after:.4f} (ΔC = {self.measured:+.4f})")


@dataclass(frozen=True, repr=False)
class Game:
    """The play so far: ``positions[0]`` is the start, ``positions[k]`` follows ``moves[k-1]``."""

    board: Board
    positions: tuple
    moves: tuple = ()

    @classmethod
    def start(cls, net, x, y, *, step=0.25, budget=8, output_names=None):
        """A new game on ``net`` and the example ``x`` (n_in, 1), ``y`` (n_out, 1).

        ``step``: the size of every nudge (Δz = ±step); ``budget``: how many nudges;
        ``output_names``: one label per output neuron, e.g. ``[f"digit {d}" for d in
        range(10)]``. The network is copied: changing it later does not change the game.
        """
        if not isinstance(net, Network):
            raise TypeError(f"the demon game needs an nbteach Network; got {type(net).__name__}")
        x, y = check_pair(x, y, net.n_in, net.n_out, single=True)
        if isinstance(step, (bool, np.bool_)) or not isinstance(step, numbers.Real) \
                or not np.isfinite(step) or step <= 0:
            raise ValueError(f"step (the size of a nudge) must be a positive number; got {step!r}")
        if isinstance(budget, (bool, np.bool_)) or not isinstance(budget, numbers.Integral) \
                or budget < 1:
            raise ValueError(f"budget must be a positive whole number of nudges; got {budget!r}")
        if output_names is not None:
            output_names = tuple(str(s) for s in output_names)
            if len(output_names) != net.n_out:
                raise ValueError(f"output_names needs one name per output neuron ({net.n_out}); "
                                 f"got {len(output_names)}")
        ws, bs = net._params()
        board = Board(sizes=tuple(net.sizes), weights=tuple(frozen_array(w) for w in ws),
                      biases=tuple(frozen_array(b) for b in bs), x=frozen_array(x), y=frozen_array(y),
                      activation=net.activation, cost=net.cost, step=float(step),
                      budget=int(budget), output_names=output_names)
        return cls(board, (board.position([np.zeros_like(b) for b in bs]),))

    # ---- the moves ---------------------------------------------------------------------

    def nudge(self, l, j, direction):
        """The game after adding ``direction`` × step to z^l_j (book layer l, neuron j).

        ``direction``: +1 or "up", -1 or "down". Raises, changing nothing, for a layer or
        neuron the network does not have, or when the budget is spent (``BudgetSpent``).
        """
        l, j = self.board.check_neuron(l, j)
        sign = _direction(direction)
        if self.moves_left == 0:
            raise BudgetSpent(f"no nudges left: all {self.board.budget} are spent; "
                              "undo a move or reset to play again")
        dz = sign * self.board.step
        before = self.position
        nudges = [np.array(n) for n in before.nudges]
        nudges[l - 2][j - 1, 0] += dz
        after = self.board.position(nudges)
        move = Move(number=len(self.moves) + 1, l=l, j=j, dz=dz,
                    delta=float(before.deltas[l - 2][j - 1, 0]), cost_before=before.cost,
                    cost_after=after.cost, name=self.board.neuron_name(l, j))
        return Game(self.board, self.positions + (after,), self.moves + (move,))

    def undo(self):
        """The game before the last move (ValueError if no move was made)."""
        if not self.moves:
            raise ValueError("nothing to undo: no move has been made")
        return Game(self.board, self.positions[:-1], self.moves[:-1])

    def reset(self):
        """The game at its start, with the whole budget."""
        return Game(self.board, self.positions[:1])

    # ---- what the board shows ----------------------------------------------------------

    @property
    def position(self):
        """The current ``Position``."""
        return self.positions[-1]

    @property
    def cost(self):
        return self.position.cost

    @property
    def start_cost(self):
        return self.positions[0].cost

    @property
    def saved(self):
        """The score: how much the nudges so far lowered the cost (start minus now)."""
        return self.start_cost - self.cost

    @property
    def costs(self):
        """The cost at the start and after each move."""
        return tuple(p.cost for p in self.positions)

    @property
    def moves_left(self):
        return self.board.budget - len(self.moves)

    @property
    def last(self):
        """The last ``Move``, or None."""
        return self.moves[-1] if self.moves else None

    def delta(self, l, j):
        """δ^l_j at the current position (book layer l, neuron j)."""
        l, j = self.board.check_neuron(l, j)
        return float(self.position.deltas[l - 2][j - 1, 0])

    def nudged(self, l, j):
        """The total Δz^l_j added so far."""
        l, j = self.board.check_neuron(l, j)
        return float(self.position.nudges[l - 2][j - 1, 0])

    def tally(self):
        """Each neuron nudged so far with its total Δz, in the order first nudged:
        ``(("z^3_10 (digit 9)", -1.0), ...)``."""
        seen = {}
        for m in self.moves:
            seen.setdefault((m.l, m.j), m.name)
        return tuple((name, self.nudged(l, j)) for (l, j), name in seen.items())

    def __repr__(self):
        sizes = "-".join(map(str, self.board.sizes))
        return (f"Game({sizes} network, nudges of ±{self.board.step:g}, "
                f"{len(self.moves)} of {self.board.budget} made: C = {self.cost:.4f}, "
                f"from {self.start_cost:.4f})")


def _direction(direction):
    """+1 or -1 from +1/"up" or -1/"down"; ValueError for anything else."""
    try:
        if not isinstance(direction, (bool, np.bool_)) and direction in DIRECTIONS:
            return DIRECTIONS[direction]
    except TypeError:                       # unhashable, e.g. a list
        pass
    raise ValueError(f'direction must be +1 or "up", -1 or "down"; got {direction!r}')
