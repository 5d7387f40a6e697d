"""``pymem animate``: one memristor animated from an ngspice transient, as an offline HTML page.

The drive is a PWL sequence built from the model's thresholds: reads, a write
of one polarity, reads, a write of the other polarity, reads. ngspice
integrates the model's subcircuit under it (:func:`pymem.ops.device.simulate`);
the trace is downsampled segment by segment, keeping the sample at every pulse
edge, and embedded as JSON in a self-contained page (``animate_page.html``:
inline CSS, JS and SVG, no network request).
"""

from __future__ import annotations

import html
import importlib.resources
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from pymem.devices.base import DeviceModel
from pymem.devices.waveforms import PWL
from pymem.errors import ParameterError
from pymem.ops.device import simulate as simulate_device

if TYPE_CHECKING:
    from pymem.ops.device import DeviceTrace

SUPPORTED: tuple[str, ...] = ("vteam", "yakopcic", "hp", "stanford-pku")
"""Models the page is built and tested for (their drives switch within a few seconds of ngspice)."""
PHASES: tuple[str, ...] = ("idle", "read", "write (SET)", "write (RESET)")
"""Phase labels; the page stores one index into this tuple per frame."""
FRAMES_WRITE, FRAMES_READ, FRAMES_EDGE, FRAMES_GAP = 120, 24, 3, 8
"""Frames given to the top of a write pulse, of a read pulse, to each edge, and to each 0 V gap."""
WRITE_MOVE = 0.45
"""Fraction of the state range each write aims to move the state (capped at 85 % of the way to a bound)."""


@dataclass(frozen=True)
class Pulse:
    """One trapezoidal pulse of the drive: 0 V, ``edge_s`` ramp, ``width_s`` at ``amplitude_v``, ramp."""

    phase: str
    """``"read"``, ``"write (SET)"`` or ``"write (RESET)"``."""
    amplitude_v: float
    """Voltage at the top of the pulse (V)."""
    width_s: float
    """Time at the top (s)."""
    start_s: float
    """Start of the rising edge (s)."""
    edge_s: float
    """Rise and fall time (s)."""

    @property
    def end_s(self) -> float:
        """End of the falling edge (s)."""
        return self.start_s + 2 * self.edge_s + self.width_s


@dataclass(frozen=True)
class Drive:
    """The PWL drive of the page and its pulses, in time order."""

    waveform: PWL
    pulses: tuple[Pulse, ...]
    v_read: float
    """Read amplitude (V, magnitude)."""
    low_resistance_at_high: bool
    """True when the upper state bound is the low-resistance end (conductance there is higher)."""


@dataclass(frozen=True)
class AnimateResult:
    """What :func:`animate_page` wrote and the states at its markers."""

    path: Path
    model: str
    frames: int
    """Frames embedded in the page."""
    markers: dict[str, int]
    """Frame indices: ``before_write``, ``after_write``, ``after_read``, ``after_write2``, ``after_read2``."""
    x_frames: NDArray[np.float64]
    """State at each frame (state units), shape (frames,)."""
    x_range: float
    """Width of the model's state range (state units)."""
    sim_points: int
    """Time points of the ngspice transient before downsampling."""
    seconds_ngspice: float
    """Wall time of the ngspice transient (s)."""
    seconds: float
    """Wall time of the whole page generation (s)."""

    def x_at(self, marker: str) -> float:
        """State (state units) at the frame of ``marker``."""
        return float(self.x_frames[self.markers[marker]])

    @property
    def x_after_write(self) -> float:
        return self.x_at("after_write")

    @property
    def x_after_read(self) -> float:
        return self.x_at("after_read")


def write_width(model: DeviceModel, v: float, x_start: float, dx: float) -> float:
    """Time (s) a constant ``v`` (V) takes to move the state by ``dx`` from ``x_start``.

    Integrates the model's reference equations (``dxdt``) with an event at
    ``|x - x_start| = dx``.

    Raises
    ------
    ParameterError
        If ``v`` does not move the state, or not that far.
    """
    lo, hi = model.x_bounds
    rate0 = abs(float(model.dxdt(v, x_start)))
    if not rate0 > 0:
        raise ParameterError(f"{v!r} V does not move the state of {model.name} at x={x_start!r}")

    def rhs(_t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.atleast_1d(model.dxdt(v, np.clip(y, lo, hi)))

    def reached(_t: float, y: NDArray[np.float64]) -> float:
        return abs(float(y[0]) - x_start) - dx

    reached.terminal = True  # type: ignore[attr-defined]
    sol = solve_ivp(
        rhs, (0.0, 1e3 * dx / rate0), [x_start], method="LSODA", events=reached, rtol=1e-8, atol=1e-12
    )
    if sol.t_events[0].size == 0:
        raise ParameterError(f"{v!r} V does not move the state of {model.name} by {dx!r} from {x_start!r}")
    return float(sol.t_events[0][0])


def build_drive(model: DeviceModel) -> Drive:
    """Reads, a write, reads, a write of the other polarity, reads: sized from the model.

    Reads are at half the smaller threshold magnitude, writes at 1.5 times their
    threshold. Without thresholds (hp), writes are at the demo drive's amplitude
    and reads at a tenth of it, alternating in sign so their charge cancels.
    Each write is as long as the model's equations need to move the state by
    :data:`WRITE_MOVE` of its range; the first write goes towards the farther bound.
    """
    lo, hi = model.x_bounds
    span = hi - lo
    th = model.thresholds
    if th is not None:
        v_read = 0.5 * min(-th[0], th[1])
        amps = (1.5 * th[0], 1.5 * th[1])
        reads: tuple[float, ...] = (v_read,) * 3
    else:
        a = abs(model.demo_drive().amplitude_v)
        v_read = 0.1 * a
        amps = (-a, a)
        reads = (v_read, -v_read) * 2
    low_at_hi = bool(model.conductance(hi, v_read) > model.conductance(lo, v_read))
    mid = lo + 0.5 * span
    rising = [float(model.dxdt(a, mid)) > 0 for a in amps]
    if rising[0] == rising[1]:
        raise ParameterError(
            f"both polarities move the state of {model.name} the same way; cannot animate it"
        )
    set_amp, reset_amp = (amps[0], amps[1]) if rising[0] == low_at_hi else (amps[1], amps[0])
    low_bound, high_bound = (hi, lo) if low_at_hi else (lo, hi)
    x = model.x0
    set_first = abs(low_bound - x) >= abs(high_bound - x)
    plan = [("write (SET)", set_amp, low_bound), ("write (RESET)", reset_amp, high_bound)]
    if not set_first:
        plan.reverse()
    writes = []
    for phase, amp, bound in plan:
        dx = min(WRITE_MOVE * span, 0.85 * abs(bound - x))
        writes.append((phase, amp, write_width(model, amp, x, dx)))
        x += math.copysign(dx, bound - x)
    shortest = min(w for _, _, w in writes)
    read_w = shortest if th is not None else shortest / 10
    edge = read_w / 20
    seq = [("read", a, read_w) for a in reads]
    seq = [*seq, writes[0], *seq, writes[1], *seq]
    t, pulses = read_w, []
    times, volts = [0.0], [0.0]
    for phase, amp, width in seq:
        p = Pulse(phase, amp, width, t, edge)
        pulses.append(p)
        times += [t, t + edge, t + edge + width, p.end_s]
        volts += [0.0, amp, amp, 0.0]
        t = p.end_s + read_w
    times.append(t)
    volts.append(0.0)
    return Drive(PWL(tuple(times), tuple(volts)), tuple(pulses), v_read, low_at_hi)


def _nearest(t: NDArray[np.float64], s: float) -> int:
    return int(np.abs(t - s).argmin())


def pick_frames(t: NDArray[np.float64], drive: Drive) -> NDArray[np.int_]:
    """Indices into the simulated times ``t`` (s) to show: a budget per segment, every edge kept."""
    spans: list[tuple[float, float, int]] = []
    prev = 0.0
    for p in drive.pulses:
        top = FRAMES_READ if p.phase == "read" else FRAMES_WRITE
        rise, fall = p.start_s + p.edge_s, p.start_s + p.edge_s + p.width_s
        spans += [(prev, p.start_s, FRAMES_GAP), (p.start_s, rise, FRAMES_EDGE)]
        spans += [(rise, fall, top), (fall, p.end_s, FRAMES_EDGE)]
        prev = p.end_s
    spans.append((prev, float(t[-1]), FRAMES_GAP))
    keep: list[NDArray[np.int_]] = []
    for a, b, n in spans:
        ia, ib = _nearest(t, a), _nearest(t, b)
        keep.append(np.round(np.linspace(ia, ib, min(n + 1, ib - ia + 1))).astype(int))
    return np.unique(np.concatenate(keep))


def _si(value: float, unit: str) -> str:
    """``value`` with an SI prefix, e.g. ``_si(2.5e-9, "s") == "2.5 ns"``."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    exp = max(-15, min(9, 3 * math.floor(math.log10(abs(value)) / 3)))
    prefix = {-15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G"}[exp]
    return f"{value / 10**exp:.3g} {prefix}{unit}"


def _explain(model: DeviceModel, drive: Drive, sim_points: int, frames: int) -> str:
    th = model.thresholds
    ths = (
        f"thresholds {th[0]:+g} V and {th[1]:+g} V: below them in magnitude the state does not move"
        if th
        else "no threshold: every current moves the state a little, so its reads alternate in sign "
        "and their charge cancels"
    )
    kinds: dict[str, Pulse] = {}
    for p in drive.pulses:
        kinds.setdefault(p.phase, p)
    used = "; ".join(f"{k} {p.amplitude_v:+.3g} V for {_si(p.width_s, 's')}" for k, p in kinds.items())
    low = "upper" if drive.low_resistance_at_high else "lower"
    e = html.escape
    return (
        "<p>A memristor is a resistor that remembers. Inside it, charged defects (ions, vacancies: the "
        "dots) form a <b>conductive region</b>; the rest of the film is <b>resistive</b>. The magenta "
        "slider is the boundary between them: the model's internal state.</p>"
        "<p><b>Strong pulses write</b>: beyond the threshold the defects drift and the slider moves "
        "(SET towards low resistance, RESET towards high). <b>Weak pulses read</b>: a small current "
        "flows and tells the resistance, but the slider stays put.</p>"
        f"<p>Model <b>{e(model.name)}</b> ({e(model.citation)}), {e(ths)}. Pulses used: {e(used)}. "
        f"Its {low} state bound is the low-resistance end. Every number below is from an ngspice "
        f"transient of the model's subcircuit: {sim_points} time points, {frames} frames kept, every "
        "pulse edge among them. The plots run over frames, not time: each pulse gets its share of "
        "frames, so short and long pulses both show; the simulated time is printed above.</p>"
    )


def _page_data(model: DeviceModel, drive: Drive, trace: DeviceTrace, idx: NDArray[np.int_]) -> dict[str, Any]:
    lo, hi = model.x_bounds
    t = trace.t[idx]
    phase = np.zeros(idx.size, dtype=int)
    for p in drive.pulses:
        tol = 1e-6 * p.edge_s
        phase[(t > p.start_s + tol) & (t < p.end_s - tol)] = PHASES.index(p.phase)
    g = np.asarray(model.conductance(trace.x[idx], drive.v_read), dtype=float)
    return {
        "model": model.name,
        "t": t.tolist(),
        "v": trace.v[idx].tolist(),
        "i": trace.i[idx].tolist(),
        "x": trace.x[idx].tolist(),
        "s": np.clip((trace.x[idx] - lo) / (hi - lo), 0.0, 1.0).tolist(),
        "g_read": g.tolist(),
        "v_read": drive.v_read,
        "phase": phase.tolist(),
        "phases": list(PHASES),
        "low_at_high": drive.low_resistance_at_high,
        "x_bounds": [lo, hi],
    }


def _markers(trace_t: NDArray[np.float64], idx: NDArray[np.int_], drive: Drive) -> dict[str, int]:
    writes = [k for k, p in enumerate(drive.pulses) if p.phase != "read"]
    last_read = [writes[1] - 1, len(drive.pulses) - 1]
    times = {
        "before_write": drive.pulses[writes[0]].start_s,
        "after_write": drive.pulses[writes[0]].end_s,
        "after_read": drive.pulses[last_read[0]].end_s,
        "after_write2": drive.pulses[writes[1]].end_s,
        "after_read2": drive.pulses[last_read[1]].end_s,
    }
    return {k: int(np.searchsorted(idx, _nearest(trace_t, s))) for k, s in times.items()}


def simulate_write_read(
    model: str | DeviceModel, x0: float | None = None
) -> tuple[DeviceModel, Drive, DeviceTrace, NDArray[np.int_], dict[str, Any]]:
    """Run the write-versus-read drive of ``model`` through ngspice and pick the frames to show.

    Returns the model, the drive, the full ngspice trace, the indices of the kept
    frames and the page's data (with ``markers``).

    Raises
    ------
    ParameterError
        For a model outside :data:`SUPPORTED`.
    """
    from pymem import devices

    dev = devices.resolve(model, **({} if x0 is None else {"x0": float(x0)}))
    kind = getattr(dev, "base_name", dev.name)
    if kind not in SUPPORTED:
        raise ParameterError(
            f"pymem animate does not support model {kind!r}; choose one of {list(SUPPORTED)}"
        )
    drive = build_drive(dev)
    shortest = min(p.width_s for p in drive.pulses)
    step = min(dev.spice_max_step_s or math.inf, shortest / 30, drive.waveform.duration_s / 4000)
    trace = simulate_device(dev, drive.waveform, backend="ngspice", max_step_s=step)
    idx = pick_frames(trace.t, drive)
    data = _page_data(dev, drive, trace, idx)
    data["markers"] = _markers(trace.t, idx, drive)
    return dev, drive, trace, idx, data


def animate_page(
    model: str | DeviceModel = "vteam", out_path: str | Path = "memristor.html", x0: float | None = None
) -> AnimateResult:
    """Simulate one device through ngspice and write the animated page.

    Parameters
    ----------
    model : str
        A name of :data:`SUPPORTED` (default ``"vteam"``).
    out_path : str or Path
        HTML file to write (its folder is created).
    x0 : float, optional
        Initial state (state units); default the model's ``x0``.

    Returns
    -------
    AnimateResult
        The path, frame count, marker frames and the state at every frame.

    Raises
    ------
    ParameterError
        For a model outside :data:`SUPPORTED` or an ``x0`` outside its bounds.
    """
    t0 = time.perf_counter()
    dev, drive, trace, idx, data = simulate_write_read(model, x0)
    markers = data["markers"]
    title = f"pymem: one {dev.name} memristor, simulated by ngspice"
    blob = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    page = importlib.resources.files("pymem.report").joinpath("animate_page.html").read_text("utf-8")
    page = page.replace("__PYMEM_TITLE__", html.escape(title))
    page = page.replace("__PYMEM_EXPLAIN__", _explain(dev, drive, trace.t.size, idx.size))
    page = page.replace("__PYMEM_DATA__", blob)
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return AnimateResult(
        path=path,
        model=dev.name,
        frames=int(idx.size),
        markers=markers,
        x_frames=trace.x[idx],
        x_range=dev.x_range,
        sim_points=int(trace.t.size),
        seconds_ngspice=trace.seconds,
        seconds=time.perf_counter() - t0,
    )
