"""``spinnet hopfield dynamics`` and ``spinnet theory fi``: outputs, tables, reproducibility."""

import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from spinnet.cli import app
from spinnet.theory import dynamics as D
from spinnet.theory import feigelman_ioffe as F

runner = CliRunner()


def test_dynamics_sync_outputs_and_reproducible(tmp_path):
    args = ["hopfield", "dynamics", "--alpha", "0.1", "--m0", "0.3,0.9", "--N", "800",
            "--trials", "3", "--samples", "2", "--sweeps", "3", "--seed", "5"]
    a = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert a.exit_code == 0, a.output
    b = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert b.exit_code == 0, b.output
    assert (tmp_path / "a" / "dynamics.csv").read_text() == \
        (tmp_path / "b" / "dynamics.csv").read_text()
    rows = list(csv.DictReader(open(tmp_path / "a" / "dynamics.csv")))
    assert len(rows) == 2 * 4
    r1 = next(r for r in rows if r["t"] == "1" and float(r["m0"]) == pytest.approx(0.3))
    assert float(r1["m_exact"]) == pytest.approx(D.sync_m1(0.1, 0.3), rel=1e-9)
    assert (tmp_path / "a" / "dynamics.png").stat().st_size > 10_000
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["parameters"]["updates"] == "sync"
    assert manifest["parameters"]["m0"] == [0.3, 0.9]
    assert "Gardner" in a.output


def test_dynamics_sequential(tmp_path):
    res = runner.invoke(app, ["hopfield", "dynamics", "--updates", "sequential", "--alpha",
                              "0.05", "--m0", "0.5", "--N", "600", "--trials", "2",
                              "--samples", "2", "--sweeps", "2", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(tmp_path / "dynamics.csv")))
    assert [r["t"] for r in rows] == ["0", "1", "2"]
    traj = list(csv.DictReader(open(tmp_path / "trajectories.csv")))
    assert len(traj) == 21  # 10 records per sweep
    assert np.isfinite(float(traj[-1]["energy_theory"]))
    assert "Coolen" in res.output


def test_theory_fi_no_compare(tmp_path):
    res = runner.invoke(app, ["theory", "fi", "--alpha", "0.01,0.04", "--no-compare",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(tmp_path / "fi.csv")))
    assert float(rows[1]["T_M_fi"]) == pytest.approx(1 - F.B_M * 0.2, abs=1e-12)
    assert float(rows[0]["T_g"]) == pytest.approx(1.1)
    assert (tmp_path / "fi.png").stat().st_size > 10_000


@pytest.mark.slow
def test_theory_fi_compare(tmp_path):
    res = runner.invoke(app, ["theory", "fi", "--alpha", "0.001", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    row = next(iter(csv.DictReader(open(tmp_path / "fi.csv"))))
    assert abs(float(row["dT_M"])) < 0.005 and abs(float(row["dT_c"])) < 0.01
