"""Classifiers: architectures, training with early stopping, checkpoints, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spinnet.phases.data import GenerationConfig, ModelSpec, generate, load
from spinnet.phases.networks import NETS, build_net
from spinnet.phases.training import (
    TrainedClassifier,
    check_windows,
    load_classifier,
    prepare_inputs,
    save_classifier,
    train_classifier,
)

CFG = GenerationConfig(n_samples=40, n_chains=2, snapshots_per_chunk=10, sweeps_between=2,
                       n_thermalize=20)
FM, PM = (1.5, 1.8), (3.2, 3.6)


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
        train_classifier(data, "mlp", FM, PM)


@pytest.mark.parametrize("net", NETS)
def test_training_separates_the_phases(data, net):
    clf = train_classifier(data, net, FM, PM, max_epochs=10, patience=3, batch_size=16, rng=0)
    assert clf.info["val_accuracy"] >= 0.95
    p = clf.predict_proba(data.spins, data.model)
    assert p.shape == (5, 40)
    # held-out snapshots (last quarter) at the window temperatures are classified right
    assert np.mean(p[0, 30:] < 0.5) >= 0.9 and np.mean(p[4, 30:] > 0.5) >= 0.9


def test_checkpoint_resume_equals_uninterrupted_training(data, tmp_path):
    kw = dict(max_epochs=4, patience=10, rng=5)
    ref = train_classifier(data, "fcnn", FM, PM, **kw)

    class Killed(Exception):
        pass

    def kill(epoch, *_):
        if epoch == 2:
            raise Killed

    ckpt = tmp_path / "c.ckpt"
    with pytest.raises(Killed):
        train_classifier(data, "fcnn", FM, PM, checkpoint=ckpt, progress=kill, **kw)
    resumed = train_classifier(data, "fcnn", FM, PM, checkpoint=ckpt, **kw)
    assert resumed.info["epochs"] == ref.info["epochs"] == 4
    for a, b in zip(ref.module.state_dict().values(), resumed.module.state_dict().values(),
                    strict=True):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="different arguments"):
        train_classifier(data, "cnn", FM, PM, checkpoint=ckpt, **kw)


def test_save_and_load_classifier(data, tmp_path):
    clf = train_classifier(data, "cnn", FM, PM, max_epochs=2, rng=1)
    path = save_classifier(clf, tmp_path / "n.pt")
    back = load_classifier(path)
    np.testing.assert_allclose(back.predict_proba(data.spins, data.model),
                               clf.predict_proba(data.spins, data.model))
    with pytest.raises(ValueError, match="no such"):
        load_classifier(tmp_path / "none.pt")
    energy_net = TrainedClassifier(build_net("cnn", 2, 8), "cnn", "energy", 8, 2, {})
    assert energy_net.predict_proba(data.spins, ModelSpec()).shape == (5, 40)
    with pytest.raises(ValueError, match="3 channels"):
        energy_net.predict_proba(data.spins, ModelSpec("ising", 1, 1, 1))
