"""A static site of the notebooks that students open with nothing installed (``make site``).

Every notebook under the notebooks folder (recursively) is exported to one HTML page with
nbconvert's lab template, from the outputs and the widget state it was saved with (no
notebook is run): the steppers' sliders and Play buttons work in the page, the pictures
are in it, MathJax typesets the equations. require.js, MathJax and the ipywidgets HTML
manager are copied into ``assets/`` (from the pinned, checksummed files of
``nbteach.tools.assets``) and every page loads them by a relative URL, so the folder works
from ``file://`` and from any static host (a course's GitHub Pages) and no request leaves
the page. Links between notebooks lead to the pages (``05_step_by_step.html``,
``solutions/exercises_solutions.html``, ``../00_start_here.html``), and ``index.html``
shows the README's introduction and its table of the notebooks, with the same links. An
empty ``.nojekyll`` tells GitHub Pages to serve every file as it is.

    python -m nbteach.tools.site --fetch            # notebooks/ and README.md -> site/

Non-goals: running the notebooks (``make notebooks`` stores their outputs), anything a
widget needs a kernel for (buttons wired to Python show, but do nothing), search, themes.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from nbteach.tools.assets import (
    DEFAULT_ASSETS_DIR,
    PAGE_ASSETS,
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

__all__ = ["build_site", "INDEX_NOTE"]

ASSETS_FOLDER = "assets"
INDEX_NOTE = (
    "Each page shows a notebook with the outputs it was saved with; its sliders and Play "
    "buttons work in the page itself, with nothing installed. To change the code and run "
    "it, open the notebooks in JupyterLab.")


@functools.cache
def _exporter(root):
    """nbconvert's HTML exporter for pages whose way up to the site's top is ``root``."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    for name, url in nbconvert_urls(root + ASSETS_FOLDER).items():
        setattr(config.HTMLExporter, name, url)
    return HTMLExporter(config=config, template_name="lab")


def _export(nb, page, name):
    body, _ = _exporter(relative_root(page)).from_notebook_node(
        nb, resources={"metadata": {"name": name}})
    return body


def build_site(notebooks="notebooks", output="site", *, readme="README.md",
               assets_dir=DEFAULT_ASSETS_DIR, log=print):
    """Export every notebook under ``notebooks`` into ``output``; return ``output``.

    The folder is built beside ``output`` and swapped in whole when every page is written.
    Raises FileNotFoundError when the assets, the notebooks or the README are missing,
    and the errors of :func:`nbteach.tools.publish.building` for the output folder.
    """
    notebooks, output = Path(notebooks), Path(output)
    require_assets(assets_dir, PAGE_ASSETS)
    paths = find_notebooks(notebooks)
    index = readme_index(readme, INDEX_NOTE)
    pages = [path.relative_to(notebooks).with_suffix(".html") for path in paths]
    for page in pages:
        if page.as_posix() == "index.html" or page.parts[0] == ASSETS_FOLDER:
            raise ValueError(f"the notebook {notebooks / page.with_suffix('.ipynb')} would "
                             f"take the place of the site's {page.parts[0]}; rename it")
    with building(output) as staging:
        for path, page in zip(paths, pages):
            html = _export(read_notebook(path), page, path.stem)
            html = rewrite_notebook_links(html, ".html")
            (staging / page).parent.mkdir(parents=True, exist_ok=True)
            (staging / page).write_text(html, encoding="utf-8")
            log(f"  {page}")
        html = _export(index, Path("index.html"), "index")
        # The README links to notebooks/X.ipynb; the site keeps the notebooks' tree.
        prefix = Path(os.path.relpath(notebooks.resolve(), Path(readme).resolve().parent))
        prefix = prefix.as_posix() + "/"
        (staging / "index.html").write_text(
            rewrite_notebook_links(html, ".html", strip_prefix=prefix), encoding="utf-8")
        (staging / ".nojekyll").write_text("")   # GitHub Pages: serve every file as it is
        copied = copy_assets(staging / ASSETS_FOLDER, assets_dir, PAGE_ASSETS)
        log(f"  index.html; {copied} asset files in {ASSETS_FOLDER}/")
        for page, url in dangling_links(staging):
            log(f"warning: {page} links to {url}, which is not in the site")
    return output


def main(argv=None):
    return command_line(argv, "python -m nbteach.tools.site", __doc__.split("\n\n")[0],
                        "site", "the site's folder", build_site)


if __name__ == "__main__":
    sys.exit(main())
