"""Hetero-associative memories: linear associator and BAM (Kosko 1988)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import hadamard

from spinnet.experiments.memories import bam_capacity, bam_snr_fixed_point
from spinnet.hopfield import BAM, LinearAssociator
from spinnet.spins import flip, random_patterns


# ------------------------------------------------------------------------ linear associator
def test_hebbian_associator_exact_for_orthogonal_keys():
    H = hadamard(64).astype(np.int8)
    x = H[1:21]  # 20 mutually orthogonal ±1 keys
    y = random_patterns(20, 30, rng=0)
    la = LinearAssociator().fit(x, y)
    np.testing.assert_allclose(la.predict_linear(x), y, atol=1e-12)
    assert np.array_equal(la.recall(x), y)


def test_pseudo_inverse_associator_exact_for_independent_keys():
    """W = Y X⁺ maps each stored x onto y exactly (p <= N, independent keys), where
    the correlation matrix memory already makes bit errors at this load."""
    x = random_patterns(40, 64, rng=1)  # alpha = 0.625
    y = random_patterns(40, 50, rng=2)
    opt = LinearAssociator("pseudo_inverse").fit(x, y)
    np.testing.assert_allclose(opt.predict_linear(x), y, atol=1e-8)
    assert np.array_equal(opt.recall(x), y)
    heb = LinearAssociator("hebbian").fit(x, y)
    # ½ erfc(√(N/2p)) = ½ erfc(0.894) ≈ 0.10 of 2000 bits: far from zero.
    assert np.mean(heb.recall(x) != y) > 0.05


def test_hebbian_associator_bit_errors_match_signal_to_noise():
    """One-step bit error of the correlation memory vs ½ erfc(√(N/2(p−1))) at N = 200,
    p = 41 (8200 bits per set, 5 sets); tolerance 4 standard errors of the set means."""
    from scipy.special import erfc

    n, m, p = 200, 41, 41
    errs = []
    for r in range(5):
        x = random_patterns(p, n, rng=10 + r)
        y = random_patterns(p, m, rng=20 + r)
        errs.append(np.mean(LinearAssociator().fit(x, y).recall(x) != y))
    theory = 0.5 * erfc(np.sqrt(n / (2 * (p - 1))))
    se = np.std(errs, ddof=1) / np.sqrt(len(errs))
    assert abs(np.mean(errs) - theory) < 4 * se + 0.003


def test_associator_save_load_roundtrip(tmp_path):
    x, y = random_patterns(5, 30, rng=3), random_patterns(5, 12, rng=4)
    la = LinearAssociator("pseudo_inverse").fit(x, y)
    la.save(tmp_path / "la")
    back = LinearAssociator.load(tmp_path / "la")
    assert back.rule == "pseudo_inverse"
    assert np.array_equal(back.weights_, la.weights_)
    assert np.array_equal(back.recall(flip(x, 0.1, rng=5)), la.recall(flip(x, 0.1, rng=5)))


# ------------------------------------------------------------------------------------- BAM
@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 24), m=st.integers(2, 24), p=st.integers(1, 12),
       seed=st.integers(0, 2**31 - 1), from_y=st.booleans())
def test_bam_energy_never_increases(n, m, p, seed, from_y):
    gen = np.random.default_rng(seed)
    x, y = random_patterns(p, n, rng=gen), random_patterns(p, m, rng=gen)
    bam = BAM().fit(x, y)
    probes = random_patterns(5, m if from_y else n, rng=gen)
    kwargs = {"y": probes} if from_y else {"x": probes}
    xr, yr, tr = bam.recall(**kwargs, rng=gen, return_trajectory=True, max_steps=200)
    assert np.all(np.diff(tr.energies, axis=1) <= 0)
    assert tr.converged.all()
    assert np.all(bam.is_fixed_point(xr, yr))
    np.testing.assert_array_equal(tr.energies[:, -1], bam.energy(xr, yr))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 16), m=st.integers(2, 16), seed=st.integers(0, 2**31 - 1))
def test_bam_energy_never_increases_from_any_pair(n, m, seed):
    """Both layers given (arbitrary start), many stored pairs (heavy crosstalk)."""
    gen = np.random.default_rng(seed)
    bam = BAM().fit(random_patterns(20, n, rng=gen), random_patterns(20, m, rng=gen))
    x0, y0 = random_patterns(4, n, rng=gen), random_patterns(4, m, rng=gen)
    *_, tr = bam.recall(x=x0, y=y0, return_trajectory=True, max_steps=500)
    assert np.all(np.diff(tr.energies, axis=1) <= 0)
    np.testing.assert_array_equal(tr.energies[:, 0], bam.energy(x0, y0))


def test_bam_perfect_recall_at_low_load_N_M_256_noise_10pc():
    """Acceptance: N = M = 256, 10 % noise: every stored pair recalled exactly, from a
    noisy x and from a noisy y, p = 1 … 8, 5 sets each (SNR: ε ≈ 1e-8 per bit at p = 8)."""
    for p in (1, 2, 4, 8):
        for r in range(5):
            gen = np.random.default_rng([p, r])
            x, y = random_patterns(p, 256, rng=gen), random_patterns(p, 256, rng=gen)
            bam = BAM().fit(x, y)
            xr, yr = bam.recall(x=flip(x, 0.1, rng=gen), rng=gen)
            assert np.array_equal(xr, x) and np.array_equal(yr, y)
            xr, yr = bam.recall(y=flip(y, 0.1, rng=gen), rng=gen)
            assert np.array_equal(xr, x) and np.array_equal(yr, y)


def test_bam_capacity_follows_signal_to_noise():
    """N = M = 256, recall from 10 % noise, p = 16 … 40, 8 sets each.

    (1) The iterations remove the probe noise: the fraction of pairs recalled
    exactly equals the fraction of stored pairs that are fixed points, within
    4 standard errors. (2) The capacity p_c (fixed fraction = ½) of the
    signal-to-noise estimate P = (1 − ε_y)^M (1 − ε_x)^N lies within 15 % of
    the measured one (docs/hetero.md: the Gaussian crosstalk approximation
    is slightly pessimistic at these small p)."""
    from spinnet.experiments.memories import capacity_at_half

    rows = bam_capacity([(256, 256)], [16, 24, 32, 40], noise=0.1, n_trials=8, rng=3)
    for r in rows:
        err = np.hypot(r["recalled_err"], r["fixed_err"])
        assert abs(r["recalled"] - r["fixed"]) <= 4 * err + 1e-12, r
    cap = capacity_at_half(rows, key="fixed")[(256, 256)]
    assert abs(cap["snr_p_c"] / cap["p_c"] - 1) < 0.15, cap


def test_bam_snr_formula_limits():
    assert bam_snr_fixed_point(100, 50, 1) == 1.0
    v = bam_snr_fixed_point(256, 256, np.array([2, 10, 40, 160]))
    assert np.all(np.diff(v) < 0) and v[0] > 0.999 and v[-1] < 1e-6


def test_bam_partial_fit_equals_fit_and_save_load(tmp_path):
    x, y = random_patterns(6, 40, rng=6), random_patterns(6, 20, rng=7)
    a = BAM().fit(x[:2], y[:2]).partial_fit(x[2:], y[2:])
    b = BAM().fit(x, y)
    assert np.array_equal(a.weights_, b.weights_)
    b.save(tmp_path / "bam")
    c = BAM.load(tmp_path / "bam")
    assert np.array_equal(c.weights_, b.weights_)
    probe = flip(x, 0.1, rng=8)
    for u, v in zip(c.recall(x=probe, rng=9), b.recall(x=probe, rng=9), strict=True):
        assert np.array_equal(u, v)


def test_bam_same_seed_same_result():
    x, y = random_patterns(30, 32, rng=10), random_patterns(30, 31, rng=11)
    bam = BAM().fit(x, y)
    probe = random_patterns(20, 32, rng=12)
    a = bam.recall(x=probe, rng=13)
    b = bam.recall(x=probe, rng=13)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("cls", [BAM, LinearAssociator])
def test_mismatched_pair_counts(cls):
    with pytest.raises(ValueError, match="same number of pairs"):
        cls().fit(random_patterns(3, 10, rng=0), random_patterns(4, 8, rng=1))


@pytest.mark.parametrize("cls", [BAM, LinearAssociator])
def test_non_spin_patterns(cls):
    x = np.zeros((3, 10))
    with pytest.raises(ValueError, match="X must contain only -1 and \\+1"):
        cls().fit(x, random_patterns(3, 8, rng=1))
    with pytest.raises(ValueError, match="Y must contain only"):
        cls().fit(random_patterns(3, 10, rng=0), np.full((3, 8), 2))


def test_bam_recall_errors():
    bam = BAM().fit(random_patterns(3, 10, rng=0), random_patterns(3, 8, rng=1))
    with pytest.raises(ValueError, match="needs x"):
        bam.recall()
    with pytest.raises(ValueError, match="x must have N = 10"):
        bam.recall(x=np.ones(9))
    with pytest.raises(RuntimeError, match="not fitted"):
        BAM().recall(x=np.ones(9))
    with pytest.raises(ValueError, match="rule"):
        LinearAssociator("storkey")
