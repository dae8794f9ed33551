"""Classifiers: architectures, training with early stopping, checkpoints, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spinnet.phases.data import GenerationConfig, ModelSpec, generate, load
from spinnet.phases.networks import NETS, build_net
from spinnet.phases.training import (
    PhaseClassifier,
    check_windows,
    prepare_inputs,
    train_classifier,
)

CFG = GenerationConfig(n_samples=40, n_chains=2, snapshots_per_chunk=10, sweeps_between=2,
                       n_thermalize=20)
FM, PM = (1.5, 1.8), (3.2, 3.6)

#: Every net trains in the default suite except the deep ResNets (tens of seconds to
#: minutes each on 2 cores), which train under ``-m slow``.
TRAINED_NETS = [n if n in ("fcnn", "cnn", "resnet", "resnet10") else
                pytest.param(n, marks=pytest.mark.slow) for n in NETS]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("phases") / "ising_L8.h5"
    return load(generate(path, ModelSpec(), 8, [1.5, 1.8, 2.27, 3.2, 3.6], CFG, rng=3))


@pytest.mark.parametrize("name", NETS)
@pytest.mark.parametrize("channels,L", [(1, 8), (2, 12)])
def test_networks_map_configurations_to_two_logits(name, channels, L):
    net = build_net(name, channels, L)
    assert net(torch.zeros(3, channels, L, L)).shape == (3, 2)


def test_unknown_net_and_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match=r"net must be one of \['fcnn', 'cnn', 'resnet'\]"):
        build_net("transformer", 1, 8)
    with pytest.raises(ValueError, match="L must be >= 4"):
        build_net("fcnn", 1, 2)


def test_prepare_inputs_fixes_the_global_spin_flip(rng):
    s = (2 * rng.integers(0, 2, size=(6, 8, 8)) - 1).astype(np.int8)
    a = prepare_inputs(s, ModelSpec(), "spins")
    np.testing.assert_array_equal(a, prepare_inputs(-s, ModelSpec(), "spins"))
    assert a.shape == (6, 1, 8, 8) and np.all(a.sum(axis=(1, 2, 3)) >= 0)
    e = prepare_inputs(s, ModelSpec(), "energy")
    assert e.shape == (6, 2, 8, 8)
    with pytest.raises(ValueError, match="representation"):
        prepare_inputs(s, ModelSpec(), "pixels")


def test_label_windows_are_checked(data):
    with pytest.raises(ValueError, match=r"fm_window .* label window is empty"):
        check_windows(data.temperatures, (0.5, 1.0), PM)
    with pytest.raises(ValueError, match=r"pm_window .* label window is empty"):
        check_windows(data.temperatures, FM, (5.0, 6.0))
    with pytest.raises(ValueError, match="below"):
        check_windows(data.temperatures, PM, FM)
    with pytest.raises(ValueError, match="T_low <= T_high"):
        check_windows(data.temperatures, (1.8, 1.5), PM)
    with pytest.raises(ValueError, match="net must be one of"):
        train_classifier(data.spins, data.temperatures, "mlp", FM, PM)


@pytest.mark.parametrize("net", TRAINED_NETS)
def test_training_separates_the_phases(data, net):
    clf = train_classifier(data.spins, data.temperatures, net, FM, PM, model=data.model,
                           epochs=10, patience=3, batch_size=16, rng=0)
    assert clf.info_["val_accuracy"] >= 0.95
    p = clf.predict_proba(data.spins, data.model)
    assert p.shape == (5, 40)
    # held-out snapshots (last quarter) at the window temperatures are classified right
    assert np.mean(p[0, 30:] < 0.5) >= 0.9 and np.mean(p[4, 30:] > 0.5) >= 0.9


def test_checkpoint_resume_equals_uninterrupted_training(data, tmp_path):
    kw = dict(epochs=4, patience=10, rng=5)
    arrays = (data.spins, data.temperatures)
    ref = train_classifier(*arrays, "fcnn", FM, PM, **kw)

    class Killed(Exception):
        pass

    def kill(stage, epoch, total):
        if epoch == 2:
            raise Killed

    ckpt = tmp_path / "c.ckpt"
    with pytest.raises(Killed):
        train_classifier(*arrays, "fcnn", FM, PM, checkpoint=ckpt, progress=kill, **kw)
    resumed = train_classifier(*arrays, "fcnn", FM, PM, checkpoint=ckpt, **kw)
    assert resumed.info_["epochs"] == ref.info_["epochs"] == 4
    for a, b in zip(ref.module_.state_dict().values(), resumed.module_.state_dict().values(),
                    strict=True):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="different arguments"):
        train_classifier(*arrays, "cnn", FM, PM, checkpoint=ckpt, **kw)


def test_save_and_load_classifier(data, tmp_path):
    clf = train_classifier(data.spins, data.temperatures, "cnn", FM, PM, epochs=2, rng=1)
    path = clf.save(tmp_path / "n")
    back = PhaseClassifier.load(path)
    np.testing.assert_allclose(back.predict_proba(data.spins, data.model),
                               clf.predict_proba(data.spins, data.model))
    with pytest.raises(ValueError, match="no such"):
        PhaseClassifier.load(tmp_path / "none")
    energy_net = PhaseClassifier("cnn", "energy")
    energy_net.module_, energy_net.in_channels_, energy_net.input_side_ = (
        build_net("cnn", 2, 8), 2, 8)
    energy_net.info_ = {}
    assert energy_net.predict_proba(data.spins, ModelSpec()).shape == (5, 40)
    with pytest.raises(ValueError, match="3 channels"):
        energy_net.predict_proba(data.spins, ModelSpec("ising", 1, 1, 1))


# ------------------------------------------------------------------ the estimator contract
@pytest.mark.parametrize("net", TRAINED_NETS)
def test_estimator_round_trip_is_bit_identical(data, tmp_path, net):
    from spinnet._history import History

    X = prepare_inputs(data.spins[[0, 4], :30].reshape(-1, 8, 8), data.model, "spins")
    y = np.repeat([0, 1], 30)
    clf = PhaseClassifier(net, epochs=2, batch_size=16)
    assert clf.fit(X, y, rng=0) is clf
    assert isinstance(clf.history_, History) and len(clf.history_) == 2
    assert list(clf.history_["epoch"]) == [1, 2] and "val_loss" in clf.history_.keys
    p = clf.predict_proba(X)
    assert p.shape == (60,) and p.dtype == np.float64
    assert clf.score(X, y) == np.mean((p > 0.5) == y)
    path = clf.save(tmp_path / "clf")
    assert sorted(f.name for f in path.iterdir()) == ["arrays.h5", "config.json"]
    back = PhaseClassifier.load(path)
    np.testing.assert_array_equal(back.predict_proba(X), p)  # bit for bit
    for (ka, a), (kb, b) in zip(clf.module_.state_dict().items(),
                                back.module_.state_dict().items(), strict=True):
        assert ka == kb and a.shape == b.shape and a.dtype == b.dtype and torch.equal(a, b)
    assert back.history_ == clf.history_ and back.info_ == clf.info_
    assert back.get_params() == clf.get_params()
    # the same spins through the representation give the same outputs
    np.testing.assert_array_equal(back.predict_proba(data.spins[[0, 4], :30], data.model),
                                  p.reshape(2, 30))


def test_estimator_rejects_bad_input_and_unfitted_use(data):
    X = prepare_inputs(data.spins[0, :10], data.model, "spins")
    with pytest.raises(RuntimeError, match="not fitted"):
        PhaseClassifier().predict_proba(X)
    with pytest.raises(ValueError, match="one label per sample"):
        PhaseClassifier(epochs=1).fit(X, np.zeros(3))
    with pytest.raises(ValueError, match="labels 0"):
        PhaseClassifier(epochs=1).fit(X, np.full(10, 2))
    with pytest.raises(ValueError, match="net must be one of"):
        PhaseClassifier("mlp").fit(X, np.zeros(10))
    with pytest.raises(TypeError, match="takes arrays"):
        train_classifier(data, None, "cnn", FM, PM)
    clf = PhaseClassifier("cnn", epochs=1).fit(X, np.arange(10) % 2, rng=0)
    with pytest.raises(ValueError, match="pass model="):
        clf.predict_proba(data.spins[0, :3])


def test_snapshot_generation_needs_no_torch(tmp_path):
    """phases.data works with PyTorch unimportable; the classifiers name the extra."""
    import subprocess
    import sys

    code = f"""
import importlib.abc
import sys

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, NoTorch())
from spinnet.phases.data import GenerationConfig, ModelSpec, generate, load
cfg = GenerationConfig(n_samples=4, n_chains=2, snapshots_per_chunk=2, sweeps_between=1,
                       n_thermalize=2)
d = load(generate({str(tmp_path / 'x.h5')!r}, ModelSpec(), 4, [2.0, 3.0], cfg, rng=0))
assert d.spins.shape == (2, 4, 4, 4)
from spinnet.phases import PhaseClassifier
try:
    PhaseClassifier().fit(d.spins.reshape(-1, 1, 4, 4), [0] * 4 + [1] * 4)
except ImportError as exc:
    assert "spinnet[torch]" in str(exc), exc
    assert "torch" not in sys.modules
    print("ok")
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr
