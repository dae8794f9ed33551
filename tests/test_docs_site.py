"""The documentation site: API pages for every public module, every page in the nav, and
(slow, when mkdocs is installed) ``mkdocs build --strict``."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SRC = ROOT / "src"


def _gen_api():
    spec = importlib.util.spec_from_file_location("spinnet_docs_gen_api", DOCS / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public_modules() -> list[str]:
    """Dotted names of the public modules, found independently of docs/gen_api.py."""
    names = []
    for path in (SRC / "spinnet").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(p.startswith("_") for p in parts):
            names.append(".".join(parts))
    return sorted(names)


def _nav_paths(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [p for item in node for p in _nav_paths(item)]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_paths(value)]
    return []


def _mkdocs_config() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_public_module_has_an_api_page():
    modules = _public_modules()
    assert "spinnet.hopfield.network" in modules and "spinnet._rng" not in modules
    cli_page = (DOCS / "api" / "cli.md").read_text(encoding="utf-8")
    missing = []
    for module in modules:
        if module == "spinnet.cli" or module.startswith("spinnet.cli."):
            if f"`{module}`" not in cli_page:
                missing.append(module)
            continue
        page = DOCS / "api" / f"{module}.md"
        if not page.exists() or f"::: {module}\n" not in page.read_text(encoding="utf-8"):
            missing.append(module)
    assert not missing, f"no API page for {missing}; run: python docs/gen_api.py"


def test_generated_api_pages_are_current(capsys):
    rc = _gen_api().main(["--check"])
    assert rc == 0, capsys.readouterr().out


def test_cli_page_lists_commands():
    commands = [c for c, _ in _gen_api().cli_commands()]
    assert "spinnet hopfield recall" in commands and "spinnet reproduce" in commands
    page = (DOCS / "api" / "cli.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in page for c in commands)


def test_every_docs_page_is_in_the_nav_and_every_nav_entry_exists():
    config = _mkdocs_config()
    nav = set(_nav_paths(config["nav"]))
    pages = {
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*")
        if p.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in p.parts
    }
    assert pages - nav == set(), f"docs pages missing from the nav of mkdocs.yml: {pages - nav}"
    assert nav - pages == set(), f"nav entries with no page: {nav - pages}"


def test_site_needs_no_network():
    config = _mkdocs_config()
    assert config["theme"]["font"] is False
    assert config["strict"] is True
    handler = next(p for p in config["plugins"] if isinstance(p, dict) and "mkdocstrings" in p)
    options = handler["mkdocstrings"]["handlers"]["python"]
    assert options["paths"] == ["src"]
    assert options["options"]["docstring_style"] == "numpy"
    # no inventories (they are downloaded at build time)
    assert "import" not in options and "inventories" not in options


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_links_of_home_page_and_tutorials_resolve():
    import json

    sources = {DOCS / "index.md": (DOCS / "index.md").read_text(encoding="utf-8")}
    for nb in (DOCS / "tutorials").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources[nb] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    broken = []
    for path, text in sources.items():
        for target in _LINK.findall(text):
            if "://" in target:
                continue
            if not (path.parent / target).resolve().exists():
                broken.append(f"{path.relative_to(DOCS)} -> {target}")
    assert not broken, broken


def test_quick_report_page_lists_every_claim_with_its_status():
    """docs/reproduce-quick.md (from a ``--preset quick`` run, docs/gen_reproduce_page.py)
    names every registered claim once, with a status, and its figures and HTML report exist."""
    from spinnet.reproduce.core import claims

    page = (DOCS / "reproduce-quick.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| (pass|\*\*FAIL\*\*|not run) \|[^|]*\|$", page,
                      flags=re.MULTILINE)
    listed = [cid for cid, _ in rows]
    registered = sorted(c.id for c in claims())
    assert sorted(listed) == registered, (
        "docs/reproduce-quick.md is stale: rerun `spinnet reproduce --preset quick` and "
        "`python docs/gen_reproduce_page.py RUN_DIR`; missing "
        f"{sorted(set(registered) - set(listed))}, extra {sorted(set(listed) - set(registered))}")
    head = re.search(r"\*\*(\d+) of (\d+) claims reproduced at preset quick", page)
    assert head and int(head.group(2)) == len(registered)
    assert int(head.group(1)) == sum(status == "pass" for _, status in rows)
    for target in _LINK.findall(page):
        assert (DOCS / target).exists(), target


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path):
    """The whole site builds with warnings as errors (about a minute; CI runs it)."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    pytest.importorskip("mkdocs_jupyter")
    exe = shutil.which("mkdocs") or str(Path(sys.executable).with_name("mkdocs"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [exe, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=env,
    )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert result.returncode == 0, "\n".join(warnings) or result.stderr[-4000:]
    assert (tmp_path / "site" / "api" / "spinnet.hopfield.network" / "index.html").exists()
    assert (tmp_path / "site" / "tutorials" / "memory-capacity" / "index.html").exists()
