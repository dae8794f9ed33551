"""Train/test splits for the classifiers of :mod:`spinnet.neurons`.

- ``"digits"``: scikit-learn's 1797 8 × 8 digits (grey levels 0..16 scaled to
  [0, 1]), split once by a fixed stratified shuffle
  (``sklearn.model_selection.train_test_split(..., test_size=450,
  stratify=labels, random_state=0)``): 1347 train, 450 test. The file's own
  order is not used: its last few hundred images come from other writers and
  are markedly harder (an RBF SVM scores 95% on the last 297 after training
  on the first 1500, against ~99% on shuffled splits).
- ``"mnist"``: MNIST through :func:`spinnet.datasets.load_mnist_split`
  (grey levels scaled to [0, 1]): the 60 000 training images train and t10k
  tests when the training files are present; otherwise the t10k set alone is
  split, its first 8000 images train and the last 2000 test. ``Split.split``
  says which, ``Split.directory`` where the files were found.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._validation import check_option

__all__ = ["DATASETS", "DIGITS_SPLIT_SEED", "DIGITS_TEST", "MNIST_TEST", "MNIST_TRAIN", "Split",
           "load_split", "split_from_mnist"]

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
    y_train, y_test : ndarray of int64, shapes (n_train,), (n_test,)
        Class labels.
    image_shape : tuple of int
    name : str
    split : str
        How train and test were drawn (e.g. ``"train60k/t10k"``, ``"t10k 8000/2000"``).
    directory : pathlib.Path or None
        Where the data files were found (None for packaged data).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int]
    name: str
    split: str = ""
    directory: Path | None = None

    @property
    def n_features(self) -> int:
        """Input dimension ``d``."""
        return int(self.x_train.shape[1])


def load_split(name: str = "digits", *, data_dir: str | os.PathLike[str] | None = None
               ) -> Split:
    """Load the ``digits`` or ``mnist`` split described in the module docstring.

    Parameters
    ----------
    name : {"digits", "mnist"}
    data_dir : path, optional
        Directory with the MNIST IDX files; default: the search order of
        :func:`spinnet.datasets.resolve_mnist_dir` (``$SPINNET_DATA``, the
        user cache, ...).

    Returns
    -------
    Split

    Raises
    ------
    FileNotFoundError
        If ``name="mnist"`` and no MNIST directory is found
        (:class:`spinnet.datasets.mnist.MnistNotFoundError`, listing the places
        searched and ``spinnet data fetch mnist``).
    ValueError
        If ``name`` is unknown or the MNIST files are incomplete.
    """
    from spinnet import datasets

    name = check_option(name, "name", DATASETS)
    if name == "digits":
        from sklearn.model_selection import train_test_split

        from spinnet.datasets.digits import _raw_digits

        data, target = _raw_digits()
        x = (np.asarray(data) / 16.0).astype(np.float32)
        y = np.asarray(target, dtype=np.int64)
        x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=DIGITS_TEST, stratify=y,
                                                  random_state=DIGITS_SPLIT_SEED)
        return Split(x_tr, y_tr, x_te, y_te, datasets.DIGITS_SHAPE, "digits",
                     split=f"sklearn {len(y_tr)}/{len(y_te)} stratified", directory=None)
    from spinnet.datasets.mnist import load_mnist_split

    return split_from_mnist(load_mnist_split(data_dir))


def split_from_mnist(mnist: Any) -> Split:
    """A :class:`Split` (inputs scaled to [0, 1]) from a :class:`spinnet.datasets.MnistSplit`.

    Parameters
    ----------
    mnist : spinnet.datasets.MnistSplit
        Raw uint8 images and labels.

    Returns
    -------
    Split
    """
    from spinnet import datasets

    def scale(a: np.ndarray) -> np.ndarray:
        return np.asarray(a, dtype=np.float32) / np.float32(255.0)

    return Split(scale(mnist.x_train), np.asarray(mnist.y_train, dtype=np.int64),
                 scale(mnist.x_test), np.asarray(mnist.y_test, dtype=np.int64),
                 datasets.MNIST_SHAPE, "mnist", split=str(mnist.split),
                 directory=Path(mnist.directory))
