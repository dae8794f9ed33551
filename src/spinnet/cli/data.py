"""``spinnet data``: fetch datasets into the user cache and show where data is found."""

from __future__ import annotations

from pathlib import Path

import typer

from spinnet.cli._common import console, fail, progress_bar

data_app = typer.Typer(help="Fetch datasets (MNIST) and show where spinnet looks for them.",
                       no_args_is_help=True)

_DATASETS = ("mnist",)


@data_app.command("fetch")
def fetch(
    dataset: str = typer.Argument(..., help="Dataset to download: mnist."),
    split: str = typer.Option("all", "--split",
                              help="test (t10k, 10k images), train (60k images) or all."),
    dest: Path | None = typer.Option(None, "--dest",
                                     help="Target directory (default: the user cache, "
                                          "which every command searches)."),
    base_url: str | None = typer.Option(None, "--base-url",
                                        help="Mirror holding the official gzip IDX files."),
) -> None:
    """Download a dataset, verify each file's pinned sha256 and keep only verified files.

    Re-running skips files already verified and continues a partial download.
    """
    from spinnet.datasets.fetch import DEFAULT_MNIST_URL, FetchError, fetch_mnist

    if dataset not in _DATASETS:
        fail(f"unknown dataset {dataset!r}; choose one of {', '.join(_DATASETS)}", "DATASET")
    if split not in ("all", "test", "train"):
        fail(f"--split must be test, train or all; got {split!r}", "--split")
    if dest is not None and dest.exists() and not dest.is_dir():
        fail(f"{dest} exists and is not a directory", "--dest")
    url = base_url if base_url is not None else DEFAULT_MNIST_URL
    if not url.startswith(("http://", "https://", "file://")):
        fail(f"--base-url must start with http://, https:// or file://; got {url!r}",
             "--base-url")
    try:
        with progress_bar() as bar:
            files = fetch_mnist(split, dest, url, progress=bar)
    except FetchError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    for f in files:
        console.print(f"verified  {f}", highlight=False)
    console.print(f"MNIST ({split}) is in {files[0].parent}", highlight=False)


@data_app.command("where")
def where(
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="Check this directory only."),
) -> None:
    """Print the places searched for MNIST, in order, and what each holds."""
    from spinnet.datasets.mnist import mnist_kinds, mnist_search_path, resolve_mnist_dir

    console.print("MNIST search order:", highlight=False)
    for i, (label, d) in enumerate(mnist_search_path(data_dir), 1):
        if not d.is_dir():
            state = "missing"
        else:
            kinds = mnist_kinds(d)
            state = ("found: " + " + ".join(kinds)) if kinds else "no MNIST files"
        console.print(f"  {i}. {label:<18} {d}  [{state}]", highlight=False, markup=False)
    try:
        chosen = resolve_mnist_dir(data_dir)
    except FileNotFoundError:
        console.print("Not found anywhere. Get it with: spinnet data fetch mnist",
                      highlight=False)
        raise typer.Exit(1) from None
    kinds = mnist_kinds(chosen)
    split = "train60k/t10k" if "train" in kinds else "t10k 8000/2000"
    console.print(f"Using {chosen} (split {split})", highlight=False)
