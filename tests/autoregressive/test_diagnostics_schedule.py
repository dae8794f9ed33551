"""NIS reliability diagnostics, the cosine learning-rate schedule of VAN.fit, and the
PixelCNN helical padding / strided activation cache."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch.nn import functional as F  # noqa: E402

from spinnet.autoregressive import MADE, VAN, PixelCNN  # noqa: E402
from spinnet.autoregressive.diagnostics import (  # noqa: E402
    log_mean_weight_batch_error,
    pareto_k_hat,
)
from spinnet.models.lattice import SquareIsing  # noqa: E402
from spinnet.theory.enumeration import enumerate_states  # noqa: E402


# -- diagnostics -------------------------------------------------------------------------
@pytest.mark.parametrize("xi", [0.2, 0.7, 1.0])
def test_pareto_k_hat_recovers_the_tail_shape_of_generalised_pareto_weights(xi):
    # w = 1 + GPD(ξ, σ=1) by inversion; n = 10^5 puts M = 948 weights in the tail fit,
    # standard error of k̂ ≈ (1 + ξ)/√M ≤ 0.065, tolerance 0.2 (> 3σ)
    u = np.random.default_rng(1).random(100_000)
    w = 1.0 + (u ** (-xi) - 1.0) / xi
    assert abs(pareto_k_hat(np.log(w) + 7.0) - xi) < 0.2


def test_pareto_k_hat_of_light_tailed_weights_is_small():
    lw = 0.3 * np.random.default_rng(2).normal(size=50_000)
    assert pareto_k_hat(lw) < 0.3
    assert math.isnan(pareto_k_hat(np.zeros(100)))           # q exact: all weights tie


def test_batch_error_agrees_with_the_clt_error_for_finite_variance_weights():
    lw = 0.5 * np.random.default_rng(3).normal(size=200_000)
    w = np.exp(lw)
    clt = w.std(ddof=1) / (math.sqrt(w.size) * w.mean())
    batch = log_mean_weight_batch_error(lw, 20)
    # the batch estimate of a standard deviation from 20 batches scatters by ~1/√38 = 16 %
    assert 0.5 < batch / clt < 1.5


def test_diagnostics_validate_their_input():
    with pytest.raises(ValueError, match="log_weights"):
        pareto_k_hat(np.zeros(10))
    with pytest.raises(ValueError, match="finite"):
        pareto_k_hat(np.r_[np.zeros(40), np.inf])
    with pytest.raises(ValueError, match="n_batches"):
        log_mean_weight_batch_error(np.zeros(100), 1)
    with pytest.raises(ValueError, match="log_weights"):
        log_mean_weight_batch_error(np.zeros((10, 10)), 5)


def test_importance_sampling_reports_the_diagnostics():
    model = SquareIsing(3)
    van = VAN(model, MADE(9, depth=2, width=2, dtype="float64"))
    # an untrained (near-uniform) q: at T = 20 it is close to p (light tail, the two
    # errors agree); at T = 2 the 2 ground states carry weights e^{18/2}/q, rare under q:
    # a heavy tail, which k̂ flags (ESS ~ 20 of 4000)
    hot = van.importance_sampling(4000, temperature=20.0, rng=1)
    cold = van.importance_sampling(4000, temperature=2.0, rng=1)
    assert hot.pareto_k < 0.5 < cold.pareto_k
    assert 0.6 < hot.log_z_err_batch / hot.log_z_err < 1.6
    assert cold.ess < 0.05 * cold.n_samples
    # old positional fields unchanged
    assert hot[:10] == tuple(getattr(hot, f) for f in hot._fields[:10])


# -- cosine learning-rate schedule --------------------------------------------------------
def _van(seed=0):
    torch.manual_seed(seed)
    return VAN(SquareIsing(3), MADE(9, depth=2, width=3, dtype="float64"), clip_grad=1.0)


def _params(van):
    return torch.cat([p.detach().reshape(-1) for p in van.net.parameters()])


def test_cosine_schedule_follows_the_formula():
    van = _van()
    van.fit(2.0, n_steps=7, batch_size=16, learning_rate=0.01, rng=1, lr_schedule="cosine",
            lr_horizon=10, lr_final=0.001)
    expected = 0.001 + 0.009 * 0.5 * (1 + math.cos(math.pi * 6 / 10))
    assert van._optimizer.param_groups[0]["lr"] == pytest.approx(expected, rel=1e-12)
    van.fit(2.0, n_steps=12, batch_size=16, learning_rate=0.01, rng=1, lr_schedule="cosine",
            lr_horizon=10, lr_final=0.001)                      # past the horizon: lr_final
    assert van._optimizer.param_groups[0]["lr"] == pytest.approx(0.001, rel=1e-12)


def test_cosine_schedule_in_chunks_and_resumed_equals_one_run(tmp_path):
    kw = dict(batch_size=16, learning_rate=0.01, rng=4, lr_schedule="cosine", lr_horizon=12)
    one = _van().fit(2.0, n_steps=12, **kw)
    chunks = _van().fit(2.0, n_steps=5, **kw).fit(2.0, n_steps=12, **kw)
    assert torch.equal(_params(one), _params(chunks))
    ck = tmp_path / "ck"
    _van().fit(2.0, n_steps=6, checkpoint=ck, checkpoint_every=3, **kw)
    resumed = _van(seed=99).fit(2.0, n_steps=12, checkpoint=ck, **kw)
    assert torch.equal(_params(one), _params(resumed))
    # and the schedule changes the result (it is not a no-op)
    const = _van().fit(2.0, n_steps=12, batch_size=16, learning_rate=0.01, rng=4)
    assert not torch.equal(_params(one), _params(const))


def test_constant_schedule_keeps_the_old_run_identity():
    van = _van().fit(2.0, n_steps=2, batch_size=8, rng=0)
    assert "lr_schedule" not in van._fit_config


def test_schedule_options_are_validated():
    van = _van()
    with pytest.raises(ValueError, match="lr_schedule"):
        van.fit(2.0, n_steps=1, batch_size=4, lr_schedule="step")
    with pytest.raises(ValueError, match="lr_horizon"):
        van.fit(2.0, n_steps=1, batch_size=4, lr_horizon=5)
    with pytest.raises(ValueError, match="lr_final"):
        van.fit(2.0, n_steps=1, batch_size=4, learning_rate=1e-3, lr_schedule="cosine",
                lr_final=1e-2)
    with pytest.raises(ValueError, match="lr_horizon"):
        van.fit(2.0, n_steps=1, batch_size=4, lr_schedule="cosine", lr_horizon=0)


# -- PixelCNN padding and cache -------------------------------------------------------------
def _unfold_pad(h, L, K):
    B, C = h.shape[:2]
    flat = F.pad(h.reshape(B, C, L * L), (K * L + K, K))
    return flat.unfold(2, L + 2 * K, L)


@pytest.mark.parametrize("L,K", [(4, 1), (4, 2), (4, 3), (5, 3)])
def test_helical_padding_equals_the_raster_sequence_reference(L, K):
    net = PixelCNN(L, depth=2, width=2, half_kernel=K, dtype="float64")
    h = torch.randn(3, 2, L, L, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.equal(net._pad(h), _unfold_pad(h, L, K))


def test_helical_padding_refuses_a_kernel_that_reaches_later_sites():
    # with K >= L the row above would reach the current site along the raster sequence
    for K in (4, 6):
        with pytest.raises(ValueError, match="half_kernel"):
            PixelCNN(4, half_kernel=K)


def test_zero_padded_pixelcnn_with_kernel_wider_than_the_lattice_is_exact():
    net = PixelCNN(4, depth=3, width=3, half_kernel=5, residual=True, z2=True,
                   padding="zeros", dtype="float64")
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.5 * torch.randn(p.shape, generator=g, dtype=p.dtype))
        lp = net.log_prob(enumerate_states(16))
    assert abs(float(torch.logsumexp(lp, 0).exp()) - 1.0) < 1e-10
    x1, l1 = net.sample(32, rng=2, cache=True)
    x2, l2 = net.sample(32, rng=2, cache=False)
    assert torch.equal(x1, x2) and torch.allclose(l1, l2, atol=1e-12)


# -- the 16x16 benchmark protocol (slow: ~30 s of CPU) ---------------------------------------
@pytest.mark.slow
def test_van_ising16_benchmark_smoke(tmp_path):
    import importlib.util
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "van_ising16.py"
    spec = importlib.util.spec_from_file_location("van_ising16", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "a"
    assert mod.main(["--T", "2.6", "--cpu-budget", "5", "--nis", "500", "--out", str(out)]) == 0
    row = json.loads((out / "result.json").read_text())
    # the variational bound holds within its error, whatever the (tiny) training did
    assert row["F_q"] >= row["F_exact"] - 4 * row["F_q_err"]
    assert row["steps"] >= 50 and np.isfinite(row["F_nis"]) and row["n_nis"] == 500
    assert (out / "nis.npz").exists() and (out / "van").exists()
