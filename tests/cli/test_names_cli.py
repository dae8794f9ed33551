"""``spinnet hopfield names``: outputs, registration, reproducibility."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_names_random_outputs(tmp_path):
    res = runner.invoke(app, ["hopfield", "names", "--alpha", "0.05,0.2", "--noise", "0,0.2",
                              "--N", "100", "--code-length", "20", "--trials", "2", "--rule",
                              "hebbian", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "names.csv")
    assert [(r["alpha"], r["noise"]) for r in rows] == [("0.05", "0.0"), ("0.05", "0.2"),
                                                         ("0.2", "0.0"), ("0.2", "0.2")]
    assert float(rows[0]["accuracy"]) == 1.0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "hopfield names"
    assert manifest["parameters"]["code_length"] == 20
    for png in ("names-accuracy.png", "names-completed.png"):
        assert (tmp_path / png).stat().st_size > 10_000
    assert "Names completed" in res.output


def test_names_letters_clamped(tmp_path):
    res = runner.invoke(app, ["hopfield", "names", "--data", "letters", "--noise", "0.1",
                              "--trials", "1", "--rule", "pseudo_inverse", "--clamp",
                              "--blank", "fixed", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "names.csv")
    assert len(rows) == 1 and rows[0]["split"] == "stored"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["clamp_picture"] is True
    assert manifest["parameters"]["blank"] == "fixed"


def test_same_seed_same_table(tmp_path):
    args = ["hopfield", "names", "--alpha", "0.1", "--noise", "0.3", "--N", "80",
            "--code-length", "20", "--trials", "2", "--seed", "4"]
    a = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    b = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert a.exit_code == b.exit_code == 0
    assert (tmp_path / "a" / "names.csv").read_text() == (tmp_path / "b" / "names.csv").read_text()
