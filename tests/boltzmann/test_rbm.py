"""RBM: conditionals, free energy, sampling and gradient estimators vs exact oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from spinnet.boltzmann.rbm import (
    RBM,
    cd_gradient,
    exact_log_likelihood,
    exact_log_z,
    exact_loglik_gradient,
    pcd_gradient,
    pl_gradient,
    pseudo_log_likelihood,
    ratio_matching_objective,
    rm_gradient,
)

KEYS = ("W", "b", "c")


def make_rbm(n_visible, n_hidden, visible="bernoulli", seed=0, scale=0.5):
    """An RBM with random weights *and* biases (numpy-drawn, so tests control them)."""
    g = np.random.default_rng(seed)
    rbm = RBM(n_visible, n_hidden, visible, rng=seed)
    rbm.W = torch.as_tensor(g.normal(0.0, scale, (n_visible, n_hidden)))
    rbm.b = torch.as_tensor(g.normal(0.0, scale, n_visible))
    rbm.c = torch.as_tensor(g.normal(0.0, scale, n_hidden))
    return rbm


def states(n, visible="bernoulli"):
    s = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    return 2.0 * s - 1.0 if visible == "ising" else s


def np_params(rbm):
    return {k: p.numpy().copy() for k, p in rbm.params.items()}


def np_energy(v, h, p, visible):
    e = -np.einsum("...i,ij,...j->...", v, p["W"], h) - h @ p["c"]
    if visible == "gaussian":
        return e + 0.5 * ((v - p["b"]) ** 2).sum(-1)
    return e - v @ p["b"]


def np_free_energy(v, p, visible):
    """F(v) written independently of the library (explicit sum over h)."""
    hs = states(p["c"].size)
    e = np_energy(v[..., None, :], hs, p, visible)  # (..., 2**n_hidden)
    m = (-e).max(-1, keepdims=True)
    return -(m[..., 0] + np.log(np.exp(-e - m).sum(-1)))


def np_flip(v, visible):
    return 1.0 - v if visible == "bernoulli" else -v


def np_flip_gaps(v, p, visible):
    n = v.shape[1]
    out = np.empty(v.shape)
    f = np_free_energy(v, p, visible)
    for i in range(n):
        w = v.copy()
        w[:, i] = np_flip(w[:, i], visible)
        out[:, i] = np_free_energy(w, p, visible) - f
    return out


def np_pll(v, p, visible):
    return -np.logaddexp(0.0, -np_flip_gaps(v, p, visible)).sum(1).mean()


def np_rm(v, p, visible):
    return ((1.0 / (1.0 + np.exp(np_flip_gaps(v, p, visible)))) ** 2).sum(1).mean()


def np_loglik(v, p, visible):
    allv = states(p["b"].size, visible)
    f_all = -np_free_energy(allv, p, visible)
    log_z = f_all.max() + np.log(np.exp(f_all - f_all.max()).sum())
    return -np_free_energy(v, p, visible).mean() - log_z


def finite_difference(fun, p, eps=1e-5):
    grads = {}
    for key in KEYS:
        g = np.zeros_like(p[key])
        for idx in np.ndindex(p[key].shape):
            up = {k: a.copy() for k, a in p.items()}
            down = {k: a.copy() for k, a in p.items()}
            up[key][idx] += eps
            down[key][idx] -= eps
            g[idx] = (fun(up) - fun(down)) / (2 * eps)
        grads[key] = g
    return grads


# ------------------------------------------------------------------ exact checks
@pytest.mark.parametrize("visible", ["bernoulli", "ising"])
def test_conditionals_match_joint_enumeration(visible):
    rbm = make_rbm(4, 3, visible, seed=1, scale=0.8)
    p = np_params(rbm)
    vs, hs = states(4, visible), states(3)
    joint = np.exp(-np_energy(vs[:, None, :], hs[None, :, :], p, visible))  # (16, 8)
    p_h = (joint @ hs) / joint.sum(1, keepdims=True)
    np.testing.assert_allclose(rbm.p_h_given_v(vs).numpy(), p_h, rtol=1e-12)
    on = (vs == 1.0).astype(float)
    p_v = (joint.T @ on) / joint.sum(0)[:, None]
    np.testing.assert_allclose(rbm.p_v_given_h(hs).numpy(), p_v, rtol=1e-12)
    mean = (joint.T @ vs) / joint.sum(0)[:, None]
    np.testing.assert_allclose(rbm.mean_v(hs).numpy(), mean, rtol=1e-12, atol=1e-14)
    # energy: the library's formula against the independent one
    vv, hh = np.repeat(vs, 8, 0), np.tile(hs, (16, 1))
    np.testing.assert_allclose(rbm.energy(vv, hh).numpy(), np_energy(vv, hh, p, visible),
                               rtol=1e-12)


def test_gaussian_conditionals():
    rbm = make_rbm(4, 3, "gaussian", seed=2)
    p = np_params(rbm)
    v = np.random.default_rng(0).normal(size=(5, 4))
    hs = states(3)
    w = np.exp(-np_energy(v[:, None, :], hs[None], p, "gaussian"))
    np.testing.assert_allclose(rbm.p_h_given_v(v).numpy(), w @ hs / w.sum(1, keepdims=True),
                               rtol=1e-12)
    np.testing.assert_allclose(rbm.mean_v(hs).numpy(), hs @ p["W"].T + p["b"], rtol=1e-12)
    with pytest.raises(ValueError, match="mean_v"):
        rbm.p_v_given_h(hs)


@pytest.mark.parametrize("visible", ["bernoulli", "ising", "gaussian"])
def test_free_energy_is_sum_over_hidden(visible):
    rbm = make_rbm(4, 3, visible, seed=3, scale=1.0)
    v = (states(4, visible) if visible != "gaussian"
         else np.random.default_rng(1).normal(size=(7, 4)))
    np.testing.assert_allclose(rbm.free_energy(v).numpy(),
                               np_free_energy(v, np_params(rbm), visible), rtol=1e-12)
    assert rbm.free_energy(v[0]).shape == ()


@pytest.mark.parametrize("visible", ["bernoulli", "ising"])
def test_exact_log_z_both_enumerations_agree(visible):
    wide = make_rbm(4, 6, visible, seed=4, scale=1.0)  # enumerates visibles
    tall = RBM(6, 4, visible)  # transposed machine enumerates hiddens
    p = np_params(wide)
    allv, allh = states(4, visible), states(6)
    brute = np.log(np.exp(-np_energy(allv[:, None], allh[None], p, visible)).sum())
    assert float(exact_log_z(wide)) == pytest.approx(brute, rel=1e-12)
    if visible == "bernoulli":  # the joint is symmetric in the two {0,1} layers
        tall.W, tall.b, tall.c = wide.W.T.clone(), wide.c.clone(), wide.b.clone()
        assert float(exact_log_z(tall)) == pytest.approx(brute, rel=1e-12)
    big = make_rbm(6, 3, visible, seed=5)  # now hidden enumeration, check vs visible sum
    assert float(exact_log_z(big)) == pytest.approx(
        np.log(np.exp(-np_free_energy(states(6, visible), np_params(big), visible)).sum()),
        rel=1e-12)


def test_exact_log_z_gaussian_quadrature():
    rbm = make_rbm(1, 2, "gaussian", seed=6, scale=0.7)
    p = np_params(rbm)
    z, _ = integrate.quad(lambda x: np.exp(-np_free_energy(np.array([[x]]), p, "gaussian")[0]),
                          -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12)
    assert float(exact_log_z(rbm)) == pytest.approx(np.log(z), rel=1e-9)


def test_exact_enumeration_limit():
    with pytest.raises(ValueError, match="n_hidden <= 20"):
        exact_log_z(RBM(3, 21, "gaussian"))


# ------------------------------------------------------------------ sampling
@pytest.mark.parametrize("visible", ["bernoulli", "ising"])
def test_gibbs_matches_exact_marginal(visible):
    # ±1 units see fields twice as large, so the Ising machine gets smaller weights
    # to keep every expected count above 5 (chi-square validity).
    rbm = make_rbm(5, 3, visible, seed=7, scale=0.8 if visible == "bernoulli" else 0.4)
    n_chains = 20000
    start = np.zeros((n_chains, 5)) if visible == "bernoulli" else -np.ones((n_chains, 5))
    # Only the final state of each chain is used, so the samples are independent.
    v = rbm.gibbs(start, k=30, rng=11).numpy()
    allv = states(5, visible)
    codes = ((v > 0).astype(int) * (2 ** np.arange(4, -1, -1))).sum(1)
    observed = np.bincount(codes, minlength=32)
    logp = -np_free_energy(allv, np_params(rbm), visible)
    prob = np.exp(logp - logp.max())
    prob /= prob.sum()
    assert (n_chains * prob).min() > 5
    chi2 = ((observed - n_chains * prob) ** 2 / (n_chains * prob)).sum()
    assert stats.chi2.sf(chi2, df=31) > 0.01


def test_inpaint_samples_exact_conditional():
    rbm = make_rbm(5, 3, "bernoulli", seed=8, scale=1.0)
    v_obs = np.array([1.0, np.nan, 0.0, np.nan, np.nan])
    mask = np.array([True, False, True, False, False])
    n = 20000
    out = rbm.inpaint(np.tile(v_obs, (n, 1)), np.tile(mask, (n, 1)), n_steps=30,
                      rng=3).numpy()
    assert np.all(out[:, 0] == 1.0) and np.all(out[:, 2] == 0.0)
    free = states(3)
    full = np.tile([1.0, 0.0, 0.0, 0.0, 0.0], (8, 1))
    full[:, [1, 3, 4]] = free
    logp = -np_free_energy(full, np_params(rbm), "bernoulli")
    prob = np.exp(logp - logp.max())
    prob /= prob.sum()
    codes = (out[:, [1, 3, 4]] * [4, 2, 1]).sum(1).astype(int)
    observed = np.bincount(codes, minlength=8)
    chi2 = ((observed - n * prob) ** 2 / (n * prob)).sum()
    assert stats.chi2.sf(chi2, df=7) > 0.01
    single = rbm.inpaint(v_obs, mask, n_steps=2, rng=0)
    assert single.shape == (5,)


def test_reconstruct_is_mean_field():
    rbm = make_rbm(4, 3, "ising", seed=9)
    v = states(4, "ising")
    np.testing.assert_allclose(rbm.reconstruct(v).numpy(),
                               rbm.mean_v(rbm.p_h_given_v(v)).numpy(), rtol=1e-14)


@pytest.mark.parametrize("visible", ["bernoulli", "ising", "gaussian"])
def test_same_seed_same_samples(visible):
    a, b = RBM(5, 3, visible, rng=4, init_std=0.5), RBM(5, 3, visible, rng=4, init_std=0.5)
    assert torch.equal(a.W, b.W)
    assert not torch.equal(a.W, RBM(5, 3, visible, rng=5, init_std=0.5).W)
    v = np.ones((6, 5))
    assert torch.equal(a.gibbs(v, 3, rng=1), b.gibbs(v, 3, rng=1))
    assert torch.equal(a.sample_h(v, 2), b.sample_h(v, 2))
    g1 = cd_gradient(a, v, 2, rng=7)
    g2 = cd_gradient(b, v, 2, rng=7)
    assert all(torch.equal(g1[k], g2[k]) for k in KEYS)
    assert not torch.equal(a.gibbs(v, 3, rng=1), a.gibbs(v, 3, rng=2))


def test_bad_input_errors():
    rbm = RBM(4, 3, "bernoulli")
    with pytest.raises(ValueError, match="v must contain only 0/1"):
        rbm.free_energy([0, 1, 0.5, 1])
    with pytest.raises(ValueError, match="v must contain only -1/\\+1"):
        RBM(4, 3, "ising").p_h_given_v([0, 1, -1, 1])
    with pytest.raises(ValueError, match="v must contain only finite"):
        RBM(4, 3, "gaussian").free_energy([0.0, np.nan, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"v must have shape \(4,\)"):
        rbm.free_energy(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="h must contain only 0/1"):
        rbm.sample_v([0, 2, 1])
    with pytest.raises(ValueError, match=r"h must have shape \(3,\)"):
        rbm.energy([0, 1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="chains must contain only 0/1"):
        pcd_gradient(rbm, np.zeros((2, 4)), np.full((3, 4), 0.5))
    with pytest.raises(ValueError, match="visible must be one of"):
        RBM(4, 3, "potts")
    with pytest.raises(ValueError, match="n_hidden must be >= 1"):
        RBM(4, 0)
    with pytest.raises(ValueError, match="k must be >= 1"):
        cd_gradient(rbm, np.zeros(4), k=0)
    with pytest.raises(ValueError, match="mask must have the shape"):
        rbm.inpaint(np.zeros(4), np.ones(3, bool))
    with pytest.raises(ValueError, match="observed"):
        rbm.inpaint([np.nan, 0, 0, 1], [True, False, False, False])
    with pytest.raises(ValueError, match="binary"):
        pl_gradient(RBM(4, 3, "gaussian"), np.zeros(4))
    with pytest.raises(TypeError, match="rbm must be an RBM"):
        exact_log_z("not an rbm")


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("visible", ["bernoulli", "ising"])
def test_pl_and_rm_gradients_match_finite_differences(visible):
    rbm = make_rbm(4, 3, visible, seed=10, scale=0.8)
    v = states(4, visible)[np.random.default_rng(2).integers(0, 16, 6)]
    p = np_params(rbm)
    assert float(pseudo_log_likelihood(rbm, v)) == pytest.approx(np_pll(v, p, visible),
                                                                 rel=1e-12)
    assert float(ratio_matching_objective(rbm, v)) == pytest.approx(np_rm(v, p, visible),
                                                                    rel=1e-12)
    fd_pl = finite_difference(lambda q: np_pll(v, q, visible), p)
    fd_rm = finite_difference(lambda q: -np_rm(v, q, visible), p)  # ascent direction
    g_pl, g_rm = pl_gradient(rbm, v), rm_gradient(rbm, v)
    for key in KEYS:
        np.testing.assert_allclose(g_pl[key].numpy(), fd_pl[key], atol=1e-6, rtol=0)
        np.testing.assert_allclose(g_rm[key].numpy(), fd_rm[key], atol=1e-6, rtol=0)


@pytest.mark.parametrize("visible", ["bernoulli", "ising"])
def test_exact_gradient_matches_finite_differences(visible):
    rbm = make_rbm(4, 3, visible, seed=12, scale=0.8)
    v = states(4, visible)[[0, 3, 5, 5, 9, 15]]
    p = np_params(rbm)
    assert float(exact_log_likelihood(rbm, v)) == pytest.approx(np_loglik(v, p, visible),
                                                                rel=1e-12)
    fd = finite_difference(lambda q: np_loglik(v, q, visible), p)
    g = exact_loglik_gradient(rbm, v)
    for key in KEYS:
        np.testing.assert_allclose(g[key].numpy(), fd[key], atol=1e-7, rtol=0)


def _data(visible, n, seed):
    g = np.random.default_rng(seed)
    if visible == "gaussian":
        return g.normal(0.5, 1.0, (n, 10))
    bits = (g.random((n, 10)) < 0.3).astype(float)
    return 2.0 * bits - 1.0 if visible == "ising" else bits


def _zscores(samples, exact):
    """Per-component (mean - exact)/(std/√n) over repeated gradient estimates."""
    out = []
    for key in KEYS:
        arr = np.stack([s[key].numpy() for s in samples])
        err = arr.std(0, ddof=1) / np.sqrt(len(samples))
        out.append(((arr.mean(0) - exact[key].numpy()) / err).ravel())
        # the test has power only if the noise is small next to the signal
        assert err.mean() < 0.2 * np.abs(exact[key].numpy()).mean()
    return np.concatenate(out)


# 76 components per test: a 3σ bound would fail one component by chance in ~19%
# of seeds even for an unbiased estimator, so the bound is 4σ (DESIGN: 3–4σ).
Z_BOUND = 4.0


@pytest.mark.parametrize("visible", ["bernoulli", "ising", "gaussian"])
def test_cd_with_long_chains_is_unbiased(visible):
    """CD-k → exact gradient as k → ∞; CD-1 is biased, so k = 50 is tested here."""
    rbm = make_rbm(10, 6, visible, seed=13, scale=0.3)
    v = _data(visible, 20, seed=14)
    exact = exact_loglik_gradient(rbm, v)
    gen = torch.Generator().manual_seed(15)
    replicated = np.tile(v, (25, 1))  # 25 chains per data vector per repeat
    samples = [cd_gradient(rbm, replicated, k=50, rng=gen) for _ in range(40)]
    z = _zscores(samples, exact)
    assert np.abs(z).max() < Z_BOUND, np.abs(z).max()


@pytest.mark.parametrize("visible", ["bernoulli", "ising", "gaussian"])
def test_pcd_with_equilibrated_chains_is_unbiased(visible):
    rbm = make_rbm(10, 6, visible, seed=16, scale=0.3)
    v = _data(visible, 20, seed=17)
    exact = exact_loglik_gradient(rbm, v)
    gen = torch.Generator().manual_seed(18)
    chains = rbm.gibbs(_data(visible, 500, seed=19), k=100, rng=gen)  # burn-in
    samples = []
    for _ in range(40):
        # 10 sweeps between estimates make successive estimates nearly independent
        grads, chains = pcd_gradient(rbm, v, chains, k=10, rng=gen)
        samples.append(grads)
    z = _zscores(samples, exact)
    assert np.abs(z).max() < Z_BOUND, np.abs(z).max()


def test_cd1_bias_is_detected_with_strong_couplings():
    """Power check for the unbiasedness tests: CD-1 is visibly biased (Carreira-Perpiñán
    & Hinton 2005) when the couplings are strong, and the same z-scores expose it."""
    rbm = make_rbm(10, 6, "bernoulli", seed=13, scale=1.5)
    v = _data("bernoulli", 20, seed=14)
    exact = exact_loglik_gradient(rbm, v)
    gen = torch.Generator().manual_seed(20)
    samples = [cd_gradient(rbm, np.tile(v, (25, 1)), k=1, rng=gen) for _ in range(40)]
    assert np.abs(_zscores(samples, exact)).max() > 10


def test_gaussian_inpaint_and_sampling_shapes():
    rbm = make_rbm(4, 3, "gaussian", seed=21)
    v = np.array([0.3, np.nan, -1.2, np.nan])
    mask = ~np.isnan(v)
    out = rbm.inpaint(v, mask, n_steps=5, rng=1)
    assert out.shape == (4,) and torch.isfinite(out).all()
    assert out[0] == 0.3 and out[2] == -1.2
    assert rbm.sample_v(np.ones(3), rng=0).shape == (4,)
    h = rbm.sample_h(np.zeros((2, 4)), rng=0)
    assert h.shape == (2, 3) and set(h.unique().tolist()) <= {0.0, 1.0}
