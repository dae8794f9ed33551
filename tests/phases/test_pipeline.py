"""Pipeline: label windows of an ensemble, training per size, evaluation on held-out data."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.phases.data import GenerationConfig, ModelSpec, generate, load
from spinnet.phases.pipeline import (
    WINDOW_BANDS,
    default_windows,
    evaluate,
    train_sizes,
    window_ensemble,
)
from spinnet.phases.training import held_out_mask

pytest.importorskip("torch")

CFG = GenerationConfig(n_samples=24, n_chains=2, snapshots_per_chunk=6, sweeps_between=2,
                       n_thermalize=20)


def test_default_windows_leave_a_symmetric_critical_band():
    tc = ModelSpec().critical_temperature
    (fm_lo, fm_hi), (pm_lo, pm_hi) = default_windows(ModelSpec(), band=0.10)
    assert (fm_lo, pm_hi) == (round(0.70 * tc, 2), round(1.35 * tc, 2))
    assert fm_hi == pytest.approx(0.90 * tc, abs=0.005)
    assert pm_lo == pytest.approx(1.10 * tc, abs=0.005)
    # the windows scale with the model's T_c (Houtappel for anisotropic couplings)
    aniso = ModelSpec("ising", 1.0, 2.0, 0.0)
    (_, hi), (lo, _) = default_windows(aniso, band=0.08)
    assert hi == pytest.approx(0.92 * aniso.critical_temperature, abs=0.005)
    assert lo == pytest.approx(1.08 * aniso.critical_temperature, abs=0.005)
    for bad in (0.0, -0.1, 0.3, 1.0):
        with pytest.raises(ValueError, match="band must lie in"):
            default_windows(ModelSpec(), band=bad)


def test_window_ensemble_cycles_through_the_bands():
    model = ModelSpec()
    w = window_ensemble(model, 5)
    assert len(w) == 5
    assert w[0] == default_windows(model, WINDOW_BANDS[0])
    assert w[3] == w[0] and w[4] == w[1]
    assert len({pair for pair in w[:3]}) == 3  # three different bands
    with pytest.raises(ValueError, match="n_networks must be >= 1"):
        window_ensemble(model, 0)
    with pytest.raises(ValueError, match="bands must not be empty"):
        window_ensemble(model, 2, bands=())


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    T = [1.5, 1.7, 2.0, 2.2, 2.3, 2.4, 2.6, 3.0, 3.3]
    return {L: load(generate(root / f"ising_L{L}.h5", ModelSpec(), L, T, CFG, rng=L))
            for L in (8, 12, 16)}


def test_ensemble_on_different_windows_is_evaluated_on_snapshots_no_network_saw(
        datasets, tmp_path):
    windows = [((1.5, 2.0), (2.6, 3.3)), ((1.5, 1.7), (3.0, 3.3))]
    nets = train_sizes(tmp_path, datasets, "fcnn", windows, n_networks=2, seed=0,
                       epochs=2)
    for clfs in nets.values():
        assert [c.info_["fm_window"] for c in clfs] == [[1.5, 2.0], [1.5, 1.7]]
    r = evaluate(nets, datasets, held_out=True, n_boot=4, seed=0)
    assert r.n_networks == 2 and [p.L for p in r.peaks] == [8, 12, 16]
    d = datasets[8]
    n_train = nets[8][0].info_["n_train_per_T"]
    union = held_out_mask(len(d.temperatures), d.n_samples,
                          np.asarray(nets[8][0].info_["train_index"]), n_train)
    # T = 2.0 and 2.6 are training temperatures of network 0 only: network 1's outputs
    # there are restricted to network 0's held-out snapshots as well
    assert not union[2].all() and not union[6].all() and union[4].all()
    f = np.mean([c.predict_proba(d.spins, d.model) for c in nets[8]], axis=0)
    expected = [f[t][union[t]].mean() for t in range(len(d.temperatures))]
    np.testing.assert_allclose(r.peaks[0].P, expected, rtol=1e-12)
    # reloading with other windows than the stored networks' is refused
    with pytest.raises(ValueError, match="was trained with windows"):
        train_sizes(tmp_path, datasets, "fcnn", windows[::-1], n_networks=2, seed=0)
    with pytest.raises(ValueError, match="at least one"):
        train_sizes(tmp_path, datasets, "fcnn", [], n_networks=2, seed=0)
    with pytest.raises(ValueError, match="label window is empty"):
        train_sizes(tmp_path, datasets, "fcnn", [((0.5, 1.0), (2.6, 3.3))], seed=0)


def test_block_spins_are_majority_rule_with_corner_tie_break(rng):
    from spinnet.phases.training import block_spins

    s = (2 * rng.integers(0, 2, size=(5, 12, 12)) - 1).astype(np.int8)
    got = block_spins(s, 4)
    assert got.shape == (5, 4, 4) and got.dtype == np.int8
    for n in range(5):  # plain loops as the reference
        for i in range(4):
            for j in range(4):
                total = int(s[n, 3 * i:3 * i + 3, 3 * j:3 * j + 3].sum())
                want = np.sign(total) if total else s[n, 3 * i, 3 * j]
                assert got[n, i, j] == want
    s8 = (2 * rng.integers(0, 2, size=(50, 8, 8)) - 1).astype(np.int8)  # b = 2: ties occur
    np.testing.assert_array_equal(block_spins(-s8, 4), -block_spins(s8, 4))
    with pytest.raises(ValueError, match="divisible by 4"):
        block_spins(s[:, :10, :10], 4)


def test_pooled_networks_are_shared_by_all_sizes(datasets, tmp_path):
    from spinnet.phases.pipeline import load_networks, train_pooled

    windows = window_ensemble(ModelSpec(), 2)
    blocks = {L: d for L, d in datasets.items() if L % 4 == 0}
    nets = train_pooled(tmp_path, blocks, "fcnn", [((1.5, 2.0), (2.6, 3.3))], n_networks=2,
                        seed=0, epochs=3)
    assert sorted(nets) == [8, 12, 16] and all(len(v) == 2 for v in nets.values())
    # one network per k, applied to every size; held-out bookkeeping per size
    assert nets[8][0].module_ is nets[16][0].module_
    assert [nets[L][0].info_["n_train_per_T"] for L in (8, 12, 16)] == [18, 18, 18]
    assert nets[8][0].info_["pooled_sizes"] == [8, 12, 16]
    x8 = nets[8][0].predict_proba(blocks[8].spins, ModelSpec())
    assert x8.shape == blocks[8].spins.shape[:2] and np.all((x8 >= 0) & (x8 <= 1))
    r = evaluate(nets, blocks, held_out=True, n_boot=4, seed=0)
    assert r.representation == "blocks" and [p.L for p in r.peaks] == [8, 12, 16]
    # the stored networks are found again for every size, and other windows are refused
    again = load_networks(tmp_path, "fcnn", "blocks", ModelSpec(), [8, 12, 16], seed=0)
    assert sorted(again) == [8, 12, 16] and again[12][1].info_["n_train_per_T"] == 18
    with pytest.raises(ValueError, match="was trained with windows"):
        train_pooled(tmp_path, blocks, "fcnn", windows, n_networks=2, seed=0)
    with pytest.raises(ValueError, match="differ in shape"):
        train_pooled(tmp_path / "spins", blocks, "fcnn", windows, representation="spins")


def test_stalled_networks_are_the_validation_loss_outliers_of_an_ensemble():
    from types import SimpleNamespace

    from spinnet.phases.pipeline import STALL_FACTOR, stalled_networks

    def nets(*losses):
        return [SimpleNamespace(info_={"best_val_loss": v, "epochs": 7 + i})
                for i, v in enumerate(losses)]

    # the measured case: a Baxter-Wu FCNN at L = 48 stopped at epoch 7 on a plateau
    found = stalled_networks({36: nets(0.029, 0.033, 0.035), 48: nets(0.035, 0.193, 0.022)})
    assert found == [{"L": 48, "k": 1, "val_loss": 0.193, "median": 0.035, "epochs": 8}]
    # a spread below the factor, two networks (no meaningful median), NaN losses: not flagged
    assert STALL_FACTOR == 5.0
    assert stalled_networks({16: nets(0.1, 0.2, 0.45)}) == []
    assert stalled_networks({16: nets(0.01, 1.0)}) == []
    assert stalled_networks({16: nets(0.01, float("nan"), 1.0)}) == []
    assert stalled_networks({16: nets(0.1, 0.1, 0.45)}, factor=4.0)[0]["k"] == 2
