"""What the tests of the notebooks' shape share: reading a stored notebook's cells."""
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def read_cells(name):
    """The cells of ``notebooks/name`` (``.ipynb`` may be left out), as nbformat reads them."""
    path = NOTEBOOKS / name
    if path.suffix != ".ipynb":
        path = path.with_name(path.name + ".ipynb")
    return nbformat.read(path, as_version=4).cells


def markdown(name):
    """All the markdown of a notebook, one string."""
    return "\n".join(c.source for c in read_cells(name) if c.cell_type == "markdown")


def output_text(cell):
    """A code cell's stored text: its streams and the text/plain of its other outputs."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)
