"""The project's own promises: dependencies agree, the layout is as documented."""
import json
import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _names(specs):
    return {re.split(r"[<>=!~ \[]", s.strip(), maxsplit=1)[0].lower() for s in specs}


def _environment_yml():
    conda, pip, in_pip, in_deps = [], [], False, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped.strip():
            continue
        if not stripped.startswith(" "):
            in_deps = stripped == "dependencies:"
            continue
        if not in_deps:
            continue
        if stripped.strip() == "- pip:":
            in_pip = True
            continue
        m = re.match(r"^(\s*)- (.+)$", stripped)
        if not m:
            in_pip = False if not stripped.startswith(" ") else in_pip
            continue
        indent, item = len(m.group(1)), m.group(2).strip()
        if in_pip and indent > 2:
            pip.append(item)
        else:
            in_pip = False
            conda.append(item)
    return conda, pip


def test_environment_yml_names_the_same_runtime_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    conda, pip = _environment_yml()
    conda_names = _names(conda) - {"python", "pip"}
    assert conda_names == runtime
    tests = _names(project["optional-dependencies"]["test"])
    assert _names(p for p in pip if not p.startswith("-e")) == tests
    assert "-e ." in pip


def test_environment_yml_pins_python_in_the_form_binder_reads():
    conda, _ = _environment_yml()
    assert "python=3.11" in conda


def test_ci_script_is_strict_bash_and_runs_make_test():
    text = (ROOT / ".ci" / "run").read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert "make test" in text


def test_readme_python_example_runs_and_says_what_it_shows():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README should show nbteach from Python"
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    step = namespace["trace"].steps[2]
    assert "trace.steps[2]" in blocks[0] and "# BP1 at l = 3" in blocks[0]
    assert (step.equation, step.layer) == ("BP1", 3)


def test_readme_lists_every_notebook():
    text = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in nb.parts:
            assert str(nb.relative_to(ROOT)) in text, f"{nb.name} is missing from the README table"


def test_every_notebook_link_in_the_notebooks_leads_to_a_notebook():
    # Links between notebooks are plain relative paths; a renamed notebook must not leave
    # a learner in front of a broken link.
    pattern = re.compile(r"\]\(([^)#\s]+\.ipynb)(#[^)]*)?\)")
    for nb in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        text = "".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"]
                       if c["cell_type"] == "markdown")
        for target, _ in pattern.findall(text):
            assert (nb.parent / target).is_file(), f"{nb.name} links to missing {target}"
