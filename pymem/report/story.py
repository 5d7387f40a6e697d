"""``pymem page``: the explorable page, four scenes from simulations run when the page is made.

1. Write versus read: one device under write and read pulses (ngspice, as ``pymem animate``).
2. Training one memristor to x * w = z (:func:`pymem.stories.multiplier.train_multiplier`),
   then inference reads of the trained device.
3. Bit slicing: every value 0..15 stored on four devices and read back
   (:func:`pymem.stories.bitslice.store_and_read`), recombined by shift-and-add.
4. A crossbar doing inference at several wire resistances: conductances,
   each cell's voltage from the exact solver's node voltages, column currents
   next to the ideal ``G^T v``.

Every number is embedded as JSON in one offline HTML file (``story_page.html``:
inline CSS, JS and SVG, no network request); the page only switches between
the precomputed runs.
"""

from __future__ import annotations

import importlib.resources
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pymem import devices
from pymem.errors import PageTooLargeError, ParameterError

MAX_CROSSBAR = 32
"""Largest rows or columns of scene 4: beyond it the heat maps stop being readable and the page grows."""
MAX_PAGE_BYTES = 1_500_000
"""Size limit of the page (bytes); the default page is about a fifth of it."""
WIRE_OHMS: tuple[float, ...] = (0.0, 1.0, 5.0)
"""Wire resistances per segment (ohm) of scene 4's precomputed runs."""
BITSLICE_WIDTH_FACTOR = 25.0
"""Scene 3's first write pulse, in units of the bit-slicing default (1/200 of the demo period).

Program-and-verify halves it after each overshoot; the wider start cuts the
pulses per value from about 400 to about 40 at the same tolerance."""


@dataclass(frozen=True)
class StoryResult:
    """What :func:`story_page` wrote."""

    path: Path
    bytes: int
    """Size of the page (bytes)."""
    data: dict[str, Any]
    """The embedded data, one key per scene."""
    seconds: dict[str, float]
    """Wall time per scene and in total (s)."""


def scene_write_read(model: str = "vteam") -> dict[str, Any]:
    """Scene 1: the ``pymem animate`` drive through ngspice (frames, states, phases)."""
    from pymem.report.animate import PHASES, simulate_write_read

    dev, drive, trace, _idx, data = simulate_write_read(model)
    keep = ("t", "v", "i", "s", "phase", "markers")
    out = {k: data[k] for k in keep}
    out["x"] = data["x"]
    out.update(
        model=dev.name,
        citation=dev.citation,
        engine=f"ngspice (shared library), {trace.t.size} time points",
        phases=list(PHASES),
        low_at_high=drive.low_resistance_at_high,
    )
    return out


def scene_multiplier(model: str = "vteam", x: float = 0.8, z: float = 0.4) -> dict[str, Any]:
    """Scene 2: train one device to ``x * w = z`` with the native engine, then read it at four inputs."""
    from pymem.crossbar.spec import Crossbar
    from pymem.ops.mvm import mvm
    from pymem.stories.multiplier import train_multiplier

    dev = devices.get(model)
    res = train_multiplier(dev, x, z, backend="solver")
    lo, hi = dev.x_bounds
    trained = Crossbar(1, 1, dev, states=[[res.states[-1]]])
    inputs = [0.25, 0.5, 0.75, 1.0]
    currents = [float(mvm(trained, [[xi * res.v_read]], backend="solver").y[0, 0]) for xi in inputs]
    low_at_high = bool(dev.conductance(hi, res.v_read) > dev.conductance(lo, res.v_read))
    return {
        "model": dev.name,
        "citation": dev.citation,
        "engine": "pymem native transient engine (backend='solver') for writes, exact solver for reads",
        "x": x,
        "z": z,
        "tol": 0.005,
        "w_target": res.w_target,
        "product": res.trajectory,
        "s": [(st - lo) / (hi - lo) for st in res.states],
        "state": res.states,
        "widths_s": res.widths_s,
        "converged": res.converged,
        "pulses": res.pulses,
        "g_max_s": res.g_max_s,
        "v_read": res.v_read,
        "low_at_high": low_at_high,
        "infer_x": inputs,
        "infer_i_a": currents,
        "infer_product": [i / (res.v_read * res.g_max_s) for i in currents],
    }


def scene_bitslice(model: str = "yakopcic", values: range = range(16)) -> dict[str, Any]:
    """Scene 3: every value stored on four one-bit devices (native engine), read back, shift-and-add."""
    from pymem.stories.bitslice import store_and_read

    m = devices.get(model)
    width = BITSLICE_WIDTH_FACTOR * m.demo_drive().duration_s / 200
    runs = []
    for value in values:
        r = store_and_read(value, 4, 1, model=model, rtol=0.02, backend="solver", width_s=width)
        i_read = np.asarray(r.i_read_a)
        digit_read = (i_read / r.v_read - r.g_min_s) / r.level_step_s
        runs.append(
            {
                "value": r.value,
                "value_read": r.value_read,
                "digits": r.digits,
                "g_target_s": r.g_target.tolist(),
                "g_final_s": r.g_final.tolist(),
                "i_read_a": i_read.tolist(),
                "digit_read": digit_read.tolist(),
                "contribution": (digit_read * 2.0 ** np.arange(r.devices)).tolist(),
                "pulses": r.pulses,
            }
        )
    return {
        "model": m.name,
        "citation": m.citation,
        "engine": "pymem native transient engine (backend='solver') for writes, exact solver for reads",
        "rtol": 0.02,
        "v_read": float(r.v_read),
        "g_min_s": r.g_min_s,
        "step_s": r.level_step_s,
        "runs": runs,
    }


def check_story_size(rows: int, cols: int) -> None:
    """Refuse a scene-4 crossbar the page cannot show.

    Raises
    ------
    PageTooLargeError
        If ``rows`` or ``cols`` is not an integer in 2 .. :data:`MAX_CROSSBAR`.
    """
    for name, n in (("rows", rows), ("cols", cols)):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_CROSSBAR:
            raise PageTooLargeError(
                f"the page's crossbar {name}={n!r} is outside 2..{MAX_CROSSBAR}: its heat maps would not "
                f"fit the page; choose {name} between 2 and {MAX_CROSSBAR}"
            )


def scene_crossbar(
    rows: int = 16, cols: int = 16, model: str = "hp", seed: int = 0, wire_ohms: tuple[float, ...] = WIRE_OHMS
) -> dict[str, Any]:
    """Scene 4: one input vector on a random crossbar, read by the exact solver at each wire resistance."""
    from pymem.crossbar.spec import random_crossbar
    from pymem.engine.static import CrossbarSolver
    from pymem.ops.mvm import mvm

    check_story_size(rows, cols)
    if any(not (np.isfinite(r) and r >= 0) for r in wire_ohms):
        raise ParameterError(f"wire resistances must be finite and >= 0 ohm, got {list(wire_ohms)}")
    runs = []
    for r_w in wire_ohms:
        xb = random_crossbar(rows, cols, model, seed=seed, r_row_ohm=r_w, r_col_ohm=r_w)
        v = xb.random_inputs(1, seed=seed + 1)
        res = mvm(xb, v, backend="solver")
        nodes = CrossbarSolver(xb).node_voltages(v[0])
        y, ideal = res.y[0], res.y_ideal[0]
        runs.append(
            {
                "r_wire_ohm": r_w,
                "v_in": v[0].tolist(),
                "g_s": xb.conductances().tolist(),
                "v_cell": (nodes["wl"] - nodes["bl"]).tolist(),
                "y_a": y.tolist(),
                "y_ideal_a": ideal.tolist(),
                "max_rel_error": float(np.max(np.abs(y - ideal)) / np.max(np.abs(ideal))),
            }
        )
    return {
        "model": xb.device.name,
        "citation": xb.device.citation,
        "engine": "pymem exact sparse solver (validated against ngspice), ideal virtual-ground sensing",
        "rows": rows,
        "cols": cols,
        "v_read": float(xb.v_read),
        "runs": runs,
    }


def story_page(
    out_path: str | Path = "story.html", rows: int = 16, cols: int = 16, values: range = range(16)
) -> StoryResult:
    """Run the four scenes' simulations and write the page.

    Parameters
    ----------
    out_path : str or Path
        HTML file (its folder is created).
    rows, cols : int
        Size of scene 4's crossbar, 2 .. :data:`MAX_CROSSBAR`.
    values : range
        The values scene 3 stores and offers (default all of 0..15).

    Raises
    ------
    PageTooLargeError
        If the crossbar is too large for the page, or the page exceeds :data:`MAX_PAGE_BYTES`.
    """
    check_story_size(rows, cols)
    if len(values) == 0 or min(values) < 0 or max(values) > 15:
        raise ParameterError(f"scene 3 stores values in 0..15, got {list(values)}; choose a range inside it")
    seconds: dict[str, float] = {}
    data: dict[str, Any] = {}
    t_all = time.perf_counter()
    scenes = (
        ("write_read", scene_write_read),
        ("multiplier", scene_multiplier),
        ("bitslice", lambda: scene_bitslice(values=values)),
        ("crossbar", lambda: scene_crossbar(rows, cols)),
    )
    for name, make in scenes:
        t0 = time.perf_counter()
        data[name] = make()
        seconds[name] = time.perf_counter() - t0
    blob = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    page = importlib.resources.files("pymem.report").joinpath("story_page.html").read_text("utf-8")
    page = page.replace("__PYMEM_DATA__", blob)
    size = len(page.encode("utf-8"))
    if size > MAX_PAGE_BYTES:
        raise PageTooLargeError(
            f"the page would be {size} bytes, over the {MAX_PAGE_BYTES}-byte limit; choose a smaller crossbar"
        )
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    seconds["total"] = time.perf_counter() - t_all
    return StoryResult(path=path, bytes=size, data=data, seconds=seconds)
