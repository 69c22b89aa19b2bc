"""A few hundred hostile inputs to the public API, generated: every call either works or
refuses in nbteach's words, and a refused call leaves the network as it was.

The values are what a learner or a script can hand over by mistake: None, text, booleans,
huge and negative integers, NaN and infinities, complex numbers, dicts and sets, ragged and
deeply nested lists, and numpy arrays of every small shape and of many dtypes (float, int,
bool, complex, object, text, dates). The other ``test_hostile_*`` files test each kind of
promise on purpose; this one looks for cases nobody thought of.
"""
import json

import numpy as np
import pytest
from hostile import SETTINGS, assert_clear, assert_unchanged, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

import nbteach as nt
from nbteach import exercises, gradcheck, paths

DTYPES = [np.float64, np.float32, np.float16, np.int64, np.uint8, np.bool_, np.complex128,
          object, "U3", "datetime64[s]"]


@st.composite
def arrays(draw):
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    size = int(np.prod(shape)) if shape else 1
    values = draw(st.lists(st.one_of(st.floats(width=64), st.integers(-300, 300)),
                           min_size=size, max_size=size))
    dtype = draw(st.sampled_from(DTYPES))
    with np.errstate(all="ignore"):
        base = np.array(values, dtype=np.float64).reshape(shape)
        if dtype == "datetime64[s]":
            return np.zeros(shape, dtype=dtype)
        return np.nan_to_num(base).astype(dtype) if dtype not in (np.float64, object) \
            else base.astype(dtype)


def _nested(depth):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


hostile = st.one_of(
    st.none(), st.text(max_size=5), st.booleans(), st.integers(-10**30, 10**30),
    st.integers(-3, 3), st.sampled_from([10**400, -(10**400), 2**64]),
    st.floats(), st.complex_numbers(max_magnitude=10), st.just({1: 2}), st.just({3, 2}),
    st.just([[1.0], [1.0, 2.0]]), st.integers(1, 60).map(_nested),
    st.lists(st.lists(st.floats(), min_size=1, max_size=3), min_size=1, max_size=4),
    arrays(),
)

N_IN, N_OUT = 3, 2
X1, Y1 = np.ones((N_IN, 1)), np.zeros((N_OUT, 1))


def _few(epochs):
    """Hostile epochs, but not 10**29 of them: training that long is asked for, not a hang."""
    return min(epochs, 3) if isinstance(epochs, int) and not isinstance(epochs, bool) else epochs


def _attempt(call, allowed=(ValueError, TypeError)):
    """True if ``call()`` worked; False if it refused clearly (anything else fails the test)."""
    try:
        call()
    except nt.TrainingDiverged:              # a hostile but numeric eta may do that, cleanly
        return False
    except allowed as exc:
        assert_clear(exc, *allowed)
        return False
    return True


NETWORK_CALLS = {
    "feedforward": lambda net, a, b: net.feedforward(a),
    "predict": lambda net, a, b: net.predict(a),
    "backprop": lambda net, a, b: net.backprop(a, b),
    "backprop_batch": lambda net, a, b: net.backprop_batch(a, b),
    "trace": lambda net, a, b: net.trace(a, b),
    "forward_trace": lambda net, a, b: net.forward_trace(a),
    "cost_value": lambda net, a, b: net.cost_value(a, b),
    "update_mini_batch(batch)": lambda net, a, b: net.update_mini_batch(a, 1.0),
    "update_mini_batch((X, Y))": lambda net, a, b: net.update_mini_batch((a, b), 1.0),
    "update_mini_batch(eta)": lambda net, a, b: net.update_mini_batch([(X1, Y1)], a),
    "update_mini_batch(method)": lambda net, a, b: net.update_mini_batch([(X1, Y1)], 1.0, a),
    "SGD(training_data)": lambda net, a, b: net.SGD(a, 1, 2, 1.0),
    "SGD((X, Y))": lambda net, a, b: net.SGD((a, b), 1, 2, 1.0),
    "SGD(epochs, size)": lambda net, a, b: net.SGD([(X1, Y1)], _few(a), b, 1.0),
    "SGD(test_data)": lambda net, a, b: net.SGD([(X1, Y1)], 1, 1, 1.0, test_data=a),
    "SGD(test label)": lambda net, a, b: net.SGD([(X1, Y1)], 1, 1, 1.0, test_data=[(X1, a)]),
    "evaluate": lambda net, a, b: net.evaluate(a),
    "evaluate((x, y))": lambda net, a, b: net.evaluate([(a, b)]),
    "evaluate(label)": lambda net, a, b: net.evaluate([(X1, a)]),
    "check_gradients": lambda net, a, b: gradcheck.check_gradients(net, a, b),
    "check_gradients(eps)": lambda net, a, b: gradcheck.check_gradients(net, X1, Y1, eps=a),
    "demon_check": lambda net, a, b: gradcheck.demon_check(net, a, b),
    "paths_for_weight": lambda net, a, b: paths.paths_for_weight(net, X1, Y1, 2, a, b),
    "paths_for_weight(l)": lambda net, a, b: paths.paths_for_weight(net, X1, Y1, a, 0, 0),
}


@settings(SETTINGS, max_examples=60)
@given(call=st.sampled_from(sorted(NETWORK_CALLS)), a=hostile, b=hostile)
def test_network_calls_work_or_refuse_clearly_and_change_nothing(call, a, b):
    net = nt.Network([N_IN, 4, N_OUT], seed=0)
    snap = snapshot(net)
    with np.errstate(all="ignore"):          # a hostile eta may overflow; that is reported
        if not _attempt(lambda: NETWORK_CALLS[call](net, a, b)):
            assert_unchanged(net, snap)


@settings(SETTINGS, max_examples=150)
@given(a=hostile, b=hostile, which=st.sampled_from(["sizes", "seed", "activation", "cost"]))
def test_network_arguments_work_or_refuse_clearly(a, b, which):
    kwargs = {"sizes": [2, 1], which: a} if which != "sizes" else {"sizes": a}
    _attempt(lambda: nt.Network(kwargs.pop("sizes"), **kwargs))


DIGITS = nt.load_mnist_subset(test_size=10)[1]


@SETTINGS
@given(a=hostile, b=hostile)
def test_datasets_work_or_refuse_clearly(a, b):
    _attempt(lambda: nt.Dataset(a, b))
    _attempt(lambda: nt.Dataset.from_images(a, b))
    _attempt(lambda: DIGITS[a], allowed=(ValueError, TypeError, IndexError))
    _attempt(lambda: DIGITS.split(a, seed=0))
    _attempt(lambda: DIGITS.split(5, seed=a))
    _attempt(lambda: nt.load_mnist_subset(a, 0))
    _attempt(lambda: nt.load_mnist_subset(100, a))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=20)


@pytest.fixture(scope="module")
def saved_doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "net.json"
    nt.save(nt.Network([3, 2, 1], seed=0), path)
    return json.loads(path.read_text())


@SETTINGS
@given(key=st.sampled_from(["format", "sizes", "weights", "biases", "activation", "cost",
                            "the whole file"]), value=json_values)
def test_load_reads_a_network_or_refuses_clearly(tmp_path, saved_doc, key, value):
    doc = value if key == "the whole file" else dict(saved_doc, **{key: value})
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    _attempt(lambda: nt.load(path), allowed=(ValueError, TypeError))


entries = st.one_of(json_values, st.integers(10**300, 10**4000), st.integers(-3, 3),
                    st.from_regex(r"\A-?\d{1,3}(\.\d{1,3})?\Z"), st.sampled_from([True, False]))


@SETTINGS
@given(kind=st.sampled_from(["weights", "biases"]), layer=st.integers(0, 1), value=entries)
def test_load_reads_only_numbers_a_float_can_hold(tmp_path, saved_doc, kind, layer, value):
    doc = json.loads(json.dumps(saved_doc))
    doc[kind][layer][0][0] = value
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    number = type(value) in (int, float) and abs(value) < 1.7e308 and value == value
    if number and abs(value) != float("inf"):
        assert getattr(nt.load(path), kind)[layer][0, 0] == float(value)
    else:
        with pytest.raises(ValueError) as info:
            nt.load(path)
        assert_clear(info.value)


@SETTINGS
@given(a=hostile, b=hostile)
def test_save_works_or_refuses_clearly(tmp_path, monkeypatch, a, b):
    monkeypatch.chdir(tmp_path)                  # whatever gets written lands here
    net = nt.Network([2, 1], seed=0)
    _attempt(lambda: nt.save(net, a), allowed=(ValueError, TypeError, OSError))
    _attempt(lambda: nt.save(a, b), allowed=(ValueError, TypeError, OSError))


CHECKERS = [exercises.check_sigma_prime_form, exercises.check_bp3_bp4,
            exercises.check_modified_neuron, exercises.check_linear_neurons,
            exercises.check_matrix_backprop]


@settings(SETTINGS, max_examples=30)
@given(a=hostile, shape=st.sampled_from(["as it is", "as a pair", "in a list of three"]),
       checker=st.sampled_from(CHECKERS))
def test_checkers_give_a_verdict_and_never_pass_a_hostile_answer(a, shape, checker):
    answer = {"as it is": a, "as a pair": (a, a), "in a list of three": [a, a, a]}[shape]
    kwargs = {"timing": False} if checker is exercises.check_matrix_backprop else {}
    result = checker(lambda *args: answer, **kwargs)
    assert isinstance(result, exercises.CheckResult)
    assert result.status in ("failed", "error") and not result.passed, result.text()


@settings(SETTINGS, max_examples=25)
@given(a=hostile, b=hostile)
def test_widgets_are_built_or_refuse_clearly(a, b):
    from nbteach.widgets import (
        BackpropStepper,
        ForwardStepper,
        HadamardExplorer,
        LayerInspector,
        PathExplorer,
    )
    net = nt.Network([N_IN, 2, N_OUT], seed=0)
    trace = net.trace(X1, Y1)
    with np.errstate(all="ignore"):
        _attempt(lambda: HadamardExplorer(a, b))
    _attempt(lambda: LayerInspector(trace, a))
    _attempt(lambda: LayerInspector(a))
    _attempt(lambda: BackpropStepper(a))
    _attempt(lambda: ForwardStepper(net, a))
    _attempt(lambda: ForwardStepper(a, X1))
    _attempt(lambda: PathExplorer(net, a, b))
    _attempt(lambda: PathExplorer(a, X1, Y1))
