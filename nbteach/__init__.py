"""nbteach: backpropagation as chapter 2 of Nielsen's *Neural Networks and Deep Learning*
teaches it, computed stage by stage so a learner can look at every number."""
import os

from .activations import sigmoid, sigmoid_prime, linear, tanh, relu, Activation
from .costs import QuadraticCost, CrossEntropyCost
from .network import Network, TrainingDiverged
from .trace import BackpropTrace, Step, Hadamard
from .saving import save, load
from .data import Dataset, load_mnist_subset, load_mnist

__version__ = "0.1.0"


def quick_mode():
    """True when ``NBTEACH_QUICK`` is set (``make test`` sets it): notebooks shrink slow cells."""
    return os.environ.get("NBTEACH_QUICK", "") not in ("", "0")


__all__ = [
    "Network", "TrainingDiverged", "sigmoid", "sigmoid_prime", "linear", "tanh", "relu",
    "Activation", "QuadraticCost", "CrossEntropyCost", "BackpropTrace", "Step", "Hadamard",
    "save", "load", "quick_mode", "Dataset", "load_mnist_subset", "load_mnist",
]
