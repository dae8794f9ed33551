"""Generate the API reference pages of the documentation site.

One page per public module of ``spinnet`` (a module is public when no component of its
dotted path starts with ``_``) under ``docs/api/``, an index page ``docs/api/index.md``,
and the "API reference" section of the ``nav`` in ``mkdocs.yml`` (between the
``# BEGIN API NAV`` and ``# END API NAV`` markers).

The command-line modules ``spinnet.cli.*`` are thin typer faces whose docstrings are
``--help`` text, not numpydoc; they are covered by the single page ``docs/api/cli.md``,
which lists every command with the first line of its help (read from the typer app).

The generated files are committed. Run this script by hand after adding, removing or
renaming a module::

    python docs/gen_api.py          # rewrite docs/api/ and the API nav of mkdocs.yml
    python docs/gen_api.py --check  # exit 1, listing the differences, if anything is stale

``tests/test_docs_site.py`` runs the ``--check`` mode, so a new module without a page
fails the test suite.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "spinnet"
API_DIR = ROOT / "docs" / "api"
MKDOCS_YML = ROOT / "mkdocs.yml"
NAV_BEGIN = "# BEGIN API NAV"
NAV_END = "# END API NAV"
CLI_PACKAGE = f"{PACKAGE}.cli"

__all__ = ["cli_commands", "expected_files", "public_modules"]


def public_modules() -> list[tuple[str, bool]]:
    """Return ``(dotted name, is_package)`` for every public module, sorted by name.

    Returns
    -------
    list of (str, bool)
        Modules whose dotted path has no component starting with ``_``
        (``__init__.py`` stands for its package).
    """
    out: list[tuple[str, bool]] = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts):
            continue
        out.append((".".join(parts), is_package))
    return sorted(out)


def _is_cli(module: str) -> bool:
    return module == CLI_PACKAGE or module.startswith(CLI_PACKAGE + ".")


def _page_name(module: str) -> str:
    return f"{module}.md"


def _title(module: str) -> str:
    return f"`{module}`"


def _first_line(doc: str | None) -> str:
    if not doc:
        return ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def _module_summary(module: str, is_package: bool) -> str:
    path = SRC.joinpath(*module.split("."))
    path = path / "__init__.py" if is_package else path.with_suffix(".py")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return ""
    return _first_line(ast.get_docstring(tree))


def _module_page(module: str, is_package: bool, children: list[str]) -> str:
    lines = [f"# {_title(module)}", ""]
    if is_package:
        # A package page shows the package docstring and what the package itself defines;
        # its re-exports are documented on the pages of the modules that define them.
        lines += [
            f"::: {module}",
            "    options:",
            "      show_root_heading: false",
            "      show_root_toc_entry: false",
            "      members: false" if not _defines_objects(module) else "      filters: public",
            "",
        ]
        if children:
            lines += ["## Modules", ""]
            lines += [f"- [`{c}`]({_page_name(c)})" for c in children]
            lines.append("")
    else:
        lines += [
            f"::: {module}",
            "    options:",
            "      show_root_heading: false",
            "      show_root_toc_entry: false",
            "",
        ]
    return "\n".join(lines)


def _defines_objects(module: str) -> bool:
    """Whether a package's ``__init__`` defines public functions or classes itself."""
    path = SRC.joinpath(*module.split(".")) / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
        for node in tree.body
    )


def cli_commands() -> list[tuple[str, str]]:
    """Return ``(command, summary)`` for every ``spinnet`` command.

    Walks the click command tree of the typer app ``spinnet.cli.app`` (importing it is
    cheap: command modules import neither numba nor torch at module level).

    Returns
    -------
    list of (str, str)
        Full command (``"spinnet hopfield recall"``) and the first line of its help.
    """
    sys.path.insert(0, str(SRC))
    import typer.main

    from spinnet.cli import app

    rows: list[tuple[str, str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if getattr(sub, "hidden", False):
                continue
            if hasattr(sub, "commands"):
                walk(sub, [*prefix, name])
            else:
                rows.append((" ".join([*prefix, name]), _first_line(sub.help)))

    walk(typer.main.get_command(app), ["spinnet"])
    return rows


def _cli_page(cli_modules: list[str]) -> str:
    lines = [
        "# Command line (`spinnet.cli`)",
        "",
        "The `spinnet` command is a thin face over `spinnet.experiments`: each command parses",
        "its options, calls one experiment, prints a table and writes a CSV, figures and a",
        "`manifest.json` into `--out DIR`. The options and their meanings are in",
        "[the command-line vocabulary](../conventions.md); `spinnet <group> <command> --help`",
        "shows every option of a command.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    for cmd, summary in cli_commands():
        summary = summary.replace("|", "\\|")
        lines.append(f"| `{cmd}` | {summary} |")
    lines += [
        "",
        "Modules: " + ", ".join(f"`{m}`" for m in cli_modules) + ".",
        "",
    ]
    return "\n".join(lines)


def expected_files() -> dict[Path, str]:
    """Return the generated API pages as ``{path: content}`` (``docs/api/*.md``).

    Returns
    -------
    dict of Path to str
        Every page this script writes, including ``index.md`` and ``cli.md``.
    """
    modules = public_modules()
    documented = [(m, p) for m, p in modules if not _is_cli(m)]
    cli_modules = [m for m, _ in modules if _is_cli(m)]
    names = [m for m, _ in documented]
    files: dict[Path, str] = {}
    for module, is_package in documented:
        children = [
            c for c in names if c.startswith(module + ".") and "." not in c[len(module) + 1 :]
        ]
        files[API_DIR / _page_name(module)] = _module_page(module, is_package, children)
    files[API_DIR / "cli.md"] = _cli_page(cli_modules)
    index = [
        "# API reference",
        "",
        "One page per public module of spinnet (generated by `docs/gen_api.py` from the",
        "docstrings; a module is public when no part of its path starts with `_`).",
        "The command-line modules are summarised on [one page](cli.md).",
        "",
        "| module | summary |",
        "|---|---|",
    ]
    for module, is_package in documented:
        summary = _module_summary(module, is_package).replace("|", "\\|")
        index.append(f"| [`{module}`]({_page_name(module)}) | {summary} |")
    index.append("")
    files[API_DIR / "index.md"] = "\n".join(index)
    return files


def _nav_block(files: dict[Path, str]) -> str:
    """The nav lines for mkdocs.yml, grouped by top-level subpackage."""
    indent = "      "
    lines = [f"{indent}- Overview: api/index.md"]
    modules = [m for m, _ in public_modules() if not _is_cli(m)]
    top = [m for m in modules if m.count(".") == 1 and not _is_package(m)]
    packages = [m for m in modules if m.count(".") == 1 and _is_package(m)]
    lines.append(f"{indent}- {PACKAGE}: api/{_page_name(PACKAGE)}")
    for m in top:
        lines.append(f"{indent}- {m}: api/{_page_name(m)}")
    for pkg in packages:
        lines.append(f"{indent}- {pkg}:")
        lines.append(f"{indent}  - {pkg}: api/{_page_name(pkg)}")
        for m in modules:
            if m.startswith(pkg + "."):
                lines.append(f"{indent}  - {m}: api/{_page_name(m)}")
    lines.append(f"{indent}- Command line: api/cli.md")
    return "\n".join(lines)


def _is_package(module: str) -> bool:
    return (SRC.joinpath(*module.split(".")) / "__init__.py").exists()


def _mkdocs_text(files: dict[Path, str]) -> str:
    text = MKDOCS_YML.read_text(encoding="utf-8")
    try:
        head, rest = text.split(NAV_BEGIN + "\n", 1)
        _, tail = rest.split(NAV_END, 1)
    except ValueError as exc:
        raise SystemExit(f"mkdocs.yml: markers {NAV_BEGIN!r} / {NAV_END!r} not found") from exc
    indent = head.rsplit("\n", 1)[-1]
    return head + NAV_BEGIN + "\n" + _nav_block(files) + "\n" + indent + NAV_END + tail


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the API pages and the API nav of mkdocs.yml."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if stale")
    args = parser.parse_args(argv)
    files = expected_files()
    files[MKDOCS_YML] = _mkdocs_text(files)
    stale = [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
    extra = [p for p in API_DIR.glob("*.md") if p not in files] if API_DIR.exists() else []
    if args.check:
        for p in stale:
            print(f"stale or missing: {p.relative_to(ROOT)}")
        for p in extra:
            print(f"page of no public module: {p.relative_to(ROOT)}")
        if stale or extra:
            print("run: python docs/gen_api.py")
            return 1
        return 0
    API_DIR.mkdir(parents=True, exist_ok=True)
    for p in stale:
        p.write_text(files[p], encoding="utf-8")
    for p in extra:
        p.unlink()
    print(f"{len(files) - 1} API pages; {len(stale)} written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
