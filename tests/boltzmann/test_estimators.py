"""The estimator contract of the Boltzmann machines: fit/sample/score, save/load bit for
bit, one registry of training rules shared with DBN pretraining, the heat-bath kernel,
one meaning per ``exact_log_z`` name, and the lazy torch import."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from spinnet._history import History
from spinnet.boltzmann import training
from spinnet.boltzmann.dbn import DeepAutoencoder, DeepBeliefNet
from spinnet.boltzmann.machine import BoltzmannMachine
from spinnet.boltzmann.rbm import RBM, exact_log_likelihood, exact_log_z


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _bits(n=120, d=64, seed=0):
    return (np.random.default_rng(seed).random((n, d)) < 0.3).astype(np.float64)


def _same_tensors(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)


# ---------------------------------------------------------------------------- RBM
def test_rbm_fit_sample_save_load_bit_identical(tmp_path):
    X = _bits()
    rbm = RBM(64, 32).fit(X, method="pcd", epochs=2, rng=0)
    assert isinstance(rbm, RBM)
    assert isinstance(rbm.history_, History) and list(rbm.history_["epoch"]) == [1, 2]
    before = rbm.sample(8, rng=0)
    assert before.shape == (8, 64) and bool(((before == 0) | (before == 1)).all())
    rbm.save(tmp_path / "m")
    loaded = RBM.load(tmp_path / "m")
    after = loaded.sample(8, rng=0)
    assert _same_tensors(before, after)
    for key in ("W", "b", "c"):
        assert _same_tensors(rbm.params[key], loaded.params[key])
    assert loaded.history_ == rbm.history_
    # a different seed gives different samples (the check above can fail)
    assert not torch.equal(loaded.sample(8, rng=1), after)


def test_rbm_fit_is_reproducible_and_float32_round_trip(tmp_path):
    X = _bits(60, 16)
    a = RBM(16, 4, rng=3, dtype=torch.float32).fit(X, method="cd", epochs=2, rng=5,
                                                   batch_size=20)
    b = RBM(16, 4, rng=3, dtype=torch.float32).fit(X, method="cd", epochs=2, rng=5,
                                                   batch_size=20)
    assert torch.equal(a.W, b.W)
    a.metadata = {"data": "toy", "split": None}
    a.save(tmp_path / "a")
    c = RBM.load(tmp_path / "a")
    assert c.dtype == torch.float32 and torch.equal(a.W, c.W)
    assert c.metadata == {"data": "toy", "split": None}


def test_rbm_fit_resumes_from_checkpoint_exactly(tmp_path):
    X = _bits(80, 12)
    full = RBM(12, 5, rng=0).fit(X, method="pcd", epochs=3, rng=2, batch_size=20)
    RBM(12, 5, rng=0).fit(X, method="pcd", epochs=1, rng=2, batch_size=20,
                          checkpoint_dir=tmp_path)
    resumed = RBM(12, 5, rng=9).fit(X, method="pcd", epochs=3, rng=None, batch_size=20,
                                    checkpoint_dir=tmp_path)
    assert torch.equal(full.W, resumed.W) and torch.equal(full.c, resumed.c)
    assert list(resumed.history_["epoch"]) == [1, 2, 3]


def test_rbm_score_samples_is_exact_log_likelihood():
    X = _bits(50, 10)
    rbm = RBM(10, 4, rng=1).fit(X, epochs=2, rng=0, batch_size=10)
    scores = rbm.score_samples(X)
    assert scores.shape == (50,)
    assert rbm.score(X) == pytest.approx(float(exact_log_likelihood(rbm, X)), rel=1e-12)
    lz, err = rbm.log_z()
    assert err == 0.0 and lz == pytest.approx(float(exact_log_z(rbm)), rel=1e-14)


def test_rbm_partial_fit_streams_and_records_history():
    X = _bits(60, 10)
    rbm = RBM(10, 3, rng=0)
    w0 = rbm.W.clone()
    rbm.partial_fit(X[:30], method="pcd", rng=1, batch_size=10)
    rbm.partial_fit(X[30:], method="pcd", batch_size=10)
    assert len(rbm.history_) == 2 and not torch.equal(rbm.W, w0)
    again = RBM(10, 3, rng=0)
    again.partial_fit(X[:30], method="pcd", rng=1, batch_size=10)
    again.partial_fit(X[30:], method="pcd", batch_size=10)
    assert torch.equal(rbm.W, again.W)


def test_rbm_partial_fit_monitors_only_monitor_samples():
    """The per-call metrics use the first ``monitor_samples`` rows, as ``fit`` does."""
    X = _bits(60, 10)
    rbm = RBM(10, 3, rng=0)
    rbm.partial_fit(X, method="cd", rng=1, batch_size=10, monitor_samples=7)
    expected = float(rbm.free_energy(X[:7]).mean())
    assert rbm.history_["free_energy"][-1] == pytest.approx(expected, rel=1e-12)
    assert rbm.history_["free_energy"][-1] != pytest.approx(
        float(rbm.free_energy(X).mean()), rel=1e-6)


def test_rbm_rng_accepts_seed_and_torch_generator():
    rbm = RBM(6, 3, rng=0)
    v = torch.zeros(4, 6, dtype=torch.float64)
    gen = torch.Generator().manual_seed(5)
    assert torch.equal(rbm.gibbs(v, 3, rng=gen),
                       rbm.gibbs(v, 3, rng=torch.Generator().manual_seed(5)))
    assert torch.equal(rbm.gibbs(v, 3, rng=7), rbm.gibbs(v, 3, rng=7))


def test_spin_data_error_names_spins_to_bits():
    from spinnet.datasets import digits

    x, _ = digits()
    with pytest.raises(ValueError, match=r"spinnet\.spins\.spins_to_bits"):
        RBM(64, 8).fit(x[:50], epochs=1)
    from spinnet.spins import spins_to_bits

    RBM(64, 8).fit(spins_to_bits(x[:50]), epochs=1, rng=0)  # the named remedy works


def test_load_rejects_other_kinds_and_corrupt_dirs(tmp_path):
    BoltzmannMachine(2, 1, rng=0).save(tmp_path / "bm")
    with pytest.raises(ValueError, match="BoltzmannMachine"):
        RBM.load(tmp_path / "bm")
    RBM(4, 2, rng=0).save(tmp_path / "r")
    (tmp_path / "r" / "arrays.h5").write_bytes(b"\x89HDF\r\n")
    with pytest.raises(ValueError, match="corrupt"):
        RBM.load(tmp_path / "r")


# ---------------------------------------------------------- one registry of rules
def test_registered_rule_reaches_rbm_fit_and_dbn_pretraining():
    calls = []

    def scaled_cd(rbm, batch, state):
        calls.append((rbm.n_visible, rbm.n_hidden, state.gaussian_hidden))
        return training.TRAINING_RULES["cd"].gradient(rbm, batch, state)

    training.register_rule(training.TrainingRule("test-cd", scaled_cd, gaussian_hidden=True))
    try:
        data = _bits(40, 12)
        DeepBeliefNet((12, 8, 4), rng=0, top_hidden="gaussian").fit(
            data, epochs=1, batch_size=20, rng=1, method="test-cd")
        # 2 minibatches per epoch, one epoch per layer; the top layer is linear-Gaussian
        assert calls == [(12, 8, False), (12, 8, False), (8, 4, True), (8, 4, True)]
        calls.clear()
        RBM(12, 3, rng=0).fit(data, method="test-cd", epochs=1, batch_size=40, rng=0)
        assert calls == [(12, 3, False)]
        # the DBN with the test rule equals the DBN with "cd" (same gradient, same streams)
        a = DeepBeliefNet((12, 8, 4), rng=0).fit(data, epochs=2, batch_size=20, rng=1,
                                                method="test-cd")
        b = DeepBeliefNet((12, 8, 4), rng=0).fit(data, epochs=2, batch_size=20, rng=1,
                                                method="cd")
        assert torch.equal(a.rbms[1].W, b.rbms[1].W)
    finally:
        training.unregister_rule("test-cd")
    with pytest.raises(ValueError, match="test-cd"):
        DeepBeliefNet((12, 4), rng=0).fit(_bits(10, 12), epochs=1, method="test-cd")


def test_dbn_rejects_rule_without_gaussian_hidden_support():
    with pytest.raises(ValueError, match="Gaussian"):
        DeepBeliefNet((12, 4), rng=0, top_hidden="gaussian").fit(
            _bits(20, 12), epochs=1, method="pl")


def test_dbn_progress_reports_each_stage(tmp_path):
    seen = set()
    data = _bits(40, 12)
    dbn = DeepBeliefNet((12, 6, 3), rng=0).fit(
        data, epochs=1, batch_size=20, rng=0, progress=lambda s, d, t: seen.add((s, d, t)))
    DeepAutoencoder.from_dbn(dbn).fine_tune(data, epochs=1, batch_size=20, rng=0,
                                            progress=lambda s, d, t: seen.add((s, d, t)))
    assert {("pretrain layer 1/2", 1, 1), ("pretrain layer 2/2", 1, 1),
            ("fine-tune", 1, 1)} <= seen


# ---------------------------------------------------------------- DBN / autoencoder
def test_dbn_and_autoencoder_round_trip(tmp_path):
    data = _bits(50, 12)
    dbn = DeepBeliefNet((12, 6, 3), rng=0, top_hidden="gaussian").fit(
        data, epochs=2, batch_size=25, rng=1)
    dbn.save(tmp_path / "dbn")
    back = DeepBeliefNet.load(tmp_path / "dbn")
    assert back.fitted and back.history == dbn.history and back.history_ == dbn.history_
    assert _same_tensors(dbn.sample(6, 20, rng=3), back.sample(6, 20, rng=3))
    assert _same_tensors(dbn.transform(data), back.transform(data))
    ae = DeepAutoencoder.from_dbn(dbn)
    ae.fine_tune(data, epochs=2, batch_size=25, rng=2)
    ae.save(tmp_path / "ae")
    ae2 = DeepAutoencoder.load(tmp_path / "ae")
    assert _same_tensors(ae.reconstruct(data), ae2.reconstruct(data))
    assert ae2.history == ae.history and len(ae2.history_) == 2
    for p, q in zip(ae.parameters(), ae2.parameters(), strict=True):
        assert _same_tensors(p.detach(), q.detach())


# --------------------------------------------------------------- Boltzmann machine
def _reference_gibbs(bm, s, free_units, temps, gen):
    """The plain NumPy/Python heat bath (the loop the kernel replaced)."""
    for T in temps:
        beta = 1.0 / T
        order = gen.permutation(free_units)
        u = gen.random((order.shape[0], s.shape[0]))
        for i, k in enumerate(order):
            for c in range(s.shape[0]):
                field = bm.biases[k] + sum(s[c, j] * bm.weights[j, k]
                                           for j in range(bm.n_units))
                p_up = 1.0 / (1.0 + np.exp(-2.0 * beta * field))
                s[c, k] = 1.0 if u[i, c] < p_up else -1.0
    return s


def test_heat_bath_kernel_matches_reference_and_is_reproducible():
    bm = BoltzmannMachine(5, 3, rng=1, init_scale=0.8)
    bm.biases = np.random.default_rng(2).normal(0, 0.5, 8)
    start = np.random.default_rng(3).choice([-1.0, 1.0], size=(7, 8))
    temps = np.array([4.0, 2.0, 1.0, 1.0, 1.0])
    units = np.arange(2, 8)
    got = bm._gibbs(start.copy(), units, temps, np.random.default_rng(11))
    ref = _reference_gibbs(bm, start.copy(), units, temps, np.random.default_rng(11))
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(got[:, :2], start[:, :2])  # clamped units untouched
    assert not np.array_equal(got, start)
    a = bm.sample(50, method="gibbs", n_sweeps=10, rng=4)
    b = bm.sample(50, method="gibbs", n_sweeps=10, rng=4)
    np.testing.assert_array_equal(a, b)


def test_heat_bath_samples_the_exact_distribution():
    scipy_stats = pytest.importorskip("scipy.stats")
    bm = BoltzmannMachine(3, 1, rng=1, init_scale=0.7)
    states, p = bm.visible_distribution()
    x = bm.sample(4000, method="gibbs", n_sweeps=20, rng=5)
    idx = [int(np.flatnonzero(np.all(states == row, axis=1))[0]) for row in x]
    counts = np.bincount(idx, minlength=len(p))
    chi2 = float(((counts - 4000 * p) ** 2 / (4000 * p)).sum())
    assert chi2 < scipy_stats.chi2.ppf(0.999, len(p) - 1)


def test_boltzmann_machine_fit_save_load(tmp_path):
    data = np.array([[1, 1, -1], [-1, -1, 1], [1, 1, -1]], dtype=np.int8)
    bm = BoltzmannMachine(3, 1, rng=0).fit(data, epochs=5, learning_rate=0.2, rng=0)
    assert isinstance(bm.history_, History) and len(bm.history_) == 5
    bm.save(tmp_path / "bm")
    back = BoltzmannMachine.load(tmp_path / "bm")
    np.testing.assert_array_equal(bm.weights, back.weights)
    np.testing.assert_array_equal(bm.biases, back.biases)
    np.testing.assert_array_equal(bm.connectivity, back.connectivity)
    np.testing.assert_array_equal(bm.sample(9, method="gibbs", n_sweeps=5, rng=1),
                                  back.sample(9, method="gibbs", n_sweeps=5, rng=1))
    assert back.history_ == bm.history_


def test_heat_bath_kernel_faster_than_python_loop():
    bm = BoltzmannMachine(8, 4, rng=0, init_scale=0.3)
    s = np.random.default_rng(0).choice([-1.0, 1.0], size=(20, 12))
    units = np.arange(12)
    bm._gibbs(s.copy(), units, np.ones(1), np.random.default_rng(0))  # compile / load cache
    t0 = time.perf_counter()
    bm._gibbs(s.copy(), units, np.ones(20), np.random.default_rng(0))
    t_kernel = time.perf_counter() - t0
    t0 = time.perf_counter()
    _reference_gibbs(bm, s.copy(), units, np.ones(20), np.random.default_rng(0))
    t_ref = time.perf_counter() - t0
    assert t_kernel < t_ref


# ------------------------------------------------------------------ exact_log_z names
def test_the_two_log_z_functions_agree_for_bernoulli():
    from spinnet.boltzmann import evaluation

    assert not hasattr(evaluation, "exact_log_z")
    rbm = RBM(7, 5, rng=2, init_std=0.5)
    assert evaluation.exact_log_z_from_params(rbm.W, rbm.b, rbm.c) == pytest.approx(
        float(exact_log_z(rbm)), rel=1e-12)


# ----------------------------------------------------------------------- lazy torch
def test_boltzmann_without_torch_names_the_extra():
    code = ("import sys, importlib.abc\n"
            "class Block(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name.split('.')[0] == 'torch':\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "from spinnet._optional import MissingExtraError\n"
            "import spinnet.cli.boltzmann, spinnet.experiments.boltzmann\n"
            "for mod in ('spinnet.boltzmann.rbm', 'spinnet.boltzmann.machine'):\n"
            "    try:\n"
            "        __import__(mod)\n"
            "    except MissingExtraError as exc:\n"
            "        assert \"spinnet[torch]\" in str(exc), exc\n"
            "    else:\n"
            "        raise SystemExit(mod + ' imported without torch')\n"
            "bad = [m for m in sys.modules if m.startswith(('torch', 'spinnet.boltzmann.'))]\n"
            "assert not bad, bad\n"
            "print('ok')\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0 and "ok" in res.stdout, res.stdout + res.stderr


def test_cli_and_experiment_modules_import_no_torch_numba_or_boltzmann_at_top_level():
    import ast
    from pathlib import Path

    import spinnet

    root = Path(spinnet.__file__).parent
    for rel in ("cli/boltzmann.py", "experiments/boltzmann.py"):
        tree = ast.parse((root / rel).read_text())
        for node in tree.body:  # module level only; imports inside functions are lazy
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("torch", "numba", "spinnet.boltzmann")), (rel, name)
