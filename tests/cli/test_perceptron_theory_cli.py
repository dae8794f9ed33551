"""``spinnet perceptron capacity --kappa``, ``perceptron binary``, ``perceptron teacher``."""

import csv
import json

from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_capacity_kappa_outputs_and_resume(tmp_path):
    args = ["perceptron", "capacity", "--kappa", "0,1", "--N", "6,10", "--samples", "4",
            "--seed", "3", "--out", str(tmp_path)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "kappa_capacity.csv")
    assert [(int(r["N"]), float(r["kappa"])) for r in rows] == [
        (6, 0.0), (6, 1.0), (10, 0.0), (10, 1.0)]
    for r in rows:
        assert 0 < float(r["alpha_c"]) < 4
    by = {(int(r["N"]), float(r["kappa"])): float(r["alpha_c"]) for r in rows}
    assert by[6, 1.0] < by[6, 0.0] and by[10, 1.0] < by[10, 0.0]
    ext = _rows(tmp_path / "kappa_extrapolation.csv")
    assert float(ext[0]["gardner"]) == 2.0
    assert (tmp_path / "kappa_capacity.png").stat().st_size > 10_000
    first = (tmp_path / "kappa_capacity.csv").read_text()
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "reused 8 samples" in res.output
    assert (tmp_path / "kappa_capacity.csv").read_text() == first
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["kappa"] == [0.0, 1.0]


def test_capacity_default_unchanged_without_kappa(tmp_path):
    res = runner.invoke(app, ["perceptron", "capacity", "--N", "6", "--alpha", "1,3",
                              "--samples", "4", "--perceptron-epochs", "0",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "capacity.csv").is_file()
    assert not (tmp_path / "kappa_capacity.csv").exists()


def test_binary_outputs(tmp_path):
    res = runner.invoke(app, ["perceptron", "binary", "--N", "5,7", "--samples", "20",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "binary_capacity.csv")
    assert [int(r["N"]) for r in rows] == [5, 7]
    assert abs(float(rows[0]["krauth_mezard"]) - 0.833) < 0.001
    assert "Krauth–Mézard" in res.output
    ent = _rows(tmp_path / "binary_entropy.csv")
    assert any(r["N"] == "RS" for r in ent) and any(r["N"] == "7" for r in ent)
    assert (tmp_path / "binary_capacity.png").stat().st_size > 10_000


def test_teacher_outputs(tmp_path):
    res = runner.invoke(app, ["perceptron", "teacher", "--learning", "hebb,amp,bayes",
                              "--alpha", "0.5,2", "--N", "100", "--samples", "3",
                              "--iterations", "10", "--teacher", "binary",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "teacher.csv")
    assert [(r["learning"], float(r["alpha"])) for r in rows] == [
        ("hebb", 0.5), ("amp", 0.5), ("bayes", 0.5), ("hebb", 2.0), ("amp", 2.0),
        ("bayes", 2.0)]
    bayes = [r for r in rows if r["learning"] == "bayes"]
    assert float(bayes[1]["theory"]) == 0.0  # above α_IT ≈ 1.245
    assert "α_IT = 1.2447" in res.output
    assert (tmp_path / "teacher.png").stat().st_size > 10_000
