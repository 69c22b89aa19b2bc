"""Export a notebook to one HTML page whose widgets work with no kernel and no CDN.

``jupyter nbconvert --to html`` writes pages that load require.js, MathJax and the
ipywidgets HTML manager from public CDNs. This tool points nbconvert's URL options
(``HTMLExporter.require_js_url``, ``mathjax_url``, ``widget_renderer_url``) at local copies
instead, so an exported notebook, with the widget state its execution stored, works offline:
sliders and Play controls linked with ``jslink`` still move the panes. None of the pip
packages ships these three scripts, so ``--fetch`` takes them once from the npm registry
(``npm pack``: pinned versions, each tarball checked against its pinned sha512) into
an assets folder. Non-goal: anything a widget needs from a kernel (buttons wired to Python).

    python -m nbteach.tools.export_html --fetch                  # once: fill .cache/web-assets
    python -m nbteach.tools.export_html notebooks/05_step_by_step.ipynb --execute
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

__all__ = ["ASSETS", "DEFAULT_ASSETS_DIR", "fetch_assets", "missing_assets", "asset_urls",
           "export_html"]

# npm package -> (folder under the assets dir, what to keep from its tarball, the tarball's
# sha512 as npm's "integrity" writes it: a changed tarball is refused)
ASSETS = {
    "@jupyter-widgets/html-manager@1.0.15": (
        "html-manager", ("dist/",),
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="),
    "requirejs@2.3.8": (
        "requirejs", ("require.js",),
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="),
    "mathjax@2.7.9": (
        "mathjax", ("MathJax.js", "config/", "extensions/", "jax/", "localization/",
                    "fonts/HTML-CSS/TeX/"),
        "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ=="),
}
DEFAULT_ASSETS_DIR = Path(".cache") / "web-assets"

# The files a page loads, relative to the assets dir.
REQUIRE_JS = "requirejs/require-widgets.js"
MATHJAX_JS = "mathjax/MathJax.js"
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"
WIDGET_RENDERER_JS = "html-manager/dist/embed-amd.js"
STAMP = "versions.json"

# The HTML manager's bundle defines its modules by name and finds its fonts next to where
# require.js believes each module lives (by default: next to the page). This snippet,
# appended to require.js, maps those names to the bundle's own folder.
REQUIRE_CONFIG = """
(function () {
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var dist = script.src.slice(0, script.src.lastIndexOf("/") + 1) + "../html-manager/dist";
  var paths = {"@jupyter-widgets/html-manager/dist": dist};
  ["base", "base7", "controls", "controls7", "html-manager"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = dist + "/" + name;
  });
  require.config({paths: paths});
}());
"""


def missing_assets(assets_dir):
    """What is missing from ``assets_dir`` (an empty list when it is ready to use)."""
    assets_dir = Path(assets_dir)
    missing = [f for f in (REQUIRE_JS, MATHJAX_JS, WIDGET_RENDERER_JS)
               if not (assets_dir / f).is_file()]
    stamp = assets_dir / STAMP
    if not stamp.is_file() or json.loads(stamp.read_text()) != sorted(ASSETS):
        missing.append(f"{STAMP} naming {sorted(ASSETS)}")
    return missing


def fetch_assets(assets_dir=DEFAULT_ASSETS_DIR, npm="npm"):
    """Download the pinned npm packages with ``npm pack`` and unpack what pages load.

    Returns the assets dir. Raises RuntimeError when npm is missing or fails.
    """
    assets_dir = Path(assets_dir)
    if shutil.which(npm) is None:
        raise RuntimeError(f"fetching the web assets needs {npm!r} on PATH; found none")
    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run([npm, "pack", "--json", "--pack-destination", tmp, *ASSETS],
                                capture_output=True, text=True, cwd=tmp)
        if packed.returncode != 0:
            raise RuntimeError(f"npm pack failed ({packed.returncode}):\n{packed.stderr[-2000:]}")
        tarballs = {f"{p['name']}@{p['version']}": Path(tmp) / p["filename"]
                    for p in json.loads(packed.stdout)}
        for spec, (folder, keep, integrity) in ASSETS.items():
            if spec not in tarballs:
                raise RuntimeError(f"npm pack gave {sorted(tarballs)}, expected {spec}")
            digest = hashlib.sha512(tarballs[spec].read_bytes()).digest()
            found = "sha512-" + base64.b64encode(digest).decode("ascii")
            if found != integrity:
                raise RuntimeError(f"{spec}: expected tarball {integrity}, got {found}")
            target = assets_dir / folder
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            _unpack(tarballs[spec], target, keep)
    require = (assets_dir / "requirejs" / "require.js").read_text(encoding="utf-8")
    (assets_dir / REQUIRE_JS).write_text(require + REQUIRE_CONFIG, encoding="utf-8")
    (assets_dir / STAMP).write_text(json.dumps(sorted(ASSETS)))
    return assets_dir


def _unpack(tarball, target, keep):
    """Extract the members under ``package/`` whose path starts with one of ``keep``."""
    with tarfile.open(tarball) as tar:
        members = []
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and not name.endswith(".map") and name.startswith(keep):
                member.name = name
                members.append(member)
        tar.extractall(target, members=members, filter="data")


def asset_urls(assets_dir=DEFAULT_ASSETS_DIR, base_url=None):
    """nbconvert's three URL options, pointing at the assets (``file://`` unless base_url)."""
    assets_dir = Path(assets_dir)
    missing = missing_assets(assets_dir)
    if missing:
        raise FileNotFoundError(f"web assets missing from {assets_dir}: {missing}; "
                                "run `python -m nbteach.tools.export_html --fetch` first")
    base = base_url if base_url is not None else assets_dir.resolve().as_uri()
    base = base.rstrip("/") + "/"
    return {
        "require_js_url": base + REQUIRE_JS,
        "mathjax_url": base + MATHJAX_JS + MATHJAX_CONFIG,
        "widget_renderer_url": base + WIDGET_RENDERER_JS,
    }


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
    output.parent.mkdir(parents=True, exist_ok=True)
    urls = asset_urls(assets_dir, base_url)
    command = [sys.executable, "-m", "nbconvert", "--to", "html",
               *(f"--HTMLExporter.{k}={v}" for k, v in urls.items()),
               "--output-dir", str(output.parent), "--output", output.stem]
    if execute:
        command += ["--execute", f"--ExecutePreprocessor.timeout={timeout}",
                    "--ExecutePreprocessor.store_widget_state=True"]
    done = subprocess.run([*command, str(notebook)], capture_output=True, text=True,
                          cwd=notebook.parent)
    if done.returncode != 0:
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
    if args.fetch and missing_assets(args.assets):
        print(f"fetching web assets into {fetch_assets(args.assets)}")
    for notebook in args.notebooks:
        output = (args.output_dir / notebook.with_suffix(".html").name
                  if args.output_dir else None)
        print(export_html(notebook, output, assets_dir=args.assets, base_url=args.base_url,
                          execute=args.execute))
    if not args.fetch and not args.notebooks:
        parser.error("name notebooks to export, or --fetch")


if __name__ == "__main__":
    main()
