"""Configurations: energy transform, HDF5 storage, resumption, corruption detection."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from spinnet.models import BaxterWu, SquareIsing
from spinnet.phases.data import (
    DataFileError,
    GenerationConfig,
    ModelSpec,
    dense_grid,
    energy_configurations,
    generate,
    load,
)
from spinnet.theory.ising import kaufman_energy_per_spin

SMALL = GenerationConfig(n_samples=20, n_chains=2, snapshots_per_chunk=5, sweeps_between=2,
                         n_thermalize=10)


@pytest.mark.parametrize("J_h,J_v,J_d", [(1.0, 1.0, 0.0), (1.0, 0.5, 0.0), (0.7, 1.3, 0.4)])
def test_ising_energy_configuration_sums_to_energy(rng, J_h, J_v, J_d):
    L = 6
    s = (2 * rng.integers(0, 2, size=(5, L, L)) - 1).astype(np.int8)
    eps = energy_configurations(s, ModelSpec("ising", J_h, J_v, J_d))
    assert eps.shape == (5, 3 if J_d else 2, L, L) and eps.dtype == np.int8
    coup = np.array([J_h, J_v, J_d][:eps.shape[1]])
    e = np.einsum("bcij,c->b", eps.astype(float), coup)
    np.testing.assert_allclose(e, SquareIsing(L, J_h, J_v, J_d).energy(s.reshape(5, -1)))


def test_baxter_wu_energy_configuration_sums_to_energy(rng):
    L = 6
    s = (2 * rng.integers(0, 2, size=(4, L, L)) - 1).astype(np.int8)
    eps = energy_configurations(s, "baxter-wu")
    assert eps.shape == (4, 2, L, L)
    np.testing.assert_allclose(eps.sum(axis=(1, 2, 3)), BaxterWu(L).energy(s.reshape(4, -1)))
    # ground states: every triangle satisfied
    gs = np.ones((L, L), np.int8)
    assert np.all(energy_configurations(gs, "baxter-wu") == -1)


def test_energy_configuration_rejects_bad_input():
    with pytest.raises(ValueError, match="spins"):
        energy_configurations(np.zeros((4, 4)), "ising")
    with pytest.raises(ValueError, match="model"):
        energy_configurations(np.ones((4, 4)), "potts")
    with pytest.raises(ValueError, match="L, L"):
        energy_configurations(np.ones((4, 5)), "ising")


def test_model_spec_and_grid_validation():
    with pytest.raises(ValueError, match="model"):
        ModelSpec("xy")
    with pytest.raises(ValueError, match="ferromagnet"):
        ModelSpec("ising", J_v=-1.0)
    with pytest.raises(ValueError, match=">= 4"):
        ModelSpec().build(3)
    with pytest.raises(ValueError, match="multiple of 3"):
        ModelSpec("baxter-wu").build(8)
    g = dense_grid(2.269, train_windows=[(1.6, 1.9)])
    assert np.all(np.diff(g) > 0) and g.min() <= 1.6 and np.sum(np.abs(g - 2.269) < 0.1) >= 19
    assert ModelSpec("ising", 1, 1, 1).critical_temperature == pytest.approx(4 / np.log(3))


def test_generate_validates_arguments(tmp_path):
    with pytest.raises(ValueError, match="L must be >= 4"):
        generate(tmp_path / "a.h5", ModelSpec(), 2, [2.0, 2.5], SMALL)
    with pytest.raises(ValueError, match="increasing"):
        generate(tmp_path / "a.h5", ModelSpec(), 8, [2.5, 2.0], SMALL)
    with pytest.raises(TypeError, match="seed"):
        generate(tmp_path / "a.h5", ModelSpec(), 8, [2.0, 2.5], SMALL, rng=None)
    with pytest.raises(ValueError, match="multiple"):
        GenerationConfig(n_samples=21, n_chains=2, snapshots_per_chunk=5)


def test_generate_and_load_roundtrip(tmp_path):
    T = [1.8, 2.3, 3.0]
    path = generate(tmp_path / "i.h5", ModelSpec(), 8, T, SMALL, rng=4)
    d = load(path)
    assert d.spins.shape == (3, 20, 8, 8) and d.spins.dtype == np.int8
    assert set(np.unique(d.spins)) <= {-1, 1}
    np.testing.assert_allclose(d.temperatures, T)
    assert np.all(np.isfinite(d.tau_energy)) and np.all(np.isfinite(d.tau_abs_m))
    # stored energies and magnetisations are those of the stored snapshots
    model = SquareIsing(8)
    np.testing.assert_allclose(d.energy, model.energy(d.spins.reshape(3, 20, 64)) / 64)
    np.testing.assert_allclose(d.magnetization, d.spins.mean(axis=(2, 3)))
    assert d.attrs["seed"] == 4 and d.attrs["sampler"] == "sw" and d.attrs["L"] == 8
    with h5py.File(path) as f:
        assert f["spins"].compression == "gzip" and f["spins"].chunks == (1, 10, 8, 8)
    # a rerun of a complete file is a no-op; different arguments are refused
    generate(path, ModelSpec(), 8, T, SMALL, rng=4)
    np.testing.assert_array_equal(load(path).spins, d.spins)
    with pytest.raises(ValueError, match="different seed"):
        generate(path, ModelSpec(), 8, T, SMALL, rng=5)
    with pytest.raises(ValueError, match="temperature grid"):
        generate(path, ModelSpec(), 8, [1.8, 2.3, 3.1], SMALL, rng=4)


def test_resume_after_interruption_is_identical(tmp_path):
    T = [2.0, 2.4]
    full = load(generate(tmp_path / "full.h5", ModelSpec(), 8, T, SMALL, rng=7))
    part = tmp_path / "part.h5"
    for n in (1, 2):  # two interruptions (of 4 chunks), then completion
        generate(part, ModelSpec(), 8, T, SMALL, rng=7, stop_after_chunks=n)
        with pytest.raises(DataFileError, match="incomplete"):
            load(part)
    resumed = load(generate(part, ModelSpec(), 8, T, SMALL, rng=7))
    np.testing.assert_array_equal(resumed.spins, full.spins)
    np.testing.assert_array_equal(resumed.energy, full.energy)
    # snapshots within a chain are distinct states of one continued chain (no duplicates)
    flat = resumed.spins.reshape(2, 20, -1)
    for t in range(2):
        assert len({row.tobytes() for row in flat[t]}) > 15


def test_baxter_wu_generation(tmp_path):
    cfg = GenerationConfig(n_samples=8, n_chains=2, snapshots_per_chunk=4, sweeps_between=5,
                           n_thermalize=20, start="up")
    d = load(generate(tmp_path / "bw.h5", ModelSpec("baxter-wu"), 6, [1.5, 4.0], cfg, rng=1))
    assert d.attrs["sampler"] == "metropolis"
    np.testing.assert_allclose(d.energy, BaxterWu(6).energy(d.spins.reshape(2, 8, 36)) / 36)
    # far below T_c nearly every triangle is satisfied, far above about half are
    assert d.energy[0].mean() < -1.8 and d.energy[1].mean() > -1.2


def test_corrupted_and_truncated_files_are_detected(tmp_path):
    path = generate(tmp_path / "c.h5", ModelSpec(), 8, [2.0, 2.5], SMALL, rng=2)
    with h5py.File(path, "r+") as f:
        f["spins"][1, 3, 0, 0] *= -1
    with pytest.raises(DataFileError, match=r"checksum mismatch at T = 2\.5"):
        load(path)
    raw = path.read_bytes()
    trunc = tmp_path / "t.h5"
    trunc.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataFileError, match="truncated or corrupt"):
        load(trunc)
    junk = tmp_path / "j.h5"
    junk.write_bytes(b"not an hdf5 file")
    with pytest.raises(DataFileError, match="truncated or corrupt"):
        load(junk)
    with pytest.raises(DataFileError, match="no such"):
        load(tmp_path / "missing.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.attrs["format"] = "something else"
    with pytest.raises(DataFileError, match=r"not a spinnet\.phases"):
        load(tmp_path / "other.h5")


def test_sampled_energy_matches_kaufman(tmp_path):
    """Snapshot energies agree with Kaufman's exact finite-lattice energy (L = 8)."""
    cfg = GenerationConfig(n_samples=400, n_chains=4, snapshots_per_chunk=50, sweeps_between=3,
                           n_thermalize=50)
    T = np.array([1.8, 2.3, 3.0])
    d = load(generate(tmp_path / "k.h5", ModelSpec(), 8, T, cfg, rng=11))
    exact = kaufman_energy_per_spin(8, T)
    for t in range(3):
        # error of the mean with the measured autocorrelation time between snapshots
        err = d.energy[t].std(ddof=1) * np.sqrt(2 * max(d.tau_energy[t], 0.5) / 400)
        assert abs(d.energy[t].mean() - exact[t]) < 4 * err


def test_ctrl_c_is_held_until_a_chunk_is_written():
    """SIGINT inside the chunk write is delivered after it, as KeyboardInterrupt."""
    import os
    import signal

    from spinnet.phases.data import _DeferInterrupt

    steps = []
    with pytest.raises(KeyboardInterrupt):
        with _DeferInterrupt():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("after the signal")  # the rest of the unit still runs
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
