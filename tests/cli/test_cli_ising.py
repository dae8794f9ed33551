"""``spinnet ising simulate`` and ``spinnet anneal``: outputs, resume, reproducibility, errors."""

import csv
import json

import pytest
from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def _simulate(out, *extra):
    return runner.invoke(app, ["ising", "simulate", "--L", "8", "--T", "2.0,3.0", "--sweeps",
                               "2000", "--thermalize", "200", "--chains", "2", "--workers", "1",
                               *extra, "--out", str(out)])


def test_simulate_writes_table_figure_manifest(tmp_path):
    res = _simulate(tmp_path)
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "ising.csv")
    assert [float(r["T"]) for r in rows] == [2.0, 3.0]
    for key in ("E", "E_err", "absM", "absM_err", "M2", "chi", "chi_err", "C", "C_err", "U4",
                "U4_err", "tau_absM", "tau_E", "E_exact", "C_exact", "M_yang"):
        assert key in rows[0]
    # L = 8 isotropic: Kaufman's exact energy is in the table and close to the measurement
    for r in rows:
        assert abs(float(r["E"]) - float(r["E_exact"])) < 6 * float(r["E_err"]) + 1e-3
    assert (tmp_path / "ising.png").stat().st_size > 20_000
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "ising simulate"
    assert manifest["parameters"]["T"] == [2.0, 3.0] and manifest["parameters"]["seed"] == 0
    assert manifest["parameters"]["start"] == "up"
    assert "Onsager T_c = 2.26919" in res.output and "E exact" in res.output


def test_simulate_same_seed_same_table_and_resume(tmp_path):
    a = _simulate(tmp_path / "a", "--seed", "3")
    b = _simulate(tmp_path / "b", "--seed", "3")
    c = _simulate(tmp_path / "c", "--seed", "4")
    assert a.exit_code == b.exit_code == c.exit_code == 0
    table_a = (tmp_path / "a" / "ising.csv").read_text()
    assert table_a == (tmp_path / "b" / "ising.csv").read_text()
    assert table_a != (tmp_path / "c" / "ising.csv").read_text()
    # resume: one stored temperature is not run again, and its row is unchanged
    d = tmp_path / "d"
    first = runner.invoke(app, ["ising", "simulate", "--L", "8", "--T", "2.0", "--sweeps", "2000",
                                "--thermalize", "200", "--chains", "2", "--workers", "1",
                                "--seed", "3", "--out", str(d)])
    assert first.exit_code == 0, first.output
    again = _simulate(d, "--seed", "3")
    assert again.exit_code == 0, again.output
    assert "ran 1 tasks" in again.output
    assert (d / "ising.csv").read_text() == table_a
    rerun = _simulate(d, "--seed", "3")
    assert "nothing to do" in rerun.output
    # another seed in the same store is refused (it would mix streams)
    clash = _simulate(d, "--seed", "5")
    assert clash.exit_code == 2 and "--out" in clash.output


@pytest.mark.parametrize("args", [
    ["--method", "heat-bath"],
    ["--method", "wolff", "--Jv", "0.5"],
    ["--method", "sw", "--Jd", "0.5"],
    ["--method", "pt", "--T", "2.2,2.6", "--sweeps", "64", "--thermalize", "10"],
    ["--method", "multispin", "--chains", "1", "--T", "2.3"],
    ["--model", "baxter-wu", "--L", "6", "--T", "2.0,2.5"],
    ["--model", "ea", "--L", "4", "--d", "3", "--disorder", "gaussian", "--T", "1.0,2.0"],
    ["--model", "sk", "--N", "32", "--T", "0.5,1.5"],
])
def test_simulate_models_and_algorithms(tmp_path, args):
    base = ["ising", "simulate", "--L", "8", "--T", "2.0,3.0", "--sweeps", "300",
            "--thermalize", "50", "--chains", "2", "--workers", "1"]
    res = runner.invoke(app, [*base, *args, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "ising.csv")
    assert len(rows) == (1 if "2.3" in args else 2)
    assert all(float(r["E_err"]) > 0 for r in rows)
    assert (tmp_path / "ising.png").exists()
    if "wolff" in args:
        assert "Houtappel T_c = 1.64102" in res.output
        assert all(int(r["clusters_per_sweep"]) >= 1 for r in rows)
    if "multispin" in args:
        assert rows[0]["n_chains"] == "64"


@pytest.mark.parametrize(("args", "option", "text"), [
    (["--L", "1"], "--L", ">= 2"),
    (["--T", "0:2:3"], "--T", "> 0"),
    (["--T", "2.0,-1"], "--T", "> 0"),
    (["--T", "2.0:2.6"], "--T", "lo:hi:n"),
    (["--T", "abc"], "--T", "lo:hi:n"),
    (["--T", "1:2:2.5"], "--T", "lo:hi:n"),
    (["--method", "glauber"], "--method", "is not one of"),
    (["--model", "potts"], "--model", "is not one of"),
    (["--model", "baxter-wu", "--L", "8"], "--L", "multiple of 3"),
    (["--model", "baxter-wu", "--L", "9", "--method", "sw"], "--method", "pairwise"),
    (["--method", "wolff", "--h", "0.1"], "--method", "zero field"),
    (["--method", "pt", "--T", "2.0"], "--T", "at least 2"),
    (["--sweeps", "10"], "--sweeps", "32"),
    (["--model", "ea", "--d", "4"], "--d", "2 or 3"),
])
def test_simulate_bad_input_is_a_clean_error(tmp_path, args, option, text):
    res = runner.invoke(app, ["ising", "simulate", *args, "--workers", "1",
                              "--out", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert option in res.output and text in res.output
    assert not (tmp_path / "results.sqlite").exists()


def test_simulate_several_sizes_binder_crossing(tmp_path):
    res = runner.invoke(app, ["ising", "simulate", "--L", "4,8", "--T", "2.0:2.6:4", "--method",
                              "wolff", "--sweeps", "400", "--thermalize", "50", "--chains", "2",
                              "--workers", "1", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "ising.csv")
    assert [(r["L"], float(r["T"])) for r in rows] == [
        (L, T) for L in ("4", "8") for T in (2.0, 2.2, 2.4, 2.6)]
    assert "Binder crossing T_c =" in res.output and "Onsager T_c = 2.26919" in res.output
    pairs = _rows(tmp_path / "binder.csv")
    assert [(p["L1"], p["L2"]) for p in pairs] == [("4", "8")]
    assert 2.0 <= float(pairs[0]["T_cross"]) <= 2.6
    assert (tmp_path / "binder.png").stat().st_size > 10_000
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["L"] == [4, 8]
    crossing = manifest["summary"]["binder_crossing"]
    assert crossing["T_c"] == pytest.approx(float(pairs[0]["T_cross"]))
    assert crossing["T_c_err"] > 0


def test_anneal_small_sk_reports_exact_ground_state(tmp_path):
    res = runner.invoke(app, ["anneal", "--model", "sk", "--N", "16", "--sweeps", "400",
                              "--restarts", "4", "--seed", "2", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "best energy per spin" in res.output
    assert "exact ground state (enumeration of 2^16 states)" in res.output
    assert "annealing found it: yes" in res.output
    rows = _rows(tmp_path / "anneal.csv")
    assert len(rows) == 4 and {"e_final", "e_exact", "found_ground_state"} <= set(rows[0])
    trace = _rows(tmp_path / "anneal_trace.csv")
    assert int(trace[-1]["sweep"]) == 400 and float(trace[0]["T"]) == 3.0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["summary"]["found_ground_state"] is True
    assert manifest["parameters"]["schedule"] == "geometric"
    assert (tmp_path / "anneal.png").stat().st_size > 10_000


def test_anneal_ea_log_schedule_and_large_sk(tmp_path):
    res = runner.invoke(app, ["anneal", "--model", "ea", "--L", "4", "--schedule", "log",
                              "--sweeps", "300", "--restarts", "4", "--out", str(tmp_path / "ea")])
    assert res.exit_code == 0, res.output
    assert "enumeration of 2^16 states" in res.output
    res = runner.invoke(app, ["anneal", "--model", "sk", "--N", "40", "--schedule", "linear",
                              "--sweeps", "200", "--restarts", "2", "--out", str(tmp_path / "sk")])
    assert res.exit_code == 0, res.output
    assert "Parisi" in res.output and "exact ground state" not in res.output


def test_anneal_same_seed_same_result(tmp_path):
    args = ["anneal", "--N", "30", "--sweeps", "200", "--restarts", "3", "--seed", "9"]
    runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    a, b = (tmp_path / d / "anneal.csv" for d in "ab")
    assert a.read_text() == b.read_text()


@pytest.mark.parametrize(("args", "option"), [
    (["--N", "1"], "--N"), (["--model", "ea", "--L", "1"], "--L"), (["--sweeps", "0"], "--sweeps"),
    (["--restarts", "0"], "--restarts"), (["--T0", "0"], "--T0"), (["--Tfinal", "9"], "--Tfinal"),
    (["--schedule", "cosine"], "--schedule"), (["--model", "ising"], "--model"),
])
def test_anneal_bad_input_is_a_clean_error(tmp_path, args, option):
    res = runner.invoke(app, ["anneal", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2 and option in res.output, res.output


def test_simulate_ctrl_c_keeps_finished_temperatures_and_resumes(tmp_path):
    # SIGINT to a real process: exit 130, "Interrupted.", what was kept and the resume
    # command; running that command again completes the table exactly as an
    # uninterrupted run does.
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    args = ["ising", "simulate", "--L", "16", "--T", "2.0:2.6:8", "--sweeps", "40000",
            "--thermalize", "100", "--chains", "2", "--workers", "1", "--seed", "4"]
    cmd = [sys.executable, "-m", "spinnet", *args]
    env = {**os.environ, "COLUMNS": "200"}
    out = tmp_path / "interrupted"
    proc = subprocess.Popen([*cmd, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    store = out / "results.sqlite"
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if not store.exists():
            continue
        try:  # read-only: a plain connect would create an empty file before the CLI does
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as con:
                stored = con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 2:
            break
    assert proc.poll() is None, ("the run finished before it could be interrupted",
                                 proc.communicate()[0])
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert "Interrupted." in output and "Traceback" not in output
    assert "of 8 (size, temperature) tasks stored in" in output
    assert "Resume with:" in output and "--T 2.0:2.6:8" in output
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as con:
        kept = con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert 2 <= kept < 8
    resumed = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True,
                             env=env, timeout=120)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"ran {8 - kept} tasks" in resumed.stdout
    whole = subprocess.run([*cmd, "--out", str(tmp_path / "whole")], capture_output=True,
                           text=True, env=env, timeout=120)
    assert whole.returncode == 0, whole.stderr
    assert (out / "ising.csv").read_text() == (tmp_path / "whole" / "ising.csv").read_text()
