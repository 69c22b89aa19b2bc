"""Notebooks 04-06: the exercises they ask stay unsolved, and no proof comes before its exercise.

nbval checks that each stored output still comes out the same; these check what the stored
notebooks must keep for a learner: the attempt cell is the stub (the checker says "not attempted
yet"), and the proof of BP3 and BP4 in 06 is collapsed and comes after the exercise asks for it.
"""
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# notebook, the learner's function, the checker that runs it
ATTEMPTS = [
    ("04_four_equations.ipynb", "deltas_with_sigma_prime", "check_sigma_prime_form"),
    ("06_proofs.ipynb", "gradients_from_delta", "check_bp3_bp4"),
]


def _cells(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4).cells


def _output_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("name, fn, checker", ATTEMPTS)
def test_attempt_cell_is_the_stub_and_its_checker_says_not_attempted(name, fn, checker):
    cells = _cells(name)
    stubs = [i for i, c in enumerate(cells)
             if c.cell_type == "code" and f"def {fn}(" in c.source]
    assert len(stubs) == 1, f"{name}: expected one definition of {fn}"
    stub = cells[stubs[0]]
    assert 'raise NotImplementedError("replace this line with your code")' in stub.source
    check = cells[stubs[0] + 1]
    assert check.cell_type == "code" and f"{checker}({fn})" in check.source
    assert "not attempted yet" in _output_text(check)


def test_bp3_bp4_proof_is_collapsed_and_after_the_exercise():
    cells = _cells("06_proofs.ipynb")
    sources = [c.source for c in cells]
    asked = next(i for i, s in enumerate(sources) if s.startswith("## Exercise: prove Equations"))
    attempt = next(i for i, s in enumerate(sources) if "def gradients_from_delta(" in s)
    # the proof's key step, ∂z^l_j/∂b^l_j, written out
    proof = [i for i, s in enumerate(sources) if r"\partial z^l_j}{\partial b^l_j}" in s]
    assert proof and all(i > attempt > asked for i in proof)
    for i in proof:
        s = sources[i]
        start = s.index(r"\partial z^l_j}{\partial b^l_j}")
        assert s.rfind("<details>", 0, start) > s.rfind("</details>", 0, start), \
            "the proof of BP3 must sit inside a collapsed <details> block"


@pytest.mark.parametrize("name", ["04_four_equations.ipynb", "05_step_by_step.ipynb"])
def test_bp3_bp4_are_not_proved_before_06_asks(name):
    rates = (r"\partial z^l_j}{\partial b^l_j}", r"\partial z^l_j / \partial b^l_j",
             r"\partial z^l_j/\partial b^l_j", r"\partial z^l_j}{\partial w^l_{jk}}")
    for cell in _cells(name):
        assert not any(r in cell.source for r in rates), cell.source[:200]
