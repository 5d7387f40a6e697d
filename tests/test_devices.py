"""Device models, parametrised over the registry: ngspice and the numpy reference agree,
loops are pinched, HP follows its analytic law, bad parameters are refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from pymem import devices
from pymem.devices import Sine, pulse_train, triangle
from pymem.devices.stanford_pku import StanfordPKU
from pymem.devices.team import TEAM
from pymem.devices.vteam import VTEAM
from pymem.devices.waveforms import PWL
from pymem.devices.yakopcic import Yakopcic
from pymem.errors import ParameterError
from pymem.ops.device import simulate as simulate_device
from pymem.report.plots import loop_area

MODELS = devices.names()


def _drives(model: devices.DeviceModel) -> dict[str, object]:
    sine = model.demo_drive()
    period = 1.0 / sine.frequency_hz
    a = sine.amplitude_v
    return {
        "sine": sine,
        "triangle": triangle(a, sine.frequency_hz, cycles=1),
        "pulses": pulse_train([a, a, -a, -a, a], width_s=period / 10, gap_s=period / 10),
    }


# ----- ngspice against the numpy reference, one case per model, variant and drive ----------------


@dataclass(frozen=True)
class Case:
    """One ngspice-versus-reference run: the drive, its start and steps, and how far it must switch."""

    model: devices.DeviceModel
    drive: Sine | PWL
    x0: float | None = None
    """Initial state (state units); None: the model's ``x0``."""
    max_step_s: float | None = None
    """Largest step of both integrators (s); None: simulate's default."""
    ref_max_step_s: float | None = None
    """Largest step of the reference alone, when it differs from ``max_step_s`` (s)."""
    ref_points: int | None = None
    """Output points of the reference; None: simulate's default."""
    min_swing: float = 0.01
    """The reference state must move by this fraction of the range: the drive switches the device."""
    full_cycle: bool = False
    """The reference state must reach the low bound and then the high one (to 1e-3 of the range)."""


def _generic(model: devices.DeviceModel) -> dict[str, Case]:
    """The model's demo drive as a sine, a triangle and pulses, from its ``x0``."""
    return {k: Case(model, wave) for k, wave in _drives(model).items()}  # type: ignore[arg-type]


def _team_cases() -> dict[str, Case]:
    # At 1 V the OFF switching takes seconds (fast near Ron, slow near Roff), the ON switching runs away
    # within microseconds once |i| passes 8.9 uA. The pulses get 0.2 s edges so the ON switching happens
    # on a ramp, as in the sine and triangle; 1/50000 of the drive resolves the runaway on both sides.
    drives = {
        "sine-1V": (Sine(1.0, 0.1, 2), 0.0),
        "triangle-1V": (triangle(1.0, 0.1, 2), 0.0),
        "pulses-1V": (pulse_train([1.0, 1.0, -1.0, 1.0, -1.0, 1.0], 2.0, 2.0, edge_s=0.2), 0.5),
    }
    variants = {
        "linear-none": TEAM(),
        "exponential-none": TEAM(r_model="exponential"),
        "linear-biolek": TEAM(window="biolek"),
    }
    cases = {
        f"{v}-{d}": Case(m, w, x0=x0, max_step_s=w.duration_s / 50_000, min_swing=0.5)
        for v, m in variants.items()
        for d, (w, x0) in drives.items()
    }
    # the windows added from the TEAM paper and Xyce, under a gentle sine (65 mV, 1 Hz, two cycles)
    gentle = Sine(0.065, 1.0, 2)
    for window, m in {
        "joglekar": TEAM(window="joglekar"),
        "prodromakis": TEAM(window="prodromakis", p=2.0),
        "kvatinsky": TEAM(window="kvatinsky", a_on_m=0.3e-9, a_off_m=2.7e-9, w_c_m=0.05e-9),
    }.items():
        cases[f"{window}-sine-65mV"] = Case(m, gentle, max_step_s=gentle.duration_s / 20_000, min_swing=0.05)
    return cases


def _vteam_cases() -> dict[str, Case]:
    # 1 V is 50 x v_off and 5 x v_on; at 2 MHz a positive half-wave (250 ns) outlasts the 122 ns OFF
    # switching time, and the negative half-wave slams it back ON. The pulses (+-0.5 V, 100 ns) do the
    # same. The ON switching (k_on = -10 m/s on a 3 nm film) takes a few ns: 1/10000 of the drive.
    drives = {
        "sine": (Sine(1.0, 2e6, 2), 0.0),
        "triangle": (triangle(1.0, 2e6, 2), 0.0),
        "pulses": (pulse_train([0.5, 0.5, -0.5, 0.5, -0.25, 0.3], 100e-9, 100e-9), 0.5),
    }
    variants = {
        "linear-none": VTEAM(r_model="linear", window="none"),  # the registry's default
        "exponential-none": VTEAM(r_model="exponential", window="none"),
        "linear-biolek": VTEAM(r_model="linear", window="biolek"),
        "exponential-biolek": VTEAM(r_model="exponential", window="biolek", p=2.0),
    }
    return {  # the default's cases take the generic ids: its demo drive is the sine's first cycle
        (d if v == "linear-none" else f"{v}-{d}"): Case(m, w, x0=x0, max_step_s=w.duration_s / 10_000,
                                                        min_swing=0.5)
        for v, m in variants.items()
        for d, (w, x0) in drives.items()
    }  # fmt: skip


def _yakopcic_cases() -> dict[str, Case]:
    # amplitudes well above Vp = 0.16 V and Vn = 0.15 V
    sine = Sine(0.45, 100.0, cycles=2)
    pulses = pulse_train([0.35, 0.35, 0.35, -0.35, -0.35, -0.35], 300e-6, 300e-6)
    return {
        "sine": Case(Yakopcic(), sine, min_swing=0.3),
        "triangle": Case(Yakopcic(), triangle(0.5, 100.0, cycles=2), min_swing=0.3),
        "pulses": Case(Yakopcic(), pulses, max_step_s=pulses.duration_s / 2000, min_swing=0.3),
        "eta-minus-1-sine": Case(Yakopcic(eta=-1.0, x0=0.9), sine, min_swing=0.3),
    }


def _stanford_pku_cases() -> dict[str, Case]:
    """From HRS (g_max) each drive sets to g_min and resets to g_max.

    ngspice's step is 5 ps: the set is a thermal and field runaway, the gap rate climbs from ~4e5 nm/s
    at g_max to ~2e9 nm/s near g_min within a few hundred ps, and ngspice's truncation control (relative
    to the state-capacitor current, which is that rate) lets the step grow to ``max_step`` there. The
    timing error of the collapse grows as ``max_step^2``: max |dx|/range was 3e-3 at 5e-11 s, 1e-3 at
    2e-11 s, 6e-4 at 1e-11 s and 1e-4 at 5e-12 s. The reference (LSODA, rtol 1e-9) takes 1 ns steps:
    converged, it moves by 5e-6 of the range when this step drops to 1e-10 s.
    """
    m = StanfordPKU()
    drives = {
        "sine": Sine(1.7, 2e6, 1),
        "triangle": triangle(1.8, 2e6, 1),
        "pulses": pulse_train([1.6, -1.6], 100e-9, 50e-9),
    }
    steps = {"max_step_s": 5e-12, "ref_max_step_s": 1e-9, "ref_points": 4000}
    return {k: Case(m, w, x0=m.x_bounds[1], full_cycle=True, **steps) for k, w in drives.items()}


SPECIFIC: dict[str, Callable[[], dict[str, Case]]] = {
    "team": _team_cases,
    "vteam": _vteam_cases,
    "yakopcic": _yakopcic_cases,
    "stanford-pku": _stanford_pku_cases,
}
"""Per-model drives, variants and steps; a case id of the generic set (sine, triangle, pulses) is
replaced by the model's own, every other id adds a case."""


def _cases() -> list[object]:
    params = []
    for name in MODELS:
        model = devices.get(name)
        cases = {**_generic(model), **(SPECIFIC[name]() if name in SPECIFIC else {})}
        params += [pytest.param(case, id=f"{name}-{key}") for key, case in cases.items()]
    return params


def test_the_per_model_cases_are_of_registered_models() -> None:
    assert set(SPECIFIC) <= set(MODELS)
    for name, cases in SPECIFIC.items():
        assert {c.model.name for c in cases().values()} == {name}


@pytest.mark.parametrize("case", _cases())
def test_ngspice_matches_reference(case: Case) -> None:
    model, wave = case.model, case.drive
    ng = simulate_device(model, wave, x0=case.x0, backend="ngspice", max_step_s=case.max_step_s)
    ref_step = case.ref_max_step_s if case.ref_max_step_s is not None else case.max_step_s
    if case.ref_points is None and case.max_step_s is None:  # exact at ngspice's points
        ref = simulate_device(model, wave, x0=case.x0, backend="reference", times_s=ng.t)
    else:
        extra = {"n_points": case.ref_points} if case.ref_points is not None else {}
        ref = simulate_device(model, wave, x0=case.x0, backend="reference", max_step_s=ref_step, **extra)
    lo, hi = model.x_bounds
    assert np.ptp(ref.x) > case.min_swing * model.x_range, "the drive should switch the device"
    if case.full_cycle:
        k = int(np.argmin(ref.x))
        assert ref.x[k] < lo + 1e-3 * model.x_range
        assert ref.x[k:].max() > hi - 1e-3 * model.x_range
    at = ng.at(ref.t)
    assert np.max(np.abs(at.x - ref.x)) <= 1e-3 * model.x_range
    rms = np.sqrt(np.mean((at.i - ref.i) ** 2)) / np.sqrt(np.mean(ref.i**2))
    assert rms <= 0.01
    assert lo - 1e-6 * model.x_range <= ng.x.min() and ng.x.max() <= hi + 1e-6 * model.x_range


@pytest.mark.parametrize("name", MODELS)
def test_loop_is_pinched(name: str) -> None:
    model = devices.get(name)
    lo, hi = model.x_bounds
    x = np.linspace(lo, hi, 11)
    np.testing.assert_array_equal(model.current(0.0, x), 0.0)
    ng = simulate_device(model, _drives(model)["pulses"], backend="ngspice")
    zero = ng.v == 0.0  # the gaps between pulses, after the state has moved
    assert zero.sum() > 10
    np.testing.assert_allclose(ng.i[zero], 0.0, atol=1e-15)
    sine = simulate_device(model, model.demo_drive(), backend="ngspice")
    near = np.abs(sine.v) < 1e-6 * np.max(np.abs(sine.v))
    assert np.all(np.abs(sine.i[near]) <= 1e-5 * np.max(np.abs(sine.i)))


@pytest.mark.parametrize("name", MODELS)
def test_conductance_round_trip(name: str) -> None:
    model = devices.get(name)
    lo, hi = model.x_bounds
    x = np.linspace(lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo), 7)
    v_read = 0.05
    g = model.conductance(x, v_read)
    np.testing.assert_allclose(model.state_for_conductance(g, v_read), x, rtol=0, atol=1e-9 * (hi - lo))
    with pytest.raises(ParameterError, match="outside what"):
        model.state_for_conductance(10 * np.max(g), v_read)


@pytest.mark.parametrize("name", MODELS)
def test_registry_rejects_unknown_parameter(name: str) -> None:
    with pytest.raises(ParameterError, match=f"model '{name}' has no parameter 'bogus'"):
        devices.get(name, bogus=1.0)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("field", ["name", "citation", "spice_max_step_s"])
def test_registry_rejects_fields_that_are_not_parameters(name: str, field: str) -> None:
    with pytest.raises(ParameterError, match=f"has no parameter '{field}'"):
        devices.get(name, **{field: 1.0})


def test_registry_rejects_unknown_model() -> None:
    with pytest.raises(ParameterError, match=r"unknown device model 'memrisor'; choose one of \["):
        devices.get("memrisor")


def test_hp_follows_the_memristance_charge_law() -> None:
    """Strukov 2008 without window: M(q) = Roff - (Roff - Ron)(x0 + k q), k = mu_v Ron / D^2."""
    model = devices.get("hp", window="none", x0=0.3)
    wave = Sine(1.0, 1.0, cycles=1)
    ng = simulate_device(model, wave, backend="ngspice", max_step_s=1e-4)
    assert ng.x.min() > 0 and ng.x.max() < 1, "the law holds while the state stays inside (0, 1)"
    q = cumulative_trapezoid(ng.i, ng.t, initial=0.0)
    k = model.mu_v_m2_per_vs * model.r_on_ohm / model.d_m**2
    law = model.r_off_ohm - (model.r_off_ohm - model.r_on_ohm) * (0.3 + k * q)
    big = np.abs(ng.v) > 0.05
    np.testing.assert_allclose(ng.v[big] / ng.i[big], law[big], rtol=1e-4)
    # and the closed form in flux: Roff x - (Roff - Ron) x^2 / 2 = k Ron... integrated exactly
    flux = (1 - np.cos(2 * np.pi * ng.t)) / (2 * np.pi)
    d_r = model.r_off_ohm - model.r_on_ohm
    c0 = model.r_off_ohm * 0.3 - d_r * 0.3**2 / 2
    x_exact = (model.r_off_ohm - np.sqrt(model.r_off_ohm**2 - 2 * d_r * (c0 + k * flux))) / d_r
    np.testing.assert_allclose(ng.x, x_exact, atol=1e-5)


def test_hp_loop_shrinks_with_frequency() -> None:
    model = devices.get("hp", window="joglekar")
    areas = []
    for f in (1.0, 10.0, 100.0):
        ng = simulate_device(model, Sine(1.0, f, cycles=1), backend="ngspice")
        areas.append(loop_area(ng.v, ng.i))
    assert areas[0] > areas[1] > areas[2]
    assert areas[1] / areas[2] >= 5.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"r_on_ohm": 0.0}, r"r_on_ohm must be > 0 ohm, got 0.0"),
        ({"r_off_ohm": 50.0}, r"r_off_ohm=50.0 must exceed r_on_ohm=100.0"),
        ({"d_m": -1e-9}, r"thickness d_m must be > 0 m, got -1e-09"),
        ({"mu_v_m2_per_vs": 0.0}, r"mu_v_m2_per_vs must be > 0"),
        ({"window": "hann"}, r"window='hann' is unknown"),
        ({"p": 0.0}, r"window exponent p must be > 0"),
        ({"j": -1.0}, r"Prodromakis scale j must be > 0"),
        ({"x0": 1.5}, r"x0=1.5 is outside the state range \[0.0, 1.0\] of hp"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_hp_rejects_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        devices.get("hp", **kwargs)


@pytest.mark.parametrize("window", ["none", "joglekar", "biolek", "prodromakis"])
def test_hp_windows_match_the_papers(window: str) -> None:
    """Window values written from the papers, checked at hand-computed points."""
    m = devices.get("hp", window=window, p=2, j=1.0)
    x = np.array([0.0, 0.25, 0.5, 1.0])
    i = np.array([1.0, 1.0, -1.0, -1.0])
    expected = {
        "none": [1.0, 1.0, 1.0, 1.0],
        "joglekar": [0.0, 1 - 0.5**4, 1.0, 0.0],
        "biolek": [1.0, 1 - 0.25**4, 1 - 0.5**4, 1.0],
        "prodromakis": [1 - 1.0**2, 1 - (0.0625 + 0.75) ** 2, 1 - 0.75**2, 1 - 1.0**2],
    }[window]
    np.testing.assert_allclose(m.window_value(x, i), expected, rtol=1e-12, atol=1e-15)
