"""``spinnet phases generate|train|analyze|run``: outputs, resumption and bad input."""

import csv
import json

import pytest
from typer.testing import CliRunner

from spinnet.cli.phases import phases_app

runner = CliRunner()

TEMPS = "1.5,1.8,2.1,2.2,2.25,2.3,2.35,2.4,2.5,2.7,3.2,3.6"


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("phases_cli")
    res = runner.invoke(phases_app, ["generate", "--L", "8,12,16", "--T", TEMPS,
                                     "--samples", "40", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "20",
                                     "--seed", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_generate_writes_files_table_manifest(workdir):
    rows = _rows(workdir / "generate.csv")
    assert [int(r["L"]) for r in rows] == [8, 12, 16]
    assert all(r["sampler"] == "sw" and float(r["tau_E_max"]) > 0 for r in rows)
    for L in (8, 12, 16):
        assert (workdir / "data" / f"ising_L{L}.h5").stat().st_size > 1000
    manifest = json.loads((workdir / "manifest.json").read_text())
    assert manifest["command"] == "phases generate" and manifest["parameters"]["seed"] == 3


def test_train_and_analyze_per_size(workdir):
    res = runner.invoke(phases_app, ["train", "--net", "fcnn", "--representation", "spins",
                                     "--fm-window", "1.5,1.8",
                                     "--pm-window", "3.2,3.6", "--networks", "2", "--epochs",
                                     "10", "--batch-size", "16", "--from", str(workdir),
                                     "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "train.csv")
    assert len(rows) == 6
    # 24 validation snapshots per net: an accuracy of ~0.95 has an error of ~0.04 per
    # net, ~0.02 averaged over six; 0.8 is far above chance (0.5) and 4 sigma below.
    assert sum(float(r["val_accuracy"]) for r in rows) / 6 > 0.8
    assert len(list((workdir / "nets").glob("fcnn_spins_ising_L*_s0.*"))) == 6
    res = runner.invoke(phases_app, ["analyze", "--net", "fcnn", "--representation", "spins",
                                     "--n-boot", "20", "--from", str(workdir),
                                     "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "analysis.csv")
    assert rows[0]["network"] == "fcnn" and rows[1]["network"] == "pca"
    assert {"T_star", "T_star_err", "inv_nu", "inv_nu_err", "T_c_exact"} <= set(rows[0])
    assert 2.0 < float(rows[1]["T_star"]) < 2.6
    assert (workdir / "fcnn_spins_ising_on_ising_PV.png").exists()
    assert (workdir / "pca_ising.png").exists()


def test_train_and_analyze_pooled_block_spins(workdir):
    res = runner.invoke(phases_app, ["train", "--net", "cnn", "--networks", "3", "--epochs", "6",
                                     "--batch-size", "16", "--from", str(workdir),
                                     "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "train.csv")
    # one network per window band, shared by all three sizes
    assert len(rows) == 9 and len({r["fm_window"] for r in rows}) == 3
    assert len(list((workdir / "nets").glob("cnn_blocks_ising_pooled_s0.*"))) == 3
    res = runner.invoke(phases_app, ["analyze", "--net", "cnn", "--n-boot", "20", "--no-pca",
                                     "--from", str(workdir), "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    row = _rows(workdir / "analysis.csv")[0]
    assert row["network"] == "cnn" and row["input"] == "blocks" and row["sizes"] == "8 12 16"
    assert (workdir / "cnn_blocks_ising_on_ising_PV.png").exists()


@pytest.mark.parametrize("args,message", [
    (["generate", "--L", "2,8"], "L must be >= 4"),
    (["generate", "--model", "baxter-wu", "--L", "8"], "multiple of 3"),
    (["generate", "--Jv", "-1"], "ferromagnet"),
    (["train", "--net", "transformer"], "--net must be one of"),
    (["train", "--fm-window", "0.1,0.2"], "label window is empty"),
    (["train", "--pm-window", "9,10"], "label window is empty"),
    (["train", "--fm-window", "2,1"], "T_low <= T_high"),
    (["train", "--L", "64"], "no data for Ising at L = [64]"),
    (["analyze", "--net", "resnet"], "no resnet networks"),
    (["run", "--net", "fcnn,mlp"], "--net must be"),
    (["train", "--protocol", "pooled", "--temperature-prior", "grid"],
     "--temperature-prior: the temperature prior weights the training of per-size networks"),
    (["run", "--temperature-prior", "uniform"], "pooled protocol trains unweighted"),
])
def test_bad_input_is_a_clean_error(workdir, args, message):
    source = ["--from", str(workdir)] if args[0] in ("train", "analyze") else []
    res = runner.invoke(phases_app, [*args, *source, "--out", str(workdir)])
    assert res.exit_code == 2
    assert message in " ".join(res.output.replace("│", " ").split())


def test_generate_refuses_a_file_with_other_parameters(workdir):
    res = runner.invoke(phases_app, ["generate", "--L", "8", "--T", TEMPS,
                                     "--samples", "40", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "20",
                                     "--seed", "4", "--out", str(workdir)])
    assert res.exit_code == 2
    assert "different seed" in " ".join(res.output.split())


# ------------------------------------------------------------------ interruption and resume
RUN_SMALL = ["phases", "run", "--L", "8,12,16", "--samples", "40", "--net", "fcnn",
             "--networks", "2", "--epochs", "2", "--n-boot", "4", "--seed", "1"]


def _spinnet(args, **kw):
    import os
    import subprocess
    import sys

    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, "-m", "spinnet", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _interrupt_when(proc, ready, timeout=60.0):
    """Send SIGINT once ``ready()`` holds; return (returncode, stderr)."""
    import signal
    import time

    t0 = time.monotonic()
    while not ready():
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() - t0 < timeout, "nothing was written in time"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _first_chunk_written(out):
    """The first snapshot file grew past its empty skeleton: a chunk is on disk."""
    import os

    path = out / "data" / "ising_L8.h5"
    sizes = []

    def ready():
        if not path.exists():
            return False
        sizes.append(os.path.getsize(path))
        return sizes[-1] > sizes[0]
    return ready


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path):
    """Ctrl-C during generation and again during training; the resumed tables are identical."""
    from spinnet.cli import app

    ref, part = tmp_path / "ref", tmp_path / "part"
    done = runner.invoke(app, [*RUN_SMALL, "--out", str(ref)])  # uninterrupted, in-process
    assert done.exit_code == 0, done.output

    rc, err = _interrupt_when(_spinnet([*RUN_SMALL, "--out", str(part)]),
                              _first_chunk_written(part))
    assert rc == 130, err
    assert "Interrupted." in err and "Resume with:" in err, err
    assert "snapshot chunks in" in err and "phases run --L 8,12,16" in err, err
    assert not (part / "ising.csv").exists()

    def network_saved():
        return any(p.name.startswith("fcnn_blocks_ising_pooled_s1.")
                   for p in (part / "nets").glob("*"))

    rc, err = _interrupt_when(_spinnet([*RUN_SMALL, "--out", str(part)]), network_saved)
    assert rc == 130, err
    assert "Resume with:" in err and "trained networks in" in err, err

    again = _spinnet([*RUN_SMALL, "--out", str(part)])
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    for name in ("ising.csv", "generation.csv", "fcnn_ising_peaks.csv"):
        assert (part / name).read_text() == (ref / name).read_text(), name


def test_rerun_with_another_seed_needs_overwrite(tmp_path):
    args = ["generate", "--L", "8", "--T", "2.0,2.5", "--samples", "8", "--chains", "2",
            "--per-chunk", "4", "--sweeps-between", "1", "--thermalize", "5",
            "--out", str(tmp_path)]
    assert runner.invoke(phases_app, [*args, "--seed", "1"]).exit_code == 0
    res = runner.invoke(phases_app, [*args, "--seed", "2"])
    text = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "--overwrite" in text and "--seed" in text, text
    res = runner.invoke(phases_app, [*args, "--seed", "2", "--overwrite"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["seed"] == 2


def test_default_output_directories_are_unique_per_command():
    import inspect

    from spinnet.cli import phases as cli

    outs = {name: inspect.signature(fn).parameters["out"].default.default
            for name, fn in (("generate", cli.generate_cmd), ("train", cli.train_cmd),
                             ("analyze", cli.analyze_cmd), ("run", cli.run_cmd))}
    assert {k: str(v) for k, v in outs.items()} == {
        "generate": "spinnet-phases-generate", "train": "spinnet-phases-train",
        "analyze": "spinnet-phases-analyze", "run": "spinnet-phases-run"}
    quick = inspect.signature(cli.run_cmd).parameters["quick"].default.default
    assert quick is True  # 'phases run' defaults to --quick


def test_staged_commands_find_each_others_outputs_by_default(tmp_path, monkeypatch):
    """generate -> train -> analyze with default --out/--from, each in its own directory."""
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(phases_app, ["generate", "--L", "8,12,16", "--T", TEMPS,
                                     "--samples", "20", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "10"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(phases_app, ["train", "--net", "fcnn", "--networks", "1",
                                     "--epochs", "2", "--batch-size", "16"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(phases_app, ["analyze", "--net", "fcnn", "--n-boot", "4"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "spinnet-phases-train" / "nets").is_dir()
    assert (tmp_path / "spinnet-phases-analyze" / "analysis.csv").is_file()
