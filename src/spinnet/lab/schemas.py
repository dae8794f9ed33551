"""Pydantic models of every lab request and WebSocket command, with their limits.

Strict models: no type coercion (``"5"`` is not 5, ``true`` is not 1), no
NaN/inf, no unknown fields; the limits are those of ``docs/lab-protocol.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "COMMANDS",
    "LIMITS",
    "AGSRequest",
    "IsingTheoryRequest",
    "PatternsRequest",
    "Strict",
]

#: Limits of the lab (also served by ``GET /api/info``).
LIMITS: dict[str, Any] = {
    "memory_side_max": 64, "memory_side_min": 2, "memory_N_max": 4096,
    "patterns_n_max": 64, "patterns_side_min": 4, "patterns_side_max": 64,
    "recall_sweeps_max": 500, "probe_patterns_max": 64,
    "ising_L_min": 2, "ising_L_max": 256, "sweeps_per_frame_max": 100,
    "rbm_hidden_max": 1000, "rbm_batch_max": 1000, "rbm_k_max": 50, "rbm_epochs_max": 1000,
    "rbm_chains_max": 64, "rbm_sample_k_max": 100,
    "phase_N_min": 100, "phase_N_max": 4096, "phase_alpha_max": 0.5, "phase_T_max": 1.5,
    "T_max": 100.0, "message_bytes_max": 1 << 20, "seed_max": 2**32 - 1,
    "phase_lines_n_max": 64,
}

Seed = Annotated[int, Field(ge=0, le=LIMITS["seed_max"])]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Temperature = Annotated[float, Field(ge=0.0, le=LIMITS["T_max"])]
PositiveT = Annotated[float, Field(gt=0.0, le=LIMITS["T_max"])]
Coupling = Annotated[float, Field(ge=-100.0, le=100.0)]


class Strict(BaseModel):
    """Base of all lab models: strict types, finite numbers, no unknown fields."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="forbid")


class Packed(Strict):
    """A bit-packed binary state ``{"shape", "bits"}`` (decoded by :mod:`spinnet.lab.codec`)."""

    shape: Annotated[list[Annotated[int, Field(ge=1, le=4096)]], Field(min_length=1,
                                                                        max_length=3)]
    bits: Annotated[str, Field(max_length=1 << 20)]


# ----------------------------------------------------------------------------------- REST
class PatternsRequest(Strict):
    """Body of ``POST /api/patterns``: patterns to store in the memory panel.

    Attributes
    ----------
    source : {"letters", "digits", "mnist", "random"}
        Where the patterns come from.
    n : int, default 5
        Number of patterns (1 to ``LIMITS["patterns_n_max"]``).
    height, width : int, default 32
        Canvas size (4 to 64).
    seed : int or None, default None
        Seed (random patterns; 0 to ``LIMITS["seed_max"]``).
    chars : str or None, default None
        Letters or digits to use (1 to 64 alphanumeric characters).
    """

    source: Literal["letters", "digits", "mnist", "random"]
    n: Annotated[int, Field(ge=1, le=LIMITS["patterns_n_max"])] = 5
    height: Annotated[int, Field(ge=4, le=64)] = 32
    width: Annotated[int, Field(ge=4, le=64)] = 32
    seed: Seed | None = None
    chars: Annotated[str, Field(min_length=1, max_length=64,
                                pattern=r"^[A-Za-z0-9]+$")] | None = None


class AGSRequest(Strict):
    """Body of ``POST /api/theory/ags``: a point of the AGS phase diagram.

    Attributes
    ----------
    alpha : float
        Load ``α = p/N``, in (0, 10].
    T : float
        Temperature, in [0, ``LIMITS["T_max"]``].
    """

    alpha: Annotated[float, Field(gt=0.0, le=10.0)]
    T: Temperature


class IsingTheoryRequest(Strict):
    """Body of ``POST /api/theory/ising``: exact results of the square-lattice Ising model.

    Attributes
    ----------
    T : float
        Temperature, in (0, ``LIMITS["T_max"]``].
    Jh, Jv, Jd : float, default 1.0, 1.0, 0.0
        Horizontal, vertical and diagonal couplings, in [-100, 100]; the server
        requires ``Jh + Jv``, ``Jv + Jd`` and ``Jd + Jh`` all > 0.
    """

    T: PositiveT
    Jh: Coupling = 1.0
    Jv: Coupling = 1.0
    Jd: Coupling = 0.0


# ------------------------------------------------------------------------ /ws/memory
Rule = Literal["hebbian", "pseudo_inverse", "storkey"]
Dynamics = Literal["async", "sync", "glauber"]


class MemoryConfigure(Strict):
    type: Literal["configure"]
    height: Annotated[int, Field(ge=2, le=64)] = 32
    width: Annotated[int, Field(ge=2, le=64)] = 32


class MemoryStore(Strict):
    type: Literal["store"]
    patterns: Packed
    rule: Rule = "hebbian"


class MemoryFill(Strict):
    type: Literal["fill"]
    alpha: Fraction
    seed: Seed | None = None
    rule: Rule = "hebbian"


class MemoryClear(Strict):
    type: Literal["clear"]


class MemoryCorrupt(Strict):
    type: Literal["corrupt"]
    state: Packed
    flip: Fraction = 0.0
    occlude: Fraction = 0.0
    seed: Seed | None = None


class MemoryRecall(Strict):
    type: Literal["recall"]
    state: Packed
    dynamics: Dynamics = "async"
    T: Temperature = 0.0
    max_sweeps: Annotated[int, Field(ge=1, le=LIMITS["recall_sweeps_max"])] = 50
    seed: Seed | None = None


class MemoryProbe(Strict):
    type: Literal["probe"]
    noise: Fraction = 0.1
    max_sweeps: Annotated[int, Field(ge=1, le=LIMITS["recall_sweeps_max"])] = 50
    seed: Seed | None = None
    dynamics: Dynamics = "async"
    T: Temperature = 0.0


class Stop(Strict):
    type: Literal["stop"]


# --------------------------------------------------------------------------- /ws/rbm
class RBMConfigure(Strict):
    type: Literal["configure"]
    data: Literal["digits", "mnist"] = "digits"
    n_hidden: Annotated[int, Field(ge=1, le=LIMITS["rbm_hidden_max"])] = 100
    principle: Literal["SML", "CD", "PL", "RM"] = "SML"
    lr: Annotated[float, Field(gt=0.0, le=1.0)] = 0.05
    batch_size: Annotated[int, Field(ge=1, le=LIMITS["rbm_batch_max"])] = 50
    k: Annotated[int, Field(ge=1, le=LIMITS["rbm_k_max"])] = 1
    seed: Seed | None = None


class RBMTrain(Strict):
    type: Literal["train"]
    epochs: Annotated[int, Field(ge=1, le=LIMITS["rbm_epochs_max"])] = 1


class RBMImage(Strict):
    type: Literal["reconstruct", "classify"]
    state: Packed


class RBMSampleStart(Strict):
    type: Literal["sample_start"]
    n_chains: Annotated[int, Field(ge=1, le=LIMITS["rbm_chains_max"])] = 16
    k: Annotated[int, Field(ge=1, le=LIMITS["rbm_sample_k_max"])] = 1


class RBMSampleStop(Strict):
    type: Literal["sample_stop"]


class RBMReset(Strict):
    type: Literal["reset"]
    seed: Seed | None = None


# ------------------------------------------------------------------------- /ws/ising
Algorithm = Literal["metropolis", "heat_bath", "wolff"]


class IsingConfigure(Strict):
    type: Literal["configure"]
    L: Annotated[int, Field(ge=LIMITS["ising_L_min"], le=LIMITS["ising_L_max"])] = 64
    T: PositiveT = 2.269
    algorithm: Algorithm = "metropolis"
    Jh: Coupling = 1.0
    Jv: Coupling = 1.0
    Jd: Coupling = 0.0
    seed: Seed | None = None
    start: Literal["random", "up"] = "random"


class IsingStart(Strict):
    type: Literal["start"]
    sweeps_per_frame: Annotated[int, Field(ge=1, le=LIMITS["sweeps_per_frame_max"])] = 1


class IsingSet(Strict):
    type: Literal["set"]
    T: PositiveT | None = None
    algorithm: Algorithm | None = None


# ------------------------------------------------------------------------- /ws/phase
class PhaseRun(Strict):
    type: Literal["run"]
    alpha: Annotated[float, Field(gt=0.0, le=LIMITS["phase_alpha_max"])]
    T: Annotated[float, Field(ge=0.0, le=LIMITS["phase_T_max"])]
    N: Annotated[int, Field(ge=LIMITS["phase_N_min"], le=LIMITS["phase_N_max"])] = 1000
    max_sweeps: Annotated[int, Field(ge=1, le=LIMITS["recall_sweeps_max"])] = 100
    seed: Seed | None = None


#: Panel -> command type -> model.
COMMANDS: dict[str, dict[str, type[Strict]]] = {
    "memory": {"configure": MemoryConfigure, "store": MemoryStore, "fill": MemoryFill,
               "clear": MemoryClear, "corrupt": MemoryCorrupt, "recall": MemoryRecall,
               "probe": MemoryProbe, "stop": Stop},
    "rbm": {"configure": RBMConfigure, "train": RBMTrain, "stop": Stop,
            "reconstruct": RBMImage, "classify": RBMImage, "sample_start": RBMSampleStart,
            "sample_stop": RBMSampleStop, "reset": RBMReset},
    "ising": {"configure": IsingConfigure, "start": IsingStart, "set": IsingSet, "stop": Stop},
    "phase": {"run": PhaseRun, "stop": Stop},
}
