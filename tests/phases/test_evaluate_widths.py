"""evaluate: three exponents (sigma, sigma-, sigma+) with the jackknife over networks."""

from __future__ import annotations

import types

import numpy as np
import pytest

from spinnet.phases.analysis import TABLE_COLUMNS, table_rows
from spinnet.phases.data import ModelSpec
from spinnet.phases.pipeline import TransferResult, evaluate

T_C = ModelSpec().critical_temperature


class _Net:
    """A stand-in classifier whose P(PM) is a known function of (T - T_c) L."""

    net, representation = "fcnn", "spins"

    def __init__(self, shift: float, pooled: bool = False) -> None:
        self.shift = shift
        self.info_ = {"pooled_sizes": [16, 24, 32, 48, 64]} if pooled else {}

    def predict_proba(self, spins, model):
        u, T, L = spins  # a snapshot's own randomness, the temperatures, the size
        x = (T[:, None] - T_C) * L - 0.5 - self.shift
        V = 0.24 * np.exp(-0.5 * (x / np.where(x < 0, 1.0, 1.6)) ** 2)
        p = 0.5 * (1 - np.sqrt(1 - 4 * V))
        return (u < p).astype(float)


def _data(L, rng, n=1200):
    T = np.arange(2.2, 2.62, 0.004)
    return types.SimpleNamespace(temperatures=T, spins=(rng.random((len(T), n)), T, L),
                                 model=ModelSpec(), n_samples=n)


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(7)
    sizes = (16, 24, 32, 48, 64)
    data = {L: _data(L, rng) for L in sizes}
    nets = {L: [_Net(s) for s in (-0.15, 0.0, 0.15)] for L in sizes}
    return evaluate(nets, data, held_out=False, n_boot=40, seed=3, train_label="Ising")


def test_three_exponents_and_their_jackknife_errors(result):
    f = result.fss
    assert result.n_networks == 3 and result.protocol == "per-size" and not result.error
    for est, err, boot in ((f.inv_nu, result.inv_nu_err, f.inv_nu_err),
                           (f.inv_nu_minus, result.inv_nu_minus_err, f.inv_nu_minus_err),
                           (f.inv_nu_plus, result.inv_nu_plus_err, f.inv_nu_plus_err)):
        # the outputs depend on (T - T_c) L only: every width scales with 1/nu = 1
        assert 0 < err < 0.2 and abs(est - 1.0) < 4 * err
        assert err >= boot  # the jackknife over networks is added in quadrature
    assert abs(f.T_star - T_C) < 4 * result.T_star_err
    assert all(p.sigma_minus < p.sigma_plus for p in result.peaks)


def test_row_carries_the_table_columns(result):
    row = result.row()
    assert set(TABLE_COLUMNS) <= set(row)
    assert row["inv_nu_sigma_minus"] == result.fss.inv_nu_minus
    assert row["inv_nu_sigma_plus_err"] == result.inv_nu_plus_err
    assert row["delta_over_sigma"] == pytest.approx(abs(row["T_star"] - T_C)
                                                    / result.T_star_err)
    assert row["inv_nu_minus"] == row["inv_nu_sigma_minus"]  # analysis.csv spelling
    (t,) = table_rows([result])
    assert tuple(t) == TABLE_COLUMNS and t["protocol"] == "per-size" and t["net"] == "fcnn"
    empty = TransferResult("Ising", "Ising", "cnn", "spins", [], None, T_C, 1.0)
    assert np.isnan(empty.row()["inv_nu_sigma_minus"])


def test_pooled_networks_are_labelled_pooled():
    rng = np.random.default_rng(8)
    data = {L: _data(L, rng, n=200) for L in (16, 32, 64)}
    nets = {L: [_Net(0.0, pooled=True)] for L in data}
    r = evaluate(nets, data, held_out=False, n_boot=4, seed=0, train_label="Ising")
    assert r.protocol == "pooled" and r.row()["protocol"] == "pooled"
