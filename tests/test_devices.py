"""Device models, parametrised over the registry: ngspice and the numpy reference agree,
loops are pinched, HP follows its analytic law, bad parameters are refused."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from pymem import devices
from pymem.devices import Sine, pulse_train, triangle
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


@pytest.mark.parametrize("drive", ["sine", "triangle", "pulses"])
@pytest.mark.parametrize("name", MODELS)
def test_ngspice_matches_reference(name: str, drive: str) -> None:
    model = devices.get(name)
    wave = _drives(model)[drive]
    ng = simulate_device(model, wave, backend="ngspice")
    ref = simulate_device(model, wave, backend="reference", times_s=ng.t)  # exact at ngspice's points
    at = ng.at(ref.t)
    assert np.max(np.abs(at.x - ref.x)) <= 1e-3 * model.x_range
    rms = np.sqrt(np.mean((at.i - ref.i) ** 2)) / np.sqrt(np.mean(ref.i**2))
    assert rms <= 0.01
    assert np.ptp(ref.x) > 0.01 * model.x_range, "the drive should switch the device"


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
