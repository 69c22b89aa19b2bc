"""The backprop trace: the very numbers backprop computes, in the book's order, frozen."""
import dataclasses

import numpy as np
import pytest

import nbteach as nt
from nbteach.backprop import BOOK_BACKPROP_SOURCE, backprop_stages


def _net_and_data(sizes=(3, 4, 5, 2), m=1, seed=0, **kw):
    net = nt.Network(list(sizes), seed=seed, **kw)
    rng = np.random.default_rng(seed + 1)
    return net, rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))


def _same_lists(a, b):
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b))


@pytest.mark.parametrize("m", [1, 4])
@pytest.mark.parametrize("sizes", [(2, 1), (3, 4, 2), (3, 4, 5, 2), (2, 3, 3, 3, 1)])
def test_trace_numbers_identical_to_backprop(sizes, m):
    net, x, y = _net_and_data(sizes, m)
    t = net.trace(x, y)
    st = backprop_stages(net.weights, net.biases, x, y, net.activation, net.cost)
    assert _same_lists(t.zs, st.zs)
    assert _same_lists(t.activations, st.activations)
    assert _same_lists(t.deltas, st.deltas)
    assert _same_lists(t.nabla_b, st.nabla_b)
    assert _same_lists(t.nabla_w, st.nabla_w)
    assert _same_lists(t.weights, net.weights) and _same_lists(t.biases, net.biases)
    nb, nw = net.backprop(x, y) if m == 1 else net.backprop_batch(x, y)
    assert _same_lists(t.nabla_b, nb) and _same_lists(t.nabla_w, nw)
    assert np.array_equal(t.x, x) and np.array_equal(t.y, y)
    assert t.batch_size == m and t.num_layers == len(sizes)
    assert t.sizes == tuple(sizes)
    assert t.cost == net.cost.fn(net.feedforward(x), y)
    L = len(sizes)
    # layer l's arrays, by the book's layer number
    for l in range(2, L + 1):
        d = t.layer(l)
        assert np.array_equal(d["z"], st.zs[l - 2])
        assert np.array_equal(d["a"], st.activations[l - 1])
        assert np.array_equal(d["a_prev"], st.activations[l - 2])
        assert np.array_equal(d["delta"], st.deltas[l - 2])
        assert d["hadamard"].layer == l
    for bad in (1, L + 1, 2.0):
        with pytest.raises(ValueError, match="layer"):
            t.layer(bad)


def _expected_order(L):
    order = [("feedforward", l) for l in range(2, L + 1)]
    order.append(("BP1", L))
    order += [("BP2", l) for l in range(L - 1, 1, -1)]
    for l in range(L, 1, -1):
        order += [("BP3", l), ("BP4", l)]
    return order


@pytest.mark.parametrize("sizes", [(2, 1), (3, 4, 2), (3, 4, 5, 2), (2, 3, 3, 3, 1)])
def test_step_order_and_labels(sizes):
    net, x, y = _net_and_data(sizes)
    t = net.trace(x, y)
    L = len(sizes)
    assert [(s.equation, s.layer) for s in t.steps] == _expected_order(L)
    assert len(t) == len(t.steps) == (L - 1) + 1 + (L - 2) + 2 * (L - 1)
    n = len(t.steps)
    for i, s in enumerate(t.steps):
        assert s.index == i
        assert s.heading(n) == f"Step {i + 1} of {n} · {s.equation} · l = {s.layer}"
        assert s.direction == ("forward" if s.equation == "feedforward" else "backward")
        assert s.latex and s.code and s.description and s.result_name
        assert len(s.operands) >= 1
        assert all(isinstance(v, np.ndarray) for v in s.operands.values())
        assert isinstance(s.result, np.ndarray)
        # the code is those lines of the book's backprop
        lines = BOOK_BACKPROP_SOURCE.splitlines()
        assert s.code == "\n".join(lines[k - 1] for k in s.code_lines)
        assert f"{{{s.layer}}}" in s.latex          # this step's layer is filled in
    assert t.steps[0].heading(n).startswith(f"Step 1 of {n} · feedforward · l = 2")


def test_step_contents_name_the_books_symbols():
    net, x, y = _net_and_data((3, 4, 5, 2))
    t = net.trace(x, y)
    by = {(s.equation, s.layer): s for s in t.steps}
    ff = by["feedforward", 3]
    assert list(ff.operands) == ["w^3", "a^2", "b^3"]
    assert np.array_equal(ff.operands["w^3"], net.weights[1])
    assert np.array_equal(ff.intermediates["z^3"], t.zs[1])
    assert np.array_equal(ff.result, t.activations[2]) and ff.result_name == "a^3"
    assert "np.dot(w, activation)+b" in ff.code and "sigmoid(z)" in ff.code
    bp1 = by["BP1", 4]
    assert list(bp1.operands) == ["∇_a C", "σ'(z^4)"]
    assert np.array_equal(bp1.operands["∇_a C"], t.activations[-1] - y)
    assert np.array_equal(bp1.result, t.deltas[-1]) and bp1.result_name == "δ^4"
    assert "cost_derivative" in bp1.code and r"\odot" in bp1.latex
    bp2 = by["BP2", 2]
    assert {"w^3", "δ^3", "(w^3)ᵀ δ^3", "σ'(z^2)"} <= set(bp2.operands)
    assert np.array_equal(bp2.result, t.deltas[0])
    assert "transpose()" in bp2.code and "sigmoid_prime" in bp2.code
    assert r"\delta^{2}" in bp2.latex and "w^{3}" in bp2.latex
    bp3 = by["BP3", 4]
    assert np.array_equal(bp3.result, t.nabla_b[-1]) and "nabla_b[-1]" in bp3.code
    assert "nabla_b[-l]" in by["BP3", 2].code
    bp4 = by["BP4", 3]
    assert np.array_equal(bp4.operands["a^2"], t.activations[1])
    assert np.array_equal(bp4.result, t.nabla_w[1]) and "nabla_w[-l]" in bp4.code


@pytest.mark.parametrize("m", [1, 3])
def test_hadamard_records(m):
    net, x, y = _net_and_data((3, 4, 5, 2), m)
    t = net.trace(x, y)
    L = 4
    assert [h.layer for h in t.hadamards] == [2, 3, 4]
    assert [h.equation for h in t.hadamards] == ["BP2", "BP2", "BP1"]
    for i, h in enumerate(t.hadamards):
        assert np.array_equal(h.left * h.right, h.result)
        assert np.array_equal(h.result, t.deltas[i])
        assert np.array_equal(h.right, net.activation.prime(t.zs[i]))
        assert h.left.shape == h.right.shape == h.result.shape == (net.sizes[i + 1], m)
        assert h.result_name == f"δ^{h.layer}" and h.right_name == f"σ'(z^{h.layer})"
        if h.layer < L:
            assert np.array_equal(h.left, net.weights[i + 1].T @ t.deltas[i + 1])
        else:
            assert np.array_equal(h.left, net.cost.derivative(t.activations[-1], y))
        assert "⊙" in repr(h) and h.equation in repr(h)
        assert h.equation in h._repr_html_()
    steps = [s for s in t.steps if s.hadamard is not None]
    assert [(s.equation, s.layer) for s in steps] == [("BP1", 4), ("BP2", 3), ("BP2", 2)]


def test_trace_is_frozen_and_read_only():
    net, x, y = _net_and_data((3, 4, 2))
    t = net.trace(x, y)
    step, h = t.steps[0], t.hadamards[0]
    for obj, field in ((t, "zs"), (t, "cost"), (step, "result"), (step, "layer"), (h, "left")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, None)
    arrays = (t.zs + t.activations + t.deltas + t.nabla_b + t.nabla_w + t.weights + t.biases
              + [t.x, t.y, step.result, h.left, h.right, h.result]
              + list(step.operands.values()))
    for a in arrays:
        with pytest.raises(ValueError, match="read-only"):
            a[0, 0] = 1.0
    with pytest.raises(TypeError):
        step.operands["new"] = np.zeros(1)
    # The trace holds copies: training the network afterwards does not change it,
    # and the caller's arrays stay writeable.
    w_before = t.weights[0].copy()
    net.update_mini_batch([(x, y)], 1.0)
    assert np.array_equal(t.weights[0], w_before)
    assert not np.array_equal(net.weights[0], w_before)
    x[0, 0] = 5.0


def test_reprs_are_readable_and_html_names_the_equations():
    net, x, y = _net_and_data((3, 4, 2), m=2)
    t = net.trace(x, y)
    r = repr(t)
    assert r.startswith("BackpropTrace(3-4-2 network, 2 example(s), ")
    assert "sigmoid" in r and "quadratic" in r and "array(" not in r
    assert len(r) < 200
    s = repr(t.steps[2])
    assert s.startswith("Step(3: BP1 at l=3") and "array(" not in s
    html = t._repr_html_()
    for eq in ("feedforward", "BP1", "BP2", "BP3", "BP4"):
        if eq == "BP2" and net.num_layers < 3:
            continue
        assert eq in html
    assert "<table" in html and html.count("<tr>") == len(t.steps) + 1
    assert "BP1" in t.steps[2]._repr_html_()


def test_trace_of_a_batch_sums_and_says_so():
    net, X, Y = _net_and_data((3, 4, 2), m=5)
    t = net.trace(X, Y)
    assert t.batch_size == 5
    assert all(z.shape[1] == 5 for z in t.zs) and all(d.shape[1] == 5 for d in t.deltas)
    for i in range(2):
        assert np.array_equal(t.nabla_b[i], t.deltas[i].sum(axis=1, keepdims=True))
    bp3 = next(s for s in t.steps if s.equation == "BP3")
    assert r"\sum_x" in bp3.latex and "summed" in bp3.description
    single = net.trace(X[:, :1], Y[:, :1])
    assert r"\sum_x" not in next(s for s in single.steps if s.equation == "BP3").latex
    # column j of the batch trace is the trace of example j (to rounding)
    for a, b in zip(single.zs + single.deltas, t.zs + t.deltas):
        np.testing.assert_allclose(a[:, 0], b[:, 0], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("activation", [nt.tanh, nt.linear, nt.relu])
def test_trace_with_other_activations(activation):
    net, x, y = _net_and_data((3, 4, 2), activation=activation)
    t = net.trace(x, y)
    assert t.activation == activation.name
    nb, nw = net.backprop(x, y)
    assert _same_lists(t.nabla_b, nb) and _same_lists(t.nabla_w, nw)
    for h, z in zip(t.hadamards, t.zs):
        assert np.array_equal(h.right, activation.prime(z))
