"""Inference of weights trained elsewhere: map them onto tiles, program them, read the test set.

Weights file (``.npz``): keys ``w0, b0, w1, b1, ...``, ``w_k`` of shape
(inputs, outputs) and ``b_k`` of shape (outputs,) (a PyTorch ``nn.Linear``
stores (outputs, inputs): save ``layer.weight.T``); or the positional arrays
of ``np.savez(path, w0, b0, w1, b1)`` (``arr_0, arr_1, ...``). In Python a list
of arrays in that order is accepted as well; a matrix not followed by a 1-D
bias has none. The network is ``a_{k+1} = act(a_k @ w_k + b_k)`` with ReLU
(or sigmoid) between layers and the class scores at the end; its inputs are
the features of :func:`pymem.train.data.load` without the bias column.

On the crossbar, layer k's inputs are scaled into [0, 1] by ``s_k`` (1 for the
data; the largest activation on the training split for hidden layers) and
``[w_k; b_k / s_k]`` is mapped by a :class:`~pymem.crossbar.mapping.DifferentialMapping`
(``w_max`` the layer's largest |entry|), cut into tiles (:func:`pymem.train.tiles.tile_blocks`),
and every tile is programmed by program-and-verify, rows in parallel, through
the transient engine, from every device at the mid conductance. The mapping's
range is ``[g_min + PROGRAM_FLOOR (g_max - g_min), g_max]`` (the pair difference
cancels its floor).
Reads: the exact solver per tile, an ADC per column, digital sums.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pymem import devices
from pymem.constants import Activation
from pymem.crossbar.mapping import DifferentialMapping
from pymem.crossbar.spec import Crossbar
from pymem.devices.base import DeviceModel
from pymem.errors import ParameterError, WeightShapeError
from pymem.ops.program import program_and_verify
from pymem.train import data as datasets
from pymem.train.pulses import PulseDesign, design_pulses
from pymem.train.tiles import Block, Tile, TiledLayer, adc_for, check_tile

Layer = tuple[NDArray[np.float64], NDArray[np.float64]]
PROGRAM_FLOOR = 0.1
"""The mapping's lowest conductance, as a fraction of the device range above g_min: fixed-width
pulses approach g_min itself too slowly to verify within a few per cent."""


def load_weights(source: str | Path | list[Any]) -> list[Layer]:
    """Layers ``(w, b)`` from an ``.npz`` file or a list of arrays (see the module docstring).

    Raises
    ------
    WeightShapeError
        For a missing file, no matrices, a matrix that is not 2-D, or a bias of the wrong length.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise WeightShapeError(f"weights file {str(path)!r} does not exist; save one with np.savez")
        with np.load(path) as npz:
            keys = list(npz.files)
            if any(k.startswith("w") and k[1:].isdigit() for k in keys):
                arrays: list[Any] = []
                k = 0
                while f"w{k}" in keys:
                    arrays.append(npz[f"w{k}"])
                    if f"b{k}" in keys:
                        arrays.append(npz[f"b{k}"])
                    k += 1
            else:
                arrays = [npz[f"arr_{k}"] for k in range(len(keys)) if f"arr_{k}" in keys]
        where = f"weights file {str(path)!r}"
    else:
        arrays, where = list(source), "weights list"
    layers: list[Layer] = []
    for k, a in enumerate(np.asarray(x, dtype=float) for x in arrays):
        if a.ndim == 2:
            layers.append((a, np.zeros(a.shape[1])))
        elif a.ndim == 1 and layers and not layers[-1][1].any() and k and np.ndim(arrays[k - 1]) == 2:
            if a.size != layers[-1][0].shape[1]:
                raise WeightShapeError(
                    f"{where}: bias {len(layers) - 1} has {a.size} entries but its matrix "
                    f"{layers[-1][0].shape} has {layers[-1][0].shape[1]} outputs; give one bias per output"
                )
            layers[-1] = (layers[-1][0], a)
        else:
            raise WeightShapeError(
                f"{where}: array {k} of shape {a.shape} is neither a (inputs, outputs) matrix nor the bias "
                "after one; store w0, b0, w1, b1, ..."
            )
    if not layers:
        raise WeightShapeError(
            f"{where} holds no weight matrix; store w0, b0, w1, b1, ... (keys of np.savez)"
        )
    return layers


def check_chain(layers: list[Layer], n_inputs: int, n_classes: int) -> None:
    """Refuse layers whose shapes do not chain from ``n_inputs`` features to ``n_classes`` scores.

    Raises
    ------
    WeightShapeError
        Naming the layer and both shapes (and the transposition of a PyTorch weight).
    """
    width = n_inputs
    for k, (w, _) in enumerate(layers):
        if w.shape[0] != width:
            raise WeightShapeError(
                f"w{k} has shape {w.shape} but its layer gets {width} inputs "
                f"({'the data features' if k == 0 else f'the outputs of w{k - 1}'}); weights are "
                "(inputs, outputs): did you save a PyTorch weight (outputs, inputs) without .T?"
            )
        width = w.shape[1]
    if width != n_classes:
        raise WeightShapeError(
            f"the last layer w{len(layers) - 1} gives {width} outputs but the data have {n_classes} classes"
        )


def activate(z: NDArray[np.float64], activation: Activation) -> NDArray[np.float64]:
    """ReLU or logistic sigmoid, elementwise."""
    return np.maximum(z, 0.0) if activation == "relu" else 0.5 * (1.0 + np.tanh(0.5 * z))


def ideal_forward(layers: list[Layer], x: NDArray[np.float64], activation: Activation) -> list[NDArray]:
    """Pre-activations of every layer in float math (the last one: the class scores)."""
    out, a = [], x
    for k, (w, b) in enumerate(layers):
        z = a @ w + b
        out.append(z)
        a = activate(z, activation) if k < len(layers) - 1 else z
    return out


def matched_pulses(model: Any, v_read: float, levels: int = 64) -> PulseDesign:
    """Pulses whose SET and RESET widths agree (program-and-verify uses one width for both).

    The slower direction keeps 1.5 times its threshold; the faster one's
    amplitude factor is lowered (bisection in (1, 1.5]) until its width for a
    step of 1/``levels`` of the range matches.
    """
    base = design_pulses(model, v_read, levels, 1.5)
    up_fast = base.width_up_s < base.width_down_s
    target = max(base.width_up_s, base.width_down_s)
    lo, hi = 1.0 + 1e-6, 1.5
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        d = design_pulses(model, v_read, levels, mid)
        width = d.width_up_s if up_fast else d.width_down_s
        lo, hi = (mid, hi) if width > target else (lo, mid)
    d = design_pulses(model, v_read, levels, hi)
    if up_fast:
        return PulseDesign(d.v_up, base.v_down, d.width_up_s, base.width_down_s, *_tail(base))
    return PulseDesign(base.v_up, d.v_down, base.width_up_s, d.width_down_s, *_tail(base))


def _tail(d: PulseDesign) -> tuple[float, ...]:
    return d.dg_up, d.dg_down, d.x_mid, d.g_min_s, d.g_max_s


@dataclass
class InferResult:
    """Accuracies of the programmed network and of the ideal one, and the per-layer errors."""

    accuracy: float
    accuracy_ideal: float
    layer_error: list[float]
    tiles: list[int]
    converged: float
    pulses: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The JSON object of ``pymem infer --json``."""
        return {
            "accuracy_circuit": self.accuracy,
            "accuracy_ideal": self.accuracy_ideal,
            "layer_error_rms": self.layer_error,
            "tiles": self.tiles,
            "converged_fraction": self.converged,
            "program_pulses": self.pulses,
            "seconds": self.seconds,
            **self.extra,
        }


def infer(
    weights: str | Path | list[Any],
    data: str = "digits",
    model: str | DeviceModel = "vteam",
    tile: int = 32,
    r_wire_ohm: float = 0.02,
    activation: Activation = "relu",
    adc_bits: int = 8,
    adc_range: float = 1.0,
    rtol: float = 0.02,
    max_pulses: int = 60,
    seed: int = 0,
) -> InferResult:
    """Program a trained network onto tiles and classify the test split through the circuit.

    Parameters
    ----------
    weights : path or list of arrays
        See :func:`load_weights`.
    data : {"digits", "iris"}
        Data set (digits: all 64 pixels); inputs in [0, 1] as :func:`pymem.train.data.load` gives them.
    model : str
        Device model.
    tile : int
        Largest tile side (devices, >= 2).
    r_wire_ohm : float
        Wire resistance per segment in every tile (ohm); default 0.02, the training
        default: VTEAM's own devices are 50 ohm to 1 kohm, and at 0.5 ohm a quarter of
        an iris network's cells never reach their targets on 8-device lines.
    activation : {"relu", "sigmoid"}
        Between layers.
    adc_bits, adc_range : int, float
        Column ADCs (see :func:`pymem.train.tiles.adc_for`).
    rtol, max_pulses : float, int
        Program-and-verify tolerance (relative conductance) and pulse budget per cell.
    seed : int
        Seed of the data split.

    Returns
    -------
    InferResult
        ``layer_error`` per layer: rms(z_circuit - z_ideal) / rms(z_ideal) of its
        pre-activations, the circuit's layers fed by the circuit's previous layer.
    """
    t0 = time.perf_counter()
    check_tile(tile)
    if activation not in ("relu", "sigmoid"):
        raise ParameterError(f"activation={activation!r}; choose 'relu' or 'sigmoid'")
    layers = load_weights(weights)
    rows, cols = datasets.natural_shape(data)
    ds = datasets.load(data, 65 if data == "digits" else rows, cols, seed=seed)  # type: ignore[arg-type]
    x_tr, x_te = ds.x_train[:, :-1], ds.x_test[:, :-1]
    check_chain(layers, x_te.shape[1], ds.classes)
    dev = devices.resolve(model)
    v_read = float(Crossbar(1, 1, dev).v_read)
    design = matched_pulses(dev, v_read, levels=32)
    g_lo = design.g_min_s + PROGRAM_FLOOR * (design.g_max_s - design.g_min_s)
    z_train = ideal_forward(layers, x_tr, activation)
    scales = [1.0] + [float(max(np.max(activate(z, activation)), 1e-12)) for z in z_train[:-1]]
    tiled: list[TiledLayer] = []
    pulses, conv, cells = 0, 0.0, 0
    for (w, b), s in zip(layers, scales, strict=True):
        a = np.vstack([w, b[None, :] / s])
        mapping = DifferentialMapping(g_lo, design.g_max_s, float(max(np.max(np.abs(a)), 1e-300)))
        g = mapping.encode(a)

        def make(block: Block, g_t: NDArray[np.float64]) -> Tile:
            nonlocal pulses, conv, cells
            start = np.full(g_t.shape, design.x_mid)
            xb = Crossbar(*g_t.shape, dev, states=start, r_row_ohm=r_wire_ohm, r_col_ohm=r_wire_ohm)
            prog = program_and_verify(
                xb, g_t, design.v_up, design.v_down, design.width_up_s, rtol=rtol,
                max_pulses=max_pulses, order="row", backend="solver",
            )  # fmt: skip
            pulses += int(prog.pulses.sum())
            conv += float(prog.converged.sum())
            cells += g_t.size
            return Tile(
                block,
                xb.with_states(prog.states),
                adc_for(g_t.shape[0], v_read, design.g_max_s, adc_bits, adc_range),
            )

        tiled.append(TiledLayer.from_conductances(g, tile, make, mapping.scale))  # reads in units of a
    z_ideal = ideal_forward(layers, x_te, activation)
    errors, a = [], x_te
    for k, (layer, s) in enumerate(zip(tiled, scales, strict=True)):
        v = np.clip(a / s, 0.0, 1.0)  # the row drivers saturate at v_read
        z = s * layer.read(np.hstack([v, np.ones((a.shape[0], 1))]))
        ref = z_ideal[k]
        errors.append(float(np.sqrt(np.mean((z - ref) ** 2) / max(np.mean(ref**2), 1e-300))))
        a = activate(z, activation) if k < len(tiled) - 1 else z
    return InferResult(
        accuracy=float(np.mean(np.argmax(a, axis=1) == ds.y_test)),
        accuracy_ideal=float(np.mean(np.argmax(z_ideal[-1], axis=1) == ds.y_test)),
        layer_error=errors,
        tiles=[len(t.tiles) for t in tiled],
        converged=conv / max(cells, 1),
        pulses=pulses,
        seconds=time.perf_counter() - t0,
        extra={"model": devices.model_name(model), "tile": tile, "r_wire_ohm": r_wire_ohm, "data": data},
    )
