"""The 8 × 8 handwritten digits bundled with scikit-learn, as ±1 spins.

:func:`sklearn.datasets.load_digits` ships 1797 images of 8 × 8 pixels with
grey levels 0..16 (the UCI "Optical Recognition of Handwritten Digits" test
set; Alpaydin & Kaynak, 1998). No network access is needed.
"""

from __future__ import annotations

import functools

import numpy as np

from spinnet.spins import binarize

__all__ = ["DIGITS_SHAPE", "digits"]

#: Image shape ``(height, width)`` of one digit; ``N = 64`` spins.
DIGITS_SHAPE: tuple[int, int] = (8, 8)

#: Default cut: half the 0..16 grey-level range.
_DEFAULT_THRESHOLD = 8.0


@functools.lru_cache(maxsize=1)
def _raw_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    data = np.asarray(bunch.data, dtype=np.float64)
    target = np.asarray(bunch.target, dtype=np.int64)
    data.setflags(write=False)
    target.setflags(write=False)
    return data, target


def digits(*, threshold: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load scikit-learn's 8 × 8 digits as ±1 spin patterns.

    Parameters
    ----------
    threshold : float, optional
        Grey level above which a pixel is ink (``+1``); the rest is ``-1``.
        ``None`` uses 8, half the 0..16 range.

    Returns
    -------
    spins : ndarray of int8, shape (1797, 64)
        Row-major flattened images; reshape a row with
        ``.reshape(DIGITS_SHAPE)``.
    labels : ndarray of int64, shape (1797,)
        Digit classes 0..9.

    Raises
    ------
    TypeError
        If ``threshold`` is not a real number.
    ValueError
        If ``threshold`` is not finite.

    Examples
    --------
    >>> from spinnet.datasets import DIGITS_SHAPE, digits
    >>> spins, labels = digits()
    >>> spins.shape, labels.shape, spins[0].reshape(DIGITS_SHAPE).shape
    ((1797, 64), (1797,), (8, 8))
    """
    if threshold is None:
        threshold = _DEFAULT_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(f"threshold must be a real number or None; got {threshold!r}")
    threshold = float(threshold)
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite; got {threshold}")
    data, target = _raw_digits()
    return binarize(data, threshold=threshold), target.copy()
