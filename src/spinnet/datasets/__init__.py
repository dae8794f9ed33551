"""Datasets as ±1 spin patterns, with no network access.

- :func:`letters` — characters rasterized from matplotlib's bundled DejaVu
  font at any size; :data:`DEMO_LETTERS` is a weakly correlated 8-letter set.
- :func:`digits` — scikit-learn's bundled 8 × 8 handwritten digits.
- :func:`load_mnist` / :func:`read_idx` — MNIST (or any IDX file) from a
  directory the user points to; :func:`default_mnist_path` finds a local copy.
"""

from __future__ import annotations

from spinnet.datasets.digits import DIGITS_SHAPE, digits
from spinnet.datasets.letters import DEMO_LETTERS, letters, letters_shape
from spinnet.datasets.mnist import MNIST_SHAPE, default_mnist_path, load_mnist, read_idx

__all__ = [
    "DEMO_LETTERS",
    "DIGITS_SHAPE",
    "MNIST_SHAPE",
    "default_mnist_path",
    "digits",
    "letters",
    "letters_shape",
    "load_mnist",
    "read_idx",
]
