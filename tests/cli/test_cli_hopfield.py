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
    args = ["hopfield", "recall", "--data", "random", "--N", "300", "--p", "6",
            "--rule", "hebbian", "--noise", "0.3", "--seed", "4"]
    a = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    b = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert a.exit_code == 0 and b.exit_code == 0
    table_a = (tmp_path / "a" / "recall.csv").read_text()
    assert table_a == (tmp_path / "b" / "recall.csv").read_text()


def test_recall_digits_glauber(tmp_path):
    res = runner.invoke(app, ["hopfield", "recall", "--data", "digits", "--dynamics", "glauber",
                              "--T", "0.1", "--sweeps", "5", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "recall.png").exists()


def test_bad_input_is_a_clean_error(tmp_path):
    res = runner.invoke(app, ["hopfield", "recall", "--noise", "1.5", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "fraction must lie in [0, 1]" in res.output
    res = runner.invoke(app, ["hopfield", "recall", "--rule", "oja", "--out", str(tmp_path)])
    assert res.exit_code == 2
    res = runner.invoke(app, ["hopfield", "recall", "--data", "letters", "--p", "40",
                              "--out", str(tmp_path)])
    assert res.exit_code == 2 and "--p" in res.output
    f = tmp_path / "file"
    f.write_text("x")
    res = runner.invoke(app, ["demo", "--out", str(f)])
    assert res.exit_code == 2 and "not a directory" in res.output


def test_one_step_table(tmp_path):
    res = runner.invoke(app, ["hopfield", "one-step", "--N", "400", "--alpha", "0.2,0.4",
                              "--trials", "3", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(tmp_path / "one_step.csv")))
    assert [r["p"] for r in rows] == ["80", "160"]


# --------------------------------------------------------------- user-tier checks
import os  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from spinnet.spins import random_patterns  # noqa: E402

# Makes `import torch` fail as on a core install without PyTorch.
BLOCK_TORCH = """
import importlib.abc, sys
class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoTorch())
"""


def _spinnet(args, cwd, prelude="", **kw):
    code = (prelude + "\nimport sys\nfrom spinnet.cli import main\n"
            "sys.argv = ['spinnet', *sys.argv[1:]]\nmain()\n")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, **kw)


def test_default_out_is_unique_per_command():
    from spinnet.cli import app as root

    defaults = {}
    for group in root.registered_groups:
        for cmd in group.typer_instance.registered_commands:
            for p in __import__("inspect").signature(cmd.callback).parameters.values():
                if getattr(p.default, "param_decls", None) and "--out" in p.default.param_decls:
                    defaults[f"{group.name} {cmd.name}"] = str(p.default.default)
    mine = {k: v for k, v in defaults.items() if k.split()[0] in ("hopfield", "dam", "modern")}
    assert mine == {f"{k}": f"spinnet-{k.replace(' ', '-')}" for k in mine}, mine
    assert len(mine) == 13  # 9 before hopfield dynamics | hetero | sequence | names
    demo_out = __import__("inspect").signature(root.registered_commands[0].callback)
    assert str(demo_out.parameters["out"].default.default) == "spinnet-demo"


def test_demo_writes_into_spinnet_demo(tmp_path):
    res = _spinnet(["demo"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spinnet-demo"]
    assert (tmp_path / "spinnet-demo" / "demo.png").exists()


def test_classical_commands_work_without_torch(tmp_path):
    probe = _spinnet([], cwd=tmp_path, prelude=BLOCK_TORCH + "\nimport spinnet.hopfield, "
                     "spinnet.cli, spinnet.experiments.hopfield, spinnet.experiments.dense\n"
                     "assert 'torch' not in sys.modules, 'torch imported'\n")
    assert "torch imported" not in probe.stderr and probe.returncode in (0, 2), probe.stderr
    for args in (["hopfield", "recall", "--data", "random", "--N", "64", "--p", "3",
                  "--out", "r"],
                 ["theory", "ags", "--alpha", "0.05"],
                 ["hopfield", "one-step", "--N", "64", "--alpha", "0.1", "--trials", "2",
                  "--out", "o"]):
        res = _spinnet(args, cwd=tmp_path, prelude=BLOCK_TORCH)
        assert res.returncode == 0, (args, res.stdout, res.stderr)
    res = _spinnet(["modern", "retrieve", "--data", "random", "--p", "20", "--queries", "5",
                    "--out", "m"], cwd=tmp_path, prelude=BLOCK_TORCH)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "spinnet[torch]" in res.stderr and "Traceback" not in res.stderr


def test_recall_from_pattern_files(tmp_path):
    xi = random_patterns(4, 64, rng=1)
    np.save(tmp_path / "p.npy", xi)
    np.savetxt(tmp_path / "p.csv", xi, delimiter=",", fmt="%d")
    tables = []
    for name in ("p.npy", "p.csv"):
        out = tmp_path / name.replace(".", "_")
        res = runner.invoke(app, ["hopfield", "recall", "--data", str(tmp_path / name),
                                  "--rule", "hebbian", "--noise", "0.1", "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert (out / "recall.png").exists()  # 64 = 8 x 8 is shown as images
        tables.append((out / "recall.csv").read_text())
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["parameters"]["data_file"] == str((tmp_path / name).resolve())
    assert tables[0] == tables[1]
    assert len(list(csv.DictReader(open(tmp_path / "p_npy" / "recall.csv")))) == 4


def _interrupt_when(proc, ready, timeout=120.0):
    """Send SIGINT once ``ready()`` holds; return (stdout, stderr, ready_in_time)."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.05)
    in_time = proc.poll() is None
    if in_time:
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return out, err, in_time


def _stored(path):
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_phase_diagram_ctrl_c_resumes_identically(tmp_path):
    args = ["-m", "spinnet", "hopfield", "phase-diagram", "--N", "400",
            "--alpha", "0.05,0.1", "--T", "0:1:4", "--sweeps", "30", "--trials", "2",
            "--workers", "1", "--seed", "3"]
    env = {**os.environ, "COLUMNS": "200"}
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, *args, "--out", str(out)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    store = out / "phase_diagram" / "results.sqlite"
    _, err, in_time = _interrupt_when(proc, lambda: _stored(store) >= 1)
    assert in_time, "the run finished before it could be interrupted"
    assert proc.returncode == 130, err
    assert "Resume with:" in err and "phase-diagram" in err and "Traceback" not in err
    kept = _stored(store)
    assert 1 <= kept < 16  # finished tasks were kept, not all of them ran
    resumed = subprocess.run([sys.executable, *args, "--out", str(out)], cwd=tmp_path,
                             capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    ref = subprocess.run([sys.executable, *args, "--out", str(tmp_path / "ref")], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=300)
    assert ref.returncode == 0, ref.stderr
    for name in ("phase_diagram.csv", "phase_boundary.csv"):
        assert (out / name).read_text() == (tmp_path / "ref" / name).read_text()
