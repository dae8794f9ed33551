"""Tests for spinnet.datasets.digits."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.datasets import DIGITS_SHAPE, digits


def test_shapes_dtypes_values():
    spins, labels = digits()
    assert spins.shape == (1797, 64) and spins.dtype == np.int8
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(np.unique(spins).tolist()) == {-1, 1}
    assert set(labels.tolist()) == set(range(10))
    assert DIGITS_SHAPE == (8, 8)


def test_default_threshold_is_eight():
    from sklearn.datasets import load_digits

    raw = load_digits().data
    spins, _ = digits()
    np.testing.assert_array_equal(spins == 1, raw > 8)
    np.testing.assert_array_equal(digits(threshold=8)[0], spins)


def test_threshold_changes_ink_and_copies():
    low, _ = digits(threshold=2.0)
    high, _ = digits(threshold=14.0)
    assert (low == 1).mean() > (high == 1).mean()
    a, la = digits()
    a[:] = 0
    la[:] = -1
    b, lb = digits()
    assert set(np.unique(b).tolist()) == {-1, 1} and lb.min() == 0


def test_bad_threshold():
    with pytest.raises(TypeError, match="threshold"):
        digits(threshold="8")
    with pytest.raises(ValueError, match="threshold"):
        digits(threshold=float("nan"))
