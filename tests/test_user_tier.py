"""The user tier's shared machinery: option parsing, the save format, History, manifests,
entry points, Ctrl-C and missing-extra handling, and the light (torch-free) core."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from spinnet._history import History
from spinnet._io import write_manifest
from spinnet._optional import MissingExtraError
from spinnet._persist import (
    load_state,
    rng_from_state,
    rng_to_state,
    save_state,
)
from spinnet.cli import SpinnetGroup, app
from spinnet.cli._common import check_finite, parse_floats, parse_ints

runner = CliRunner()


# --- one grammar for multi-valued options ----------------------------------------------

def test_range_means_n_points_both_ends():
    alphas = parse_floats("1:3:21", "--alpha")
    assert len(alphas) == 21 and alphas[0] == 1.0 and alphas[-1] == 3.0
    np.testing.assert_allclose(np.diff(alphas), 0.1)
    assert parse_floats("0.5", "--T") == [0.5]
    assert parse_floats("2.0, 2.2,2.4", "--T") == [2.0, 2.2, 2.4]
    assert parse_floats("2:2:1", "--T") == [2.0]
    assert parse_ints("8,16,32", "--L") == [8, 16, 32]
    assert parse_ints("100:400:4", "--N") == [100, 200, 300, 400]


@pytest.mark.parametrize("text,why", [
    ("3:1:5", "reversed"), ("1:3:0", "n >= 2"), ("1:3:1", "n >= 2"),
    ("1:3:2.5", "positive integer"),
    ("1:3", "range lo:hi:n"), ("nan", "not a number"), ("1,inf", "not a number"),
    ("a,b", "not a number"), ("", "empty"), ("1,,2", "comma list"), ("1:2:3:4", "range"),
])
def test_bad_lists_name_the_option(text, why):
    with pytest.raises(typer.BadParameter) as info:
        parse_floats(text, "--alpha")
    assert info.value.param_hint == "--alpha" and why in str(info.value)


def test_int_lists_and_bounds():
    with pytest.raises(typer.BadParameter, match="integers"):
        parse_ints("1.5,2", "--N")
    with pytest.raises(typer.BadParameter, match="does not give integers"):
        parse_ints("1:2:3", "--N")
    with pytest.raises(typer.BadParameter, match=">= 1"):
        parse_ints("0,4", "--N", minimum=1)
    with pytest.raises(typer.BadParameter, match="<= 1"):
        parse_floats("0.5,1.5", "--noise", minimum=0, maximum=1)
    with pytest.raises(typer.BadParameter, match="finite"):
        check_finite(math.nan, "--lr")
    with pytest.raises(typer.BadParameter, match="> 0"):
        check_finite(0.0, "--beta", minimum=0, min_inclusive=False)
    assert check_finite(0.25, "--noise", minimum=0, maximum=1) == 0.25


# --- History ---------------------------------------------------------------------------

def test_history_columns_rows_and_json_round_trip():
    h = History()
    h.append(epoch=1, loss=0.5, accuracy=np.float32(0.75))
    h.append(epoch=2, loss=float("nan"))
    assert len(h) == 2 and h.keys == ["epoch", "loss", "accuracy"]
    np.testing.assert_array_equal(h["epoch"], [1, 2])
    assert math.isnan(h["accuracy"][1]) and h.last("accuracy") == 0.75
    d = json.loads(json.dumps(h.to_dict(), allow_nan=False))
    assert History.from_dict(d) == h
    with pytest.raises(KeyError, match="no metric 'bogus'"):
        h["bogus"]
    with pytest.raises(TypeError, match="history value 'x'"):
        h.append(x=[1, 2])


# --- the one save format ---------------------------------------------------------------

def test_save_state_round_trip_is_bit_exact(tmp_path):
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(7)
    w = gen.standard_normal((5, 3))
    t = torch.randn(4, 2, generator=torch.Generator().manual_seed(1)).to(torch.bfloat16)
    d = save_state(tmp_path / "m", kind="test.Kind",
                   config={"n": 5, "eps": float("nan"), "name": "x"},
                   arrays={"w": w, "layer/0/t": t, "i8": np.array([1, -1], np.int8),
                           "scalar": np.float64(2.5), "step": torch.tensor(7)},
                   state={"rng": rng_to_state(gen), "epoch": np.int64(3)})
    s = load_state(d, kind="test.Kind")
    assert s.config == {"n": 5, "eps": None, "name": "x"} and s.state["epoch"] == 3
    assert s.arrays["w"].tobytes() == w.tobytes() and s.arrays["i8"].dtype == np.int8
    assert s.arrays["layer/0/t"].dtype == torch.bfloat16
    assert s.arrays["scalar"].shape == () and s.arrays["scalar"] == 2.5
    assert s.arrays["step"].shape == () and s.arrays["step"].dtype == torch.int64
    assert torch.equal(s.arrays["layer/0/t"], t)
    # The generator continues exactly where it was saved.
    assert rng_from_state(s.state["rng"]).random() == gen.random()
    # Saving again replaces atomically and leaves no temporary directories.
    save_state(d, kind="test.Kind", config={"n": 6}, arrays={"w": w})
    assert load_state(d).config == {"n": 6}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    # A crash between moving the old save aside and renaming the new one in leaves the
    # old one readable.
    d.rename(tmp_path / ".m.old")
    assert load_state(d).config == {"n": 6}


def test_load_state_errors_name_the_path(tmp_path):
    with pytest.raises(ValueError, match="not a directory"):
        load_state(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"config\.json"):
        load_state(tmp_path / "empty")
    d = save_state(tmp_path / "m", kind="a", config={}, arrays={"x": np.zeros(3)})
    with pytest.raises(ValueError, match="holds a 'a', not a 'b'"):
        load_state(d, kind="b")
    (d / "arrays.h5").write_bytes(b"truncated")
    with pytest.raises(ValueError, match="corrupt"):
        load_state(d)
    (d / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="corrupt"):
        load_state(d)
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        save_state(f, kind="a", config={})
    other = tmp_path / "other"
    other.mkdir()
    (other / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a spinnet save directory"):
        save_state(other, kind="a", config={})
    assert (other / "precious.txt").read_text() == "keep me"


# --- manifests -------------------------------------------------------------------------

def test_manifest_is_strict_json_with_environment(tmp_path):
    write_manifest(tmp_path, "test", {"x": float("nan"), "y": [1.0, float("inf")]},
                   time.time())
    text = (tmp_path / "manifest.json").read_text()
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert data["parameters"] == {"x": None, "y": [1.0, None]}
    for dist in ("spinnet", "python", "numpy", "scipy", "numba"):
        assert data["versions"][dist]
    assert "command_line" in data and "git_commit" in data


# --- entry points, Ctrl-C and missing extras -------------------------------------------

def test_version_help_and_module_entry():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("spinnet ")
    res = runner.invoke(app, ["-h"])
    assert res.exit_code == 0 and "hopfield" in res.output and "--install-completion" in \
        res.output
    res = runner.invoke(app, ["hopfield", "-h"])
    assert res.exit_code == 0 and "phase-diagram" in res.output
    proc = subprocess.run([sys.executable, "-m", "spinnet", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("spinnet ")


def _toy_app():
    toy = typer.Typer(cls=SpinnetGroup)

    @toy.command("interrupt")
    def interrupt() -> None:
        from spinnet.cli._common import note_kept

        note_kept("2 of 5 grid points in out/results.sqlite")
        raise KeyboardInterrupt

    @toy.command("interrupt-early")
    def interrupt_early() -> None:
        raise KeyboardInterrupt

    @toy.command("needs-torch")
    def needs_torch() -> None:
        raise MissingExtraError("spinnet.boltzmann needs torch, which is not installed: "
                                "pip install 'spinnet[torch]'", "torch")

    return toy


def test_ctrl_c_prints_what_was_kept_and_the_resume_command():
    res = runner.invoke(_toy_app(), ["interrupt"])
    assert res.exit_code == 130
    assert "Interrupted." in res.output and "2 of 5 grid points" in res.output
    assert "Resume with:" in res.output and "Traceback" not in res.output


def test_ctrl_c_before_anything_was_kept_says_so():
    toy = _toy_app()
    runner.invoke(toy, ["interrupt"])           # leaves "2 of 5 grid points" behind
    res = runner.invoke(toy, ["interrupt-early"])
    assert res.exit_code == 130 and "Kept: nothing of this run" in res.output
    assert "grid points" not in res.output


def test_missing_extra_exits_2_naming_the_extra():
    res = runner.invoke(_toy_app(), ["needs-torch"])
    assert res.exit_code == 2 and "spinnet[torch]" in res.output
    assert "Traceback" not in res.output


def _run_isolated(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_import_is_light():
    proc = _run_isolated(
        "import sys, spinnet, spinnet.cli\n"
        "heavy = [m for m in ('torch', 'numba', 'sklearn') if m in sys.modules]\n"
        "print(heavy)\n"
        "assert spinnet.HopfieldNetwork.__name__ == 'HopfieldNetwork'\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", ("spinnet / spinnet.cli import heavy modules at "
                                         f"module level: {proc.stdout}")


def test_top_level_names_resolve():
    import spinnet

    for name in spinnet.__all__:
        assert getattr(spinnet, name) is not None, name
    assert spinnet.RBM.__module__ == "spinnet.boltzmann.rbm"
    with pytest.raises(AttributeError, match="no attribute 'Bogus'"):
        spinnet.Bogus  # noqa: B018

