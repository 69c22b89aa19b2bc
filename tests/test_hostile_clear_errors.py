"""Clear errors before any work: each refusal says what was expected, in nbteach's words.

Every case here once ended in a traceback from deep inside numpy, json, pooch or the
standard library, or in a misleading message, or only after minutes of work. Each now
raises before anything is done, with a message that names the argument and what it must
be, and leaves everything as it was.
"""
import json
import sys

import numpy as np
import pytest
from hostile import SETTINGS, assert_clear, assert_unchanged, column, snapshot
from hypothesis import given
from hypothesis import strategies as st
from test_data import Server, fake_mnist  # noqa: F401  (fake_mnist is a fixture)

import nbteach as nt
from nbteach import bench, gradcheck, paths
from nbteach.tools import execute_notebooks, export_html


def _net():
    return nt.Network([3, 4, 2], seed=0)


X, Y = column(1, 2, 3), column(0, 1)

CASES = {
    # name: (call taking a fresh network, exception types, what the message must say)
    "save with its arguments swapped": (
        lambda net, tmp: nt.save(str(tmp / "net.json"), net), TypeError,
        r"network first, then the file: nt.save\(net, '.*net.json'\)"),
    "save of something that is not a network": (
        lambda net, tmp: nt.save([1, 2], tmp / "net.json"), TypeError,
        r"got list where the Network should be"),
    "save to a folder that does not exist": (
        lambda net, tmp: nt.save(net, tmp / "no" / "net.json"), FileNotFoundError,
        r"the folder .*no does not exist"),
    "save onto a folder": (
        lambda net, tmp: nt.save(net, tmp), IsADirectoryError, r"it is a folder"),
    "seed = -1": (lambda net, tmp: nt.Network([2, 1], seed=-1), ValueError,
                  r"seed must be a non-negative integer such as 0 or 42 \(or None\); got -1"),
    "seed = 1.5": (lambda net, tmp: nt.Network([2, 1], seed=1.5), TypeError,
                   r"seed must be a non-negative integer.*got 1.5 \(float\)"),
    "seed = '7'": (lambda net, tmp: nt.Network([2, 1], seed="7"), TypeError, r"seed must be"),
    "split seed = -1": (lambda net, tmp: nt.load_mnist_subset(seed=-1), ValueError, r"seed must"),
    "a ragged list as x": (
        lambda net, tmp: net.backprop([[1.0], [2.0, 3.0], [4.0]], Y), ValueError,
        r"x must be a numeric array of shape \(3, 1\); got nested lists that make no array"),
    "a ragged list as a batch": (
        lambda net, tmp: net.feedforward([[1.0, 2.0], [3.0], [4.0, 5.0]]), ValueError,
        r"a must be a numeric array of shape \(3, m\); got nested lists"),
    "a ragged list to trace": (
        lambda net, tmp: net.trace([[1.0], [2.0, 3.0], [4.0]], Y), ValueError, r"x must be"),
    "j = 1.5 in paths_for_weight": (
        lambda net, tmp: paths.paths_for_weight(net, X, Y, 2, 1.5, 0), TypeError,
        r"j \(w\^2 is 4×3: j is a Python row\) must be an integer from 0 to 3; got 1.5"),
    "k = -1 in paths_for_weight": (
        lambda net, tmp: paths.paths_for_weight(net, X, Y, 2, 0, -1), ValueError,
        r"k \(w\^2 is 4×3: k is a Python column\) must be an integer from 0 to 2; got -1"),
    "l = True in paths_for_weight": (
        lambda net, tmp: paths.paths_for_weight(net, X, Y, True, 0, 0), TypeError,
        r"l must be a book layer number"),
    "a weight matrix of strings": (
        lambda net, tmp: (net.weights.__setitem__(0, net.weights[0].astype(str)),
                          net.backprop(X, Y)), TypeError,
        r"weights\[0\] must hold real numbers \(float64\); got an array of dtype <U"),
    "a bias vector of booleans": (
        lambda net, tmp: (net.biases.__setitem__(1, net.biases[1] > 0), net.feedforward(X)),
        TypeError, r"biases\[1\] must hold real numbers"),
    "check_gradients with eps = 0": (
        lambda net, tmp: gradcheck.check_gradients(net, X, Y, eps=0), ValueError,
        r"eps \(the finite-difference step\) must be a small positive number such as 1e-5; got 0"),
    "check_gradients with eps = nan": (
        lambda net, tmp: gradcheck.check_gradients(net, X, Y, eps=float("nan")), ValueError,
        r"eps .* got nan"),
    "demon_check with eps = -1e-5": (
        lambda net, tmp: gradcheck.demon_check(net, X, Y, eps=-1e-5), ValueError, r"eps .*"),
    "numerical_gradient with eps = '1e-5'": (
        lambda net, tmp: gradcheck.numerical_gradient(net, X, Y, eps="1e-5"), TypeError,
        r"eps .* got '1e-5' \(str\)"),
    "a cost given as an array": (
        lambda net, tmp: nt.Network([2, 1], cost=np.array([1, 2])), ValueError,
        r"cost must be one of"),
    "a method given as an array": (
        lambda net, tmp: net.update_mini_batch([(X, Y)], 1.0, method=np.array(["loop", "x"])),
        ValueError, r'method must be "matrix" or "loop"'),
    "a Dataset index past its end": (
        lambda net, tmp: nt.load_mnist_subset()[1][[0, 5000]], IndexError,
        r"example 5000 is out of range for a Dataset of 1000"),
    "a ragged list of pictures": (
        lambda net, tmp: nt.Dataset.from_images([np.zeros((2, 2), np.uint8), np.zeros(3, np.uint8)],
                                                [0, 1]), TypeError,
        r"images must be a uint8 array.*make no array"),
    "the learner's answer as a 0-d array": (
        lambda net, tmp: _check_raises_nothing(lambda *a: np.array(1.0)), AssertionError,
        r"Expected a pair \(nabla_b, nabla_w\) of two lists; got ndarray"),
}


def _check_raises_nothing(fn):
    result = nt.exercises.check_linear_neurons(fn)
    raise AssertionError(result.message)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_says_what_was_expected_and_changes_nothing(case, tmp_path):
    call, types, pattern = CASES[case]
    net = _net()
    snap = snapshot(net)
    with pytest.raises(types, match=pattern) as info:
        call(net, tmp_path)
    assert_clear(info.value, types if isinstance(types, type) else types)
    if "weight matrix" not in case and "bias vector" not in case:
        assert_unchanged(net, snap)
    assert sorted(p.name for p in tmp_path.iterdir()) == []          # nothing written


# ---- load: numbers no float holds, arrays nested too deep -----------------------------------

def _saved_doc(tmp_path):
    path = tmp_path / "net.json"
    nt.save(nt.Network([2, 2, 1], seed=0), path)
    return path, json.loads(path.read_text())


@SETTINGS
@given(digits=st.integers(309, 4000), sign=st.sampled_from(["", "-"]),
       where=st.sampled_from(["weights", "biases"]))
def test_load_names_a_number_too_large_for_a_float(tmp_path, digits, sign, where):
    path, doc = _saved_doc(tmp_path)
    doc[where][1][0][0] = 0.0
    text = json.dumps(doc).replace("0.0", sign + "1" + "0" * digits, 1) if where == "weights" \
        else json.dumps(doc).replace('"biases": [[[', '"biases": [[[' + sign + "9" * digits + ", ", 1)
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        nt.load(path)
    assert_clear(info.value)
    assert "net.json" in str(info.value)


def test_the_issue_case_of_10_to_the_400():
    import os
    import tempfile
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "net.json")
    nt.save(nt.Network([2, 1], seed=0), path)
    doc = json.loads(open(path).read())
    text = json.dumps(doc).replace(repr(doc["weights"][0][0][0]), str(10**400), 1)
    open(path, "w").write(text)
    with pytest.raises(ValueError, match=r"weights\[0\] is not a numeric matrix: entry \[0\]\[0\] "
                                         r"is 1000.*too large for a float64"):
        nt.load(path)


@pytest.mark.parametrize("depth", [3, 100, 100_000])
def test_load_names_arrays_nested_too_deep(tmp_path, depth):
    path, doc = _saved_doc(tmp_path)
    text = json.dumps(doc).replace('"weights": [', '"weights": [' + "[" * depth, 1)
    text = text.replace('], "biases"', "]" * depth + '], "biases"', 1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"nested far deeper than a matrix|not a numeric matrix"
                                         r"|need 2 weight matrices") as info:
        nt.load(path)
    assert_clear(info.value)


@pytest.mark.parametrize("path", [42, None, ["net.json"]])
def test_load_and_save_name_a_path_that_is_no_path(path, tmp_path):
    with pytest.raises(TypeError, match="path must be a file name such as 'net.json'"):
        nt.load(path)
    with pytest.raises(TypeError, match="path must be a file name"):
        nt.save(_net(), path)


def test_load_of_a_folder_says_so(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder; load needs the file"):
        nt.load(tmp_path)


# ---- the MNIST cache: a folder that is a file, a damaged file -------------------------------

def test_a_data_folder_that_is_a_file_is_named_before_any_download(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("I am a file")
    monkeypatch.setenv("NBTEACH_DATA_DIR", str(not_a_folder))
    monkeypatch.setenv("NBTEACH_MNIST_URL", "http://127.0.0.1:9/")   # never reached
    with pytest.raises(NotADirectoryError, match=r"NBTEACH_DATA_DIR=.*data is a file, not a "
                                                 r"folder") as info:
        nt.load_mnist(progress=False)
    assert_clear(info.value, NotADirectoryError)
    with pytest.raises(NotADirectoryError, match=r"cache_dir=.*is a file, not a folder"):
        nt.load_mnist(cache_dir=not_a_folder / "below", progress=False)
    assert not_a_folder.read_text() == "I am a file"


@pytest.mark.parametrize("base_url", ["127.0.0.1/mnist", "ftp://host/", 42])
def test_a_mirror_address_must_be_http(base_url):
    with pytest.raises(ValueError, match="base_url must be the address of a mirror"):
        nt.load_mnist(base_url=base_url, progress=False)


@pytest.fixture
def served(request):
    """Small MNIST-format files, their MD5s registered, served from 127.0.0.1."""
    folder, _ = request.getfixturevalue("fake_mnist")
    with Server(folder) as server:
        yield folder, server


def test_a_damaged_cached_file_is_replaced_by_a_good_download(served, tmp_path):
    folder, server = served
    cache = tmp_path / "cache"
    cache.mkdir()
    damaged = cache / "t10k-images-idx3-ubyte.gz"
    damaged.write_bytes(b"cut short")
    nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False)
    assert damaged.read_bytes() == (folder / damaged.name).read_bytes()


def test_a_damaged_cached_file_is_reported_truthfully_when_no_good_copy_comes(served, tmp_path,
                                                                               monkeypatch):
    folder, server = served
    cache = tmp_path / "cache"
    cache.mkdir()
    damaged = cache / "t10k-images-idx3-ubyte.gz"
    damaged.write_bytes(b"cut short")
    (folder / damaged.name).write_bytes(b"the mirror's copy is damaged too")
    with pytest.raises(ValueError, match=r"does not match its MD5.*The damaged cached copy of "
                                         r"t10k-images-idx3-ubyte.gz \(wrong MD5\) was removed"):
        nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False)
    assert not damaged.exists()                           # removed, as the message says
    damaged.write_bytes(b"cut short again")
    with pytest.raises(ConnectionError, match=r"t10k-images-idx3-ubyte.gz \(wrong MD5\) was "
                                              r"removed"):
        nt.load_mnist(cache_dir=cache, base_url="http://127.0.0.1:9/", progress=False)
    assert not damaged.exists()


# ---- the tools: missing folders and notebooks, before any work ------------------------------

def test_bench_checks_its_json_path_before_running_the_benchmark(tmp_path, monkeypatch, capsys):
    def ran(*args, **kwargs):
        raise AssertionError("the benchmark ran before the path was checked")
    monkeypatch.setattr(bench.report, "run", ran)
    for target, words in [(tmp_path / "missing" / "b.json", "does not exist"),
                          (tmp_path, "is a folder")]:
        with pytest.raises(SystemExit) as info:
            bench.main(["--quick", "--json", str(target)])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert f"cannot write the --json file {target}" in err and words in err


def test_execute_notebooks_names_a_missing_path(tmp_path, capsys):
    assert execute_notebooks.main([str(tmp_path / "nowhere")]) == 2
    assert "no notebook or folder at" in capsys.readouterr().err


def test_export_html_names_a_missing_notebook_before_exporting_any(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.ipynb").write_text("{}")
    monkeypatch.setattr(export_html, "export_html", lambda *a, **k: pytest.fail("exported"))
    with pytest.raises(SystemExit) as info:
        export_html.main([str(tmp_path / "a.ipynb"), str(tmp_path / "missing.ipynb")])
    assert info.value.code == 2
    assert "expected an existing .ipynb file" in capsys.readouterr().err


def test_export_html_reports_a_failure_as_a_message(tmp_path, capsys):
    (tmp_path / "a.ipynb").write_text("{}")
    with pytest.raises(SystemExit) as info:
        export_html.main([str(tmp_path / "a.ipynb"), "--assets", str(tmp_path / "none")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "error: web assets missing" in err and "Traceback" not in err


def test_a_damaged_assets_stamp_counts_as_missing(tmp_path):
    from nbteach.tools import assets
    for folder in ("requirejs", "mathjax", "html-manager"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / assets.STAMP).write_bytes(b"\xff\xfe not a checksum")
    assert len(export_html.missing_assets(tmp_path)) >= 3


if __name__ == "__main__":                               # pragma: no cover
    sys.exit(pytest.main([__file__]))
