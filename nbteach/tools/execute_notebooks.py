"""Re-execute notebooks in place, keeping their outputs and widget state (``make notebooks``).

Usage: ``python -m nbteach.tools.execute_notebooks [PATH ...]`` where each PATH is a
notebook or a folder searched recursively (default: ``notebooks``). Each notebook runs in
a fresh kernel with its own folder as working directory, in full mode (``NBTEACH_QUICK``
unset), and is written back only if every cell ran; a failing notebook is left as it was.
Widget state is stored in the notebook's metadata, so the saved file shows live widgets
on nbviewer and in an HTML export. A PATH that is missing, or a folder that holds no
notebook, is an error (exit status 2) before anything runs.

Stored pictures are kept small: every opaque PNG output is re-encoded with a palette of at
most 256 colours (Pillow, which matplotlib already needs), which for plots and digits looks
the same and takes a third of the bytes. It changes only what is stored; nbval does not
compare images, and a learner who runs a notebook gets matplotlib's own PNGs.
"""
from __future__ import annotations

import base64
import io
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from nbteach.files import atomic_write, check_writable


def find_notebooks(paths):
    """The notebooks named by ``paths`` (files, or folders searched recursively), in order.

    Raises FileNotFoundError for a path that is neither, or a folder without notebooks.
    """
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            inside = sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
            if not inside:
                raise FileNotFoundError(f"no notebook (.ipynb) in the folder {p}")
            found += inside
        elif p.suffix == ".ipynb" and p.is_file():
            found.append(p)
        elif p.exists():
            raise FileNotFoundError(f"{p} is not a notebook: expected a .ipynb file or a folder")
        else:
            raise FileNotFoundError(f"no notebook or folder at {p}")
    return found


def compact_png(data):
    """A PNG (base64 text, as notebooks store it) with at most 256 colours, if that is smaller.

    Images with any transparency are left as they are.
    """
    from PIL import Image

    raw = base64.b64decode(data)
    image = Image.open(io.BytesIO(raw))
    if image.mode in ("RGBA", "LA", "P") and image.convert("RGBA").getextrema()[3][0] < 255:
        return data
    palette = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    smaller = base64.b64encode(out.getvalue()).decode("ascii")
    return smaller if len(smaller) < len(data) else data


def compact_outputs(nb):
    """Re-encode the notebook's PNG outputs with ``compact_png``, in place."""
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if "image/png" in data:
                data["image/png"] = compact_png(data["image/png"])


def execute(path, timeout=900):
    """Run one notebook top to bottom and save it atomically in place."""
    check_writable(path, "notebook")                 # before running it, not after
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)
    client.execute()
    compact_outputs(nb)
    with atomic_write(path, suffix=".ipynb") as f:
        nbformat.write(nb, f)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    os.environ.pop("NBTEACH_QUICK", None)
    failed = []
    try:
        notebooks = find_notebooks(argv or ["notebooks"])
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in notebooks:
        start = time.perf_counter()
        try:
            execute(path)
        except Exception as exc:  # report and go on with the others
            failed.append(path)
            print(f"FAILED {path}: {type(exc).__name__}: {str(exc)[:2000]}", flush=True)
        else:
            print(f"ok     {path} ({time.perf_counter() - start:.1f} s)", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed and were left unchanged", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

