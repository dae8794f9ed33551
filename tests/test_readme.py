"""Every example of the README runs as written, at its smallest setting.

The test extracts each ``spinnet ...`` line of the README's command-line block and
the Python example, and runs them in order in one scratch directory (so
``rbm eval --from rbm/`` finds the model ``rbm train ... --out rbm/`` wrote). The
README's own options come first; the options below are appended and override them
only to shrink the run (click keeps the last value of an option). An example without
an entry here fails the test: a new README example must say how it runs small.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinnet.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner()

#: command path -> options appended to shrink the run (after the README's own).
SMALLEST: dict[str, list[str]] = {
    "demo": [],
    "hopfield recall": ["--N", "200", "--p", "5", "--sweeps", "5"],
    "hopfield one-step": ["--N", "200", "--alpha", "0.1,0.2", "--trials", "2"],
    "theory ags": [],
    "ising simulate": ["--L", "8,12", "--T", "2.1:2.4:4", "--sweeps", "200",
                       "--thermalize", "50"],
    "anneal": ["--N", "50", "--sweeps", "50"],
    "data fetch": ["--split", "test", "--base-url", "{base_url}", "--dest", "fetched"],
    "rbm train": ["--hidden", "8", "--epochs", "1"],
    "rbm eval": ["--runs", "4", "--ais-steps", "100"],
    "rbm sample": ["--samples", "4", "--sweeps", "10"],
    "dbn train": ["--layers", "16,8", "--pretrain-epochs", "1", "--finetune-epochs", "1"],
    "inverse-ising": ["--N", "6", "--samples", "200,400"],
    "dam capacity": ["--N", "20,30", "--trials", "2", "--probes", "2"],
    "modern retrieve": ["--p", "50", "--queries", "10", "--beta", "1"],
    "neurons gates": ["--grid-points", "5"],
    "perceptron capacity": ["--N", "10,20", "--alpha", "1,2,3", "--samples", "5"],
    "mlp train": ["--epochs", "1", "--hidden", "16", "--no-baseline"],
    "attractor online": ["--N", "100", "--classes", "3"],
    "phases run": ["--L", "8,12,16", "--samples", "40", "--net", "fcnn", "--networks", "2",
                   "--epochs", "2", "--n-boot", "4"],
    "tsp": ["--cities", "5", "--instances", "2", "--restarts", "1"],
    "hopfield phase-diagram": ["--N", "100", "--alpha", "0.05,0.1", "--T", "0.2,0.5",
                               "--sweeps", "5", "--trials", "1"],
    "hopfield capacity": ["--N", "50,100", "--alpha", "0.1,0.2", "--trials", "2",
                          "--workers", "1"],
    # A key may name the command and its first option when examples of one command
    # need different shrinking (the longest matching key wins).
    "lab": [],
    "hopfield dynamics": ["--N", "1000", "--trials", "2", "--samples", "2", "--sweeps", "3"],
    "theory fi": ["--no-compare"],
    "hopfield hetero": ["--N", "64", "--M", "36", "--p", "1,2,4", "--trials", "2"],
    "hopfield sequence": ["--N", "200,300", "--alpha", "0.16,0.27,0.38", "--trials", "2",
                          "--sweeps", "30", "--p", "4", "--tau", "3"],
    "hopfield names": ["--N", "200", "--code-length", "50", "--trials", "2"],
    "attractor online --data": ["--classes", "3", "--exemplars", "6", "--size", "12"],
    "perceptron capacity --kappa": ["--kappa", "0,1", "--N", "10,20", "--samples", "10"],
    "perceptron binary": ["--N", "7,9,11", "--samples", "50"],
    "perceptron teacher": ["--alpha", "0.5,2", "--N", "200", "--samples", "4"],
    "modern threshold": ["--N", "16", "--probes", "10", "--points", "5"],
    "van free-energy": ["--T", "2.27", "--depth", "2", "--width", "4", "--steps", "200",
                        "--batch-size", "200", "--samples", "5000"],
    "van sample": [],
    "van train": [],
    "phases run --protocol": ["--L", "8,12,16", "--samples", "24", "--net", "fcnn",
                              "--networks", "1", "--epochs", "2", "--n-boot", "4"],
    "phases scan": ["--Jd", "-0.3,0.5", "--L", "8,12,16", "--samples", "40", "--networks", "1",
                    "--epochs", "2", "--n-boot", "10"],
    "reproduce": ["--only", "ising.tc-square,neurons.xor-single-unit"],
}

#: commands that serve until interrupted: started as a subprocess, checked, stopped.
SERVED = {"lab"}


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)


def readme_commands() -> list[list[str]]:
    cmds = []
    for block in _blocks("bash"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "spinnet":
                cmds.append(words[1:])
    return cmds


def _command_path(args: list[str]) -> str:
    group = typer_groups()
    path = f"{args[0]} {args[1]}" if args[0] in group and len(args) > 1 else args[0]
    rest = args[len(path.split()):]
    if rest and rest[0].startswith("--") and f"{path} {rest[0]}" in SMALLEST:
        return f"{path} {rest[0]}"
    return path


def typer_groups() -> set[str]:
    import typer

    root = typer.main.get_command(app)
    return {name for name, c in root.commands.items() if hasattr(c, "commands")}


def test_readme_has_examples_and_each_is_sized():
    cmds = readme_commands()
    assert len(cmds) >= 20
    missing = sorted({_command_path(c) for c in cmds} - set(SMALLEST))
    assert not missing, f"README examples without a smallest setting in this test: {missing}"


@pytest.fixture
def mnist_server(tmp_path):
    """The shared MNIST test set served on 127.0.0.1 (``data fetch`` never leaves the machine)."""
    import functools
    import http.server
    import threading

    shared = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mnist"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(shared))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_readme_examples_run(tmp_path, monkeypatch, mnist_server):
    from spinnet.datasets import default_mnist_path

    if default_mnist_path() is None:
        pytest.skip("the README's MNIST examples need ../shared/data/mnist")
    monkeypatch.chdir(tmp_path)
    for args in readme_commands():
        if _command_path(args) in SERVED:
            _check_served(args)
            continue
        extra = [a.format(base_url=mnist_server) for a in SMALLEST[_command_path(args)]]
        res = runner.invoke(app, [*args, *extra])
        assert res.exit_code == 0, (f"spinnet {shlex.join(args)} (+ {shlex.join(extra)}) "
                                    f"failed:\n{res.output}")
        assert "Traceback" not in res.output


def _check_served(args: list[str]) -> None:
    """Start a serving README example on a free loopback port, ask it for /api/info."""
    import json
    import urllib.request

    pytest.importorskip("fastapi")
    from tests.lab._server import start_lab_server

    server = start_lab_server(*args[1:], "--no-browser", "--port", "0")
    try:
        assert server.host == "127.0.0.1"
        with urllib.request.urlopen(server.url + "api/info", timeout=30) as reply:
            assert "memory" in json.load(reply)["panels"]
    finally:
        assert server.stop() == 0


def test_readme_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = _blocks("python")
    assert blocks, "README lost its Python example"
    for code in blocks:
        exec(compile(code, str(README), "exec"), {})
