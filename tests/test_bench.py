"""The benchmark runs, reports what it measured and writes JSON safely (no timing asserted)."""
import json

import numpy as np
import pytest

from nbteach import bench


def test_mnist_like_data_is_shaped_like_mnist_and_seeded():
    X, Y = bench.mnist_like(50, seed=3)
    assert X.shape == (784, 50) and Y.shape == (10, 50)
    assert X.min() >= 0.0 and X.max() < 1.0
    assert np.array_equal(Y.sum(axis=0), np.ones(50))          # one-hot columns
    X2, Y2 = bench.mnist_like(50, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert X.flags.f_contiguous                                # laid out as a Dataset lays it out


def test_measure_steps_gives_one_row_per_batch_size_with_consistent_ratios(monkeypatch):
    monkeypatch.setattr(bench, "_torch", lambda: None)
    rows = bench.measure_steps((1, 10), repeats=2, budget=0.001)
    assert [r["batch_size"] for r in rows] == [1, 10]
    for r in rows:
        assert set(r) == {"batch_size", "book", "loop", "matrix", "fast", "loop_vs_book",
                          "matrix_vs_book", "fast_vs_book"}
        assert all(r[k] > 0 for k in ("book", "loop", "matrix", "fast"))
        assert r["fast_vs_book"] == pytest.approx(r["fast"] / r["book"])
        assert r["matrix_vs_book"] == pytest.approx(r["matrix"] / r["book"])
        assert r["loop_vs_book"] == pytest.approx(r["loop"] / r["book"])


def test_speedup_vs_batch_size_is_numpy_only():
    rows = bench.speedup_vs_batch_size((2,), repeats=1, budget=0.001)
    assert len(rows) == 1 and "torch" not in rows[0] and rows[0]["fast_vs_book"] > 0


def test_contenders_take_the_same_step():
    # The book's code, the loop, the matrix version and the fast path start equal and take
    # equal steps.
    contenders = bench._contenders(3, seed=4, torch=None)
    for step in contenders.values():
        step(0)
        step(1)
    want = contenders["book"].weights()
    for name in ("loop", "matrix", "fast"):
        for got, w in zip(contenders[name].weights(), want):
            assert np.max(np.abs(got - w)) <= 1e-12 * np.max(np.abs(w))


def test_epoch_comparison_reports_all_three_ways():
    out = bench.epoch_comparison(n_examples=60, mini_batch_size=10, repeats=1)
    for key in ("sgd_seconds", "sgd_train_seconds", "book_seconds", "loop_seconds",
                "matrix_seconds"):
        assert out[key] > 0
    assert out["sgd_train_seconds"] <= out["sgd_seconds"]
    assert out["sgd_vs_book"] == pytest.approx(out["book_seconds"] / out["sgd_seconds"])
    assert out["sgd_vs_loop"] == pytest.approx(out["loop_seconds"] / out["sgd_seconds"])
    assert out["n_examples"] == 60 and out["mini_batch_size"] == 10


def test_bare_products_fraction_is_a_ratio_of_two_measured_times():
    out = bench.bare_products_fraction(m=20, repeats=1, budget=0.001)
    assert out["step_seconds"] > 0 and out["products_seconds"] > 0
    assert out["fraction"] == pytest.approx(out["products_seconds"] / out["step_seconds"])


def fake_results(torch=False):
    row = {"batch_size": 10, "book": 1000.0, "loop": 800.0, "matrix": 5000.0, "fast": 20000.0,
           "loop_vs_book": 0.8, "matrix_vs_book": 5.0, "fast_vs_book": 20.0}
    if torch:
        row.update(torch=2000.0, torch_vs_book=2.0)
    return {"sizes": [784, 30, 10], "dtype": "float64", "quick": True, "numpy": np.__version__,
            "torch": "9.9" if torch else None, "steps": [row],
            "epoch": {"n_examples": 100, "mini_batch_size": 10, "repeats": 1,
                      "sgd_seconds": 0.5, "sgd_train_seconds": 0.4, "book_seconds": 10.0,
                      "loop_seconds": 12.0, "matrix_seconds": 2.0, "sgd_vs_book": 20.0,
                      "sgd_vs_loop": 24.0, "sgd_vs_matrix": 4.0},
            "bare_products": {"batch_size": 1000, "step_seconds": 0.004,
                              "products_seconds": 0.003, "fraction": 0.75}}


def test_report_prints_the_table_and_the_targets():
    text = bench.format_report(fake_results())
    assert "matrix/book" in text and "fast/book" in text and "torch not installed" in text
    assert ("        10      1000       800      5000     20000         0.8x         5.0x"
            "        20.0x") in text
    assert "20.0x faster than the book's code" in text
    assert "75% of the speed of its bare products" in text
    with_torch = bench.format_report(fake_results(torch=True))
    assert "torch/book" in with_torch and "torch 9.9" in with_torch


def test_write_json_is_atomic(tmp_path):
    path = tmp_path / "bench.json"
    bench.write_json(fake_results(), path)
    assert json.loads(path.read_text())["epoch"]["sgd_vs_book"] == 20.0
    with pytest.raises(TypeError):
        bench.write_json({"bad": object()}, path)               # cannot be written as JSON
    assert json.loads(path.read_text())["epoch"]["sgd_vs_book"] == 20.0   # old file intact
    assert [p.name for p in tmp_path.iterdir()] == ["bench.json"]        # no temporary left


def test_main_prints_and_writes_json(tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_run(quick, epoch_examples, repeats):
        seen.update(quick=quick, epoch_examples=epoch_examples, repeats=repeats)
        return fake_results()
    monkeypatch.setattr(bench, "run", fake_run)
    path = tmp_path / "out.json"
    assert bench.main(["--quick", "--json", str(path), "--repeats", "2"]) == 0
    assert seen == {"quick": True, "epoch_examples": None, "repeats": 2}
    assert "fast/book" in capsys.readouterr().out
    assert json.loads(path.read_text())["quick"] is True


def test_main_refuses_a_nonpositive_repeat_count(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--repeats", "0"])
    assert "--repeats must be a positive integer" in capsys.readouterr().err
