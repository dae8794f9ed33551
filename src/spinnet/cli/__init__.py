"""The ``spinnet`` command line: one module per command group.

Command modules parse options, call one function of :mod:`spinnet.experiments`
and print; they import neither numba nor torch at module level, so
``spinnet --help`` is instant and a core install without PyTorch can run every
command that does not need it. Two things are handled here for every command:
Ctrl-C prints what was kept and the exact command that resumes (exit 130), and
a missing optional dependency exits 2 naming the extra to install.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core

from spinnet import __version__
from spinnet._io import command_line
from spinnet._optional import MissingExtraError
from spinnet.cli import _common
from spinnet.cli import attractor as _attractor
from spinnet.cli import boltzmann as _boltzmann
from spinnet.cli import data as _data
from spinnet.cli import dense as _dense
from spinnet.cli import hopfield as _hopfield
from spinnet.cli import ising as _ising
from spinnet.cli import lab as _lab
from spinnet.cli import memories as _memories
from spinnet.cli import names as _names
from spinnet.cli import neurons as _neurons
from spinnet.cli import phases as _phases
from spinnet.cli import phases_scan as _phases_scan
from spinnet.cli import reproduce as _reproduce
from spinnet.cli import retrieval as _retrieval
from spinnet.cli import theory as _theory
from spinnet.cli import van as _van


class _UsageExit(typer.BadParameter):
    """A clean exit-2 error without a parameter hint (e.g. a missing extra)."""

    def format_message(self) -> str:
        return self.message


class SpinnetGroup(typer.core.TyperGroup):
    """Root command group: uniform Ctrl-C and missing-extra handling for every command."""

    def invoke(self, ctx: Any) -> Any:
        _common.reset_kept()
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            err = _common.err_console
            err.print("\n[bold]Interrupted.[/bold]", highlight=False)
            what = _common.kept()
            err.print(f"Kept: {what}" if what else
                      "Kept: nothing of this run (it writes its results when it finishes; "
                      "no file was left half-written).", highlight=False, markup=False)
            err.print(f"Resume with: {command_line()}", highlight=False, markup=False,
                      soft_wrap=True)
            raise typer.Exit(130) from None
        except MissingExtraError as exc:
            raise _UsageExit(str(exc)) from None


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"spinnet {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="spinnet",
    cls=SpinnetGroup,
    help="Statistical mechanics of neural networks: Hopfield memories, spin models, "
         "Boltzmann machines.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback,
                                 is_eager=True, help="Print the spinnet version and exit."),
) -> None:
    """Statistical mechanics of neural networks: Hopfield memories, spin models,
    Boltzmann machines, modern Hopfield networks and phase transitions found by networks.
    """


app.command("demo")(_hopfield.demo)
_hopfield.app.command("dynamics")(_retrieval.dynamics)
app.add_typer(_hopfield.app, name="hopfield")
_hopfield.app.command("hetero")(_memories.hetero)
_hopfield.app.command("sequence")(_memories.sequence)
_hopfield.app.command("names")(_names.names)
app.add_typer(_theory.app, name="theory")
app.add_typer(_ising.app, name="ising")
app.command("anneal")(_ising.anneal)
app.add_typer(_boltzmann.bm_app, name="bm")
app.add_typer(_boltzmann.rbm_app, name="rbm")
app.add_typer(_boltzmann.dbn_app, name="dbn")
app.add_typer(_attractor.attractor_app, name="attractor")
app.command("tsp")(_attractor.tsp)
app.add_typer(_neurons.neurons_app, name="neurons")
app.add_typer(_neurons.perceptron_app, name="perceptron")
app.add_typer(_neurons.mlp_app, name="mlp")
app.add_typer(_dense.dam_app, name="dam")
app.add_typer(_dense.modern_app, name="modern")
_phases.phases_app.command("scan")(_phases_scan.scan)
app.add_typer(_phases.phases_app, name="phases")
app.command("inverse-ising")(_boltzmann.inverse_ising)
app.add_typer(_data.data_app, name="data")
app.command("lab")(_lab.lab)
app.add_typer(_van.van_app, name="van")
app.command("reproduce")(_reproduce.reproduce)


@app.command("version")
def version() -> None:
    """Print the spinnet version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="spinnet")


__all__ = ["SpinnetGroup", "app", "command_line", "main"]
