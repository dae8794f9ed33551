"""Shared CLI helpers: output directories, tables, error reporting."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

# Wide enough for the tables when output is piped (rich assumes 80 columns then).
console = Console(width=None if sys.stdout.isatty() else 140)


def out_dir(path: Path) -> Path:
    """Create ``--out`` if needed; refuse a path that is a file."""
    if path.exists() and not path.is_dir():
        raise typer.BadParameter(f"{path} exists and is not a directory", param_hint="--out")
    path.mkdir(parents=True, exist_ok=True)
    return path


def print_table(title: str, rows: Sequence[dict[str, Any]], fmt: dict[str, str] | None = None
                ) -> None:
    """Print rows (dicts with equal keys) as a rich table."""
    fmt = fmt or {}
    table = Table(title=title)
    for key in rows[0]:
        table.add_column(key, justify="right")
    for r in rows:
        table.add_row(*(format(v, fmt.get(k, "")) if not isinstance(v, str) else v
                        for k, v in r.items()))
    console.print(table)


def fail(message: str, param: str | None = None) -> None:
    """Turn a library ValueError/TypeError into a clean CLI error (exit code 2)."""
    raise typer.BadParameter(message, param_hint=param)


def check_sgd_options(*, epochs: int, lr: float, batch_size: int, momentum: float,
                      weight_decay: float) -> None:
    """Exit with code 2 naming the option if a minibatch-SGD setting is out of range."""
    if epochs < 1:
        fail(f"--epochs must be >= 1; got {epochs}", "--epochs")
    if not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a positive number; got {lr}", "--lr")
    if batch_size < 1:
        fail(f"--batch-size must be >= 1; got {batch_size}", "--batch-size")
    if not 0 <= momentum < 1:
        fail(f"--momentum must be in [0, 1); got {momentum}", "--momentum")
    if not (math.isfinite(weight_decay) and weight_decay >= 0):
        fail(f"--weight-decay must be >= 0; got {weight_decay}", "--weight-decay")

