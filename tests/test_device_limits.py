"""Single-device runs end within a budget, and drives no model can mean are refused up front."""

from __future__ import annotations

import time

import pytest

from pymem import cli, devices
from pymem.errors import IntegrationBudgetError, ParameterError
from pymem.ops.device import check_drive, default_evaluation_budget
from pymem.ops.device import simulate as simulate_device


def test_reference_integration_stops_at_its_budget() -> None:
    model = devices.get("vteam")
    wave = devices.Sine(1000.0, 2e6, cycles=2)
    with pytest.raises(IntegrationBudgetError, match=r"stopped after 2000 evaluations .*peak 1000 V"):
        simulate_device(model, wave, backend="reference", max_evaluations=2000)


@pytest.mark.parametrize("bad", [0, -3])
def test_reference_budget_must_be_positive(bad: int) -> None:
    model = devices.get("hp")
    with pytest.raises(ParameterError, match="max_evaluations must be a positive integer"):
        simulate_device(model, model.demo_drive(), backend="reference", max_evaluations=bad)


@pytest.mark.parametrize("name", devices.names())
def test_demo_drive_fits_the_default_budget_with_room(name: str) -> None:
    """The budget ends stiff runs, never ordinary ones: a demo loop uses a tenth of it at most."""
    model = devices.get(name)
    wave = model.demo_drive()
    budget = default_evaluation_budget(2001 + wave.breakpoints.size)
    simulate_device(model, wave, backend="reference", max_evaluations=budget // 10)


@pytest.mark.parametrize(
    ("name", "amplitude", "reason"),
    [
        ("vteam", 1e6, r"switch its whole state range in [0-9.e+-]+ s, faster than any physical device"),
        ("vteam", 100.0, "faster than any physical device"),
        ("yakopcic", 1e6, "equations overflow to inf or NaN"),
        ("stanford-pku", 1e6, "equations overflow to inf or NaN"),
    ],
)
def test_drives_the_model_cannot_mean_are_refused(name: str, amplitude: float, reason: str) -> None:
    with pytest.raises(
        ParameterError, match=rf"amplitude {amplitude!r} V is outside what the {name} model.*{reason}"
    ):
        check_drive(devices.get(name), amplitude)


@pytest.mark.parametrize("name", devices.names())
def test_demo_and_ten_volt_drives_are_accepted(name: str) -> None:
    model = devices.get(name)
    check_drive(model, model.demo_drive().amplitude_v)
    check_drive(model, 10.0)


def test_device_iv_refuses_a_megavolt_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    t0 = time.monotonic()
    assert cli.main(["device", "iv", "--model", "vteam", "--amplitude", "1e6"]) == 2
    assert time.monotonic() - t0 < 10.0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("pymem: error: amplitude 1000000.0 V is outside what the vteam model can mean")
