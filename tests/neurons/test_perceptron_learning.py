"""Maximal stability, exact binary enumeration, Hebb and GAMP students against theory."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from spinnet.neurons import perceptron_learning as pl
from spinnet.neurons._kernels import (
    adatron_sweeps,
    adatron_sweeps_reference,
    binary_prefix_counts,
    binary_prefix_counts_reference,
)
from spinnet.neurons.perceptron import cover_probability, random_dichotomy
from spinnet.theory import perceptron as pt


def test_adatron_kernel_matches_numpy():
    x, y = random_dichotomy(30, 12, rng=3)
    a = np.ascontiguousarray(y[:, None] * x)
    norms2 = np.einsum("ij,ij->i", a, a)
    lam1, w1 = np.zeros(30), np.zeros(12)
    lam2, w2 = np.zeros(30), np.zeros(12)
    adatron_sweeps(a, norms2, lam1, w1, 7, -1.0, 1e-30, 1000)
    adatron_sweeps_reference(a, norms2, lam2, w2, 7)
    np.testing.assert_allclose(lam1, lam2, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(w1, w2, rtol=1e-12, atol=1e-14)


def test_max_stability_matches_quadratic_program():
    x, y = random_dichotomy(18, 12, rng=5)
    res = pl.max_stability(x, y, rel_tol=1e-8)
    a = y[:, None] * x
    qp = minimize(lambda v: 0.5 * v @ v, np.ones(12), jac=lambda v: v, method="SLSQP",
                  constraints=[{"type": "ineq", "fun": lambda v: a @ v - 1,
                                "jac": lambda v: a}], options={"ftol": 1e-14})
    kappa_qp = 1 / np.linalg.norm(qp.x)
    assert res.kappa <= kappa_qp * (1 + 1e-6) and res.upper >= kappa_qp * (1 - 1e-6)
    assert res.kappa == pytest.approx(kappa_qp, rel=1e-5)
    assert np.linalg.norm(res.weights) == pytest.approx(math.sqrt(12))
    # the achieved stability is what the weights give
    assert res.kappa == pytest.approx(np.min(a @ res.weights) / math.sqrt(12), rel=1e-12)


def test_max_stability_decision_and_bad_input():
    x, y = random_dichotomy(10, 20, rng=1)
    full = pl.max_stability(x, y)
    yes = pl.max_stability(x, y, kappa_stop=0.5 * full.kappa)
    assert yes.kappa >= 0.5 * full.kappa
    no = pl.max_stability(x, y, kappa_stop=1.5 * full.upper)
    assert no.upper < 1.5 * full.upper
    with pytest.raises(ValueError, match="labels"):
        pl.max_stability(x, np.zeros(10))
    with pytest.raises(ValueError, match="kappa_stop"):
        pl.max_stability(x, y, kappa_stop=-1.0)


def test_critical_patterns_consistent_with_max_stability():
    x, y = random_dichotomy(60, 20, rng=7)
    res = pl.critical_patterns(x, y, [0.5, 1.0])
    for k, pc in zip((0.5, 1.0), res["p_c"], strict=True):
        assert pl.max_stability(x[:pc], y[:pc], rel_tol=1e-9).kappa >= k
        assert pl.max_stability(x[:pc + 1], y[:pc + 1], rel_tol=1e-9).upper < k
    assert res["p_c"][1] <= res["p_c"][0]


def test_critical_patterns_kappa0_follows_cover():
    # Cover: P(p_c >= p) = C(p, N)/2^p, hence E[p_c] = 2N exactly (general position)
    n, m = 6, 60
    gen = np.random.default_rng(11)
    pcs = []
    for _ in range(m):
        x, y = random_dichotomy(30, n, rng=gen)
        out = pl.critical_patterns(x, y, [0.0])
        assert not out["truncated"]
        pcs.append(int(out["p_c"][0]))
    pcs = np.array(pcs)
    assert abs(pcs.mean() - 2 * n) < 4 * pcs.std(ddof=1) / math.sqrt(m)
    for p in (10, 12, 14):
        frac = np.mean(pcs >= p)
        cov = float(cover_probability(p, n))
        assert abs(frac - cov) < 4 * math.sqrt(cov * (1 - cov) / m)


def test_binary_kernel_matches_numpy_and_symmetry():
    gen = np.random.default_rng(2)
    for n in (3, 7, 11):
        bits = gen.integers(0, 1 << n, size=2 * n + 3).astype(np.uint64)
        np.testing.assert_array_equal(binary_prefix_counts(bits, n),
                                      binary_prefix_counts_reference(bits, n))
    # one pattern, N odd: w and −w disagree, so exactly half of 2^N store it
    x, y = random_dichotomy(9, 9, kind="spins", rng=4)
    counts = pl.binary_prefix_counts(x, y)
    assert counts.sum() == 2**9 and counts[1:].sum() == 2**8
    with pytest.raises(ValueError, match="odd"):
        pl.binary_prefix_counts(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match="-1 and \\+1"):
        pl.binary_prefix_counts(np.full((3, 5), 0.5), np.ones(3))


def test_binary_critical_patterns_seeded_and_bounded():
    a = pl.binary_critical_patterns(9, 30, rng=5)
    b = pl.binary_critical_patterns(9, 30, rng=5)
    np.testing.assert_array_equal(a["p_c"], b["p_c"])
    # binary solutions are spherical solutions: p_c ≤ Cover's range, and ≥ 1 always
    assert np.all(a["p_c"] >= 1) and a["alpha"] < 2
    assert a["log_solutions"][0, 0] == pytest.approx(9 * math.log(2))
    with pytest.raises(ValueError, match="odd"):
        pl.binary_critical_patterns(10, 3)


def test_hebb_student_matches_closed_form():
    n, m = 300, 30
    for alpha in (0.5, 3.0):
        errs = []
        for s in range(m):
            t, x, y = pl.teacher_student_data(n, int(alpha * n),
                                              rng=np.random.SeedSequence(1, spawn_key=(s,)))
            errs.append(pl.overlap_error(pl.hebb_student(x, y), t)[1])
        theory = pt.generalization_error(pt.hebb_overlap(alpha))
        assert abs(np.mean(errs) - theory) < 4 * np.std(errs, ddof=1) / math.sqrt(m)


@pytest.mark.parametrize("prior", ["spherical", "binary"])
def test_gamp_follows_state_evolution(prior):
    n, m, alpha, steps = 600, 6, 1.0, 15
    errs = []
    for s in range(m):
        t, x, y = pl.teacher_student_data(n, int(alpha * n), prior=prior,
                                          rng=np.random.SeedSequence(3, spawn_key=(s,)))
        errs.append(pl.gamp_perceptron(x, y, prior=prior, n_iter=steps, teacher=t)["error"][-1])
    se = pt.teacher_student_rs(alpha, prior, n_iter=steps)
    theory = pt.generalization_error(math.sqrt(se["q"]))
    assert abs(np.mean(errs) - theory) < 4 * np.std(errs, ddof=1) / math.sqrt(m)


def test_teacher_data_seeded_and_validated():
    a = pl.teacher_student_data(20, 10, prior="binary", rng=9)
    b = pl.teacher_student_data(20, 10, prior="binary", rng=9)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert set(np.unique(a[0])) <= {-1.0, 1.0}
    np.testing.assert_array_equal(a[2], np.where(a[1] @ a[0] > 0, 1, -1))
    with pytest.raises(ValueError, match="prior"):
        pl.teacher_student_data(20, 10, prior="ising")
    with pytest.raises(ValueError, match="teacher"):
        pl.gamp_perceptron(a[1], a[2], teacher=np.ones(3))


def test_gamp_binary_teacher_perfect_above_spinodal():
    # α = 2.5 > α_alg ≈ 1.493: state evolution reaches q = 1, AMP recovers the teacher
    # exactly and stays there (the vertex freeze; without it ŵ would be reset to 0)
    for s in range(3):
        t, x, y = pl.teacher_student_data(300, 750, prior="binary",
                                          rng=np.random.SeedSequence(8, spawn_key=(s,)))
        res = pl.gamp_perceptron(x, y, prior="binary", n_iter=40, teacher=t)
        assert res["error"][-1] < 1e-6 and res["error"][-10] < 1e-6
        np.testing.assert_array_equal(res["weights"], t)


def test_clipped_hebb_student_of_binary_teacher():
    # R = ⟨sign(J_i) B_i⟩ = erf(√(α/π)) for the clipped Hebb student (Gaussian J_i B_i)
    n, m, alpha = 1000, 12, 1.0
    rs = []
    for s in range(m):
        t, x, y = pl.teacher_student_data(n, int(alpha * n), prior="binary",
                                          rng=np.random.SeedSequence(4, spawn_key=(s,)))
        rs.append(float(np.mean(np.sign(pl.hebb_student(x, y)) * t)))
    theory = pt.hebb_overlap(alpha, clipped=True)
    assert abs(np.mean(rs) - theory) < 4 * np.std(rs, ddof=1) / math.sqrt(m)
