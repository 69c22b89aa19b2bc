"""The scalar autodiff and the graph of a network's cost, against independent references:
hand-worked cases, finite differences, and the package's own backprop."""
import math

import numpy as np
import pytest

import nbteach as nt
from nbteach.autodiff import Value, sum_of
from nbteach.gradcheck import numerical_gradient
from nbteach.netgraph import SweepStep, graph_of, record_sweep

EPS = 1e-6

# Each op as a function of its operands' numbers, so finite differences can check the local
# derivatives the op stored: f(*numbers) -> Value built from Values of those numbers.
OPS = {
    "a + b": (lambda a, b: a + b, (0.7, -1.3)),
    "a + 2": (lambda a: a + 2.0, (0.7,)),
    "2 + a": (lambda a: 2.0 + a, (0.7,)),
    "a * b": (lambda a, b: a * b, (0.7, -1.3)),
    "a * 3": (lambda a: a * 3.0, (0.7,)),
    "3 * a": (lambda a: 3.0 * a, (0.7,)),
    "a - b": (lambda a, b: a - b, (0.7, -1.3)),
    "a - 2": (lambda a: a - 2.0, (0.7,)),
    "2 - a": (lambda a: 2.0 - a, (0.7,)),
    "-a": (lambda a: -a, (0.7,)),
    "a ** 2": (lambda a: a ** 2, (0.7,)),
    "a ** 3": (lambda a: a ** 3, (-1.3,)),
    "a ** -1": (lambda a: a ** -1, (0.7,)),
    "a / b": (lambda a, b: a / b, (0.7, -1.3)),
    "a / 4": (lambda a: a / 4.0, (0.7,)),
    "2 / a": (lambda a: 2.0 / a, (0.7,)),
    "sigmoid(a)": (lambda a: a.sigmoid(), (0.7,)),
    "sigmoid(-4)": (lambda a: a.sigmoid(), (-4.0,)),
    "sum_of(a, b, c)": (lambda a, b, c: sum_of([a, b, c]), (0.7, -1.3, 2.5)),
}


@pytest.mark.parametrize("name", OPS)
def test_each_ops_local_derivatives_match_finite_differences(name):
    f, point = OPS[name]
    out = f(*(Value(v) for v in point))
    assert len(out.local_grads) == len(out.parents) == len(point)
    assert math.isclose(out.data, f(*(Value(v) for v in point)).data)
    if "/" in name:              # a / b is a * b**-1, two nodes: check the sweep's gradients
        return _check_chain(f, point)
    for i, local in enumerate(out.local_grads):
        up = [Value(v + EPS * (k == i)) for k, v in enumerate(point)]
        down = [Value(v - EPS * (k == i)) for k, v in enumerate(point)]
        numeric = (f(*up).data - f(*down).data) / (2 * EPS)
        assert math.isclose(local, numeric, rel_tol=1e-7, abs_tol=1e-9), (name, i, local, numeric)


def _check_chain(f, point):
    """The gradient the sweep leaves on each input, against finite differences."""
    inputs = [Value(v) for v in point]
    f(*inputs).backward()
    for i, v in enumerate(inputs):
        up = [Value(u + EPS * (k == i)) for k, u in enumerate(point)]
        down = [Value(u - EPS * (k == i)) for k, u in enumerate(point)]
        numeric = (f(*up).data - f(*down).data) / (2 * EPS)
        assert math.isclose(v.grad, numeric, rel_tol=1e-7, abs_tol=1e-9), (i, v.grad, numeric)


def test_division_and_powers():
    assert (Value(3.0) / Value(4.0)).data == 0.75 and (1 / Value(4.0)).data == 0.25
    assert (Value(3.0) / 4).data == 0.75 and (Value(-2.0) ** 3).data == -8.0
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** 0.5


def test_a_value_used_twice_adds_up_both_shares():
    # C = a b + a at a = 2, b = -3: ∂C/∂a = b + 1 = -2 (two shares: -3 and 1), ∂C/∂b = a = 2
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    C = (a * b + a).named("C")
    sweep = record_sweep(C)
    assert (C.data, a.grad, b.grad) == (-4.0, -2.0, 2.0)
    into_a = [s for s in sweep if s.parent is a]
    assert [s.product for s in into_a] == [1.0, -3.0]            # from C's +, then from a*b
    assert [(s.contribution, s.contributions) for s in into_a] == [(1, 2), (2, 2)]
    assert all(s.fans_out for s in into_a)
    assert into_a[-1].total == a.grad
    assert not any(s.fans_out for s in sweep if s.parent is b)


def test_x_times_x_is_one_node_with_the_same_parent_twice():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert y.parents == (x, x) and x.grad == 6.0                # 3 + 3: d(x²)/dx = 2x


def test_backward_starts_from_zero_every_time():
    a = Value(1.5)
    C = a * a * a
    C.backward()
    first = a.grad
    C.backward()
    assert a.grad == first == pytest.approx(3 * 1.5 ** 2)


def test_bad_operands_are_refused():
    with pytest.raises(TypeError):
        Value(1.0) + "2"
    with pytest.raises(TypeError):
        Value(True)
    with pytest.raises(TypeError):
        sum_of([])
    with pytest.raises(TypeError):
        sum_of([Value(1.0), 2.0])


def _example(sizes, seed):
    rng = np.random.default_rng(seed + 100)
    net = nt.Network(sizes, seed=seed)
    return net, rng.random((sizes[0], 1)), rng.random((sizes[-1], 1))


SIZES = [[1, 1], [2, 2, 1], [2, 3, 2], [3, 4, 4, 2], [4, 1, 3], [2, 5, 3, 4, 1]]


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_graphs_gradients_are_backprops(sizes, seed):
    net, x, y = _example(sizes, seed)
    graph = graph_of(net, x, y)
    graph.backward()
    trace = net.trace(x, y)
    nabla_b, nabla_w = graph.gradients()
    for got, want in zip(nabla_b + nabla_w + graph.deltas(),
                         trace.nabla_b + trace.nabla_w + trace.deltas):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # the forward pass too: every z and a, and the cost
    for l in range(2, len(sizes) + 1):
        for j in range(1, sizes[l - 1] + 1):
            assert math.isclose(graph.zs[l, j].data, trace.zs[l - 2][j - 1, 0], rel_tol=1e-12,
                                abs_tol=1e-15)
            assert math.isclose(graph.activations[l, j].data, trace.activations[l - 1][j - 1, 0],
                                rel_tol=1e-12)
    assert math.isclose(graph.cost.data, trace.cost, rel_tol=1e-12)


def test_the_graph_agrees_with_finite_differences():
    net, x, y = _example([3, 4, 2], 5)
    graph = graph_of(net, x, y)
    graph.backward()
    nabla_b, nabla_w = graph.gradients()
    num_b, num_w = numerical_gradient(net, x, y)
    for got, want in zip(nabla_b + nabla_w, num_b + num_w):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_a_one_neuron_network_worked_by_hand():
    # w = 0, b = 0, x = 1, y = 1: z = 0, a = 1/2, C = ½ (1/2 - 1)² = 1/8,
    # δ = (a - y) σ'(0) = -1/2 · 1/4 = -1/8 = ∂C/∂b, and ∂C/∂w = x δ = -1/8
    net = nt.Network([1, 1], seed=0)
    net.weights, net.biases = [np.zeros((1, 1))], [np.zeros((1, 1))]
    graph = graph_of(net, np.ones((1, 1)), np.ones((1, 1)))
    graph.backward()
    assert graph.cost.data == 0.125
    assert graph.zs[2, 1].grad == graph.biases[2, 1].grad == graph.weights[2, 1, 1].grad == -0.125
    assert graph.activations[2, 1].grad == -0.5


@pytest.mark.parametrize("sizes", [[2, 2, 1], [2, 3, 2], [3, 4, 4, 2]])
def test_the_recorded_sweep_is_in_a_valid_order_and_adds_up(sizes):
    net, x, y = _example(sizes, 0)
    graph = graph_of(net, x, y)
    sweep = graph.backward()
    assert all(isinstance(s, SweepStep) for s in sweep)
    assert [s.index for s in sweep] == list(range(len(sweep)))
    assert len(sweep) == sum(len(v.parents) for v in graph.nodes)     # one step per edge
    first_as_node, last_as_parent = {}, {}
    for s in sweep:
        first_as_node.setdefault(s.node, s.index)
        last_as_parent[s.parent] = s.index
        assert s.upstream == s.node.grad                  # the node's gradient was complete
        assert s.product == s.local * s.upstream
    # a node passes its gradient back only after every share has reached it
    for v, i in first_as_node.items():
        assert v is graph.cost or last_as_parent[v] < i
    # the shares into each node add up to its gradient, numbered 1..m in order
    for v in graph.nodes:
        into = [s for s in sweep if s.parent is v]
        if v is graph.cost:
            assert not into and v.grad == 1.0
            continue
        assert [s.contribution for s in into] == list(range(1, len(into) + 1))
        assert all(s.contributions == len(into) for s in into)
        assert math.isclose(sum(s.product for s in into), v.grad, rel_tol=1e-12, abs_tol=1e-300)
        assert into[-1].total == v.grad


def test_the_sweep_goes_back_layer_by_layer():
    net, x, y = _example([2, 3, 3, 2], 0)
    graph = graph_of(net, x, y)
    sweep = graph.backward()
    layers = [graph.roles[s.node][1] for s in sweep if graph.roles[s.node][0] in "za"]
    assert layers == sorted(layers, reverse=True)


def test_fan_out_where_a_value_feeds_several_nodes():
    net, x, y = _example([2, 3, 2], 0)
    graph = graph_of(net, x, y)
    sweep = graph.backward()
    fanning = {graph.roles[s.parent] for s in sweep if s.fans_out}
    # inputs feed 3 hidden neurons, hidden activations feed 2 outputs, squares feed one sum
    assert fanning == {("a", 1, 1), ("a", 1, 2), ("a", 2, 1), ("a", 2, 2), ("a", 2, 3)}
    # BP2's carried-back error: the shares into a^2_j add up to ((w^3)ᵀ δ^3)_j
    carried = net.trace(x, y).hadamards[0].left
    for j in (1, 2, 3):
        assert math.isclose(graph.activations[2, j].grad, carried[j - 1, 0], rel_tol=1e-12)


def test_labels_are_the_books_one_based():
    net, x, y = _example([2, 3, 2], 0)
    graph = graph_of(net, x, y)
    labels = {v.label for v in graph.nodes}
    assert {"a^1_1", "a^1_2", "w^2_{11}", "w^2_{32}", "b^2_3", "z^2_1", "a^2_3", "w^3_{23}",
            "b^3_2", "z^3_2", "a^3_2", "a^3_1 - y_1", "(a^3_2 - y_2)^2", "C"} <= labels
    assert not any("_0" in s or "{0" in s or "^0" in s for s in labels)
    assert graph.weights[3, 2, 3].data == net.weights[1][1, 2]       # w^3_23 is weights[1][1, 2]
    assert graph.weights[2, 1, 2].data == net.weights[0][0, 1]       # w^2_12 is weights[0][0, 1]
    assert graph.biases[2, 3].data == net.biases[0][2, 0]
    assert graph.weights[3, 2, 3].label == "w^3_{23}"
    assert graph_of(nt.Network([12, 1], seed=0), np.ones((12, 1)),
                    np.ones((1, 1))).weights[2, 1, 12].label == "w^2_{1,12}"


def test_work_counts_match_the_three_matrix_products():
    sizes = [3, 4, 2]
    net, x, y = _example(sizes, 0)
    graph = graph_of(net, x, y)
    work = graph.work(graph.backward())
    assert [w.layer for w in work] == [2, 3]
    for w, n_prev, n in zip(work, sizes[:-1], sizes[1:]):
        assert w.products == w.into_weights == w.into_inputs == n * n_prev
        assert w.into_biases == w.through_sigma == n


def test_graph_of_refuses_what_it_does_not_build():
    with pytest.raises(ValueError, match="sigmoid"):
        graph_of(nt.Network([2, 1], seed=0, activation="tanh"), np.ones((2, 1)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="quadratic"):
        graph_of(nt.Network([2, 1], seed=0, cost="cross-entropy"), np.ones((2, 1)),
                 np.ones((1, 1)))
    with pytest.raises(ValueError):
        graph_of(nt.Network([2, 1], seed=0), np.ones((3, 1)), np.ones((1, 1)))
    with pytest.raises(ValueError):
        graph_of(nt.Network([2, 1], seed=0), np.ones((2, 2)), np.ones((1, 2)))


def test_the_digit_of_notebook_13_is_an_eight():
    _, test = nt.load_mnist_subset()
    assert test.labels[5] == 8 and test.Y[8, 5] == 1.0               # test[5]: output neuron 9
