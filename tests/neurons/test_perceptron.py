"""Perceptron rule, exact separability, Cover's counting formula and the capacity curve."""

import itertools
import math

import numpy as np
import pytest

from spinnet.neurons import (
    capacity_experiment,
    capacity_point,
    cover_count,
    cover_probability,
    crossing_alpha,
    is_separable,
    perceptron_train,
    random_dichotomy,
    transition_width,
)
from spinnet.neurons._kernels import perceptron_epochs, perceptron_epochs_reference
from spinnet.neurons.perceptron import point_seed


def _teacher_data(p, n, seed):
    gen = np.random.default_rng(seed)
    x = np.where(gen.random((p, n)) < 0.5, -1.0, 1.0)
    teacher = gen.standard_normal(n)
    y = np.where(x @ teacher > 0, 1, -1)
    return x, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kernel_matches_reference(seed):
    gen = np.random.default_rng(seed)
    x = np.where(gen.random((30, 20)) < 0.5, -1.0, 1.0)  # integer data: exact arithmetic
    y = np.where(gen.random(30) < 0.5, -1.0, 1.0)
    for cap in (1, 7, 200):
        w1, w2 = np.zeros(20), np.zeros(20)
        e1, e2 = np.zeros(cap, np.int64), np.zeros(cap, np.int64)
        r1 = perceptron_epochs(x, y, w1, 1.0, cap, e1)
        r2 = perceptron_epochs_reference(x, y, w2, 1.0, cap, e2)
        assert tuple(r1) == tuple(r2)
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(e1, e2)


def test_perceptron_converges_on_teacher_data_and_separates():
    x, y = _teacher_data(60, 25, 3)
    res = perceptron_train(x, y, max_epochs=10_000)
    assert res.converged and res.errors_per_epoch[-1] == 0
    assert np.all(y * (x @ res.weights) > 0)
    np.testing.assert_array_equal(res.predict(x), y)
    assert is_separable(x, y)


def test_perceptron_novikoff_bound():
    # Novikoff: updates <= (R / gamma)^2 for ANY unit separator w* with margin gamma;
    # the teacher direction is one.
    gen = np.random.default_rng(4)
    teacher = gen.standard_normal(10)
    x = gen.standard_normal((80, 10))
    y = np.where(x @ teacher > 0, 1, -1)
    res = perceptron_train(x, y, max_epochs=100_000)
    assert res.converged
    gamma = float(np.min(y * (x @ teacher)) / np.linalg.norm(teacher))
    radius = float(np.max(np.linalg.norm(x, axis=1)))
    assert res.n_updates <= (radius / gamma) ** 2


def test_perceptron_fails_on_inseparable_data():
    # y_2 = -y_1 for x_2 = x_1: no w can separate
    x = np.array([[1.0, 2.0], [1.0, 2.0], [0.5, -1.0]])
    y = np.array([1, -1, 1])
    res = perceptron_train(x, y, max_epochs=50)
    assert not res.converged and res.n_epochs == 50
    assert not is_separable(x, y)


def test_bias_and_initial_weights():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([-1, -1, 1, 1])  # threshold between 1 and 2 needs a bias
    assert not perceptron_train(x, y, max_epochs=100).converged
    res = perceptron_train(x, y, max_epochs=1000, bias=True)
    assert res.converged and res.bias < 0
    np.testing.assert_array_equal(res.predict(x), y)
    start = perceptron_train(x, y, max_epochs=1, bias=True,
                             initial_weights=np.r_[res.weights, res.bias])
    assert start.converged and start.n_updates == 0


@pytest.mark.parametrize("p, n", [(5, 2), (6, 3), (7, 3), (8, 4)])
def test_cover_count_equals_enumeration(p, n):
    """All 2^p dichotomies of Gaussian points, decided by LP, counted: Cover's C(p, N)."""
    x = np.random.default_rng(10 * p + n).standard_normal((p, n))
    count = sum(is_separable(x, np.array(lab)) for lab in itertools.product((-1, 1), repeat=p))
    assert count == cover_count(p, n)


def test_cover_formula_closed_forms():
    assert cover_count(3, 5) == 2**3  # p <= N: every dichotomy
    assert cover_count(4, 2) == 2 * (1 + 3)
    for n in (1, 5, 50, 200):
        assert cover_probability(2 * n, n) == pytest.approx(0.5, abs=1e-12)
        assert cover_probability(n, n) == 1.0
    for p, n in [(30, 10), (45, 20), (90, 40)]:
        assert cover_probability(p, n) == pytest.approx(cover_count(p, n) / 2**p, rel=1e-12)
    probs = cover_probability(np.arange(1, 600), 200)
    assert np.all(np.diff(probs) <= 0)


def test_capacity_point_matches_cover_within_error_bars():
    # 300 samples: binomial sigma <= 0.029; tolerance 4 sigma of the exact probability
    for p in (16, 24):
        row = capacity_point(10, p, 300, rng=p)
        sigma = math.sqrt(row["cover"] * (1 - row["cover"]) / 300)
        assert abs(row["fraction"] - row["cover"]) < 4 * sigma + 1e-12, row


def test_capacity_point_perceptron_is_lower_bound_and_reproducible():
    a = capacity_point(12, 20, 60, perceptron_epochs=300, rng=5)
    b = capacity_point(12, 20, 60, perceptron_epochs=300, rng=5)
    assert a == b
    assert a["perceptron_fraction"] <= a["fraction"]
    assert a["perceptron_fraction"] > 0


def test_spin_patterns_are_not_in_general_position():
    # small N, +-1 patterns: coincident/degenerate points lower the learnable fraction
    row = capacity_point(6, 12, 200, kind="spins", rng=0)
    sigma = math.sqrt(0.25 / 200)
    assert row["fraction"] < row["cover"] - 4 * sigma


def test_capacity_experiment_rows_and_crossing():
    rows = capacity_experiment([8, 16], [1.0, 2.0, 3.0], 30, rng=1)
    assert [(r["N"], r["p"]) for r in rows] == [(n, round(a * n)) for n in (8, 16)
                                                for a in (1.0, 2.0, 3.0)]
    assert rows[0]["fraction"] == 1.0  # p <= N: always separable
    # each grid point has its own stream: the same point in another grid agrees
    alone = capacity_experiment([16], [2.0], 30, rng=1)
    assert alone[0] == rows[4]
    # an int seed is the root of the per-point streams, as in the CLI
    assert alone[0] == capacity_point(16, 32, 30, rng=point_seed(1, 16, 32))
    assert crossing_alpha([1.0, 2.0, 3.0], [1.0, 0.6, 0.2]) == pytest.approx(2.25)
    assert math.isnan(crossing_alpha([1.0, 2.0], [1.0, 0.9]))
    assert transition_width([1.0, 2.0, 3.0], [1.0, 0.5, 0.0]) == pytest.approx(1.6)


def test_random_dichotomy_shapes():
    x, y = random_dichotomy(7, 4, kind="spins", rng=0)
    assert x.shape == (7, 4) and set(np.unique(x)) <= {-1.0, 1.0}
    assert y.dtype == np.int8 and set(np.unique(y)) <= {-1, 1}


@pytest.mark.parametrize("call, exc, match", [
    (lambda: perceptron_train(np.ones((3, 2)), [1, 0, 1]), ValueError, "-1 and \\+1"),
    (lambda: perceptron_train(np.ones((3, 2)), [1, 1]), ValueError, "one label"),
    (lambda: perceptron_train(np.ones(3), [1, 1, 1]), ValueError, "x must have 2"),
    (lambda: perceptron_train(np.ones((3, 2)), [1, 1, 1], max_epochs=0), ValueError,
     "max_epochs"),
    (lambda: perceptron_train(np.ones((3, 2)), [1, 1, 1], bias=1), TypeError, "bias"),
    (lambda: perceptron_train(np.ones((3, 2)), [1, 1, 1], initial_weights=[0.0]),
     ValueError, "initial_weights"),
    (lambda: perceptron_train(np.full((3, 2), np.nan), [1, 1, 1]), ValueError, "finite"),
    (lambda: cover_count(0, 3), ValueError, "p must be >= 1"),
    (lambda: cover_count(3, 1.5), TypeError, "n must be an integer"),
    (lambda: cover_probability(2.5, 3), TypeError, "p must be integer"),
    (lambda: random_dichotomy(3, 2, kind="uniform"), ValueError, "kind"),
    (lambda: capacity_point(5, 5, 0), ValueError, "n_samples"),
    (lambda: capacity_experiment([], [2.0], 5), ValueError, "ns"),
    (lambda: capacity_experiment([5], [-1.0], 5), ValueError, "alphas"),
    (lambda: capacity_experiment([5], [1.0], 5, rng=-3), ValueError, "seed"),
    (lambda: capacity_experiment([5], [1.0], 5, rng=0.5), TypeError, "rng"),
    (lambda: crossing_alpha([1, 2], [1.0]), ValueError, "equal length"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.slow
def test_gardner_crossing_at_n200_and_sharpening():
    """Acceptance: 50% point at N = 200 in [1.85, 2.15]; the 10-90% width shrinks with N."""
    alphas = np.round(np.arange(1.6, 2.41, 0.1), 2)
    rows = capacity_experiment([50, 200], alphas, 100, rng=0)
    by_n = {n: [r for r in rows if r["N"] == n] for n in (50, 200)}
    a50 = crossing_alpha(alphas, [r["fraction"] for r in by_n[200]])
    assert 1.85 <= a50 <= 2.15
    widths = {n: transition_width(alphas, [r["fraction"] for r in by_n[n]]) for n in by_n}
    assert widths[200] < widths[50]
