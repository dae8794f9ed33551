"""``spinnet hopfield hetero`` and ``spinnet hopfield sequence`` end to end (small sizes)."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from spinnet.cli import app
from spinnet.experiments.memories import bam_capacity, sequence_capacity

runner = CliRunner()


def _run(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, f"{res.output}\n{res.exception!r}"
    return res.output


def test_hetero_writes_outputs_and_same_seed_same_table(tmp_path):
    args = ["hopfield", "hetero", "--N", "64,36", "--M", "36,64", "--p", "1,2,4,8",
            "--trials", "3", "--seed", "4"]
    out = _run([*args, "--out", str(tmp_path / "a")])
    assert "Capacity p_c" in out
    for f in ("hetero.csv", "hetero-capacity.csv", "hetero-capacity.png", "hetero-recall.png",
              "manifest.json"):
        assert (tmp_path / "a" / f).is_file(), f
    rows = list(csv.DictReader(open(tmp_path / "a" / "hetero.csv")))
    assert len(rows) == 8 and {r["N"] for r in rows} == {"64", "36"}
    assert float(rows[0]["recalled"]) == 1.0  # p = 1 is always recalled
    man = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert man["command"] == "hopfield hetero" and man["parameters"]["seed"] == 4
    # same seed, same table (the experiment the command calls, run again)
    again = bam_capacity([(64, 36), (36, 64)], [1, 2, 4, 8], noise=0.1, n_trials=3, rng=4)
    assert [float(r["recalled"]) for r in rows] == [r["recalled"] for r in again]


def test_sequence_writes_outputs_and_same_seed_same_table(tmp_path):
    args = ["hopfield", "sequence", "--N", "200,300", "--alpha", "0.16,0.27,0.38",
            "--trials", "2", "--sweeps", "30", "--p", "4", "--tau", "3", "--seed", "1"]
    out = _run([*args, "--out", str(tmp_path / "a")])
    assert "extrapolated" in out and "delayed synapses" in out
    for f in ("sequence-capacity.csv", "sequence-fits.csv", "sequence-capacity.png",
              "sequence-raster.png", "manifest.json"):
        assert (tmp_path / "a" / f).is_file(), f
    rows = list(csv.DictReader(open(tmp_path / "a" / "sequence-capacity.csv")))
    assert len(rows) == 6
    assert float(rows[0]["fraction"]) == 1.0 and float(rows[2]["fraction"]) == 0.0
    man = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert man["delayed"]["order_ok"] is True
    again = sequence_capacity([200, 300], [0.16, 0.27, 0.38], n_sets=2, n_steps=30, rng=1)
    assert [float(r["fraction"]) for r in rows] == [r["fraction"] for r in again]
