"""The tutorials under docs/tutorials execute without error at their small size.

Executing all of them takes about 1.5 minutes on one core, so that test is ``slow`` (CI runs
it with ``pytest -m slow tests/test_notebooks.py``). The structural checks are fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parents[1] / "docs" / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
PER_NOTEBOOK_BUDGET_S = 60.0


def test_there_are_tutorials():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_structure(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and "SPINNET_TUTORIAL_SIZE" in "".join(code[0]["source"])
    assert sum(c["cell_type"] == "markdown" for c in cells) >= 3
    # the site shows the saved outputs (mkdocs-jupyter with execute: false): one figure at least
    figures = [o for c in code for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert figures, f"{path.name}: no saved figure; execute and save the notebook"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory):
    """A kernelspec that runs *this* interpreter (the venv's python), whatever is installed."""
    pytest.importorskip("ipykernel")
    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / "spinnet-tests"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "spinnet tests",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return str(kernels.parents[1]), "spinnet-tests"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, kernel_name, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    jupyter_path, name = kernel_name
    monkeypatch.setenv("JUPYTER_PATH", jupyter_path)
    monkeypatch.setenv("SPINNET_TUTORIAL_SIZE", "small")
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name=name, timeout=600, resources={"metadata": {"path": str(TUTORIALS)}}
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError with the traceback on any error
    wall = time.perf_counter() - t0
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert not errors
    print(f"{path.name}: {wall:.1f} s (budget {PER_NOTEBOOK_BUDGET_S:.0f} s on one free core)")
