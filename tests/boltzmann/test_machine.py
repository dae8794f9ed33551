"""Tests for the hidden-unit Boltzmann machine and the 4-2-4 encoder."""

import numpy as np
import pytest

from spinnet.boltzmann.machine import BoltzmannMachine, encoder_424, encoder_connectivity


def test_encoder_424_success_rate():
    results = [encoder_424(seed, epochs=150, n_restarts=6) for seed in range(10)]
    assert sum(r.success for r in results) >= 9


def test_exact_gradient_matches_finite_difference():
    rng = np.random.default_rng(3)
    bm = BoltzmannMachine(4, 2, rng=1, init_scale=0.5)
    bm.biases = rng.normal(0, 0.3, 6)
    data = rng.choice([-1, 1], size=(7, 4)).astype(np.int8)
    dW, db = bm.gradient(data)
    eps = 1e-6
    for i, j in [(0, 1), (0, 4), (3, 5), (4, 5)]:
        W0 = bm.weights.copy()
        bm.weights[i, j] += eps
        bm.weights[j, i] += eps
        up = bm.log_likelihood(data)
        bm.weights = W0.copy()
        bm.weights[i, j] -= eps
        bm.weights[j, i] -= eps
        down = bm.log_likelihood(data)
        bm.weights = W0
        assert (up - down) / (2 * eps) == pytest.approx(dW[i, j], abs=1e-6)
    for i in [0, 5]:
        b0 = bm.biases.copy()
        bm.biases[i] += eps
        up = bm.log_likelihood(data)
        bm.biases = b0.copy()
        bm.biases[i] -= eps
        down = bm.log_likelihood(data)
        bm.biases = b0
        assert (up - down) / (2 * eps) == pytest.approx(db[i], abs=1e-6)


def test_exact_fit_increases_likelihood_and_respects_mask():
    mask = encoder_connectivity()
    bm = BoltzmannMachine(8, 2, mask, rng=0)
    eye = np.where(np.eye(4, dtype=bool), 1, -1).astype(np.int8)
    data = np.concatenate([eye, eye], axis=1)
    bm.fit(data, 30, 0.1)
    assert bm.history_["log_likelihood"][-1] > bm.history_["log_likelihood"][0]
    assert np.all(bm.weights[~mask] == 0.0)
    assert np.allclose(bm.weights, bm.weights.T)


def test_visible_distribution_and_sampling():
    bm = BoltzmannMachine(3, 2, rng=0, init_scale=0.8)
    states, p = bm.visible_distribution()
    assert states.shape == (8, 3) and p.sum() == pytest.approx(1.0)
    s = bm.sample(4000, rng=1)
    idx = ((s < 0) * (1 << np.arange(3))).sum(axis=1)
    emp = np.bincount(idx, minlength=8) / 4000
    assert np.abs(emp - p).max() < 0.04
    g = bm.sample(1500, method="gibbs", n_sweeps=20, schedule=[3.0, 2.0, 1.5], rng=2)
    idx = ((g < 0) * (1 << np.arange(3))).sum(axis=1)
    assert np.abs(np.bincount(idx, minlength=8) / 1500 - p).max() < 0.06
    assert np.array_equal(bm.sample(10, rng=5), bm.sample(10, rng=5))


def test_gibbs_gradient_close_to_exact():
    bm = BoltzmannMachine(3, 1, rng=0, init_scale=0.5)
    data = np.array([[1, 1, -1], [-1, 1, 1], [1, -1, 1]], dtype=np.int8)
    dW, db = bm.gradient(data)
    gW, gb = bm.gradient(data, method="gibbs", n_sweeps=200, n_chains=200, rng=0)
    assert np.abs(gW - dW).max() < 0.08
    assert np.abs(gb - db).max() < 0.08


def test_gibbs_fit_runs():
    bm = BoltzmannMachine(3, 1, rng=0)
    data = np.array([[1, 1, 1], [-1, -1, -1]], dtype=np.int8)
    bm.fit(data, 20, 0.1, method="gibbs", n_sweeps=5, n_chains=50, rng=0)
    assert bm.history_["log_likelihood"][-1] > bm.history_["log_likelihood"][0]


def test_bad_input():
    with pytest.raises(ValueError, match="connectivity"):
        BoltzmannMachine(2, 1, np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="connectivity"):
        BoltzmannMachine(2, 1, np.triu(np.ones((3, 3), bool), 1))
    bm = BoltzmannMachine(2, 1, rng=0)
    with pytest.raises(ValueError, match="data"):
        bm.fit(np.array([[0, 1]]), 1)
    with pytest.raises(ValueError, match="data"):
        bm.fit(np.array([1, -1]), 1)
    with pytest.raises(ValueError, match="method"):
        bm.fit(np.array([[1, -1]]), 1, method="bogus")
