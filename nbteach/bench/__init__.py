"""``python -m nbteach.bench``: how much faster is backprop on whole mini-batches, and SGD?

The book says a fully matrix-based mini-batch backprop gives a speedup of "about a factor of
two" over its per-example loop, on the author's laptop. This package measures it, on ``[784, 30, 10]`` with random MNIST-shaped
data (pixels uniform in [0, 1), one-hot labels, seeded), float64, in one run:

* ``steps``: examples per second of one gradient step at mini-batch sizes 1, 10, 100 and
  1000, for the book's own code (``nbteach.book``), nbteach's readable loop and matrix
  versions, the fast path (``nbteach.fast``) and, if installed, PyTorch; ratios over the
  book's code. Notebook 08 plots ``speedup_vs_batch_size``.
* ``epoch``: one 50,000-example epoch of ``Network.SGD`` at mini-batch 10 against the
  book's code on the same shuffle (and PyTorch eager, if installed), also with BLAS limited
  to one thread; where SGD's epoch goes, and its floor: its matrix products and per-call
  overhead timed alone. ``--full-mnist`` adds the book's whole run, 30 epochs.
* ``steps.bare_products_fraction``: a step at mini-batch 1000, the fast one and
  ``Network.update_mini_batch``, against its bare matrix products.
* ``system``: the BLAS library and its threads, and the peak memory of training.

Ratios are what to compare across machines; absolute speeds depend on the machine and on
what else it is doing (the report says why). Nothing here is asserted in tests.
``--quick`` is a short smoke run (seconds); ``--json FILE`` also writes the results.

Non-goal: a general benchmarking tool; it measures this package against the book.
"""
from .common import BATCH_SIZES, ETA, SIZES, mnist_like
from .epoch import epoch_breakdown, epoch_comparison, full_mnist, torch_epoch
from .report import format_report, main, run, write_json
from .steps import bare_products_fraction, measure_steps, speedup_vs_batch_size
from .system import blas_info, training_memory

__all__ = ["SIZES", "BATCH_SIZES", "ETA", "mnist_like", "measure_steps", "speedup_vs_batch_size",
           "bare_products_fraction", "epoch_comparison", "epoch_breakdown", "full_mnist",
           "torch_epoch", "blas_info", "training_memory", "run", "format_report", "write_json",
           "main"]
