"""Saving and loading networks: exact JSON round trip, atomic writes, clear refusals."""
import json
import os

import numpy as np
import pytest

import nbteach as nt
from nbteach import saving


def _same(a, b):
    return (a.sizes == b.sizes
            and all(np.array_equal(p, q) and p.tobytes() == q.tobytes()
                    for p, q in zip(a.weights + a.biases, b.weights + b.biases)))


@pytest.mark.parametrize("activation, cost", [
    (nt.sigmoid, nt.QuadraticCost), (nt.tanh, nt.QuadraticCost),
    (nt.relu, nt.CrossEntropyCost), (nt.linear, nt.CrossEntropyCost)])
def test_round_trip_is_exact(tmp_path, activation, cost):
    net = nt.Network([5, 4, 3, 2], seed=3, activation=activation, cost=cost)
    # awkward floats: subnormal, huge, negative zero, many digits
    net.weights[0][0, 0] = 5e-324
    net.weights[0][0, 1] = -1.7976931348623157e308
    net.weights[0][0, 2] = -0.0
    net.biases[1][0, 0] = 0.1 + 0.2
    path = tmp_path / "net.json"
    assert nt.save(net, path) == str(path)
    back = nt.load(path)
    assert _same(net, back)
    assert np.signbit(back.weights[0][0, 2])
    assert back.activation is activation and back.cost is cost
    assert back.num_layers == 4
    assert all(w.dtype == np.float64 for w in back.weights + back.biases)
    x = np.random.default_rng(0).standard_normal((5, 3))
    assert np.array_equal(net.feedforward(x), back.feedforward(x))
    doc = json.loads(path.read_text())
    assert doc["sizes"] == [5, 4, 3, 2]
    assert doc["activation"] == activation.name and doc["cost"] == cost.name
    assert doc["format"] == saving.FORMAT


def test_save_accepts_str_paths_and_overwrites(tmp_path):
    a, b = nt.Network([2, 2], seed=1), nt.Network([2, 3, 1], seed=2)
    path = str(tmp_path / "n.json")
    nt.save(a, path)
    nt.save(b, path)
    assert _same(nt.load(path), b)
    assert os.listdir(tmp_path) == ["n.json"]


@pytest.mark.parametrize("where", ["replace", "write"])
def test_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch, where):
    old, new = nt.Network([3, 2], seed=1), nt.Network([3, 2], seed=2)
    path = tmp_path / "net.json"
    nt.save(old, path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    if where == "replace":
        monkeypatch.setattr(saving.os, "replace", boom)
    else:
        monkeypatch.setattr(saving.os, "fsync", boom)    # fails after part of the text is written
    with pytest.raises(OSError, match="disk full"):
        nt.save(new, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.json"]          # no temporary file left behind
    assert _same(nt.load(path), old)


def test_interrupted_write_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "fresh.json"

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(saving.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        nt.save(nt.Network([2, 1], seed=0), path)
    assert os.listdir(tmp_path) == []


def test_network_with_nan_or_inf_is_not_saved(tmp_path):
    net = nt.Network([2, 2], seed=0)
    net.weights[0][1, 1] = np.nan
    path = tmp_path / "bad.json"
    with pytest.raises(ValueError, match="NaN or inf"):
        nt.save(net, path)
    net.weights[0][1, 1] = 0.0
    net.biases[0][0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or inf"):
        nt.save(net, path)
    assert not path.exists() and os.listdir(tmp_path) == []


def _write(tmp_path, content, name="net.json"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def _doc(**changes):
    net = nt.Network([3, 2, 1], seed=0)
    doc = {"format": saving.FORMAT, "sizes": [3, 2, 1], "activation": "sigmoid",
           "cost": "quadratic", "weights": [w.tolist() for w in net.weights],
           "biases": [b.tolist() for b in net.biases]}
    doc.update(changes)
    return doc


def test_a_file_that_is_not_json(tmp_path):
    with pytest.raises(ValueError, match="is not a saved nbteach network: not valid JSON"):
        nt.load(_write(tmp_path, "sizes: [3, 2, 1]"))
    with pytest.raises(ValueError, match="not a text \\(JSON\\) file"):
        nt.load(_write(tmp_path, b"\x80\x03\x89PNG\xff\xfe", "bin.json"))
    with pytest.raises(ValueError, match='expected a JSON object with "format"'):
        nt.load(_write(tmp_path, [1, 2, 3], "list.json"))
    with pytest.raises(ValueError, match='"format": "nbteach.network/1"'):
        nt.load(_write(tmp_path, _doc(format="other/1"), "fmt.json"))


@pytest.mark.parametrize("changes, exc, pattern", [
    (dict(sizes=[3, 2]), ValueError, r"sizes \[3, 2\] need 1 weight matrices and 1 bias vectors"),
    (dict(sizes=[3, 4, 1]), ValueError, r"weights\[0\] has shape \(2, 3\), but sizes \[3, 4, 1\] need \(4, 3\)"),
    (dict(sizes=[2, 2, 1]), ValueError, r"weights\[0\] has shape \(2, 3\), but sizes \[2, 2, 1\] need \(2, 2\)"),
    (dict(biases=[[[0.0]], [[0.0]]]), ValueError, r"biases\[0\] has shape \(1, 1\).*need \(2, 1\)"),
    (dict(biases=[[0.0, 0.0], [0.0]]), ValueError, r"biases\[0\] has shape \(2,\).*need \(2, 1\)"),
    (dict(weights=[[[1, 2, 3], [4, 5]], [[1, 2]]]), ValueError, r"weights\[0\] is not a numeric matrix of shape \(2, 3\)"),
    (dict(weights=[[["a", "b", "c"], ["d", "e", "f"]], [[1, 2]]]), ValueError, r"weights\[0\] is not a numeric matrix"),
    (dict(weights="none"), ValueError, r"need 2 weight matrices"),
    (dict(sizes=[3]), ValueError, r"at least two layers"),
    (dict(sizes=[3, 0, 1]), ValueError, r"sizes\[1\] must be a positive integer"),
    (dict(activation="softmax"), ValueError, r"activation must be one of"),
    (dict(cost="hinge"), ValueError, r"cost must be one of"),
])
def test_a_file_whose_sizes_and_arrays_disagree(tmp_path, changes, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nt.load(_write(tmp_path, _doc(**changes)))


def test_missing_entries(tmp_path):
    doc = _doc()
    del doc["biases"]
    with pytest.raises(ValueError, match="missing the 'biases' entry"):
        nt.load(_write(tmp_path, doc))


def test_a_file_with_nan_weights_is_refused(tmp_path):
    # Python's json reads the non-standard NaN / Infinity literals; load must not accept them.
    doc = _doc()
    doc["weights"][0][0] = [float("nan"), 0.0, 0.0]
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(doc))                 # json.dumps writes NaN by default
    with pytest.raises(ValueError, match=r"weights\[0\].*finite"):
        nt.load(path)
    doc["weights"][0][0] = [0.0, 0.0, 0.0]
    doc["biases"][1] = [[float("inf")]]
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"biases\[1\].*finite"):
        nt.load(path)


def test_saved_file_uses_no_pickle(tmp_path):
    path = tmp_path / "net.json"
    nt.save(nt.Network([2, 2], seed=0), path)
    text = path.read_text(encoding="utf-8")
    json.loads(text)                                 # plain JSON, nothing else
    assert "NaN" not in text and "Infinity" not in text
