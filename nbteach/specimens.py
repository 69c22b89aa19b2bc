"""The bug zoo's specimens: the book's backprop, and ten copies of it with one bug each.

Purpose: code to read. ``backprop`` is the book's ``Network.backprop`` written as a plain
function of ``(weights, biases, x, y)``, line for line; ``backprop_batch`` is the same over
the columns of a mini-batch (the chapter's problem), summing over the examples. Every
``specimen_k`` is one of them with ONE bug, the kind of slip people make when they write
backprop themselves: a line changed (with the line or two it needs), or one slip repeated in
the lines of one kind. Each still runs without an exception on the zoo's network
(``nbteach.bugzoo``), so only its numbers are wrong.

The twelve functions repeat the same twenty-odd lines nearly word for word, on purpose: each
is read on its own, as the book's code with one slip in it, and is shown in full beside the
correct one. Factoring the shared lines into helpers would hide the very line to be found, so
the repetition stays; ``tests/test_bugzoo.py`` checks that each one differs from its reference
by one slip only.

Non-goals: saying what the bugs are. The names and docstrings here are neutral on purpose,
so that a learner reading ``inspect.getsource`` has to find the bug; what each one breaks,
and why, is in ``nbteach.bugzoo``. No input checking, as in the book: give them columns.

Departures from the book, the same in every function: ``self.num_layers`` is computed from
the lists, and ``cost_derivative`` is a module function (the quadratic cost's, a - y).
"""
import numpy as np

from .book import sigmoid, sigmoid_prime

__all__ = ["cost_derivative", "backprop", "backprop_batch"] + [
    f"specimen_{k}" for k in range(1, 11)]


def cost_derivative(output_activations, y):
    """Return the vector of partial derivatives dC_x/da for the output activations."""
    return (output_activations - y)


def backprop(weights, biases, x, y):
    """The gradient (nabla_b, nabla_w) of C_x for one example: the book's backprop."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def backprop_batch(weights, biases, X, Y):
    """The gradient (nabla_b, nabla_w) summed over the columns of X and Y (a mini-batch)."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward: column j of each matrix belongs to example j
    activation = X
    activations = [X]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b  # b is added to every column
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], Y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta.sum(axis=1, keepdims=True)
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta.sum(axis=1, keepdims=True)
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_1(weights, biases, x, y):
    """Specimen 1: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(activations[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_2(weights, biases, x, y):
    """Specimen 2: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = (y - activations[-1]) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_3(weights, biases, x, y):
    """Specimen 3: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-1].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_4(weights, biases, x, y):
    """Specimen 4: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1], delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_5(weights, biases, x, y):
    """Specimen 5: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l+1]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_6(weights, biases, x, y):
    """Specimen 6: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    deltas = [delta] # list to store all the errors, layer by layer
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), deltas[-1]) * sp
        deltas.insert(0, delta)
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_7(weights, biases, x, y):
    """Specimen 7: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    a = activations[-1]
    delta = (a - y) / (a * (1 - a)) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_8(weights, biases, X, Y):
    """Specimen 8: the gradient (nabla_b, nabla_w) summed over the columns of X and Y."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward: column j of each matrix belongs to example j
    activation = X
    activations = [X]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b  # b is added to every column
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], Y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta.sum(axis=1, keepdims=True)
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta.sum(axis=0, keepdims=True).transpose()
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)


def specimen_9(weights, biases, X, Y):
    """Specimen 9: the gradient (nabla_b, nabla_w) summed over the columns of X and Y."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    m = X.shape[1]  # the number of examples
    # feedforward: column j of each matrix belongs to example j
    activation = X
    activations = [X]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b  # b is added to every column
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    # backward pass
    delta = cost_derivative(activations[-1], Y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta.mean(axis=1, keepdims=True)
    nabla_w[-1] = np.dot(delta, activations[-2].transpose()) / m
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta.mean(axis=1, keepdims=True)
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose()) / m
    return (nabla_b, nabla_w)


def specimen_10(weights, biases, x, y):
    """Specimen 10: the gradient (nabla_b, nabla_w) of C_x for one example."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    num_layers = len(biases) + 1
    # feedforward
    activation = x
    activations = [x] # list to store all the activations, layer by layer
    zs = [] # list to store all the z vectors, layer by layer
    for b, w in zip(biases, weights):
        z = np.dot(w, activation)+b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(z)
    # backward pass
    delta = cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, num_layers):
        z = zs[-l]
        sp = sigmoid_prime(z)
        delta = np.dot(weights[-l+1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
    return (nabla_b, nabla_w)
