"""Naive mean-field and Bethe free energies against exact results and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("torch")

from spinnet.autoregressive.bounds import (
    bethe_free_energy,
    naive_mean_field_free_energy,
)
from spinnet.models.dense import DenseIsing, SherringtonKirkpatrick
from spinnet.models.lattice import SquareIsing
from spinnet.theory.enumeration import exact_averages


def _random_tree(n, seed):
    rng = np.random.default_rng(seed)
    J = np.zeros((n, n))
    for i in range(1, n):
        p = rng.integers(0, i)
        J[i, p] = J[p, i] = rng.normal()
    return DenseIsing(J, field=0.5 * rng.normal(size=n))


@pytest.mark.parametrize("T", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("seed", [0, 1])
def test_bethe_is_exact_on_trees(T, seed):
    model = _random_tree(12, seed)
    r = bethe_free_energy(model, T)
    assert r.converged
    exact = -T * exact_averages(model, T).log_z / 12
    assert r.free_energy == pytest.approx(exact, abs=1e-10)
    # and so are its magnetisations
    from spinnet.theory.enumeration import exact_distribution

    states, p = exact_distribution(model, T)
    np.testing.assert_allclose(r.magnetization, p @ states, atol=1e-9)


@pytest.mark.parametrize("T", [3.0, 4.0, 10.0])
def test_bethe_square_lattice_paramagnet_closed_form(T):
    # above T_c^Bethe = 2/ln 2 the fixed point is u = 0: f = -T [ln 2 + 2 ln cosh(1/T)]
    r = bethe_free_energy(SquareIsing(8), T)
    assert r.converged
    assert r.free_energy == pytest.approx(-T * (math.log(2) + 2 * math.log(math.cosh(1 / T))),
                                          abs=1e-10)
    assert np.max(np.abs(r.magnetization)) < 1e-6


def test_bethe_square_lattice_orders_below_its_critical_temperature():
    tc = 2 / math.log(2)
    assert np.all(bethe_free_energy(SquareIsing(8), 0.97 * tc).magnetization > 0.1)
    assert np.max(np.abs(bethe_free_energy(SquareIsing(8), 1.03 * tc).magnetization)) < 1e-5


@pytest.mark.parametrize("model, T", [(SquareIsing(4), 2.0), (SquareIsing(4), 2.27),
                                      (SquareIsing(4), 3.0),
                                      (SherringtonKirkpatrick(14, rng=3), 0.5),
                                      (SherringtonKirkpatrick(14, rng=3), 1.0)])
def test_naive_mean_field_is_an_upper_bound(model, T):
    r = naive_mean_field_free_energy(model, T)
    exact = -T * exact_averages(model, T).log_z / model.n_spins
    assert r.free_energy >= exact


def test_naive_mean_field_square_lattice_curie_weiss():
    # uniform m = tanh(4 m / T): T_c^MF = 4; above it f = -T ln 2
    assert naive_mean_field_free_energy(SquareIsing(6), 5.0).free_energy == pytest.approx(
        -5.0 * math.log(2), abs=1e-10)
    r = naive_mean_field_free_energy(SquareIsing(6), 2.0)
    m = r.magnetization[0]
    assert m == pytest.approx(math.tanh(4 * m / 2.0), abs=1e-10) and m > 0.9
    f = -2 * m**2 - 2.0 * (math.log(2) - 0.5 * ((1 + m) * math.log(1 + m)
                                                 + (1 - m) * math.log(1 - m)))
    assert r.free_energy == pytest.approx(f, abs=1e-10)


def test_bounds_reject_bad_input():
    from spinnet.models.lattice import BaxterWu

    with pytest.raises(TypeError, match="pairwise"):
        bethe_free_energy(BaxterWu(3), 1.0)
    with pytest.raises(ValueError, match="T must be > 0"):
        naive_mean_field_free_energy(SquareIsing(4), 0.0)
