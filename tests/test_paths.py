"""The big picture: the sum over paths equals backprop's gradient, for every weight."""
import numpy as np
import pytest

import nbteach as nt
from nbteach.paths import MAX_PATHS, paths_for_weight
from nbteach.widgets import PathExplorer

X = np.array([[0.5], [-1.0]])
Y = np.array([[1.0], [0.0]])


@pytest.mark.parametrize("sizes", [[2, 2], [2, 3, 2], [2, 3, 2, 2], [2, 2, 3, 2, 1]])
def test_sum_over_paths_equals_backprop_for_every_weight(sizes):
    net = nt.Network(sizes, seed=3)
    y = Y[: sizes[-1]]
    _, nabla_w = net.backprop(X, y)
    for l in range(2, len(sizes) + 1):
        for j in range(sizes[l - 1]):
            for k in range(sizes[l - 2]):
                ps = paths_for_weight(net, X, y, l, j, k)
                assert len(ps.paths) == int(np.prod(sizes[l:]))
                assert ps.backprop == nabla_w[l - 2][j, k]
                assert ps.total == pytest.approx(ps.backprop, rel=1e-10, abs=1e-15)


def test_each_path_is_the_product_of_its_factors():
    # 2-1-1 network by hand: one path from w^2_00; factors σ'(z^2) a^1_0, σ'(z^3) w^3_00, a^3 - y
    net = nt.Network([2, 1, 1], seed=0)
    ps = paths_for_weight(net, X, Y[:1], 2, 0, 0)
    (path,) = ps.paths
    z2 = net.weights[0] @ X + net.biases[0]
    a2 = nt.sigmoid(z2)
    z3 = net.weights[1] @ a2 + net.biases[1]
    a3 = nt.sigmoid(z3)
    expected = [nt.sigmoid_prime(z2)[0, 0] * X[0, 0],
                nt.sigmoid_prime(z3)[0, 0] * net.weights[1][0, 0],
                a3[0, 0] - Y[0, 0]]
    assert [v for _, v in path.factors] == pytest.approx(expected, rel=1e-14)
    assert path.rate == pytest.approx(np.prod(expected), rel=1e-14)


def test_bad_weight_indices_and_big_networks_are_refused():
    net = nt.Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="layer number from 2 to 3"):
        paths_for_weight(net, X, Y, 4, 0, 0)
    with pytest.raises(ValueError, match=r"w\^2 is 3×2"):
        paths_for_weight(net, X, Y, 2, 3, 0)
    wide = nt.Network([2, 3, 400, 400, 2], seed=0)
    assert 400 * 400 * 2 > MAX_PATHS
    with pytest.raises(ValueError, match="tiny"):
        paths_for_weight(wide, X, Y, 2, 0, 0)


def test_path_explorer_shows_every_weight_and_links_dropdown_to_stack():
    net = nt.Network([2, 3, 2, 2], seed=0)
    ex = PathExplorer(net, X, Y)
    assert len(ex.stack.children) == sum(w.size for w in net.weights) == 16
    (link,) = ex.links
    assert (link.source[0], link.source[1]) == (ex.dropdown, "index")
    assert (link.target[0], link.target[1]) == (ex.stack, "selected_index")
    ex.show(3, 1, 2)
    assert (ex.current.layer, ex.current.j, ex.current.k) == (3, 1, 2)
    assert ex.stack.selected_index == ex.dropdown.index
    assert repr(ex) == "PathExplorer: 16 weights of a 2-3-2-2 network; showing w^3_23 (2 paths)"
    bundle = ex._repr_mimebundle_()
    assert "backprop" in bundle["text/html"] and bundle["text/plain"] == repr(ex)
    with pytest.raises(ValueError, match="no weight"):
        ex.show(5, 0, 0)


def test_path_explorer_refuses_big_networks():
    with pytest.raises(ValueError, match="tiny networks"):
        PathExplorer(nt.Network([784, 30, 10], seed=0), np.zeros((784, 1)), np.zeros((10, 1)))


def test_all_path_sums_is_paths_for_weight_for_every_weight_in_order():
    from nbteach.paths import all_path_sums
    net = nt.Network([2, 3, 2, 2], seed=5)
    sums = all_path_sums(net, X, Y)
    expected = [paths_for_weight(net, X, Y, l, j, k) for l in (2, 3, 4)
                for j in range(net.sizes[l - 1]) for k in range(net.sizes[l - 2])]
    assert [(s.layer, s.j, s.k) for s in sums] == [(e.layer, e.j, e.k) for e in expected]
    assert all(s == e for s, e in zip(sums, expected))


def test_labels_use_the_books_neuron_numbers_and_say_where_python_keeps_the_weight():
    net = nt.Network([2, 3, 2], seed=0)
    x, y = np.array([[0.5], [0.2]]), np.array([[1.0], [0.0]])
    ps = paths_for_weight(net, x, y, 2, 1, 0)         # Python row 1, column 0 of weights[0]
    assert ps.weight_name == "w^2_21" and ps.python == "weights[0][1, 0]"
    assert str(ps.paths[0]).startswith("a^2_2 → a^3_1 → C")
    assert [label for label, _ in ps.paths[1].factors] == [
        "∂a/∂w", "∂a^3_2/∂a^2_2", "∂C/∂a^3_2"]
    assert "weights[0][1, 0]" in str(ps)
