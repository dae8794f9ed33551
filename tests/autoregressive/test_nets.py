"""MADE and PixelCNN: exact normalisation, autoregressive structure, exact sampling."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from scipy import stats  # noqa: E402

from spinnet.autoregressive import MADE, PixelCNN  # noqa: E402
from spinnet.theory.enumeration import enumerate_states, state_index  # noqa: E402

STATES16 = enumerate_states(16)


def _randomise(net, scale=0.5, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(scale * torch.randn(p.shape, generator=g, dtype=p.dtype))
    return net


NETS = {
    "made": lambda: MADE(16, depth=3, width=3, dtype="float64"),
    "made-res-z2-order": lambda: MADE(16, depth=4, width=2, residual=True, z2=True,
                                      order=np.random.default_rng(3).permutation(16),
                                      dtype="float64"),
    "pixelcnn": lambda: PixelCNN(4, depth=3, width=4, half_kernel=1, dtype="float64"),
    "pixelcnn-res-z2": lambda: PixelCNN(4, depth=3, width=3, half_kernel=2, residual=True,
                                        z2=True, dtype="float64"),
    "pixelcnn-zeros": lambda: PixelCNN(4, depth=3, width=3, half_kernel=1, padding="zeros",
                                       dtype="float64"),
    "made-depth1": lambda: MADE(16, depth=1, dtype="float64"),
    "pixelcnn-depth1-z2": lambda: PixelCNN(4, depth=1, half_kernel=2, z2=True,
                                           dtype="float64"),
}


@pytest.mark.parametrize("name", sorted(NETS))
def test_exact_normalisation_over_all_2_16_states(name):
    net = _randomise(NETS[name]())
    with torch.no_grad():
        lp = net.log_prob(STATES16)
    assert lp.dtype == torch.float64 and lp.shape == (2**16,)
    assert abs(float(torch.logsumexp(lp, 0).exp()) - 1.0) < 1e-5
    # and q is far from uniform, so the sum is not trivially one
    assert float(lp.max() - lp.min()) > 1.0


@pytest.mark.parametrize("name", ["made", "made-res-z2-order", "pixelcnn", "pixelcnn-res-z2",
                                  "pixelcnn-zeros"])
def test_conditionals_depend_on_earlier_sites_only(name):
    net = _randomise(NETS[name]())
    x = torch.as_tensor(STATES16[[5, 999, 40000]], dtype=torch.float64).requires_grad_(True)
    pos = net._to_positions(x)
    logits = net._logits(pos)
    N = 16
    dependent = 0
    for k in range(N):
        (g,) = torch.autograd.grad(logits[:, k].sum(), x, retain_graph=True)
        gpos = net._to_positions(g)
        assert torch.all(gpos[:, k:] == 0), f"position {k} sees itself or a later site"
        dependent += int(torch.any(gpos[:, :k] != 0))
    # every conditional after the first sees at least one earlier spin
    assert dependent == N - 1


@pytest.mark.parametrize("name", sorted(NETS))
def test_cached_and_uncached_sampling_agree_and_log_probs_match(name):
    net = _randomise(NETS[name]())
    x1, l1 = net.sample(64, rng=11, cache=True)
    x2, l2 = net.sample(64, rng=11, cache=False)
    assert torch.equal(x1, x2)
    assert torch.allclose(l1, l2, atol=1e-12)
    assert torch.allclose(net.log_prob(x1), l1, atol=1e-12)
    assert set(torch.unique(x1).tolist()) <= {-1.0, 1.0}


def test_same_seed_same_samples_and_different_seed_differs():
    net = _randomise(NETS["pixelcnn"]())
    assert torch.equal(net.sample(32, rng=5)[0], net.sample(32, rng=5)[0])
    assert not torch.equal(net.sample(32, rng=5)[0], net.sample(32, rng=6)[0])


@pytest.mark.parametrize("name", ["made-res-z2-order", "pixelcnn", "pixelcnn-res-z2"])
def test_sampled_histogram_passes_chi_square_against_q(name):
    # 2^16 states are too many for per-state counts from 20 000 samples, so two fixed
    # binnings derived from q alone: (a) states sorted by q into 50 bins of equal
    # exact mass; (b) the marginal of the first six spins (64 cells, index mod 64).
    net = _randomise(NETS[name](), scale=0.5, seed=4)
    with torch.no_grad():
        q = net.log_prob(STATES16).exp().numpy()
    n = 20_000
    x, _ = net.sample(n, rng=2024)
    idx = state_index(x.numpy().astype(np.int8))
    order = np.argsort(q)
    bin_of_rank = np.minimum((np.cumsum(q[order]) - 0.5 * q[order]) * 50, 49).astype(int)
    bin_of_state = np.empty(2**16, int)
    bin_of_state[order] = bin_of_rank
    exp_a = n * np.bincount(bin_of_state, weights=q, minlength=50)
    obs_a = np.bincount(bin_of_state[idx], minlength=50)
    exp_b = n * np.bincount(np.arange(2**16) % 64, weights=q, minlength=64)
    obs_b = np.bincount(idx % 64, minlength=64)
    for obs, exp in ((obs_a, exp_a), (obs_b, exp_b)):
        assert np.all(obs[exp == 0] == 0)
        obs, exp = obs[exp > 0], exp[exp > 0]
        keep = exp >= 5
        if not keep.all():
            obs = np.append(obs[keep], obs[~keep].sum())
            exp = np.append(exp[keep], exp[~keep].sum())
        assert len(obs) >= 8
        p = stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue
        assert p > 0.01, p


def test_float32_default_and_device_argument():
    net = MADE(9)
    assert net.log_prob(np.ones((2, 9))).dtype == torch.float32
    assert PixelCNN(3, device="cpu").device.type == "cpu"


@pytest.mark.parametrize("bad, match", [
    (np.zeros((2, 16)), "only -1 and \\+1"),
    (np.ones((2, 15)), "shape"),
    (np.array([[True] * 16]), "boolean"),
])
def test_log_prob_rejects_bad_spins(bad, match):
    net = NETS["made"]()
    with pytest.raises((ValueError, TypeError), match=match):
        net.log_prob(bad)


def test_pixelcnn_accepts_lattice_shaped_input():
    net = _randomise(NETS["pixelcnn"]())
    x = torch.as_tensor(STATES16[:7], dtype=torch.float64)
    assert torch.allclose(net.log_prob(x.reshape(7, 4, 4)), net.log_prob(x))


@pytest.mark.parametrize("kwargs, match", [
    ({"n_spins": 0}, "n_spins"),
    ({"n_spins": 4, "order": [0, 1, 1, 2]}, "order"),
    ({"n_spins": 4, "dtype": "float16"}, "dtype"),
    ({"n_spins": 4, "depth": 0}, "depth"),
])
def test_made_rejects_bad_hyper_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MADE(**kwargs)


def test_pixelcnn_rejects_bad_padding_and_sample_size():
    with pytest.raises(ValueError, match="padding"):
        PixelCNN(4, padding="circular")
    with pytest.raises(ValueError, match="n must be"):
        PixelCNN(4).sample(0)


def test_sample_spins_only_matches_sample():
    net = _randomise(NETS["pixelcnn-res-z2"]())
    x, _ = net.sample(16, rng=3)
    assert torch.equal(net._sample_spins(16, torch.Generator().manual_seed(0)),
                       net._sample_spins(16, torch.Generator().manual_seed(0)))
    from spinnet.autoregressive._base import as_torch_generator

    assert torch.equal(net._sample_spins(16, as_torch_generator(3)), x)
