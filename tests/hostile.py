"""Helpers shared by the tests of hostile input (``test_hostile_*.py``).

What nbteach promises under bad input, and these helpers check:

* a refused call changes nothing (``snapshot`` / ``assert_unchanged``);
* the refusal speaks the package's words: a ValueError or TypeError (an OSError for files)
  that says what was expected, never an error from deep inside numpy, json or pooch
  (``assert_clear``).
"""
import copy

import numpy as np
from hypothesis import HealthCheck, settings

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Phrases of errors raised deep inside numpy, json, Python or pooch: a message holding one
# of them was not written for the learner.
FOREIGN = (
    "operands could not be broadcast", "setting an array element", "only integers, slices",
    "has no attribute", "too large to convert", "maximum recursion", "expected non-negative",
    "itemsize", "not supported between", "unhashable", "cannot reshape", "invalid literal",
    "ufunc", "matmul", "truth value of an array", "is out of bounds for axis",
    "inhomogeneous", "object is not callable", "object is not iterable", "unexpected keyword",
    "division by zero", "could not convert", "matched no files",
)


def snapshot(net):
    """Everything a call could change: weights, biases (bit for bit), random state, sizes."""
    return ([p.copy() for p in net.weights], [p.copy() for p in net.biases],
            copy.deepcopy(net.rng.bit_generator.state), list(net.sizes))


def assert_unchanged(net, snap):
    weights, biases, rng_state, sizes = snap
    assert len(net.weights) == len(weights) and len(net.biases) == len(biases)
    for now, before in zip(net.weights + net.biases, weights + biases):
        assert now.dtype == before.dtype and now.tobytes() == before.tobytes()
    assert net.rng.bit_generator.state == rng_state
    assert net.sizes == sizes


def assert_clear(exc, *types):
    """``exc`` is one of ``types`` (default ValueError, TypeError) and in nbteach's words."""
    types = types or (ValueError, TypeError)
    assert isinstance(exc, types), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    assert message, f"{type(exc).__name__} without a message"
    for phrase in FOREIGN:
        assert phrase not in message, f"{type(exc).__name__}: {message}"


def column(*values):
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def floats_in_range(min_size=1, max_size=6):
    """Lists of numbers a learner could type: 0, or magnitudes from 1e-100 to 1e100, so that
    every product of two stays a normal float64 (and sums of six of them too)."""
    from hypothesis import strategies as st
    magnitude = st.floats(1e-100, 1e100)
    value = st.one_of(st.just(0.0), magnitude, magnitude.map(lambda v: -v),
                      st.integers(-1000, 1000).map(float))
    return st.lists(value, min_size=min_size, max_size=max_size)
