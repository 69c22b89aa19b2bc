"""No silent wrong results: an answer nbteach gives is right, or it is an error.

Each kind of silent wrong answer found so far, tested as a kind: labels that are not class
numbers, data whose parts disagree, numbers shown rounded into wrong arithmetic, a checker
fooled by values that are not real numbers, a saved file read leniently, weights broken by
hand, a save that misses its target, a tool that did nothing and said nothing, a path that
means something else to a tool running elsewhere.
"""
import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hostile import SETTINGS, assert_clear, column, floats_in_range
from hypothesis import assume, given
from hypothesis import strategies as st

import nbteach as nt
from nbteach import bench, exercises
from nbteach.backprop import backprop_stages
from nbteach.files import atomic_write
from nbteach.tools import execute_notebooks, export_html

ROOT = Path(__file__).resolve().parents[1]


# ---- evaluate: labels are class numbers of this network, and the parts agree -------------

def _net():
    net = nt.Network([2, 3], activation=nt.linear)
    net.weights, net.biases = [np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])], [np.zeros((3, 1))]
    return net                                  # answers 0 for (1, 0), 1 for (0, 1)


non_labels = st.one_of(
    st.floats(allow_nan=True).filter(lambda v: not float(v).is_integer()),
    st.integers(3, 10**6), st.integers(-10**6, -1), st.booleans(), st.just("1"), st.none(),
    st.floats(0, 2).map(lambda v: np.float64(round(v))),       # 0.0, 1.0: floats, even whole
)


@SETTINGS
@given(label=non_labels, position=st.integers(0, 3))
def test_evaluate_refuses_what_is_not_a_class_number_of_this_network(label, position):
    net = _net()
    good = [(column(1, 0), 0), (column(0, 1), 1), (column(0, 1), 2), (column(1, 0), 1)]
    assert net.evaluate(good) == 2
    data = list(good)
    data[position] = (data[position][0], label)
    with pytest.raises((ValueError, TypeError), match=rf"test_data\[{position}\] y must be an "
                                                      r"integer label from 0 to 2") as info:
        net.evaluate(data)
    assert_clear(info.value)


@SETTINGS
@given(column_=st.lists(st.sampled_from([0.0, 1.0, 0.5, 2.0, -1.0]), min_size=3, max_size=3))
def test_evaluate_reads_a_column_only_when_it_is_one_hot(column_):
    net = _net()
    data = [(column(1, 0), column(*column_))]
    if sorted(column_) == [0.0, 0.0, 1.0]:
        assert net.evaluate(data) == int(column_[0] == 1.0)
    else:
        with pytest.raises(ValueError, match="not one-hot"):
            net.evaluate(data)


class Duck:
    def __init__(self, X, labels):
        self.X, self.labels = X, labels


@SETTINGS
@given(m=st.integers(1, 6), k=st.integers(0, 6), dtype=st.sampled_from([np.int64, np.float64]))
def test_evaluate_refuses_hand_made_data_whose_parts_disagree(m, k, dtype):
    net = _net()
    X = np.tile(column(1, 0), (1, m))
    labels = np.zeros(k, dtype=dtype)
    if k == m and dtype == np.int64:
        assert net.evaluate(Duck(X, labels)) == m
        return
    with pytest.raises((ValueError, TypeError), match=r"test_data\.labels must") as info:
        net.evaluate(Duck(X, labels))
    assert_clear(info.value)


def test_evaluate_refuses_out_of_range_labels_from_a_hand_made_dataset():
    with pytest.raises(ValueError, match=r"from 0 to 2 \(one per output neuron\); got 15"):
        _net().evaluate(Duck(np.eye(2), np.array([0, 15])))


# ---- numbers shown are the numbers computed -----------------------------------------------

def _shown_tables(html):
    """The numbers in each <table> of an HTML pane, in order."""
    tables = re.findall(r"<table[^>]*>(.*?)</table>", html)
    return [[float(v) for v in re.findall(r"<td[^>]*>([^<]*)</td>", t) if v not in ("…", "⋮")]
            for t in tables]


@SETTINGS
@given(values=floats_in_range(2, 6).flatmap(
    lambda s: st.tuples(st.just(s), floats_in_range(len(s), len(s)))))
def test_the_hadamard_explorer_shows_every_number_as_computed(values):
    from nbteach.widgets import HadamardExplorer
    s, t = values
    explorer = HadamardExplorer(s=s, t=t)
    assert explorer.error is None
    assert explorer.s.ravel().tolist() == s and explorer.t.ravel().tolist() == t  # bit for bit
    S, T = np.array(s).reshape(-1, 1), np.array(t).reshape(-1, 1)
    expected = [S, T, S * T, S, T.T, S @ T.T, S.T, T, S.T @ T]     # as the pane lays them out
    shown = _shown_tables(explorer.static_html())
    assert len(shown) == len(expected)
    for numbers, exact in zip(shown, expected):
        np.testing.assert_allclose(numbers, exact.ravel(), rtol=1e-8, atol=0)


def test_the_issue_case_of_the_hadamard_explorer():
    from nbteach.widgets import HadamardExplorer
    explorer = HadamardExplorer(s=[1e-5, 2e-5], t=[3, 4])
    shown = _shown_tables(explorer.static_html())
    assert shown[2] == [3e-5, 8e-5]                      # s ⊙ t, not [0, 0] nor [3e-05, 0.0001]


@pytest.mark.parametrize("s, t, words", [
    ("1e200", "1e200", "too large"), ("1e-200", "1e-200", "too small"),
    ("1e400", "1", "outside the range"), ("1e-400", "1", "outside the range"),
    ("1e154, 1e154", "1.7e154, 1.7e154", "sum of the products"),
])
def test_the_hadamard_explorer_refuses_products_a_float64_cannot_hold(s, t, words):
    from nbteach.widgets import HadamardExplorer
    with pytest.raises(ValueError, match=words):
        HadamardExplorer(s=s, t=t)


# ---- a checker is not fooled by values that are not real numbers --------------------------

def _stages(net, x, y, acts=None):
    return backprop_stages(net.weights, net.biases, x, y, acts or net.activation, net.cost)


RIGHT = {   # checker: the right answer, computed by nbteach
    exercises.check_sigma_prime_form: lambda net, x, y: _stages(net, x, y).deltas,
    exercises.check_bp3_bp4: lambda d, a: (list(d), [dd @ aa.T for dd, aa in zip(d, a[:-1])]),
    exercises.check_modified_neuron: lambda net, x, y, n: (lambda s: (s.nabla_b, s.nabla_w))(
        _stages(net, x, y, exercises._with_neuron([nt.sigmoid] * 3, n))),
    exercises.check_linear_neurons: lambda net, x, y: net.backprop(x, y),
    exercises.check_matrix_backprop: lambda net, X, Y: net.backprop_batch(X, Y),
}

SPOILERS = {
    "a complex part": lambda a, size: a + size * 1j,
    "numbers as text": lambda a, size: a.astype(str),
    "true/false": lambda a, size: a > 0,
    "Python objects": lambda a, size: a.astype(object) if size > 1 else a.astype(object) * 1,
}


def _spoil(value, spoil, size, which):
    """The learner's answer with one of its arrays spoiled."""
    if isinstance(value, list):
        out = list(value)
        out[which % len(out)] = spoil(np.asarray(out[which % len(out)]), size)
        return out
    return tuple(_spoil(v, spoil, size, which) if i == which % 2 else v
                 for i, v in enumerate(value))


@SETTINGS
@given(checker=st.sampled_from(sorted(RIGHT, key=lambda c: c.__name__)),
       spoiler=st.sampled_from(sorted(SPOILERS)), size=st.sampled_from([1.0, 1e-300, 0.0]),
       which=st.integers(0, 5))
def test_a_checker_refuses_an_answer_that_is_not_real_numbers(checker, spoiler, size, which):
    assume(spoiler != "Python objects" or size == 1.0)
    right = RIGHT[checker]
    kwargs = {"timing": False} if checker is exercises.check_matrix_backprop else {}
    assert checker(right, **kwargs).passed
    if spoiler == "a complex part" and size == 0.0:
        size = 1.0                                       # 0j is still complex
    result = checker(lambda *args: _spoil(right(*args), SPOILERS[spoiler], size, which), **kwargs)
    assert not result.passed and result.status == "failed", result.text()
    assert re.search("complex|numeric", result.message), result.message


def test_the_issue_case_of_a_complex_answer():
    result = exercises.check_linear_neurons(
        lambda net, x, y: tuple([g + 1j for g in part] for part in net.backprop(x, y)))
    assert result.status == "failed" and "complex" in result.message


# ---- load reads numbers only; sizes are an ordered list ----------------------------------

def _saved(tmp_path):
    path = tmp_path / "net.json"
    nt.save(nt.Network([3, 2, 1], seed=0), path)
    return path, json.loads(path.read_text())


NOT_NUMBERS = st.one_of(st.just("0.5"), st.booleans(), st.none(), st.just([0.5]),
                        st.just({"value": 0.5}), st.text(max_size=4))


@SETTINGS
@given(kind=st.sampled_from(["weights", "biases"]), layer=st.integers(0, 1), row=st.integers(0, 1),
       value=NOT_NUMBERS)
def test_load_refuses_anything_but_numbers_as_weights(tmp_path, kind, layer, row, value):
    path, doc = _saved(tmp_path)
    doc[kind][layer][min(row, len(doc[kind][layer]) - 1)][0] = value
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=rf"{kind}\[{layer}\] (is not a numeric matrix|has shape)") \
            as info:
        nt.load(path)
    assert_clear(info.value)


@pytest.mark.parametrize("sizes", [{3: "a", 2: "b"}, {3, 2}, frozenset([3, 2]), {3: 1, 2: 1}.keys(),
                                   iter([3, 2]), np.array([[3, 2]]), "32"])
def test_layer_sizes_must_be_an_ordered_list(sizes):
    with pytest.raises((TypeError, ValueError), match=r"sizes") as info:
        nt.Network(sizes)
    assert_clear(info.value)


def test_load_refuses_sizes_written_as_an_object(tmp_path):
    path, doc = _saved(tmp_path)
    doc["sizes"] = {"3": "a", "2": "b", "1": "c"}
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="sizes must be a list"):
        nt.load(path)


# ---- weights broken by hand are reported at the next call, not computed with -------------

ENTRY_POINTS = {
    "feedforward": lambda net: net.feedforward(column(1, 2, 3)),
    "backprop": lambda net: net.backprop(column(1, 2, 3), column(0, 1)),
    "backprop_batch": lambda net: net.backprop_batch(np.ones((3, 4)), np.ones((2, 4))),
    "trace": lambda net: net.trace(column(1, 2, 3), column(0, 1)),
    "forward_trace": lambda net: net.forward_trace(column(1, 2, 3)),
    "cost_value": lambda net: net.cost_value(column(1, 2, 3), column(0, 1)),
    "predict": lambda net: net.predict(column(1, 2, 3)),
    "evaluate": lambda net: net.evaluate([(column(1, 2, 3), 1)]),
    "SGD": lambda net: net.SGD([(column(1, 2, 3), column(0, 1))], 1, 1, 1.0),
    "check_gradients": lambda net: nt.gradcheck.check_gradients(net, column(1, 2, 3), column(0, 1)),
    "paths_for_weight": lambda net: nt.paths.paths_for_weight(net, column(1, 2, 3), column(0, 1),
                                                              2, 0, 0),
}


@SETTINGS
@given(entry=st.sampled_from(sorted(ENTRY_POINTS)), kind=st.sampled_from(["weights", "biases"]),
       layer=st.integers(0, 1), value=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_weight_set_to_nan_by_hand_is_named_at_the_next_call(entry, kind, layer, value):
    net = nt.Network([3, 4, 2], seed=0)
    getattr(net, kind)[layer][1, 0] = value
    with pytest.raises(ValueError, match=rf"{kind}\[{layer}\] holds {value} at index \(1, 0\)") \
            as info:
        ENTRY_POINTS[entry](net)
    assert_clear(info.value)


# ---- saving through a symbolic link writes to the file it points to, atomically ----------

WRITERS = {
    "save": lambda path: nt.save(nt.Network([2, 1], seed=0), path),
    "bench --json": lambda path: bench.write_json({"sizes": [2, 1]}, path),
    "atomic_write (the notebook runner's)": lambda path: _write_text(path, '{"new": true}'),
}


def _write_text(path, text):
    with atomic_write(path) as f:
        f.write(text)


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("dangling", [False, True])
def test_writing_through_a_symbolic_link_replaces_the_target(tmp_path, writer, dangling):
    target_dir = tmp_path / "elsewhere"
    target_dir.mkdir()
    target = target_dir / "real.json"
    if not dangling:
        target.write_text("old")
        os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    WRITERS[writer](link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old" and json.loads(target.read_text())
    if not dangling:
        assert target.stat().st_mode & 0o777 == 0o640        # the target keeps its mode
    assert sorted(p.name for p in target_dir.iterdir()) == ["real.json"]   # no temporary
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "link.json"]


# ---- a tool that found nothing to do says so -----------------------------------------------

def test_running_the_notebooks_of_an_empty_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert execute_notebooks.main([str(tmp_path / "empty")]) == 2
    assert "no notebook (.ipynb) in the folder" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("not a notebook")
    assert execute_notebooks.main([str(tmp_path / "notes.txt")]) == 2
    assert "is not a notebook" in capsys.readouterr().err


# ---- a path means the same to a tool that runs in another folder --------------------------

def test_export_html_hands_nbconvert_paths_that_work_from_its_folder(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "a.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(export_html, "asset_urls", lambda *a, **k: {"require_js_url": "x"})
    calls = []

    def fake_run(command, cwd, **kwargs):
        calls.append((command, Path(cwd)))
        out_dir = Path(cwd, command[command.index("--output-dir") + 1])
        (out_dir / (command[command.index("--output") + 1] + ".html")).write_text("<html>")
        return export_html.subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(export_html.subprocess, "run", fake_run)
    for args, expected in [(["notebooks/a.ipynb"], tmp_path / "notebooks" / "a.html"),
                           (["notebooks/a.ipynb", "--output-dir", "site/pages"],
                            tmp_path / "site" / "pages" / "a.html")]:
        export_html.main(args)
        command, cwd = calls[-1]
        assert Path(cwd, command[-1]).resolve() == (tmp_path / "notebooks" / "a.ipynb")
        assert expected.is_file()


@pytest.mark.skipif(export_html.missing_assets(ROOT / ".cache" / "web-assets") != [],
                    reason="the web assets are not fetched (python -m nbteach.tools.export_html --fetch)")
def test_export_html_from_the_repository_root_with_relative_paths(tmp_path):
    import subprocess
    folder = tmp_path / "course"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "notebooks" / "tiny.ipynb").write_text(json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Tiny"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (folder / ".cache").symlink_to(ROOT / ".cache")
    done = subprocess.run([sys.executable, "-m", "nbteach.tools.export_html",
                           "notebooks/tiny.ipynb", "--output-dir", "out"], cwd=folder,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(nt.__file__).parents[1])})
    assert done.returncode == 0, done.stderr
    assert "Tiny" in (folder / "out" / "tiny.html").read_text()
