"""Variational autoregressive networks (VAN): variational free energies, neural
importance sampling and neural MCMC.

Wu, Wang & Zhang, "Solving statistical mechanics using variational autoregressive
networks", Phys. Rev. Lett. 122, 080602 (2019). For a normalised ``q``,

.. math:: F_q = \\sum_s q(s) [E(s) + T \\ln q(s)] \\ge F = -T \\ln Z        (Eq. 2)

and the gradient is estimated from ``B`` exact samples ``s_b ~ q`` by the score
function (REINFORCE) with the batch mean as baseline (Eq. 3):

.. math:: \\beta \\nabla F_q \\approx \\frac1B \\sum_b [R_b - \\bar R] \\nabla \\ln q(s_b),
          \\quad R_b = \\beta E(s_b) + \\ln q(s_b).
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch

from spinnet._history import History
from spinnet._persist import (
    is_saved_state,
    load_state,
    save_state,
    torch_rng_from_array,
    torch_rng_to_array,
)
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike
from spinnet._validation import _check_real, check_int
from spinnet.autoregressive._base import AutoregressiveNet, as_torch_generator
from spinnet.autoregressive.diagnostics import log_mean_weight_batch_error, pareto_k_hat
from spinnet.autoregressive.energy import check_energy_model, torch_energy

__all__ = ["VAN", "ImportanceSamplingResult", "NeuralMCMCResult", "build_net"]

KIND = "spinnet.autoregressive.VAN"


def build_net(config: dict[str, Any]) -> AutoregressiveNet:
    """Rebuild a :class:`MADE` or :class:`PixelCNN` from its ``get_config()`` dict.

    Parameters
    ----------
    config : dict
        ``get_config()`` of a network: ``net`` (``"made"`` or ``"pixelcnn"``)
        plus the constructor arguments.

    Returns
    -------
    AutoregressiveNet
        A freshly initialised network of that configuration.
    """
    from spinnet.autoregressive.made import MADE
    from spinnet.autoregressive.pixelcnn import PixelCNN

    cfg = dict(config)
    kind = cfg.pop("net", None)
    if kind == "made":
        return MADE(**cfg)
    if kind == "pixelcnn":
        return PixelCNN(**cfg)
    raise ValueError(f"net config must have net = 'made' or 'pixelcnn'; got {kind!r}")


def _check_temperature(T: Any, name: str = "temperature") -> float:
    T = _check_real(T, name)
    if not (T > 0 and math.isfinite(T)):
        raise ValueError(f"{name} must be a finite number > 0; got {T}")
    return T


class ImportanceSamplingResult(NamedTuple):
    """Neural importance sampling estimates (totals, not per spin, unless named).

    Attributes
    ----------
    log_z, log_z_err : float
        ``ln Ẑ = ln (1/n) Σ w_b`` with ``w = e^{-βE}/q``, and its standard error.
    free_energy, free_energy_err : float
        ``F = -T ln Ẑ`` per spin, with error.
    energy, energy_err : float
        Reweighted ``⟨E⟩/N`` (self-normalised estimator, delta-method error).
    abs_magnetization, abs_magnetization_err : float
        Reweighted ``⟨|m|⟩``, ``m = Σ s_i / N``.
    ess : float
        Effective sample size ``(Σw)² / Σw²``.
    n_samples : int
    pareto_k : float
        PSIS tail shape ``k̂`` of the weights
        (:func:`spinnet.autoregressive.diagnostics.pareto_k_hat`; ``nan`` for ``n < 25``):
        ``< 0.5`` the error bars can be trusted, ``≥ 0.7`` they cannot.
    log_z_err_batch : float
        Batch-means standard error of ``ln Ẑ`` (20 batches; ``nan`` for ``n < 40``), a
        check of ``log_z_err`` that does not use ``std(w)`` of the whole sample.
    """

    log_z: float
    log_z_err: float
    free_energy: float
    free_energy_err: float
    energy: float
    energy_err: float
    abs_magnetization: float
    abs_magnetization_err: float
    ess: float
    n_samples: int
    pareto_k: float = float("nan")
    log_z_err_batch: float = float("nan")


class NeuralMCMCResult(NamedTuple):
    """Independent Metropolis-Hastings with the network as proposal.

    Attributes
    ----------
    acceptance_rate : float
    abs_magnetization : ndarray, shape (n_steps,)
        ``|m|`` along the chain (one entry per proposal).
    energy : ndarray, shape (n_steps,)
        ``E/N`` along the chain.
    tau_int : float
        Integrated autocorrelation time of ``|m|`` in proposals (Sokal window).
    tau_int_err : float
    seconds_per_proposal : float
        Wall time of one proposal (sampling + energy + accept step).
    """

    acceptance_rate: float
    abs_magnetization: np.ndarray
    energy: np.ndarray
    tau_int: float
    tau_int_err: float
    seconds_per_proposal: float


class VAN:
    """Variational autoregressive network for a spin model at temperature ``T``.

    Parameters
    ----------
    model : SpinModel
        Any spinnet model with an energy (``SquareIsing`` incl. anisotropic couplings,
        ``BaxterWu``, ``EdwardsAnderson``, ``SherringtonKirkpatrick``, ``DenseIsing`` with
        Hopfield couplings, ...).
    net : MADE or PixelCNN
        The variational distribution ``q``; ``net.n_spins`` must equal ``model.n_spins``.
    clip_grad : float or None
        Clip the gradient's total norm (the reference's ``--clip_grad``).

    Attributes
    ----------
    temperature_ : float
        Temperature of the last :meth:`fit`.
    history_ : History
        One row per step: ``step``, ``beta`` (annealed β used in the gradient),
        ``free_energy`` (``F_q/N`` at the target ``T``), ``free_energy_err`` (its standard
        error over the batch), ``energy`` (``⟨E⟩_q/N``), ``entropy`` (``S_q/N``),
        ``grad_norm`` (before clipping).
    step_ : int
        Training steps done.

    References
    ----------
    Wu, Wang & Zhang, PRL 122, 080602 (2019), Eqs. (2)-(3).
    """

    def __init__(self, model: Any, net: AutoregressiveNet, *, clip_grad: float | None = None
                 ) -> None:
        n = check_energy_model(model)
        if not isinstance(net, AutoregressiveNet):
            raise TypeError(f"net must be a spinnet MADE or PixelCNN; got {type(net).__name__}")
        if net.n_spins != n:
            raise ValueError(f"net has N = {net.n_spins} spins but model has N = {n}")
        if clip_grad is not None:
            clip_grad = _check_real(clip_grad, "clip_grad")
            if clip_grad <= 0:
                raise ValueError(f"clip_grad must be > 0 or None; got {clip_grad}")
        self.model = model
        self.net = net
        self.clip_grad = clip_grad
        self.n_spins = n
        self._energy = torch_energy(model, dtype=net.dtype_, device=net.device)
        self.history_ = History()
        self.step_ = 0
        self.temperature_: float | None = None
        self._optimizer: torch.optim.Optimizer | None = None
        self._gen: torch.Generator | None = None
        self._fit_config: dict[str, Any] | None = None

    def energy(self, spins: torch.Tensor) -> torch.Tensor:
        """Energies ``E(s)`` (total), shape ``(B,)``, of ±1 tensors ``(B, N)``."""
        return self._energy(spins)

    # -- training ----------------------------------------------------------------
    def fit(self, temperature: float, n_steps: int = 1000, batch_size: int = 1000, *,
            beta_anneal: float = 0.998, learning_rate: float = 1e-3, rng: SeedLike = None,
            checkpoint: str | os.PathLike | None = None, checkpoint_every: int = 100,
            progress: ProgressCallback | None = None, lr_schedule: str = "constant",
            lr_horizon: int | None = None, lr_final: float | None = None) -> VAN:
        """Minimise ``F_q`` at ``temperature`` by Adam on the REINFORCE gradient.

        Parameters
        ----------
        temperature : float
            ``T > 0``.
        n_steps : int
            Total number of steps (a resumed run continues up to this count).
        batch_size : int
            Samples per step, ``>= 2`` (the baseline needs two).
        beta_anneal : float
            ``β_t = β (1 - beta_anneal^t)`` in the gradient (the reference's annealing,
            which avoids mode collapse at low ``T``); ``0`` disables it.
        learning_rate : float
            Adam step size.
        rng : SeedLike
            Seeds the sampling generator of a fresh fit. Ignored when the fit continues
            (a second call with the same settings and a larger ``n_steps``) or resumes
            from ``checkpoint``: the generator carries on, so ``fit(n_steps=10)`` then
            ``fit(n_steps=20)`` equals ``fit(n_steps=20)``.
        checkpoint : path, optional
            Directory for resume checkpoints (written every ``checkpoint_every`` steps and
            at the end, atomically). If it holds a checkpoint of the same run, training
            resumes from it and reproduces the uninterrupted run exactly.
        checkpoint_every : int
        progress : callable, optional
            ``progress(stage, done, total)``.
        lr_schedule : {"constant", "cosine"}
            ``"cosine"``: step ``t`` uses ``lr_final + (learning_rate - lr_final)
            (1 + cos(π min(t - 1, H) / H)) / 2`` (Loshchilov & Hutter, "SGDR", ICLR 2017,
            Eq. 5, one cycle), which lowers the parameter noise of the stochastic
            gradient at the end of training.
        lr_horizon : int, optional
            ``H``, the steps over which the cosine decays (default: ``n_steps``; pass
            it explicitly when a fit is continued in chunks).
        lr_final : float, optional
            Final learning rate of the cosine (default ``learning_rate / 100``).

        Returns
        -------
        VAN
            ``self``.
        """
        T = _check_temperature(temperature)
        n_steps = check_int(n_steps, "n_steps", minimum=0)
        batch_size = check_int(batch_size, "batch_size", minimum=2)
        beta_anneal = _check_real(beta_anneal, "beta_anneal")
        if not 0.0 <= beta_anneal < 1.0:
            raise ValueError(f"beta_anneal must be in [0, 1); got {beta_anneal}")
        learning_rate = _check_real(learning_rate, "learning_rate")
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0; got {learning_rate}")
        checkpoint_every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
        if lr_schedule not in ("constant", "cosine"):
            raise ValueError(f"lr_schedule must be 'constant' or 'cosine'; got {lr_schedule!r}")
        config = {"temperature": T, "batch_size": batch_size, "beta_anneal": beta_anneal,
                  "learning_rate": learning_rate, "clip_grad": self.clip_grad,
                  "net": self.net.get_config(), "model": repr(self.model),
                  "n_spins": self.n_spins}
        if lr_schedule == "cosine":
            horizon = check_int(n_steps if lr_horizon is None else lr_horizon, "lr_horizon",
                                minimum=1)
            lr_end = learning_rate / 100 if lr_final is None else _check_real(lr_final,
                                                                                "lr_final")
            if not 0 <= lr_end <= learning_rate:
                raise ValueError(f"lr_final must be in [0, learning_rate = {learning_rate}]; "
                                 f"got {lr_end}")
            # only non-default settings enter the run's identity (old checkpoints resume)
            config.update(lr_schedule="cosine", lr_horizon=horizon, lr_final=lr_end)
        elif lr_horizon is not None or lr_final is not None:
            raise ValueError("lr_horizon and lr_final need lr_schedule='cosine'")
        resumed = False
        if checkpoint is not None and is_saved_state(checkpoint):
            self._restore(checkpoint, config)
            resumed = True
        if not resumed and (self._fit_config is None or self._fit_config != config):
            # a fresh fit (or new settings): new optimiser, new generator, new history
            self._optimizer = torch.optim.Adam(self.net.parameters(), lr=learning_rate)
            self._gen = as_torch_generator(rng, self.net.device)
            self.history_ = History()
            self.step_ = 0
        self._fit_config = config
        self.temperature_ = T
        beta = 1.0 / T
        N = self.n_spins
        params = [p for p in self.net.parameters() if p.requires_grad]
        while self.step_ < n_steps:
            step = self.step_ + 1
            beta_t = beta * (1.0 - beta_anneal ** step) if beta_anneal > 0 else beta
            if lr_schedule == "cosine":
                frac = min(step - 1, horizon) / horizon
                lr_t = lr_end + (learning_rate - lr_end) * 0.5 * (1.0 + math.cos(math.pi * frac))
                for group in self._optimizer.param_groups:
                    group["lr"] = lr_t
            with torch.no_grad():
                s = self.net._sample_spins(batch_size, self._gen)
                e = self._energy(s)
            log_q = self.net.log_prob(s)
            with torch.no_grad():
                reward = beta_t * e + log_q
                f_target = e + T * log_q                      # F_q estimator at target T
            loss = torch.mean((reward - reward.mean()) * log_q)
            self._optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.clip_grad is not None:
                gnorm = torch.nn.utils.clip_grad_norm_(params, self.clip_grad)
            else:
                gnorm = torch.linalg.vector_norm(
                    torch.stack([torch.linalg.vector_norm(p.grad) for p in params
                                 if p.grad is not None]))
            self._optimizer.step()
            self.step_ = step
            self.history_.append(
                step=step, beta=beta_t, free_energy=float(f_target.mean()) / N,
                free_energy_err=float(f_target.std()) / math.sqrt(batch_size) / N,
                energy=float(e.mean()) / N, entropy=-float(log_q.detach().mean()) / N,
                grad_norm=float(gnorm))
            report(progress, "train", step, n_steps)
            if checkpoint is not None and (step % checkpoint_every == 0 or step == n_steps):
                self._save(checkpoint)
        return self

    # -- estimators --------------------------------------------------------------
    def _draw(self, n: int, batch_size: int, gen: torch.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        es, lqs, ms = [], [], []
        done = 0
        while done < n:
            b = min(batch_size, n - done)
            with torch.no_grad():
                s, lq = self.net.sample(b, gen)
                e = self._energy(s)
            es.append(e.double().cpu().numpy())
            lqs.append(lq.double().cpu().numpy())
            ms.append(s.double().mean(dim=1).abs().cpu().numpy())
            done += b
        return np.concatenate(es), np.concatenate(lqs), np.concatenate(ms)

    def _resolve_T(self, temperature: float | None) -> float:
        if temperature is None:
            if self.temperature_ is None:
                raise ValueError("temperature must be given (the VAN has not been fitted)")
            return self.temperature_
        return _check_temperature(temperature)

    def free_energy(self, n_samples: int = 10_000, *, temperature: float | None = None,
                    batch_size: int = 1000, rng: SeedLike = None) -> tuple[float, float]:
        """Variational free energy per spin ``F_q/N`` and its standard error (Eq. 2).

        Parameters
        ----------
        n_samples : int
            Fresh samples from ``q``, ``>= 2``.
        temperature : float, optional
            Default: the temperature of the last fit.
        batch_size : int
        rng : SeedLike

        Returns
        -------
        (float, float)
            ``F_q/N`` and its standard error; ``F_q ≥ F`` for any ``q``.
        """
        T = self._resolve_T(temperature)
        n = check_int(n_samples, "n_samples", minimum=2)
        e, lq, _ = self._draw(n, check_int(batch_size, "batch_size", minimum=1),
                              as_torch_generator(rng, self.net.device))
        f = e + T * lq
        return float(f.mean()) / self.n_spins, float(f.std(ddof=1) / math.sqrt(n)) / self.n_spins

    def importance_sampling(self, n_samples: int = 10_000, *, temperature: float | None = None,
                            batch_size: int = 1000, rng: SeedLike = None
                            ) -> ImportanceSamplingResult:
        """Neural importance sampling: unbiased ``Z``, reweighted ``⟨E⟩`` and ``⟨|m|⟩``.

        ``Ẑ = (1/n) Σ_b e^{-βE(s_b)} / q(s_b)`` with ``s_b ~ q`` is unbiased for any ``q``
        that covers the support (Nicoli et al., PRE 101, 023304 (2020), Eq. 9); ``F = -T ln
        Ẑ`` is consistent as ``n → ∞``. Errors: ``δ ln Ẑ = std(w) / (√n mean(w))``;
        self-normalised averages with the delta-method variance
        ``Σ w_b² (O_b - Ô)² / (Σ w_b)²``. These assume finite-variance weights; the
        result carries the PSIS tail shape ``pareto_k`` and a batch-means error
        ``log_z_err_batch`` to check that (module ``spinnet.autoregressive.diagnostics``).

        Parameters
        ----------
        n_samples : int
            ``>= 2``.
        temperature : float, optional
            Default: the temperature of the last fit.
        batch_size : int
        rng : SeedLike

        Returns
        -------
        ImportanceSamplingResult
        """
        T = self._resolve_T(temperature)
        n = check_int(n_samples, "n_samples", minimum=2)
        e, lq, m = self._draw(n, check_int(batch_size, "batch_size", minimum=1),
                              as_torch_generator(rng, self.net.device))
        return _nis_estimates(e, lq, m, T, self.n_spins)

    def neural_mcmc(self, n_steps: int = 10_000, *, temperature: float | None = None,
                    batch_size: int = 1000, rng: SeedLike = None) -> NeuralMCMCResult:
        """Independent Metropolis-Hastings chain with ``q`` as the proposal.

        Accept ``s'`` with ``min(1, [p(s') q(s)] / [p(s) q(s')])``, i.e.
        ``min(1, w(s')/w(s))`` with ``w = e^{-βE}/q`` (Nicoli et al., PRE 101, 023304
        (2020), Eq. 11). Exact for any ``q``; the chain's autocorrelation comes only from
        rejections.

        Parameters
        ----------
        n_steps : int
            Proposals, ``>= 2``.
        temperature : float, optional
        batch_size : int
            Proposals drawn per network call.
        rng : SeedLike

        Returns
        -------
        NeuralMCMCResult
        """
        from spinnet._rng import as_generator
        from spinnet.stats import integrated_autocorrelation_time

        T = self._resolve_T(temperature)
        n = check_int(n_steps, "n_steps", minimum=2)
        gen_np = as_generator(rng)
        gen = as_torch_generator(gen_np, self.net.device)
        t0 = time.perf_counter()
        e, lq, m = self._draw(n + 1, check_int(batch_size, "batch_size", minimum=1), gen)
        lw = -e / T - lq
        log_u = np.log(gen_np.random(n))
        out_m = np.empty(n)
        out_e = np.empty(n)
        cur = 0
        accepted = 0
        for t in range(n):
            prop = t + 1
            if log_u[t] < lw[prop] - lw[cur]:
                cur = prop
                accepted += 1
            out_m[t] = m[cur]
            out_e[t] = e[cur]
        elapsed = time.perf_counter() - t0
        tau = integrated_autocorrelation_time(out_m)
        return NeuralMCMCResult(acceptance_rate=accepted / n, abs_magnetization=out_m,
                                energy=out_e / self.n_spins, tau_int=float(tau.tau),
                                tau_int_err=float(tau.error), seconds_per_proposal=elapsed / n)

    # -- persistence -------------------------------------------------------------
    def _arrays(self) -> dict[str, Any]:
        arrays: dict[str, Any] = {f"net/{k}": v for k, v in self.net.state_dict().items()}
        if self._optimizer is not None:
            for i, st in self._optimizer.state_dict()["state"].items():
                for k, v in st.items():
                    arrays[f"opt/{i}/{k}"] = v if isinstance(v, torch.Tensor) else \
                        torch.tensor(v)
        if self._gen is not None:
            arrays["generator"] = torch_rng_to_array(self._gen)
        return arrays

    def _save(self, path: str | os.PathLike) -> Path:
        state = {"step": self.step_, "temperature": self.temperature_,
                 "history": self.history_.to_dict(),
                 "has_optimizer": self._optimizer is not None,
                 "param_groups": (self._optimizer.state_dict()["param_groups"]
                                  if self._optimizer is not None else None)}
        return save_state(path, kind=KIND, config={"fit": self._fit_config,
                                                   "net": self.net.get_config(),
                                                   "clip_grad": self.clip_grad},
                          arrays=self._arrays(), state=state)

    def save(self, path: str | os.PathLike) -> Path:
        """Save network, optimiser, generator and history (``spinnet._persist`` format)."""
        return self._save(path)

    def _load_into(self, saved: Any) -> None:
        net_state = {k.removeprefix("net/"): v for k, v in saved.arrays.items()
                     if k.startswith("net/")}
        self.net.load_state_dict(net_state)
        st = saved.state
        self.step_ = int(st["step"])
        self.temperature_ = st.get("temperature")
        self.history_ = History.from_dict(st["history"])
        self._fit_config = saved.config.get("fit")
        if st.get("has_optimizer"):
            lr = st["param_groups"][0]["lr"]
            self._optimizer = torch.optim.Adam(self.net.parameters(), lr=lr)
            opt_state: dict[int, dict[str, Any]] = {}
            for k, v in saved.arrays.items():
                if k.startswith("opt/"):
                    _, i, name = k.split("/", 2)
                    opt_state.setdefault(int(i), {})[name] = v
            self._optimizer.load_state_dict({"state": opt_state,
                                             "param_groups": st["param_groups"]})
        if "generator" in saved.arrays:
            self._gen = torch_rng_from_array(saved.arrays["generator"])

    def _restore(self, path: str | os.PathLike, config: dict[str, Any]) -> None:
        saved = load_state(path, kind=KIND)
        old = saved.config.get("fit")
        if old != json_roundtrip(config):
            raise ValueError(f"checkpoint {str(path)!r} belongs to another run "
                             f"(saved settings {old}, requested {config}); use a new path")
        self._load_into(saved)

    @classmethod
    def load(cls, path: str | os.PathLike, model: Any) -> VAN:
        """Load a VAN saved by :meth:`save` (the model is not saved; pass it again)."""
        saved = load_state(path, kind=KIND)
        net = build_net(saved.config["net"])
        van = cls(model, net, clip_grad=saved.config.get("clip_grad"))
        van._load_into(saved)
        return van


def _nis_estimates(e: np.ndarray, lq: np.ndarray, m: np.ndarray, T: float, N: int
                   ) -> ImportanceSamplingResult:
    """NIS estimates from energies ``e`` (total), ``ln q`` and ``|m|`` of samples of ``q``."""
    n = e.shape[0]
    lw = -e / T - lq
    top = lw.max()
    w = np.exp(lw - top)
    wsum = w.sum()
    log_z = top + math.log(wsum / n)
    log_z_err = float(w.std(ddof=1) / (math.sqrt(n) * w.mean()))
    wn = w / wsum

    def reweight(o: np.ndarray) -> tuple[float, float]:
        mean = float(wn @ o)
        return mean, float(math.sqrt(np.sum(wn**2 * (o - mean) ** 2)))

    E, E_err = reweight(e / N)
    M, M_err = reweight(m)
    return ImportanceSamplingResult(
        log_z=float(log_z), log_z_err=log_z_err, free_energy=-T * float(log_z) / N,
        free_energy_err=T * log_z_err / N, energy=E, energy_err=E_err,
        abs_magnetization=M, abs_magnetization_err=M_err,
        ess=float(wsum**2 / np.sum(w**2)), n_samples=n,
        pareto_k=pareto_k_hat(lw) if n >= 25 else float("nan"),
        log_z_err_batch=log_mean_weight_batch_error(lw, 20) if n >= 40 else float("nan"))


def json_roundtrip(x: Any) -> Any:
    """``x`` as it comes back from the checkpoint's JSON (for comparing settings)."""
    import json

    from spinnet._persist import strict_json

    return json.loads(json.dumps(strict_json(x)))
