"""Datasets as ±1 spin patterns, with no network access.

- :func:`letters` — characters rasterized from matplotlib's bundled DejaVu
  font at any size; :data:`DEMO_LETTERS` is a weakly correlated 8-letter set.
- :func:`typefaces` — letter classes drawn in every font that ships with
  matplotlib (DejaVu, STIX, Computer Modern; :func:`font_inventory` lists what is
  found and why a file is skipped), one class per letter.
- :func:`digits` — scikit-learn's bundled 8 × 8 handwritten digits.
- :func:`load_mnist` / :func:`read_idx` — MNIST (or any IDX file) from a
  directory the user points to; :func:`resolve_mnist_dir` searches ``--data-dir``,
  ``$SPINNET_DATA``, the user cache and a repository-relative fallback;
  :func:`load_mnist_split` trains on the 60k set when present (else a t10k split).
- :func:`spinnet.datasets.fetch.fetch_mnist` — the one function that downloads
  (``spinnet data fetch mnist``): pinned sha256, into the user cache.
"""

from __future__ import annotations

from spinnet.datasets.digits import DIGITS_SHAPE, digits
from spinnet.datasets.letters import DEMO_LETTERS, letters, letters_shape
from spinnet.datasets.mnist import (
    MNIST_SHAPE,
    MnistNotFoundError,
    MnistSplit,
    default_mnist_path,
    load_mnist,
    load_mnist_split,
    mnist_search_path,
    read_idx,
    resolve_mnist_dir,
)
from spinnet.datasets.typefaces import (
    Typeface,
    TypefaceSet,
    font_inventory,
    glyph_codes,
    typeface_names,
    typefaces,
)

__all__ = [
    "DEMO_LETTERS",
    "DIGITS_SHAPE",
    "MNIST_SHAPE",
    "MnistNotFoundError",
    "MnistSplit",
    "Typeface",
    "TypefaceSet",
    "default_mnist_path",
    "digits",
    "font_inventory",
    "glyph_codes",
    "letters",
    "letters_shape",
    "load_mnist",
    "load_mnist_split",
    "mnist_search_path",
    "read_idx",
    "resolve_mnist_dir",
    "typeface_names",
    "typefaces",
]
