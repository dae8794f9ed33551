import csv
import json

from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def test_demo_writes_outputs(tmp_path):
    res = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "demo.png").stat().st_size > 10_000
    rows = list(csv.DictReader(open(tmp_path / "recall.csv")))
    assert len(rows) == 8 and all(float(r["overlap_recalled"]) >= 0.95 for r in rows)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["rule"] == "pseudo_inverse"
    assert manifest["parameters"]["N"] == 1024 and manifest["summary"]["recovered"] == 8
    assert "8/8 patterns recovered" in res.output


def test_recall_random_and_reproducible(tmp_path):
    args = ["hopfield", "recall", "--dataset", "random", "--n", "300", "--n-patterns", "6",
            "--rule", "hebbian", "--noise", "0.3", "--seed", "4"]
    a = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    b = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert a.exit_code == 0 and b.exit_code == 0
    table_a = (tmp_path / "a" / "recall.csv").read_text()
    assert table_a == (tmp_path / "b" / "recall.csv").read_text()


def test_recall_digits_glauber(tmp_path):
    res = runner.invoke(app, ["hopfield", "recall", "--dataset", "digits", "--dynamics", "glauber",
                              "--temperature", "0.1", "--max-sweeps", "5", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "recall.png").exists()


def test_bad_input_is_a_clean_error(tmp_path):
    res = runner.invoke(app, ["hopfield", "recall", "--noise", "1.5", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "fraction must lie in [0, 1]" in res.output
    res = runner.invoke(app, ["hopfield", "recall", "--rule", "oja", "--out", str(tmp_path)])
    assert res.exit_code == 2
    res = runner.invoke(app, ["hopfield", "recall", "--dataset", "letters", "--n-patterns", "40",
                              "--out", str(tmp_path)])
    assert res.exit_code == 2 and "n-patterns" in res.output
    f = tmp_path / "file"
    f.write_text("x")
    res = runner.invoke(app, ["demo", "--out", str(f)])
    assert res.exit_code == 2 and "not a directory" in res.output


def test_one_step_table(tmp_path):
    res = runner.invoke(app, ["hopfield", "one-step", "--n", "400", "--alphas", "0.2,0.4",
                              "--trials", "3", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(tmp_path / "one_step.csv")))
    assert [r["p"] for r in rows] == ["80", "160"]
