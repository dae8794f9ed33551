"""Boltzmann machines (PyTorch): RBMs, deep belief nets, hidden-unit Boltzmann machines,
inverse Ising.

This subpackage needs the ``torch`` extra (``pip install 'spinnet[torch]'``); importing
any of its modules without PyTorch raises :class:`spinnet._optional.MissingExtraError`.
Submodules are imported explicitly, e.g. ``from spinnet.boltzmann.rbm import RBM``.
"""

from spinnet._optional import require_torch

require_torch("spinnet.boltzmann")
