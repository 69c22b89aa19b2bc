"""The web assets an exported page loads, from local files: pinned, checksummed, fetched once.

``jupyter nbconvert`` writes pages that load require.js, MathJax, the ipywidgets HTML
manager (and, for slides, reveal.js) from public CDNs. None of the pip packages
ships these scripts, so :func:`fetch_assets` takes them once from the npm registry with
``npm pack`` (pinned versions; each tarball is checked against its pinned sha512, as npm's
``integrity`` field writes it) into an assets folder, ``.cache/web-assets`` by default.
Each package's folder holds a stamp with the integrity it was unpacked from, so a changed
pin is fetched again and nothing else is.

:func:`copy_assets` copies the files pages load next to a set of pages (a site, a slide
deck folder), so they work from ``file://`` and from any static host, and
:func:`nbconvert_urls` gives nbconvert's URL options for them, relative or absolute.

Non-goals: bundling or minifying; other MathJax renderers than CommonHTML in copied
assets (MathJax's menu can ask for them; they are left out to keep a site small).
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Asset", "ASSETS", "PAGE_ASSETS", "SLIDE_ASSETS", "DEFAULT_ASSETS_DIR",
           "FETCH_HINT", "fetch_assets", "missing_assets", "require_assets", "copy_assets",
           "nbconvert_urls"]


@dataclass(frozen=True)
class Asset:
    """One npm package: where it goes, what is kept, what pages load, and its checksum.

    ``keep``: path prefixes taken from the tarball (below ``package/``).
    ``publish``: glob patterns of the kept files that pages load; :func:`copy_assets`
    copies only these.
    ``integrity``: the tarball's sha512 as npm writes it; a different tarball is refused.
    """

    spec: str
    folder: str
    keep: tuple
    publish: tuple
    integrity: str


_LICENCES = ("LICENSE", "LICENSE.txt", "LICENSE.md")

ASSETS = (
    Asset("@jupyter-widgets/html-manager@1.0.15", "html-manager",
          ("dist/", *_LICENCES),
          ("dist/embed-amd.js", "dist/*.woff", "dist/*.woff2", "dist/*.ttf", "dist/*.eot",
           "dist/*.svg", "dist/*.LICENSE.txt", *_LICENCES),
          "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="),
    Asset("requirejs@2.3.8", "requirejs",
          ("require.js", *_LICENCES),
          ("require-widgets.js", *_LICENCES),
          "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="),
    Asset("mathjax@2.7.9", "mathjax",
          ("MathJax.js", "config/", "extensions/", "jax/", "localization/",
           "fonts/HTML-CSS/TeX/", *_LICENCES),
          ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions/*",
           "jax/input/TeX/*", "jax/element/*", "jax/output/CommonHTML/*",
           "fonts/HTML-CSS/TeX/woff/*", "fonts/HTML-CSS/TeX/otf/*", "localization/*",
           *_LICENCES),
          "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ=="),
    # The version nbconvert's reveal template is written for (its default URL prefix).
    Asset("reveal.js@4.0.2", "reveal.js",
          ("dist/", "plugin/notes/", *_LICENCES),
          ("dist/reveal.js", "dist/reveal.css", "dist/theme/*", "plugin/notes/*", *_LICENCES),
          "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw=="),
)
_BY_FOLDER = {a.folder: a for a in ASSETS}
PAGE_ASSETS = ("html-manager", "requirejs", "mathjax")       # what a notebook page loads
SLIDE_ASSETS = (*PAGE_ASSETS, "reveal.js")                   # and what a slide deck adds

DEFAULT_ASSETS_DIR = Path(".cache") / "web-assets"
FETCH_HINT = ("run `python -m nbteach.tools.export_html --fetch` first, or build with --fetch "
              "(`make site` and `make slides` do); it needs npm")
STAMP = ".integrity"

# The files pages load, relative to the assets folder.
REQUIRE_JS = "requirejs/require-widgets.js"
MATHJAX_JS = "mathjax/MathJax.js"
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"
WIDGET_RENDERER_JS = "html-manager/dist/embed-amd.js"
REVEAL_PREFIX = "reveal.js"
_ENTRY_POINTS = {"requirejs": REQUIRE_JS, "mathjax": MATHJAX_JS,
                 "html-manager": WIDGET_RENDERER_JS,
                 "reveal.js": REVEAL_PREFIX + "/dist/reveal.js"}

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


def _assets(names):
    names = tuple(_BY_FOLDER) if names is None else tuple(names)
    unknown = [n for n in names if n not in _BY_FOLDER]
    if unknown:
        raise ValueError(f"unknown assets {unknown}; known: {sorted(_BY_FOLDER)}")
    return [_BY_FOLDER[n] for n in names]


def missing_assets(assets_dir=DEFAULT_ASSETS_DIR, names=None):
    """What is missing from ``assets_dir`` (an empty list when it is ready to use).

    ``names``: the asset folders to check (default: all of them)."""
    assets_dir = Path(assets_dir)
    missing = []
    for asset in _assets(names):
        stamp = assets_dir / asset.folder / STAMP
        if not stamp.is_file() or stamp.read_text("utf-8", "replace").strip() != asset.integrity:
            missing.append(f"{asset.spec} (no stamp {asset.folder}/{STAMP} with its checksum)")
        elif not (assets_dir / _ENTRY_POINTS[asset.folder]).is_file():
            missing.append(_ENTRY_POINTS[asset.folder])
    return missing


def require_assets(assets_dir=DEFAULT_ASSETS_DIR, names=None):
    """Raise FileNotFoundError, saying how to fetch them, when assets are missing."""
    missing = missing_assets(assets_dir, names)
    if missing:
        raise FileNotFoundError(f"web assets missing from {assets_dir}: {missing}; "
                                + FETCH_HINT)
    return Path(assets_dir)


def fetch_assets(assets_dir=DEFAULT_ASSETS_DIR, npm="npm", names=None):
    """Download the pinned npm packages that are missing and unpack what pages load.

    Each package is unpacked beside its folder and swapped in whole, so a page using the
    old folder never sees half of one. Returns the assets dir. Raises RuntimeError when
    npm is missing or fails, or a tarball's checksum is not the pinned one.
    """
    assets_dir = Path(assets_dir)
    wanted = [a for a in _assets(names) if missing_assets(assets_dir, [a.folder])]
    if not wanted:
        return assets_dir
    if shutil.which(npm) is None:
        raise RuntimeError(f"fetching the web assets needs {npm!r} on PATH; found none")
    assets_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        specs = [a.spec for a in wanted]
        packed = subprocess.run([npm, "pack", "--json", "--pack-destination", tmp, *specs],
                                capture_output=True, text=True, cwd=tmp)
        if packed.returncode != 0:
            raise RuntimeError(f"npm pack failed ({packed.returncode}):\n{packed.stderr[-2000:]}")
        tarballs = {f"{p['name']}@{p['version']}": Path(tmp) / p["filename"]
                    for p in json.loads(packed.stdout)}
        for asset in wanted:
            if asset.spec not in tarballs:
                raise RuntimeError(f"npm pack gave {sorted(tarballs)}, expected {asset.spec}")
            digest = hashlib.sha512(tarballs[asset.spec].read_bytes()).digest()
            found = "sha512-" + base64.b64encode(digest).decode("ascii")
            if found != asset.integrity:
                raise RuntimeError(f"{asset.spec}: expected tarball {asset.integrity}, "
                                   f"got {found}")
            staging = Path(tempfile.mkdtemp(prefix=f".{asset.folder}-", dir=assets_dir))
            os.chmod(staging, _folder_mode())       # mkdtemp makes 0o700 folders
            try:
                _unpack(tarballs[asset.spec], staging, asset.keep)
                if asset.folder == "requirejs":
                    require = (staging / "require.js").read_text(encoding="utf-8")
                    (staging / "require-widgets.js").write_text(require + REQUIRE_CONFIG,
                                                                encoding="utf-8")
                (staging / STAMP).write_text(asset.integrity + "\n")
                _swap_in(staging, assets_dir / asset.folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    return assets_dir


def _folder_mode():
    """The mode a new folder gets: 0o777 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


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


def _swap_in(new, target):
    """Put folder ``new`` at ``target``, replacing what was there (two renames)."""
    new, target = Path(new), Path(target)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def copy_assets(target, assets_dir=DEFAULT_ASSETS_DIR, names=PAGE_ASSETS):
    """Copy the files pages load (each asset's ``publish`` patterns) into ``target``.

    Returns the number of files copied. Raises FileNotFoundError when assets are missing.
    """
    assets_dir, target = require_assets(assets_dir, names), Path(target)
    copied = 0
    for asset in _assets(names):
        source = assets_dir / asset.folder
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source).as_posix()
            if path.is_file() and any(fnmatch.fnmatchcase(rel, p) for p in asset.publish):
                destination = target / asset.folder / rel
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
                copied += 1
    return copied


def nbconvert_urls(base, *, slides=False):
    """nbconvert's URL options for pages that find the assets folder at ``base``.

    ``base``: a URL (``file:///…/web-assets``) or a path relative to the page
    (``assets``, ``../assets``). ``slides`` adds the options of the reveal.js template.
    """
    base = base.rstrip("/") + "/" if base else ""
    urls = {
        "require_js_url": base + REQUIRE_JS,
        "mathjax_url": base + MATHJAX_JS + MATHJAX_CONFIG,
        "widget_renderer_url": base + WIDGET_RENDERER_JS,
    }
    if slides:
        urls["reveal_url_prefix"] = base + REVEAL_PREFIX
    return urls
