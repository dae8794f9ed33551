"""Energies of spinnet models as batched PyTorch functions (the VAN's inner loop).

Each model representation of :mod:`spinnet.models.base` maps to one closed form:
sparse pairwise ``E = -Σ_b J_b s_a s_b - Σ_i h_i s_i``, dense pairwise
``E = -½ sᵀJs - hᵀs`` and three-spin plaquettes ``E = -J Σ_t s_a s_b s_c``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = ["check_energy_model", "torch_energy"]


def check_energy_model(model: Any) -> int:
    """Return ``model.n_spins`` or raise ``TypeError`` for an object without an energy.

    Parameters
    ----------
    model : SpinModel
        A spinnet spin model (``SquareIsing``, ``SherringtonKirkpatrick``, ...).

    Returns
    -------
    int
        ``model.n_spins``.
    """
    from spinnet.models.base import SpinModel

    if not isinstance(model, SpinModel):
        raise TypeError("model must be a spinnet spin model with an energy (SquareIsing, "
                        "BaxterWu, EdwardsAnderson, SherringtonKirkpatrick, DenseIsing, ...); "
                        f"got {type(model).__name__}")
    return int(model.n_spins)


def torch_energy(model: Any, dtype: torch.dtype = torch.float64, device: Any = "cpu"
                 ) -> Callable[[torch.Tensor], torch.Tensor]:
    """Batched energy ``E(s)`` of a spinnet model as a function of a torch tensor.

    Parameters
    ----------
    model : SpinModel
        Sparse pairwise (lattices), dense pairwise (SK, Hopfield couplings) or
        triangle (Baxter-Wu) model; any other ``SpinModel`` falls back to its NumPy
        ``energy``.
    dtype, device : torch dtype and device of the returned energies.

    Returns
    -------
    callable
        ``f(s)`` with ``s`` a ±1 tensor of shape ``(B, N)`` → energies ``(B,)``
        (total, not per spin), equal to ``model.energy(s)``.
    """
    from spinnet.models.base import DensePairwiseModel, SparsePairwiseModel, TriangleModel

    check_energy_model(model)

    def t(a: np.ndarray, dt: Any = dtype) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(a), dtype=dt, device=device)

    if isinstance(model, SparsePairwiseModel):
        b0, b1 = t(model.bonds[:, 0], torch.long), t(model.bonds[:, 1], torch.long)
        jb, h = t(model.bond_couplings), t(model.field)
        has_h = bool(np.any(model.field != 0))

        def sparse(s: torch.Tensor) -> torch.Tensor:
            e = -(s[:, b0] * s[:, b1]) @ jb
            return e - s @ h if has_h else e
        return sparse
    if isinstance(model, DensePairwiseModel):
        J, h = t(model.couplings), t(model.field)

        def dense(s: torch.Tensor) -> torch.Tensor:
            return -0.5 * ((s @ J) * s).sum(-1) - s @ h
        return dense
    if isinstance(model, TriangleModel):
        tri = t(model.triangles, torch.long)
        coupling = float(model.coupling)

        def triangles(s: torch.Tensor) -> torch.Tensor:
            return -coupling * (s[:, tri[:, 0]] * s[:, tri[:, 1]] * s[:, tri[:, 2]]).sum(-1)
        return triangles

    def generic(s: torch.Tensor) -> torch.Tensor:
        e = model.energy(s.detach().cpu().numpy().astype(np.int8))
        return torch.as_tensor(np.asarray(e, dtype=np.float64), dtype=dtype, device=device)
    return generic
