"""The ``spinnet`` command line: one module per command group."""

from __future__ import annotations

import typer

from spinnet import __version__
from spinnet.cli import attractor as _attractor
from spinnet.cli import boltzmann as _boltzmann
from spinnet.cli import dense as _dense
from spinnet.cli import hopfield as _hopfield
from spinnet.cli import ising as _ising
from spinnet.cli import neurons as _neurons
from spinnet.cli import phases as _phases
from spinnet.cli import theory as _theory

app = typer.Typer(
    name="spinnet",
    help="Statistical mechanics of neural networks: Hopfield memories, spin models, "
         "Boltzmann machines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(_hopfield.demo)
app.add_typer(_hopfield.app, name="hopfield")
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
app.add_typer(_phases.phases_app, name="phases")
app.command("inverse-ising")(_boltzmann.inverse_ising)


@app.command("version")
def version() -> None:
    """Print the spinnet version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
