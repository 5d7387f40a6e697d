"""Fits of every registered model to a synthetic sweep with 1 % noise recover the parameters."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest

from pymem import devices
from pymem.devices.base import DeviceModel
from pymem.errors import FitBoundWarning, FitConvergenceError, ParameterError
from pymem.fit import FitResult, Sweep, fit_model
from pymem.fit.params import TABLES, Bound, choose_free, recovery_drive, table_for
from pymem.fit.preset import save_fit
from pymem.ops.device import simulate as simulate_device

NOISE = 0.01
"""Relative noise of the synthetic current: each point times (1 + 0.01 N(0, 1))."""


def synthetic(name: str, n_points: int = 1000, seed: int = 1) -> tuple[DeviceModel, Sweep, np.ndarray]:
    """The true model, its recovery sweep with 1 % relative noise, and the noiseless current (A)."""
    true = devices.get(name)
    ref = simulate_device(true, recovery_drive(true), backend="reference", n_points=n_points - 1)
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


@pytest.mark.parametrize("name", devices.names())
def test_fitted_subckt_in_ngspice_follows_the_numpy_fit(name: str, tmp_path: Path) -> None:
    """The saved preset's subcircuit, run by ngspice, stays within 1e-3 of the state range of numpy."""
    _, res, _ = recovered(name)
    paths = save_fit(res, tmp_path / "mydev.json", "mydev")
    model = devices.get(str(paths["json"]))
    assert model.name == "mydev" and model.subckt_name == "pymem_mydev"
    assert ".subckt pymem_mydev" in paths["lib"].read_text()
    for p, fp in res.params.items():
        assert getattr(model, p) == fp.value
    drive = model.demo_drive()
    ng = simulate_device(model, drive, backend="ngspice")
    ref = simulate_device(model, drive, backend="reference", times_s=ng.t)
    assert np.max(np.abs(ng.at(ref.t).x - ref.x)) <= 1e-3 * model.x_range
    assert np.ptp(ref.x) > 0.01 * model.x_range


def test_fit_that_runs_out_of_budget_is_an_error() -> None:
    true, data, _ = synthetic("hp", n_points=300)
    base = other_start(true, choose_free("hp", (), ()))
    with pytest.raises(FitConvergenceError, match=r"did not converge within 2 model integrations"):
        fit_model(base, data, max_nfev=2)


def test_parameter_on_its_bound_is_a_warning_in_the_result() -> None:
    true, data, _ = synthetic("hp", n_points=300)
    # data of a 16 kohm device, with r_off bounded here to at most 15 kohm
    tight = {**TABLES["hp"], "r_off_ohm": Bound(1e-2, 1.5e4)}
    base = true.with_params(r_off_ohm=1.4e4)
    with (
        patch.dict(TABLES, {"hp": tight}),
        pytest.warns(FitBoundWarning, match=r"r_off_ohm = 15000 ended on a bound of \[0.01, 15000\]"),
    ):
        res = fit_model(base, data)
    assert res.params["r_off_ohm"].at_bound
    assert np.isnan(res.params["r_off_ohm"].stderr)
    assert any("r_off_ohm" in w for w in res.warnings)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fix": ["nope"]}, r"'nope' is not a fittable parameter of hp"),
        ({"fix": ["r_off_ohm", "mu_v_m2_per_vs"]}, r"every parameter of hp is fixed"),
        ({"scale": "auto"}, r"scale='auto' is unknown"),
        ({"floor_a": -1.0}, r"floor_a=-1.0 must be a positive current"),
    ],
)
def test_fit_rejects_bad_options(kwargs: dict, match: str) -> None:
    true, data, _ = synthetic("hp", n_points=50)
    with pytest.raises(ParameterError, match=match):
        fit_model(true, data, **kwargs)


def test_start_outside_the_bounds_is_refused() -> None:
    true, data, _ = synthetic("hp", n_points=50)
    with (
        patch.dict(TABLES, {"hp": {**TABLES["hp"], "r_off_ohm": Bound(1e5, 1e6)}}),
        pytest.raises(ParameterError, match=r"start value r_off_ohm=16000.0 is outside its bounds"),
    ):
        fit_model(true, data)


def test_model_without_a_fit_table_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"pymem has no fit table for model 'other'"):
        table_for("other")


def test_team_recovery_sweep_crosses_both_thresholds_and_moves_the_state_both_ways() -> None:
    true = devices.get("team")
    ref = simulate_device(true, recovery_drive(true), backend="reference", n_points=999)
    assert ref.i.max() > 10 * true.i_off_a and ref.i.min() < 10 * true.i_on_a
    top = int(np.argmax(ref.x))
    assert ref.x[top] > 0.99, "the OFF half rests on the OFF bound, where R = R_off is seen"
    assert ref.x[top] - ref.x[0] > 0.3 and ref.x[top] - ref.x[-1] > 0.1
    assert np.max(np.abs(np.diff(ref.x))) < 0.02, "no runaway: the state moves over many samples"


def test_recovery_drive_is_the_demo_sweep_where_that_identifies_the_model() -> None:
    hp = devices.get("hp")
    assert recovery_drive(hp) == hp.demo_drive()
