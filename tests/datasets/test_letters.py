"""Tests for spinnet.datasets.letters."""

from __future__ import annotations

import string

import numpy as np
import pytest

from spinnet.datasets import DEMO_LETTERS, letters, letters_shape


@pytest.mark.parametrize("size", [5, 8, 16, 32, 64])
def test_shape_dtype_values(size):
    x = letters(size=size)
    assert x.shape == (26, size * size)
    assert x.dtype == np.int8
    assert set(np.unique(x).tolist()) <= {-1, 1}
    assert letters_shape(size) == (size, size)


@pytest.mark.parametrize("size", [8, 16, 32])
def test_all_capitals_distinct_with_reasonable_ink(size):
    x = letters(size=size)
    assert len({row.tobytes() for row in x}) == 26
    ink = (x == 1).mean(axis=1)
    assert np.all(ink > 0.08) and np.all(ink < 0.7), ink


def test_lowercase_and_digits_distinct():
    chars = string.ascii_lowercase + string.digits
    x = letters(chars, size=16)
    assert x.shape == (36, 256)
    # "o"/"0"/"O"-like pairs may be close but must not coincide at 16 x 16.
    assert len({row.tobytes() for row in x}) == len(chars)


def test_deterministic_and_returns_fresh_copy():
    a = letters("AB", size=16)
    a[:] = 0
    b = letters("AB", size=16)
    assert set(np.unique(b).tolist()) == {-1, 1}
    np.testing.assert_array_equal(b, letters("AB", size=16))
    np.testing.assert_array_equal(letters("BA", size=16), b[::-1])


def test_glyph_has_hole_and_is_centred():
    # "O" must keep its counter (compound path with a hole) and be centred.
    o = letters("O", size=32)[0].reshape(32, 32)
    assert o[16, 16] == -1
    assert o[16, 3:8].max() == 1 and o[16, 24:29].max() == 1
    rows, cols = np.nonzero(o == 1)
    assert abs((rows.min() + rows.max()) / 2 - 15.5) <= 1.0
    assert abs((cols.min() + cols.max()) / 2 - 15.5) <= 1.0


def test_margin_respected():
    for pad in (0, 2, 4):
        img = letters("H", size=32, pad=pad)[0].reshape(32, 32)
        if pad:
            assert np.all(img[:pad] == -1) and np.all(img[-pad:] == -1)
            assert np.all(img[:, :pad] == -1) and np.all(img[:, -pad:] == -1)
        # "H" is taller than wide: it spans the full inner height.
        rows = np.nonzero((img == 1).any(axis=1))[0]
        assert rows.min() <= pad + 1 and rows.max() >= 31 - pad - 1


def test_demo_letters_weakly_correlated():
    assert len(DEMO_LETTERS) == 8 and len(set(DEMO_LETTERS)) == 8
    x = letters(DEMO_LETTERS, size=32).astype(float)
    m = np.abs(x @ x.T / x.shape[1])[np.triu_indices(8, 1)]
    allx = letters(size=32).astype(float)
    m_all = np.abs(allx @ allx.T / allx.shape[1])[np.triu_indices(26, 1)]
    assert m.max() < 0.45
    assert m.mean() < m_all.mean()


def test_normal_weight_differs_from_bold():
    bold = letters("A", size=32)
    normal = letters("A", size=32, weight="normal")
    assert (normal == 1).sum() < (bold == 1).sum()


@pytest.mark.parametrize("chars", ["", "AB-", "É", "A B"])
def test_bad_chars_value_error(chars):
    with pytest.raises(ValueError, match="chars"):
        letters(chars)


def test_chars_type_error():
    with pytest.raises(TypeError, match="chars"):
        letters(["A", "B"])


def test_bad_size():
    with pytest.raises(TypeError, match="size"):
        letters("A", size=16.0)
    with pytest.raises(ValueError, match="size"):
        letters("A", size=4)
    with pytest.raises(ValueError, match="size"):
        letters_shape(3)


def test_bad_pad_weight_font():
    with pytest.raises(ValueError, match="pad"):
        letters("A", size=8, pad=3)
    with pytest.raises(TypeError, match="pad"):
        letters("A", size=8, pad=1.0)
    with pytest.raises(ValueError, match="weight"):
        letters("A", weight="heavy")
    with pytest.raises(ValueError, match="font"):
        letters("A", font="No Such Font Family")
