"""``spinnet van free-energy | sample | train`` end to end, and SIGKILL resume."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

from spinnet.cli import app  # noqa: E402

runner = CliRunner()
FE = ["van", "free-energy", "--L", "3", "--T", "2.0,3.0", "--steps", "40", "--batch-size",
      "64", "--depth", "2", "--width", "4", "--half-kernel", "1", "--samples", "2000"]


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_free_energy_then_sample(tmp_path):
    out = tmp_path / "fe"
    res = runner.invoke(app, [*FE, "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = _rows(out / "free_energy.csv")
    assert [float(r["T"]) for r in rows] == [2.0, 3.0]
    for r in rows:
        # the variational bound holds at any stage of training (4 sigma)
        assert float(r["F_q"]) > float(r["F_exact"]) - 4 * float(r["F_q_err"])
        assert r["exact_source"] == "kaufman"
    for name in ("free_energy.png", "manifest.json", "models/T=2", "models/T=3"):
        assert (out / name).exists(), name
    # the trained networks sample
    res = runner.invoke(app, ["van", "sample", "--from", str(out), "--samples", "5", "--out",
                              str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    x = np.load(tmp_path / "s" / "samples.npy")
    assert x.shape == (5, 9) and set(np.unique(x)) <= {-1, 1}
    # re-running resumes (nothing to do) and gives the same table
    res = runner.invoke(app, [*FE, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert _rows(out / "free_energy.csv") == rows
    # other settings are refused
    res = runner.invoke(app, [*FE, "--steps", "41", "--out", str(out)])
    assert res.exit_code == 2 and "--overwrite" in res.output


def test_sk_with_made(tmp_path):
    res = runner.invoke(app, ["van", "free-energy", "--model", "sk", "--N", "8", "--net",
                              "made", "--T", "1.0", "--steps", "20", "--batch-size", "32",
                              "--width", "2", "--samples", "2000", "--out",
                              str(tmp_path / "sk")])
    assert res.exit_code == 0, res.output
    r = _rows(tmp_path / "sk" / "free_energy.csv")[0]
    assert r["exact_source"] == "enumeration"
    assert abs(float(r["F_nis"]) - float(r["F_exact"])) < 4 * float(r["F_nis_err"])


def test_train_on_digits_and_a_spin_file(tmp_path):
    res = runner.invoke(app, ["van", "train", "--data", "digits", "--epochs", "1", "--width",
                              "1", "--out", str(tmp_path / "d")])
    assert res.exit_code == 0, res.output
    man = json.loads((tmp_path / "d" / "manifest.json").read_text())
    ll = man["summary"]["test_ll"]
    assert -64 * np.log(2) < ll < 0          # better than uniform after one epoch
    spins = np.random.default_rng(0).choice([-1, 1], size=(50, 16))
    np.save(tmp_path / "x.npy", spins)
    res = runner.invoke(app, ["van", "train", "--data", str(tmp_path / "x.npy"), "--epochs",
                              "2", "--net", "pixelcnn", "--half-kernel", "1", "--out",
                              str(tmp_path / "f")])
    assert res.exit_code == 0, res.output


@pytest.mark.slow
def test_sigkilled_free_energy_resumes_to_the_same_numbers(tmp_path):
    # (the library-level SIGKILL test in tests/autoregressive/test_van.py runs by default)
    args = [*FE, "--T", "2.0,2.5,3.0"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "spinnet", *args, "--out", str(killed)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (killed / "points" / "T=2.json").exists() and proc.poll() is None \
            and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -9
    assert not (killed / "free_energy.csv").exists()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        res = runner.invoke(app, [*args, "--out", str(killed)])
        assert res.exit_code == 0, res.output
        res = runner.invoke(app, [*args, "--out", str(tmp_path / "ref")])
        assert res.exit_code == 0, res.output
    finally:
        torch.set_num_threads(threads)
    a = _rows(killed / "free_energy.csv")
    b = _rows(tmp_path / "ref" / "free_energy.csv")
    drop = ("seconds",)
    assert [{k: v for k, v in r.items() if k not in drop} for r in a] == \
        [{k: v for k, v in r.items() if k not in drop} for r in b]
