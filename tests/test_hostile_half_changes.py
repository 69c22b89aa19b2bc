"""A failed call changes nothing.

A ``Dataset`` cannot be changed into an inconsistent state; everything ``SGD`` needs is
checked before its first step, with a message naming the mismatch; a refused step, save,
export or widget update leaves everything as it was. Each test here fails on a package that
checks too late (after an epoch was applied) or applies half of a call.
"""
import os
import subprocess

import numpy as np
import pytest
from hostile import SETTINGS, assert_clear, assert_unchanged, column, floats_in_range, snapshot
from hypothesis import given
from hypothesis import strategies as st

import nbteach as nt
from nbteach.tools import export_html

N_IN, N_OUT = 6, 10


def dataset(n, seed=0):
    rng = np.random.default_rng(seed)
    return nt.Dataset(rng.random((N_IN, n)), np.arange(n) % 10)


TRAIN, TEST = dataset(40), dataset(30, seed=1)


# ---- a Dataset cannot be changed ----------------------------------------------------------

@SETTINGS
@given(name=st.sampled_from(["X", "labels", "Y", "images", "n_pixels", "extra"]),
       cut=st.integers(1, 29))
def test_a_dataset_refuses_every_change(name, cut):
    ds = dataset(30)
    before = (ds.X.copy(), ds.labels.copy(), ds.Y.copy())
    replacement = {"X": ds.X[:, :cut], "labels": ds.labels[:cut], "Y": ds.Y[:, :cut]}.get(name, cut)
    with pytest.raises(AttributeError, match="a Dataset cannot be changed"):
        setattr(ds, name, replacement)
    with pytest.raises(AttributeError, match="a Dataset cannot be changed"):
        delattr(ds, name)
    for now, then in zip((ds.X, ds.labels, ds.Y), before):
        assert np.array_equal(now, then) and not now.flags.writeable
    assert len(ds) == 30 and ds.labels.shape == (30,) and ds.Y.shape == (10, 30)


def test_copies_and_parts_of_a_dataset_are_datasets_too():
    import copy
    ds = dataset(12)
    for other in (copy.copy(ds), copy.deepcopy(ds), ds[2:7]):
        assert isinstance(other, nt.Dataset)
        with pytest.raises(AttributeError, match="cannot be changed"):
            other.labels = other.labels[:1]
    assert copy.deepcopy(ds) is ds                    # nothing in it can change: no copy needed


# ---- everything SGD needs, checked before the first step ----------------------------------

class Duck:
    """Test data in the shape of a Dataset, made by hand: X and labels, nothing checked."""

    def __init__(self, X, labels):
        self.X, self.labels = X, labels


def _tampered(ds, **arrays):
    """A Dataset whose private arrays were swapped behind its back (no public way exists)."""
    part = ds[:]
    for name, value in arrays.items():
        object.__setattr__(part, name, value)
    return part


BROKEN_TEST_DATA = {
    # name: m -> (test_data with about m examples, what the message must say)
    "labels cut short behind the Dataset's back": lambda m: (
        _tampered(TEST, _labels=TEST.labels[:m]), rf"inconsistent.*labels \({m},\)"),
    "pixels cut short behind the Dataset's back": lambda m: (
        _tampered(TEST, _X=TEST.X[:, :m]), rf"inconsistent.*X \(6, {m}\)"),
    "hand-made data with fewer labels than columns": lambda m: (
        Duck(TEST.X, TEST.labels[:m]), rf"labels must have one entry per example.*30; got {m}"),
    "hand-made data with a label past the last output": lambda m: (
        Duck(TEST.X[:, :m], np.full(m, 15)), r"labels must be integers from 0 to 9.*got 15"),
    "hand-made data with float labels": lambda m: (
        Duck(TEST.X[:, :m], np.full(m, 0.7)), r"labels must be integers.*float"),
    "book tuples with a float label": lambda m: (
        [(x, 0.7) for x, _ in list(TEST)[:m]], r"test_data\[0\] y must be an integer label"),
    "book tuples with a label past the last output": lambda m: (
        [(x, 3) for x, _ in list(TEST)[:m]] + [(TEST[0][0], 10)],
        rf"test_data\[{m}\] y must be an integer label from 0 to 9.*got 10"),
    "book tuples with a column that is not one-hot": lambda m: (
        [(x, 0.5 * y) for x, y in list(TEST)[:m]], r"test_data\[0\] y .*not one-hot"),
}


@SETTINGS
@given(case=st.sampled_from(sorted(BROKEN_TEST_DATA)), m=st.integers(1, 29))
def test_sgd_checks_its_test_data_before_the_first_step(case, m):
    test_data, pattern = BROKEN_TEST_DATA[case](m)
    net = nt.Network([N_IN, 5, N_OUT], seed=0)
    snap = snapshot(net)
    with pytest.raises((ValueError, TypeError), match=pattern) as info:
        net.SGD(TRAIN, 1, 10, 3.0, test_data=test_data)
    assert_clear(info.value)
    assert_unchanged(net, snap)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(training_data=lambda: _tampered(TRAIN, _labels=TRAIN.labels[:5], _Y=TRAIN.Y[:, :5])),
     r"training_data is inconsistent"),
    (dict(training_data=lambda: (TRAIN.X, TRAIN.Y[:, :5])), r"X and Y must have the same number"),
    (dict(callback=lambda: 42), r"callback must be a function"),
    (dict(epochs=lambda: 1.5), r"epochs must be a positive integer"),
])
def test_sgd_checks_its_other_arguments_before_the_first_step(kwargs, pattern):
    net = nt.Network([N_IN, 5, N_OUT], seed=0)
    snap = snapshot(net)
    args = dict(training_data=TRAIN, epochs=2, mini_batch_size=10, eta=3.0)
    args.update({k: make() for k, make in kwargs.items()})
    with pytest.raises((ValueError, TypeError), match=pattern) as info:
        net.SGD(**args)
    assert_clear(info.value)
    assert_unchanged(net, snap)


def test_the_issue_reproduction_on_the_embedded_digits():
    train, test = nt.load_mnist_subset()
    with pytest.raises(AttributeError, match="cannot be changed"):
        test.labels = test.labels[:100]
    with pytest.raises(AttributeError, match="cannot be changed"):
        train.X = train.X[:, :3000]
    net = nt.Network([784, 30, 10], seed=0)
    snap = snapshot(net)
    with pytest.raises(ValueError, match="inconsistent"):
        net.SGD(train, 1, 10, 3.0, test_data=_tampered(test, _labels=test.labels[:100]))
    assert_unchanged(net, snap)


# ---- a refused step, save, export or widget update leaves everything as it was -------------

@SETTINGS
@given(layer=st.integers(0, 1), value=st.sampled_from([np.nan, np.inf, -np.inf]),
       method=st.sampled_from(["matrix", "loop"]))
def test_a_weight_made_nan_by_hand_stops_the_next_step_and_nothing_else_changes(layer, value, method):
    net = nt.Network([3, 4, 2], seed=0)
    net.weights[layer][1, 2 if layer == 0 else 3] = value
    snap = snapshot(net)
    with pytest.raises(ValueError, match=rf"weights\[{layer}\] holds {value} at index") as info:
        net.update_mini_batch([(column(1, 2, 3), column(0, 1))], 1.0, method=method)
    assert_clear(info.value)
    assert_unchanged(net, snap)


def test_a_refused_save_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "net.json"
    nt.save(nt.Network([2, 2], seed=0), path)
    before = path.read_bytes()
    bad = nt.Network([2, 2], seed=1)
    bad.biases[0][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"biases\[0\] holds nan"):
        nt.save(bad, path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nt.save(nt.Network([2, 2], seed=0), tmp_path / "missing" / "net.json")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


def test_a_failed_export_leaves_no_new_folder(tmp_path, monkeypatch):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    monkeypatch.setattr(export_html, "asset_urls", lambda *a, **k: {"require_js_url": "x"})
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 1, "", "nbconvert broke"))
    with pytest.raises(RuntimeError, match="nbconvert failed"):
        export_html.export_html(notebook, tmp_path / "out" / "deeper" / "n.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.ipynb"]


def test_missing_web_assets_are_reported_before_any_folder_is_made(tmp_path):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    with pytest.raises(FileNotFoundError, match="web assets missing"):
        export_html.export_html(notebook, tmp_path / "out" / "n.html",
                                assets_dir=tmp_path / "no-assets")
    assert not (tmp_path / "out").exists()


@SETTINGS
@given(s=floats_in_range(), bad=st.sampled_from(["1, x", "", "1e400", "1e-400", ", ".join("1" * 13)]))
def test_a_refused_update_of_the_hadamard_explorer_changes_neither_vector(s, bad):
    from nbteach.widgets import HadamardExplorer
    explorer = HadamardExplorer("1, 2", "3, 4")
    before = explorer.products
    error = explorer.set(s=s, t=bad)
    assert error and error.startswith("t")
    assert explorer.products is before                  # s was not applied on its own either
    assert explorer.s.ravel().tolist() == [1.0, 2.0]


def test_a_failed_notebook_run_is_refused_before_it_starts_when_it_cannot_be_written(tmp_path,
                                                                                   monkeypatch):
    from nbteach.tools import execute_notebooks
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    os.chmod(tmp_path, 0o500)
    try:
        if os.access(tmp_path, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        monkeypatch.setattr(execute_notebooks, "NotebookClient", None)   # must not be reached
        with pytest.raises(PermissionError, match="no permission"):
            execute_notebooks.execute(notebook)
    finally:
        os.chmod(tmp_path, 0o700)
