"""``/ws/rbm``: train an RBM live, watch its filters, reconstruct, classify and sample.

The model is :class:`spinnet.boltzmann.RBM` (Bernoulli units, float32), trained
minibatch by minibatch with the library's training rules
(:class:`spinnet.experiments.lab.RBMStepper`: SML = persistent CD, CD-k,
pseudo-likelihood, ratio matching); monitoring, filters and data come from
:mod:`spinnet.experiments.lab`; reconstruction is ``RBM.reconstruct`` (mean field),
sampling the RBM's block Gibbs conditionals; classification a logistic regression
on the hidden-unit probabilities.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from spinnet.lab.codec import decode_bits, encode_filters, encode_u8
from spinnet.lab.session import CommandError, Session, run_in_thread

__all__ = ["RBMSession"]

#: Seconds between two progress (metrics) messages and two filter images while training.
PROGRESS_INTERVAL = 0.1
FILTERS_INTERVAL = 0.05
#: Seconds between two pseudo-likelihood evaluations (the costly metric).
PLL_INTERVAL = 1.0
#: Sampling frames are paced to this interval (Gibbs chains shown live, ~30/s).
SAMPLE_INTERVAL = 0.033
#: Subset sizes of the monitor and of the classifier's training set.
MONITOR_MAX = 500
CLASSIFIER_TRAIN_MAX = 3000


class RBMSession(Session):
    """One RBM per socket, its data, its trainer and a cached classifier.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`~spinnet.lab.session.Session` (``websocket``,
        ``frame_interval``).
    """

    panel = "rbm"
    CONCURRENT = ("reconstruct", "classify")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config = None
        self.data = None
        self.rbm = None
        self.stepper = None
        self.version = 0
        self.epochs_done = 0
        self._classifier: tuple[int, Any, float] | None = None

    def _ensure(self) -> None:
        if self.rbm is None:
            raise CommandError("type", "send 'configure' first")

    def _build(self, seed: int | None) -> None:
        import torch

        from spinnet.boltzmann.rbm import RBM
        from spinnet.experiments.lab import PRINCIPLES, RBMStepper

        cfg = self.config
        gen = np.random.default_rng(seed)
        rbm = RBM(self.data.x_train.shape[1], cfg.n_hidden, rng=gen, dtype=torch.float32)
        stepper = RBMStepper(rbm, PRINCIPLES[cfg.principle], k=cfg.k,
                             batch_size=cfg.batch_size, learning_rate=cfg.lr, rng=gen)
        with self.lock:
            self.rbm, self.stepper, self._gen = rbm, stepper, gen
            self.version += 1
            self.epochs_done = 0
            n = min(MONITOR_MAX, self.data.x_test.shape[0])
            self._mon_test = self.data.x_test[:n]
            self._mon_train = self.data.x_train[:n]
            self._pll_rows = self.data.x_test[: max(4, min(n, 8192 // self.data.x_test.shape[1]))]

    def _describe(self) -> dict[str, Any]:
        d = self.data
        return {"n_visible": int(d.x_train.shape[1]), "n_hidden": self.config.n_hidden,
                "height": d.height, "width": d.width, "n_train": int(d.x_train.shape[0]),
                "n_test": int(d.x_test.shape[0]), "principle": self.config.principle}

    async def cmd_configure(self, msg: Any) -> dict[str, Any]:
        from spinnet.experiments.lab import lab_rbm_data

        def work() -> dict[str, Any]:
            try:
                data = lab_rbm_data(msg.data)
            except (ValueError, OSError) as exc:
                raise CommandError("data", f"{msg.data} is not available: {exc} (fetch it "
                                           "with `spinnet data fetch mnist`)") from None
            self.config, self.data = msg, data
            self._build(msg.seed)
            return self._describe()

        result = await run_in_thread(work)
        self.post(self._filters_message())
        return result

    async def cmd_reset(self, msg: Any) -> dict[str, Any]:
        self._ensure()
        await run_in_thread(self._build, msg.seed)
        self.post(self._filters_message())
        return self._describe()

    # ------------------------------------------------------------------ training
    def _filters_message(self) -> dict[str, Any]:
        from spinnet.experiments.lab import rbm_filters

        with self.lock:
            filters, order = rbm_filters(self.rbm, self.data.height, self.data.width)
        return {"type": "filters", "image": encode_filters(filters), "order": order,
                "updates": self.stepper.updates}

    def _progress_message(self, pll: bool) -> dict[str, Any]:
        from spinnet.experiments.lab import rbm_monitor

        with self.lock:
            row = rbm_monitor(self.rbm, self._mon_train, self._mon_test,
                              self._pll_rows if pll else None)
        if row["pseudo_likelihood"] is None:
            row["pseudo_likelihood"] = getattr(self, "_last_pll", None)
        else:
            self._last_pll = row["pseudo_likelihood"]
        return {"type": "progress", "epoch": self.epochs_done, "step": self._step,
                "updates": self.stepper.updates, **row}

    async def cmd_train(self, msg: Any) -> None:
        self._ensure()

        def job() -> dict[str, Any]:
            import torch

            x = self.data.x_train
            bs = self.config.batch_size
            self._step = 0
            last_pll = -np.inf
            t_start = time.monotonic()
            for _ in range(msg.epochs):
                perm = torch.from_numpy(self._gen.permutation(x.shape[0]))
                for start in range(0, x.shape[0], bs):
                    if self.cancelled.is_set():
                        break
                    with self.lock:
                        self.stepper.step(x[perm[start:start + bs]])
                        self.version += 1
                    self._step += 1
                    if self.due("filters", FILTERS_INTERVAL):
                        self.emit(self._filters_message(), key="filters")
                    if self.due("progress", PROGRESS_INTERVAL):
                        now = time.monotonic()
                        self.emit(self._progress_message(now - last_pll >= PLL_INTERVAL),
                                  key="progress")
                        if now - last_pll >= PLL_INTERVAL:
                            last_pll = now
                if self.cancelled.is_set():
                    break
                self.epochs_done += 1
            final = self._progress_message(True)
            self.emit(final, key="progress")
            self.emit(self._filters_message(), key="filters")
            out = {k: v for k, v in final.items() if k != "type"}
            out["seconds"] = time.monotonic() - t_start
            return out

        await self.start_job("train", job)

    # --------------------------------------------------------- one-shot queries
    def _visible(self, payload: Any) -> Any:
        import torch

        s = decode_bits(payload.model_dump(), (self.data.height, self.data.width))
        if s.ndim != 2:
            raise CommandError("state", f"state must have shape [{self.data.height}, "
                                        f"{self.data.width}]")
        return torch.as_tensor((s.reshape(-1) > 0).astype(np.float32))

    async def cmd_reconstruct(self, msg: Any) -> dict[str, Any]:
        self._ensure()
        v = self._visible(msg.state)

        def work() -> Any:
            with self.lock:
                return self.rbm.reconstruct(v).detach().numpy()

        rec = await run_in_thread(work)
        return {"image": encode_u8(rec.reshape(self.data.height, self.data.width))}

    def _fit_classifier(self) -> tuple[Any, float]:
        import torch
        from sklearn.linear_model import LogisticRegression

        with self.lock:
            version = self.version
            if self._classifier is not None and self._classifier[0] == version:
                return self._classifier[1], self._classifier[2]
            W, c = self.rbm.W.clone(), self.rbm.c.clone()
        d = self.data
        n = min(CLASSIFIER_TRAIN_MAX, d.x_train.shape[0])
        with torch.no_grad():
            f_train = torch.sigmoid(d.x_train[:n] @ W + c).numpy()
            f_test = torch.sigmoid(d.x_test @ W + c).numpy()
        clf = LogisticRegression(max_iter=300)
        clf.fit(f_train, d.y_train[:n])
        acc = float((clf.predict(f_test) == d.y_test).mean())
        with self.lock:
            self._classifier = (version, (clf, W, c), acc)
        return (clf, W, c), acc

    async def cmd_classify(self, msg: Any) -> dict[str, Any]:
        self._ensure()
        v = self._visible(msg.state)

        def work() -> dict[str, Any]:
            import torch

            (clf, W, c), acc = self._fit_classifier()
            with torch.no_grad():
                feat = torch.sigmoid(v @ W + c).numpy().reshape(1, -1)
            probs = np.zeros(10)
            probs[clf.classes_.astype(int)] = clf.predict_proba(feat)[0]
            return {"label": int(np.argmax(probs)), "probs": [float(p) for p in probs],
                    "accuracy": acc}

        return await run_in_thread(work)

    # ------------------------------------------------------------------ sampling
    async def cmd_sample_start(self, msg: Any) -> None:
        self._ensure()

        def job() -> dict[str, Any]:
            import torch

            gen = torch.Generator().manual_seed(int(self._gen.integers(0, 2**63 - 1)))
            n_vis = self.data.x_train.shape[1]
            v = torch.bernoulli(torch.full((msg.n_chains, n_vis), 0.5), generator=gen)
            sweep = 0
            while not self.cancelled.is_set():
                t0 = time.monotonic()
                with self.lock:
                    if msg.k > 1:
                        v = self.rbm.gibbs(v, msg.k - 1, rng=gen)
                    h = self.rbm.sample_h(v, rng=gen)
                    pv = self.rbm.p_v_given_h(h)
                v = torch.bernoulli(pv, generator=gen)
                sweep += msg.k
                self.emit({"type": "samples", "sweep": sweep, "image": encode_u8(
                    pv.numpy().reshape(msg.n_chains, self.data.height, self.data.width))},
                    key="samples")
                self.pace(t0, max(SAMPLE_INTERVAL, self.frame_interval))
            return {"sweeps": sweep}

        await self.start_job("sample_start", job)

    async def cmd_sample_stop(self, msg: Any) -> dict[str, Any]:
        await self.cancel_job()
        return {}

    def free(self) -> None:
        super().free()
        self.rbm = self.stepper = self.data = None
        self._classifier = None
