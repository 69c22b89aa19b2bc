"""Export a notebook to one HTML page whose widgets work with no kernel and no CDN.

``jupyter nbconvert --to html`` writes pages that load require.js, MathJax and the
ipywidgets HTML manager from public CDNs. This tool points nbconvert's URL options
(``HTMLExporter.require_js_url``, ``mathjax_url``, ``widget_renderer_url``) at local copies
instead, so an exported notebook, with the widget state its execution stored, works offline:
sliders and Play controls linked with ``jslink`` still move the panes. None of the pip
packages ships these scripts, so ``--fetch`` takes them once from the npm registry
(``npm pack``: pinned versions, each tarball checked against its pinned sha512; see
``nbteach.tools.assets``) into an assets folder: the ones a page loads and the ones the
slides (``nbteach.tools.slides``) add. Non-goal: anything a widget needs from a kernel
(buttons wired to Python); a folder of pages with their assets (``nbteach.tools.site``).

    python -m nbteach.tools.export_html --fetch                  # once: fill .cache/web-assets
    python -m nbteach.tools.export_html notebooks/05_step_by_step.ipynb --execute
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from nbteach.tools.assets import (
    ASSETS,
    DEFAULT_ASSETS_DIR,
    PAGE_ASSETS,
    fetch_assets,
    missing_assets,
    nbconvert_urls,
    require_assets,
)

__all__ = ["ASSETS", "DEFAULT_ASSETS_DIR", "fetch_assets", "missing_assets", "asset_urls",
           "export_html"]


def asset_urls(assets_dir=DEFAULT_ASSETS_DIR, base_url=None):
    """nbconvert's three URL options, pointing at the assets (``file://`` unless base_url)."""
    assets_dir = require_assets(assets_dir, PAGE_ASSETS)
    return nbconvert_urls(base_url if base_url is not None else assets_dir.resolve().as_uri())


def export_html(notebook, output=None, *, assets_dir=DEFAULT_ASSETS_DIR, base_url=None,
                execute=False, timeout=600):
    """Run ``jupyter nbconvert --to html`` with local scripts; return the HTML file's path.

    Parameters
    ----------
    notebook : path of the .ipynb to export.
    output : path of the .html to write (default: next to the notebook).
    assets_dir : folder filled by :func:`fetch_assets`.
    base_url : where the page will find the assets folder (default: its ``file://`` URL).
    execute : run the notebook first; nbconvert stores the widget state it creates.
    """
    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise ValueError(f"expected an existing .ipynb file, got {str(notebook)!r}")
    output = Path(output) if output is not None else notebook.with_suffix(".html")
    if output.suffix != ".html":
        raise ValueError(f"expected an output path ending in .html, got {str(output)!r}")
    if output.is_dir():
        raise IsADirectoryError(f"the output {str(output)!r} is a folder; name an .html file")
    urls = asset_urls(assets_dir, base_url)          # checked before anything is written
    # nbconvert runs in the notebook's folder (so the notebook finds its files): every path
    # handed to it is absolute, whatever folder this was called from.
    notebook, output = notebook.resolve(), output.resolve()
    made = [p for p in (output.parent, *output.parent.parents) if not p.exists()]
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "nbconvert", "--to", "html",
               *(f"--HTMLExporter.{k}={v}" for k, v in urls.items()),
               "--output-dir", str(output.parent), "--output", output.stem]
    if execute:
        command += ["--execute", f"--ExecutePreprocessor.timeout={timeout}",
                    "--ExecutePreprocessor.store_widget_state=True"]
    done = subprocess.run([*command, str(notebook)], capture_output=True, text=True,
                          cwd=notebook.parent)
    if done.returncode != 0:
        for folder in made:                          # a failed export leaves no new folders
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise RuntimeError(f"nbconvert failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help=".ipynb files to export")
    parser.add_argument("--fetch", action="store_true",
                        help="download the pinned web assets with npm (when missing)")
    parser.add_argument("--assets", type=Path, default=DEFAULT_ASSETS_DIR,
                        help=f"assets folder (default {DEFAULT_ASSETS_DIR})")
    parser.add_argument("--base-url", default=None,
                        help="URL of the assets folder as the page sees it (default file://)")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="where to write the .html files (default: next to each notebook)")
    parser.add_argument("--execute", action="store_true", help="run each notebook first")
    args = parser.parse_args(argv)
    if not args.fetch and not args.notebooks:
        parser.error("name notebooks to export, or --fetch")
    for notebook in args.notebooks:              # all named notebooks exist, before any work
        if notebook.suffix != ".ipynb" or not notebook.is_file():
            parser.error(f"expected an existing .ipynb file, got {str(notebook)!r}")
    try:
        if args.fetch and missing_assets(args.assets):
            print(f"fetching web assets into {fetch_assets(args.assets)}")
        for notebook in args.notebooks:
            output = (args.output_dir / notebook.with_suffix(".html").name
                      if args.output_dir else None)
            print(export_html(notebook, output, assets_dir=args.assets,
                              base_url=args.base_url, execute=args.execute))
    except (OSError, RuntimeError, ValueError) as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")


if __name__ == "__main__":
    main()
