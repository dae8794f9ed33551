"""Shared CLI helpers: option parsing, output directories, tables, progress, errors.

Every command parses its options with the helpers here, so that one spelling
means one thing everywhere: multi-valued numeric options accept a comma list or
``lo:hi:n`` (n points, both ends included) and nothing else; a bad value exits
with code 2 and a message that names the option.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from spinnet._progress import ProgressCallback
    from spinnet.datasets.mnist import MnistSplit

# Wide enough for the tables when output is piped (rich assumes 80 columns then).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)

#: What the running command has kept so far (read by the Ctrl-C handler).
_KEPT: list[str] = []


def note_kept(text: str) -> None:
    """Record what an interrupted run would keep (shown on Ctrl-C with the resume command)."""
    _KEPT.clear()
    _KEPT.append(text)


def reset_kept() -> None:
    """Forget what an earlier command kept (one process may run several commands)."""
    _KEPT.clear()


def kept() -> str | None:
    """What :func:`note_kept` last recorded, if anything."""
    return _KEPT[-1] if _KEPT else None


def fail(message: str, param: str | None = None) -> None:
    """Exit with code 2 and ``message``, naming the CLI option ``param``."""
    raise typer.BadParameter(message, param_hint=param)


def out_dir(path: Path) -> Path:
    """Create ``--out`` if needed; refuse a path that is a file.

    The directory is never emptied here: each store decides what ``--overwrite`` replaces.
    """
    if path.exists() and not path.is_dir():
        fail(f"{path} exists and is not a directory", "--out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create {path}: {exc.strerror}", "--out")
    return path


_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _bound_msg(minimum: float | None, maximum: float | None, min_inclusive: bool,
               max_inclusive: bool) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>=' if min_inclusive else '>'} {minimum:g}")
    if maximum is not None:
        parts.append(f"{'<=' if max_inclusive else '<'} {maximum:g}")
    return " and ".join(parts)


def check_finite(value: float, option: str, *, minimum: float | None = None,
                 maximum: float | None = None, min_inclusive: bool = True,
                 max_inclusive: bool = True) -> float:
    """Return ``value`` if finite and within bounds, else exit 2 naming ``option``."""
    if value is None or not math.isfinite(value):
        fail(f"{option} must be a finite number; got {value}", option)
    lo_bad = minimum is not None and (value < minimum if min_inclusive else value <= minimum)
    hi_bad = maximum is not None and (value > maximum if max_inclusive else value >= maximum)
    if lo_bad or hi_bad:
        fail(f"{option} must be {_bound_msg(minimum, maximum, min_inclusive, max_inclusive)}; "
             f"got {value:g}", option)
    return float(value)


def _parse_numbers(text: str, option: str, integer: bool) -> list[float]:
    what = "integers" if integer else "numbers"
    usage = (f"expected a comma list of {what} (e.g. 1,2,5) or a range lo:hi:n "
             f"(n points from lo to hi, both included)")
    if text is None or not str(text).strip():
        fail(f"{usage}; got an empty value", option)
    text = str(text).strip()
    if ":" in text:
        parts = [t.strip() for t in text.split(":")]
        if len(parts) != 3 or not all(re.fullmatch(_NUM, t) for t in parts):
            fail(f"{usage}; got {text!r}", option)
        a, b = float(parts[0]), float(parts[1])
        if not re.fullmatch(r"\+?\d+", parts[2]):
            fail(f"the point count n in lo:hi:n must be a positive integer; "
                 f"got {parts[2]!r}", option)
        n = int(parts[2])
        if n < 1 or (n == 1 and a != b):
            fail(f"lo:hi:n needs n >= 2 points when lo != hi (n = 1 only when lo == hi); "
                 f"got {text!r}", option)
        if b < a:
            fail(f"the range {text!r} is reversed (lo > hi); write {parts[1]}:"
                 f"{parts[0]}:{n}", option)
        values = [float(v) for v in (a + (b - a) * i / (n - 1) if n > 1 else a
                                     for i in range(n))]
        if n > 1:
            values[-1] = b
        if integer:
            if not all(float(v).is_integer() for v in values):
                fail(f"the range {text!r} does not give integers "
                     f"({', '.join(f'{v:g}' for v in values[:4])}, ...)", option)
        return values
    items = [t.strip() for t in text.split(",")]
    out = []
    for t in items:
        if not re.fullmatch(_NUM, t):
            fail(f"{usage}; {t!r} is not a number" if t else f"{usage}; got {text!r}", option)
        out.append(float(t))
    return out


def parse_floats(text: str, option: str, *, minimum: float | None = None,
                 maximum: float | None = None, min_inclusive: bool = True,
                 max_inclusive: bool = True) -> list[float]:
    """Parse a multi-valued numeric option: ``1,2,5`` or ``lo:hi:n`` (n points, ends included).

    NaN and inf are rejected (they do not match a number); bounds are checked per value.
    Exits 2 naming ``option`` on any error.
    """
    values = _parse_numbers(text, option, integer=False)
    for v in values:
        check_finite(v, option, minimum=minimum, maximum=maximum,
                     min_inclusive=min_inclusive, max_inclusive=max_inclusive)
    return values


def parse_ints(text: str, option: str, *, minimum: int | None = None,
               maximum: int | None = None) -> list[int]:
    """Parse a multi-valued integer option: ``8,16,32`` or ``lo:hi:n`` giving integers."""
    values = _parse_numbers(text, option, integer=True)
    out = []
    for v in values:
        if not float(v).is_integer():
            fail(f"expected integers; got {v:g}", option)
        check_finite(v, option, minimum=minimum, maximum=maximum)
        out.append(int(v))
    return out


@contextmanager
def progress_bar(transient: bool = False, *,
                 kept: Callable[[str, int, int | None], str] | None = None
                 ) -> Iterator[ProgressCallback]:
    """A rich progress display on stderr; yields a ``progress(stage, done, total)`` callback.

    Each distinct ``stage`` gets its own bar (or a spinner when ``total`` is None).
    ``kept(stage, done, total) -> str``, when given, describes what the run has kept so
    far (e.g. ``"3 of 12 samples in OUT/checkpoint.json"``); its text goes to
    :func:`note_kept` at every call, so that Ctrl-C reports it.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"),
               TimeRemainingColumn()]
    with Progress(*columns, console=err_console, transient=transient) as bar:
        tasks: dict[str, Any] = {}

        def callback(stage: str, completed: int, total: int | None = None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=completed, total=total)
            if kept is not None:
                note_kept(kept(stage, completed, total))

        yield callback


def run_experiment(fn: Any, *args: Any, also: tuple[type[BaseException], ...] = (),
                   **kwargs: Any) -> Any:
    """Call an experiment function; its ``OptionError`` exits 2 naming ``exc.option``.

    Exceptions of the types in ``also`` (e.g. ``ValueError`` from a library check) exit 2
    with their message too.
    """
    from spinnet.experiments._errors import OptionError

    try:
        return fn(*args, **kwargs)
    except OptionError as exc:
        fail(str(exc), exc.option)
    except also as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


def check_seed(seed: int) -> int:
    """Return ``seed`` if it is a valid ``--seed`` (>= 0), else exit 2 naming it."""
    if seed < 0:
        fail(f"--seed must be >= 0; got {seed}", "--seed")
    return seed


def load_mnist_cli(data_dir: Path | None) -> MnistSplit:
    """Load the MNIST split for a CLI command; exit 2 naming ``--data-dir`` if not found."""
    from spinnet.datasets.mnist import MnistNotFoundError, load_mnist_split

    try:
        return load_mnist_split(data_dir)
    except MnistNotFoundError as exc:
        fail(str(exc), "--data-dir")
    except ValueError as exc:
        fail(str(exc), "--data-dir")
    raise AssertionError("unreachable")


def print_table(title: str, rows: Sequence[dict[str, Any]], fmt: dict[str, str] | None = None
                ) -> None:
    """Print rows (dicts with equal keys) as a rich table."""
    fmt = fmt or {}
    table = Table(title=title)
    for key in rows[0]:
        # Headers are never truncated or wrapped mid-word: the column is at least as
        # wide as its name.
        table.add_column(key, justify="right", min_width=len(str(key)), no_wrap=True)
    for r in rows:
        table.add_row(*(format(v, fmt.get(k, "")) if not isinstance(v, str) else v
                        for k, v in r.items()))
    console.print(table)


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

