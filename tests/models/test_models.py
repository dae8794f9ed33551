"""Models: energies and local fields against dense/NumPy references, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.models import (
    BaxterWu,
    DenseIsing,
    EdwardsAnderson,
    SherringtonKirkpatrick,
    SquareIsing,
)


def random_spins(rng, shape):
    return (2 * rng.integers(0, 2, size=shape) - 1).astype(np.int8)


def square_energy_reference(s, J_h, J_v, J_d, h):
    """Direct lattice sum with np.roll (independent of the bond tables)."""
    L = int(np.sqrt(s.shape[-1]))
    a = s.reshape(*s.shape[:-1], L, L).astype(float)
    right = np.roll(a, -1, axis=-1)
    down = np.roll(a, -1, axis=-2)
    diag = np.roll(down, -1, axis=-1)
    return -(J_h * (a * right) + J_v * (a * down) + J_d * (a * diag) + h * a).sum(axis=(-1, -2))


@pytest.mark.parametrize("L", [2, 3, 4, 5])
@pytest.mark.parametrize("J", [(1.0, 1.0, 0.0, 0.0), (1.0, 0.4, -0.3, 0.2), (-1.0, 0.5, 0.0, 0.0)])
def test_square_energy_matches_roll_and_dense(L, J, rng):
    model = SquareIsing(L, *J)
    s = random_spins(rng, (7, L * L))
    ref = square_energy_reference(s, *J)
    np.testing.assert_allclose(model.energy(s), ref, atol=1e-12)
    dense = DenseIsing(model.to_dense(), model.field)
    np.testing.assert_allclose(dense.energy(s), ref, atol=1e-12)
    np.testing.assert_allclose(dense.local_field(s), model.local_field(s), atol=1e-12)


def test_delta_energy_is_energy_difference(rng):
    for model in (SquareIsing(4, 1.0, 0.6, 0.3, 0.1), BaxterWu(3), EdwardsAnderson(3, 3, rng=1),
                  SherringtonKirkpatrick(9, rng=2, h=0.3)):
        s = random_spins(rng, (3, model.n_spins))
        dE = model.delta_energy(s)
        for i in range(model.n_spins):
            t = s.copy()
            t[:, i] *= -1
            np.testing.assert_allclose(dE[:, i], model.energy(t) - model.energy(s), atol=1e-10)


def test_baxter_wu_energy_reference(rng):
    L = 6
    model = BaxterWu(L, J=0.7)
    s = random_spins(rng, (4, L * L))
    a = s.reshape(4, L, L).astype(float)
    right = np.roll(a, -1, axis=-1)
    down = np.roll(a, -1, axis=-2)
    diag = np.roll(down, -1, axis=-1)
    ref = -0.7 * ((a * right * diag) + (a * down * diag)).sum(axis=(-1, -2))
    np.testing.assert_allclose(model.energy(s), ref)
    assert model.energy(np.ones(L * L)) == pytest.approx(model.ground_state_energy)
    # three-sublattice ground state: two sublattices down
    r, c = np.divmod(np.arange(L * L), L)
    gs = np.where((r + c) % 3 == 0, 1, -1)
    assert model.energy(gs) == pytest.approx(model.ground_state_energy)


@pytest.mark.parametrize("model", [SquareIsing(4), SquareIsing(6, J_d=0.5), SquareIsing(5),
                                   BaxterWu(6), EdwardsAnderson(3, 3, rng=0),
                                   EdwardsAnderson(4, 2, rng=0)])
def test_colorings_are_proper(model):
    colors = model.coloring()
    if hasattr(model, "site_triangles"):
        nb = model.site_triangles.reshape(model.n_spins, -1)
    else:
        nb = model.neighbors
    assert np.all(colors[:, None] != colors[nb])


def test_ground_state_energies():
    assert SquareIsing(4).ground_state_energy == -32
    assert SquareIsing(4).energy(np.ones(16)) == -32
    m = SquareIsing(4, J_h=-1.0, J_v=0.5)
    c = np.arange(16) % 4
    stripes = np.where(c % 2 == 0, 1, -1)
    assert m.energy(stripes) == pytest.approx(m.ground_state_energy)
    assert SquareIsing(3, J_h=-1.0).ground_state_energy is None


def test_sk_statistics():
    model = SherringtonKirkpatrick(400, rng=0, J0=2.0)
    J = model.couplings
    assert np.allclose(J, J.T) and np.all(np.diag(J) == 0)
    off = J[np.triu_indices(400, 1)]
    assert off.mean() * 400 == pytest.approx(2.0, abs=0.1)
    assert off.std() * np.sqrt(400) == pytest.approx(1.0, abs=0.02)


def test_ea_couplings():
    m = EdwardsAnderson(4, 3, "pm", rng=0)
    assert m.neighbors.shape == (64, 6)
    assert set(np.unique(m.bond_couplings)) <= {-1.0, 1.0}
    g = EdwardsAnderson(4, 2, "gaussian", rng=0)
    assert np.all(np.isfinite(g.bond_couplings)) and g.neighbors.shape == (16, 4)
    # neighbour table is symmetric: J_ij seen from i equals J_ji seen from j
    np.testing.assert_allclose(g.to_dense(), g.to_dense().T)
    assert EdwardsAnderson(4, 2, rng=5).bond_couplings.tolist() == \
        EdwardsAnderson(4, 2, rng=5).bond_couplings.tolist()


@pytest.mark.parametrize("bad,exc,match", [
    (lambda: SquareIsing(1), ValueError, "L"),
    (lambda: SquareIsing(2.0), TypeError, "L"),
    (lambda: SquareIsing(4, J_h=float("nan")), ValueError, "J_h"),
    (lambda: SquareIsing(4, h=float("inf")), ValueError, "h"),
    (lambda: BaxterWu(4), ValueError, "multiple of 3"),
    (lambda: BaxterWu(6, J=float("nan")), ValueError, "J"),
    (lambda: EdwardsAnderson(4, d=4), ValueError, "d"),
    (lambda: EdwardsAnderson(4, disorder="cauchy"), ValueError, "disorder"),
    (lambda: SherringtonKirkpatrick(1), ValueError, "N"),
    (lambda: DenseIsing([[0, 1], [2, 0]]), ValueError, "symmetric"),
    (lambda: DenseIsing([[1, 0], [0, 0]]), ValueError, "diagonal"),
    (lambda: DenseIsing([[0, np.nan], [np.nan, 0]]), ValueError, "couplings"),
    (lambda: DenseIsing(np.zeros((3, 3)), field=np.ones(2)), ValueError, "field"),
])
def test_bad_input(bad, exc, match):
    with pytest.raises(exc, match=match):
        bad()


def test_energy_rejects_bad_spins():
    m = SquareIsing(3)
    with pytest.raises(ValueError, match="spins"):
        m.energy(np.zeros(9))
    with pytest.raises(ValueError, match="N = 9"):
        m.energy(np.ones(8))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 5), st.floats(-2, 2), st.floats(-2, 2), st.floats(-2, 2),
       st.integers(0, 2**32 - 1))
def test_global_flip_symmetry_without_field(L, J_h, J_v, J_d, seed):
    model = SquareIsing(L, J_h, J_v, J_d)
    s = random_spins(np.random.default_rng(seed), (L * L,))
    assert model.energy(s) == pytest.approx(model.energy(-s), abs=1e-9)
