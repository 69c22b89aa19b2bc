"""The exercise checkers pass right answers and explain typical wrong ones."""
import numpy as np
import pytest

import nbteach as nt
from nbteach import exercises as ex
from nbteach.exercises import (
    check_bp3_bp4,
    check_linear_neurons,
    check_matrix_backprop,
    check_modified_neuron,
    check_sigma_prime_form,
)
from nbteach.gradcheck import relative_error

# ---- right answers, written the way a learner would -----------------------------------

def feedforward(net, x, act=nt.sigmoid):
    a, activations, zs = x, [x], []
    for w, b in zip(net.weights, net.biases):
        z = w @ a + b
        zs.append(z)
        a = act(z)
        activations.append(a)
    return zs, activations


def sigma_form(net, x, y, bp1_prime=True, bp2_prime=True):
    zs, activations = feedforward(net, x)
    Sigma = lambda z: np.diag(nt.sigmoid_prime(z).ravel())       # (n_l, n_l)
    delta = activations[-1] - y
    if bp1_prime:
        delta = Sigma(zs[-1]) @ delta
    deltas = [delta]
    for l in range(2, net.num_layers):
        delta = net.weights[-l + 1].T @ delta
        if bp2_prime:
            delta = Sigma(zs[-l]) @ delta
        deltas.insert(0, delta)
    return deltas


def bp3_bp4(deltas, activations):
    return list(deltas), [d @ a.T for d, a in zip(deltas, activations[:-1])]


def modified(net, x, y, neuron, use_f=True, use_f_prime=True):
    a, activations, sps = x, [x], []
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=2):
        z = w @ a + b
        a, sp = nt.sigmoid(z), nt.sigmoid_prime(z)
        if l == neuron.layer:
            if use_f:
                a[neuron.j] = neuron.f(z[neuron.j])
            if use_f_prime:
                sp[neuron.j] = neuron.f_prime(z[neuron.j])
        activations.append(a)
        sps.append(sp)
    delta = (a - y) * sps[-1]
    deltas = [delta]
    for i in range(len(sps) - 2, -1, -1):
        delta = (net.weights[i + 1].T @ delta) * sps[i]
        deltas.insert(0, delta)
    return bp3_bp4(deltas, activations)


def linear_backprop(net, x, y):
    _, activations = feedforward(net, x, act=lambda z: z)
    delta = activations[-1] - y
    deltas = [delta]
    for w in net.weights[:0:-1]:
        delta = w.T @ delta
        deltas.insert(0, delta)
    return bp3_bp4(deltas, activations)


def matrix_backprop(net, X, Y):
    zs, activations = feedforward(net, X)
    delta = (activations[-1] - Y) * nt.sigmoid_prime(zs[-1])      # (n_L, m)
    deltas = [delta]
    for l in range(2, net.num_layers):
        delta = (net.weights[-l + 1].T @ delta) * nt.sigmoid_prime(zs[-l])
        deltas.insert(0, delta)
    return ([d.sum(axis=1, keepdims=True) for d in deltas],
            [d @ a.T for d, a in zip(deltas, activations[:-1])])


def stub(*args):
    raise NotImplementedError("write your code here")


def _assert_failed_with(result, *words, status="failed"):
    assert not result.passed and not result
    assert result.status == status
    for w in words:
        assert w in result.message, result.message
    assert "Traceback" not in result.message


# ---- the reference itself, against independent checks --------------------------------

def test_reference_agrees_with_the_network_and_finite_differences():
    net, (x, y) = ex._net(), ex._example()
    ref = ex._reference(net.weights, net.biases, x, y, ex._plain(nt.sigmoid, 3))
    nb, nw = net.backprop(x, y)
    for a, b in zip(ref["nabla_w"] + ref["nabla_b"], nw + nb):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("neuron", ex.TANH_NEURONS, ids=lambda n: f"l={n.layer}")
def test_modified_neuron_reference_matches_finite_differences(neuron):
    net, (x, y) = ex._net(), ex._example()
    acts = ex._with_neuron(ex._plain(nt.sigmoid, 3), neuron)
    ref = ex._reference(net.weights, net.biases, x, y, acts)

    def cost(ws, bs):
        a = x
        for i, (w, b) in enumerate(zip(ws, bs)):
            a = acts[i].fn(w @ a + b)
        return 0.5 * float(np.sum((a - y) ** 2))

    eps = 1e-6
    for i, w in enumerate(net.weights):
        num = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            wp = [v.copy() for v in net.weights]
            wm = [v.copy() for v in net.weights]
            wp[i][idx] += eps
            wm[i][idx] -= eps
            num[idx] = (cost(wp, net.biases) - cost(wm, net.biases)) / (2 * eps)
        assert relative_error(num, ref["nabla_w"][i]) < 1e-6


# ---- exercise 1 ------------------------------------------------------------------------

def test_sigma_prime_form_passes_the_right_answer():
    r = check_sigma_prime_form(sigma_form)
    assert r.passed and r.status == "passed" and r
    assert r.text().startswith("✔ Problem · Alternate presentation of the equations of backprop")


def test_sigma_prime_form_spots_a_missing_factor_in_bp1():
    r = check_sigma_prime_form(lambda n, x, y: sigma_form(n, x, y, bp1_prime=False))
    _assert_failed_with(r, "layer l = 4", "BP1", "σ'(z^L)")


def test_sigma_prime_form_spots_a_missing_factor_in_bp2():
    r = check_sigma_prime_form(lambda n, x, y: sigma_form(n, x, y, bp2_prime=False))
    _assert_failed_with(r, "layer l = 3", "BP2 is missing the factor σ'(z^l)")


def test_sigma_prime_form_spots_a_flipped_sign_and_the_largest_entry():
    r = check_sigma_prime_form(lambda n, x, y: [-d for d in sigma_form(n, x, y)])
    _assert_failed_with(r, "a^L - y", "Largest difference at [", "expected", "got")


def test_sigma_prime_form_reports_wrong_lengths_and_types():
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: sigma_form(n, x, y)[1:]),
                        "got 2", "one layer is missing")
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: [x] + sigma_form(n, x, y)),
                        "got 4", "input layer")
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: None), "forget the `return`")
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: sigma_form(n, x, y)[0]),
                        "got one array of shape (4, 1)")
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: ["a", "b", "c"]),
                        "expected a numeric array")
    _assert_failed_with(check_sigma_prime_form(lambda n, x, y: [d.ravel() for d in sigma_form(n, x, y)]),
                        "expected shape (2, 1), got (2,)", "1-D array")


def test_a_stub_is_not_attempted_and_neutral():
    for check in (check_sigma_prime_form, check_bp3_bp4, check_modified_neuron,
                  check_linear_neurons, check_matrix_backprop):
        r = check(stub)
        assert r.status == "not attempted" and not r.passed
        assert "not attempted yet" in repr(r)
        assert "NotImplementedError" in r.message
        assert "--jp-error-color1" not in r._repr_html_()


def test_a_raising_function_is_reported_with_its_exception_and_line():
    def broken(net, x, y):
        sp = nt.sigmoid_prime(x)
        return [np.diag(sp) @ net.weights[0]]           # np.diag of a column: its first entry
    r = check_sigma_prime_form(broken)
    _assert_failed_with(r, "ValueError", "matmul", "np.diag(sp) @ net.weights[0]", ".ravel()",
                        "print their shapes", status="error")
    r = check_sigma_prime_form(lambda n, x, y: 1 / 0)
    _assert_failed_with(r, "ZeroDivisionError: division by zero", status="error")


def test_not_a_function_is_a_type_error():
    with pytest.raises(TypeError, match="expects your function"):
        check_sigma_prime_form([1, 2])


def test_text_is_deterministic_and_html_uses_theme_variables():
    wrong = lambda n, x, y: sigma_form(n, x, y, bp2_prime=False)
    a, b = check_sigma_prime_form(wrong), check_sigma_prime_form(wrong)
    assert repr(a) == repr(b) == str(a) and a._repr_html_() == b._repr_html_()
    assert "0x" not in repr(a)
    html = a._repr_html_()
    assert "var(--jp-error-color1" in html and "<i>Hint:" in html
    assert "var(--jp-success-color1" in check_sigma_prime_form(sigma_form)._repr_html_()


# ---- exercise 2 ------------------------------------------------------------------------

def test_bp3_bp4_passes_and_is_checked_by_finite_differences():
    r = check_bp3_bp4(bp3_bp4)
    assert r.passed, r.message
    assert "finite differences" in r.message


def test_bp3_bp4_spots_a_transposed_weight_gradient():
    r = check_bp3_bp4(lambda d, a: (list(d), [ak @ dk.T for dk, ak in zip(d, a[:-1])]))
    _assert_failed_with(r, "expected shape (2, 5), got (5, 2)", "transposed",
                        "exactly the expected array transposed")


def test_bp3_bp4_spots_the_activations_of_the_wrong_layer():
    r = check_bp3_bp4(lambda d, a: (list(d), [dk @ ak.T for dk, ak in zip(d, a[1:])]))
    _assert_failed_with(r, "expected shape (2, 5), got (2, 2)", "a^{l-1}")


def test_bp3_bp4_spots_an_off_by_one_layer_and_swapped_results():
    def shifted(d, a):
        nb, nw = bp3_bp4(d, a)
        return nb[1:] + nb[:1], nw
    _assert_failed_with(check_bp3_bp4(shifted), "off by one layer", "l = 2")
    _assert_failed_with(check_bp3_bp4(lambda d, a: bp3_bp4(d, a)[::-1]), "(nabla_b, nabla_w)")
    _assert_failed_with(check_bp3_bp4(lambda d, a: bp3_bp4(d, a)[0]), "pair")


def test_bp3_bp4_spots_a_bias_gradient_equal_to_the_activation():
    r = check_bp3_bp4(lambda d, a: (list(a[1:]), bp3_bp4(d, a)[1]))
    _assert_failed_with(r, "nabla_b at layer l = 4", "BP3")


# ---- exercise 3 ------------------------------------------------------------------------

def test_modified_neuron_passes_the_right_answer():
    r = check_modified_neuron(modified)
    assert r.passed, r.message


def test_modified_neuron_spots_the_forgotten_neuron_and_each_half_of_the_change():
    _assert_failed_with(check_modified_neuron(lambda n, x, y, ne: n.backprop(x, y)),
                        "layer l = 2", "plain sigmoid network")
    _assert_failed_with(check_modified_neuron(lambda n, x, y, ne: modified(n, x, y, ne, use_f_prime=False)),
                        "f'(z^l_j)")
    _assert_failed_with(check_modified_neuron(lambda n, x, y, ne: modified(n, x, y, ne, use_f=False)),
                        "a^l_j = f(z^l_j)")


def test_modified_neuron_names_the_case_that_fails():
    def only_hidden(net, x, y, neuron):           # right except at the output layer
        if neuron.layer == net.num_layers:
            return net.backprop(x, y)
        return modified(net, x, y, neuron)
    _assert_failed_with(check_modified_neuron(only_hidden), "j = 2 of layer l = 4 (row 1 of z^4")


# ---- exercise 4 ------------------------------------------------------------------------

def test_linear_neurons_passes_the_right_answer():
    r = check_linear_neurons(linear_backprop)
    assert r.passed, r.message


def test_linear_neurons_spots_a_leftover_sigmoid_derivative():
    def leftover(net, x, y):
        zs, activations = feedforward(net, x, act=lambda z: z)
        delta = (activations[-1] - y) * nt.sigmoid_prime(zs[-1])
        deltas = [delta]
        for l in range(2, net.num_layers):
            delta = (net.weights[-l + 1].T @ delta) * nt.sigmoid_prime(zs[-l])
            deltas.insert(0, delta)
        return bp3_bp4(deltas, activations)
    _assert_failed_with(check_linear_neurons(leftover), "σ'(z) = 1")


def test_linear_neurons_spots_the_sigmoid_network():
    def sigmoid_net(net, x, y):
        other = nt.Network(net.sizes)
        other.weights, other.biases = net.weights, net.biases
        return other.backprop(x, y)
    _assert_failed_with(check_linear_neurons(sigmoid_net), "sigmoid network")


# ---- the problem: matrix backprop ------------------------------------------------------

def test_matrix_backprop_passes_the_right_answer_without_timing():
    r = check_matrix_backprop(matrix_backprop, timing=False)
    assert r.passed and r.timing == ""
    assert "m = 6" in r.message


def test_matrix_backprop_reports_timing_without_letting_it_decide():
    r = check_matrix_backprop(matrix_backprop)
    assert r.passed
    assert r.timing.startswith("Timing on a [784, 30, 10] network") and r.timing in r.message
    assert "the loop" in r.timing


def test_matrix_backprop_spots_a_mean_instead_of_a_sum():
    def mean(net, X, Y):
        nb, nw = matrix_backprop(net, X, Y)
        m = X.shape[1]
        return [b / m for b in nb], [w / m for w in nw]
    _assert_failed_with(check_matrix_backprop(mean, timing=False), "1/m = 1/6", "mean")


def test_matrix_backprop_spots_an_unsummed_bias_gradient():
    def unsummed(net, X, Y):
        nb, nw = net.backprop_batch(X, Y)
        zs, activations = feedforward(net, X)
        delta = (activations[-1] - Y) * nt.sigmoid_prime(zs[-1])
        return nb[:-1] + [delta], nw
    _assert_failed_with(check_matrix_backprop(unsummed, timing=False),
                        "expected shape (2, 1), got (2, 6)", "sum(axis=1, keepdims=True)")


def test_matrix_backprop_spots_transposed_gradients_and_missing_factor():
    def transposed(net, X, Y):
        nb, nw = matrix_backprop(net, X, Y)
        return nb, [w.T for w in nw]
    _assert_failed_with(check_matrix_backprop(transposed, timing=False), "transposed")

    def no_bp2_prime(net, X, Y):
        zs, activations = feedforward(net, X)
        delta = (activations[-1] - Y) * nt.sigmoid_prime(zs[-1])
        deltas = [delta]
        for l in range(2, net.num_layers):
            delta = net.weights[-l + 1].T @ delta
            deltas.insert(0, delta)
        return [d.sum(axis=1, keepdims=True) for d in deltas], [d @ a.T for d, a in zip(deltas, activations[:-1])]
    _assert_failed_with(check_matrix_backprop(no_bp2_prime, timing=False), "BP2 is missing")


def test_matrix_backprop_spots_the_first_example_only_and_per_example_code():
    _assert_failed_with(
        check_matrix_backprop(lambda n, X, Y: n.backprop(X[:, :1], Y[:, :1]), timing=False),
        "first example")
    _assert_failed_with(check_matrix_backprop(lambda n, X, Y: n.backprop(X, Y), timing=False),
                        "m = 6", "ValueError", status="error")
