"""Backprop as reverse-mode automatic differentiation, one number at a time.

A ``Value`` is a number that remembers how it was made: its ``parents``, the derivative of
itself with respect to each (``local_grads``, worked out in the forward pass), an ``op`` and a
``label``. ``backward()`` sweeps from the output back: each node, once its gradient ∂C/∂node
is complete, passes ``local × upstream`` to each parent, and a parent that feeds several nodes
(it *fans out*) adds up the shares, ``+=``. ``netgraph.record_sweep`` keeps the sweep edge by
edge, for the ``GraphStepper`` widget to show.

Read it next to micrograd's ``engine.py``; it departs on purpose: local derivatives are numbers,
not closures, so a step can show them; a Python number in an expression is a constant folded
into the op (``a - 0.3`` has one parent); the sweep is breadth-first from the output, so it
goes back layer by layer as the book's backprop does; every ``backward()`` starts from zero
(PyTorch's adds to the gradients until they are zeroed). ``a / b`` is ``a * b**-1``.
Non-goals: tensors, speed, higher derivatives. ``netgraph.graph_of`` builds a network's graph.
"""
from __future__ import annotations

import numbers
from collections import deque

from .activations import sigmoid as _sigma

__all__ = ["Value", "sum_of"]


def _name(v):
    return v.label or f"({v.op})"


def _number(v):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"a Value combines with Values and real numbers; got {type(v).__name__}")
    return float(v)


class Value:
    """One scalar of a computation, with where it came from and (after ``backward``) ∂C/∂it.

    Parameters
    ----------
    data : float, the number
    parents : Values this one was computed from
    local_grads : ∂self/∂parent for each parent, same order
    op : name of the operation that made it ("" for a leaf)
    label : a name in the book's notation, e.g. ``w^2_{11}``
    """

    def __init__(self, data, parents=(), local_grads=(), op="", label=""):
        self.data = _number(data)
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)
        self.grad = 0.0                   # ∂C/∂self, filled in by C.backward()
        self.op = op
        self.label = label

    def named(self, label):
        """Set the label and return the value, for chaining: ``(w * a).named("w a")``."""
        self.label = label
        return self

    def __repr__(self):
        return f"Value({_name(self)} = {self.data:.6g}, grad = {self.grad:.6g})"

    # ---- the operations, each with its local derivatives ---------------------------------

    def __add__(self, other):                      # ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1
        if isinstance(other, Value):
            return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")
        return Value(self.data + _number(other), (self,), (1.0,), "+")

    def __mul__(self, other):                      # ∂(a b)/∂a = b, ∂(a b)/∂b = a
        if isinstance(other, Value):
            return Value(self.data * other.data, (self, other), (other.data, self.data), "*")
        c = _number(other)
        return Value(self.data * c, (self,), (c,), "*")

    def __sub__(self, other):                      # ∂(a - b)/∂a = 1, ∂(a - b)/∂b = -1
        if isinstance(other, Value):
            return Value(self.data - other.data, (self, other), (1.0, -1.0), "-")
        return Value(self.data - _number(other), (self,), (1.0,), "-")

    def __rsub__(self, other):                     # ∂(c - a)/∂a = -1
        return Value(_number(other) - self.data, (self,), (-1.0,), "-")

    def __neg__(self):
        return self * -1.0

    __radd__ = __add__
    __rmul__ = __mul__

    def __pow__(self, n):                          # ∂(a^n)/∂a = n a^(n-1), n a number
        n = _number(n)
        if self.data < 0 and not n.is_integer():
            raise ValueError(f"({self.data:g}) ** {n:g} is not a real number")
        return Value(self.data ** n, (self,), (n * self.data ** (n - 1),), f"**{n:g}")

    def __truediv__(self, other):                  # a / b = a · b^-1: two nodes, as micrograd
        return self * (other ** -1 if isinstance(other, Value) else 1.0 / _number(other))

    def __rtruediv__(self, other):                 # c / a = c · a^-1
        return self ** -1 * _number(other)

    def sigmoid(self):                             # ∂σ(z)/∂z = σ(z) (1 - σ(z))
        s = float(_sigma(self.data))
        return Value(s, (self,), (s * (1.0 - s),), "σ")

    # ---- the reverse sweep ---------------------------------------------------------------

    def sweep_order(self):
        """Every node this one depends on, itself first, each after all the nodes it feeds.

        Returns ``(order, uses)``: the reverse topological order (breadth-first from self:
        a node joins the queue once every node it feeds has been visited) and, for each
        node, how many edges lead out of it, i.e. how many ``+=`` it will receive.
        """
        uses, found = {self: 0}, [self]
        for v in found:                            # the list grows while we walk it
            for p in v.parents:
                if p not in uses:
                    uses[p] = 0
                    found.append(p)
                uses[p] += 1
        waiting, order, ready = dict(uses), [], deque([self])
        while ready:
            v = ready.popleft()
            order.append(v)
            for p in v.parents:
                waiting[p] -= 1
                if waiting[p] == 0:                # every node p feeds has passed its share
                    ready.append(p)
        return order, uses

    def backward(self):
        """Set ``v.grad`` = ∂self/∂v for every v self depends on, from zero, in ``sweep_order``."""
        order, _ = self.sweep_order()
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in order:
            for p, local in zip(v.parents, v.local_grads):
                p.grad += local * v.grad           # chain rule: ∂C/∂v · ∂v/∂p, added up


def sum_of(values):
    """Σ values as one node with many parents: ∂(Σ v_i)/∂v_i = 1 for each i."""
    values = list(values)
    if not values or not all(isinstance(v, Value) for v in values):
        raise TypeError("sum_of needs a non-empty list of Values")
    return Value(sum(v.data for v in values), values, [1.0] * len(values), "Σ")
