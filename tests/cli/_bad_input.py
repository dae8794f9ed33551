"""Shared check for the CLI bad-input corpus: exit 2, the option named, no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def assert_bad_input(args: list[str], option: str, tmp_path=None) -> str:
    """Run ``spinnet *args``; assert a clean usage error that names ``option``.

    Returns the combined output for further checks.
    """
    res = runner.invoke(app, args)
    out = res.output
    assert res.exit_code == 2, f"exit {res.exit_code} for {args}:\n{out}\n{res.exception!r}"
    assert "Traceback" not in out, out
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert option in out, f"{option!r} not named for {args}:\n{out}"
    return out
