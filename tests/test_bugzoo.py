"""The bug zoo: every specimen runs and is wrong exactly where its truth says; the checker
accepts the right diagnosis only, and its hints point at evidence without giving the answer."""
import difflib
import itertools
import re

import numpy as np
import pytest

import nbteach as nt
from nbteach import book, bugzoo
from nbteach.backprop import backprop_batch
from nbteach.bughunt import TOL, activation_used, inspect_function
from nbteach.bugzoo import EQUATIONS, SPECIMENS, diagnose_specimen, inspect_specimen

LAYERS = (2, 3, 4)
GUESSES = list(itertools.product(EQUATIONS, LAYERS))


@pytest.fixture(scope="module")
def reports():
    return {k: inspect_specimen(k) for k in [0, *SPECIMENS]}


# ---- the specimens ---------------------------------------------------------------------

def test_the_zoo_has_eight_to_ten_specimens_each_a_small_distinct_change_of_the_book():
    assert 8 <= len(SPECIMENS) <= 10
    changes = set()
    for k, spec in SPECIMENS.items():
        ref = (bugzoo.REFERENCE_BATCH if spec.batch else bugzoo.REFERENCE).source.splitlines()
        body = spec.source.splitlines()
        diff = [d for d in difflib.ndiff(ref[2:], body[2:]) if d[:1] in "+-"]   # past def, doc
        removed = [d for d in diff if d.startswith("-")]
        # one slip: one line, or one line plus what it needs (6, 7), or the same slip in
        # each of the four lines of one kind (9)
        assert 1 <= len(removed) <= 4 and len(diff) - len(removed) <= len(removed) + 2, (k, diff)
        changes.add(tuple(diff))
    assert len(changes) == len(SPECIMENS)


def test_every_specimen_runs_and_is_wrong_exactly_where_its_truth_says(reports):
    for k, spec in SPECIMENS.items():
        r, truth = reports[k], spec.truth
        assert not r.raised, (k, r.raised)
        assert not r.shapes, (k, r.shapes)
        assert r.wrong_b == tuple(sorted(truth.wrong_b)), k
        assert r.wrong_w == tuple(sorted(truth.wrong_w)), k
        # clearly wrong where wrong, rounding-level right elsewhere
        for l, eb, ew in zip(r.layers, r.bias_errors, r.weight_errors):
            assert (eb > 0.05) == (l in truth.wrong_b) and (ew > 0.05) == (l in truth.wrong_w)
            assert eb > 0.05 or eb < 1e-8
            assert ew > 0.05 or ew < 1e-8
        assert truth.equation in EQUATIONS and truth.layer in LAYERS


def test_the_layer_of_a_backward_bug_is_the_highest_wrong_one(reports):
    for k, spec in SPECIMENS.items():
        r, truth = reports[k], spec.truth
        if truth.equation == "feedforward":
            assert truth.layer == 2 and set(r.wrong_a) == {3, 4}   # a^2 and a^3 are stored wrong
        else:
            assert max(r.wrong_layers) == truth.layer, k
        if truth.equation in ("cost derivative", "BP1", "BP2"):
            assert r.wrong_layers == tuple(range(truth.layer, 1, -1)), k   # δ spreads down


def test_the_correct_references_pass_and_agree_with_the_books_code_and_nbteach():
    lab = bugzoo.lab()
    net, x, y = lab.net, lab.x, lab.y
    assert inspect_specimen(0).passed
    assert inspect_function(bugzoo.REFERENCE_BATCH, net, lab.X, lab.Y).passed
    nb, nw = bugzoo.REFERENCE(net.weights, net.biases, x, y)
    bb, bw = book.Network(net.weights, net.biases).backprop(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(nb + nw, bb + bw))
    nb, nw = bugzoo.REFERENCE_BATCH(net.weights, net.biases, lab.X, lab.Y)
    pb, pw = backprop_batch(net.weights, net.biases, lab.X, lab.Y)
    assert all(np.allclose(a, b, rtol=1e-12, atol=1e-15) for a, b in zip(nb + nw, pb + pw))


def test_specimens_read_neutrally_and_their_repr_hides_the_truth():
    for k, spec in SPECIMENS.items():
        shown = repr(spec) + spec._repr_html_()
        assert f"Specimen {k}" in shown and "def specimen_" in shown
        for secret in (spec.truth.bug, spec.truth.symptom, spec.truth.spot, "Truth"):
            assert secret not in shown
        assert not re.search(r"\bbug|wrong|mistake", spec.source, flags=re.I)


def test_the_lab_is_the_same_every_time_and_square_where_the_bugs_need_it():
    a, b = bugzoo.lab(), bugzoo.lab()
    for name in ("x", "y", "X", "Y"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert all(np.array_equal(w, v) for w, v in zip(a.net.weights, b.net.weights))
    assert [w.shape for w in a.net.weights] == [(4, 3), (4, 4), (4, 4)]
    assert a.X.shape == (3, bugzoo.M) and bugzoo.M == 4


def test_shapes_expose_the_square_layer_bugs_on_a_network_of_distinct_sizes():
    other = nt.Network([3, 4, 5, 2], seed=1)
    rng = np.random.default_rng(1)
    x, y, X, Y = rng.random((3, 1)), rng.random((2, 1)), rng.random((3, 3)), rng.random((2, 3))
    caught = {k for k, s in SPECIMENS.items()
              if (r := inspect_specimen(k, other, *((X, Y) if s.batch else (x, y)))).raised
              or r.shapes}
    assert caught == {3, 4, 5, 6, 8}


# ---- the tools ---------------------------------------------------------------------------

def test_activation_used_reads_the_activation_back_off_a_hand_made_gradient():
    delta = np.array([[0.5], [-2.0]])                     # (2, 1)
    a_prev = np.array([[1.0], [3.0], [-1.0]])             # (3, 1)
    nabla_w = delta @ a_prev.T                            # BP4 with this activation
    assert np.allclose(activation_used([delta], [nabla_w], 2), a_prev)
    assert activation_used([np.zeros((2, 1))], [nabla_w], 2) is None
    assert activation_used([delta], [nabla_w.T], 2) is None       # shapes that do not fit


def test_inspect_function_finds_a_factor_a_raise_and_a_wrong_shape():
    lab = bugzoo.lab()
    net, x, y = lab.net, lab.x, lab.y

    def doubled(ws, bs, x, y):
        nb, nw = bugzoo.REFERENCE(ws, bs, x, y)
        return [2 * b for b in nb], [2 * w for w in nw]

    r = inspect_function(doubled, net, x, y)
    assert r.wrong_layers == (4, 3, 2) and not r.wrong_a      # a common factor cancels in a
    assert all(abs(e - 0.5) < 1e-6 for e in r.bias_errors + r.weight_errors)
    assert "2 times" in r.hint

    def raising(ws, bs, x, y):
        return np.dot(ws[0], ws[0])                           # (4, 3) @ (4, 3)

    r = inspect_function(raising, net, x, y)
    assert r.raised.startswith("ValueError") and "np.dot(ws[0], ws[0])" in r.raised
    assert not r.passed and "raised" in r.text()

    def one_short(ws, bs, x, y):
        nb, nw = bugzoo.REFERENCE(ws, bs, x, y)
        return nb, [w[:, :-1] for w in nw]

    r = inspect_function(one_short, net, x, y)
    assert r.wrong_w == (2, 3, 4) and len(r.shapes) == 3 and "✘ shape" in r.text()


def test_the_report_prints_the_same_every_time_and_fits_a_projector(reports):
    for k in SPECIMENS:
        text = reports[k].text()
        assert text == inspect_specimen(k).text()
        assert max(len(line) for line in text.splitlines()) <= 100
        assert "<table" in reports[k]._repr_html_()


# ---- the checker ---------------------------------------------------------------------------

def test_the_checker_accepts_the_right_diagnosis_in_any_spelling():
    for k, spec in SPECIMENS.items():
        t = spec.truth
        for spelling in (t.equation, t.equation.upper(), f"  {t.equation.lower()} "):
            result = diagnose_specimen(k, equation=spelling, layer=t.layer)
            assert result.passed and result.status == "passed", (k, spelling)
        assert diagnose_specimen(k, equation=t.equation, layer=np.int64(t.layer)).passed
    assert diagnose_specimen(9, equation="mean", layer=4).passed
    assert diagnose_specimen(9, equation="mini-batch mean", layer=4).passed


def test_the_checker_rejects_every_other_diagnosis_with_a_hint():
    for k, spec in SPECIMENS.items():
        for eq, l in GUESSES:
            if (eq, l) == (spec.truth.equation, spec.truth.layer):
                continue
            result = diagnose_specimen(k, equation=eq, layer=l)
            assert result.status == "failed" and not result, (k, eq, l)
            assert result.hint.startswith("Hint: ") and len(result.hint) > 40
            assert result.hint in result.message


def test_hints_do_not_leak_the_answer():
    for k, spec in SPECIMENS.items():
        t = spec.truth
        for eq, l in GUESSES:
            if (eq, l) == (t.equation, t.layer):
                continue
            hint = diagnose_specimen(k, equation=eq, layer=l).hint
            for secret in (t.bug, t.symptom, t.spot):
                assert secret not in hint
            if eq != t.equation:
                assert t.equation not in hint, (k, eq, l, hint)
            if l != t.layer:
                assert not re.search(rf"\b(l|layer|L) = {t.layer}\b|layer {t.layer}\b", hint), \
                    (k, eq, l, hint)


def test_hints_point_at_the_evidence():
    def hint(k, eq, l):
        return diagnose_specimen(k, equation=eq, layer=l).hint

    assert "∂C/∂b^4 agrees" in hint(3, "BP3", 4)                  # BP3 is fine there
    assert "∂C/∂b^4 is wrong as well" in hint(1, "BP4", 4)       # not only BP4's gradient
    assert "The equation is right" in hint(4, "BP2", 2)          # right equation, later layer
    assert "not where the function first goes wrong" in hint(4, "BP2", 2)
    assert "right at layer l = 3" in hint(6, "BP2", 3) and "closer to the input" in hint(6, "BP2", 3)
    assert "closer to the output" in hint(3, "BP4", 2)
    assert "output layer" in hint(5, "BP1", 3)                   # structure: BP1 acts at L
    assert "one example" in hint(1, "mini-batch sum", 4)
    assert "some of them right" in hint(8, "mini-batch sum", 3)     # ∂C/∂w is right there
    assert "every ∂C/∂w, and ∂C/∂b^4." in hint(8, "mini-batch sum", 3)
    assert "reread what the rules say" in hint(9, "BP3", 4)          # the rule decides it
    assert "trace.hadamards[-1]" in hint(7, "BP1", 4)            # test the suspicion
    assert "activations it stores" in hint(10, "BP2", 2)
    assert "0.75" in hint(9, "BP3", 4)


def test_a_slip_in_the_lines_that_add_up_the_examples_has_one_name_only():
    # The rules (zoo-02): BP3's and BP4's lines add up a mini-batch's examples at their layer;
    # a slip there that scales every gradient of every layer by one common factor is the
    # "mini-batch sum", one that leaves any gradient right is the equation of its line.
    lab = bugzoo.lab()
    ref_b, ref_w = bugzoo.REFERENCE_BATCH(lab.net.weights, lab.net.biases, lab.X, lab.Y)
    for k, spec in SPECIMENS.items():
        if not spec.batch:
            continue
        nb, nw = spec(lab.net.weights, lab.net.biases, lab.X, lab.Y)
        ratios = np.concatenate([(g / r).ravel() for g, r in zip(nb + nw, ref_b + ref_w)])
        common = np.ptp(ratios) < 1e-9 and abs(ratios[0] - 1) > 0.05
        assert (spec.truth.equation == "mini-batch sum") == common, k
    assert {k: s.truth.equation for k, s in SPECIMENS.items() if s.batch} == {
        8: "BP3", 9: "mini-batch sum"}
    assert not diagnose_specimen(8, equation="mini-batch sum", layer=3).passed
    assert not diagnose_specimen(9, equation="BP3", layer=4).passed
    assert not diagnose_specimen(9, equation="BP4", layer=4).passed


def test_an_unanswered_diagnosis_is_not_attempted_and_says_how_to_answer():
    result = diagnose_specimen(4, equation=None, layer=None)
    assert result.status == "not attempted" and not result
    assert "None" in result.message and all(e in result.message for e in EQUATIONS)
    assert "not attempted yet" in result.text() and "nbteach-check-not-attempted" in result._repr_html_()


def test_malformed_diagnoses_are_explained_not_raised():
    assert "not one of" in diagnose_specimen(1, equation="BP5", layer=4).message
    assert "input layer" in diagnose_specimen(1, equation="BP1", layer=1).message
    for layer in (5, "4", 4.0, True, None):
        assert diagnose_specimen(1, equation="BP1", layer=layer).status == "failed"
    assert "whole number such as 4, not the string '4'" in diagnose_specimen(
        1, equation="BP1", layer="4").message
    assert diagnose_specimen(1, equation=None, layer=4).status == "failed"
    with pytest.raises(ValueError):
        diagnose_specimen(11, equation="BP1", layer=4)
    with pytest.raises(ValueError):
        diagnose_specimen(0, equation="BP1", layer=4)


def test_the_truths_say_what_the_tools_can_show():
    # the errors the symptoms quote are the ones the gradient check measures
    assert all(e == pytest.approx(2) for e in inspect_specimen(2).bias_errors)
    assert all(e == pytest.approx(0.75) for e in inspect_specimen(9).weight_errors)
    assert TOL < 1e-5


# ---- what a stored notebook shows before the learner has looked --------------------------------

def test_the_vocabulary_names_places_not_bugs():
    # each entry is a line of the algorithm; none says what is wrong with it
    assert not any(re.search(r"mean|flip|sign|transpose|wrong", e) for e in EQUATIONS)


def test_a_zoo_report_keeps_the_checkers_hint_folded(reports):
    hinted = [k for k in SPECIMENS if reports[k].hint]
    assert {2, 7, 9} <= set(hinted)                  # hints that name (or misname) the bug
    for k in SPECIMENS:
        r = reports[k]
        hint = r.hint.removeprefix("Hint: ")
        assert r.hint_folded and "report.unfolded() shows it" in r.text()
        text, html = r.text(), r._repr_html_()
        if hint:
            assert hint[:40] not in text             # not in what nbval stores as text
            shown, folded = html.split("<details>")
            assert hint[:40] not in shown.replace("&#x27;", "'")    # only inside <details>
            assert hint[:40] in r.unfolded().text()
    # a report on someone's own code shows its hint
    lab = bugzoo.lab()
    mine = inspect_function(SPECIMENS[2].fn, lab.net, lab.x, lab.y)
    assert not mine.hint_folded and "every sign is flipped" in mine.text()


def test_stored_outputs_fit_a_projector():
    texts = [repr(bugzoo.lab()), diagnose_specimen(1, equation="BP1", layer=4).text()]
    for k, spec in SPECIMENS.items():
        texts += [diagnose_specimen(k, equation=spec.truth.equation, layer=spec.truth.layer).text(),
                  diagnose_specimen(k).text()]
    assert max(len(line) for t in texts for line in t.splitlines()) <= 100


def test_the_legend_explains_every_mark_the_report_uses(reports):
    assert "— no a^{l-1} to read off (a mini-batch)" in reports[9].text()
    assert "—" not in reports[1].text() and "✘ shape" not in reports[1].text()
    other = nt.Network([3, 4, 5, 2], seed=0)
    r = inspect_specimen(3, other, np.ones((3, 1)), np.ones((2, 1)))
    assert "✘ shape: an array of the wrong shape" in r.text()
