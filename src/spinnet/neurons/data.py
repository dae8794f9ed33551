"""Train/test splits for the classifiers of :mod:`spinnet.neurons`.

- ``"digits"``: scikit-learn's 1797 8 × 8 digits (grey levels 0..16 scaled to
  [0, 1]), split once by a fixed stratified shuffle
  (``sklearn.model_selection.train_test_split(..., test_size=450,
  stratify=labels, random_state=0)``): 1347 train, 450 test. The file's own
  order is not used: its last few hundred images come from other writers and
  are markedly harder (an RBF SVM scores 95% on the last 297 after training
  on the first 1500, against ~99% on shuffled splits).
- ``"mnist"``: the MNIST test set (t10k, 10 000 images, grey levels scaled to
  [0, 1]); the first 8000 images train, the last 2000 test. Only the t10k
  files are needed, so the loader works with ``../shared/data/mnist``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from spinnet._validation import check_option

__all__ = ["DATASETS", "DIGITS_SPLIT_SEED", "DIGITS_TEST", "MNIST_TEST", "MNIST_TRAIN", "Split",
           "load_split"]

DATASETS = ("digits", "mnist")
#: scikit-learn digits: 450 test images drawn by a stratified shuffle with this seed.
DIGITS_TEST, DIGITS_SPLIT_SEED = 450, 0
#: MNIST t10k: the first 8000 images train, the last 2000 test.
MNIST_TRAIN, MNIST_TEST = 8000, 2000


@dataclass(frozen=True)
class Split:
    """A labelled train/test split with inputs in [0, 1].

    Attributes
    ----------
    x_train, x_test : ndarray of float32, shapes (n_train, d), (n_test, d)
    y_train, y_test : ndarray of int64
    image_shape : tuple of int
    name : str
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int]
    name: str

    @property
    def n_features(self) -> int:
        """Input dimension ``d``."""
        return int(self.x_train.shape[1])


def load_split(name: str = "digits", *, mnist_path: str | os.PathLike[str] | None = None
               ) -> Split:
    """Load the ``digits`` or ``mnist`` split described in the module docstring.

    Parameters
    ----------
    name : {"digits", "mnist"}
    mnist_path : path, optional
        Directory with ``t10k-images-idx3-ubyte[.gz]`` and
        ``t10k-labels-idx1-ubyte[.gz]``; default
        :func:`spinnet.datasets.default_mnist_path`.

    Raises
    ------
    FileNotFoundError
        If ``name="mnist"`` and no MNIST directory is found.
    ValueError
        If ``name`` is unknown or the MNIST files hold fewer than 10 000 images.
    """
    from spinnet import datasets
    from spinnet.datasets.digits import _raw_digits

    name = check_option(name, "name", DATASETS)
    if name == "digits":
        from sklearn.model_selection import train_test_split

        data, target = _raw_digits()
        x = (np.asarray(data) / 16.0).astype(np.float32)
        y = np.asarray(target, dtype=np.int64)
        x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=DIGITS_TEST, stratify=y,
                                                  random_state=DIGITS_SPLIT_SEED)
        return Split(x_tr, y_tr, x_te, y_te, datasets.DIGITS_SHAPE, "digits")
    path = mnist_path if mnist_path is not None else datasets.default_mnist_path()
    if path is None:
        raise FileNotFoundError("no MNIST directory found: pass mnist_path (a directory with "
                                "the t10k IDX files) or set SPINNET_MNIST")
    raw, labels = datasets.load_mnist(path, kind="t10k", binarize=False)
    if raw.shape[0] < MNIST_TRAIN + MNIST_TEST:
        raise ValueError(f"MNIST t10k in {str(path)!r} holds {raw.shape[0]} images; need "
                         f"{MNIST_TRAIN + MNIST_TEST}")
    x = raw.astype(np.float32) / 255.0
    return Split(x[:MNIST_TRAIN], labels[:MNIST_TRAIN], x[-MNIST_TEST:], labels[-MNIST_TEST:],
                 datasets.MNIST_SHAPE, "mnist")
