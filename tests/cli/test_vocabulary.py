"""One vocabulary: every option of every command is spelled as docs/conventions.md says.

The test walks the whole typer app. An option spelling that is not in the
conventions page, or that is one of the retired aliases, fails; so does a
repeatable option (multi-valued options are comma lists or a:b:n ranges).
"""

from __future__ import annotations

import re
from pathlib import Path

import typer

from spinnet.cli import app

CONVENTIONS = Path(__file__).resolve().parents[2] / "docs" / "conventions.md"

#: Retired spellings: each is another name for a concept of the table.
FORBIDDEN = {
    "--dataset", "--n", "--n-neurons", "--sizes", "--temperature", "--temperatures",
    "--J-h", "--J-v", "--J-d", "--nets", "--seeds", "--mnist-path", "--learning-rate",
    "--betas", "--alphas", "--n-patterns", "--n-stored", "--n-hidden", "--algorithm",
    "--methods", "--max-sweeps", "--gibbs", "--max-epochs", "--Ls", "--Ns", "--lrs",
}
#: Options every typer app has.
BUILTIN = {"--help", "-h", "--install-completion", "--show-completion", "--version"}


def _commands(cmd=None, path=()):
    cmd = cmd if cmd is not None else typer.main.get_command(app)
    if hasattr(cmd, "commands"):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), cmd


def _options(cmd):
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "option":
            yield p, [o for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]


def _documented() -> set[str]:
    text = CONVENTIONS.read_text()
    section = text.split("## Command-line vocabulary", 1)
    assert len(section) == 2, "docs/conventions.md lacks the '## Command-line vocabulary' section"
    body = section[1].split("\n## ", 1)[0]
    rows = "\n".join(line for line in body.splitlines() if line.startswith("|"))
    return set(re.findall(r"`(--?[A-Za-z0-9][A-Za-z0-9-]*)`", rows))


def test_every_option_is_in_the_table():
    documented = _documented()
    unknown = {}
    for name, cmd in _commands():
        for _, spellings in _options(cmd):
            for s in spellings:
                if s not in documented and s not in BUILTIN:
                    unknown.setdefault(s, []).append(name)
    assert not unknown, ("options missing from docs/conventions.md "
                         f"('## Command-line vocabulary'): {unknown}")


def test_no_retired_spelling_and_no_repeatable_option():
    bad, repeatable = {}, {}
    for name, cmd in _commands():
        for param, spellings in _options(cmd):
            for s in spellings:
                if s in FORBIDDEN:
                    bad.setdefault(s, []).append(name)
            if param.multiple:
                repeatable.setdefault(name, []).extend(spellings)
    assert not bad, f"retired option spellings still in use: {bad}"
    assert not repeatable, f"repeatable options (use a comma list instead): {repeatable}"
    assert not (_documented() & FORBIDDEN), "the conventions table lists a retired spelling"


def test_table_has_no_stale_entries():
    used = {s for _, cmd in _commands() for _, sp in _options(cmd) for s in sp}
    stale = _documented() - used - BUILTIN
    assert not stale, f"docs/conventions.md documents options no command has: {sorted(stale)}"


def test_every_command_has_help_and_out_options_are_unique_defaults():
    defaults = {}
    for name, cmd in _commands():
        assert (cmd.help or "").strip(), f"{name} has no help text"
        for param, spellings in _options(cmd):
            if "--out" in spellings and param.default is not None:
                defaults.setdefault(str(param.default), []).append(name)
    shared = {d: names for d, names in defaults.items() if len(names) > 1}
    assert not shared, f"commands sharing a default --out directory: {shared}"
    assert all(d.startswith("spinnet-") for d in defaults), defaults


def test_help_of_every_command_renders_cleanly():
    """`-h` works everywhere, and rich turns no ':name:' in a help text into an emoji
    (it did: 'a:b:n' rendered as 'a🅱n')."""
    from typer.testing import CliRunner

    runner = CliRunner()
    for name, _ in _commands():
        res = runner.invoke(app, [*name.split(), "-h"])
        assert res.exit_code == 0, f"{name} -h: {res.output}"
        emoji = {ch for ch in res.output if ord(ch) >= 0x1F000}
        assert not emoji, f"{name} -h renders emoji {emoji}"
