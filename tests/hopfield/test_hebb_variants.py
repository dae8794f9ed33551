"""Hebb-rule normalisations and diagonal, the p = 1 worked example, Little dynamics."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from spinnet.hopfield import (
    HopfieldNetwork,
    energy,
    hebbian,
    local_fields,
    run_async,
    run_glauber,
    run_little,
    run_sync,
)
from spinnet.spins import flip, random_patterns


# --------------------------------------------------------------------------- the rule itself
def test_normalisations_differ_by_the_stated_factors():
    xi = random_patterns(7, 40, rng=0)
    p, n = xi.shape
    raw = xi.T.astype(float) @ xi
    assert np.array_equal(hebbian(xi, normalize="none", diagonal="keep"), raw)
    np.testing.assert_allclose(hebbian(xi, normalize="N", diagonal="keep"), raw / n)
    np.testing.assert_allclose(hebbian(xi, normalize="p", diagonal="keep"), raw / p)
    # M = XᵀX/N − I is the default rule (ξ_i² = 1 puts p/N on the diagonal).
    np.testing.assert_allclose(hebbian(xi), raw / n - (p / n) * np.eye(n))
    assert np.array_equal(hebbian(xi), hebbian(xi, normalize="N", diagonal="zero"))
    np.testing.assert_allclose(np.diagonal(hebbian(xi, normalize="p", diagonal="keep")), 1.0)
    for norm in ("N", "p", "none"):
        assert not np.diagonal(hebbian(xi, normalize=norm)).any()


@pytest.mark.parametrize("kwargs, exc", [({"normalize": "n"}, ValueError),
                                         ({"diagonal": "drop"}, ValueError),
                                         ({"normalize": 1}, TypeError)])
def test_bad_options_are_named(kwargs, exc):
    with pytest.raises(exc, match=next(iter(kwargs))):
        hebbian(random_patterns(2, 10, rng=0), **kwargs)


def test_network_rejects_hebb_options_for_other_rules():
    with pytest.raises(ValueError, match="normalize and diagonal"):
        HopfieldNetwork("storkey", diagonal="keep")


# ------------------------------------------------------------- same T = 0 dynamics (zero diag)
def test_zero_temperature_dynamics_identical_for_every_normalisation():
    xi = random_patterns(30, 200, rng=1)  # alpha = 0.15: many spins move, some probes fail
    probes = flip(np.repeat(xi[:10], 3, axis=0), 0.3, rng=2)
    couplings = [hebbian(xi, normalize=c) for c in ("N", "p", "none")]
    finals = [run_async(J, probes, rng=3, record=True) for J in couplings]
    syncs = [run_sync(J, probes, record=True) for J in couplings]
    for (s, tr), (s2, tr2) in zip(finals[1:], syncs[1:], strict=True):
        assert np.array_equal(s, finals[0][0])
        assert np.array_equal(tr.n_sweeps, finals[0][1].n_sweeps)
        assert np.array_equal(s2, syncs[0][0])
        assert np.array_equal(tr2.n_sweeps, syncs[0][1].n_sweeps)
    # The probes really moved (the test is not vacuous).
    assert (finals[0][0] != probes).any()


# ------------------------------------------------------------- T > 0: 1/p rescales T by alpha
def test_one_over_p_network_at_T_is_one_over_N_network_at_alpha_T():
    """beta' J^(p) = (alpha/T) J^(N)/alpha = J^(N)/T: identical heat-bath chains."""
    n, p = 200, 10
    alpha = p / n
    xi = random_patterns(p, n, rng=4)
    probes = flip(xi[:4], 0.2, rng=5)
    Jn, Jp = hebbian(xi), hebbian(xi, normalize="p")
    for t_p in (2.0, 8.0, 20.0):
        a = run_glauber(Jp, probes, t_p, n_sweeps=30, rng=6)
        b = run_glauber(Jn, probes, alpha * t_p, n_sweeps=30, rng=6)
        assert np.array_equal(a, b)
    # Same chains for Little dynamics.
    a = run_little(Jp, probes, 8.0, 30, rng=7)
    b = run_little(Jn, probes, alpha * 8.0, 30, rng=7)
    assert np.array_equal(a, b)


def test_same_temperature_different_phase():
    """At T = 2 the 1/N network is paramagnetic (T > 1 for alpha -> 0), the 1/p one
    is at effective T = alpha * 2 = 0.1 and retrieves (m ≈ 1)."""
    n, p = 400, 20
    xi = random_patterns(p, n, rng=8)
    probes = np.repeat(xi[:1], 8, axis=0)
    x0 = xi[0].astype(float)
    m_p = run_glauber(hebbian(xi, normalize="p"), probes, 2.0, n_sweeps=20, rng=9) @ x0 / n
    m_n = run_glauber(hebbian(xi), probes, 2.0, n_sweeps=20, rng=9) @ x0 / n
    # Retrieval at T_eff = 0.1: m = erf(...) ≈ 1 (AGS); paramagnet: m ~ N(0, 1/N), 1/√N = 0.05.
    assert m_p.min() > 0.95
    assert np.abs(m_n).max() < 4 * 0.05 + 0.05


# ----------------------------------------------------------------------- kept diagonal
def _mixtures(xi, count):
    combos = itertools.islice(itertools.combinations(range(xi.shape[0]), 3), count)
    return np.array([np.sign(xi[a] + xi[b] + xi[c]) for a, b, c in combos], dtype=np.int8)


def test_kept_diagonal_only_adds_fixed_points():
    """s_i h_i^off >= 0 implies s_i (h_i^off + alpha s_i) > 0: inclusion, exactly."""
    n, p = 300, 12
    xi = random_patterns(p, n, rng=10)
    states = np.concatenate([_mixtures(xi, 200), random_patterns(200, n, rng=11),
                             flip(xi, 0.05, rng=12)])
    Jz, Jk = hebbian(xi), hebbian(xi, diagonal="keep")
    fixed_z = np.all(run_sync(Jz, states, max_steps=1) == states, axis=1)
    fixed_k = np.all(run_sync(Jk, states, max_steps=1, self_coupling=True) == states, axis=1)
    assert not np.any(fixed_z & ~fixed_k)
    # Without self_coupling the kept diagonal is ignored: same as the zero diagonal.
    assert np.array_equal(run_sync(Jk, states, max_steps=1), run_sync(Jz, states, max_steps=1))


def test_kept_diagonal_stabilises_mixture_states():
    """Measured at N = 500, alpha = 0.04: 3-mixtures that are fixed points, zero vs keep.

    Paired counts on the same 400 mixtures: b = fixed only with keep (never the
    reverse, see the inclusion test). The exploratory measurement gave fractions
    0.34 (zero) vs 0.52 (keep); the test asks for b > 4 sqrt(b) + 10, i.e. a
    difference far outside the noise of a count.
    """
    n, p, sets = 500, 20, 4
    b = kept = zero = 0
    rng = np.random.default_rng(13)
    for _ in range(sets):
        xi = random_patterns(p, n, rng=rng)
        mix = _mixtures(xi, 100)
        fz = np.all(run_sync(hebbian(xi), mix, max_steps=1) == mix, axis=1)
        fk = np.all(run_sync(hebbian(xi, diagonal="keep"), mix, max_steps=1,
                             self_coupling=True) == mix, axis=1)
        b += int(np.sum(fk & ~fz))
        kept += int(fk.sum())
        zero += int(fz.sum())
    assert kept == zero + b
    assert b > 4 * np.sqrt(b) + 10


def test_kept_diagonal_async_energy_monotone_and_network_honours_it():
    n, p = 120, 10
    xi = random_patterns(p, n, rng=14)
    Jk = hebbian(xi, diagonal="keep")
    probes = random_patterns(6, n, rng=15)
    s, tr = run_async(Jk, probes, rng=16, record=True, self_coupling=True)
    assert np.all(np.diff(tr.energies, axis=1) <= 1e-12)
    assert tr.converged.all()
    h = local_fields(Jk, s)  # off-diagonal field
    assert np.all(s * (h + (p / n) * s) > 0)  # stable with the self-coupling
    net = HopfieldNetwork(diagonal="keep").fit(xi)
    assert np.array_equal(net.recall(probes, rng=16), s)
    assert np.array_equal(net.recall(probes, dynamics="sync"),
                          run_sync(Jk, probes, self_coupling=True))
    assert "diagonal='keep'" in repr(net)
    # energy() reports the i != j energy (the diagonal is a constant).
    np.testing.assert_allclose(net.energy(s), energy(hebbian(xi), s))


def test_network_partial_fit_with_one_over_p_rebuilds():
    xi = random_patterns(8, 60, rng=17)
    a = HopfieldNetwork(normalize="p").fit(xi[:3]).partial_fit(xi[3:])
    np.testing.assert_allclose(a.couplings_, hebbian(xi, normalize="p"))


# ------------------------------------------------------------- p = 1: the worked example
def _single_pattern_step(n_spins: int, n_flip: int, diagonal: str, seed: int):
    rng = np.random.default_rng(seed)
    xi = random_patterns(1, n_spins, rng=rng)[0]
    s = xi.copy()
    flipped = rng.permutation(n_spins)[:n_flip]
    s[flipped] *= -1
    J = hebbian(xi[None], diagonal=diagonal)
    return xi, s, flipped, J, run_sync(J, s, max_steps=1, self_coupling=diagonal == "keep")


@pytest.mark.parametrize("diagonal", ["zero", "keep"])
def test_single_pattern_every_n_at_N_100(diagonal):
    """One synchronous step with n of N = 100 spins flipped: ξ for n < 50, −ξ for n > 50.

    Fields (zero diagonal): h_i = ξ_i (N − 2n − ξ_i s_i)/N, so unflipped spins see
    ξ_i (N − 2n − 1)/N and flipped spins ξ_i (N − 2n + 1)/N. At n = N/2 = 50
    these are −ξ_i/N and +ξ_i/N: every spin reverses, s → −s, which again has
    50 errors (a 2-cycle, never a tie). Kept diagonal J_ii = 1/N: h_i = ξ_i (N − 2n)/N,
    exactly zero at n = 50 for every spin, so the tie rule (zero field keeps the
    spin) makes s a fixed point.
    """
    n_spins = 100
    for n in range(n_spins + 1):
        xi, s, _, J, new = _single_pattern_step(n_spins, n, diagonal, seed=n)
        h = local_fields(J, s) + (np.diagonal(J) * s)
        if diagonal == "zero":
            expected_h = xi * (n_spins - 2 * n - xi * s) / n_spins
        else:
            expected_h = xi * (n_spins - 2 * n) / n_spins
        np.testing.assert_allclose(h, expected_h, atol=1e-12)
        if n < n_spins // 2:
            assert np.array_equal(new, xi), n
        elif n > n_spins // 2:
            assert np.array_equal(new, -xi), n
        elif diagonal == "zero":
            assert np.array_equal(new, -s)
            assert int(np.sum(new != xi)) == n_spins // 2
            # and back: a 2-cycle
            assert np.array_equal(run_sync(J, new, max_steps=1), s)
        else:
            assert np.array_equal(new, s)
            # Exactly zero in integers (normalize="none"); with 1/N, zero up to round-off,
            # which the tie tolerance counts as zero. Under the other tie rule,
            # sign(0) = +1, the step would give the all-(+1) state instead.
            h_int = hebbian(xi[None], normalize="none", diagonal="keep") @ s
            assert not np.any(h_int)
            assert np.abs(h).max() < 1e-15


@pytest.mark.parametrize("n_flip, expect", [(49, "xi"), (50, "state"), (51, "-xi")])
def test_single_pattern_odd_N_ties(n_flip, expect):
    """N = 101, zero diagonal: unflipped spins have a tie at n = 50, flipped ones at n = 51."""
    xi, s, flipped, _, new = _single_pattern_step(101, n_flip, "zero", seed=1)
    if expect == "xi":
        assert np.array_equal(new, xi)
    elif expect == "-xi":
        assert np.array_equal(new, -xi)
    else:
        # n = 50: unflipped spins see h = 0 and keep ξ_i; flipped ones see +ξ_i/N -> ξ.
        assert np.array_equal(new, xi)
    h = local_fields(hebbian(xi[None], normalize="none"), s)  # exact integers
    unflipped = np.setdiff1d(np.arange(101), flipped)
    if n_flip == 50:  # unflipped spins tie (and keep ξ_i)
        assert not np.any(h[unflipped]) and np.all(h[flipped] == 2 * xi[flipped])
    if n_flip == 51:  # flipped spins (s_i = −ξ_i) tie and keep −ξ_i; the others go to −ξ_i
        assert not np.any(h[flipped]) and np.all(h[unflipped] == -2 * xi[unflipped])


# ----------------------------------------------------------------------- Little dynamics
def test_little_at_zero_temperature_is_synchronous():
    xi = random_patterns(15, 100, rng=18)
    probes = flip(np.repeat(xi[:5], 2, axis=0), 0.25, rng=19)
    J = hebbian(xi)
    s = probes.copy()
    for steps in range(1, 6):
        s = run_sync(J, s, max_steps=1)
        assert np.array_equal(run_little(J, probes, 0.0, steps, rng=0), s)
    # T -> 0: the heat bath becomes the sign rule (fields here are >= 1/N away from 0).
    assert np.array_equal(run_little(J, probes, 1e-5, 5, rng=1), s)


def _peretto(J, theta, beta):
    n = J.shape[0]
    states = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=float)
    h = states @ J + theta
    logw = beta * states @ theta + np.sum(np.logaddexp(beta * h, -beta * h), axis=1)
    w = np.exp(logw - logw.max())
    return states, w / w.sum()


@pytest.mark.parametrize("self_coupling", [False, True])
def test_little_stationary_distribution_is_peretto_exact(self_coupling):
    """Exact 2^N x 2^N transition matrix at N = 6; its stationary vector is
    P(s) ∝ exp(β θ·s) Π_i 2cosh(β h_i(s)) (Peretto 1984), not exp(−βE)."""
    rng = np.random.default_rng(20)
    n, beta = 6, 0.8
    a = rng.normal(size=(n, n))
    J = (a + a.T) / 2
    if not self_coupling:
        np.fill_diagonal(J, 0.0)
    theta = rng.normal(scale=0.3, size=n)
    states, pi = _peretto(J, theta, beta)
    h = states @ J + theta  # (S, n) fields of each state
    p_up = 1.0 / (1.0 + np.exp(-2.0 * beta * h))
    # P[a, b] = Π_i P(s_i = states[b, i] | states[a])
    up = states[None, :, :] > 0
    P = np.prod(np.where(up, p_up[:, None, :], 1.0 - p_up[:, None, :]), axis=2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-14)
    # detailed balance, and the Boltzmann distribution is NOT stationary
    flux = pi[:, None] * P
    np.testing.assert_allclose(flux, flux.T, atol=1e-14)
    e = -0.5 * np.einsum("si,ij,sj->s", states, J - np.diag(np.diag(J)), states) - states @ theta
    boltz = np.exp(-beta * (e - e.min()))
    boltz /= boltz.sum()
    assert np.abs(boltz @ P - boltz).max() > 1e-3

    # run_little samples the chain: 20000 independent chains from uniform random
    # states, one snapshot each after t steps, against the exact law u P^t
    # (chi-square); u P^t itself is close to the Peretto distribution by then.
    t = 200  # slowest relaxation mode |λ| ≈ 0.98: TV(u P^t, π) < 1e-3 at t = 200
    law = np.full(len(states), 1.0 / len(states)) @ np.linalg.matrix_power(P, t)
    assert 0.5 * np.abs(law - pi).sum() < 2e-3
    chains = random_patterns(20000, n, rng=21)
    s = run_little(J, chains, 1.0 / beta, t, rng=22, field=theta, self_coupling=self_coupling)
    idx = ((s > 0).astype(int) * (1 << np.arange(n - 1, -1, -1))).sum(axis=1)
    counts = np.bincount(idx, minlength=len(states))
    expected = law * counts.sum()
    keep = expected > 5
    chi2 = np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep])
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-4


def test_little_reproducible_and_in_network():
    xi = random_patterns(5, 80, rng=23)
    probes = flip(xi, 0.1, rng=24)
    J = hebbian(xi)
    a = run_little(J, probes, 0.3, 10, rng=25)
    assert np.array_equal(a, run_little(J, probes, 0.3, 10, rng=25))
    assert not np.array_equal(a, run_little(J, probes, 0.3, 10, rng=26))
    net = HopfieldNetwork().fit(xi)
    out, tr = net.recall(probes, dynamics="little", temperature=0.3, max_sweeps=10, rng=25,
                         return_trajectory=True)
    assert np.array_equal(out, a)
    assert tr.overlaps.shape == (5, 11, 5)
    assert (tr.overlaps[:, -1].diagonal() > 0.9).all()
    with pytest.raises(ValueError, match="n_steps"):
        run_little(J, probes, 0.3, 0)
    with pytest.raises(ValueError, match="temperature"):
        run_little(J, probes, -1.0, 2)
    with pytest.raises(TypeError, match="self_coupling"):
        run_little(J, probes, 0.3, 2, self_coupling="yes")
