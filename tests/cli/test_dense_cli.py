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
    res = runner.invoke(app, ["dam", "capacity", "--energy", "poly:3", "--sizes", "40,80",
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
    args = ["dam", "capacity", "--energy", "poly:3", "--sizes", "30,40", "--trials", "1",
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
    res = runner.invoke(app, ["dam", "capacity", "--energy", "exp", "--sizes", "20,24",
                              "--trials", "1", "--probes", "100", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["noise"] == 0.1
    assert manifest["summary"]["alpha"] > 0


@pytest.mark.parametrize("args,param", [
    (["--energy", "poly:1"], "--energy"), (["--energy", "cubic"], "--energy"),
    (["--sizes", "40"], "--sizes"), (["--sizes", "a,b"], "--sizes"),
    (["--threshold", "1.5"], "--threshold"), (["--noise", "0.7"], "--noise")])
def test_dam_capacity_bad_input(tmp_path, args, param):
    res = runner.invoke(app, ["dam", "capacity", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert param in res.output


def test_modern_retrieve_random(tmp_path):
    res = runner.invoke(app, ["modern", "retrieve", "--data", "random", "--n-stored", "300",
                              "--queries", "20", "--betas", "0.001,0.1", "--dense", "exp",
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
    for args, param in ((["--betas", "0,1"], "--betas"), (["--dense", "poly:0"], "--dense"),
                        (["--queries", "0"], "--queries")):
        res = runner.invoke(app, ["modern", "retrieve", "--data", "random", "--n-stored", "50",
                                  *args, "--out", str(tmp_path)])
        assert res.exit_code == 2, res.output
        assert param in res.output


def test_modern_threshold(tmp_path):
    res = runner.invoke(app, ["modern", "threshold", "--lam", "0.25", "--sizes", "20,30",
                              "--probes", "100", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    summary = _rows(tmp_path / "threshold_summary.csv")
    assert len(summary) == 2
    for s in summary:
        assert abs(float(s["alpha_cross"]) - float(s["alpha1_theory"])) < 0.01
    res = runner.invoke(app, ["modern", "threshold", "--lam", "-1", "--out", str(tmp_path)])
    assert res.exit_code == 2
