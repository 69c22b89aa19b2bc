"""The book's own code: ``network.py`` from chapter 1, ported to Python 3, as a reference.

Adapted from ``network.py`` by Michael Nielsen, *Neural Networks and Deep Learning*
(MIT License). Only the parts backprop needs: ``feedforward``, ``backprop``,
``update_mini_batch``, ``cost_derivative``, ``sigmoid`` and ``sigmoid_prime``, written as the
book writes them (``xrange`` -> ``range``). Two departures, both needed to compare: the
constructor takes the weights and biases to use, so this code and nbteach's run on identical
parameters, and there is no ``SGD`` or ``evaluate``.

nbteach uses it as an independent reference: the tests check that nbteach's backprop gives
these very numbers, and ``python -m nbteach.bench`` times the book's per-example loop with it.
``backprop`` keeps the book's own formatting, because its source, ``BACKPROP_SOURCE``, is the
listing every ``Step`` points into and the stepper shows.
It checks nothing (as in the book): give it columns ``(n, 1)``.
"""
import ast
import inspect
import textwrap

import numpy as np


class Network:

    def __init__(self, weights, biases):
        self.weights = [np.array(w, dtype=np.float64) for w in weights]
        self.biases = [np.array(b, dtype=np.float64) for b in biases]
        self.sizes = [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]
        self.num_layers = len(self.sizes)

    def feedforward(self, a):
        """Return the output of the network if ``a`` is input."""
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def update_mini_batch(self, mini_batch, eta):
        """Update the network's weights and biases by applying gradient descent using
        backpropagation to a single mini batch."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw
                        for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb
                       for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        """Return a tuple ``(nabla_b, nabla_w)`` representing the gradient for the cost
        function C_x. (Formatted exactly as the book prints it: this is the listing the
        notebooks and the stepper show.)"""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward
        activation = x
        activations = [x] # list to store all the activations, layer by layer
        zs = [] # list to store all the z vectors, layer by layer
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation)+b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass
        delta = self.cost_derivative(activations[-1], y) * \
            sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        # Note that the variable l in the loop below is used a little
        # differently to the notation in Chapter 2 of the book.  Here,
        # l = 1 means the last layer of neurons, l = 2 is the
        # second-last layer, and so on.  It's a renumbering of the
        # scheme in the book, used here to take advantage of the fact
        # that Python can use negative indices in lists.
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l+1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """Return the vector of partial derivatives dC_x/da for the output activations."""
        return (output_activations - y)


def sigmoid(z):
    """The sigmoid function."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


def _listing(method):
    """The source of ``method`` without its docstring: the code as the book prints it."""
    src = textwrap.dedent(inspect.getsource(method))
    first_statement = ast.parse(src).body[0].body[1].lineno     # the line after the docstring
    lines = src.splitlines()
    return "\n".join(lines[:1] + lines[first_statement - 1:]) + "\n"


# The book's backprop, shown beside each step of a trace (``Step.code_lines`` index it).
BACKPROP_SOURCE = _listing(Network.backprop)
