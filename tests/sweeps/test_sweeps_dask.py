"""A sweep on a real (local) Dask cluster gives the same table as a local run."""

import importlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spinnet.sweeps import Grid, load_results, run_sweep, store_path

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
tasks = importlib.import_module("_sweep_tasks")


def _dask(command: str) -> list[str]:
    script = Path(sys.executable).parent / "dask"
    if script.exists():
        return [str(script), command]
    return [sys.executable, "-m", f"distributed.cli.dask_{command}"]


def _stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def test_dask_cluster_matches_local_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINNET_SWEEP_SLEEP", "0.05")
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    scheduler_file = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen] = []
    logs = []

    def start(name, args):
        log = open(tmp_path / f"{name}.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      cwd=tmp_path))

    def output() -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in tmp_path.glob("*.log"))

    grid = Grid(x=range(12), T=[0.5])
    try:
        # Loopback only: the scheduler on a free port, two single-threaded workers.
        start("scheduler", [*_dask("scheduler"), "--host", "127.0.0.1", "--port", "0",
                            "--no-dashboard", "--scheduler-file", str(scheduler_file)])
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert procs[0].poll() is None and time.monotonic() < deadline, output()
            time.sleep(0.1)
        time.sleep(0.1)  # let the writer finish the file
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for i in range(2):
            start(f"worker{i}", [*_dask("worker"), address, "--nthreads", "1",
                                 "--nworkers", "1", "--no-dashboard", "--host", "127.0.0.1",
                                 "--local-directory", str(tmp_path / f"w{i}")])
        with distributed.Client(address, set_as_default=False, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)

        # Part of the grid locally first: the cluster must complete it, not redo it.
        run_sweep(tasks.slow_task, Grid.from_records(list(grid)[:3]), tmp_path / "dask",
                  seed=5, n_workers=1, progress=False)
        t0 = time.perf_counter()
        rows = run_sweep(tasks.slow_task, grid, tmp_path / "dask", seed=5, scheduler=address,
                         progress=False)
        print(f"dask sweep of 9 tasks: {time.perf_counter() - t0:.2f} s")
    except BaseException:
        print(output())
        raise
    finally:
        _stop(procs[1:])
        _stop(procs[:1])
        for log in logs:
            log.close()

    local = run_sweep(tasks.slow_task, grid, tmp_path / "local", seed=5, n_workers=1,
                      progress=False)
    assert rows == local
    assert load_results(tmp_path / "dask") == local
    with sqlite3.connect(store_path(tmp_path / "dask")) as conn:
        workers = [w for (w,) in conn.execute("SELECT worker FROM results ORDER BY rowid")]
    assert len(workers) == len(grid)
    assert all(w.startswith("tcp://127.0.0.1:") for w in workers[3:]), workers


def test_scheduler_must_be_an_address_or_a_client(tmp_path):
    with pytest.raises(TypeError, match="scheduler must be an address"):
        run_sweep(tasks.slow_task, Grid(x=[1]), tmp_path, seed=1, scheduler=8786,
                  progress=False)
