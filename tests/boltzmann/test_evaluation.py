"""Exact and AIS partition functions of Bernoulli RBMs."""

import itertools
import math

import numpy as np
import pytest
import torch

from spinnet.boltzmann.evaluation import (
    ais_log_z,
    base_rate_bias,
    default_betas,
    exact_log_z_from_params,
    free_energy,
    log_likelihood,
    model_rate_bias,
)
from spinnet.boltzmann.rbm import RBM
from spinnet.boltzmann.training import TrainConfig, train
from spinnet.datasets import default_mnist_path, load_mnist


def _rbm(nv, nh, scale, seed):
    g = torch.Generator().manual_seed(seed)
    W = scale * torch.randn(nv, nh, generator=g, dtype=torch.float64)
    b = 0.2 * torch.randn(nv, generator=g, dtype=torch.float64)
    c = 0.2 * torch.randn(nh, generator=g, dtype=torch.float64)
    return W, b, c


def _brute_log_z(W, b, c):
    nv, nh = W.shape
    V = torch.tensor(list(itertools.product([0, 1], repeat=nv)), dtype=torch.float64)
    H = torch.tensor(list(itertools.product([0, 1], repeat=nh)), dtype=torch.float64)
    neg_e = (V @ b)[:, None] + (H @ c)[None, :] + V @ W @ H.T
    return float(torch.logsumexp(neg_e.flatten(), dim=0))


@pytest.mark.parametrize("shape", [(5, 4), (4, 5), (3, 3)])
def test_exact_log_z_matches_double_enumeration(shape):
    W, b, c = _rbm(*shape, scale=1.5, seed=3)
    assert abs(exact_log_z_from_params(W, b, c) - _brute_log_z(W, b, c)) < 1e-10


def test_exact_log_z_orientations_and_batching_agree():
    W, b, c = _rbm(6, 9, scale=1.0, seed=4)
    ref = exact_log_z_from_params(W, b, c)
    # Transposed RBM (visible <-> hidden) has the same Z and enumerates the other layer.
    assert abs(exact_log_z_from_params(W.T, c, b) - ref) < 1e-10
    assert abs(exact_log_z_from_params(W, b, c, batch=7) - ref) < 1e-10
    # NumPy input is accepted.
    assert abs(exact_log_z_from_params(W.numpy(), b.numpy(), c.numpy()) - ref) < 1e-12


def test_exact_log_z_large_weights_no_overflow():
    W, b, c = _rbm(8, 6, scale=200.0, seed=5)
    assert math.isfinite(exact_log_z_from_params(W, b, c))
    assert abs(exact_log_z_from_params(W, b, c) - _brute_log_z(W, b, c)) < 1e-8


def test_log_likelihood_normalised():
    W, b, c = _rbm(6, 4, scale=1.0, seed=6)
    log_z = exact_log_z_from_params(W, b, c)
    V = torch.tensor(list(itertools.product([0, 1], repeat=6)), dtype=torch.float64)
    logp = -free_energy(W, b, c, V) - log_z
    assert abs(float(torch.logsumexp(logp, dim=0))) < 1e-12
    assert abs(log_likelihood(W, b, c, V[:10], log_z) - float(logp[:10].mean())) < 1e-12
    assert free_energy(W, b, c, V[3]).shape == (1,)


def test_default_betas():
    betas = default_betas()
    assert betas.numel() == 14501
    assert float(betas[0]) == 0.0 and float(betas[-1]) == 1.0
    assert bool((torch.diff(betas) > 0).all())
    short = default_betas(2001)
    assert abs(short.numel() - 2001) <= 2
    assert float(short[0]) == 0.0 and float(short[-1]) == 1.0


def test_ais_matches_exact():
    W, b, c = _rbm(30, 20, scale=0.5, seed=0)
    exact = exact_log_z_from_params(W, b, c)
    est, se, log_w = ais_log_z(W, b, c, n_betas=2000, n_runs=64, rng=1)
    assert log_w.shape == (64,)
    assert abs(est - float(torch.logsumexp(log_w, 0)) + math.log(64)) < 1e-12
    assert 0 < se < 0.1
    assert abs(est - exact) < 3 * se
    assert abs(est - exact) < 0.1


def test_ais_base_rate_model_and_reproducibility():
    W, b, c = _rbm(12, 8, scale=0.5, seed=2)
    data = (torch.rand(50, 12, generator=torch.Generator().manual_seed(0)) < 0.3).double()
    bA = base_rate_bias(data)
    assert bA.shape == (12,) and bool(torch.isfinite(bA).all())
    exact = exact_log_z_from_params(W, b, c)
    est, se, _ = ais_log_z(W, b, c, base_visible_bias=bA, n_betas=1000, n_runs=32, rng=3)
    assert abs(est - exact) < max(3 * se, 0.05)
    again = ais_log_z(W, b, c, base_visible_bias=bA, n_betas=1000, n_runs=32, rng=3)
    assert again[0] == est and again[1] == se
    # A schedule straight from base to target is plain importance sampling: still unbiased.
    betas = np.linspace(0.0, 1.0, 300)
    est2, se2, _ = ais_log_z(W, b, c, base_visible_bias=bA, betas=betas, n_runs=32, rng=4)
    assert abs(est2 - exact) < max(4 * se2, 0.1)


def test_model_rate_bias_matches_exact_marginals():
    # A 10x6 RBM: P(v_i = 1) by enumeration of all 2^10 visible states.
    W, b, c = _rbm(10, 6, scale=0.8, seed=5)
    V = torch.tensor(list(itertools.product([0, 1], repeat=10)), dtype=torch.float64)
    logp = -free_energy(W, b, c, V)
    p = torch.softmax(logp, 0) @ V
    got = torch.sigmoid(model_rate_bias(W, b, c, n_chains=400, n_sweeps=400, rng=0))
    # 400 chains x 200 averaged sweeps of Rao-Blackwellised means: the standard error of
    # each marginal is below 0.01 (the chains mix in a few sweeps at this coupling scale).
    assert float((got - p).abs().max()) < 0.03
    again = model_rate_bias(W, b, c, n_chains=400, n_sweeps=400, rng=0)
    assert torch.equal(torch.logit(got), torch.logit(torch.sigmoid(again)))
    with pytest.raises(ValueError, match="n_sweeps"):
        model_rate_bias(W, b, c, n_sweeps=1)
    with pytest.raises(ValueError, match="eps"):
        model_rate_bias(W, b, c, eps=0.7)


@pytest.mark.slow
@pytest.mark.skipif(default_mnist_path() is None, reason="MNIST IDX files not found")
@pytest.mark.parametrize("method", ["cd", "pcd"])
def test_ais_matches_exact_on_mnist_rbms(method):
    # Acceptance: 784x20 RBMs trained on the first 8000 MNIST t10k images (binarised at
    # 0.5); AIS (100 runs, 5000 temperatures, model-rate base) within 0.1 nats of the
    # exact log Z from enumerating the 2^20 hidden states.
    x, _ = load_mnist(default_mnist_path(), binarize=False)
    x = (x.reshape(len(x), -1)[:8000] / 255.0 > 0.5).astype(np.float64)
    rbm = RBM(784, 20, rng=0)
    cfg = TrainConfig(method=method, epochs=5, learning_rate=0.05, momentum=0.5,
                      monitor_samples=100, track_log_likelihood=False)
    train(rbm, x, cfg, rng=0, progress=None)
    exact = exact_log_z_from_params(rbm.W, rbm.b, rbm.c)
    base = model_rate_bias(rbm.W, rbm.b, rbm.c, rng=1)
    est, se, _ = ais_log_z(rbm.W, rbm.b, rbm.c, base_visible_bias=base, n_betas=5000,
                           n_runs=100, rng=2)
    assert se < 0.05
    assert abs(est - exact) < 0.1


def test_base_rate_bias_clipping():
    data = np.array([[0, 1, 1], [0, 1, 0]])
    bA = base_rate_bias(data, eps=1e-3)
    assert bA[0] == pytest.approx(math.log(1e-3 / (1 - 1e-3)))
    assert bA[1] == pytest.approx(-math.log(1e-3 / (1 - 1e-3)))
    assert bA[2] == pytest.approx(0.0)


def test_bad_input():
    W, b, c = _rbm(4, 3, scale=1.0, seed=0)
    with pytest.raises(ValueError, match="b must have shape"):
        exact_log_z_from_params(W, c, c)
    with pytest.raises(ValueError, match="c must have shape"):
        exact_log_z_from_params(W, b, b)
    with pytest.raises(ValueError, match="W must have 2"):
        exact_log_z_from_params(b, b, c)
    with pytest.raises(ValueError, match="finite"):
        exact_log_z_from_params(W * float("nan"), b, c)
    with pytest.raises(TypeError, match="W"):
        exact_log_z_from_params(None, b, c)
    with pytest.raises(ValueError, match="ais_log_z"):
        exact_log_z_from_params(torch.zeros(30, 30), torch.zeros(30), torch.zeros(30))
    with pytest.raises(ValueError, match="betas"):
        ais_log_z(W, b, c, betas=[0.0, 0.5, 0.9])
    with pytest.raises(ValueError, match="betas"):
        ais_log_z(W, b, c, betas=[0.0, 0.6, 0.5, 1.0])
    with pytest.raises(ValueError, match="base_visible_bias"):
        ais_log_z(W, b, c, base_visible_bias=torch.zeros(5), n_betas=10)
    with pytest.raises(ValueError, match="n_runs"):
        ais_log_z(W, b, c, n_runs=1, n_betas=10)
    with pytest.raises(TypeError, match="rng"):
        ais_log_z(W, b, c, n_betas=10, rng=0.5)
    with pytest.raises(ValueError, match="data"):
        base_rate_bias(np.array([[0, 2]]))
    with pytest.raises(ValueError, match="0 and 1"):
        log_likelihood(W, b, c, -np.ones((2, 4)), 1.0)
    with pytest.raises(ValueError, match="visible units"):
        log_likelihood(W, b, c, np.ones((2, 5)), 1.0)
    with pytest.raises(ValueError, match="log_z"):
        log_likelihood(W, b, c, np.ones((2, 4)), float("inf"))


def test_hidden_feature_accuracy():
    from sklearn.datasets import load_digits

    from spinnet.boltzmann.evaluation import hidden_feature_accuracy

    d = load_digits()
    x, y = (d.data > 7).astype(np.float64), d.target
    tr, te, ytr, yte = x[:1500], x[1500:], y[:1500], y[1500:]
    # Hidden unit j copies pixel j (W = 20 I, c = -10): the two classifiers see the same
    # inputs up to a saturated sigmoid, so their accuracies agree.
    copy = hidden_feature_accuracy(20.0 * np.eye(64), -10.0 * np.ones(64), tr, ytr, te, yte)
    assert abs(copy["hidden"] - copy["visible"]) < 0.02
    assert copy["visible"] > 0.85
    # Features of a trained RBM carry nearly all the class information of the pixels
    # (measured 0.838 vs 0.855 on these 297 test images, standard error ~0.021 each);
    # those of an all-zero RBM carry none.
    rbm = RBM(64, 100, rng=0)
    train(rbm, tr, TrainConfig(method="pcd", epochs=20, batch_size=50, learning_rate=0.1,
                               momentum=0.5, track_log_likelihood=False, monitor_samples=50),
          rng=0, progress=None)
    learned = hidden_feature_accuracy(rbm.W, rbm.c, tr, ytr, te, yte)
    assert learned["hidden"] > learned["visible"] - 0.05
    blank = hidden_feature_accuracy(np.zeros((64, 10)), np.zeros(10), tr, ytr, te, yte)
    assert blank["hidden"] < 0.2  # constant features: one class only
    with pytest.raises(ValueError, match="train_labels"):
        hidden_feature_accuracy(rbm.W, rbm.c, tr, ytr[:10], te, yte)
    with pytest.raises(ValueError, match="test must have shape"):
        hidden_feature_accuracy(rbm.W, rbm.c, tr, ytr, te[:, :10], yte)
    with pytest.raises(ValueError, match="2 classes"):
        hidden_feature_accuracy(rbm.W, rbm.c, tr, np.zeros(1500), te, yte)
