"""The demon game's logic against direct computation, finite differences and a hand-worked case."""
import dataclasses

import numpy as np
import pytest

import nbteach as nt
from nbteach import demon_strategies as strategies
from nbteach.demon import BudgetSpent, Game

SIZES = [[2, 3, 2], [3, 4, 3, 2], [4, 5, 3]]


def example(sizes, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((sizes[0], 1)), rng.uniform(0.05, 0.95, (sizes[-1], 1))


def start(sizes, seed=1, **kw):
    net = nt.Network(sizes, seed=seed, **{k: kw.pop(k) for k in ("activation", "cost") if k in kw})
    x, y = example(sizes, seed)
    return net, x, y, Game.start(net, x, y, **kw)


def cost_with_nudges(net, x, y, nudges):
    """C when each nudge is added to the weighted input, z^l = w^l a^{l-1} + b^l + Δz^l, and
    the forward pass goes on from there (as gradcheck.demon_check does): no backprop used."""
    a = x
    for w, b, n in zip(net.weights, net.biases, nudges):
        z = w @ a + b
        a = net.activation(z + n)
    return net.cost.fn(a, y)


def demon_deltas(net, x, y, nudges, eps=1e-6):
    """δ^l_j at a nudged state from central differences of the cost in z^l_j."""
    out = []
    for i, n in enumerate(nudges):
        d = np.zeros_like(n)
        for j in range(n.shape[0]):
            up = [q.copy() for q in nudges]
            down = [q.copy() for q in nudges]
            up[i][j, 0] += eps
            down[i][j, 0] -= eps
            d[j, 0] = (cost_with_nudges(net, x, y, up) - cost_with_nudges(net, x, y, down)) / (2 * eps)
        out.append(d)
    return out


def random_moves(sizes, n, seed=0):
    rng = np.random.default_rng(seed)
    moves = []
    for _ in range(n):
        l = int(rng.integers(2, len(sizes) + 1))
        moves.append((l, int(rng.integers(1, sizes[l - 1] + 1)), int(rng.choice([-1, 1]))))
    return moves


# ---- a case worked by hand ---------------------------------------------------------------

def test_one_neuron_by_hand():
    # z = w x + b = 0, a = σ(0) = 1/2, C = ½ (a − y)² = ½ (1/2 − 1)² = 0.125,
    # δ = (a − y) σ'(0) = (−1/2)(1/4) = −0.125. The |δ| demon nudges up: z = 0.5,
    # a = σ(0.5) = 0.62246, C = ½ (0.37754)² = 0.071268.
    net = nt.Network([1, 1], seed=0)
    net.weights, net.biases = [np.zeros((1, 1))], [np.zeros((1, 1))]
    g = Game.start(net, np.ones((1, 1)), np.ones((1, 1)), step=0.5, budget=1)
    assert g.cost == pytest.approx(0.125) and g.delta(2, 1) == pytest.approx(-0.125)
    assert strategies.greedy_choice(g) == (2, 1, 1)
    g1 = strategies.greedy_play(g)
    assert g1.cost == pytest.approx(0.5 * (1 / (1 + np.exp(-0.5)) - 1) ** 2)
    assert g1.cost == pytest.approx(0.071268, abs=1e-6)
    m = g1.last
    assert (m.number, m.l, m.j, m.dz, m.name) == (1, 2, 1, 0.5, "z^2_1")
    assert m.predicted == pytest.approx(-0.0625) and m.measured == pytest.approx(0.071268 - 0.125,
                                                                                 abs=1e-6)
    assert g1.saved == pytest.approx(0.125 - 0.071268, abs=1e-6) and g1.moves_left == 0


# ---- positions against direct computation --------------------------------------------------

@pytest.mark.parametrize("activation, cost", [(nt.sigmoid, nt.QuadraticCost),
                                              (nt.tanh, nt.QuadraticCost),
                                              (nt.sigmoid, nt.CrossEntropyCost)])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "-".join(map(str, s)))
def test_every_position_matches_a_forward_pass_with_the_nudges_added_to_z(sizes, activation, cost):
    net, x, y, g = start(sizes, activation=activation, cost=cost, step=0.3, budget=6)
    for l, j, d in random_moves(sizes, 6):
        g = g.nudge(l, j, d)
    nudges = [np.zeros((n, 1)) for n in sizes[1:]]
    assert g.costs[0] == pytest.approx(cost_with_nudges(net, x, y, nudges), rel=1e-12)
    for k, m in enumerate(g.moves, start=1):
        nudges[m.l - 2][m.j - 1, 0] += m.dz
        expected = cost_with_nudges(net, x, y, nudges)
        assert g.costs[k] == pytest.approx(expected, rel=1e-12)
        assert (m.cost_before, m.cost_after) == (g.costs[k - 1], g.costs[k])
    for got, want in zip(g.position.nudges, nudges):
        assert np.array_equal(got, want)
    # δ at the nudged state is the demon's ΔC/Δz there, measured without BP1 or BP2
    for got, want in zip(g.position.deltas, demon_deltas(net, x, y, nudges)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-9)


def test_each_move_records_delta_before_it_and_what_it_did():
    net, x, y, g = start([3, 4, 3, 2], step=0.2, budget=5)
    for l, j, d in random_moves([3, 4, 3, 2], 5, seed=3):
        before = g
        g = g.nudge(l, j, d)
        m = g.last
        assert m.number == len(g.moves) and (m.l, m.j, m.dz) == (l, j, 0.2 * d)
        assert m.delta == before.delta(l, j)
        assert m.predicted == m.delta * m.dz and m.measured == g.cost - before.cost
        assert g.nudged(l, j) == pytest.approx(before.nudged(l, j) + 0.2 * d)


def test_nudges_accumulate_and_directions_have_names():
    *_, g = start([2, 3, 2], step=0.25)
    g = g.nudge(2, 3, "up").nudge(2, 3, 1).nudge(3, 1, "down").nudge(2, 3, -1)
    assert g.nudged(2, 3) == 0.25 and g.nudged(3, 1) == -0.25 and g.nudged(2, 1) == 0
    assert [m.dz for m in g.moves] == [0.25, 0.25, -0.25, -0.25]


def test_the_first_order_estimate_is_good_for_small_nudges_only():
    for sizes in SIZES:
        net, x, y, small = start(sizes, step=1e-3)
        *_, large = start(sizes, step=5.0)
        l, j, d = strategies.greedy_choice(small)
        s, b = small.nudge(l, j, d).last, large.nudge(l, j, d).last
        assert abs(s.measured - s.predicted) < 0.01 * abs(s.predicted)
        assert abs(b.measured - b.predicted) > 0.1 * abs(b.predicted)


# ---- refused moves change nothing ----------------------------------------------------------

@pytest.mark.parametrize("move, error, text", [
    ((1, 1, 1), ValueError, "input layer l = 1"),
    ((4, 1, 1), ValueError, "from 2 to L = 3"),
    ((0, 1, 1), ValueError, "from 2 to L = 3"),
    ((2, 0, 1), ValueError, "j = 1 to 3"),
    ((3, 3, 1), ValueError, "j = 1 to 2"),
    ((2.0, 1, 1), TypeError, "integer"),
    ((2, True, 1), TypeError, "integer"),
    ((2, "1", 1), TypeError, "integer"),
    ((2, 1, 0), ValueError, "direction"),
    ((2, 1, "sideways"), ValueError, "direction"),
    ((2, 1, [1]), ValueError, "direction"),
    ((2, 1, True), ValueError, "direction"),
])
def test_bad_moves_are_refused_with_a_clear_error_and_change_nothing(move, error, text):
    *_, g = start([2, 3, 2], budget=3)
    g = g.nudge(2, 2, 1)
    snapshot = (g.positions, g.moves, [n.copy() for n in g.position.nudges], g.cost)
    with pytest.raises(error, match=text):
        g.nudge(*move)
    assert (g.positions, g.moves, g.cost) == (snapshot[0], snapshot[1], snapshot[3])
    assert all(np.array_equal(a, b) for a, b in zip(g.position.nudges, snapshot[2]))
    assert g.moves_left == 2


def test_a_spent_budget_refuses_the_next_nudge_until_undo_or_reset():
    *_, g = start([2, 3, 2], budget=2)
    full = g.nudge(3, 1, 1).nudge(3, 1, 1)
    assert full.moves_left == 0
    with pytest.raises(BudgetSpent, match="all 2 are spent"):
        full.nudge(2, 1, 1)
    assert isinstance(BudgetSpent("x"), ValueError) and len(full.moves) == 2
    for strategy in (strategies.greedy_choice, strategies.probing_choice):
        with pytest.raises(BudgetSpent):
            strategies.play_strategy(full, strategy, moves=1)
    assert full.undo().nudge(2, 1, 1).moves_left == 0
    assert full.reset().moves_left == 2


def test_undo_and_reset_return_the_earlier_games_exactly():
    *_, g0 = start([3, 4, 3, 2], budget=4)
    g1 = g0.nudge(2, 4, 1)
    g2 = g1.nudge(3, 2, -1)
    assert g2.undo().positions == g1.positions and g2.undo().moves == g1.moves
    assert g2.undo().undo().cost == g0.cost == g2.reset().cost == g2.start_cost
    assert g2.reset().positions == g0.positions and g2.reset().moves == ()
    with pytest.raises(ValueError, match="nothing to undo"):
        g0.undo()
    assert len(g2.moves) == 2 and len(g1.moves) == 1        # the earlier games are untouched


def test_records_are_frozen_and_the_network_is_copied():
    net, x, y, g = start([2, 3, 2])
    g = g.nudge(2, 1, 1)
    for record, field in ((g, "moves"), (g.board, "step"), (g.position, "cost"),
                          (g.last, "dz")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, None)
    for arrays in (g.board.weights, g.board.biases, g.position.nudges, g.position.deltas,
                   g.position.zs, (g.board.x, g.board.y)):
        for a in arrays:
            with pytest.raises(ValueError, match="read-only"):
                a[0, 0] = 1.0
    cost = g.cost
    net.weights[0][:] = 0.0                          # the learner's network changes later ...
    x[:] = 0.0
    assert g.reset().nudge(2, 1, 1).cost == cost     # ... the game does not


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(step=0), ValueError, "step"), (dict(step=-0.1), ValueError, "step"),
    (dict(step=float("nan")), ValueError, "step"), (dict(step="0.25"), ValueError, "step"),
    (dict(budget=0), ValueError, "budget"), (dict(budget=2.5), ValueError, "budget"),
    (dict(output_names=["a"]), ValueError, "one name per output neuron"),
])
def test_a_game_checks_how_it_is_set_up(kwargs, error, text):
    net = nt.Network([2, 3, 2], seed=0)
    x, y = example([2, 3, 2])
    with pytest.raises(error, match=text):
        Game.start(net, x, y, **kwargs)
    with pytest.raises(TypeError, match="Network"):
        Game.start([2, 3, 2], x, y)
    with pytest.raises(ValueError, match="shape"):
        Game.start(net, x.T, y)


# ---- the strategies ------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "-".join(map(str, s)))
def test_the_greedy_strategy_nudges_the_largest_delta_against_its_sign(sizes):
    net, x, y, g = start(sizes, step=0.25, budget=8)
    played = strategies.greedy_play(g)
    assert len(played.moves) == 8
    nudges = [np.zeros((n, 1)) for n in sizes[1:]]
    for m in played.moves:
        # the reference: δ from the demon's finite differences at the state before the move
        deltas = demon_deltas(net, x, y, nudges)
        flat = np.concatenate([d.ravel() for d in deltas])
        k = int(np.argmax(np.abs(flat)))
        l = next(i for i in range(len(deltas)) if k < sum(d.size for d in deltas[:i + 1])) + 2
        j = k - sum(d.size for d in deltas[:l - 2]) + 1
        assert (m.l, m.j) == (l, j)
        assert np.sign(m.dz) == -np.sign(flat[k])
        nudges[m.l - 2][m.j - 1, 0] += m.dz
    assert played.moves[0].measured < 0                # against δ's sign, the cost goes down


def test_greedy_ties_go_to_the_first_neuron_and_a_zero_delta_is_nudged_up():
    net = nt.Network([2, 2, 2], seed=0)
    net.weights = [np.zeros((2, 2)), np.zeros((2, 2))]
    net.biases = [np.zeros((2, 1)), np.zeros((2, 1))]
    g = Game.start(net, np.ones((2, 1)), np.full((2, 1), 0.5))   # a = y: every δ is 0
    assert all(not d.any() for d in g.position.deltas)
    assert strategies.greedy_choice(g) == (2, 1, 1)
    g = Game.start(net, np.ones((2, 1)), np.ones((2, 1)))         # equal output δ's, hidden 0
    assert strategies.greedy_choice(g) == (3, 1, 1)


def test_probing_finds_the_best_single_nudge_by_trying_every_one():
    for sizes in SIZES:
        net, x, y, g = start(sizes, step=0.5)
        l, j, d = strategies.probing_choice(g)
        best = g.nudge(l, j, d).cost
        every = [g.nudge(l2, j2, d2).cost for l2 in range(2, len(sizes) + 1)
                 for j2 in range(1, sizes[l2 - 1] + 1) for d2 in (-1, 1)]
        assert best == min(every)
        # for tiny nudges, measuring and reading δ agree
        *_, tiny = start(sizes, step=1e-4)
        assert strategies.probing_choice(tiny) == strategies.greedy_choice(tiny)


def test_play_and_repeat_play():
    *_, g = start([2, 3, 2], budget=5)
    assert [(m.l, m.j, m.dz) for m in strategies.play(g, [(2, 1, 1), (3, 2, -1)]).moves] == [
        (2, 1, 0.25), (3, 2, -0.25)]
    r = strategies.repeat_play(g, 3, 2, -1)
    assert len(r.moves) == 5 and r.nudged(3, 2) == -1.25
    assert len(strategies.repeat_play(g, 3, 2, -1, moves=2).moves) == 2
    with pytest.raises(BudgetSpent):
        strategies.greedy_play(g, moves=6)


def test_scores_and_the_greedy_strategy_on_a_saturated_wrong_neuron():
    # Notebook 05's stuck network: output neuron 2 answers 0.9997 where its target is 0.
    net = nt.Network([2, 3, 2], seed=0)
    net.biases = [net.biases[0], net.biases[1] + np.array([[0.0], [10.0]])]
    x, y = np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])
    g = Game.start(net, x, y, step=0.25, budget=8)
    worst = strategies.most_wrong_output(g)
    assert (worst.j, worst.name) == (2, "z^3_2") and worst.a > 0.999 and worst.y == 0
    assert worst.miss == worst.a - worst.y and worst.sigma_prime < 1e-3
    assert strategies.saturated_but_wrong(g) == (worst,)
    assert worst.delta == g.delta(3, 2) == pytest.approx(worst.miss * worst.sigma_prime)
    greedy = strategies.greedy_play(g)
    stuck = strategies.repeat_play(g, 3, 2, -1)
    assert greedy.saved == pytest.approx(g.start_cost - greedy.cost)
    assert greedy.saved > 50 * stuck.saved > 0
    assert all((m.l, m.j) != (3, 2) for m in greedy.moves)


def test_output_neurons_report_each_output_at_the_current_position():
    net, x, y, g = start([3, 4, 3], output_names=["cat", "dog", "owl"])
    g = g.nudge(3, 2, 1)
    outs = strategies.output_neurons(g)
    assert [o.name for o in outs] == ["z^3_1 (cat)", "z^3_2 (dog)", "z^3_3 (owl)"]
    for o in outs:
        assert o.a == g.position.activations[-1][o.j - 1, 0] and o.y == y[o.j - 1, 0]
        assert o.sigma_prime == pytest.approx(o.a * (1 - o.a))
        assert o.delta == g.delta(3, o.j)
    assert strategies.saturated_but_wrong(g, min_miss=0.0, max_sigma_prime=1.0) == tuple(
        sorted(outs, key=lambda o: -abs(o.miss)))
    assert g.last.name == "z^3_2 (dog)"


def test_repr_is_short_and_deterministic():
    *_, g = start([2, 3, 2])
    assert repr(g.nudge(3, 1, 1)) == repr(g.nudge(3, 1, 1))
    assert repr(g).startswith("Game(2-3-2 network, nudges of ±0.25, 0 of 8 made: C = ")
    assert str(g.nudge(3, 1, 1).last).startswith("move 1: Δz^3_1 = +0.25, C ")


def test_tally_sums_the_nudges_of_each_neuron_in_the_order_first_nudged():
    *_, g = start([2, 3, 2], output_names=["yes", "no"])
    g = strategies.play(g, [(3, 2, 1), (2, 1, -1), (3, 2, 1), (2, 1, 1), (3, 1, -1)])
    assert g.tally() == (("z^3_2 (no)", 0.5), ("z^2_1", 0.0), ("z^3_1 (yes)", -0.25))
    assert g.reset().tally() == ()
