"""Program-and-verify with per-cell widths learnt in the loop (width_control="adaptive")."""

from __future__ import annotations

import numpy as np
import pytest

from pymem import devices
from pymem.crossbar import random_crossbar
from pymem.errors import ParameterError
from pymem.ops.adaptive import _slots
from pymem.ops.program import program_and_verify
from pymem.train.pulses import design_pulses


def _setup(n: int):
    model = devices.get("vteam", r_on_ohm=1e4, r_off_ohm=1e5)
    xb = random_crossbar(n, n, model, seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    d = design_pulses(xb.device, float(xb.v_read), levels=16, amplitude_factor=1.8)
    rng = np.random.default_rng(1)
    g_target = d.g_min_s + (d.g_max_s - d.g_min_s) * rng.uniform(0.2, 0.8, (n, n))
    return xb, d, g_target


def test_adaptive_widths_reach_every_target_in_fewer_writes_than_halving() -> None:
    xb, d, g_target = _setup(5)
    kw = dict(rtol=0.01, max_pulses=60, order="row")
    adaptive = program_and_verify(
        xb, g_target, d.v_up, d.v_down, (d.width_up_s, d.width_down_s), width_control="adaptive", **kw
    )
    halving = program_and_verify(xb, g_target, d.v_up, d.v_down, min(d.width_up_s, d.width_down_s), **kw)
    assert adaptive.converged.all()
    assert np.max(adaptive.rel_error) <= 0.01
    assert len(adaptive.step_seconds) < len(halving.step_seconds)


def test_one_write_gives_each_column_its_own_width() -> None:
    xb = random_crossbar(2, 4, "vteam", seed=0)
    slots, durations = _slots(xb, 1, {0: 1e-9, 2: 3e-9, 3: 3e-9}, 0.5, "v2")
    assert np.allclose(durations, [1e-9, 2e-9])
    first, second = (cols for _, cols in slots)
    assert first == [-0.25, 0.0, -0.25, -0.25] and second == [0.0, 0.0, -0.25, -0.25]
    assert all(rows == [0.0, 0.25] for rows, _ in slots)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width_control": "bisect"}, "unknown width_control 'bisect'; choose 'halve' or 'adaptive'"),
        ({"width_s": (1e-9, -1.0)}, r"width_s must be a width > 0 s or a \(SET, RESET\) pair"),
        ({"width_s": (1e-9, 2e-9, 3e-9)}, r"width_s must be a width > 0 s or a \(SET, RESET\) pair"),
    ],
)
def test_bad_width_settings_are_refused(kwargs: dict, message: str) -> None:
    xb = random_crossbar(2, 2, "vteam", seed=0)
    args = {"width_s": 1e-9, **kwargs}
    with pytest.raises(ParameterError, match=message):
        program_and_verify(xb, xb.conductances(), 0.1, -0.3, **args)


def test_travel_time_is_the_model_time_at_constant_voltage() -> None:
    from pymem.ops.adaptive import travel_time

    model = devices.get("vteam", r_on_ohm=1e4, r_off_ohm=1e5)
    v = 2.0 * model.v_off_v
    rate = float(model.dxdt(v, 0.5))  # window "none": the same rate everywhere inside its layers
    x0, x1 = np.array([0.3, 0.6, 0.4, 0.5]), np.array([0.5, 0.65, 0.2, 0.5])
    t = travel_time(model, v, x0, x1)
    assert np.allclose(t[:2], (x1[:2] - x0[:2]) / rate, rtol=1e-12)
    assert t[2] == np.inf  # this voltage drives the state up, not down
    assert t[3] == 0.0
