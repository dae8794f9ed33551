"""Houtappel's T_c for general (incl. negative diagonal) couplings, the disorder temperature,
and the models/specs that accept the same region (issue 15, item 3)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from spinnet.models import SquareIsing
from spinnet.phases.data import ModelSpec
from spinnet.phases.pipeline import model_tag
from spinnet.theory.ising import ONSAGER_TC, disorder_temperature, houtappel_tc


def _houtappel_root(J_h: float, J_v: float, J_d: float) -> float:
    """Independent root solve of sinh2K_h sinh2K_v + sinh2K_v sinh2K_d + sinh2K_d sinh2K_h = 1."""

    def f(T: float) -> float:
        a, b, c = (math.sinh(2 * J / T) for J in (J_h, J_v, J_d))
        return a * b + b * c + c * a - 1.0

    return brentq(f, 0.3, 20.0, xtol=1e-15, rtol=1e-15, maxiter=200)


@pytest.mark.parametrize("couplings", [(1.0, 1.0, -0.3), (1.0, 1.0, -0.45), (1.0, 0.7, -0.5),
                                       (2.0, 1.0, -0.9), (1.0, -0.4, 0.8)])
def test_houtappel_negative_coupling_matches_direct_root(couplings):
    tc = houtappel_tc(*couplings)
    assert tc == pytest.approx(_houtappel_root(*couplings), abs=1e-10)
    # Symmetric in the three bond directions.
    for perm in itertools.permutations(couplings):
        assert houtappel_tc(*perm) == pytest.approx(tc, rel=1e-13)


def test_houtappel_limits_and_monotone_in_negative_diagonal():
    assert houtappel_tc(1.0, 1.0, 0.0) == pytest.approx(ONSAGER_TC, rel=1e-14)
    assert houtappel_tc(1.0, 1.0, 1.0) == pytest.approx(4 / math.log(3), rel=1e-14)
    assert houtappel_tc(1.0, 1.0, -0.3) == pytest.approx(1.749339162933, abs=1e-11)
    jd = np.linspace(-0.95, 1.0, 40)
    tcs = np.array([houtappel_tc(1.0, 1.0, j) for j in jd])
    assert np.all(np.diff(tcs) > 0)
    # T_c -> 0 at the edge J_d -> -J of the ferromagnetic region; continuous through J_d = 0.
    assert houtappel_tc(1.0, 1.0, -0.99) < 0.1
    assert abs(houtappel_tc(1.0, 1.0, -1e-9) - ONSAGER_TC) < 1e-7


@pytest.mark.parametrize("couplings,violated", [
    ((1.0, 1.0, -1.0), r"J_h \+ J_d = 0"),
    ((1.0, 1.0, -1.5), r"J_h \+ J_d = -0.5"),
    ((1.0, 0.4, -0.5), r"J_d \+ J_v = -0.1"),
    ((-1.0, 0.5, 2.0), r"J_v \+ J_h = -0.5"),
])
def test_houtappel_names_the_violated_condition(couplings, violated):
    with pytest.raises(ValueError, match=violated):
        houtappel_tc(*couplings)


def test_disorder_temperature_solves_the_disorder_condition():
    for J, J_d in [(1.0, -0.3), (1.0, -0.45), (2.0, -0.5), (1.0, -0.9), (1.0, -0.01)]:
        T = disorder_temperature(J, J_d)
        assert math.cosh(2 * J / T) == pytest.approx(math.exp(-2 * J_d / T), rel=1e-12)
        # The same line written as tanh K_d = -tanh^2 K.
        assert math.tanh(J_d / T) == pytest.approx(-math.tanh(J / T) ** 2, rel=1e-10)
        assert disorder_temperature(2 * J, 2 * J_d) == pytest.approx(2 * T, rel=1e-12)
    # T_d ~ J^2/|J_d| as J_d -> 0-.
    assert disorder_temperature(1.0, -1e-4) * 1e-4 == pytest.approx(1.0, rel=1e-3)


def test_disorder_temperature_above_houtappel_tc():
    jd = np.linspace(-0.95, -0.01, 60)
    ratio = np.array([disorder_temperature(1.0, j) / houtappel_tc(1.0, 1.0, j) for j in jd])
    assert np.all(ratio > 1.0)
    assert np.all(np.diff(ratio) > 0)  # closest at the edge J_d -> -J
    assert disorder_temperature(1.0, -0.45) / houtappel_tc(1.0, 1.0, -0.45) == pytest.approx(
        1.3132, abs=1e-4)


@pytest.mark.parametrize("J,J_d,match", [(1.0, 0.0, "-J < J_d < 0"), (1.0, 0.3, "-J < J_d < 0"),
                                         (1.0, -1.0, "-J < J_d < 0"), (0.0, -0.3, "J must be > 0"),
                                         (1.0, float("nan"), "J_d")])
def test_disorder_temperature_rejects_outside_its_range(J, J_d, match):
    with pytest.raises(ValueError, match=match):
        disorder_temperature(J, J_d)


@pytest.mark.parametrize("couplings", [(1.0, 1.0, -0.3), (1.0, 0.8, -0.7), (0.6, 1.0, -0.6)])
def test_square_ising_ground_energy_with_negative_diagonal(couplings):
    """Exhaustive 4x4 enumeration: the ferromagnet is the ground state in Houtappel's region."""
    model = SquareIsing(4, *couplings)
    states = 1 - 2 * ((np.arange(2 ** 16)[:, None] >> np.arange(16)) & 1)
    assert model.energy(states).min() == pytest.approx(model.ground_state_energy, abs=1e-12)
    assert model.ground_state_energy == pytest.approx(-sum(couplings) * 16)
    # Outside the region (|J_d| > J_v): not the ferromagnet, no closed form offered.
    assert SquareIsing(4, 1.0, 0.5, -0.7).ground_state_energy is None


def test_model_spec_accepts_the_houtappel_region():
    spec = ModelSpec("ising", 1.0, 1.0, -0.45)
    assert spec.critical_temperature == pytest.approx(houtappel_tc(1.0, 1.0, -0.45))
    assert spec.label == "Ising J_h=1 J_v=1 J_d=-0.45"
    assert model_tag(spec) == "ising_Jh1_Jv1_Jd-0.45"
    assert ModelSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(ValueError, match=r"J_h \+ J_d = -0.2"):
        ModelSpec("ising", 1.0, 1.0, -1.2)
    with pytest.raises(ValueError, match="ferromagnet"):
        ModelSpec("ising", 1.0, -1.0, 0.0)
