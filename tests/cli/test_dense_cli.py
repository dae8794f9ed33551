"""``spinnet dam capacity`` and ``spinnet modern retrieve|threshold``."""

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from spinnet.cli.dense import dam_app, modern_app

runner = CliRunner()
# Registered in the spinnet CLI as `spinnet dam ...` and `spinnet modern ...`.
app = typer.Typer()
app.add_typer(dam_app, name="dam")
app.add_typer(modern_app, name="modern")


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_dam_capacity_outputs(tmp_path):
    res = runner.invoke(app, ["dam", "capacity", "--energy", "poly:3", "--N", "40,80",
                              "--trials", "1", "--probes", "100", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "capacity.csv")
    assert [int(r["N"]) for r in rows] == [40, 80]
    for r in rows:
        assert float(r["p_low"]) <= float(r["p_c"]) <= float(r["p_high"])
        assert float(r["fraction_low"]) >= 0.99 > float(r["fraction_high"])
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "dam capacity"
    assert "exponent" in manifest["summary"]
    assert (tmp_path / "capacity.png").stat().st_size > 0


def test_dam_capacity_resumes(tmp_path):
    args = ["dam", "capacity", "--energy", "poly:3", "--N", "30,40", "--trials", "1",
            "--probes", "50", "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    first = _rows(tmp_path / "capacity.csv")
    saved = json.loads((tmp_path / "capacity_partial.json").read_text())
    assert sorted(saved["rows"]) == ["30", "40"]
    # pretend N = 40 was interrupted: the rerun recomputes it with its own stream
    del saved["rows"]["40"]
    saved["rows"]["30"]["p_c"] = 12345.0  # marker: a finished size is not recomputed
    (tmp_path / "capacity_partial.json").write_text(json.dumps(saved))
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "resuming" in res.output
    again = _rows(tmp_path / "capacity.csv")
    assert float(again[0]["p_c"]) == 12345.0
    assert again[1] == first[1]  # same seed stream for N = 40, same result


def test_dam_capacity_exp(tmp_path):
    res = runner.invoke(app, ["dam", "capacity", "--energy", "exp", "--N", "20,24",
                              "--trials", "1", "--probes", "100", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["noise"] == 0.1
    assert manifest["summary"]["alpha"] > 0


@pytest.mark.parametrize("args,param", [
    (["--energy", "poly:1"], "--energy"), (["--energy", "cubic"], "--energy"),
    (["--N", "40"], "--N"), (["--N", "a,b"], "--N"),
    (["--threshold", "1.5"], "--threshold"), (["--noise", "0.7"], "--noise")])
def test_dam_capacity_bad_input(tmp_path, args, param):
    res = runner.invoke(app, ["dam", "capacity", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert param in res.output


def test_modern_retrieve_random(tmp_path):
    res = runner.invoke(app, ["modern", "retrieve", "--data", "random", "--p", "300",
                              "--queries", "20", "--beta", "0.001,0.1", "--dense", "exp",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = {(r["model"], r["beta"]): r for r in _rows(tmp_path / "retrieval.csv")}
    # 300 random patterns of N = 784 (α ≈ 0.38): the Hebbian memory is past its capacity,
    # the exponential DAM and the modern network at β = 0.1 repair half-noise queries
    assert float(rows[("dense exp", "nan")]["accuracy"]) == 1.0
    assert float(rows[("modern", "0.1")]["accuracy"]) == 1.0
    assert float(rows[("modern", "0.001")]["accuracy"]) == 0.0  # global average
    for name in ("retrieval.png", "examples.png", "manifest.json"):
        assert (tmp_path / name).exists()


def test_modern_retrieve_bad_input(tmp_path):
    for args, param in ((["--beta", "0,1"], "--beta"), (["--dense", "poly:0"], "--dense"),
                        (["--queries", "0"], "--queries")):
        res = runner.invoke(app, ["modern", "retrieve", "--data", "random", "--p", "50",
                                  *args, "--out", str(tmp_path)])
        assert res.exit_code == 2, res.output
        assert param in res.output


def test_modern_threshold(tmp_path):
    res = runner.invoke(app, ["modern", "threshold", "--lam", "0.25", "--N", "20,30",
                              "--probes", "100", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    summary = _rows(tmp_path / "threshold_summary.csv")
    assert len(summary) == 2
    for s in summary:
        assert abs(float(s["alpha_cross"]) - float(s["alpha1_theory"])) < 0.01
    res = runner.invoke(app, ["modern", "threshold", "--lam", "-1", "--out", str(tmp_path)])
    assert res.exit_code == 2


def test_modern_retrieve_ctrl_c_resumes_identically(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    args = [sys.executable, "-m", "spinnet", "modern", "retrieve", "--data", "random",
            "--p", "1200", "--queries", "40", "--beta", "0.001,0.1", "--dense", "exp",
            "--seed", "2"]
    env = {**os.environ, "COLUMNS": "200"}
    out = tmp_path / "run"
    proc = subprocess.Popen([*args, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    first = out / "checkpoint" / "unit-000"  # the classical memory, kept atomically
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not first.is_dir():
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Resume with:" in err and "modern retrieve" in err and "Traceback" not in err
    assert "memory models" in err  # what was kept
    kept = sorted(p.name for p in (out / "checkpoint").iterdir() if p.name.startswith("unit-"))
    assert 1 <= len(kept) < 4 and not (out / "retrieval.csv").exists()
    resumed = subprocess.run([*args, "--out", str(out)], capture_output=True, text=True,
                             env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    ref = subprocess.run([*args, "--out", str(tmp_path / "ref")], capture_output=True,
                         text=True, env=env, timeout=300)
    assert ref.returncode == 0, ref.stderr
    assert (out / "retrieval.csv").read_text() == (tmp_path / "ref" / "retrieval.csv").read_text()
    assert not (out / "checkpoint").exists()  # removed once the outputs are written


def test_modern_retrieve_resume_reuses_kept_units(tmp_path, monkeypatch):
    """In-process: a kept unit is read back, not recomputed, and the result is the same."""
    import numpy as np

    from spinnet.experiments import dense as exp
    from spinnet.spins import random_patterns

    xi = random_patterns(200, 64, rng=0)
    kw = dict(n_queries=10, shape=(8, 8), dense=["poly:3"], rng=5)
    ref_rows, ref_ex = exp.mnist_retrieval(xi, [0.01, 0.1], **kw)
    ckpt = tmp_path / "ckpt"
    calls = []

    def stop_after_two(done, total):
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        exp.mnist_retrieval(xi, [0.01, 0.1], checkpoint=ckpt, on_unit=stop_after_two, **kw)
    assert sorted(p.name for p in ckpt.iterdir() if p.name.startswith("unit-")) == [
        "unit-000", "unit-001"]
    seen = []
    rows, ex = exp.mnist_retrieval(xi, [0.01, 0.1], checkpoint=ckpt,
                                   progress=lambda s, d, t: seen.append((s, d, t)), **kw)
    assert [r["accuracy"] for r in rows] == [r["accuracy"] for r in ref_rows]
    assert all(np.array_equal(ex[k], ref_ex[k]) for k in ref_ex)
    assert ("memories", 4, 4) in seen
    assert not any(s.startswith("async") for s, _, _ in seen)  # the dense unit was reused
    # other inputs: the checkpoint is replaced, not mixed in
    other, _ = exp.mnist_retrieval(xi, [0.01, 0.1], checkpoint=ckpt,
                                   **{**kw, "rng": 6})
    assert other == exp.mnist_retrieval(xi, [0.01, 0.1], **{**kw, "rng": 6})[0]


def test_modern_threshold_bounds_and_lambda_list(tmp_path):
    # --lam list with the overlap sampler (alpha1), then the all-pattern bound (alphac)
    out1 = tmp_path / "a1"
    res = runner.invoke(app, ["modern", "threshold", "--lam", "0.5,1", "--N", "20",
                              "--sampler", "overlaps", "--probes", "60", "--points", "5",
                              "--out", str(out1)])
    assert res.exit_code == 0, res.output
    summary = _rows(out1 / "threshold_summary.csv")
    assert [float(s["lam"]) for s in summary] == [0.5, 1.0]
    for s in summary:  # N = 20: finite-size shift < 0.005, crossing on the 0.6..1.4 α₁ grid
        assert abs(float(s["alpha_cross"]) - float(s["alpha1_theory"])) < 0.02
    for f in ("threshold.csv", "threshold.png", "phase.png", "manifest.json"):
        assert (out1 / f).stat().st_size > 0
    manifest = json.loads((out1 / "manifest.json").read_text())
    assert manifest["parameters"]["bound"] == "alpha1"
    out2 = tmp_path / "ac"
    res = runner.invoke(app, ["modern", "threshold", "--lam", "2", "--N", "16",
                              "--ensemble", "gaussian", "--bound", "alphac", "--probes", "4",
                              "--points", "3", "--out", str(out2)])
    assert res.exit_code == 0, res.output
    rows = _rows(out2 / "threshold.csv")
    assert len(rows) == 3 and "fraction_all_retrieved" in rows[0]
    s = _rows(out2 / "threshold_summary.csv")[0]
    assert float(s["alphac_theory"]) == pytest.approx(0.17328679513998632)
    assert (out2 / "phase.png").exists()


def test_modern_threshold_default_writes_phase_figure(tmp_path):
    res = runner.invoke(app, ["modern", "threshold", "--N", "20", "--probes", "50",
                              "--points", "5", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "threshold.png").exists() and (tmp_path / "phase.png").exists()
