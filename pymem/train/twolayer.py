"""A two-layer network on crossbar tiles, trained three ways on the same data, splits and seed.

``inputs (+ bias) -> hidden (sigmoid) -> (+ bias) classes (softmax)``:

- ``z1 = hidden_scale * x @ W1``, ``h = sigmoid(z1)``; ``logits = logit_scale * [h, 1] @ W2``;
  weights in [-1, 1] (differential pairs, :mod:`pymem.train.tiles`);
- ``ideal``: float weights, numpy SGD of the same network (the reference);
- ``device_only``: the weights in tiles of the device model with 0 ohm wires;
  reads by the exact solver, ADC per tile, updates by write pulses;
- ``circuit``: the same with ``r_wire_ohm`` per wire segment in every tile.

The nonlinearity, the softmax and the backward pass are numpy; the backward
pass uses the weights the tiles hold (their conductances). Each update is, per
tile, one schedule of write pulses (Manhattan: the sign of the layer's batch
gradient, cells of a row written together, row after row; outer: the
outer-product update by pulse coincidences) run through the transient engine.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pymem import devices
from pymem.constants import ReadBackend, UpdateRule, WriteBackend
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.devices.variability import Variability
from pymem.errors import ParameterError
from pymem.train import data as datasets
from pymem.train.network import check_run_settings, loss_and_delta
from pymem.train.pulses import PulseDesign, design_pulses, manhattan_schedule, outer_schedule
from pymem.train.tiles import Block, Tile, TiledLayer, adc_for, check_hidden, check_tile

RUNS = ("ideal", "device_only", "circuit")


@dataclass(frozen=True)
class TwoLayerConfig:
    """What to train and how (the ``pymem train --hidden H --tile T`` defaults)."""

    model: str | DeviceModel = "vteam"
    """Device model (registry name)."""
    data: str = "digits"
    """Data set (``digits``: all ten digits at 8x8, 64 inputs; ``iris``: 4 inputs, 3 classes)."""
    hidden: int = 32
    """Hidden units (sigmoid)."""
    tile: int = 32
    """Largest tile side (devices); a layer of n_in inputs and n_out outputs needs n_in x 2 n_out."""
    r_wire_ohm: float = 0.02
    """Resistance of each word- and bit-line segment of every tile in the circuit run (ohm). As in
    :class:`~pymem.train.network.TrainConfig`: VTEAM's R_on is 50 ohm, so 0.02 ohm keeps the wire-to-device
    ratio of real arrays (4 ohm segments, 10 kohm devices). At 0.5 ohm (the old default) the IR drop
    leaves the V/2 pulses below VTEAM's thresholds: on a 32x32 tile a pulse achieves 0.3 % (SET) and
    2 % (RESET) of its nominal step, against 48 % and 74 % at 0.02 ohm, and the circuit run stays at
    chance."""
    epochs: int = 1
    """Passes over the training split."""
    max_train: int | None = None
    """Train on this many samples at most (a seeded random subset of the training split); None: all."""
    batch: int = 32
    """Samples per update."""
    lr: float = 0.2
    """Learning rate of the ideal SGD and of the outer rule (weight units per unit gradient)."""
    rule: UpdateRule = "manhattan"
    """Pulse update rule: ``manhattan`` (sign) or ``outer`` (outer product by coincidences)."""
    levels: int = 32
    """Pulses that nominally span the conductance range."""
    amplitude_factor: float = 1.5
    """Write amplitude as a multiple of the threshold, in (1, 2)."""
    hidden_scale: float = 2.0
    """Hidden pre-activations per unit of ``x @ W1``."""
    logit_scale: float = 4.0
    """Logits per unit of ``[h, 1] @ W2``."""
    adc_bits: int = 8
    """Resolution of every column's ADC (bits)."""
    adc_range: float = 1.0
    """ADC full scale as a fraction of the largest current a tile's column can carry."""
    d2d_sigma: float = 0.0
    """Device-to-device spread of the current scale (relative sigma)."""
    seed: int = 0
    """Seed of the split, the initial weights, the batches and the pulse draws."""
    read_backend: ReadBackend = "solver"
    """Reads of the tiles: the exact circuit solver or ngspice."""
    backend: WriteBackend = "solver"
    """Engine of the write pulses: pymem's native transient engine or ngspice."""

    def __post_init__(self) -> None:
        check_hidden(self.hidden)
        check_tile(self.tile)
        if self.data not in datasets.DATASETS:
            raise ParameterError(f"unknown data set {self.data!r}; choose one of {datasets.DATASETS}")
        if self.max_train is not None and not (isinstance(self.max_train, int) and self.max_train >= 1):
            raise ParameterError(f"max_train must be a positive integer or None, got {self.max_train!r}")
        check_run_settings(self)


@dataclass
class TwoLayerResult:
    """Per-epoch history and final test accuracies of the three runs (as :class:`TrainResult`)."""

    config: TwoLayerConfig
    history: list[dict[str, Any]] = field(default_factory=list)
    accuracy: dict[str, float] = field(default_factory=dict)
    weights: dict[str, list[NDArray[np.float64]]] = field(default_factory=dict)
    tiles: dict[str, int] = field(default_factory=dict)
    engine_runs: int = 0
    seconds: float = 0.0
    design: PulseDesign | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``pymem train --hidden H --tile T --json``."""
        return {
            "accuracy_circuit": self.accuracy["circuit"],
            "accuracy_ideal": self.accuracy["ideal"],
            "accuracy_device_only": self.accuracy["device_only"],
            "epochs": self.config.epochs,
            "seconds": self.seconds,
            "engine_runs": self.engine_runs,
            "tiles": self.tiles,
            "config": asdict(self.config),
            "pulse": asdict(self.design) if self.design else None,
            "history": self.history,
        }


def sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Logistic function, elementwise."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def with_bias(h: NDArray[np.float64]) -> NDArray[np.float64]:
    """``[h, 1]``: a constant-1 input appended (the bias row of the next layer)."""
    return np.hstack([h, np.ones((h.shape[0], 1))])


def forward(
    cfg: TwoLayerConfig, x: NDArray[np.float64], layers: list[Any], backend: str = "solver"
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Hidden activations ``[h, 1]``, their pre-activations and the logits.

    ``layers`` are two float matrices (ideal) or two :class:`TiledLayer` (read by ``backend``).
    """

    def mul(a: NDArray[np.float64], layer: Any) -> NDArray[np.float64]:
        return layer.read(a, backend) if isinstance(layer, TiledLayer) else a @ layer

    z1 = cfg.hidden_scale * mul(x, layers[0])
    hb = with_bias(sigmoid(z1))
    return hb, z1, cfg.logit_scale * mul(hb, layers[1])


def gradients(
    cfg: TwoLayerConfig,
    x: NDArray[np.float64],
    y: NDArray[np.int64],
    hb: NDArray[np.float64],
    z1: NDArray[np.float64],
    logits: NDArray[np.float64],
    w2: NDArray[np.float64],
) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """Batch gradients of both layers and their scaled output errors (for the outer rule)."""
    _, d2, _ = loss_and_delta(logits, y)
    e2 = cfg.logit_scale * d2
    s = sigmoid(z1)
    e1 = cfg.hidden_scale * (e2 @ w2[:-1].T) * s * (1.0 - s)
    n = y.size
    return [x.T @ e1 / n, hb.T @ e2 / n], [e1, e2]


def ideal_update(
    cfg: TwoLayerConfig, w: list[NDArray[np.float64]], x: NDArray[np.float64], y: NDArray[np.int64]
) -> list[NDArray[np.float64]]:
    """One SGD step of the float network on the batch ``x, y``; weights kept in [-1, 1]."""
    hb, z1, logits = forward(cfg, x, w)
    grads, _ = gradients(cfg, x, y, hb, z1, logits, w[1])
    return [np.clip(wk - cfg.lr * g, -1.0, 1.0) for wk, g in zip(w, grads, strict=True)]


def _tiled(
    cfg: TwoLayerConfig, design: PulseDesign, r_wire: float, shapes: list[tuple[int, int]]
) -> list[TiledLayer]:
    """Both layers, every pair near mid conductance (+/- 5 % of the range), from ``cfg.seed``."""
    model = devices.resolve(cfg.model)
    rng = np.random.default_rng(cfg.seed)
    g_range = design.g_max_s - design.g_min_s
    probe = Crossbar(1, 1, model)
    v_read = float(probe.v_read)
    out = []
    count = 0
    for n_in, n_out in shapes:
        g0 = 0.5 * (design.g_min_s + design.g_max_s) + rng.uniform(-0.05, 0.05, (n_in, 2 * n_out)) * g_range

        def make(block: Block, g: NDArray[np.float64]) -> Tile:
            nonlocal count
            count += 1
            scale = (
                Variability(d2d_sigma=cfg.d2d_sigma, seed=cfg.seed + count).device_scales(g.shape)
                if cfg.d2d_sigma
                else None
            )
            xb = Crossbar(
                g.shape[0], g.shape[1], model, states=model.state_for_conductance(g, v_read),
                r_row_ohm=r_wire, r_col_ohm=r_wire, g_scale=scale,
            )  # fmt: skip
            return Tile(block, xb, adc_for(g.shape[0], v_read, design.g_max_s, cfg.adc_bits, cfg.adc_range))

        out.append(TiledLayer.from_conductances(g0, cfg.tile, make, g_range))
    return out


def _schedules(cfg: TwoLayerConfig, design: PulseDesign, a: NDArray, e: NDArray, g: NDArray, rng: Any) -> Any:
    """The per-tile schedule maker of one layer: inputs ``a``, errors ``e``, gradient ``g``."""
    if cfg.rule == "manhattan":
        scale = float(np.max(np.abs(g))) if g.size else 0.0
        g_kept = np.where(np.abs(g) > 0.1 * scale, g, 0.0)  # the layer's threshold, not each tile's
        return lambda b: manhattan_schedule(g_kept[b[0] : b[1], b[2] : b[3]], design, rel_threshold=0.0)
    return lambda b: outer_schedule(a[:, b[0] : b[1]], e[:, b[2] : b[3]], cfg.lr, design, rng)


def train_two_layer(cfg: TwoLayerConfig | None = None, quiet: bool = True) -> TwoLayerResult:
    """Train the two-layer network ideally, on tiles with ideal wires, and on tiles with wires.

    Parameters
    ----------
    cfg : TwoLayerConfig, optional
    quiet : bool
        No progress bar.

    Returns
    -------
    TwoLayerResult
    """
    from tqdm import tqdm

    cfg = cfg or TwoLayerConfig()
    t_start = time.perf_counter()
    nat_rows, nat_cols = datasets.natural_shape(cfg.data)
    if cfg.data == "digits":
        nat_rows = 65  # all 64 pixels and the bias
    ds = datasets.load(cfg.data, nat_rows, nat_cols, seed=cfg.seed, max_train=cfg.max_train)  # type: ignore[arg-type]
    shapes = [(ds.rows, cfg.hidden), (cfg.hidden + 1, ds.classes)]
    model = devices.resolve(cfg.model)
    design = design_pulses(model, float(Crossbar(1, 1, model).v_read), cfg.levels, cfg.amplitude_factor)
    nets = {
        "device_only": _tiled(cfg, design, 0.0, shapes),
        "circuit": _tiled(cfg, design, cfg.r_wire_ohm, shapes),
    }
    result = TwoLayerResult(cfg, design=design)
    result.tiles = {f"layer{k}": len(layer.tiles) for k, layer in enumerate(nets["circuit"])}
    w_ideal = [layer.weights() for layer in nets["device_only"]]
    order_rng = np.random.default_rng(cfg.seed + 1)
    pulse_rngs = {run: np.random.default_rng(cfg.seed + 2) for run in nets}
    n = ds.y_train.size
    batches = [slice(k, min(k + cfg.batch, n)) for k in range(0, n, cfg.batch)]

    def record(
        run: str, epoch: int, layers: list[Any], stats: dict[str, float] | None, seconds: tuple[float, float]
    ) -> None:
        back = cfg.read_backend
        _, _, z_tr = forward(cfg, ds.x_train, layers, back)
        _, _, z_te = forward(cfg, ds.x_test, layers, back)
        loss, _, _ = loss_and_delta(z_tr, ds.y_train)
        entry: dict[str, Any] = {
            "run": run, "epoch": epoch, "loss": loss, "seconds": seconds[0], "cpu_seconds": seconds[1],
            "accuracy": float(np.mean(np.argmax(z_te, axis=1) == ds.y_test)),
            "accuracy_train": float(np.mean(np.argmax(z_tr, axis=1) == ds.y_train)),
        }  # fmt: skip
        if stats is not None:
            k = max(stats["tile_updates"], 1)
            entry.update(
                g_drift=stats["g_drift"] / k, update_error=stats["update_error"] / k, pulses=stats["pulses"]
            )
        result.history.append(entry)

    record("ideal", 0, w_ideal, None, (0.0, 0.0))
    for run, layers in nets.items():
        record(run, 0, layers, None, (0.0, 0.0))
    bar = tqdm(total=cfg.epochs * len(batches) * 3, desc="training", unit="update", disable=quiet)
    for epoch in range(1, cfg.epochs + 1):
        perm = order_rng.permutation(n)
        x_ep, y_ep = ds.x_train[perm], ds.y_train[perm]
        t0, c0 = time.perf_counter(), time.process_time()
        for sl in batches:
            w_ideal = ideal_update(cfg, w_ideal, x_ep[sl], y_ep[sl])
            bar.update(1)
        record("ideal", epoch, w_ideal, None, (time.perf_counter() - t0, time.process_time() - c0))
        for run, layers in nets.items():
            t0, c0 = time.perf_counter(), time.process_time()
            stats = {"tile_updates": 0, "g_drift": 0.0, "update_error": 0.0, "pulses": 0}
            for sl in batches:
                xb_, yb_ = x_ep[sl], y_ep[sl]
                hb, z1, logits = forward(cfg, xb_, layers, cfg.read_backend)
                grads, errs = gradients(cfg, xb_, yb_, hb, z1, logits, layers[1].weights())
                for layer, a, e, g in zip(layers, (xb_, hb), errs, grads, strict=True):
                    sched = _schedules(cfg, design, a, e, g, pulse_rngs[run])
                    layer.update(sched, design, cfg.backend, stats)
                bar.update(1)
            record(run, epoch, layers, stats, (time.perf_counter() - t0, time.process_time() - c0))
    bar.close()
    result.weights = {"ideal": w_ideal, **{run: [lay.weights() for lay in ls] for run, ls in nets.items()}}
    for run in RUNS:
        result.accuracy[run] = next(h["accuracy"] for h in reversed(result.history) if h["run"] == run)
    result.engine_runs = sum(lay.engine_runs for ls in nets.values() for lay in ls)
    result.seconds = time.perf_counter() - t_start
    return result
