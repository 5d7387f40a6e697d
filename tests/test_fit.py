"""Fits of every registered model to a synthetic sweep with 1 % noise recover the parameters."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest

from pymem import devices
from pymem.devices.base import DeviceModel
from pymem.errors import FitBoundWarning
from pymem.fit import FitResult, Sweep, fit_model
from pymem.fit.params import TABLES, choose_free

NOISE = 0.01
"""Relative noise of the synthetic current: each point times (1 + 0.01 N(0, 1))."""


def synthetic(name: str, n_points: int = 1000, seed: int = 1) -> tuple[DeviceModel, Sweep, np.ndarray]:
    """The true model, its demo sweep with 1 % relative noise, and the noiseless current (A)."""
    true = devices.get(name)
    ref = devices.simulate(true, true.demo_drive(), backend="reference", n_points=n_points - 1)
    rng = np.random.default_rng(seed)
    return true, Sweep(ref.t, ref.v, ref.i * (1 + NOISE * rng.standard_normal(ref.i.size))), ref.i


def other_start(true: DeviceModel, names: list[str]) -> DeviceModel:
    """Start values 20 to 25 % away from the truth (alternating up and down)."""
    start = {p: getattr(true, p) * (1.25 if k % 2 == 0 else 0.8) for k, p in enumerate(names)}
    return true.with_params(**start)


@cache
def recovered(name: str) -> tuple[DeviceModel, FitResult, np.ndarray]:
    true, data, clean = synthetic(name)
    base = other_start(true, choose_free(name, (), ()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitBoundWarning)
        return true, fit_model(base, data), clean


@pytest.mark.parametrize("name", devices.names())
def test_every_registered_model_has_a_fit_table(name: str) -> None:
    assert name in TABLES
    assert choose_free(name, (), ())


@pytest.mark.parametrize("name", devices.names())
def test_fit_recovers_the_parameters_within_their_uncertainty(name: str) -> None:
    true, res, _ = recovered(name)
    for p, fp in res.params.items():
        assert not fp.at_bound
        assert np.isfinite(fp.stderr) and fp.stderr > 0
        assert abs(fp.value - getattr(true, p)) <= 3 * fp.stderr, (p, fp, getattr(true, p))
        assert abs(fp.start - getattr(true, p)) > 10 * fp.stderr, "the start should be far from the truth"


@pytest.mark.parametrize("name", devices.names())
def test_fitted_model_reproduces_the_data_to_the_noise_level(name: str) -> None:
    _, res, clean = recovered(name)
    assert 0.9 * NOISE <= res.rms_relative_error <= 1.1 * NOISE
    big = np.abs(clean) > res.floor_a
    assert np.sqrt(np.mean(((res.i_fit[big] - clean[big]) / clean[big]) ** 2)) < 0.2 * NOISE
