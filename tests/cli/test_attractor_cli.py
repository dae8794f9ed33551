"""``spinnet attractor online`` and ``spinnet tsp``.

The commands are mounted on a local app exactly as ``spinnet.cli`` registers
them (``add_typer(attractor_app, name="attractor")``, ``command("tsp")(tsp)``),
so the tests do not depend on the registration being present.
"""

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from spinnet.cli.attractor import attractor_app, tsp
from spinnet.experiments.attractor import tsp_comparison

app = typer.Typer()
app.add_typer(attractor_app, name="attractor")
app.command("tsp")(tsp)
runner = CliRunner()


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_online_outputs(tmp_path):
    res = runner.invoke(app, ["attractor", "online", "--N", "120", "--classes", "3",
                              "--exemplars", "12", "--record-every", "3", "--out",
                              str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "overlaps.csv")
    assert {int(r["class"]) for r in rows} == {0, 1, 2}
    classes = _rows(tmp_path / "classes.csv")
    assert [int(r["age"]) for r in classes] == [2, 1, 0]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "attractor online"
    assert manifest["parameters"]["n_neurons"] == 120
    s = manifest["summary"]
    assert s["exemplar_fixed_fraction"] == 0.0
    assert s["mean_attractor_vs_prototype"] > s["mean_attractor_vs_exemplar"]
    assert (tmp_path / "online.png").stat().st_size > 20_000
    assert "retrievable at the end" in res.output


@pytest.mark.parametrize("args, option", [
    (["--noise", "0.5"], "--noise"), (["--classes", "0"], "--classes"),
    (["--lr", "0"], "--lr"), (["--bound", "-1"], "--bound"),
    (["--decay", "2"], "--decay"), (["--N", "5"], "--N"),
])
def test_online_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["attractor", "online", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert option in res.output


def test_tsp_outputs(tmp_path):
    res = runner.invoke(app, ["tsp", "--method", "hopfield-tank", "--cities", "6",
                              "--instances", "2", "--restarts", "2", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "tsp.csv")
    assert [(int(r["instance"]), r["method"]) for r in rows] == [
        (0, "exact"), (0, "hopfield-tank"), (0, "hopfield-tank"),
        (1, "exact"), (1, "hopfield-tank"), (1, "hopfield-tank")]
    for r in rows:
        if r["valid"] == "True":
            assert float(r["ratio"]) >= 1 - 1e-12
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    valid = sum(r["valid"] == "True" for r in rows if r["method"] == "hopfield-tank")
    assert manifest["summary"]["valid_fraction"] == valid / 4
    assert manifest["summary"]["reference"] == "exact"
    assert (tmp_path / "tsp.png").is_file() and (tmp_path / "tours.png").is_file()
    assert not (tmp_path / "tsp.partial.json").exists()


def test_tsp_resumes_from_partial_results(tmp_path):
    done = [r for r in tsp_comparison(6, 2, ["exact", "2opt"], rng=3) if r["instance"] == 0]
    params = dict(method="2opt", cities=6, instances=2, restarts=1, anneal_sweeps=1000,
                  ht_d=500.0, ht_n_tilde=15.0, seed=3, reference="exact")
    (tmp_path / "tsp.partial.json").write_text(json.dumps({"parameters": params,
                                                           "rows": done}))
    res = runner.invoke(app, ["tsp", "--method", "2opt", "--cities", "6", "--instances", "2",
                              "--seed", "3", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "tsp.csv")
    # instance 0 was taken from the partial file (its timings are the saved ones)
    assert [float(r["seconds"]) for r in rows[:2]] == [r["seconds"] for r in done]
    assert {int(r["instance"]) for r in rows} == {0, 1}


@pytest.mark.parametrize("args, option", [
    (["--cities", "3"], "--cities"), (["--method", "exact", "--cities", "20"], "--cities"),
    (["--instances", "0"], "--instances"), (["--restarts", "0"], "--restarts"),
    (["--method", "genetic"], "--method"), (["--ht-d", "-5"], "--ht-d"),
])
def test_tsp_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["tsp", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert option in res.output


def _no_seconds(path):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in _rows(path)]


def test_tsp_overwrite_replaces_a_partial_run_with_other_settings(tmp_path):
    params = dict(method="2opt", cities=6, instances=2, restarts=1, anneal_sweeps=1000,
                  ht_d=500.0, ht_n_tilde=15.0, seed=3, reference="exact")
    (tmp_path / "tsp.partial.json").write_text(json.dumps({"parameters": params,
                                                           "rows": []}))
    args = ["tsp", "--method", "2opt", "--cities", "6", "--instances", "2", "--seed", "4",
            "--out", str(tmp_path)]
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "--overwrite" in res.output and "--seed" in res.output
    res = runner.invoke(app, [*args, "--overwrite"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "manifest.json").read_text())["parameters"]["seed"] == 4
    assert not (tmp_path / "tsp.partial.json").exists()


def test_tsp_interrupted_then_resumed_equals_uninterrupted(tmp_path, monkeypatch):
    from spinnet.cli import app as main_app
    from spinnet.optimize import tsp as T

    args = ["tsp", "--method", "2opt", "--cities", "6", "--instances", "3", "--seed", "2"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert runner.invoke(main_app, [*args, "--out", str(ref)]).exit_code == 0
    real, calls = T.held_karp, []

    def interrupting(d):
        calls.append(d)
        if len(calls) == 2:  # during instance 1
            raise KeyboardInterrupt
        return real(d)

    monkeypatch.setattr(T, "held_karp", interrupting)
    res = runner.invoke(main_app, [*args, "--out", str(out)])
    assert res.exit_code == 130, res.output
    assert "Kept: 1 of 3 instances" in " ".join(res.output.split())
    assert "Resume with:" in res.output and (out / "tsp.partial.json").is_file()
    monkeypatch.setattr(T, "held_karp", real)
    res = runner.invoke(main_app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "reused 1 of 3 instances" in res.output
    assert _no_seconds(out / "tsp.csv") == _no_seconds(ref / "tsp.csv")


def test_online_progress_reports_every_presentation():
    from spinnet.experiments.attractor import online_learning

    seen = []
    online_learning(40, 2, 3, record_every=3, rng=0,
                    progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen == [("presentations", t, 6) for t in range(1, 7)]
