"""The benchmark runs, reports what it measured and writes JSON safely (no timing asserted)."""
import json

import numpy as np
import pytest

import nbteach as nt
from nbteach import bench
from nbteach.bench import epoch, report, steps, system


def rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def test_mnist_like_data_is_shaped_like_mnist_and_seeded():
    X, Y = bench.mnist_like(50, seed=3)
    assert X.shape == (784, 50) and Y.shape == (10, 50)
    assert X.min() >= 0.0 and X.max() < 1.0
    assert np.array_equal(Y.sum(axis=0), np.ones(50))          # one-hot columns
    X2, Y2 = bench.mnist_like(50, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert X.flags.f_contiguous                                # laid out as a Dataset lays it out


def test_measure_steps_gives_one_row_per_batch_size_with_consistent_ratios(monkeypatch):
    monkeypatch.setattr(steps, "torch_or_none", lambda: None)
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
    contenders = steps._contenders(3, seed=4, torch=None)
    for step in contenders.values():
        step(0)
        step(1)
    want = contenders["book"].weights()
    for name in ("loop", "matrix", "fast"):
        for got, w in zip(contenders[name].weights(), want):
            assert rel(got, w) <= 1e-12


def test_the_books_epoch_takes_sgds_steps_on_sgds_shuffle():
    data = nt.Dataset(*_pixels_and_labels(40))
    book = epoch.book_epoch(bench.common.book_examples(data), 10)
    net = nt.Network(bench.SIZES, seed=0)
    net.SGD(data, 1, 10, bench.ETA)
    for got, want in zip(book.weights + book.biases, net.weights + net.biases):
        assert rel(got, want) <= 1e-12


def test_torch_epoch_trains_the_same_network_the_same_way():
    torch = pytest.importorskip("torch")
    data = nt.Dataset(*_pixels_and_labels(40))
    layers = epoch.torch_epoch(torch, data, 10)
    net = nt.Network(bench.SIZES, seed=0)
    net.SGD(data, 1, 10, bench.ETA)
    for (w, b), nw, nb in zip(layers, net.weights, net.biases):
        assert rel(w, nw) <= 1e-12 and rel(b, nb[:, 0]) <= 1e-12


def _pixels_and_labels(n, seed=0):
    X, Y = bench.mnist_like(n, seed)
    return X, np.argmax(Y, axis=0)


def test_epoch_comparison_reports_every_contender():
    out = bench.epoch_comparison(n_examples=60, mini_batch_size=10, repeats=1, use_torch=False)
    for key in ("sgd_seconds", "sgd_train_seconds", "book_seconds", "loop_seconds",
                "matrix_seconds"):
        assert out[key] > 0
    assert "torch_seconds" not in out
    assert out["sgd_train_seconds"] <= out["sgd_seconds"]
    assert out["sgd_vs_book"] == pytest.approx(out["book_seconds"] / out["sgd_seconds"])
    assert out["sgd_vs_loop"] == pytest.approx(out["loop_seconds"] / out["sgd_seconds"])
    assert out["n_examples"] == 60 and out["mini_batch_size"] == 10
    quick = bench.epoch_comparison(n_examples=60, repeats=1, readable=False, use_torch=False)
    assert "loop_seconds" not in quick and "matrix_seconds" not in quick


def test_epoch_breakdown_times_every_part_and_the_floor():
    out = bench.epoch_breakdown(n_examples=200, mini_batch_size=10, repeats=1)
    for key in ("train", "gather", "checks", "cost", "exact_cost", "products", "overhead"):
        assert out[f"{key}_seconds"] > 0
    assert out["steps"] == 20 and out["products_per_step"] == 6      # 5 for w, 1 for b^2
    assert out["calls_per_step"] > out["products_per_step"]
    assert out["floor_seconds"] == pytest.approx(out["products_seconds"] + out["overhead_seconds"])
    assert out["floor_fraction"] == pytest.approx(out["floor_seconds"] / out["train_seconds"])


def test_cpu_time_is_a_clock_the_epoch_measures_can_use():
    out = bench.epoch_comparison(n_examples=60, repeats=1, readable=False, use_torch=False,
                                 clock=bench.common.CPU)
    assert out["clock"] == "cpu" and "sgd_train_seconds" not in out and out["sgd_seconds"] > 0
    b = bench.epoch_breakdown(n_examples=100, repeats=1, clock=bench.common.CPU)
    assert b["clock"] == "cpu" and b["train_seconds"] > 0


def test_bare_products_fraction_is_a_ratio_of_measured_times():
    out = bench.bare_products_fraction(m=20, repeats=1, budget=0.001, min_calls=5)
    assert out["step_seconds"] > 0 and out["products_seconds"] > 0 and out["update_seconds"] > 0
    assert out["fraction"] == pytest.approx(out["products_seconds"] / out["step_seconds"])
    assert out["update_fraction"] == pytest.approx(out["products_seconds"] / out["update_seconds"])


def test_full_mnist_runs_the_books_settings():
    out = bench.full_mnist(epochs=1, n_train=50, n_test=20)
    assert out["epochs"] == 1 and out["mini_batch_size"] == 10
    assert out["wall_seconds"] >= out["train_seconds"] > 0 and np.isfinite(out["final_cost"])


def test_blas_info_names_a_library_with_or_without_threadpoolctl(monkeypatch):
    info = bench.blas_info()
    assert info["libraries"] and info["cpu_count"] >= 1 and info["source"]
    monkeypatch.setattr(system, "_threadpoolctl", lambda: None)
    plain = bench.blas_info()
    assert plain["source"].startswith("numpy") and plain["libraries"][0]["name"]
    assert system.thread_limit(1) is None


def test_training_memory_counts_the_data_and_what_sgd_adds():
    out = bench.training_memory(n_train=300)
    assert out["data_bytes"] == 300 * (784 + 10) * 8 + 300 * 8
    assert 0 < out["sgd_extra_bytes"] < out["pair_extra_bytes"]
    assert out["rows_y_bytes"] == 300 * 10 * 8 and out["chunk_bytes"] > 0
    assert out["pair_extra_bytes"] >= 300 * 784 * 8               # the copy into rows


def fake_results(torch=False, one_thread=True):
    row = {"batch_size": 10, "book": 1000.0, "loop": 800.0, "matrix": 5000.0, "fast": 20000.0,
           "loop_vs_book": 0.8, "matrix_vs_book": 5.0, "fast_vs_book": 20.0}
    epoch_ = {"n_examples": 100, "mini_batch_size": 10, "repeats": 1,
              "sgd_seconds": 0.5, "sgd_train_seconds": 0.4, "book_seconds": 10.0,
              "loop_seconds": 12.0, "matrix_seconds": 2.0, "sgd_vs_book": 20.0,
              "sgd_vs_loop": 24.0, "sgd_vs_matrix": 4.0}
    if torch:
        row.update(torch=2000.0, torch_vs_book=2.0)
        epoch_.update(torch_seconds=3.0, sgd_vs_torch=6.0)
    return {"sizes": [784, 30, 10], "dtype": "float64", "quick": True, "numpy": np.__version__,
            "load_before": 0.5, "load_after": 6.0,
            "torch": "9.9" if torch else None, "steps": [row], "epoch": epoch_,
            "blas": {"source": "threadpoolctl", "cpu_count": 2, "environment": {},
                     "libraries": [{"name": "openblas", "version": "0.3", "threads": 2,
                                    "architecture": "Haswell", "threading_layer": "pthreads"}]},
            "epoch_one_thread": ({"sgd_seconds": 0.45, "book_seconds": 9.0, "sgd_vs_book": 20.0,
                                  "clock": "cpu"}
                                 if one_thread else {"skipped": "threadpoolctl is not installed"}),
            "breakdown": {"repeats": 1, "steps": 10, "calls_per_step": 26, "products_per_step": 6,
                          "clock": "cpu", "blas_threads": 1,
                          "train_seconds": 0.4, "gather_seconds": 0.03, "cost_seconds": 0.001,
                          "checks_seconds": 0.002, "exact_cost_seconds": 0.1,
                          "products_seconds": 0.25, "overhead_seconds": 0.05,
                          "floor_seconds": 0.3, "floor_fraction": 0.75},
            "bare_products": {"batch_size": 1000, "step_seconds": 0.004, "update_seconds": 0.005,
                              "blas_threads": 1, "clock": "cpu",
                              "products_seconds": 0.003, "fraction": 0.75, "update_fraction": 0.6},
            "memory": {"n_train": 100, "data_bytes": 635_200, "sgd_extra_bytes": 2_000_000,
                       "rows_y_bytes": 8000, "chunk_bytes": 2_100_000,
                       "monitor_extra_bytes": 2_100_000, "pair_extra_bytes": 700_000},
            "full_mnist": {"epochs": 30, "n_train": 50000, "n_test": 10000, "mini_batch_size": 10,
                           "wall_seconds": 15.0, "train_seconds": 12.0, "final_cost": 0.1}}


def test_report_prints_the_table_the_targets_and_the_machine():
    text = bench.format_report(fake_results())
    assert "matrix/book" in text and "fast/book" in text and "torch not installed" in text
    assert ("        10      1000       800      5000     20000         0.8x         5.0x"
            "        20.0x") in text
    assert "20.0x faster than the book's code (target: 10x)" in text
    assert "75% of the speed of its bare products" in text and "60% (target: 60%)" in text
    assert "Mini-batch 1000 (CPU seconds on one BLAS thread)" in text
    assert "BLAS: openblas 0.3 (Haswell kernels, pthreads), 2 threads; 2 CPUs" in text
    assert "one thread, in CPU seconds (steadier on a busy machine): SGD 0.450 s" in text
    assert "75% of the floor's speed" in text
    assert "timed alone, CPU seconds on one BLAS thread, median of 1" in text
    assert "Why these ratios differ between machines" in text
    assert "Load average 0.5 before the run, 6.0 after, on 2 CPUs: the machine was busy" in text
    assert "30 epochs of 50000 examples" in text and "15.0 s" in text
    with_torch = bench.format_report(fake_results(torch=True, one_thread=False))
    assert "torch/book" in with_torch and "torch 9.9" in with_torch
    assert "6.0x faster than PyTorch eager" in with_torch
    assert "one thread: not measured, threadpoolctl is not installed" in with_torch


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

    def fake_run(quick, epoch_examples, repeats, full):
        seen.update(quick=quick, epoch_examples=epoch_examples, repeats=repeats, full=full)
        return fake_results()
    monkeypatch.setattr(report, "run", fake_run)
    path = tmp_path / "out.json"
    assert bench.main(["--quick", "--json", str(path), "--repeats", "2", "--full-mnist"]) == 0
    assert seen == {"quick": True, "epoch_examples": None, "repeats": 2, "full": True}
    assert "fast/book" in capsys.readouterr().out
    assert json.loads(path.read_text())["quick"] is True


def test_main_refuses_a_nonpositive_repeat_count(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--repeats", "0"])
    assert "--repeats must be a positive integer" in capsys.readouterr().err
