"""Hints for a wrong diagnosis in the bug zoo: they point at evidence, never at the answer.

``hint_for`` builds one sentence or two from what the tools show for a specimen (its
``bughunt.BugReport`` on the zoo's data) and from the structure of the algorithm (which
equation can act at which layer). It never names the right equation, the right layer or
the bug. The first rule that applies gives the hint:

1. structure: the guessed equation cannot act at the guessed layer (BP1 and the cost
   derivative act at the output layer only; BP2 never does);
2. the layer: the gradient check clears the guessed layer (look elsewhere, and in which
   direction), or the layer is wrong but the function went wrong before it got there;
3. the equation, at the right layer: what the gradient check, the activation read off
   ∂C/∂w^l and the trace say about the guessed equation there.

Non-goal: a tutor. One hint per attempt; the notebook's discussions explain.
"""
from __future__ import annotations

__all__ = ["hint_for"]

_MAKE_DELTA = ("feedforward", "cost derivative", "BP1", "BP2")   # a bug here changes δ


def hint_for(spec, report, equation, layer, L):
    """The hint for diagnosing ``spec`` as ``equation`` at book layer ``layer`` (wrong).

    ``report`` is the specimen's ``BugReport`` on the zoo's data, ``L`` the number of layers.
    """
    return (_structure(equation, layer, L)
            or (_layer(report, equation == spec.truth.equation, layer)
                if layer != spec.truth.layer else "")
            or "The layer is right; the equation is not. "
            + _equation(spec, report, equation, layer))


def _structure(equation, layer, L):
    if equation == "BP1" and layer != L:
        return "BP1 is the output layer's equation: it gives δ^L and acts at no other layer."
    if equation == "cost derivative" and layer != L:
        return ("The cost derivative is ∇_a C, taken at the output activations: it acts at the "
                "output layer only.")
    if equation == "BP2" and layer == L:
        return ("BP2 carries δ back from layer l + 1 to layer l; the output layer has no layer "
                "after it.")
    return ""


def _layer(report, equation_right, layer):
    start = "The equation is right; the layer is not. " if equation_right else ""
    wrong = report.wrong_layers
    if layer not in wrong:
        where = ("closer to the output (higher l)" if all(w > layer for w in wrong) else
                 "closer to the input (lower l)" if all(w < layer for w in wrong) else
                 "at the layers the check flags")
        also = ("" if report.activation_errors is None else
                f", and so is the activation ∂C/∂w^{layer} was built from")
        return (start + f"The gradient check finds ∂C/∂b and ∂C/∂w right at layer l = {layer}"
                f"{also}: nothing goes wrong there. Look {where}.")
    return (start + f"Layer l = {layer} is wrong, but it is not where the function first goes "
            "wrong. It computes the forward pass from the first layer up to the output, then "
            "the backward pass from the output down: find the first wrong number in that order.")


def _equation(spec, report, guess, l):
    truth = spec.truth.equation
    wrong_b, wrong_w = l in report.wrong_b, l in report.wrong_w
    if truth == "mini-batch sum":
        rule = ("" if guess not in ("BP3", "BP4") else
                f" {guess}'s lines may be where that happens: reread what the rules say a slip "
                "there is called when it scales every gradient of every layer alike.")
        return (f"Both gradients of every layer have the same relative error, "
                f"{report.bias_errors[0]:.2g}: every number the specimen returns is the same "
                "fraction of the true one." + (rule or " Which step could scale all of them "
                                               "alike?"))
    if truth == "feedforward":
        return ("Look at the report's last column: the activation each ∂C/∂w^l was built from "
                "(row j of ∂C/∂w^l divided by ∂C/∂b^l_j) differs from the trace's a^{l-1} at "
                "some layers. Which part of the function computes the activations it stores?")
    if guess == "mini-batch sum":
        if not spec.batch:
            return ("This specimen works on one example: there are no examples to add up, and "
                    "its gradient is that one example's.")
        right = _right_gradients(report)
        return ("By the rules, a slip in the mini-batch sum makes every gradient of every layer "
                "the true one times one common factor, yet "
                + (f"the report finds some of them right: {right}." if right else
                   "the relative errors differ from one gradient to another.")
                + " Which line makes the wrong numbers, and only those?")
    if (guess, truth) == ("BP1", "cost derivative"):
        return ("Divide the specimen's ∂C/∂b^L (its δ^L, by BP3) by the trace's σ'(z^L) "
                "(trace.hadamards[-1].right) and compare what is left with the trace's "
                "∇_a C = a^L - y (trace.hadamards[-1].left).")
    if (guess, truth) == ("cost derivative", "BP1"):
        return ("Divide the specimen's ∂C/∂b^L (its δ^L, by BP3) by the trace's "
                "∇_a C = a^L - y (trace.hadamards[-1].left) and compare what is left with the "
                "trace's σ'(z^L) (trace.hadamards[-1].right).")
    if guess == "BP3":
        if not wrong_b:
            return f"∂C/∂b^{l} agrees with finite differences: BP3 does its job at this layer."
        return (f"∂C/∂w^{l} is wrong as well, and BP3 does not compute it: something both "
                "gradients of this layer are made from went wrong before them.")
    if guess == "BP4":
        if not wrong_w:
            return f"∂C/∂w^{l} agrees with finite differences: BP4 does its job at this layer."
        used = ("" if report.activation_errors is None else
                f"; and the activation ∂C/∂w^{l} was built from is the right one")
        return (f"∂C/∂b^{l} is wrong as well, though BP4 does not compute it{used}. Something "
                "both gradients of this layer are made from went wrong before them.")
    if guess == "feedforward":
        if not report.wrong_b and report.wrong_a:
            return ("Every ∂C/∂b agrees with finite differences, and the δ behind them need the "
                    "forward pass's z^l and a^L. Compare the activation ∂C/∂w^l was built from "
                    "(the report's last column) with every activation in the trace: which is it?")
        if report.activation_errors is not None and not report.wrong_a:
            return ("The activation each ∂C/∂w^l was built from agrees with the trace's a^{l-1} "
                    "at every layer: the forward pass stored the right numbers.")
        if not report.wrong_w:
            return ("Every ∂C/∂w agrees with finite differences, and each is built from "
                    "activations of the forward pass: those are right.")
    if guess in _MAKE_DELTA and not wrong_b:
        return (f"∂C/∂b^{l} agrees with finite differences, and by BP3 it is δ^{l}: so δ^{l} is "
                "right, and so is everything that made it.")
    if guess in _MAKE_DELTA and not wrong_w:
        return (f"∂C/∂w^{l} agrees with finite differences, and BP4 builds it from δ^{l}: so "
                f"δ^{l} is right, and so is everything that made it.")
    return ("Compare what that equation computes at this layer with the report there: which "
            "numbers would it change, and are those the wrong ones?")


def _right_gradients(report):
    """The gradients the check finds right, e.g. "every ∂C/∂w, and ∂C/∂b^4" ("" if none)."""
    parts = []
    for name, wrong in (("w", report.wrong_w), ("b", report.wrong_b)):
        right = [l for l in sorted(report.layers, reverse=True) if l not in wrong]
        if len(right) == len(report.layers):
            parts.append(f"every ∂C/∂{name}")
        elif right:
            parts.append(" and ".join(f"∂C/∂{name}^{l}" for l in right))
    return ", and ".join(parts)
