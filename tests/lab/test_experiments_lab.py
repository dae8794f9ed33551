"""spinnet.experiments.lab: the pipelines behind the lab, checked against the library."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.experiments import lab


def test_resize_nearest():
    img = np.arange(4).reshape(1, 2, 2)
    big = lab.resize_nearest(img, 4, 6)
    assert big.shape == (1, 4, 6)
    assert np.array_equal(big[0], np.repeat(np.repeat(img[0], 2, axis=0), 3, axis=1))
    assert np.array_equal(lab.resize_nearest(big, 2, 2), img)


def test_lab_patterns_same_seed_same_patterns():
    a, la = lab.lab_patterns("random", 4, 10, 12, rng=3)
    b, lb = lab.lab_patterns("random", 4, 10, 12, rng=3)
    c, _ = lab.lab_patterns("random", 4, 10, 12, rng=4)
    assert a.shape == (4, 10, 12) and np.array_equal(a, b) and la == lb
    assert not np.array_equal(a, c)
    d, labels = lab.lab_patterns("digits", 12, 8, 8, rng=0)
    assert d.shape == (12, 8, 8)
    assert labels[:10] == [str(k) for k in range(10)] and labels[10:] == ["0", "1"]
    with pytest.raises(ValueError, match="source"):
        lab.lab_patterns("fonts", 1, 8, 8)


def test_phase_region_and_ags_point_agree_with_theory():
    from spinnet.theory.hopfield import ags_solve

    region, m, T_M = lab.phase_region(0.05, 0.3)
    assert region == "retrieval" and m == pytest.approx(ags_solve(0.05, 0.3).m)
    assert lab.phase_region(0.05, T_M + 0.01)[:2] == ("outside", 0.0)
    assert lab.phase_region(0.2, 0.0)[:2] == ("outside", 0.0)    # beyond alpha_c
    pt = lab.ags_point(0.02, 0.1)
    assert pt["phase"] == "retrieval" and pt["T_c"] < pt["T_M"] < pt["T_g"]


def test_rbm_stepper_follows_the_pl_gradient_with_momentum():
    torch = pytest.importorskip("torch")
    from spinnet.boltzmann.rbm import RBM, pl_gradient

    gen = torch.Generator().manual_seed(0)
    x = torch.bernoulli(torch.full((16, 6), 0.4), generator=gen).double()
    rbm = RBM(6, 3, rng=1)
    ref = RBM(6, 3, rng=1)
    step = lab.RBMStepper(rbm, "pl", learning_rate=0.1, momentum=0.5, rng=0)
    v = {k: torch.zeros_like(p) for k, p in ref.params.items()}
    for _ in range(2):
        g = pl_gradient(ref, x)
        for k in v:
            v[k] = 0.5 * v[k] + 0.1 * g[k]
        ref.W, ref.b, ref.c = ref.W + v["W"], ref.b + v["b"], ref.c + v["c"]
        step.step(x)
    assert step.updates == 2
    for k in ("W", "b", "c"):
        assert torch.allclose(rbm.params[k], ref.params[k], atol=1e-12)


def test_rbm_stepper_same_seed_same_training_and_sml_chains_move():
    torch = pytest.importorskip("torch")
    from spinnet.boltzmann.rbm import RBM

    x = torch.bernoulli(torch.full((20, 8), 0.3), generator=torch.Generator().manual_seed(2))
    Ws = []
    for seed in (5, 5, 6):
        rbm = RBM(8, 4, rng=0, dtype=torch.float32)
        st = lab.RBMStepper(rbm, "pcd", k=1, batch_size=10, rng=seed)
        chains0 = st.state.chains.clone()
        for i in range(3):
            st.step(x[i % 2 * 10:(i % 2 + 1) * 10])
        assert not torch.equal(st.state.chains, chains0)
        Ws.append(rbm.W.clone())
    assert torch.equal(Ws[0], Ws[1]) and not torch.equal(Ws[0], Ws[2])


def test_rbm_filters_and_monitor():
    torch = pytest.importorskip("torch")
    from spinnet.boltzmann.rbm import RBM

    rbm = RBM(6, 3, rng=0)
    rbm.W = rbm.W * torch.tensor([1.0, 30.0, 5.0])
    filters, order = lab.rbm_filters(rbm, 2, 3, k=2)
    assert order == [1, 2] and filters.shape == (2, 2, 3)
    assert np.allclose(filters[0].reshape(-1), rbm.W[:, 1].numpy())
    x = torch.bernoulli(torch.full((5, 6), 0.5), generator=torch.Generator().manual_seed(0))
    x = x.double()
    row = lab.rbm_monitor(rbm, x, x[:3], x[:2])
    assert row["free_energy_train"] == pytest.approx(float(rbm.free_energy(x).mean()))
    assert row["free_energy_test"] == pytest.approx(float(rbm.free_energy(x[:3]).mean()))
    assert -np.log(2) * 1.5 < row["pseudo_likelihood"] < 0
    assert lab.rbm_monitor(rbm, x, x)["pseudo_likelihood"] is None


def test_ising_theory_isotropic_only_for_onsager():
    from spinnet.theory.ising import energy_per_spin

    assert lab.ising_theory(2.0, 2.0, 2.0)["energy"] == pytest.approx(energy_per_spin(2.0, 2.0))
    assert lab.ising_theory(2.0, 1.0, 2.0)["energy"] is None
