"""Tests of RBM training: optimum reached, every method learns, config errors, resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spinnet.boltzmann.rbm import RBM, _all_binary_states, _log_z, exact_log_likelihood
from spinnet.boltzmann.training import (
    CHECKPOINT_NAME,
    History,
    TrainConfig,
    load_checkpoint,
    train,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: intra-op threads only add contention on shared cores (3x slower)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _tiny_data() -> np.ndarray:
    """200 exact samples of a 6-visible, 3-hidden teacher RBM."""
    teacher = RBM(6, 3, rng=1, init_std=2.0)
    teacher.b = torch.tensor([-1.0, 0.5, -0.5, 1.0, 0.0, -1.5], dtype=torch.float64)
    states = _all_binary_states(6, torch.float64, "cpu")
    p = torch.exp(-teacher.free_energy(states) - _log_z(teacher, teacher.params)).numpy()
    idx = np.random.default_rng(0).choice(64, size=200, p=p / p.sum())
    return states[idx].numpy()


def _lbfgs_optimum(data: np.ndarray, seeds: tuple[int, ...] = (1,)) -> float:
    """Best exact mean log-likelihood found by L-BFGS on the exact objective.

    (Seed 1 reaches -2.4962; seeds 0 and 2 stop at -2.5040 and -2.4968.)
    """
    x = torch.as_tensor(data, dtype=torch.float64)
    best = -np.inf
    for seed in seeds:
        rbm = RBM(6, 3, rng=seed, init_std=0.1)
        p = {key: val.clone().requires_grad_(True) for key, val in rbm.params.items()}
        opt = torch.optim.LBFGS(list(p.values()), max_iter=400, tolerance_grad=1e-10,
                                tolerance_change=1e-14, history_size=50,
                                line_search_fn="strong_wolfe")

        def closure(rbm=rbm, p=p, opt=opt):
            opt.zero_grad()
            loss = rbm._free_energy(x, p["W"], p["b"], p["c"]).mean() + _log_z(rbm, p)
            loss.backward()
            return loss

        opt.step(closure)
        rbm.W, rbm.b, rbm.c = (p[key].detach() for key in "Wbc")
        best = max(best, float(exact_log_likelihood(rbm, data)))
    return best


@pytest.mark.parametrize("matmul_dtype", [None, "bfloat16"])
def test_pcd_reaches_exact_likelihood_optimum(matmul_dtype):
    # With bfloat16 products (mixed precision) the same 0.05-nat acceptance must hold.
    data = _tiny_data()
    optimum = _lbfgs_optimum(data)
    rbm = RBM(6, 3, rng=0, init_std=0.1)
    config = TrainConfig(method="pcd", epochs=400, batch_size=50, learning_rate=0.1,
                         momentum=0.9, n_chains=1000, track_log_likelihood=False,
                         matmul_dtype=matmul_dtype)
    train(rbm, data, config, rng=0, progress=None)
    ll = float(exact_log_likelihood(rbm, data))
    assert ll <= optimum + 1e-6  # L-BFGS found (at least) as good a point
    assert optimum - ll < 0.05


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    from sklearn.datasets import load_digits

    x = load_digits().data[:300]
    return (x > 7).astype(np.float64)


@pytest.mark.parametrize("method", ["cd", "pcd", "pt", "pl", "rm", "exact", "cd-centered"])
def test_every_method_improves_log_likelihood(digits, method):
    centering = method.endswith("-centered")
    rbm = RBM(64, 16, rng=0)
    ll0 = float(exact_log_likelihood(rbm, digits))
    exact = method == "exact"  # full batch: each exact gradient enumerates 2^16 states
    config = TrainConfig(method=method.split("-")[0], epochs=3, batch_size=300 if exact else 30,
                         learning_rate=0.5 if exact else 0.05, momentum=0.5,
                         centering=centering, n_chains=30,
                         pt_betas=(1.0, 0.75, 0.5, 0.25) if method == "pt" else None)
    history = train(rbm, digits, config, rng=0, progress=None)
    assert list(history["epoch"]) == [1, 2, 3]
    assert len(history["log_likelihood"]) == 3
    assert np.all(np.isfinite(history["pseudo_log_likelihood"]))
    assert history["log_likelihood"][-1] > ll0 + 5.0  # ll0 = -64 log 2 ≈ -44.4
    assert history["log_likelihood"][-1] == pytest.approx(
        float(exact_log_likelihood(rbm, digits)), abs=1e-9)
    if method == "pt":
        assert 0.0 < history["pt_swap_rate"][-1] <= 1.0


def test_mixed_precision_phase_difference_matches_float64():
    from spinnet.boltzmann.rbm import _moment_difference

    rbm = RBM(64, 16, rng=0, init_std=0.3)
    g = torch.Generator().manual_seed(0)
    pos = (torch.rand(100, 64, generator=g) < 0.3).double()
    neg = (torch.rand(80, 64, generator=g) < 0.5).double()
    ref = _moment_difference(rbm, pos, neg)
    low = _moment_difference(rbm, pos, neg, rbm.W.to(torch.bfloat16))
    for key in ref:
        assert low[key].dtype == torch.float64
        # bfloat16 keeps 8 significant bits: relative error ~2^-8 of the typical entry.
        scale = float(ref[key].abs().mean())
        assert float((low[key] - ref[key]).abs().max()) < 2**-6 * scale


def test_same_seed_same_result(digits):
    config = TrainConfig(method="pcd", epochs=2, batch_size=50, track_log_likelihood=False)
    a, b = RBM(64, 8, rng=0), RBM(64, 8, rng=0)
    train(a, digits, config, rng=3, progress=None)
    train(b, digits, config, rng=3, progress=None)
    assert torch.equal(a.W, b.W)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"k": 0}, "config.k"),
    ({"learning_rate": 0.0}, "config.learning_rate"),
    ({"learning_rate": -1.0}, "config.learning_rate"),
    ({"momentum": 1.0}, "config.momentum"),
    ({"momentum": -0.1}, "config.momentum"),
    ({"weight_decay": -1e-3}, "config.weight_decay"),
    ({"epochs": 0}, "config.epochs"),
    ({"method": "sgd"}, "config.method"),
    ({"pt_betas": (0.5, 1.0)}, "config.pt_betas"),
    ({"pt_betas": (1.0,)}, "config.pt_betas"),
    ({"n_chains": 0}, "config.n_chains"),
    ({"matmul_dtype": "float16"}, "config.matmul_dtype"),
    ({"matmul_dtype": "bfloat16", "method": "pl"}, "config.matmul_dtype"),
])
def test_bad_config(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig(**kwargs)


def test_bad_arguments():
    data = _tiny_data()
    with pytest.raises(TypeError, match="config"):
        train(RBM(6, 3), data, {"method": "cd"}, progress=None)
    with pytest.raises(TypeError, match="rbm"):
        train(object(), data, TrainConfig(), progress=None)
    with pytest.raises(ValueError, match="data"):
        train(RBM(6, 3), data * 0.5, TrainConfig(), progress=None)
    with pytest.raises(ValueError, match="data"):
        train(RBM(6, 3), torch.as_tensor(data[0]), TrainConfig(), progress=None)
    with pytest.raises(ValueError, match=r"config.method='pl'"):
        train(RBM(6, 3, "gaussian"), data, TrainConfig(method="pl"), progress=None)


@pytest.mark.parametrize("method", ["pcd", "pt", "cd"])
def test_resume_reproduces_uninterrupted_run(tmp_path, method):
    data = _tiny_data()
    base = {"method": method, "batch_size": 40, "learning_rate": 0.05, "n_chains": 20,
            "centering": method == "cd", "pt_betas": (1.0, 0.5, 0.0) if method == "pt" else None}
    full = RBM(6, 3, rng=0)
    h_full = train(full, data, TrainConfig(epochs=4, **base), rng=7, progress=None,
                   checkpoint_dir=tmp_path / "full")
    part = RBM(6, 3, rng=0)
    train(part, data, TrainConfig(epochs=2, **base), rng=7, progress=None,
          checkpoint_dir=tmp_path / "part")
    assert load_checkpoint(tmp_path / "part")["epoch"] == 2
    resumed = RBM(6, 3, rng=0)  # a fresh process: parameters come from the checkpoint
    h_res = train(resumed, data, TrainConfig(epochs=4, **base), rng=None, progress=None,
                  checkpoint_dir=tmp_path / "part")
    for key in ("W", "b", "c"):
        assert torch.equal(full.params[key], resumed.params[key])
    for key in ("epoch", "free_energy", "reconstruction_error", "pseudo_log_likelihood",
                "log_likelihood"):
        assert np.array_equal(h_full[key], h_res[key], equal_nan=True)
    assert load_checkpoint(tmp_path / "part")["epoch"] == 4


def test_callback_stop_then_resume(tmp_path):
    data = _tiny_data()
    config = TrainConfig(method="pcd", epochs=3, batch_size=50, checkpoint_every=5)
    full = RBM(6, 3, rng=0)
    train(full, data, config, rng=1, progress=None)
    part = RBM(6, 3, rng=0)
    h = train(part, data, config, rng=1, progress=None, checkpoint_dir=tmp_path,
              callback=lambda epoch, rbm, history: epoch == 1)
    assert isinstance(h, History) and list(h["epoch"]) == [1]
    resumed = RBM(6, 3, rng=0)
    h = train(resumed, data, config, progress=None, checkpoint_dir=tmp_path)
    assert list(h["epoch"]) == [1, 2, 3]
    assert torch.equal(full.W, resumed.W)


def test_resume_mismatch_errors(tmp_path):
    data = _tiny_data()
    config = TrainConfig(method="cd", epochs=1, batch_size=50)
    train(RBM(6, 3, rng=0), data, config, rng=0, progress=None, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="learning_rate"):
        train(RBM(6, 3), data, TrainConfig(method="cd", epochs=2, batch_size=50,
                                           learning_rate=0.1),
              progress=None, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="n_hidden"):
        train(RBM(6, 4), data, config, progress=None, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="data differ"):
        train(RBM(6, 3), data[:100], config, progress=None, checkpoint_dir=tmp_path)


@pytest.mark.parametrize("content", [b"", b"not a torch file", b"PK\x03\x04garbage"])
def test_corrupt_checkpoint(tmp_path, content):
    (tmp_path / CHECKPOINT_NAME).write_bytes(content)
    with pytest.raises(ValueError, match=CHECKPOINT_NAME):
        train(RBM(6, 3), _tiny_data(), TrainConfig(epochs=1), progress=None,
              checkpoint_dir=tmp_path)


def test_truncated_checkpoint(tmp_path):
    data = _tiny_data()
    train(RBM(6, 3, rng=0), data, TrainConfig(epochs=1), rng=0, progress=None,
          checkpoint_dir=tmp_path)
    path = tmp_path / CHECKPOINT_NAME
    arrays = path / "arrays.h5"
    arrays.write_bytes(arrays.read_bytes()[:200])
    with pytest.raises(ValueError, match="corrupt"):
        load_checkpoint(path)


@pytest.mark.parametrize(("visible", "method"), [("ising", "pt"), ("ising", "rm"),
                                                 ("gaussian", "pcd"), ("gaussian", "cd")])
def test_other_visible_types(visible, method):
    data = _tiny_data()
    if visible == "ising":
        data = 2.0 * data - 1.0
    rbm = RBM(6, 3, visible, rng=0)
    history = train(rbm, data, TrainConfig(method=method, epochs=2, batch_size=50,
                                           centering=True), rng=0, progress=None)
    assert np.all(np.isfinite(history["log_likelihood"]))
    assert np.all(np.isfinite(history["free_energy"]))
    assert np.isnan(history["pseudo_log_likelihood"][-1]) == (visible == "gaussian")


def test_progress_bar_runs():
    calls = []
    history = train(RBM(6, 3, rng=0), _tiny_data(), TrainConfig(epochs=2), rng=0,
                    progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert len(history["wall_time"]) == 2 and all(t >= 0 for t in history["wall_time"])
    assert calls == [("RBM cd", 0, 2), ("RBM cd", 1, 2), ("RBM cd", 2, 2)]
