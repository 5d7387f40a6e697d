"""A single-layer softmax classifier trained three ways on the same data, splits and seed.

- ``ideal``: float weights, numpy SGD (the reference).
- ``device_only``: weights as differential conductance pairs of the device
  model in a crossbar with ideal (0 ohm) wires; reads by the exact circuit
  solver (or ngspice), updates by write pulses through the chosen write engine
  (``backend``: pymem's native transient engine or ngspice).
- ``circuit``: the same with the wire resistance: the IR drop weakens both
  the reads and the write pulses.

The weight of a pair is ``w = (G+ - G-) / (g_max - g_min)``, in [-1, 1]; the
logits are ``logit_scale * x @ w``; inputs x in [0, 1] are applied as
``x * v_read``. Every update is one transient of the whole array (one write
circuit of all its pulse slots, :mod:`pymem.train.pulses` builds them)
starting from the exact states the last one left. With ideal wires the cells
are independent circuits, and an update runs as compact circuits of the
pulsed cells alone, each with its own pulses (:mod:`pymem.train.compact`). The three runs start from
the same weights.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pymem import devices
from pymem.checks import check_finite, check_int
from pymem.constants import (
    BACKENDS,
    READ_BACKENDS,
    RULES,
    WRITE_BACKENDS,
    BackendName,
    ReadBackend,
    UpdateRule,
    WriteBackend,
)
from pymem.crossbar.mapping import DifferentialMapping
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.devices.variability import Variability
from pymem.errors import ParameterError
from pymem.ops.mvm import mvm
from pymem.train import data as datasets
from pymem.train.compact import write_schedule
from pymem.train.pulses import PulseDesign, Schedule, design_pulses, manhattan_schedule, outer_schedule


@dataclass(frozen=True)
class TrainConfig:
    """What to train and how; every field has a default (the ``pymem train`` defaults)."""

    model: str | DeviceModel = "vteam"
    """Device model: a registry name, a fit file, or a built model (``devices.get(name, NAME=VALUE)``)."""
    data: str = "digits"
    """Data set: a name of :data:`pymem.train.data.DATASETS` (``mnist`` needs ``data_dir``) or a .npz path."""
    rows: int | None = None
    """Crossbar rows (features + bias); None: the data set's whole (digits: 64 pixels + bias = 65)."""
    cols: int | None = None
    """Crossbar columns (2 per class); None: the data set's whole (digits: 10 classes = 20)."""
    data_dir: str | None = None
    """Folder of the MNIST-format IDX files (``data="mnist"``)."""
    max_train: int | None = None
    """Train on this many samples at most (a seeded random subset of the training split); None: all."""
    r_wire_ohm: float = 0.02
    """Resistance of each word- and bit-line segment in the circuit run (ohm). The default keeps the
    wire-to-device ratio of real arrays (VTEAM's R_on is 50 ohm: 4e-4, as 4 ohm segments to 10 kohm
    devices); at 0.5 ohm on 65x20 the IR drop leaves VTEAM's V/2 pulses below threshold."""
    epochs: int = 3
    """Passes over the training split."""
    batch: int = 32
    """Samples per update."""
    lr: float = 0.1
    """Learning rate (weight units per unit gradient)."""
    rule: UpdateRule = "manhattan"
    """Pulse update rule: ``manhattan`` (sign) or ``outer`` (outer product by coincidences)."""
    levels: int = 128
    """Pulses that nominally span the conductance range (each moves a weight by 2/levels). At 32 the
    65-input default takes steps too coarse: 0.74 device-only accuracy against 0.79 at 128 (256 samples)."""
    amplitude_factor: float = 1.5
    """Write amplitude as a multiple of the threshold, in (1, 2)."""
    logit_scale: float = 4.0
    """Logits per unit of ``x @ w``."""
    d2d_sigma: float = 0.0
    """Device-to-device spread of the current scale (relative sigma)."""
    seed: int = 0
    """Seed of the split, the initial weights, the batches and the pulse draws."""
    read_backend: ReadBackend = "solver"
    """Forward reads by the exact circuit solver or by ngspice transients."""
    backend: WriteBackend = "solver"
    """Engine of the weight updates (write pulses): pymem's native engine or ngspice."""
    sim_backend: BackendName = "shared"
    """How ngspice runs when it reads or writes: the shared library, or an ``ngspice -b`` process per run."""

    def __post_init__(self) -> None:
        name, _ = datasets.resolve(self.data)
        if name == "mnist" and not self.data_dir:
            raise ParameterError("data='mnist' needs data_dir: the folder of the four MNIST-format IDX files")
        if self.max_train is not None:
            check_int("max_train", self.max_train, 1, phrase="a positive integer or None")
        if self.sim_backend not in BACKENDS:
            raise ParameterError(f"sim_backend={self.sim_backend!r}; choose one of {BACKENDS}")
        check_run_settings(self)


def check_run_settings(cfg: Any) -> None:
    """Checks shared by every training configuration: model, rule, engines, counts, wires, rate.

    ``cfg`` has the fields ``model``, ``rule``, ``read_backend``, ``backend``, ``epochs``,
    ``batch``, ``r_wire_ohm`` and ``lr`` (:class:`TrainConfig`, ``TwoLayerConfig``).

    Raises
    ------
    ParameterError
        Naming the first bad field and its choices or range.
    """
    if isinstance(cfg.model, str) and cfg.model not in devices.names() and not devices.is_fit_path(cfg.model):
        raise ParameterError(f"unknown model {cfg.model!r}; choose one of {devices.names()}")
    if cfg.rule not in RULES:
        raise ParameterError(f"unknown update rule {cfg.rule!r}; choose one of {RULES}")
    if cfg.read_backend not in READ_BACKENDS:
        raise ParameterError(f"read_backend={cfg.read_backend!r}; choose one of {READ_BACKENDS}")
    if cfg.backend not in WRITE_BACKENDS:
        raise ParameterError(f"backend={cfg.backend!r} is not a write engine; choose one of {WRITE_BACKENDS}")
    for name in ("epochs", "batch"):
        check_int(name, getattr(cfg, name), 1, phrase="a positive integer")
    check_finite("r_wire_ohm", cfg.r_wire_ohm, 0.0, strict=False, phrase="a finite resistance >= 0 ohm")
    check_finite("lr", cfg.lr, 0.0, phrase="a finite number > 0")


@dataclass
class TrainResult:
    """Per-epoch history and final accuracies of the three runs.

    Attributes
    ----------
    config : TrainConfig
    history : list of dict
        One entry per (run, epoch), epoch 0 being the start: ``run``, ``epoch``,
        ``loss`` (train cross-entropy), ``accuracy`` (test), ``accuracy_train``,
        ``seconds`` and ``cpu_seconds`` (wall and this process's CPU time of the epoch's updates),
        and for the pulse runs ``g_drift`` (mean |dG| / range per update of cells
        that were sent no pulse: disturbance), ``update_error`` (mean |dG achieved
        - dG commanded| / range per pulsed cell), ``pulses``.
    accuracy : dict
        Final test accuracy per run.
    design : PulseDesign
    weights : dict
        Final weights per run, shape (rows, classes).
    states : dict
        Final device states of the two pulse runs, shape (rows, 2 classes) (state units).
    seconds : float
    ngspice_runs : int
    writes : int
        Updates written (one per pulse-run update that sent any pulse; with ideal wires an update can
        run as a few compact circuits, :mod:`pymem.train.compact`).
    """

    config: TrainConfig
    history: list[dict[str, Any]] = field(default_factory=list)
    accuracy: dict[str, float] = field(default_factory=dict)
    design: PulseDesign | None = None
    weights: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    states: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    seconds: float = 0.0
    ngspice_runs: int = 0
    writes: int = 0

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``pymem train --json``."""
        c = self.config
        return {
            "accuracy_circuit": self.accuracy["circuit"],
            "accuracy_ideal": self.accuracy["ideal"],
            "accuracy_device_only": self.accuracy["device_only"],
            "epochs": c.epochs,
            "seconds": self.seconds,
            "ngspice_runs": self.ngspice_runs,
            "writes": self.writes,
            "config": asdict(c),
            "pulse": asdict(self.design) if self.design else None,
            "history": self.history,
        }


def softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise softmax of logits, shape (batch, classes)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def loss_and_delta(
    logits: NDArray[np.float64], y: NDArray[np.int64]
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """Mean cross-entropy, softmax minus one-hot (batch, classes), and the probabilities."""
    p = softmax(logits)
    n = y.size
    loss = float(-np.mean(np.log(np.clip(p[np.arange(n), y], 1e-300, None))))
    delta = p.copy()
    delta[np.arange(n), y] -= 1.0
    return loss, delta, p


class PulseNet:
    """Weights held by a crossbar of differential pairs, written by write-pulse transients.

    One pulse run of :func:`train` (``device_only`` or ``circuit``) holds one of these; it is public so
    that its reads and updates can be used, and checked, on their own.

    Parameters
    ----------
    cfg : TrainConfig
        Supplies the read backend (``read_backend``, ``sim_backend``) and the write engine (``backend``).
    xb : Crossbar
        The array, ``rows x 2 classes``: column ``2 k`` holds G+ and ``2 k + 1`` holds G- of class k.
    design : PulseDesign
        The pulses and the conductance range (S) the weights are scaled by.

    Attributes
    ----------
    ngspice_runs, writes : int
        ngspice runs made and write transients applied so far.
    """

    def __init__(self, cfg: TrainConfig, xb: Crossbar, design: PulseDesign) -> None:
        self.cfg, self.xb, self.design = cfg, xb, design
        self.g_range = design.g_max_s - design.g_min_s
        self.pairs = DifferentialMapping(design.g_min_s, design.g_max_s, w_max=1.0)
        self.ngspice_runs = 0
        self.writes = 0

    def weights(self) -> NDArray[np.float64]:
        """``(G+ - G-) / (g_max - g_min)`` of every pair, in [-1, 1], shape (rows, classes)."""
        return self.pairs.decode(self.xb.conductances())

    def outputs(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """``x @ w`` as read by the circuit, shape (batch, classes)."""
        v = x * float(self.xb.v_read)
        options = {"sim_backend": self.cfg.sim_backend} if self.cfg.read_backend == "ngspice" else {}
        y = mvm(self.xb, v, backend=self.cfg.read_backend, **options).y
        if self.cfg.read_backend == "ngspice":
            self.ngspice_runs += 1
        return self.pairs.decode(y) / float(self.xb.v_read)

    def update(self, schedule: Schedule, stats: dict[str, float]) -> None:
        """Apply ``schedule`` as one write transient; add its figures to ``stats`` (updates, g_drift,
        update_error as fractions of the conductance range, pulses)."""
        if not schedule.slots:
            return
        x_new, runs = write_schedule(self.xb, schedule, self.cfg.backend, self.cfg.sim_backend)
        self.writes += 1
        if self.cfg.backend == "ngspice":
            self.ngspice_runs += runs
        g0 = self.xb.conductances()
        self.xb = self.xb.with_states(np.clip(x_new, *self.xb.device.x_bounds))
        dg = (self.xb.conductances() - g0) / self.g_range
        cmd = schedule.commanded
        quiet = cmd == 0
        want = cmd * np.where(cmd > 0, self.design.dg_up, self.design.dg_down)
        stats["updates"] += 1
        stats["g_drift"] += float(np.mean(np.abs(dg[quiet]))) if quiet.any() else 0.0
        stats["update_error"] += float(np.mean(np.abs(dg - want)[~quiet])) if (~quiet).any() else 0.0
        stats["pulses"] += int(np.abs(cmd).sum())


def initial_crossbar(
    cfg: TrainConfig, rows: int, cols: int, r_wire_ohm: float
) -> tuple[Crossbar, PulseDesign]:
    """The array both pulse runs start from: every pair near the mid conductance (+/- 5 % of the range)."""
    model = devices.resolve(cfg.model)
    probe = Crossbar(1, 1, model)
    design = design_pulses(model, float(probe.v_read), cfg.levels, cfg.amplitude_factor)
    rng = np.random.default_rng(cfg.seed)
    g_range = design.g_max_s - design.g_min_s
    g0 = 0.5 * (design.g_min_s + design.g_max_s) + rng.uniform(-0.05, 0.05, (rows, cols)) * g_range
    states = model.state_for_conductance(g0, float(probe.v_read))
    scale = (
        Variability(d2d_sigma=cfg.d2d_sigma, seed=cfg.seed).device_scales((rows, cols))
        if cfg.d2d_sigma
        else None
    )
    xb = Crossbar(rows, cols, model, states=states, r_row_ohm=r_wire_ohm, r_col_ohm=r_wire_ohm, g_scale=scale)
    return xb, design


def train(cfg: TrainConfig | None = None, quiet: bool = True) -> TrainResult:
    """Train the classifier ideally, on the device with ideal wires, and on the full circuit.

    Parameters
    ----------
    cfg : TrainConfig, optional
        Default :class:`TrainConfig()`.
    quiet : bool
        No progress bar (the bar, on stderr, counts the pulse runs' updates and shows the time left).

    Returns
    -------
    TrainResult
    """
    from tqdm import tqdm

    cfg = cfg or TrainConfig()
    t_start = time.perf_counter()
    ds = datasets.load(
        cfg.data, cfg.rows, cfg.cols, seed=cfg.seed, data_dir=cfg.data_dir, max_train=cfg.max_train
    )
    rows, cols = ds.rows, 2 * ds.classes  # columns beyond the classes' pairs are left out
    result = TrainResult(cfg)
    nets: dict[str, PulseNet] = {}
    for run, r in (("device_only", 0.0), ("circuit", cfg.r_wire_ohm)):
        xb, design = initial_crossbar(cfg, rows, cols, r)
        nets[run] = PulseNet(cfg, xb, design)
    result.design = nets["circuit"].design
    w_ideal = nets["device_only"].weights()  # same start (wires do not change the stored weights)
    order_rng = np.random.default_rng(cfg.seed + 1)
    pulse_rngs = {run: np.random.default_rng(cfg.seed + 2) for run in nets}
    n = ds.y_train.size
    batches = [slice(k, min(k + cfg.batch, n)) for k in range(0, n, cfg.batch)]

    def record(
        run: str, epoch: int, w_or_net: Any, stats: dict[str, float] | None, seconds: tuple[float, float]
    ) -> None:
        if isinstance(w_or_net, PulseNet):
            z_tr, z_te = w_or_net.outputs(ds.x_train), w_or_net.outputs(ds.x_test)
        else:
            z_tr, z_te = ds.x_train @ w_or_net, ds.x_test @ w_or_net
        loss, _, p_tr = loss_and_delta(cfg.logit_scale * z_tr, ds.y_train)
        entry: dict[str, Any] = {
            "run": run,
            "epoch": epoch,
            "loss": loss,
            "accuracy": float(np.mean(np.argmax(z_te, axis=1) == ds.y_test)),
            "accuracy_train": float(np.mean(np.argmax(p_tr, axis=1) == ds.y_train)),
            "seconds": seconds[0],
            "cpu_seconds": seconds[1],
        }
        if stats is not None:
            k = max(stats["updates"], 1)
            entry.update(
                g_drift=stats["g_drift"] / k, update_error=stats["update_error"] / k, pulses=stats["pulses"]
            )
        result.history.append(entry)

    for run in ("ideal", *nets):
        record(run, 0, w_ideal if run == "ideal" else nets[run], None, (0.0, 0.0))
    # the ideal run's updates take microseconds: the bar counts the pulse runs' so that its time left holds
    bar = tqdm(total=cfg.epochs * len(batches) * len(nets), desc="training", unit="update", disable=quiet)
    for epoch in range(1, cfg.epochs + 1):
        perm = order_rng.permutation(n)
        x_ep, y_ep = ds.x_train[perm], ds.y_train[perm]
        t0, c0 = time.perf_counter(), time.process_time()
        for sl in batches:
            _, delta, _ = loss_and_delta(cfg.logit_scale * (x_ep[sl] @ w_ideal), y_ep[sl])
            grad = cfg.logit_scale * x_ep[sl].T @ delta / delta.shape[0]
            w_ideal = np.clip(w_ideal - cfg.lr * grad, -1.0, 1.0)
        record("ideal", epoch, w_ideal, None, (time.perf_counter() - t0, time.process_time() - c0))
        for run, net in nets.items():
            bar.set_postfix_str(f"epoch {epoch}/{cfg.epochs}, {run}")
            t0, c0 = time.perf_counter(), time.process_time()
            stats = {"updates": 0, "g_drift": 0.0, "update_error": 0.0, "pulses": 0}
            for sl in batches:
                _, delta, _ = loss_and_delta(cfg.logit_scale * net.outputs(x_ep[sl]), y_ep[sl])
                if cfg.rule == "manhattan":
                    grad = x_ep[sl].T @ delta
                    sched = manhattan_schedule(grad, net.design)
                else:
                    sched = outer_schedule(
                        x_ep[sl], cfg.logit_scale * delta, cfg.lr, net.design, pulse_rngs[run]
                    )
                net.update(sched, stats)
                bar.update(1)
            record(run, epoch, net, stats, (time.perf_counter() - t0, time.process_time() - c0))
    bar.close()
    result.weights = {"ideal": w_ideal, **{run: net.weights() for run, net in nets.items()}}
    result.states = {run: net.xb.states.copy() for run, net in nets.items()}
    for run in ("ideal", *nets):
        result.accuracy[run] = next(h["accuracy"] for h in reversed(result.history) if h["run"] == run)
    result.ngspice_runs = sum(net.ngspice_runs for net in nets.values())
    result.writes = sum(net.writes for net in nets.values())
    result.seconds = time.perf_counter() - t_start
    return result
