"""Claims about variational autoregressive networks: the 4×4 Ising free energy.

Registered on import (by :mod:`spinnet.reproduce.catalog`); both need torch:

* ``van.ising-4x4-nis`` -- the importance-sampled free energy of a trained
  PixelCNN equals the exact one (enumeration of the 2¹⁶ states);
* ``van.ising-4x4-variational`` -- the variational free energy ``F_q`` is an
  upper bound within 10⁻³ (relative) of the exact one (quick and full only:
  a smoke-size network is far from it).
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []

VAN_T = 2.27
VAN_L = 4


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


def _exact_free_energy(L: int, T: float) -> float:
    """``F/N`` of the periodic ``L × L`` Ising model (J = 1) by enumerating all states."""
    n = L * L
    states = np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.int8)
    s = states.reshape(-1, L, L).astype(np.int32)
    energy = -(s * np.roll(s, 1, axis=1) + s * np.roll(s, 1, axis=2)).sum(axis=(1, 2))
    x = -energy / T
    log_z = float(x.max() + np.log(np.exp(x - x.max()).sum()))
    return -T * log_z / n


#: Exact F/N of the 4×4 periodic lattice at T = 2.27 (2^16 states enumerated here).
F_EXACT = _exact_free_energy(VAN_L, VAN_T)


def _train(preset: str, rng: np.random.Generator, steps: int) -> dict[str, Any]:
    from spinnet.experiments.van import van_free_energy

    depth, width, batch, samples = _pick(preset, (2, 8, 200, 4000), (3, 16, 500, 20_000),
                                         (3, 16, 500, 50_000))
    with tempfile.TemporaryDirectory(prefix="spinnet-reproduce-") as tmp:
        res = van_free_energy(model="ising", L=VAN_L, temperatures=[VAN_T], net="pixelcnn",
                              depth=depth, width=width, half_kernel=2, steps=steps,
                              batch_size=batch, samples=samples,
                              seed=int(rng.integers(0, 2**31 - 1)), out=Path(tmp))
    row = res["rows"][0]
    row["settings"] = (f"PixelCNN depth {depth}, width {width}, K = 2, Z2, {steps} steps × "
                       f"batch {batch} (β annealing 0.99), {samples} fresh samples")
    return row


def _nis(preset: str, rng: np.random.Generator) -> Measurement:
    row = _train(preset, rng, _pick(preset, 100, 400, 800))
    return Measurement(
        float(row["F_nis"]), float(row["F_nis_err"]),
        f"4×4 periodic Ising, T = {VAN_T}; {row['settings']}; neural importance sampling "
        f"F = −T ln⟨e^(−E/T)/q⟩ (ESS {row['ess']:.0f}); variational F_q = {row['F_q']:.6f} "
        f"(relative error {row['rel_err_q']:.2g}); exact by enumeration {F_EXACT:.6f}")


register(Claim(
    id="van.ising-4x4-nis", topic="van",
    statement=f"Importance sampling with a trained autoregressive network gives the free "
              f"energy per spin of the 4×4 Ising model at T = {VAN_T} (exact: enumeration).",
    reference=F_EXACT, reference_err=0.0,
    source="Wu, Wang & Zhang, Phys. Rev. Lett. 122, 080602 (2019), eqs. 1-3; Nicoli et al., "
           "Phys. Rev. E 101, 023304 (2020) (NIS); exact value by enumeration",
    tolerance=Tolerance("sigma", 3.0), measure=_nis, requires=("torch",)))


def _variational(preset: str, rng: np.random.Generator) -> Measurement:
    row = _train(preset, rng, _pick(preset, 100, 800, 2000))
    return Measurement(
        float(row["F_q"]), float(row["F_q_err"]),
        f"4×4 periodic Ising, T = {VAN_T}; {row['settings']}; F_q = ⟨E + T ln q⟩_q ≥ F; "
        f"relative error {row['rel_err_q']:.2g}; NIS {row['F_nis']:.6f} ± "
        f"{row['F_nis_err']:.2g}; exact by enumeration {F_EXACT:.6f}")


register(Claim(
    id="van.ising-4x4-variational", topic="van",
    statement=f"The variational free energy F_q of a trained autoregressive network is "
              f"within 10⁻³ (relative) of the exact free energy of the 4×4 Ising model "
              f"at T = {VAN_T}.",
    reference=F_EXACT, reference_err=0.0,
    source="Wu, Wang & Zhang, Phys. Rev. Lett. 122, 080602 (2019), fig. 2 (relative errors "
           "≲ 10⁻³ on small lattices); exact value by enumeration",
    tolerance=Tolerance("relative", 1e-3), measure=_variational, presets=("quick", "full"),
    requires=("torch",)))
