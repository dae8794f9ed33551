import json

import numpy as np
import pytest
from typer.testing import CliRunner

from spinnet.cli import app
from spinnet.experiments import hopfield as exp

runner = CliRunner()

TINY = {
    "capacity": dict(N=[100, 200], alpha=np.array([0.1, 0.15, 0.2, 0.25]), trials=3,
                     rule_N=[30, 60], rule_trials=2),
    "basins": dict(N=200, alpha=[0.05, 0.1], m0=np.array([0.2, 0.6, 1.0]), trials=2),
    "phase-diagram": dict(N=200, alpha=[0.02, 0.05], T=np.array([0.0, 0.4, 0.8, 1.2]),
                          n_sweeps=10, trials=2),
    "spurious": dict(N=300, alpha=np.array([0.01, 0.05]), trials=2, alpha_sg=[0.3]),
}


@pytest.fixture
def tiny(monkeypatch):
    for name, cfg in TINY.items():
        monkeypatch.setitem(exp.SETTINGS[name], "quick", cfg)


@pytest.mark.parametrize("command, files", [
    ("capacity", {"capacity.csv", "capacity_fss.csv", "rules.csv", "capacity.png",
                  "rules.png"}),
    ("basins", {"basins.csv", "basins.png"}),
    ("phase-diagram", {"phase_diagram.csv", "phase_boundary.csv", "phase_diagram.png"}),
    ("spurious", {"spurious.csv", "spurious.png"}),
])
def test_experiment_commands(tiny, tmp_path, command, files):
    res = runner.invoke(app, ["hopfield", command, "--out", str(tmp_path), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert files <= {p.name for p in tmp_path.iterdir()}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["quick"] is True and "summary" in manifest
    # A second run resumes from the store and does no work.
    again = runner.invoke(app, ["hopfield", command, "--out", str(tmp_path), "--workers", "1"])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_theory_ags_command():
    res = runner.invoke(app, ["theory", "ags", "--alpha", "0.05", "--T", "0.3", "--lines"])
    assert res.exit_code == 0 and "retrieval (metastable" in res.output and "T_M = 0.542" in \
        res.output
    res = runner.invoke(app, ["theory", "ags", "--alpha", "0.3", "--T", "1.7"])  # T_g = 1.548
    assert res.exit_code == 0 and "phase: paramagnetic" in res.output
    res = runner.invoke(app, ["theory", "ags", "--alpha", "0", "--T", "0.3"])
    assert res.exit_code == 2 and "alpha must be > 0" in res.output
    res = runner.invoke(app, ["theory", "ags", "--alpha", "0.1", "--T", "-1"])
    assert res.exit_code == 2 and "T must be >= 0" in res.output


def test_bad_workers(tmp_path):
    res = runner.invoke(app, ["hopfield", "basins", "--out", str(tmp_path), "--workers", "0"])
    assert res.exit_code == 2 and "--workers" in res.output
