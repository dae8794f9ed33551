"""Anisotropy scan (issue 15, item 3): input checks, pilot spacing, rows, figures, and a
small end-to-end run that resumes (slow)."""

from __future__ import annotations

import json
import math
import types

import numpy as np
import pytest

from spinnet.experiments.phases import PhasesInputError
from spinnet.experiments.phases_scan import QUICK_JD, _check_jd, pilot_spacing, scan, scan_row
from spinnet.phases.data import ModelSpec
from spinnet.plotting.phases_scan import correlation_figure, scan_figure
from spinnet.theory.ising import disorder_temperature, houtappel_tc


def test_quick_preset_couplings_and_checks():
    assert len(QUICK_JD) == 8 and QUICK_JD[0] == -0.45 and QUICK_JD[-1] == 1.0
    assert _check_jd([-0.3, 0.1 + 0.2]) == [-0.3, 0.3]
    for bad in ([-1.0], [float("nan")], [0.2, 0.2]):
        with pytest.raises(PhasesInputError) as exc:
            _check_jd(bad)
        assert exc.value.parameter == "J_d"


def test_pilot_spacing_is_cached_and_deterministic(tmp_path):
    model = ModelSpec("ising", 1.0, 1.0, 0.5)
    cache = tmp_path / "pilot.json"
    a = pilot_spacing(model, 8, seed=3, n_sweeps=800, cache=cache)
    assert a["sweeps_between"] == 10 and a["n_thermalize"] == 200 and 1 < a["tau"] < 10
    assert pilot_spacing(model, 8, seed=3, n_sweeps=800) == a  # same seed, no cache
    stored = json.loads(cache.read_text())
    assert list(stored) == ["ising_Jh1_Jv1_Jd0.5_L8_s3_n800-32000"]
    stored["ising_Jh1_Jv1_Jd0.5_L8_s3_n800-32000"]["sweeps_between"] = 70
    cache.write_text(json.dumps(stored))
    assert pilot_spacing(model, 8, seed=3, n_sweeps=800, cache=cache)["sweeps_between"] == 70
    # Frustrated diagonal: Swendsen-Wang decorrelates much more slowly.
    slow = pilot_spacing(ModelSpec("ising", 1.0, 1.0, -0.45), 12, seed=3, n_sweeps=2000)
    assert slow["tau"] > 5 * a["tau"] and slow["sweeps_between"] > 10


def _fake_result(T_star, err, inv_nu, inv_nu_err):
    fss = types.SimpleNamespace(T_star=T_star, inv_nu=inv_nu, chi2_mu=1.0)
    peaks = [types.SimpleNamespace(L=L) for L in (16, 20, 24)]
    return types.SimpleNamespace(fss=fss, T_star_err=err, inv_nu_err=inv_nu_err, peaks=peaks,
                                 error="")


def test_scan_row_columns():
    grid = np.linspace(1.3, 1.6, 5)
    tc = houtappel_tc(1.0, 1.0, -0.45)
    row = scan_row("fcnn", -0.45, _fake_result(tc * 1.005, 0.002, 1.02, 0.05),
                   sweeps_between=120, tau_pilot=230.0, grid=grid)
    assert row["T_c"] == tc and row["T_d"] == disorder_temperature(1.0, -0.45)
    assert row["dev_pct"] == pytest.approx(0.5)
    assert row["dev_pct_err"] == pytest.approx(100 * 0.002 / tc)
    assert row["dev_over_err"] == pytest.approx(0.005 * tc / 0.002)
    assert row["T_max_over_T_c"] == pytest.approx(1.6 / tc)
    assert row["sizes"] == "16 20 24"
    positive = scan_row("cnn", 0.5, _fake_result(3.0, 0.01, 1.0, 0.1), sweeps_between=10,
                        tau_pilot=3.0, grid=grid)
    assert math.isnan(positive["T_d"]) and math.isnan(positive["T_d_over_T_c"])


def test_figures_build():
    rows = []
    for net in ("fcnn", "cnn"):
        for jd in (-0.45, 0.0, 1.0):
            tc = houtappel_tc(1.0, 1.0, jd)
            rows.append(scan_row(net, jd, _fake_result(tc * 1.002, 0.003, 1.0, 0.05),
                                 sweeps_between=10, tau_pilot=4.0,
                                 grid=np.array([0.87 * tc, 1.13 * tc])))
    fig = scan_figure(rows, title="t")
    assert len(fig.axes) == 2
    r = np.arange(5)
    fig = correlation_figure({"a": {"r": r, "exact": {"diagonal": 0.5 ** r}},
                              "b": {"r": r, "exact": {"vertical": 0.3 ** r}}})
    assert len(fig.axes) == 2


@pytest.mark.slow
def test_scan_end_to_end_resumes(tmp_path):
    """A tiny scan (sizes 8,12,16) runs, writes its units, and a rerun reuses them."""
    kw = dict(sizes=(8, 12, 16), n_samples=40, networks=1, epochs=2, n_boot=10, seed=1)
    res = scan(tmp_path, [-0.3, 0.0, 0.6], **kw)
    rows = res["rows"]
    assert [r["J_d"] for r in rows] == [-0.3, 0.0, 0.6]
    assert all(r["network"] == "fcnn" for r in rows)
    assert rows[0]["sweeps_between"] > rows[2]["sweeps_between"] == 10
    files = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert "ising_Jh1_Jv1_Jd-0.3_L16.h5" in files and "ising_L16.h5" in files
    nets = sorted(p.name for p in (tmp_path / "nets").iterdir() if p.name != "checkpoints")
    mtimes = {p: (tmp_path / "nets" / p).stat().st_mtime for p in nets}
    again = scan(tmp_path, [-0.3, 0.0, 0.6], **kw)
    assert {p: (tmp_path / "nets" / p).stat().st_mtime for p in nets} == mtimes
    for a, b in zip(rows, again["rows"], strict=True):
        for k in ("T_star", "T_star_err", "inv_nu"):
            assert (a[k] == b[k]) or (math.isnan(a[k]) and math.isnan(b[k]))
