"""One-step error rate of Hebbian memories vs signal-to-noise theory."""

import numpy as np
import pytest

from spinnet.experiments import one_step_errors
from spinnet.theory.hopfield import one_step_error, one_step_error_exact

ALPHAS = (0.105, 0.138, 0.185, 0.37, 0.61)
PUBLISHED = (0.001, 0.0036, 0.010, 0.050, 0.100)  # Hertz, Krogh & Palmer (1991), table 2.1


def test_theory_reproduces_published_table():
    assert np.allclose(one_step_error(np.array(ALPHAS)), PUBLISHED, rtol=0.03, atol=0)


def test_exact_finite_n_tends_to_asymptotic():
    for alpha in ALPHAS:
        rel = [abs(one_step_error_exact(n, round(alpha * n)) / one_step_error(alpha) - 1)
               for n in (1000, 4000, 16000)]
        assert rel[0] > rel[1] > rel[2] and rel[2] < 0.01


@pytest.mark.parametrize("n", [1000, 2000])
def test_measured_one_step_errors(n):
    rows = one_step_errors(n, ALPHAS, n_trials=12, rng=2024 + n)
    for r in rows:
        # The measured rate is an unbiased estimate of the exact finite-N probability.
        assert abs(r["z_exact"]) < 3, r
        # The large-N formula differs from it by an O(1/N) bias (<= 4.5% at N = 1000);
        # it is within 3 standard errors plus that bias.
        bias = abs(r["exact"] - r["theory"])
        assert abs(r["measured"] - r["theory"]) < 3 * r["stderr"] + bias, r
