"""Hopfield network ≡ RBM with Gaussian hidden units (Barra et al. 2012)."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from spinnet.boltzmann.hopfield_map import (
    grbm_block_gibbs,
    grbm_visible_log_marginal,
    hopfield_log_weights,
    hopfield_to_grbm,
)

N, P = 10, 3
ALL = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int8)


@pytest.fixture(scope="module")
def patterns():
    return np.random.default_rng(0).choice(np.array([-1, 1], dtype=np.int8), size=(P, N))


def test_weights_shape_and_scale(patterns):
    W = hopfield_to_grbm(patterns, 1.0)
    assert W.shape == (N, P)
    np.testing.assert_allclose(W * math.sqrt(N), patterns.T)


@pytest.mark.parametrize("beta", [0.1, 0.5, 1.0, 2.5, 6.0])
def test_exact_marginal_equals_hopfield_distribution(patterns, beta):
    W = hopfield_to_grbm(patterns, beta)
    a = grbm_visible_log_marginal(ALL, W, beta)
    b = hopfield_log_weights(ALL, patterns, beta)
    pa = np.exp(a - logsumexp(a))
    pb = np.exp(b - logsumexp(b))
    assert np.abs(pa - pb).max() < 1e-10
    # The constant is exactly the self-coupling term plus the Gaussian normalisation.
    const = beta * P / 2 + P / 2 * math.log(2 * math.pi / beta)
    np.testing.assert_allclose(a - b, const, rtol=0, atol=1e-10)


def test_single_state_returns_float(patterns):
    W = hopfield_to_grbm(patterns, 1.0)
    assert isinstance(grbm_visible_log_marginal(ALL[5], W, 1.0), float)
    assert isinstance(hopfield_log_weights(ALL[5], patterns, 1.0), float)


@pytest.mark.parametrize("beta", [0.5, 1.2])
def test_block_gibbs_samples_hopfield_distribution(patterns, beta):
    W = hopfield_to_grbm(patterns, beta)
    rng = np.random.default_rng(1)
    n_chains = 20000
    s0 = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_chains, N))
    s, lam = grbm_block_gibbs(W, beta, s0, n_steps=60, rng=rng)
    assert s.dtype == np.int8 and lam.shape == (n_chains, P)
    idx = ((s > 0).astype(np.int64) << np.arange(N)[::-1]).sum(axis=1)
    observed = np.bincount(idx, minlength=2**N).astype(float)
    logw = hopfield_log_weights(ALL, patterns, beta)
    expected = n_chains * np.exp(logw - logsumexp(logw))
    big = expected >= 5
    obs, exp_ = observed[big], expected[big]
    if not big.all():  # pool the rare states into one bin
        obs = np.append(obs, observed[~big].sum())
        exp_ = np.append(exp_, expected[~big].sum())
    pvalue = stats.chisquare(obs, exp_).pvalue
    assert pvalue > 1e-3, pvalue


def test_block_gibbs_reproducible(patterns):
    W = hopfield_to_grbm(patterns, 1.0)
    s0 = np.ones((4, N), dtype=np.int8)
    a = grbm_block_gibbs(W, 1.0, s0, n_steps=3, rng=7)
    b = grbm_block_gibbs(W, 1.0, s0, n_steps=3, rng=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_bad_input(patterns):
    W = hopfield_to_grbm(patterns, 1.0)
    with pytest.raises(ValueError, match="beta"):
        hopfield_to_grbm(patterns, 0.0)
    with pytest.raises(ValueError, match="patterns"):
        hopfield_to_grbm(np.zeros((2, 5)), 1.0)
    with pytest.raises(ValueError, match="spins"):
        grbm_visible_log_marginal(np.ones(N + 1), W, 1.0)
    with pytest.raises(ValueError, match="spins"):
        grbm_visible_log_marginal(np.zeros(N), W, 1.0)
    with pytest.raises(ValueError, match="weights"):
        grbm_visible_log_marginal(np.ones(N), np.ones(N), 1.0)
    with pytest.raises(ValueError, match="beta"):
        grbm_visible_log_marginal(np.ones(N), W, -1.0)
    with pytest.raises(ValueError, match="n_steps"):
        grbm_block_gibbs(W, 1.0, np.ones((2, N)), n_steps=0)
