"""Hopfield layers: shapes, equivalence with attention, gradcheck, diagnostics, errors."""

import pytest
import torch
import torch.nn.functional as F

from spinnet.nn import Hopfield, HopfieldConfig, HopfieldLayer, HopfieldPooling

torch.set_num_threads(1)


def test_config_defaults_and_validation():
    cfg = HopfieldConfig(input_size=12, num_heads=3)
    assert (cfg.stored, cfg.hidden, cfg.value, cfg.output) == (12, 4, 4, 12)
    assert cfg.scale == pytest.approx(0.5)
    with pytest.raises(ValueError, match="beta"):
        HopfieldConfig(input_size=4, beta=0.0)
    with pytest.raises(ValueError, match="beta"):
        HopfieldConfig(input_size=4, beta=-2.0)
    with pytest.raises(TypeError, match="input_size"):
        HopfieldConfig(input_size=4.0)
    with pytest.raises(ValueError, match="n_steps"):
        HopfieldConfig(input_size=4, n_steps=0)
    with pytest.raises(ValueError, match="num_heads"):
        HopfieldConfig(input_size=2, num_heads=3)
    with pytest.raises(TypeError, match="config"):
        Hopfield({"input_size": 4})


def test_single_head_layer_is_projected_sdpa():
    torch.manual_seed(0)
    layer = Hopfield(input_size=6, stored_size=5, hidden_size=4, value_size=3, output_size=2,
                     beta=0.9)
    q, y = torch.randn(3, 4, 6), torch.randn(3, 7, 5)
    want = layer.out_proj(F.scaled_dot_product_attention(
        layer.q_proj(q), layer.k_proj(y), layer.v_proj(y), scale=0.9))
    got = layer(q, y)
    assert got.shape == (3, 4, 2)
    assert (got - want).abs().max() <= 1e-6
    # the diagnostic (hand-written) path gives the same output
    diag = layer(q, y, return_energy=True, return_trajectory=True, return_attention=True)
    assert (diag.output - want).abs().max() <= 1e-6
    assert diag.energy.shape == (3, 1, 4, 2)
    assert diag.trajectory.shape == (2, 3, 1, 4, 4)
    assert diag.attention.shape == (3, 1, 4, 7)
    assert torch.allclose(diag.attention.sum(-1), torch.ones(3, 1, 4))


def test_multi_step_energy_trajectory_decreases():
    torch.manual_seed(1)
    layer = Hopfield(input_size=8, num_heads=2, n_steps=5, beta=2.0, dtype=torch.float64)
    x = torch.randn(2, 6, 8, dtype=torch.float64)
    res = layer(x, return_energy=True, return_trajectory=True)
    assert res.energy.shape == (2, 2, 6, 6)
    assert bool((res.energy.diff(dim=-1) <= 1e-12 * (1 + res.energy.abs())[..., 1:]).all())


def test_gradcheck_float64_all_layers():
    torch.manual_seed(2)
    kw = dict(dtype=torch.float64)
    hop = Hopfield(input_size=4, stored_size=3, num_heads=2, hidden_size=2, n_steps=2, **kw)
    q = torch.randn(2, 3, 4, **kw, requires_grad=True)
    y = torch.randn(2, 5, 3, **kw, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: hop(a, b), (q, y))
    # through the energy diagnostics as well
    assert torch.autograd.gradcheck(lambda a, b: hop(a, b, return_energy=True).energy, (q, y))
    pool = HopfieldPooling(input_size=3, stored_size=4, n_queries=2, **kw)
    s = torch.randn(2, 5, 4, **kw, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: pool(a), (s,))
    lay = HopfieldLayer(input_size=4, n_patterns=6, n_steps=3, **kw)
    assert torch.autograd.gradcheck(lambda a: lay(a), (q,))
    # parameters get gradients
    lay(q).sum().backward()
    assert lay.patterns.grad is not None and torch.isfinite(lay.patterns.grad).all()


def test_pooling_and_lookup_shapes_and_unbatched():
    torch.manual_seed(3)
    pool = HopfieldPooling(input_size=8, n_queries=3)
    assert pool(torch.randn(4, 10, 8)).shape == (4, 3, 8)
    assert pool(torch.randn(10, 8)).shape == (3, 8)
    lay = HopfieldLayer(input_size=8, n_patterns=5, output_size=2)
    assert lay(torch.randn(4, 7, 8)).shape == (4, 7, 2)
    assert lay(torch.randn(7, 8)).shape == (7, 2)
    res = lay(torch.randn(7, 8), return_attention=True)
    assert res.attention.shape == (1, 1, 7, 5)


def test_mask_blocks_patterns():
    torch.manual_seed(4)
    layer = Hopfield(input_size=4)
    q, y = torch.randn(1, 2, 4), torch.randn(1, 3, 4)
    mask = torch.tensor([[True, False, False], [True, True, False]])
    with torch.no_grad():
        res = layer(q, y, mask=mask, return_attention=True)
    assert float(res.attention[0, 0, 0, 1:].abs().max()) == 0.0
    assert float(res.attention[0, 0, 1, 2]) == 0.0
    with pytest.raises(TypeError, match="mask"):
        layer(q, y, mask=mask.float())


def test_layer_bad_input():
    layer = Hopfield(input_size=4)
    with pytest.raises(ValueError, match="features"):
        layer(torch.randn(2, 3, 5))
    with pytest.raises(ValueError, match="empty memory"):
        layer(torch.randn(2, 3, 4), torch.randn(2, 0, 4))
    with pytest.raises(ValueError, match="one row per stored"):
        layer(torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 4, 4))
    with pytest.raises(ValueError, match="shape"):
        layer(torch.randn(4))
