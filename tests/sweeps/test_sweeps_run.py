import csv
import importlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from spinnet.sweeps import (
    Grid,
    Sweep,
    SweepError,
    load_results,
    run_sweep,
    store_path,
    task_key,
    task_seed,
    to_csv,
)

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also under --import-mode=importlib
    sys.path.insert(0, str(HERE))
tasks = importlib.import_module("_sweep_tasks")

GRID = Grid(x=range(6), T=[0.5, 1.0])


@pytest.fixture
def call_log(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("SPINNET_SWEEP_CALL_LOG", str(log))
    monkeypatch.setenv("SPINNET_SWEEP_SLEEP", "0")
    return log


def by_params(rows, names=("x", "T")):
    return {tuple(r[n] for n in names): r for r in rows}


def test_results_do_not_depend_on_order_backend_or_prior_work(tmp_path, call_log):
    pool = run_sweep(tasks.slow_task, GRID, tmp_path / "pool", seed=7, n_workers=2,
                     progress=False)
    assert [(r["x"], r["T"]) for r in pool] == [(t["x"], t["T"]) for t in GRID]  # grid order

    records = list(GRID)
    random.Random(0).shuffle(records)
    shuffled = run_sweep(tasks.slow_task, Grid.from_records(records), tmp_path / "serial",
                         seed=7, n_workers=1, progress=False)
    assert by_params(shuffled) == by_params(pool)

    # part of the grid first (another backend), then the whole grid
    run_sweep(tasks.slow_task, Grid.from_records(records[:5]), tmp_path / "parts", seed=7,
              n_workers=1, progress=False)
    parts = run_sweep(tasks.slow_task, GRID, tmp_path / "parts", seed=7, n_workers=2,
                      progress=False)
    assert parts == pool

    # each task saw the generator task_seed(seed, params) builds
    for r in pool:
        params = {"x": r["x"], "T": r["T"]}
        alone = tasks.slow_task(params, np.random.default_rng(task_seed(7, params)))
        assert {k: r[k] for k in alone} == alone

    other = run_sweep(tasks.slow_task, GRID, tmp_path / "seed8", seed=8, n_workers=1,
                      progress=False)
    assert all(a["u"] != b["u"] for a, b in zip(pool, other, strict=True))


def test_finished_sweep_does_no_work(tmp_path, call_log, capsys):
    run_sweep(tasks.slow_task, GRID, tmp_path, seed=1, n_workers=2, progress=False)
    assert sorted(tasks.calls(call_log)) == sorted(t["x"] for t in GRID)
    before = load_results(tmp_path)
    mtime = store_path(tmp_path).stat().st_mtime_ns
    capsys.readouterr()
    again = run_sweep(tasks.slow_task, GRID, tmp_path, seed=1, n_workers=2, progress=True)
    assert "nothing to do" in capsys.readouterr().err
    assert len(tasks.calls(call_log)) == len(GRID)  # func not called again
    assert again == before
    assert store_path(tmp_path).stat().st_mtime_ns == mtime  # store untouched
    assert Sweep(tasks.slow_task, GRID, tmp_path, seed=1).pending() == []


def test_failed_task_is_reported_others_stored_and_only_it_retried(tmp_path, call_log,
                                                                   monkeypatch):
    flag = tmp_path / "fail.flag"
    flag.touch()
    monkeypatch.setenv("SPINNET_SWEEP_FAIL_FLAG", str(flag))
    grid = Grid(x=range(6))
    with pytest.raises(SweepError, match=r"1 of 6 tasks failed \(5 stored") as info:
        run_sweep(tasks.slow_task, grid, tmp_path / "out", seed=3, n_workers=2,
                  progress=False)
    (failure,) = info.value.failures
    assert failure.params == {"x": 3}
    assert failure.task_key == task_key({"x": 3})
    assert "planned failure at x=3" in failure.traceback
    assert "slow_task" in failure.traceback  # the worker's traceback, not the pool's
    assert failure.message == "ValueError: planned failure at x=3"
    assert sorted(r["x"] for r in load_results(tmp_path / "out")) == [0, 1, 2, 4, 5]

    flag.unlink()
    n_calls = len(tasks.calls(call_log))
    rows = run_sweep(tasks.slow_task, grid, tmp_path / "out", seed=3, n_workers=2,
                     progress=False)
    assert tasks.calls(call_log)[n_calls:] == [3]
    reference = run_sweep(tasks.slow_task, grid, tmp_path / "ref", seed=3, n_workers=1,
                          progress=False)
    assert rows == reference


@pytest.mark.parametrize("func, match", [
    (tasks.array_task, "func result 'v' must be a plain scalar"),
    (tasks.clashing_task, "func result 'x' has the name of a parameter"),
])
def test_bad_results_are_task_failures(tmp_path, func, match):
    with pytest.raises(SweepError) as info:
        run_sweep(func, Grid(x=[1, 2]), tmp_path, seed=0, n_workers=1, progress=False)
    assert len(info.value.failures) == 2
    assert match in info.value.failures[0].message


def test_store_of_other_function_or_seed_is_refused(tmp_path):
    run_sweep(tasks.slow_task, GRID, tmp_path, seed=1, n_workers=1, progress=False)
    with pytest.raises(ValueError, match=r"seed 1 \(got 2\).*overwrite=True"):
        Sweep(tasks.slow_task, GRID, tmp_path, seed=2)
    with pytest.raises(ValueError, match=r"function '_sweep_tasks\.slow_task'"):
        run_sweep(tasks.array_task, GRID, tmp_path, seed=1, progress=False)
    rows = run_sweep(tasks.slow_task, Grid(x=[0]), tmp_path, seed=2, overwrite=True,
                     n_workers=1, progress=False)
    assert len(rows) == 1 and len(load_results(tmp_path)) == 1


def test_argument_errors(tmp_path):
    with pytest.raises(TypeError, match=r"grid must be a spinnet\.sweeps\.Grid"):
        Sweep(tasks.slow_task, [{"x": 1}], tmp_path, seed=1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        Sweep(tasks.slow_task, GRID, tmp_path, seed=1.5)
    with pytest.raises(TypeError, match="func must be callable"):
        Sweep("slow_task", GRID, tmp_path, seed=1)
    with pytest.raises(ValueError, match="n_workers must be >= 1"):
        run_sweep(tasks.slow_task, GRID, tmp_path, seed=1, n_workers=0, progress=False)
    with pytest.raises(ValueError, match="n_workers applies to local runs only"):
        run_sweep(tasks.slow_task, GRID, tmp_path, seed=1, n_workers=2,
                  scheduler="tcp://127.0.0.1:8786", progress=False)
    with pytest.raises(TypeError, match="must be picklable"):
        run_sweep(lambda p, rng: {"y": 1}, GRID, tmp_path / "l", seed=1, n_workers=2,
                  progress=False)
    # in-process, a lambda is fine
    rows = run_sweep(lambda p, rng: {"y": p["x"] ** 2}, Grid(x=[1, 2]), tmp_path / "l",
                     seed=1, n_workers=1, progress=False)
    assert [r["y"] for r in rows] == [1, 4]
    with pytest.raises(FileNotFoundError, match="no sweep store"):
        load_results(tmp_path / "nowhere")


def test_load_results_order_and_csv(tmp_path):
    run_sweep(tasks.slow_task, GRID, tmp_path, seed=2, n_workers=2, progress=False)
    extra = Grid(x=[10], T=[2.0])
    run_sweep(tasks.slow_task, extra, tmp_path, seed=2, n_workers=1, progress=False)
    rows = load_results(tmp_path)  # latest grid first, then the others as they finished
    assert (rows[0]["x"], rows[0]["T"]) == (10, 2.0)
    assert sorted((r["x"], r["T"]) for r in rows[1:]) == sorted((t["x"], t["T"]) for t in GRID)
    assert [(r["x"], r["T"]) for r in load_results(tmp_path, GRID)] == [
        (t["x"], t["T"]) for t in GRID]

    path = to_csv(tmp_path)
    assert path == tmp_path / "results.csv"
    with open(path, newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["x", "T", "u", "k", "e", "label"]
    assert len(table) == len(GRID) + 1
    for got, want in zip(table, rows, strict=True):
        assert float(got["u"]) == want["u"] and int(got["k"]) == want["k"]
        assert got["label"] == want["label"]

    with sqlite3.connect(store_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cols = [r[1] for r in conn.execute("PRAGMA table_info(results)")]
        assert cols == ["task_key", "params", "result", "seed_entropy", "elapsed",
                        "finished_at", "worker"]


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def test_sigkill_mid_sweep_then_resume_matches_uninterrupted_run(tmp_path, call_log):
    grid = tasks.kill_grid()
    out = tmp_path / "killed"
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from _sweep_tasks import kill_grid, slow_task\n"
        "from spinnet.sweeps import run_sweep\n"
        "run_sweep(slow_task, kill_grid(), sys.argv[1], seed=11, n_workers=2,"
        " progress=False)\n"
    )
    env = dict(os.environ, SPINNET_SWEEP_SLEEP="0.25",
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    env.pop("SPINNET_SWEEP_CALL_LOG")
    log = open(tmp_path / "child.log", "w")
    # Own session: SIGKILL the coordinator and its pool workers together (a crash).
    proc = subprocess.Popen([sys.executable, str(script), str(out)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while _count(store_path(out)) < 3:
            assert proc.poll() is None, (tmp_path / "child.log").read_text()
            assert time.monotonic() < deadline, "sweep did not start"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
    assert proc.returncode == -signal.SIGKILL
    n_killed = _count(store_path(out))
    assert 3 <= n_killed < len(grid)

    rows = run_sweep(tasks.slow_task, grid, out, seed=11, n_workers=1, progress=False)
    assert len(tasks.calls(call_log)) == len(grid) - n_killed  # only the missing ones ran
    reference = run_sweep(tasks.slow_task, grid, tmp_path / "reference", seed=11,
                          n_workers=1, progress=False)
    assert rows == reference
    with sqlite3.connect(store_path(out)) as conn:
        keys = [r[0] for r in conn.execute("SELECT task_key FROM results")]
    assert sorted(keys) == sorted(grid.keys())  # every grid point exactly once


def test_progress_callback_and_mismatch_details(tmp_path, call_log, capsys):
    from spinnet.sweeps import StoreMismatchError

    seen = []
    sweep = Sweep(tasks.slow_task, GRID, tmp_path, seed=4)
    sweep.run(n_workers=1, progress=lambda *a: seen.append(a))
    assert seen[0] == ("slow_task", 0, len(GRID)) and seen[-1] == ("slow_task", 12, 12)
    assert [d for _, d, _ in seen] == list(range(len(GRID) + 1))
    assert sweep.last_run_count == len(GRID)
    assert capsys.readouterr().err == ""  # a callback replaces the printed bar and summary
    seen.clear()
    again = Sweep(tasks.slow_task, GRID, tmp_path, seed=4)
    again.run(n_workers=1, progress=lambda *a: seen.append(a))
    assert seen == [("slow_task", 12, 12)] and again.last_run_count == 0
    with pytest.raises(StoreMismatchError) as info:
        Sweep(tasks.slow_task, GRID, tmp_path, seed=5)
    assert info.value.differences == {"seed": (4, 5)}
    assert isinstance(info.value, ValueError)
    with pytest.raises(TypeError, match="progress must be a bool or a callable"):
        Sweep(tasks.slow_task, GRID, tmp_path, seed=4).run(progress="yes")
