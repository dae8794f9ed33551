"""Tests for inverse Ising inference."""

import numpy as np
import pytest

from spinnet.boltzmann.inverse_ising import (
    boltzmann_learning,
    exact_samples,
    naive_mean_field,
    pseudo_likelihood,
    reconstruction_error,
    reconstruction_vs_samples,
    tap,
)
from spinnet.models import SherringtonKirkpatrick

T = 1.5


@pytest.fixture(scope="module")
def sk16():
    model = SherringtonKirkpatrick(16, rng=1)
    data = exact_samples(model, T, 100_000, rng=2)
    return model.couplings / T, data


def test_pseudo_likelihood_accuracy_and_convergence(sk16):
    J_true, data = sk16
    errs = [reconstruction_error(J_true, pseudo_likelihood(data[:n])[0])
            for n in (1_000, 100_000)]
    assert errs[1] < 0.1
    assert errs[1] < errs[0]


def test_mean_field_and_tap_high_temperature(sk16):
    J_true, data = sk16
    for est in (naive_mean_field, tap):
        J, h = est(data[:20_000])
        assert np.allclose(J, J.T) and np.all(np.diag(J) == 0)
        assert h.shape == (16,)
        assert reconstruction_error(J_true, J) < 0.5


def test_boltzmann_learning_exact_matches_moments():
    model = SherringtonKirkpatrick(6, rng=3)
    data = exact_samples(model, 1.0, 20_000, rng=4)
    J, _ = boltzmann_learning(data, 300, 0.5)
    J_pl, _ = pseudo_likelihood(data)
    assert reconstruction_error(model.couplings, J) < 0.1
    assert reconstruction_error(J_pl, J) < 0.1
    J_mc, _ = boltzmann_learning(data, 100, 0.05, sampler="mc", n_chains=32, n_sweeps=5,
                                 rng=0)
    assert reconstruction_error(model.couplings, J_mc) < 0.5


def test_reconstruction_vs_samples_table():
    rows = reconstruction_vs_samples(N=8, T=2.0, n_samples=(500, 20_000), rng=0)
    assert len(rows) == 6
    assert {r["method"] for r in rows} == {"naive_mean_field", "tap", "pseudo_likelihood"}
    pl = [r["error"] for r in rows if r["method"] == "pseudo_likelihood"]
    assert pl[1] < pl[0]


def test_bad_input():
    good = np.array([[1, -1, 1], [-1, -1, 1], [1, 1, -1]])
    for est in (naive_mean_field, tap, pseudo_likelihood, boltzmann_learning):
        with pytest.raises(ValueError, match="samples"):
            est(np.array([[0, 1, 1], [1, -1, 1]]))
        with pytest.raises(ValueError, match="samples"):
            est(np.array([[np.nan, 1, 1], [1, -1, 1]]))
        with pytest.raises(ValueError, match="samples"):
            est(np.array([1, -1, 1]))
    with pytest.raises(ValueError, match="J_est"):
        reconstruction_error(np.ones((3, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="sampler"):
        boltzmann_learning(good, 1, sampler="bogus")
