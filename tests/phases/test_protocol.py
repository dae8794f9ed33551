"""Per-size protocol: symmetry augmentation, Baxter-Wu gauge, side-of-T_c labels."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.models import SquareIsing
from spinnet.phases.data import GenerationConfig, ModelSpec, energy_configurations, generate, load
from spinnet.phases.training import (
    D4,
    _augment,
    baxter_wu_gauge,
    lattice_image,
    prepare_inputs,
    train_classifier,
)

torch = pytest.importorskip("torch")

CFG = GenerationConfig(n_samples=40, n_chains=2, snapshots_per_chunk=10, sweeps_between=2,
                       n_thermalize=20)
FM, PM = (1.5, 1.8), (3.2, 3.6)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("protocol") / "ising_L8.h5"
    return load(generate(path, ModelSpec(), 8, [1.5, 1.8, 2.27, 3.2, 3.6], CFG, rng=3))


def _tiny_ising(path, T, sizes=(8,), seed=None):
    """Eight Swendsen-Wang snapshots per temperature of the isotropic Ising model per size
    (seeded by ``seed``, or by ``L`` when it is None)."""
    cfg = GenerationConfig(n_samples=8, n_chains=2, snapshots_per_chunk=4, sweeps_between=1,
                           n_thermalize=10)
    return {L: load(generate(path / f"ising_L{L}.h5", ModelSpec(), L, T, cfg,
                             rng=L if seed is None else seed)) for L in sizes}


def _ising_energy(s, J_h=1.0, J_v=1.0):
    s = np.asarray(s).astype(np.int8)
    return SquareIsing(s.shape[-1], J_h=J_h, J_v=J_v).energy(s.reshape(*s.shape[:-2], -1))


def test_lattice_image_is_the_d4_group_and_a_symmetry_of_isotropic_ising(rng):
    s = (2 * rng.integers(0, 2, size=(7, 7)) - 1).astype(np.int8)
    images = [lattice_image(s, (2, 5), g) for g in range(8)]
    # eight distinct images of a generic configuration: the group has eight elements
    assert len({im.tobytes() for im in images}) == 8
    assert D4[0] == (0, False) and D4[5] == (1, True)
    np.testing.assert_array_equal(lattice_image(s, (0, 0), 1), np.rot90(s))
    np.testing.assert_array_equal(lattice_image(s, (0, 0), 4), np.fliplr(s))
    e0 = _ising_energy(s)
    for im in images:
        assert _ising_energy(im) == pytest.approx(e0, abs=1e-12)
    # a quarter turn is not a symmetry when J_h != J_v (why point_group is refused there)
    assert any(abs(_ising_energy(lattice_image(s, (0, 0), g), 1.0, 0.5)
                   - _ising_energy(s, 1.0, 0.5)) > 1e-9 for g in (1, 3))
    with pytest.raises(ValueError, match=r"element must be in 0\.\.7"):
        lattice_image(s, (0, 0), 8)


def test_augmented_batches_are_exact_symmetry_images(rng):
    x = (2 * rng.integers(0, 2, size=(5, 1, 6, 6)) - 1).astype(np.float32)
    gen = torch.Generator().manual_seed(11)
    seen = set()
    for _ in range(60):
        xb = _augment(torch.from_numpy(x), gen, True, True).numpy()
        matches = [(a, b, g) for a in range(6) for b in range(6) for g in range(8)
                   if np.array_equal(xb, lattice_image(x, (a, b), g))]
        assert matches, "an augmented batch is not a lattice symmetry image of the batch"
        seen.add(matches[0][2])
        # the same transformation for every sample of the batch; energies unchanged
        np.testing.assert_allclose(_ising_energy(xb[:, 0]), _ising_energy(x[:, 0]))
    assert seen == set(range(8))  # every element of D4 is drawn
    # without point_group the draws are those of the translation-only augmentation
    g1, g2 = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    a = _augment(torch.from_numpy(x), g1, True, False)
    shift = torch.randint(0, 6, (2,), generator=g2)
    np.testing.assert_array_equal(a.numpy(), lattice_image(x, tuple(int(v) for v in shift)))


def test_point_group_training_is_deterministic_and_resumes_exactly(data, tmp_path):
    kw = dict(epochs=3, patience=10, batch_size=16, point_group=True, rng=7)
    arrays = (data.spins, data.temperatures)
    a = train_classifier(*arrays, "fcnn", FM, PM, **kw)
    b = train_classifier(*arrays, "fcnn", FM, PM, **kw)
    c = train_classifier(*arrays, "fcnn", FM, PM, **{**kw, "point_group": False})
    for x, y in zip(a.module_.state_dict().values(), b.module_.state_dict().values(),
                    strict=True):
        assert torch.equal(x, y)
    assert any(not torch.equal(x, y) for x, y in zip(a.module_.state_dict().values(),
                                                     c.module_.state_dict().values(),
                                                     strict=True))
    assert a.get_params()["point_group"] is True

    class Killed(Exception):
        pass

    def kill(stage, epoch, total):
        if epoch == 2:
            raise Killed

    ckpt = tmp_path / "pg.ckpt"
    with pytest.raises(Killed):
        train_classifier(*arrays, "fcnn", FM, PM, checkpoint=ckpt, progress=kill, **kw)
    resumed = train_classifier(*arrays, "fcnn", FM, PM, checkpoint=ckpt, **kw)
    for x, y in zip(a.module_.state_dict().values(), resumed.module_.state_dict().values(),
                    strict=True):
        assert torch.equal(x, y)
    path = a.save(tmp_path / "net")
    from spinnet.phases import PhaseClassifier

    assert PhaseClassifier.load(path).point_group is True


def test_point_group_is_refused_where_d4_is_no_symmetry(data):
    arrays = (data.spins, data.temperatures)
    with pytest.raises(ValueError, match="point_group=True needs"):
        train_classifier(*arrays, "cnn", FM, PM, representation="energy", point_group=True)
    with pytest.raises(ValueError, match="point_group=True needs"):
        train_classifier(*arrays, "cnn", FM, PM, model=ModelSpec("ising", 1.0, 0.5, 0.0),
                         point_group=True)
    with pytest.raises(TypeError, match="point_group must be a bool"):
        train_classifier(*arrays, "cnn", FM, PM, point_group="yes")


def _bw_energy(s):
    return energy_configurations(s, "baxter-wu").sum(axis=(-1, -2, -3))


def test_baxter_wu_gauge_picks_one_image_of_the_sublattice_symmetry(rng):
    L = 6
    sub = (np.arange(L)[:, None] + np.arange(L)[None, :]) % 3
    pair_flips = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=np.int8)
    # the four ground states (E = -2 L^2 per J) all map to the all-up state
    for signs in pair_flips:
        ground = signs[sub]
        assert _bw_energy(ground) == -2 * L * L
        np.testing.assert_array_equal(baxter_wu_gauge(ground), np.ones((L, L), np.int8))
    s = (2 * rng.integers(0, 2, size=(200, L, L)) - 1).astype(np.int8)
    g = baxter_wu_gauge(s)
    np.testing.assert_array_equal(_bw_energy(g), _bw_energy(s))  # a symmetry image
    m = np.stack([(s * (sub == k)).sum(axis=(-1, -2)) for k in range(3)], -1) @ pair_flips.T
    no_tie = np.sort(m, axis=-1)[:, -1] > np.sort(m, axis=-1)[:, -2]
    assert no_tie.sum() > 50
    for signs in pair_flips:  # the same representative from every image of the orbit
        np.testing.assert_array_equal(baxter_wu_gauge(s * signs[sub])[no_tie], g[no_tie])
    # a global flip is no Baxter-Wu symmetry: it reverses the energy, so it is not used
    assert np.any(_bw_energy(-s) != _bw_energy(s))
    x = prepare_inputs(s, ModelSpec("baxter-wu"), "spins")
    assert x.shape == (200, 1, L, L)
    np.testing.assert_array_equal(x[:, 0], g)
    with pytest.raises(ValueError, match="divisible by 3"):
        baxter_wu_gauge(np.ones((4, 4), np.int8))


def test_side_windows_label_every_temperature_but_t_c():
    from spinnet.phases.pipeline import default_grid, side_windows, window_ensemble
    from spinnet.phases.training import check_windows

    for model in (ModelSpec(), ModelSpec("ising", 1.0, 2.0, 0.0), ModelSpec("baxter-wu")):
        tc = model.critical_temperature
        T = default_grid(model)
        fm, pm = side_windows(model)
        fm_idx, pm_idx = check_windows(T, fm, pm)
        unlabelled = np.setdiff1d(np.arange(len(T)), np.concatenate([fm_idx, pm_idx]))
        # only T_c itself (a grid point) is left out; every other temperature is labelled
        # by its side of T_c
        np.testing.assert_allclose(T[unlabelled], [tc], rtol=1e-6)
        assert np.all(T[fm_idx] < tc) and np.all(T[pm_idx] > tc)
        assert window_ensemble(model, 3, protocol="per-size") == [(fm, pm)] * 3
    assert window_ensemble(ModelSpec(), 2) != window_ensemble(ModelSpec(), 2,
                                                               protocol="per-size")
    with pytest.raises(ValueError, match="protocol must be one of"):
        window_ensemble(ModelSpec(), 2, protocol="blocks")


def test_train_sizes_defaults_to_side_of_t_c_labels(tmp_path):
    from spinnet.phases.pipeline import side_windows, train_sizes

    model = ModelSpec()
    tc = model.critical_temperature
    ds = _tiny_ising(tmp_path, [1.6, 2.0, tc, 2.6, 3.0], seed=1)
    nets = train_sizes(tmp_path / "out", ds, "fcnn", n_networks=2, seed=0, epochs=1)
    fm, pm = side_windows(model)
    for clf in nets[8]:
        assert (clf.info_["fm_window"], clf.info_["pm_window"]) == (list(fm), list(pm))
        assert clf.info_["train_index"] == [0, 1, 3, 4]   # all but T_c


def test_temperature_weights_are_the_trapezoid_share_of_the_axis():
    from spinnet.phases.training import temperature_weights

    np.testing.assert_allclose(temperature_weights([1.0, 2.0, 3.0, 4.0], [0, 1, 2, 3]),
                               [1.0, 1.0, 1.0, 1.0])
    # dense near the middle: 1.0, 2.0, 2.1, 2.2, 3.2 -> half-widths 1, 0.55, 0.1, 0.55, 1
    T = np.array([2.2, 1.0, 3.2, 2.0, 2.1])        # unsorted on purpose
    w = temperature_weights(T, [1, 3, 4, 0, 2])
    raw = np.array([1.0, 0.55, 0.1, 0.55, 1.0])
    np.testing.assert_allclose(w, raw / raw.mean())
    # a subset is normalised over the subset, T_c (index 4 here) left out
    w2 = temperature_weights(T, [1, 3, 0, 2])
    sub = np.array([1.0, 0.55, 0.55, 1.0])
    np.testing.assert_allclose(w2, sub / sub.mean())
    with pytest.raises(ValueError, match="distinct"):
        temperature_weights([1.0, 1.0, 2.0], [0, 1])
    with pytest.raises(ValueError, match="two grid temperatures"):
        temperature_weights([1.0], [0])


def test_sample_weights_enter_the_loss(data):
    from spinnet.phases.training import PhaseClassifier, _evaluate

    x = prepare_inputs(data.spins[[0, 4], :30].reshape(-1, 8, 8), data.model, "spins")
    y = np.repeat([0, 1], 30)
    kw = dict(epochs=3, patience=10, batch_size=16)
    plain = PhaseClassifier("fcnn", **kw).fit(x, y, rng=2)
    # constant weights (any scale) are the unweighted loss
    same = PhaseClassifier("fcnn", **kw).fit(x, y, sample_weight=np.full(60, 7.0), rng=2)
    for a, b in zip(plain.module_.state_dict().values(), same.module_.state_dict().values(),
                    strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    # weighting changes training, and the weighted validation loss is sum(w l) / sum(w)
    w = np.where(np.arange(60) % 2 == 0, 3.0, 0.5)
    weighted = PhaseClassifier("fcnn", **kw).fit(x, y, sample_weight=w, rng=2)
    assert not np.allclose(weighted.predict_proba(x), plain.predict_proba(x))
    xt, yt = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)
    wt = torch.from_numpy((w / w.mean()).astype(np.float32))
    with torch.no_grad():
        ce = torch.nn.functional.cross_entropy(weighted.module_(xt), yt, reduction="none")
        acc_ref = float((weighted.module_(xt).argmax(1) == yt).float().mean())
    loss, acc = _evaluate(weighted.module_, xt, yt, wt)
    assert loss == pytest.approx(float((ce * wt).sum() / wt.sum()), rel=1e-5)
    assert acc == pytest.approx(acc_ref)              # the accuracy is not weighted
    for bad, match in ((np.ones(5), "one entry per sample"), (-w, r"finite, >= 0"),
                       (np.zeros(60), "not all 0"), (np.full(60, np.nan), "finite")):
        with pytest.raises(ValueError, match=match):
            PhaseClassifier("fcnn", **kw).fit(x, y, sample_weight=bad, rng=2)


def test_uniform_temperature_prior_weights_by_grid_spacing(data):
    from spinnet.phases.training import PhaseClassifier, temperature_weights

    T = data.temperatures                       # 1.5, 1.8, 2.27, 3.2, 3.6: uneven
    kw = dict(epochs=2, patience=10, batch_size=16)
    clf = train_classifier(data.spins, T, "fcnn", FM, PM, model=data.model, rng=4,
                           temperature_prior="uniform", **kw)
    assert clf.info_["temperature_prior"] == "uniform"
    # the same as fitting by hand with the trapezoid weights of the labelled temperatures
    idx = np.array(clf.info_["train_index"])
    n = clf.info_["n_train_per_T"]
    x = prepare_inputs(data.spins[idx, :n].reshape(-1, 8, 8), data.model, "spins")
    y = np.repeat((T[idx] > 2.5).astype(int), n)
    manual = PhaseClassifier("fcnn", **kw).fit(
        x, y, sample_weight=np.repeat(temperature_weights(T, idx), n), rng=4)
    for a, b in zip(clf.module_.state_dict().values(), manual.module_.state_dict().values(),
                    strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    grid = train_classifier(data.spins, T, "fcnn", FM, PM, model=data.model, rng=4, **kw)
    assert grid.info_["temperature_prior"] == "grid"
    with pytest.raises(ValueError, match="temperature_prior must be one of"):
        train_classifier(data.spins, T, "fcnn", FM, PM, temperature_prior="flat")


def test_train_sizes_refuses_networks_of_another_temperature_prior(tmp_path):
    from spinnet.phases.data import StoreConflict
    from spinnet.phases.pipeline import train_sizes

    ds = _tiny_ising(tmp_path, [1.6, 2.0, ModelSpec().critical_temperature, 2.6, 3.0], seed=1)
    out = tmp_path / "out"
    nets = train_sizes(out, ds, "fcnn", seed=0, epochs=1)          # default: uniform
    assert nets[8][0].info_["temperature_prior"] == "uniform"
    with pytest.raises(StoreConflict, match=r"temperature prior 'uniform'.*'grid'"):
        train_sizes(out, ds, "fcnn", seed=0, epochs=1, temperature_prior="grid")
    again = train_sizes(out, ds, "fcnn", seed=0, epochs=1, temperature_prior="grid",
                        overwrite=True)
    assert again[8][0].info_["temperature_prior"] == "grid"
    with pytest.raises(ValueError, match="temperature_prior must be one of"):
        train_sizes(out, ds, "fcnn", temperature_prior="Uniform")


def test_evaluate_warns_about_a_stalled_ensemble_member(tmp_path):
    from spinnet.phases.pipeline import evaluate, train_sizes

    T = [1.6, 2.0, 2.2, ModelSpec().critical_temperature, 2.4, 2.6, 3.0]
    ds = _tiny_ising(tmp_path, T, sizes=(4, 6, 8))
    nets = train_sizes(tmp_path / "out", ds, "fcnn", n_networks=3, seed=0, epochs=1)
    assert evaluate(nets, ds, held_out=True, n_boot=2).stalled == ()
    losses = [c.info_["best_val_loss"] for c in nets[6]]
    nets[6][2] = nets[6][2].view(best_val_loss=10 * max(losses))
    with pytest.warns(RuntimeWarning, match=r"fcnn training stalled \(L = 6 network 2"):
        res = evaluate(nets, ds, held_out=True, n_boot=2)
    assert [(d["L"], d["k"]) for d in res.stalled] == [(6, 2)]
