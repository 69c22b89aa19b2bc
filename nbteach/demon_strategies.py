"""Ways to play the demon game, and the output layer as a player sees it.

A strategy is a plain function from a ``demon.Game`` to its next choice ``(l, j, direction)``
(the book's layer and neuron, from 1; +1 up, -1 down):

* ``greedy_choice``, the |δ| demon: the neuron with the largest |δ| at the current position,
  nudged against the sign of its δ. It reads δ, which the game gets from the package's
  backprop (one backward pass for every neuron at once).
* ``probing_choice``, the measuring demon: tries every possible nudge, two per neuron, and
  keeps the one that lowers the cost most, without reading δ at all.

``play_strategy`` plays one until the budget is spent; ``greedy_play`` and ``repeat_play``
(the same nudge again and again, as a learner pushing the most wrong neuron does) are the
plans the notebook compares. ``output_neurons`` reports each output neuron's a, y, σ'(z) and δ,
and ``saturated_but_wrong`` picks out the ones a player is tempted by: far from their targets,
yet with σ'(z), and so δ, tiny. Non-goal: the best possible play (no strategy here searches
more than one move ahead).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OutputNeuron", "greedy_choice", "probing_choice", "play", "play_strategy",
           "greedy_play", "repeat_play", "output_neurons", "most_wrong_output",
           "saturated_but_wrong"]


def greedy_choice(game):
    """``(l, j, direction)``: the neuron with the largest |δ| now, nudged against δ's sign.

    Ties go to the first neuron in book order (layer 2 first); a δ of exactly 0 is nudged up.
    """
    deltas = game.position.deltas
    best = max(((abs(d[j, 0]), -i, -j) for i, d in enumerate(deltas)
                for j in range(d.shape[0])))
    i, j = -best[1], -best[2]
    return i + 2, j + 1, (-1 if deltas[i][j, 0] > 0 else 1)


def probing_choice(game):
    """``(l, j, direction)``: the nudge that lowers the cost most, found by trying them all.

    The demon measuring instead of reading δ: one trial nudge up and one down on every
    neuron, each rerunning the network. Ties go to the first in book order, "down" before
    "up". Needs a nudge left in the budget, as any move does.
    """
    best = None
    for l in range(2, game.board.num_layers + 1):
        for j in range(1, game.board.sizes[l - 1] + 1):
            for direction in (-1, 1):
                cost = game.nudge(l, j, direction).cost
                if best is None or cost < best[0]:
                    best = (cost, (l, j, direction))
    return best[1]


def play(game, choices):
    """The game after the moves ``choices``, a sequence of ``(l, j, direction)``."""
    for l, j, direction in choices:
        game = game.nudge(l, j, direction)
    return game


def play_strategy(game, strategy, moves=None):
    """The game after ``moves`` moves (default: the rest of the budget) chosen by ``strategy``."""
    moves = game.moves_left if moves is None else moves
    for _ in range(moves):
        game = game.nudge(*strategy(game))
    return game


def greedy_play(game, moves=None):
    """The |δ| strategy: ``greedy_choice`` move after move, δ recomputed after each."""
    return play_strategy(game, greedy_choice, moves)


def repeat_play(game, l, j, direction, moves=None):
    """The same nudge of z^l_j again and again (default: until the budget is spent)."""
    return play_strategy(game, lambda _: (l, j, direction), moves)


# ---- the output layer as a player sees it ---------------------------------------------

@dataclass(frozen=True)
class OutputNeuron:
    """Output neuron j (from 1) at the current position: how wrong, how saturated, its δ."""

    j: int
    name: str
    a: float
    y: float
    sigma_prime: float
    delta: float

    @property
    def miss(self):
        """a^L_j - y_j."""
        return self.a - self.y


def output_neurons(game):
    """One ``OutputNeuron`` per output neuron, at the current position."""
    p, b = game.position, game.board
    return tuple(OutputNeuron(j=j + 1, name=b.neuron_name(b.num_layers, j + 1),
                              a=float(p.activations[-1][j, 0]), y=float(b.y[j, 0]),
                              sigma_prime=float(p.sigma_primes[-1][j, 0]),
                              delta=float(p.deltas[-1][j, 0]))
                 for j in range(b.sizes[-1]))


def most_wrong_output(game):
    """The output neuron with the largest |a^L_j - y_j| (the first, on a tie)."""
    return max(output_neurons(game), key=lambda o: (abs(o.miss), -o.j))


def saturated_but_wrong(game, *, min_miss=0.5, max_sigma_prime=0.01):
    """Output neurons far from their targets, |a - y| > ``min_miss``, whose σ'(z) is below
    ``max_sigma_prime`` (|z| > 4.6 for the sigmoid), most wrong first: the *stuck* outputs of
    notebook 14, whose δ = (a - y) σ'(z) is tiny however wrong they are."""
    found = [o for o in output_neurons(game)
             if abs(o.miss) > min_miss and o.sigma_prime < max_sigma_prime]
    return tuple(sorted(found, key=lambda o: (-abs(o.miss), o.j)))
