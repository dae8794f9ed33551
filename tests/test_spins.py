import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.spins import (
    binarize,
    bits_to_spins,
    flip,
    occlude,
    overlaps,
    random_patterns,
    spins_to_bits,
)


def test_bits_spins_roundtrip():
    b = np.array([[0, 1, 1], [1, 0, 0]])
    s = bits_to_spins(b)
    assert s.dtype == np.int8 and s.tolist() == [[-1, 1, 1], [1, -1, -1]]
    assert np.array_equal(spins_to_bits(s), b)
    with pytest.raises(ValueError, match="bits"):
        bits_to_spins([0, 2])
    with pytest.raises(ValueError, match="spins"):
        spins_to_bits([0, 1])


def test_binarize():
    assert binarize([0.0, 0.2, 0.9, 1.0]).tolist() == [-1, -1, 1, 1]
    assert binarize([0, 100, 200], threshold=150).tolist() == [-1, -1, 1]
    with pytest.raises(ValueError, match="x"):
        binarize([np.nan, 1.0])


def test_overlaps_batched_matches_definition(rng):
    xi = random_patterns(4, 50, rng=rng)
    s = random_patterns(3, 50, rng=rng)
    m = overlaps(xi, s)
    assert m.shape == (3, 4)
    assert np.allclose(m, np.array([[x @ y / 50 for y in xi] for x in s.astype(int)]))
    assert np.allclose(overlaps(xi, xi[0]), m[0] * 0 + overlaps(xi, xi)[0])
    with pytest.raises(ValueError, match="N = 50"):
        overlaps(xi, np.ones(49))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 80), frac=st.floats(0, 1), seed=st.integers(0, 10**6))
def test_flip_exact_count(n, frac, seed):
    s = np.ones((3, n), dtype=np.int8)
    out = flip(s, frac, rng=seed)
    assert np.all((out == -1).sum(axis=1) == round(frac * n))
    assert np.array_equal(out, flip(s, frac, rng=seed))
    assert np.all(s == 1)  # input untouched


def test_flip_rejects():
    with pytest.raises(ValueError, match="fraction"):
        flip(np.ones(4), 1.5)
    with pytest.raises(ValueError, match="states"):
        flip(np.zeros(4), 0.1)


def test_occlude():
    s = np.ones((2, 16), dtype=np.int8)
    out = occlude(s, (4, 4), half="bottom")
    assert out.reshape(2, 4, 4)[:, 2:].min() == -1 and out.reshape(2, 4, 4)[:, :2].min() == 1
    out = occlude(s, (4, 4), box=(0, 1, 0, 4), fill=-1)
    assert (out == -1).sum() == 8
    r = occlude(s, (4, 4), half="left", fill="random", rng=0)
    assert np.array_equal(r, occlude(s, (4, 4), half="left", fill="random", rng=0))
    with pytest.raises(ValueError, match="half"):
        occlude(s, (4, 4), half="middle")
    with pytest.raises(ValueError, match="box"):
        occlude(s, (4, 4), box=(0, 5, 0, 4))
    with pytest.raises(ValueError, match="states"):
        occlude(s, (3, 4), half="top")


def test_random_patterns_bias():
    xi = random_patterns(200, 500, bias=0.4, rng=3)
    # mean of 1e5 spins: standard error sqrt(1 - a^2)/sqrt(1e5) = 0.0029
    assert abs(xi.mean() - 0.4) < 4 * np.sqrt(1 - 0.16) / np.sqrt(xi.size)
    assert xi.dtype == np.int8
    with pytest.raises(ValueError, match="bias"):
        random_patterns(2, 5, bias=1.0)
    with pytest.raises(TypeError, match="p"):
        random_patterns(2.0, 5)
