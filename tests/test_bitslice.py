"""The seed's second story: an integer on several devices, programmed and read through ngspice."""

from __future__ import annotations

import numpy as np
import pytest

from pymem.errors import ParameterError
from pymem.stories.bitslice import store_and_read


@pytest.mark.parametrize("value", [5, 13])
def test_four_one_bit_devices_hold_the_value(value: int) -> None:
    res = store_and_read(value, bits=4, bits_per_device=1, rtol=0.01)
    assert res.devices == 4
    assert res.digits == [(value >> s) & 1 for s in range(4)]
    assert round(res.value_read) == value
    assert res.abs_error < 0.5


def test_each_device_lands_within_the_program_tolerance() -> None:
    res = store_and_read(201, bits=8, bits_per_device=2, rtol=0.01)
    assert res.devices == 4
    np.testing.assert_allclose(res.g_final, res.g_target, rtol=0.01)
    # shift-and-add of the largest conductance error the tolerance allows on each device
    bound = float(np.sum(2.0 ** (2 * np.arange(4)) * 0.01 * res.g_target) / res.level_step_s)
    assert res.abs_error <= bound


def test_models_without_thresholds_are_refused() -> None:
    with pytest.raises(ParameterError, match="bit slicing needs a model with write thresholds; 'hp'"):
        store_and_read(3, bits=2, model="hp")


def test_cli_bitslice_prints_the_stored_value() -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "pymem.cli", "demo", "bitslice", "--value", "6", "--bits", "3", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["digits"] == [0, 1, 1] and round(info["value_read"]) == 6


def test_verify_compensates_device_spread_that_open_loop_cannot() -> None:
    from pymem.devices.variability import Variability

    var = Variability(d2d_sigma=0.2, seed=0)
    closed = store_and_read(13, bits=4, bits_per_device=1, variability=var, verify=True, rtol=0.01)
    open_loop = store_and_read(13, bits=4, bits_per_device=1, variability=var, verify=False, rtol=0.01)
    # open loop: each device is off by its own scale; shift-and-add of (scale - 1) g / step, independently
    expected = float(np.sum(2.0 ** np.arange(4) * (var.device_scales((1, 4))[0] - 1) * open_loop.g_target))
    expected /= open_loop.level_step_s
    assert open_loop.value_read - closed.value_read == pytest.approx(expected, abs=0.15)
    assert closed.abs_error < 0.5 < open_loop.abs_error
