"""Acceptance numbers of issue 16 (slow): trained F_q against exact enumeration."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from spinnet.autoregressive import MADE, VAN  # noqa: E402
from spinnet.models.dense import SherringtonKirkpatrick  # noqa: E402
from spinnet.models.lattice import SquareIsing  # noqa: E402
from spinnet.theory.enumeration import exact_averages  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("model, T", [(SquareIsing(4), 2.0), (SquareIsing(4), 2.27),
                                      (SquareIsing(4), 3.0),
                                      (SherringtonKirkpatrick(16, rng=7), 0.5),
                                      (SherringtonKirkpatrick(16, rng=7), 1.0)],
                         ids=["ising-2.0", "ising-2.27", "ising-3.0", "sk-0.5", "sk-1.0"])
def test_trained_free_energy_bound_and_importance_sampling(model, T):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    F = -T * exact_averages(model, T).log_z / 16
    van = VAN(model, MADE(16, depth=3, width=8, z2=True))
    van.fit(T, n_steps=1500, batch_size=1000, beta_anneal=0.99, learning_rate=3e-3, rng=1)
    f, err = van.free_energy(50_000, rng=2)
    assert f > F - 3 * err                         # variational bound, within error
    assert f - F <= 1e-3 * abs(F)
    nis = van.importance_sampling(50_000, rng=3)
    assert abs(nis.free_energy - F) < 3 * nis.free_energy_err
