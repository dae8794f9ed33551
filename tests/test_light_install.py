"""Core spinnet works without PyTorch; torch features exit 2 naming the extra.

Each command runs in a fresh interpreter in which ``import torch`` fails (as in a
``pip install spinnet`` without extras), at its smallest setting.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# A meta-path finder that makes ``import torch`` fail exactly as on a machine without it
# (``sys.modules['torch'] = None`` would not do: SciPy then believes torch is present).
BLOCK = """
import sys
class _NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoTorch())
sys.argv = ["spinnet"] + sys.argv[1:]
from spinnet.cli import main
main()
"""


def _spinnet_without_torch(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK, *args], capture_output=True,
                          text=True, timeout=600, cwd=cwd)


@pytest.mark.parametrize("args", [
    ["demo", "--out", "demo"],
    ["hopfield", "recall", "--data", "random", "--N", "200", "--p", "5", "--out", "rec"],
    ["ising", "simulate", "--L", "8", "--T", "2.0,2.5", "--sweeps", "200", "--thermalize",
     "50", "--out", "ising"],
    ["theory", "ags", "--alpha", "0.05", "--T", "0.3"],
    ["perceptron", "capacity", "--N", "20", "--alpha", "1,2,3", "--samples", "5", "--out",
     "cap"],
    ["reproduce", "--preset", "smoke", "--only", "ising.tc-square,modern.attention", "--out",
     "rep"],
], ids=["demo", "hopfield-recall", "ising-simulate", "theory-ags", "perceptron-capacity",
        "reproduce"])
def test_core_commands_run_without_torch(args, tmp_path):
    proc = _spinnet_without_torch(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [
    ["rbm", "train", "--data", "digits"],
    ["modern", "retrieve", "--data", "random"],
])
def test_torch_commands_exit_2_naming_the_extra(args, tmp_path):
    proc = _spinnet_without_torch(*args, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "spinnet[torch]" in out and "Traceback" not in out
