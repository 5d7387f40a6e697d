"""Reads that write: the state change of a read, estimated from dxdt, refused or warned, and measured."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from pymem import devices
from pymem.cli import main
from pymem.crossbar import Crossbar, random_crossbar
from pymem.errors import ParameterError, ReadDisturbError, ReadDisturbWarning
from pymem.ops.mvm import DEFAULT_MAX_READ_DISTURB, mvm, read_disturb_estimate

HP_5V = np.full(4, 5.0)
"""The issue's read: an HP array at 5 V for 10 ms (it moved states by 0.216 of the range)."""


def test_estimate_is_dxdt_times_the_read_time():
    hp = devices.get("hp")
    states = np.array([[0.2, 0.5], [0.8, 0.3]])
    v = np.array([[0.1, 0.05], [0.02, 0.1]])
    by_hand = (np.abs(hp.dxdt(v[0][:, None], states)) + np.abs(hp.dxdt(v[1][:, None], states))) * 1e-6
    assert read_disturb_estimate(hp, states, v, 1e-6) == pytest.approx(float(by_hand.max()), rel=1e-12)


@pytest.mark.parametrize("backend", ["ideal", "solver", "ngspice"])
def test_hp_at_5_volts_for_10_ms_is_refused(backend):
    xb = random_crossbar(4, 4, "hp", seed=0)
    with pytest.raises(
        ReadDisturbError, match=r"moves hp states by up to 0\.\d+ of their range.*max_read_disturb"
    ):
        mvm(xb, HP_5V, backend=backend, t_read_s=1e-2)


def test_hp_at_5_volts_allowed_warns_and_ngspice_measures_the_change():
    xb = random_crossbar(4, 4, "hp", seed=0)
    with pytest.warns(ReadDisturbWarning, match="this read is partly a write"):
        res = mvm(xb, HP_5V, backend="ngspice", t_read_s=1e-2, max_read_disturb=None)
    assert 0.1 < res.read_disturb_estimate < 0.5
    assert res.state_change_max is not None and 0.1 < res.state_change_max < 0.5
    # first order from the starting states; HP speeds up as it conducts more: ngspice moves a little further
    assert res.read_disturb_estimate < res.state_change_max < 1.5 * res.read_disturb_estimate


def test_a_normal_read_reports_a_tiny_change_that_the_estimate_predicts():
    xb = random_crossbar(4, 4, "hp", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReadDisturbWarning)
        res = mvm(xb, xb.random_inputs(3, seed=1), backend="ngspice")
    assert 0 < res.state_change_max < 1e-5
    assert 0.5 < res.state_change_max / res.read_disturb_estimate < 2.0
    solver = mvm(xb, xb.random_inputs(3, seed=1), backend="solver")
    assert solver.state_change_max is None  # the solver does not move states
    assert solver.read_disturb_estimate == pytest.approx(res.read_disturb_estimate, rel=1e-12)


def test_the_tolerance_is_the_users():
    xb = random_crossbar(4, 4, "hp", seed=0)
    v = xb.random_inputs(3, seed=1)
    with pytest.raises(ReadDisturbError, match=r"more than max_read_disturb=1e-09"):
        mvm(xb, v, max_read_disturb=1e-9)
    assert mvm(xb, HP_5V, t_read_s=1e-2, max_read_disturb=0.5).read_disturb_estimate < 0.5


@pytest.mark.parametrize("model", devices.names())
def test_default_reads_of_every_model_stay_below_the_tolerance(model):
    xb = random_crossbar(4, 4, model, seed=0)
    res = mvm(xb, xb.random_inputs(4, seed=1), backend="solver")
    assert res.read_disturb_estimate < DEFAULT_MAX_READ_DISTURB
    if xb.device.thresholds is not None:  # below threshold nothing moves
        assert res.read_disturb_estimate == 0.0


@pytest.mark.parametrize(
    ("options", "match"),
    [
        (
            {"max_read_disturb": -1.0},
            "max_read_disturb must be a fraction > 0 of the state range or None, got -1.0",
        ),
        ({"max_read_disturb": "big"}, "max_read_disturb must be a fraction > 0 .* got 'big'"),
        ({"t_read_s": 0.0}, "t_read_s must be a finite time > 0 s, got 0.0"),
    ],
)
def test_bad_disturb_options_are_refused(options, match):
    with pytest.raises(ParameterError, match=match):
        mvm(Crossbar(2, 2, "hp"), [0.05, 0.05], **options)


def test_cli_mvm_reports_the_state_change(capsys):
    assert main(["mvm", "--rows", "4", "--cols", "4", "--backend", "ngspice", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 < out["state_change_max"] < 1e-5
    assert 0.5 < out["state_change_max"] / out["read_disturb_estimate"] < 2.0
