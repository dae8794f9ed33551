"""Continuous modern Hopfield network: update = attention, fixed points, Ramsauer theorems."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from spinnet.hopfield.modern import (
    ModernHopfieldNetwork,
    classify_fixed_point,
    modern_energy,
    modern_iterate,
    modern_update,
    one_step_error_bound,
    retrieval_beta,
    separation,
    separation_threshold,
)
from spinnet.spins import flip, random_patterns

torch.set_num_threads(1)


def test_update_equals_sdpa_float32():
    g = torch.Generator().manual_seed(0)
    for _ in range(5):
        m, d, b = (int(v) for v in torch.randint(1, 20, (3,), generator=g))
        x = torch.randn(m, d, generator=g)
        s = torch.randn(b, d, generator=g)
        beta = float(torch.rand((), generator=g)) + 0.1
        want = F.scaled_dot_product_attention(s[None], x[None], x[None], scale=beta)[0]
        assert (modern_update(s, x, beta) - want).abs().max() <= 1e-6


def test_iterate_energy_monotone_and_converges():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 16))
    s = rng.normal(size=(5, 16)) * 2
    tr = modern_iterate(s, x, 0.7, tol=1e-10, max_steps=500, return_states=True)
    assert bool(tr.converged.all())
    assert bool((tr.energies.diff(dim=0) <= 1e-12).all())
    assert tr.states.shape == (tr.n_steps + 1, 5, 16)
    # the final state is a fixed point
    assert torch.allclose(modern_update(tr.state, x, 0.7), tr.state, atol=1e-9)
    e = modern_energy(tr.state, x, 0.7)
    assert torch.allclose(e, tr.energies[-1])
    single = modern_iterate(s[0], x, 0.7)
    assert single.state.shape == (16,) and single.energies.ndim == 1


def test_fixed_point_kinds():
    rng = np.random.default_rng(1)
    d = 64
    x = rng.choice([-1.0, 1.0], size=(20, d))
    # two near-identical patterns (a cluster) among random ones
    x[1] = x[0]
    x[1, :2] *= -1
    # small beta: every pattern shares the weight -> global average
    fp = classify_fixed_point(modern_iterate(x[5], x, 1e-4).state, x, 1e-4)
    assert fp.kind == "global" and fp.subset_size > 10
    # large beta: one well separated pattern
    fp = classify_fixed_point(modern_iterate(x[5], x, 1.0).state, x, 1.0)
    assert fp.kind == "single" and fp.pattern == 5
    # moderate beta started at the cluster: a metastable average of the two
    beta = 0.3  # β Δ_cluster = 0.3 * 4 ≈ 1.2: both weights O(1); others suppressed
    fp = classify_fixed_point(modern_iterate(x[0], x, beta).state, x, beta)
    assert fp.kind == "metastable" and fp.subset_size == 2
    assert set(np.argsort(fp.weights.numpy())[-2:]) == {0, 1}
    batch = classify_fixed_point(x[:3], x, 1.0)
    assert isinstance(batch.kind, list) and len(batch.kind) == 3


def test_separation_definition():
    x = np.array([[2.0, 0.0], [1.0, 1.0], [0.0, -1.0]])
    g = x @ x.T
    want = [g[i, i] - max(g[i, j] for j in range(3) if j != i) for i in range(3)]
    assert np.allclose(separation(x), want)


def test_theorem3_retrieval_at_guaranteed_beta():
    """At β from Theorem 3 the iteration from x_i ends within 1/(βMK) of x_i."""
    x = random_patterns(40, 128, rng=3).astype(float)
    m, k = x.shape[0], float(np.linalg.norm(x, axis=1).max())
    betas = retrieval_beta(x)
    delta = separation(x)
    for i in range(5):
        beta = float(betas[i])
        assert delta[i] >= separation_threshold(beta, m, k) - 1e-9
        fixed = modern_iterate(x[i], x, beta, tol=1e-12).state.numpy()
        assert np.linalg.norm(fixed - x[i]) <= 1.0 / (beta * m * k)
    assert retrieval_beta(x, index=2) == pytest.approx(betas[2])
    # a pattern duplicated has Δ = 0: no β separates it
    dup = np.vstack([x[:3], x[:1]])
    assert math.isinf(retrieval_beta(dup, index=0))


def test_theorem4_one_step_error_bound_holds():
    x = random_patterns(40, 128, rng=4).astype(float)
    i = 0
    beta = 2.0 * float(retrieval_beta(x, index=i))
    m, k = x.shape[0], float(np.linalg.norm(x, axis=1).max())
    radius = 1.0 / (beta * m * k)
    rng = np.random.default_rng(5)
    for _ in range(5):
        v = rng.normal(size=128)
        probe = x[i] + 0.9 * radius * v / np.linalg.norm(v)
        err = float(np.linalg.norm(modern_update(probe, x, beta).numpy() - x[i]))
        assert err <= one_step_error_bound(probe, x, beta, i)


def test_network_estimator_api():
    xi = random_patterns(200, 100, rng=0)
    net = ModernHopfieldNetwork(beta=0.2).fit(xi)
    probes = flip(xi[:20], 0.2, rng=1)
    out = net.recall(probes)
    assert out.shape == (20, 100)
    assert (net.overlaps(out).diagonal() > 0.999).all()
    one, trace = net.recall(probes, n_steps=1, return_trace=True)
    assert trace.n_steps == 1
    assert (np.sign(one) == xi[:20]).all()
    e = net.energy(probes)
    assert e.shape == (20,) and (e >= 0).all()
    assert net.classify(out).kind.count("single") == 20
    assert "M=200" in repr(net)


@pytest.mark.parametrize("beta", [0.0, -0.5, float("nan")])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        ModernHopfieldNetwork(beta=beta)
    with pytest.raises(ValueError, match="beta"):
        modern_update(np.ones(3), np.ones((2, 3)), beta)


def test_bad_input():
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match="pattern dimension"):
        modern_update(np.ones(5), x, 1.0)
    with pytest.raises(ValueError, match="finite"):
        modern_energy(np.ones(3), np.array([[1.0, np.nan, 0.0]]), 1.0)
    with pytest.raises(ValueError, match="empty"):
        modern_iterate(np.ones(3), np.ones((0, 3)), 1.0)
    with pytest.raises(ValueError, match="finite"):
        modern_update(np.array([np.inf, 0, 0]), x, 1.0)
    with pytest.raises(ValueError, match="at least 2"):
        separation(np.ones((1, 3)))
    with pytest.raises(RuntimeError, match="fit"):
        ModernHopfieldNetwork().recall(np.ones(3))
    with pytest.raises(TypeError, match="patterns"):
        ModernHopfieldNetwork().fit(None)
    with pytest.raises(ValueError, match="epsilon"):
        classify_fixed_point(np.ones(3), x, 1.0, epsilon=1.5)


def test_one_step_error_vs_beta():
    """Small β: the update returns (nearly) the average of all patterns, sign errors ~ 1/2;
    β·(own overlap − largest wrong overlap) ≫ ln M: exact one-step retrieval."""
    from spinnet.experiments.dense import modern_one_step_error

    rows = modern_one_step_error(100, [0.5], [0.001, 0.2], noise=0.2, n_probes=50, rng=0)
    small, large = rows
    assert small["bit_error"] > 0.3 and small["single_fraction"] == 0.0
    assert large["bit_error"] == 0.0 and large["single_fraction"] == 1.0
