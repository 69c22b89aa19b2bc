"""reveal.js slides of every notebook, that run from ``file://`` with no kernel (``make slides``).

Every notebook under the notebooks folder (recursively) becomes one deck,
``NAME.slides.html``, through nbconvert's slides exporter, from the outputs and the widget
state it was saved with (no notebook is run): a ``BackpropStepper`` on a slide steps with
its slider and Play button, kernel-free. The cells' ``slideshow.slide_type`` metadata
decides the slides (``slide``, ``subslide``, ``fragment``, ``-`` continues, ``skip`` leaves
a cell out, ``notes`` goes to the speaker view); a notebook with no slide metadata at all
starts a slide at each markdown cell that opens with a heading.

reveal.js (the version nbconvert's reveal template is written for), require.js,
MathJax and the ipywidgets HTML manager are copied into ``assets/`` from the pinned,
checksummed files of ``nbteach.tools.assets``; decks load them by relative URLs, so the
folder can be copied to a lecture-room machine or hosted anywhere. ``index.html`` lists the
decks in the README's table. Links between notebooks lead to the other decks.

For the projector: reveal.js draws each slide on a 1280 × 800 canvas (wide enough for a
stepper's pane) and scales it to fill the screen; every widget is shown at presenter size
(JupyterLab's type size zoomed 1.5 times, as ``nbteach.present()`` does, so its buttons
and arrays grow with its text); the input and output prompts are left out; a slide taller
than the screen scrolls. Keys pressed on a slider or a drop-down move the widget, not the
slides. The template in ``templates/nbteach_slides`` extends nbconvert's reveal template
for these, and leaves out its jQuery and mermaid, which it would load from CDNs.

    python -m nbteach.tools.slides --fetch          # notebooks/ -> slides/

Non-goals: running the notebooks (``make notebooks``), live slides with a kernel (use
RISE in JupyterLab), PDF export.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
from pathlib import Path

import nbformat

from nbteach.tools.assets import (
    DEFAULT_ASSETS_DIR,
    SLIDE_ASSETS,
    copy_assets,
    nbconvert_urls,
    require_assets,
)
from nbteach.tools.publish import (
    building,
    command_line,
    dangling_links,
    find_notebooks,
    read_notebook,
    readme_index,
    relative_root,
    rewrite_notebook_links,
)

__all__ = ["build_slides", "with_slide_types", "REVEAL"]

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "nbteach_slides"
ASSETS_FOLDER = "assets"
SUFFIX = ".slides.html"
# reveal.js options (nbconvert's SlidesExporter traits); see the module docstring.
REVEAL = {"reveal_theme": "white", "reveal_transition": "slide",
          "reveal_number": "c/t", "reveal_width": "1280", "reveal_height": "800"}
INDEX_NOTE = (
    "Each deck shows a notebook's cells with the outputs it was saved with; its sliders "
    "and Play buttons work on the slide, with no kernel. Keys: → and ← move between "
    "slides, Space goes through every slide and fragment, Esc shows them all, S opens "
    "the speaker view.")


def with_slide_types(nb):
    """``nb`` itself when any cell has slide metadata; otherwise a copy in which each
    markdown cell that opens with a heading starts a slide (the first cell always does)."""
    if any("slide_type" in cell.metadata.get("slideshow", {}) for cell in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        heading = cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")
        cell.metadata["slideshow"] = nbformat.from_dict(
            {"slide_type": "slide" if heading or i == 0 else "-"})
    return nb


@functools.cache
def _slides_exporter(root):
    """nbconvert's slides exporter for decks whose way up to the output's top is ``root``."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    options = {**nbconvert_urls(root + ASSETS_FOLDER, slides=True), **REVEAL,
               "exclude_input_prompt": True, "exclude_output_prompt": True}
    for name, value in options.items():
        setattr(config.SlidesExporter, name, value)
    return SlidesExporter(config=config, extra_template_basedirs=[str(TEMPLATES)],
                          template_name=TEMPLATE)


def _index_page(nb):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    for name, url in nbconvert_urls(ASSETS_FOLDER).items():
        setattr(config.HTMLExporter, name, url)
    body, _ = HTMLExporter(config=config, template_name="lab").from_notebook_node(
        nb, resources={"metadata": {"name": "slides"}})
    return body


def build_slides(notebooks="notebooks", output="slides", *, readme="README.md",
                 assets_dir=DEFAULT_ASSETS_DIR, log=print):
    """Make a deck of every notebook under ``notebooks`` in ``output``; return ``output``.

    The folder is built beside ``output`` and swapped in whole when every deck is written.
    Raises FileNotFoundError when the assets, the notebooks or the README are missing,
    and the errors of :func:`nbteach.tools.publish.building` for the output folder.
    """
    notebooks, output = Path(notebooks), Path(output)
    require_assets(assets_dir, SLIDE_ASSETS)
    paths = find_notebooks(notebooks)
    index = readme_index(readme, INDEX_NOTE)
    pages = [path.relative_to(notebooks).with_suffix("").with_suffix(SUFFIX) for path in paths]
    for page in pages:
        if page.parts[0] == ASSETS_FOLDER:
            raise ValueError(f"the notebooks in {notebooks / ASSETS_FOLDER} would take the "
                             "place of the slides' assets; rename the folder")
    with building(output) as staging:
        for path, page in zip(paths, pages):
            nb = with_slide_types(read_notebook(path))
            html, _ = _slides_exporter(relative_root(page)).from_notebook_node(
                nb, resources={"metadata": {"name": path.stem}})
            (staging / page).parent.mkdir(parents=True, exist_ok=True)
            (staging / page).write_text(rewrite_notebook_links(html, SUFFIX), encoding="utf-8")
            log(f"  {page}")
        prefix = Path(os.path.relpath(notebooks.resolve(), Path(readme).resolve().parent))
        (staging / "index.html").write_text(
            rewrite_notebook_links(_index_page(index), SUFFIX,
                                   strip_prefix=prefix.as_posix() + "/"), encoding="utf-8")
        copied = copy_assets(staging / ASSETS_FOLDER, assets_dir, SLIDE_ASSETS)
        log(f"  index.html; {copied} asset files in {ASSETS_FOLDER}/")
        for page, url in dangling_links(staging):
            log(f"warning: {page} links to {url}, which is not among the slides")
    return output


def main(argv=None):
    return command_line(argv, "python -m nbteach.tools.slides", __doc__.split("\n\n")[0],
                        "slides", "the slides' folder", build_slides)


if __name__ == "__main__":
    sys.exit(main())

