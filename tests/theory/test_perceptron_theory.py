"""Perceptron replica theory against closed forms, limits and published numbers."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import norm

from spinnet.theory import perceptron as pt


def test_gardner_closed_form_matches_quadrature_and_kappa0():
    assert pt.gardner_alpha_c(0.0) == pytest.approx(2.0, abs=1e-14)
    for k in (0.3, 1.0, 2.5):
        direct = quad(lambda t, k=k: norm.pdf(t) * (t + k) ** 2, -k, np.inf)[0]
        assert pt.gardner_integral(k) == pytest.approx(direct, rel=1e-10)
        assert pt.gardner_alpha_c(k) == pytest.approx(1 / direct, rel=1e-10)


def test_gardner_large_kappa_and_monotone():
    # I(κ) = 1 + κ² + O(e^{-κ²/2}) for large κ: α_c κ² → 1
    k = np.array([6.0, 8.0])
    np.testing.assert_allclose(pt.gardner_alpha_c(k) * (1 + k**2), 1.0, atol=1e-7)
    a = pt.gardner_alpha_c(np.linspace(0, 3, 31))
    assert np.all(np.diff(a) < 0)


def test_gardner_bad_input():
    with pytest.raises(ValueError, match="kappa"):
        pt.gardner_alpha_c(-0.1)
    with pytest.raises(ValueError, match="kappa"):
        pt.gardner_alpha_c(float("nan"))


def test_binary_entropy_alpha0_and_stationarity():
    assert pt.binary_rs_entropy(0.0, 0.0, 0.0) == pytest.approx(math.log(2), abs=1e-12)
    st = pt.binary_rs_saddle(0.6)
    q, qh = st["q"], st["qhat"]
    h = 1e-5
    dq = (pt.binary_rs_entropy(q + h, qh, 0.6) - pt.binary_rs_entropy(q - h, qh, 0.6)) / (2 * h)
    dqh = (pt.binary_rs_entropy(q, qh + h, 0.6) - pt.binary_rs_entropy(q, qh - h, 0.6)) / (2 * h)
    assert abs(dq) < 1e-7 and abs(dqh) < 1e-7
    # small α: annealed = quenched to first order, s ≈ ln 2 + α ln(1/2)
    st = pt.binary_rs_saddle(1e-3)
    assert st["entropy"] == pytest.approx(math.log(2) * (1 - 1e-3), abs=1e-6)


def test_krauth_mezard_value():
    # Krauth & Mézard (1989): α_c = 0.833 (0.83308 to five digits)
    a = pt.krauth_mezard_alpha_c()
    assert abs(a - 0.833) < 0.001
    assert a == pytest.approx(0.83308, abs=2e-5)
    assert abs(pt.binary_rs_saddle(a)["entropy"]) < 1e-8


def test_generalization_error_and_hebb():
    assert pt.generalization_error(1.0) == 0.0
    assert pt.generalization_error(0.0) == pytest.approx(0.5)
    assert pt.hebb_overlap(0.0) == 0.0
    # large α: ε_Hebb → 1/√(2πα) (Engel & Van den Broeck 2001, eq. (3.5))
    for a in (1e4, 1e6):
        eps = pt.generalization_error(pt.hebb_overlap(a))
        assert eps * math.sqrt(2 * math.pi * a) == pytest.approx(1.0, rel=2 / a**0.5 + 1e-3)
    # clipped Hebb: R = erf(√(α/π)) → 1, and below the unclipped R at small α (factor √(2/π))
    assert pt.hebb_overlap(1e-6, clipped=True) / pt.hebb_overlap(1e-6) == pytest.approx(
        math.sqrt(2 / math.pi), rel=1e-3)
    with pytest.raises(ValueError, match="alpha"):
        pt.hebb_overlap(-1.0)


def test_spherical_rs_matches_engel_van_den_broeck_equation():
    # eq. (2.42): R/√(1−R) = (α/π) ∫Dt exp(−R t²/2) / H(−√R t), R = q
    for a in (0.5, 2.0, 7.0):
        r = pt.teacher_student_rs(a)["q"]
        rhs = a / math.pi * quad(lambda t, r=r: norm.pdf(t) * math.exp(-r * t * t / 2)
                                 / norm.cdf(math.sqrt(r) * t), -12, 12)[0]
        assert r / math.sqrt(1 - r) == pytest.approx(rhs, rel=1e-8)


def test_gibbs_and_bayes_asymptotics():
    # ε_Gibbs ≈ 0.625/α, ε_Bayes ≈ 0.442/α at large α (Engel & Van den Broeck, eqs. (2.50), (3.23))
    st = pt.teacher_student_rs(400.0)
    assert st["gibbs_error"] * 400 == pytest.approx(0.625, abs=0.003)
    assert st["bayes_error"] * 400 == pytest.approx(0.442, abs=0.002)
    # small α: Bayes = Hebb to leading order, R ≈ √(2α/π); Gibbs R ≈ 2α/π
    st = pt.teacher_student_rs(1e-4)
    assert st["bayes_R"] == pytest.approx(pt.hebb_overlap(1e-4), rel=1e-3)
    assert st["gibbs_R"] == pytest.approx(2e-4 / math.pi, rel=1e-3)


def test_free_entropy_stationary_and_prior_channels():
    for prior in pt.PRIORS:
        st = pt.teacher_student_rs(1.0, prior)
        q, r = st["q"], st["r"]
        h = 1e-5
        f = pt._free_entropy
        assert (f(q + h, r, 1.0, prior) - f(q - h, r, 1.0, prior)) / (2 * h) == pytest.approx(
            0, abs=1e-6)
        assert (f(q, r + h, 1.0, prior) - f(q, r - h, 1.0, prior)) / (2 * h) == pytest.approx(
            0, abs=1e-6)
    # α = 0: f = ψ(0) + α(...) = 0 (the posterior is the prior)
    assert pt.teacher_student_rs(0.0, "binary")["free_entropy"] == pytest.approx(0, abs=1e-12)


def test_binary_teacher_transition():
    t = pt.binary_teacher_transition()
    # Györgyi (1990) 1.245; Barbier et al. (2019): α_alg ≈ 1.493
    assert t["alpha_it"] == pytest.approx(1.245, abs=0.002)
    assert t["alpha_alg"] == pytest.approx(1.493, abs=0.002)
    c = pt.teacher_student_curves(np.array([1.0, 1.3, 1.6]), "binary")
    assert c["bayes"][1] == 0.0 and c["amp"][1] > 0.1 and c["amp"][2] < 1e-3
    assert np.all(c["bayes"] <= c["gibbs"]) and c["bayes"][0] < c["hebb"][0]


def test_state_evolution_trajectory():
    st = pt.teacher_student_rs(1.0, n_iter=3)
    assert st["trajectory"].shape == (4,) and st["trajectory"][0] == 0.0
    # first step from q = 0: r = 2α/π
    assert st["trajectory"][1] == pytest.approx((2 / math.pi) / (1 + 2 / math.pi), rel=1e-10)
    with pytest.raises(ValueError, match="prior"):
        pt.teacher_student_rs(1.0, "gauss")
