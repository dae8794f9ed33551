"""Functional core: attention identity, energy (CCCP descent, bounds, stability), errors."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.nn.functional import hopfield_energy, hopfield_retrieval, hopfield_update

torch.set_num_threads(1)


def _reference_update(state, patterns, beta):
    """Plain NumPy float64 ξ_new = Xᵀ softmax(β X ξ), row by row."""
    s = np.asarray(state, float)
    x = np.asarray(patterns, float)
    out = np.empty((s.shape[0], x.shape[1]))
    for b in range(s.shape[0]):
        a = beta * x @ s[b]
        w = np.exp(a - a.max())
        out[b] = x.T @ (w / w.sum())
    return out


@pytest.mark.parametrize("seed", range(8))
def test_update_is_sdpa_random_shapes_float32(seed):
    g = torch.Generator().manual_seed(seed)
    b, h, L, S, d = (int(v) for v in torch.randint(1, 9, (5,), generator=g))
    beta = float(torch.rand((), generator=g)) * 2 + 0.05
    q = torch.randn(b, h, L, d, generator=g)
    k = torch.randn(b, h, S, d, generator=g)
    sdpa = F.scaled_dot_product_attention(q, k, k, scale=beta)
    # the hand-written path (trajectory requested) and the fused path agree with SDPA
    manual = hopfield_retrieval(q, k, beta=beta, return_attention=True).output
    fused = hopfield_update(q, k, beta)
    assert (manual - sdpa).abs().max() <= 1e-6
    assert (fused - sdpa).abs().max() <= 1e-6
    ref = _reference_update(q.reshape(-1, d).double().numpy()[:L], k[0, 0].double().numpy(), beta)
    assert np.abs(manual[0, 0].double().numpy() - ref).max() <= 1e-5


def test_values_and_mask_follow_sdpa():
    g = torch.Generator().manual_seed(3)
    q, k, v = torch.randn(2, 5, 4, generator=g), torch.randn(2, 7, 4, generator=g), \
        torch.randn(2, 7, 3, generator=g)
    mask = torch.rand(2, 5, 7, generator=g) > 0.3
    mask[..., 0] = True
    want = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.7)
    got = hopfield_retrieval(q, k, v, beta=0.7, mask=mask, return_attention=True).output
    assert (got - want).abs().max() <= 1e-6


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), beta=st.floats(0.01, 50.0),
       m=st.integers(1, 12), d=st.integers(1, 10))
def test_energy_never_increases_along_updates(seed, beta, m, d):
    """Ramsauer et al. Theorem 1: the update is CCCP, so E(ξ_{t+1}) <= E(ξ_t)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(m, d, generator=g, dtype=torch.float64) * 2
    s = torch.randn(3, d, generator=g, dtype=torch.float64) * 3
    res = hopfield_retrieval(s, x, beta=beta, n_steps=6, return_energy=True,
                             return_trajectory=True)
    e = res.energy
    scale = 1.0 + e.abs().max()
    assert bool((e.diff(dim=-1) <= 1e-12 * scale).all()), e
    # Lemma A1: with the constant, E >= 0 (E >= ½(|ξ| - K)² in fact)
    k = x.norm(dim=1).max()
    lower = 0.5 * (res.trajectory.norm(dim=-1) - k) ** 2
    assert bool((e >= lower.transpose(0, 1) - 1e-9 * scale).all())


def test_energy_stable_at_huge_beta():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    s = torch.tensor([[3.0, 1.0]], dtype=torch.float64)
    for beta in (1e3, 1e8, 1e15):
        e = hopfield_energy(s, x, beta, constant=False)
        assert torch.isfinite(e).all()
        # β → ∞: E → -max_μ x_μ·ξ + ½|ξ|²  (= -3 + 5)
        assert abs(float(e[0]) - 2.0) <= 1e-12 + 1.0 / beta
    e_small = hopfield_energy(s, x, 1e-12, constant=False)
    assert torch.isfinite(e_small).all()


def test_energy_closed_form_small_case():
    x = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0]], dtype=torch.float64)
    s = torch.tensor([[0.3, -0.2]], dtype=torch.float64)
    beta = 0.8
    a = beta * (x @ s[0])
    want = -math.log(float(torch.exp(a).sum())) / beta + 0.5 * float(s @ s.T) \
        + math.log(3) / beta + 0.5 * float((x * x).sum(1).max())
    assert abs(float(hopfield_energy(s, x, beta)[0]) - want) < 1e-12


def test_output_with_values_equal_keys_is_next_state():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(4, 3, generator=g), torch.randn(6, 3, generator=g)
    res = hopfield_retrieval(q, k, beta=1.3, n_steps=3, return_trajectory=True)
    assert res.trajectory.shape == (4, 4, 3)
    assert torch.allclose(res.output, res.trajectory[-1], atol=1e-6)


@pytest.mark.parametrize("beta", [0.0, -1.0, math.nan, math.inf])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        hopfield_update(torch.zeros(1, 2), torch.ones(3, 2), beta)


def test_bad_shapes_and_empty_memory():
    with pytest.raises(ValueError, match="same pattern dimension"):
        hopfield_update(torch.zeros(1, 2), torch.ones(3, 4), 1.0)
    with pytest.raises(ValueError, match="empty memory"):
        hopfield_energy(torch.zeros(1, 2), torch.ones(0, 2), 1.0)
    with pytest.raises(TypeError, match="beta"):
        hopfield_update(torch.zeros(1, 2), torch.ones(3, 2), "1")
    with pytest.raises(ValueError, match="n_steps"):
        hopfield_retrieval(torch.zeros(1, 2), torch.ones(3, 2), beta=1.0, n_steps=0)
    with pytest.raises(TypeError, match="floating"):
        hopfield_update(torch.zeros(1, 2, dtype=torch.long), torch.ones(3, 2), 1.0)
