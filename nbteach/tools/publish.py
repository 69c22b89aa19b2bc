"""What the site and the slides share: a folder of pages built from the notebooks.

``nbteach.tools.site`` and ``nbteach.tools.slides`` both export every notebook under a
folder (recursively) with an nbconvert exporter, from the outputs the notebooks were saved
with, into an output folder that mirrors the notebooks' tree, with the web assets copied
in and referenced by relative URLs. This module holds the steps they share:

* :func:`find_notebooks`: every notebook, in a stable order (hidden files and checkpoints
  left out);
* :func:`building`: the output folder is built beside its final place and swapped in
  whole, so a failed build leaves the previous one as it was; it replaces only a folder
  it built before (or an empty one);
* :func:`rewrite_notebook_links`: links between notebooks (``05_x.ipynb``,
  ``solutions/…``, ``../…``) point at the exported pages instead;
* :func:`readme_index`: the index page's notebook, made from the README's title,
  introduction and notebook table, so the index and the README never disagree;
* :func:`dangling_links`: relative links and scripts of the pages that lead nowhere;
* :func:`command_line`: the two tools' command line, alike but for names.

Non-goals: executing notebooks (``make notebooks`` does that), templating of its own.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from nbteach.tools.assets import DEFAULT_ASSETS_DIR, fetch_assets

__all__ = ["find_notebooks", "building", "relative_root", "rewrite_notebook_links",
           "readme_index", "dangling_links", "command_line", "MARKER"]

MARKER = ".nbteach-build"          # names a folder these tools built (and may replace)
NOTEBOOK_TABLE = "## The notebooks"


def find_notebooks(root):
    """Every ``.ipynb`` under ``root``, sorted; hidden files and checkpoints left out."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no folder of notebooks at {root}")
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        parts = path.relative_to(root).parts
        if not any(p.startswith(".") for p in parts):
            found.append(path)
    if not found:
        raise FileNotFoundError(f"no notebooks under {root}")
    return found


def relative_root(page):
    """The relative URL from ``page`` (a path relative to the output folder) to that folder:
    ``""`` for a page at the top, ``"../"`` one folder down, and so on."""
    return "../" * (len(Path(page).parts) - 1)


@contextmanager
def building(output):
    """Context manager yielding an empty staging folder that becomes ``output`` on success.

    Raises FileNotFoundError when the folder ``output`` should go in does not exist,
    PermissionError when it is not writable, and FileExistsError when ``output`` is a file,
    or a non-empty folder that these tools did not build (it is never replaced)."""
    output = Path(output)
    parent = output.absolute().parent
    if not parent.is_dir():
        raise FileNotFoundError(f"cannot build {output}: its folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot build {output}: its folder {parent} is not writable")
    if output.exists() and not output.is_dir():
        raise FileExistsError(f"cannot build {output}: it is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise FileExistsError(f"{output} holds files this tool did not build (no {MARKER}); "
                              "name another output folder or empty this one")
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=parent))
    try:
        yield staging
        (staging / MARKER).write_text("built by nbteach.tools; replaced whole on rebuild\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)      # mkdtemp makes 0o700 folders
        old = None
        if output.exists():
            old = parent / f".{output.name}-old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(output, old)
        os.replace(staging, output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# An href in a page, also where it sits in JSON (the widget state: href=\"…\").
_HREF = re.compile(r"""(href=\\?["'])([^"'\\\s<>]*)(?=\\?["'])""")


def rewrite_notebook_links(html, suffix, strip_prefix=""):
    """``html`` with relative links to ``*.ipynb`` ending in ``suffix`` instead.

    The fragment (``#section``) is kept; links with a scheme (``https:``), absolute paths
    and plain fragments are left alone. ``strip_prefix`` drops a leading folder
    (``notebooks/`` in the README's links)."""
    def rewrite(match):
        start, url = match.group(1), match.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith("/"):
            return match.group(0)
        path = parts.path
        if not path.endswith(".ipynb"):
            return match.group(0)
        path = path[: -len(".ipynb")] + suffix
        if strip_prefix and path.startswith(strip_prefix):
            path = path[len(strip_prefix):]
        rest = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
        return start + path + rest

    return _HREF.sub(rewrite, html)


def _section(text, heading):
    """The lines of ``text`` from the line ``heading`` up to the next heading of its level."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    except StopIteration:
        return None
    level = heading.split(" ", 1)[0] + " "
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(level)),
               len(lines))
    return "\n".join(lines[start:end]).strip()


def readme_index(readme, note=""):
    """A notebook for the index page: the README's title and introduction (up to its first
    ``## `` heading), its section ``## The notebooks`` with the table, and ``note``.

    Raises ValueError when the README has no such section or no table in it."""
    readme = Path(readme)
    if not readme.is_file():
        raise FileNotFoundError(f"no README at {readme}: the index is made from its table")
    text = readme.read_text(encoding="utf-8")
    table = _section(text, NOTEBOOK_TABLE)
    if table is None or not re.search(r"^\|.*\.ipynb", table, flags=re.M):
        raise ValueError(f"{readme} has no section {NOTEBOOK_TABLE!r} with a table of the "
                         "notebooks; the index is made from it")
    intro = text.split("\n## ", 1)[0].strip()
    title = next((line[2:].strip() for line in intro.splitlines() if line.startswith("# ")),
                 "nbteach")
    cells = [new_markdown_cell(intro), new_markdown_cell(table)]
    if note:
        cells.append(new_markdown_cell(note))
    return new_notebook(cells=cells, metadata={"title": title})


def read_notebook(path):
    """The notebook at ``path`` (nbformat 4), with a clear error when it cannot be read."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise ValueError(f"cannot read the notebook {path}: {error}") from error


class _Links(HTMLParser):
    """The ``href`` and ``src`` attributes of a page's tags (not inside scripts)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def dangling_links(folder):
    """``(page, url)`` for each relative link or script of the pages under ``folder``
    whose file is not there (sorted)."""
    folder = Path(folder)
    dangling = []
    for page in sorted(folder.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path or url.startswith("/"):
                continue
            if not (page.parent / unquote(parts.path)).exists():
                dangling.append((page.relative_to(folder).as_posix(), url))
    return sorted(set(dangling))


def command_line(argv, prog, description, output, what, build):
    """``python -m nbteach.tools.site`` or ``.slides``: parse ``argv`` and call
    ``build(notebooks, output, readme=..., assets_dir=...)``; ``output`` is the default
    folder, ``what`` names it in the help ("the site's folder"). Returns the exit status."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("notebooks", nargs="?", type=Path, default=Path("notebooks"),
                        help="folder of notebooks, searched recursively (default notebooks)")
    parser.add_argument("output", nargs="?", type=Path, default=Path(output),
                        help=f"{what}, replaced whole (default {output})")
    parser.add_argument("--readme", type=Path, default=Path("README.md"),
                        help="README whose notebook table becomes index.html")
    parser.add_argument("--assets", type=Path, default=DEFAULT_ASSETS_DIR,
                        help=f"assets folder (default {DEFAULT_ASSETS_DIR})")
    parser.add_argument("--fetch", action="store_true",
                        help="download the pinned web assets with npm first, when missing")
    args = parser.parse_args(argv)
    try:
        if args.fetch:
            fetch_assets(args.assets)
        print(f"building {args.output}/ from {args.notebooks}/")
        build(args.notebooks, args.output, readme=args.readme, assets_dir=args.assets)
    except (OSError, RuntimeError, ValueError) as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")
    print(f"open {(args.output / 'index.html').resolve().as_uri()}")
    return 0
