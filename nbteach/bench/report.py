"""The command: run every measurement, print the report, write JSON (atomically)."""
from __future__ import annotations

import argparse
import contextlib
import json
import sys

import numpy as np

from ..files import atomic_write, check_writable
from .common import CPU, SIZES, WALL, dataset, torch_or_none
from .epoch import epoch_breakdown, epoch_comparison, full_mnist
from .steps import bare_products_fraction, measure_steps
from .system import WHY_RATIOS_MOVE, blas_info, load_average, thread_limit, training_memory

__all__ = ["run", "format_report", "write_json", "main"]

MB = 1e6


def run(quick=False, epoch_examples=None, repeats=None, full=False):
    """Everything ``python -m nbteach.bench`` measures, as a dict (what ``--json`` writes).

    ``quick``: a smoke run of a few seconds (small data, few repetitions). ``full``: also
    the book's whole chapter 1 run, 30 epochs on MNIST-sized data (``full_mnist``).
    """
    torch = torch_or_none()
    n = epoch_examples or (1_000 if quick else 50_000)
    k = repeats or (2 if quick else 5)
    data = dataset(n)
    out = {"sizes": SIZES, "dtype": "float64", "quick": bool(quick), "numpy": np.__version__,
           "torch": None if torch is None else torch.__version__, "blas": blas_info(),
           "load_before": load_average()}
    if quick:
        out["steps"] = measure_steps(repeats=k, budget=0.01)
    else:
        out["steps"] = measure_steps(repeats=repeats or 5, budget=0.2)
    out["epoch"] = epoch_comparison(n, repeats=k, data=data)           # wall time, as it is
    # On one BLAS thread the process computes on one thread, so its CPU time measures the
    # code and not the other processes on the machine (``common.CPU``): the epoch once more,
    # where it goes, and the step at m = 1000, whose products BLAS would otherwise share
    # out among threads that, on a busy machine, wait for each other.
    limit = thread_limit(1)
    clock = WALL if limit is None else CPU
    with contextlib.nullcontext() if limit is None else limit:
        if limit is None:
            out["epoch_one_thread"] = {"skipped": "threadpoolctl is not installed "
                                                  "(pip install threadpoolctl to measure it)"}
        else:
            out["epoch_one_thread"] = epoch_comparison(n, repeats=k, data=data, readable=False,
                                                       use_torch=False, clock=CPU)
        out["breakdown"] = epoch_breakdown(n, repeats=k, data=data, clock=clock)
        out["bare_products"] = bare_products_fraction(repeats=repeats or (2 if quick else 7),
                                                      budget=0.02 if quick else 0.1,
                                                      min_calls=10 if quick else 100,
                                                      clock=clock)
    for key in ("breakdown", "bare_products"):
        out[key]["blas_threads"] = None if limit is None else 1
    del data
    out["memory"] = training_memory(n)
    out["full_mnist"] = full_mnist(epochs=2 if quick else 30,
                                   n_train=n, n_test=n // 5) if full else None
    out["load_after"] = load_average()
    return out


def _blas_line(blas):
    libs = blas.get("libraries") or [{"name": "unknown"}]
    parts = []
    for lib in libs:
        text = f"{lib.get('name')} {lib.get('version') or ''}".strip()
        text = f"{lib['user']}'s {text}" if lib.get("user") else text
        extra = ", ".join(str(lib[key]) + suffix for key, suffix in
                          (("architecture", " kernels"), ("threading_layer", ""))
                          if lib.get(key))
        threads = lib.get("threads")
        text += f" ({extra})" if extra else ""
        text += f", {threads} thread{'s' * (threads != 1)}" if threads else ", threads unknown"
        parts.append(text)
    env = ", ".join(f"{k}={v}" for k, v in blas.get("environment", {}).items())
    return (f"BLAS: {'; '.join(parts)}; {blas.get('cpu_count')} CPUs"
            + (f"; {env}" if env else "") + f"  [{blas.get('source')}]")


def _step_table(steps):
    have_torch = any("torch" in row for row in steps)
    names = ["book", "loop", "matrix", "fast"] + (["torch"] if have_torch else [])
    head = f"{'mini-batch':>10}" + "".join(f" {n:>9}" for n in names)
    head += "".join(f" {n + '/book':>12}" for n in names[1:])
    lines = ["One gradient step, examples per second (median of interleaved repetitions).",
             "book: the book's own code; loop: nbteach's per-example loop; matrix: the readable",
             "fully matrix-based version; fast: the same after profiling (what Network.SGD uses).",
             head]
    for row in steps:
        line = f"{row['batch_size']:>10d}" + "".join(f" {row[n]:>9.0f}" for n in names)
        line += "".join(f" {row[n + '_vs_book']:>11.1f}x" for n in names[1:])
        lines.append(line)
    return lines


def _epoch_lines(e, one):
    m = e["mini_batch_size"]
    lines = [f"One epoch, {e['n_examples']} examples, mini-batch {m} "
             f"(median of {e['repeats']} interleaved runs, wall time):",
             f"  Network.SGD        {e['sgd_seconds']:9.3f} s  (training alone "
             f"{e['sgd_train_seconds']:.3f} s; the rest: checks before the first epoch)"]
    if "torch_seconds" in e:
        lines.append(f"  PyTorch eager      {e['torch_seconds']:9.3f} s")
    for key, label in (("matrix", "readable matrix "), ("loop", "nbteach's loop  ")):
        if f"{key}_seconds" in e:
            lines.append(f"  {label}   {e[key + '_seconds']:9.3f} s  (one run)")
    lines.append(f"  the book's code    {e['book_seconds']:9.3f} s")
    summary = f"  SGD is {e['sgd_vs_book']:.1f}x faster than the book's code (target: 10x)"
    if "sgd_vs_torch" in e:
        summary += f", {e['sgd_vs_torch']:.1f}x faster than PyTorch eager"
    if "sgd_vs_matrix" in e:
        summary += f", {e['sgd_vs_matrix']:.1f}x faster than the readable matrix steps"
    lines.append(summary)
    if "skipped" in one:
        lines.append(f"  With BLAS limited to one thread: not measured, {one['skipped']}.")
    else:
        lines.append(f"  With BLAS limited to one thread, in CPU seconds (steadier on a busy "
                     f"machine): SGD {one['sgd_seconds']:.3f} s, the book's code "
                     f"{one['book_seconds']:.3f} s: {one['sgd_vs_book']:.1f}x")
    return lines


def _how(part):
    """How a part of the results was timed, in words."""
    if part.get("blas_threads") == 1 and part.get("clock") == "cpu":
        return "CPU seconds on one BLAS thread"
    if part.get("blas_threads") == 1:
        return "on one BLAS thread"
    return "wall time, BLAS's default threads (threadpoolctl would limit them to one)"


def _breakdown_lines(b):
    per = b["steps"]
    return [
        f"Where SGD's epoch goes (each part timed alone, {_how(b)}, median of {b['repeats']}):",
        f"  training           {b['train_seconds']:9.3f} s  ({per} steps of "
        f"{b['calls_per_step']} calls, {b['products_per_step']} of them matrix products)",
        f"    shuffle, gather  {b['gather_seconds']:9.3f} s  (the permutation; shuffled rows "
        "copied into the chunk buffer)",
        f"    cost             {b['cost_seconds']:9.3f} s  (the mean of the mini-batch costs: "
        "one dot product per chunk)",
        f"  checks             {b['checks_seconds']:9.3f} s  (once, before the first epoch)",
        f"  exact cost         {b['exact_cost_seconds']:9.3f} s  (only with "
        "monitor_training_cost=True: a forward pass)",
        f"  floor              {b['floor_seconds']:9.3f} s  = matrix products alone "
        f"{b['products_seconds']:.3f} s{' (BP4 and the update in one)' * b.get('fused', 0)}"
        " + call overhead "
        f"{b['overhead_seconds']:.3f} s",
        f"  training runs at {b['floor_fraction']:.0%} of the floor's speed "
        f"(the rest: sigma, the Hadamard products, the first layer's bias, the gather)"]


def _memory_lines(mem):
    return [
        f"Memory of one SGD epoch on {mem['n_train']} MNIST-sized examples (tracemalloc):",
        f"  the Dataset holds   {mem['data_bytes'] / MB:8.1f} MB  (float64 pixels, one-hot "
        "targets, labels)",
        f"  SGD adds at its peak {mem['sgd_extra_bytes'] / MB:7.1f} MB  (the targets as rows, "
        f"{mem['rows_y_bytes'] / MB:.1f} MB; the chunk buffer, {mem['chunk_bytes'] / MB:.1f} MB; "
        "the shuffle, the step's buffers and tape, the new weights)",
        f"  monitor_training_cost=True: {mem['monitor_extra_bytes'] / MB:.1f} MB  (plus the "
        "forward pass's outputs)",
        f"  an (X, Y) pair in the book's C-ordered columns: {mem['pair_extra_bytes'] / MB:.1f} MB "
        "(SGD copies it into rows once; a Dataset needs no copy)"]


def format_report(results):
    """The results as the text the command prints (fixed precision)."""
    r = results
    lines = [f"nbteach.bench: {r['sizes']}, {r['dtype']}, numpy {r['numpy']}"
             + (f", torch {r['torch']}" if r["torch"] else ", torch not installed")
             + (" (quick)" if r["quick"] else "")]
    if r.get("blas"):
        lines.append(_blas_line(r["blas"]))
    if r.get("load_before") is not None and r.get("load_after") is not None:
        cpus = (r.get("blas") or {}).get("cpu_count")
        busy = max(r["load_before"], r["load_after"]) > (cpus or 1)   # more than we run
        lines.append(f"Load average {r['load_before']:.1f} before the run, {r['load_after']:.1f} "
                     f"after" + (f", on {cpus} CPUs" if cpus else "")
                     + (": the machine was busy, so absolute times are inflated and ratios noisier."
                        if busy else "."))
    lines += [""] + _step_table(r["steps"])
    lines += [""] + _epoch_lines(r["epoch"], r.get("epoch_one_thread", {"skipped": "not run"}))
    if r.get("breakdown"):
        lines += [""] + _breakdown_lines(r["breakdown"])
    b = r["bare_products"]
    lines += ["", f"Mini-batch {b['batch_size']} ({_how(b)}): a fast step takes "
              f"{b['step_seconds'] * 1e3:.3f} ms, its matrix products alone "
              f"{b['products_seconds'] * 1e3:.3f} ms: the step runs at {b['fraction']:.0%} of "
              "the speed of its bare products."]
    if "update_fraction" in b:
        lines.append(f"net.update_mini_batch((X, Y), eta), with its checks and the readable backprop, "
                     f"takes {b['update_seconds'] * 1e3:.3f} ms: {b['update_fraction']:.0%} "
                     "(target: 60%).")
    if r.get("memory"):
        lines += [""] + _memory_lines(r["memory"])
    f = r.get("full_mnist")
    if f:
        lines += ["", f"The book's chapter 1 run on generated data of MNIST's size: {f['epochs']} "
                  f"epochs of {f['n_train']} examples, mini-batch {f['mini_batch_size']}, "
                  f"test accuracy on {f['n_test']} after each: {f['wall_seconds']:.1f} s "
                  f"({f['train_seconds']:.1f} s training)."]
    lines += ["", WHY_RATIOS_MOVE]
    return "\n".join(lines)


def write_json(results, path):
    """Write ``results`` to ``path`` atomically (a temporary file, then a rename)."""
    with atomic_write(path, suffix=".json") as fh:
        json.dump(results, fh, indent=2, sort_keys=True)
        fh.write("\n")


def main(argv=None):
    from . import __doc__ as doc
    parser = argparse.ArgumentParser(prog="python -m nbteach.bench", description=doc.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (seconds)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--epoch-examples", type=int, metavar="N",
                        help="examples in the timed epoch (default 50000; 1000 with --quick)")
    parser.add_argument("--repeats", type=int, metavar="K", help="interleaved repetitions")
    parser.add_argument("--full-mnist", action="store_true",
                        help="also time the book's whole run: 30 epochs on MNIST-sized data")
    args = parser.parse_args(argv)
    for name in ("epoch_examples", "repeats"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer; got {value}")
    if args.json:
        try:                                 # before the benchmark, not after minutes of it
            check_writable(args.json, "--json file")
        except OSError as exc:
            parser.error(str(exc))
    results = run(quick=args.quick, epoch_examples=args.epoch_examples, repeats=args.repeats,
                  full=args.full_mnist)
    print(format_report(results))
    if args.json:
        write_json(results, args.json)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
