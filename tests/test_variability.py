"""Device-to-device and cycle-to-cycle variability: seeded, seen alike by ngspice and the solver."""

from __future__ import annotations

import numpy as np
import pytest

from pymem.crossbar import random_crossbar
from pymem.devices.variability import Variability
from pymem.errors import ParameterError
from pymem.ops.mvm import compare_solver_with_ngspice
from pymem.ops.program import program_and_verify, write_pulses


def test_device_scales_are_reproducible_lognormal() -> None:
    v = Variability(d2d_sigma=0.2, seed=7)
    a, b = v.device_scales((200, 200)), v.device_scales((200, 200))
    np.testing.assert_array_equal(a, b)
    assert np.std(np.log(a)) == pytest.approx(0.2, rel=0.02)
    assert np.median(a) == pytest.approx(1.0, rel=0.02)
    assert not np.array_equal(a, Variability(d2d_sigma=0.2, seed=8).device_scales((200, 200)))


@pytest.mark.parametrize("model", ["hp", "yakopcic"])
def test_solver_and_ngspice_agree_with_device_spread(model: str) -> None:
    xb = random_crossbar(
        4, 5, model, seed=1, r_row_ohm=1.0, r_col_ohm=1.0, variability=Variability(0.3, seed=2)
    )
    assert np.ptp(xb.g_scale) > 0.1
    assert compare_solver_with_ngspice(xb, xb.random_inputs(2, seed=3)) <= 1e-6


def test_device_spread_scales_the_ideal_twin() -> None:
    base = random_crossbar(3, 3, "hp", seed=0)
    varied = random_crossbar(3, 3, "hp", seed=0, variability=Variability(0.5, seed=1))
    np.testing.assert_allclose(varied.conductances(), base.conductances() * varied.g_scale, rtol=1e-15)


def test_write_noise_is_seeded_and_scales_the_change() -> None:
    xb = random_crossbar(2, 2, "yakopcic", seed=0)
    clean = write_pulses(xb, (0, 1), 0.25, 1e-4)
    noise = Variability(c2c_sigma=0.2, seed=4)
    a = write_pulses(xb, (0, 1), 0.25, 1e-4, noise=noise)
    b = write_pulses(xb, (0, 1), 0.25, 1e-4, noise=noise)
    assert a.selected_change == b.selected_change
    factor = a.selected_change / clean.selected_change
    expected = 1 + 0.2 * noise.write_rng().standard_normal((2, 2))[0, 1]
    assert factor == pytest.approx(expected, rel=1e-9)


def test_program_and_verify_compensates_spread_and_noise() -> None:
    var = Variability(d2d_sigma=0.1, c2c_sigma=0.3, seed=5)
    xb = random_crossbar(2, 2, "yakopcic", seed=6, variability=var)
    g_target = xb.conductances() * np.array([[1.2, 0.8], [0.9, 1.15]])
    th = xb.device.thresholds
    out = program_and_verify(
        xb, g_target, 1.4 * th[1], 1.4 * th[0], 2e-5, rtol=0.01, max_pulses=150, noise=var
    )
    assert out.converged.all()
    assert np.all(out.rel_error <= 0.01)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"d2d_sigma": -0.1}, r"d2d_sigma must be a finite spread >= 0, got -0.1"),
        ({"c2c_sigma": float("inf")}, r"c2c_sigma must be a finite spread >= 0, got inf"),
    ],
)
def test_bad_spreads(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        Variability(**kwargs)


def test_bad_scale_shape() -> None:
    from pymem.crossbar import Crossbar

    pattern = (
        r"g_scale must be positive finite factors of shape \(rows, cols\) = \(2, 2\), got shape \(3, 2\)"
    )
    with pytest.raises(ParameterError, match=pattern):
        Crossbar(2, 2, "hp", g_scale=np.ones((3, 2)))
