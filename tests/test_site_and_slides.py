"""The static site and the slides, built from a small tree of notebooks (no browser, no npm).

The web assets are stand-ins with the right stamps (the tools check stamps and entry
points, not the scripts' contents), so these tests run offline; the browser tests in
``tests/browser/`` open the real site and slides. Checked here: every notebook of the tree
becomes a page or a deck at the same place, links between notebooks lead to pages, every
script and stylesheet comes from the copied assets by a relative URL, the index shows the
README's table, the output folder is replaced whole and only when these tools built it,
and missing assets or output folders give errors that say what to do.
"""
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import nbformat
import pytest
import tomllib
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nbteach.tools import assets, publish, site, slides

ROOT = Path(__file__).resolve().parents[1]

README = """\
# nbteach

Notebooks that teach backpropagation.

## Two commands

`make lab`

## The notebooks

Open them in order.

| notebook | book section |
| --- | --- |
| [a](notebooks/a.ipynb) | the first, $a^l = \\sigma(z^l)$ |
| [b](notebooks/b.ipynb) | the second |
| [solutions](notebooks/solutions/s.ipynb) | answers |

## Licence

MIT
"""


def _nb(*cells, slide_types=None):
    nb = new_notebook(cells=list(cells), metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for cell, kind in zip(nb.cells, slide_types or []):
        cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


@pytest.fixture
def tree(tmp_path):
    """A README and notebooks/ with a subfolder, a hidden notebook and a checkpoint."""
    books = tmp_path / "notebooks"
    (books / "solutions").mkdir(parents=True)
    (books / ".ipynb_checkpoints").mkdir()
    nbformat.write(_nb(new_markdown_cell("# A\n\nNext: [b](b.ipynb), answers in "
                                         "[solutions](solutions/s.ipynb#part-1), the book "
                                         "[online](https://example.org/chap2.ipynb)."),
                       new_code_cell("x = 1"),
                       new_markdown_cell("## Second slide"),
                       new_code_cell("import os  # plumbing"),
                       slide_types=["slide", "-", "slide", "skip"]),
                   books / "a.ipynb")
    nbformat.write(_nb(new_markdown_cell("# B"), new_code_cell("y = 2"),
                       new_markdown_cell("## A heading starts a slide"),
                       new_markdown_cell("no heading: same slide")), books / "b.ipynb")
    nbformat.write(_nb(new_markdown_cell("# Answers\n\nBack to [a](../a.ipynb).")),
                   books / "solutions" / "s.ipynb")
    nbformat.write(_nb(new_markdown_cell("# hidden")), books / ".scratch.ipynb")
    nbformat.write(_nb(new_markdown_cell("# old")), books / ".ipynb_checkpoints" / "a.ipynb")
    (tmp_path / "README.md").write_text(README)
    return tmp_path


@pytest.fixture
def fake_assets(tmp_path):
    """An assets folder whose stamps and entry points are those the tools look for."""
    folder = tmp_path / "web-assets"
    for asset in assets.ASSETS:
        (folder / asset.folder).mkdir(parents=True)
        (folder / asset.folder / assets.STAMP).write_text(asset.integrity + "\n")
        (folder / asset.folder / "LICENSE").write_text("licence\n")
    for entry in [assets.REQUIRE_JS, assets.MATHJAX_JS, assets.WIDGET_RENDERER_JS,
                  "mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/Safe.js",
                  "mathjax/config/TeX-AMS_SVG.js", "mathjax/jax/output/SVG/jax.js",
                  "html-manager/dist/embed.js",
                  "reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css",
                  "reveal.js/dist/theme/white.css", "reveal.js/plugin/notes/notes.js"]:
        (folder / entry).parent.mkdir(parents=True, exist_ok=True)
        (folder / entry).write_text("/* stand-in */\n")
    return folder


def _tags(html, tag, attr):
    return re.findall(rf"<{tag}\b[^>]*\s{attr}=\"([^\"]*)\"", html)


def _hrefs(html):
    return re.findall(r'<a\b[^>]*\shref="([^"]*)"', html)


def test_site_has_a_page_per_notebook_with_links_between_pages(tree, fake_assets):
    out = site.build_site(tree / "notebooks", tree / "site", readme=tree / "README.md",
                          assets_dir=fake_assets, log=lambda _: None)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if "assets" not in p.parts)
    assert pages == ["a.html", "b.html", "index.html", "solutions/s.html"]
    a = (out / "a.html").read_text()
    assert {"b.html", "solutions/s.html#part-1",
            "https://example.org/chap2.ipynb"} <= set(_hrefs(a))
    assert "../a.html" in _hrefs((out / "solutions" / "s.html").read_text())
    assert publish.dangling_links(out) == []
    assert (out / ".nojekyll").is_file() and (out / publish.MARKER).is_file()


def test_site_pages_load_every_script_from_the_copied_assets(tree, fake_assets):
    out = site.build_site(tree / "notebooks", tree / "site", readme=tree / "README.md",
                          assets_dir=fake_assets, log=lambda _: None)
    for page, root in [("a.html", ""), ("solutions/s.html", "../"), ("index.html", "")]:
        html = (out / page).read_text()
        scripts = _tags(html, "script", "src")
        assert scripts, page
        assert all(s.startswith(root + "assets/") for s in scripts), (page, scripts)
        assert not re.search(r"""(src|href)=["']https?://[^"']*\.(js|css)""", html), page
    # Only what pages load is copied: one MathJax renderer, the AMD widget bundle.
    copied = {p.relative_to(out / "assets").as_posix() for p in (out / "assets").rglob("*")
              if p.is_file()}
    assert "mathjax/config/TeX-AMS_CHTML-full.js" in copied
    assert "mathjax/LICENSE" in copied
    assert not {"mathjax/config/TeX-AMS_SVG.js", "mathjax/jax/output/SVG/jax.js",
                "html-manager/dist/embed.js", "reveal.js/dist/reveal.js"} & copied


def test_site_index_is_the_readme_table_with_links_to_the_pages(tree, fake_assets):
    out = site.build_site(tree / "notebooks", tree / "site", readme=tree / "README.md",
                          assets_dir=fake_assets, log=lambda _: None)
    index = (out / "index.html").read_text()
    assert ["a.html", "b.html", "solutions/s.html"] == [
        h for h in _hrefs(index) if h.endswith(".html")]
    assert "Notebooks that teach backpropagation." in index
    assert "the second" in index and "<table" in index
    assert "make lab" not in index and "MIT" not in index   # other sections are left out
    assert "<title>nbteach</title>" in index


def test_slides_have_a_deck_per_notebook_from_local_reveal(tree, fake_assets):
    out = slides.build_slides(tree / "notebooks", tree / "slides",
                              readme=tree / "README.md", assets_dir=fake_assets,
                              log=lambda _: None)
    decks = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.slides.html"))
    assert decks == ["a.slides.html", "b.slides.html", "solutions/s.slides.html"]
    a = (out / "a.slides.html").read_text()
    assert {"b.slides.html", "solutions/s.slides.html#part-1"} <= set(_hrefs(a))
    assert "../a.slides.html" in _hrefs((out / "solutions" / "s.slides.html").read_text())
    for deck, root in [("a.slides.html", ""), ("solutions/s.slides.html", "../")]:
        html = (out / deck).read_text()
        assert all(s.startswith(root + "assets/") for s in _tags(html, "script", "src"))
        assert all(s.startswith(root + "assets/") for s in _tags(html, "link", "href"))
        assert f'"{root}assets/reveal.js/dist/reveal.js"' in html
        assert "mermaid" not in html and "jquery" not in html.lower()
        assert 'width: 1280' in html and '"c/t"' in html
    assert "import os" not in a, "a cell marked skip is left out"
    assert publish.dangling_links(out) == []
    assert ["a.slides.html", "b.slides.html", "solutions/s.slides.html"] == [
        h for h in _hrefs((out / "index.html").read_text()) if h.endswith(".html")]


def test_a_notebook_without_slide_metadata_gets_a_slide_per_heading():
    nb = _nb(new_code_cell("setup()"), new_markdown_cell("# Title"), new_code_cell("x"),
             new_markdown_cell("  ## Part"), new_markdown_cell("text"))
    typed = slides.with_slide_types(nb)
    assert [c.metadata.slideshow.slide_type for c in typed.cells] == [
        "slide", "slide", "-", "slide", "-"]
    assert "slideshow" not in nb.cells[0].metadata, "the notebook itself is not changed"
    marked = _nb(new_markdown_cell("# T"), new_code_cell("x"), slide_types=["slide"])
    assert slides.with_slide_types(marked) is marked


def test_links_to_notebooks_are_rewritten_and_nothing_else():
    rewrite = publish.rewrite_notebook_links
    html = ('<a href="b.ipynb">b</a> <a href="../x/c.ipynb#sec">c</a> '
            '<a href="https://host/d.ipynb">d</a> <a href="#e">e</a> <a href="/f.ipynb">f</a> '
            '<a href="g.ipynb?x=1#h">g</a> <img src="h.ipynb"> '
            '{"value": "<a href=\\"i.ipynb\\">i</a>"}')
    assert rewrite(html, ".html") == (
        '<a href="b.html">b</a> <a href="../x/c.html#sec">c</a> '
        '<a href="https://host/d.ipynb">d</a> <a href="#e">e</a> <a href="/f.ipynb">f</a> '
        '<a href="g.html?x=1#h">g</a> <img src="h.ipynb"> '
        '{"value": "<a href=\\"i.html\\">i</a>"}')
    assert rewrite('<a href="notebooks/sub/a.ipynb">', ".slides.html",
                   strip_prefix="notebooks/") == '<a href="sub/a.slides.html">'


def test_relative_root_climbs_one_folder_per_level():
    assert publish.relative_root("index.html") == ""
    assert publish.relative_root("solutions/s.html") == "../"
    assert publish.relative_root(Path("a/b/c.html")) == "../../"


def test_readme_without_a_notebook_table_is_an_error(tmp_path):
    (tmp_path / "README.md").write_text("# x\n\n## The notebooks\n\nnone yet\n")
    with pytest.raises(ValueError, match="The notebooks"):
        publish.readme_index(tmp_path / "README.md")
    with pytest.raises(FileNotFoundError, match="README"):
        publish.readme_index(tmp_path / "missing.md")


def test_missing_assets_say_how_to_fetch_them(tree, tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="--fetch"):
        site.build_site(tree / "notebooks", tree / "site", readme=tree / "README.md",
                        assets_dir=tmp_path / "nothing", log=lambda _: None)
    with pytest.raises(SystemExit) as exit_:
        slides.main([str(tree / "notebooks"), str(tree / "slides"), "--readme",
                     str(tree / "README.md"), "--assets", str(tmp_path / "nothing")])
    assert exit_.value.code == 1
    error = capsys.readouterr().err
    assert "web assets missing" in error and "--fetch" in error and "Traceback" not in error
    assert not (tree / "slides").exists() and not (tree / "site").exists()


def test_output_folder_errors_are_clear(tree, fake_assets, tmp_path):
    build = lambda out: site.build_site(tree / "notebooks", out, readme=tree / "README.md",
                                        assets_dir=fake_assets, log=lambda _: None)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build(tmp_path / "no" / "such" / "site")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(FileExistsError, match="is a file"):
        build(tmp_path / "a-file")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="did not build"):
        build(mine)
    assert (mine / "notes.txt").read_text() == "keep me"


@pytest.mark.skipif(sys.platform == "win32" or __import__("os").geteuid() == 0,
                    reason="root writes anywhere")
def test_an_unwritable_output_folder_is_an_error(tree, fake_assets, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(PermissionError, match="not writable"):
        site.build_site(tree / "notebooks", locked / "site", readme=tree / "README.md",
                        assets_dir=fake_assets, log=lambda _: None)


def test_an_unwritable_output_folder_is_found_before_building(tree, fake_assets, tmp_path,
                                                              monkeypatch):
    # The check itself, independent of who runs the tests (root writes anywhere).
    monkeypatch.setattr(publish.os, "access", lambda path, mode: False)
    with pytest.raises(PermissionError, match="not writable"):
        site.build_site(tree / "notebooks", tmp_path / "site", readme=tree / "README.md",
                        assets_dir=fake_assets, log=lambda _: None)


def test_a_rebuild_replaces_the_folder_whole_and_a_failed_one_keeps_the_old(tree,
                                                                             fake_assets):
    out = tree / "site"
    site.build_site(tree / "notebooks", out, readme=tree / "README.md",
                    assets_dir=fake_assets, log=lambda _: None)
    (out / "stale.html").write_text("from an older build")
    site.build_site(tree / "notebooks", out, readme=tree / "README.md",
                    assets_dir=fake_assets, log=lambda _: None)
    assert not (out / "stale.html").exists() and (out / "a.html").is_file()
    (out / "stale.html").write_text("from an older build")
    (tree / "notebooks" / "broken.ipynb").write_text("{ not json")
    with pytest.raises(ValueError, match="broken.ipynb"):
        site.build_site(tree / "notebooks", out, readme=tree / "README.md",
                        assets_dir=fake_assets, log=lambda _: None)
    assert (out / "stale.html").is_file(), "a failed build leaves the previous site"
    assert sorted(p.name for p in tree.iterdir() if p.name.startswith(".")) == []


def test_a_notebook_named_like_the_index_or_the_assets_is_an_error(tree, fake_assets):
    build = lambda: site.build_site(tree / "notebooks", tree / "site",
                                    readme=tree / "README.md", assets_dir=fake_assets,
                                    log=lambda _: None)
    index = tree / "notebooks" / "index.ipynb"
    nbformat.write(_nb(new_markdown_cell("# Index")), index)
    with pytest.raises(ValueError, match="index.html"):
        build()
    index.unlink()
    (tree / "notebooks" / "assets").mkdir()
    nbformat.write(_nb(new_markdown_cell("# x")), tree / "notebooks" / "assets" / "x.ipynb")
    with pytest.raises(ValueError, match="assets"):
        build()
    with pytest.raises(ValueError, match="assets"):
        slides.build_slides(tree / "notebooks", tree / "slides", readme=tree / "README.md",
                            assets_dir=fake_assets, log=lambda _: None)
    assert not (tree / "site").exists() and not (tree / "slides").exists()


def test_dangling_links_are_reported(tree, fake_assets):
    path = tree / "notebooks" / "b.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_markdown_cell("Soon: [the game](15_game.ipynb)."))
    nbformat.write(nb, path)
    said = []
    out = site.build_site(tree / "notebooks", tree / "site", readme=tree / "README.md",
                          assets_dir=fake_assets, log=said.append)
    assert publish.dangling_links(out) == [("b.html", "15_game.html")]
    assert any("b.html links to 15_game.html" in line for line in said)


def _fake_npm(folder, package):
    """An ``npm`` that packs ``package`` (name, version) as a tiny tarball, whatever is asked."""
    name, version = package
    tarball = io.BytesIO()
    with tarfile.open(fileobj=tarball, mode="w:gz") as tar:
        data = b"changed\n"
        info = tarfile.TarInfo("package/dist/reveal.js")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (folder / "tarball.tgz").write_bytes(tarball.getvalue())
    npm = folder / "npm"
    filename = f"{name}-{version}.tgz"
    npm.write_text(
        "#!/bin/sh\n"
        f'dest=""; while [ $# -gt 0 ]; do [ "$1" = "--pack-destination" ] && dest="$2"; '
        "shift; done\n"
        f'cp "{folder}/tarball.tgz" "$dest/{filename}"\n'
        f"echo '{json.dumps([{'name': name, 'version': version, 'filename': filename}])}'\n")
    npm.chmod(0o755)
    return str(npm)


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path, fake_assets):
    reveal = next(a for a in assets.ASSETS if a.folder == "reveal.js")
    (fake_assets / "reveal.js" / assets.STAMP).unlink()     # reveal.js alone is missing
    before = {p: p.read_bytes() for p in fake_assets.rglob("*") if p.is_file()}
    npm = _fake_npm(tmp_path, reveal.spec.rsplit("@", 1))
    with pytest.raises(RuntimeError, match="expected tarball sha512-"):
        assets.fetch_assets(fake_assets, npm=npm)
    after = {p: p.read_bytes() for p in fake_assets.rglob("*") if p.is_file()}
    assert after == before, "nothing is unpacked from a refused tarball"
    assert assets.missing_assets(fake_assets) == [
        f"{reveal.spec} (no stamp reveal.js/{assets.STAMP} with its checksum)"]


def test_fetching_with_nothing_missing_runs_no_npm(fake_assets):
    assert assets.fetch_assets(fake_assets, npm="no-such-npm") == fake_assets


def test_export_html_keeps_its_command_and_its_names():
    from nbteach.tools import export_html

    for name in ["ASSETS", "DEFAULT_ASSETS_DIR", "fetch_assets", "missing_assets",
                 "asset_urls", "export_html"]:
        assert hasattr(export_html, name), name
    done = subprocess.run([sys.executable, "-m", "nbteach.tools.export_html"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "--fetch" in done.stderr


def test_make_targets_fetch_then_build_into_ignored_folders():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^slides: .*\n\t.*-m nbteach\.tools\.slides --fetch notebooks slides$",
                     makefile, flags=re.M)
    assert re.search(r"^site: .*\n\t.*-m nbteach\.tools\.site --fetch notebooks site$",
                     makefile, flags=re.M)
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "/site/" in ignored and "/slides/" in ignored


def test_the_readme_says_how_to_build_slides_and_site_and_present_live():
    readme = (ROOT / "README.md").read_text()
    assert "make slides" in readme and "make site" in readme
    assert "nt.present()" in readme and "Presentation Mode" in readme


def test_the_slide_template_ships_with_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["nbteach"]
    template = slides.TEMPLATES / slides.TEMPLATE
    for path in template.iterdir():
        rel = path.relative_to(ROOT / "nbteach").as_posix()
        assert any(Path(rel).match(p) for p in patterns), rel
