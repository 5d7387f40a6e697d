"""Training in the circuit: data, pulse design, update schedules, the three runs, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pymem import devices
from pymem.cli import main
from pymem.crossbar import Crossbar
from pymem.devices.waveforms import PWL
from pymem.errors import ParameterError
from pymem.netlist.write import pulse_points, schedule_deck
from pymem.ops.device import simulate as simulate_device
from pymem.train import data
from pymem.train.network import PulseNet, TrainConfig, initial_crossbar, loss_and_delta, train
from pymem.train.pulses import design_pulses, manhattan_schedule, outer_schedule

# -- data ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "rows", "cols", "features", "classes"), [
    ("iris", None, None, 4, 3), ("iris", 3, 4, 2, 2), ("digits", 10, 8, 9, 4), ("digits", 17, 20, 16, 10),
])  # fmt: skip
def test_data_is_laid_out_for_the_array(name, rows, cols, features, classes):
    ds = data.load(name, rows, cols)
    assert ds.features == features and ds.classes == classes
    assert ds.x_train.shape[1] == (rows or 5)
    assert np.all(ds.x_train[:, -1] == 1.0)  # bias row
    assert ds.x_train.min() >= 0 and ds.x_train.max() <= 1 and ds.x_test.min() >= 0 and ds.x_test.max() <= 1
    assert set(np.unique(ds.y_train)) == set(range(classes))


def test_digits_pooling_averages_pixels():
    from sklearn.datasets import load_digits

    img = load_digits().images[:3]
    pooled = data._pool(img, 4)
    assert pooled[:, 0] == pytest.approx(img[:, :2, :2].mean(axis=(1, 2)))


@pytest.mark.parametrize(("kw", "match"), [
    ({"name": "cifar"}, "unknown data set 'cifar'"), ({"rows": 1}, "rows=1"), ({"cols": 3}, "cols=3"),
    ({"test_fraction": 1.0}, "test_fraction"),
])  # fmt: skip
def test_bad_data_requests_are_refused(kw, match):
    with pytest.raises(ParameterError, match=match):
        data.load(**kw)


# -- pulse design --------------------------------------------------------------------


@pytest.mark.parametrize("name", devices.names())
@pytest.mark.parametrize("direction", [1, -1])
def test_one_designed_pulse_moves_g_by_one_level(name, direction):
    """The reference integrator (scipy) applies the pulse: dG is 1/levels of the range, to 15 %.

    TEAM's thresholds are current thresholds times R(x0) (``thresholds_depend_on_state``): the design
    sizes the pulse from them, and the pulse acts at the mid-range conductance, where R differs: there
    it moves by a level to 25 % (measured 1.19 and 0.87 levels). Stanford-PKU's designed pulses are a
    few ps of a runaway switching; measured 1.02 and 0.96 levels.
    """
    model = devices.get(name)
    v_read = float(Crossbar(1, 1, model).v_read)
    d = design_pulses(model, v_read, levels=32)
    v, width = d.pulse(direction)
    if model.thresholds:
        th = model.thresholds[1] if v > 0 else -model.thresholds[0]
        assert th < abs(v) < 2 * th  # written, and a half-selected cell is not
    t, volts = pulse_points([v], width, width / 100, width / 10)
    trace = simulate_device(model, PWL(tuple(t), tuple(volts)), x0=d.x_mid, backend="reference")
    g0, g1 = model.conductance(d.x_mid, v_read), model.conductance(trace.x[-1], v_read)
    rel = 0.25 if model.thresholds_depend_on_state else 0.15
    assert direction * (g1 - g0) / (d.g_max_s - d.g_min_s) == pytest.approx(1 / 32, rel=rel)


@pytest.mark.parametrize(
    ("kw", "match"), [({"levels": 1}, "levels"), ({"amplitude_factor": 2.0}, "half-selected")]
)
def test_bad_pulse_designs_are_refused(kw, match):
    with pytest.raises(ParameterError, match=match):
        design_pulses(devices.get("vteam"), 0.01, **kw)


# -- schedules --------------------------------------------------------------------


def test_manhattan_schedule_pulses_pairs_against_the_gradient():
    d = design_pulses(devices.get("vteam"), 0.01)
    grad = np.array([[1.0, -2.0], [0.01, 3.0]])
    sched = manhattan_schedule(grad, d)
    expected = np.array([[-1, 1, 1, -1], [0, 0, -1, 1]])  # |0.01| < 10 % of 3: left alone
    assert np.array_equal(sched.commanded, expected)
    for rows_v, cols_v in sched.slots:
        assert sum(v != 0 for v in rows_v) == 1  # one row at a time
        cell_v = {r - c for r in rows_v for c in cols_v} - {0.0}
        full = {v for v in cell_v if abs(v) in (abs(d.v_up), abs(d.v_down))}
        assert len(full) == 1 and all(
            abs(v) <= max(abs(d.v_up), abs(d.v_down)) / 2 + 1e-15 for v in cell_v - full
        )


def test_outer_schedule_coincidences_match_the_sgd_step_on_average():
    """Expected pulses per cell = lr * x_i * |delta_j| / (batch * dw), from 4,000 seeded draws."""
    d = design_pulses(devices.get("vteam"), 0.01)
    x = np.array([[0.25, 1.0, 0.5]])
    delta = np.array([[0.6, -0.9]])
    lr = 0.05
    rng = np.random.default_rng(3)
    total = sum(outer_schedule(x, delta, lr, d, rng, slots_per_sample=8).commanded for _ in range(4000))
    mean = total / 4000
    w_step = (mean[:, 0::2] - mean[:, 1::2]) / 2 * d.dw  # weight change per pair
    expected = -lr * x.T @ delta
    assert w_step == pytest.approx(expected, abs=0.06 * np.abs(expected).max())


def test_training_transient_matches_the_reference_integration_per_cell():
    """A 1x2 array, 0 ohm wires: each cell sees row minus column level; scipy integrates that."""
    model = devices.get("vteam")
    d = design_pulses(model, 0.01)
    xb = Crossbar(1, 2, model, states=[[d.x_mid, d.x_mid + 0.01]])
    sched = manhattan_schedule(np.array([[-1.0]]), d)  # w up: G+ up, G- down
    from pymem import backends

    deck = schedule_deck(xb, sched.slots, sched.widths_s, max_step_s=max(sched.widths_s) / 10)
    res = backends.run(deck)
    for j in range(2):
        levels = [rows_v[0] - cols_v[j] for rows_v, cols_v in sched.slots]
        t, v = pulse_points(
            levels, sched.widths_s, [w / 100 for w in sched.widths_s], [w / 10 for w in sched.widths_s]
        )
        wave = PWL(tuple(t), tuple(v))
        step = max(sched.widths_s) / 200  # LSODA adapts below it; the default (a corner / 20) is femtoseconds
        ref = simulate_device(model, wave, x0=float(xb.states[0, j]), backend="reference", max_step_s=step)
        assert res[f"v(xm0_{j}.x)"][-1] == pytest.approx(ref.x[-1], abs=1e-3 * model.x_range)
        assert abs(ref.x[-1] - xb.states[0, j]) > 1e-3  # the pulse did write


# -- training -------------------------------------------------------------------------

SMALL = {"data": "iris", "rows": 5, "cols": 4, "epochs": 2, "batch": 35, "seed": 1}


@pytest.fixture(scope="module")
def small_run():
    return train(TrainConfig(**SMALL, r_wire_ohm=2.0))


def test_softmax_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, y, w = rng.random((6, 4)), rng.integers(0, 3, 6), rng.normal(size=(4, 3))
    _, delta, _ = loss_and_delta(x @ w, y)
    grad = x.T @ delta / 6
    num = np.zeros_like(w)
    for idx in np.ndindex(*w.shape):
        e = np.zeros_like(w)
        e[idx] = 1e-6
        num[idx] = (loss_and_delta(x @ (w + e), y)[0] - loss_and_delta(x @ (w - e), y)[0]) / 2e-6
    assert grad == pytest.approx(num, abs=1e-7)


def test_three_runs_learn_a_separable_problem(small_run):
    """Setosa against versicolor is linearly separable: every run should get it."""
    assert small_run.accuracy["ideal"] >= 0.95
    assert small_run.accuracy["device_only"] >= 0.9
    assert small_run.accuracy["circuit"] >= 0.9
    start = [h for h in small_run.history if h["epoch"] == 0]
    assert len({round(h["loss"], 12) for h in start if h["run"] != "circuit"}) == 1  # same start
    assert small_run.writes == 2 * 2 * 2  # two pulse runs, two epochs, two batches
    assert small_run.ngspice_runs == 0  # the native engine wrote them (backend="solver")


def test_pulses_do_what_was_commanded_without_wires(small_run):
    dev = [h for h in small_run.history if h["run"] == "device_only" and h["epoch"] > 0]
    assert all(h["pulses"] > 0 for h in dev)
    assert all(h["update_error"] < 0.5 / 32 for h in dev)  # within half a level of the nominal step


def test_wire_resistance_weakens_the_writes(small_run):
    err = {r: np.mean([h["update_error"] for h in small_run.history if h["run"] == r and h["epoch"] > 0])
           for r in ("device_only", "circuit")}  # fmt: skip
    assert err["circuit"] > err["device_only"]


def test_circuit_reads_through_ngspice_agree_with_the_solver():
    cfg = TrainConfig(**SMALL, r_wire_ohm=1.0)
    xb, design = initial_crossbar(cfg, 5, 4, 1.0)
    x = data.load("iris", 5, 4).x_test[:5]
    by_solver = PulseNet(cfg, xb, design).outputs(x)
    by_ngspice = PulseNet(TrainConfig(**SMALL, r_wire_ohm=1.0, read_backend="ngspice"), xb, design).outputs(x)
    assert by_ngspice == pytest.approx(by_solver, rel=1e-6, abs=1e-9)


def test_ideal_wires_read_the_ideal_product():
    cfg = TrainConfig(**SMALL, r_wire_ohm=0.0)
    xb, design = initial_crossbar(cfg, 5, 4, 0.0)
    net = PulseNet(cfg, xb, design)
    x = data.load("iris", 5, 4).x_test
    assert net.outputs(x) == pytest.approx(x @ net.weights(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("kw", "match"), [
    ({"model": "nope"}, "unknown model 'nope'"), ({"rule": "adam"}, "unknown update rule 'adam'"),
    ({"epochs": 0}, "epochs must be a positive integer"), ({"r_wire_ohm": -1.0}, "r_wire_ohm"),
    ({"read_backend": "spectre"}, "read_backend"), ({"lr": 0.0}, "lr must be"),
])  # fmt: skip
def test_bad_training_configs_are_refused(kw, match):
    with pytest.raises(ParameterError, match=match):
        TrainConfig(**kw)


def test_cli_train_learns_the_separable_problem_as_the_ideal_run_does(capsys, tmp_path):
    """Setosa against versicolor by `pymem train --rule outer`: within one test flower of the ideal run."""
    png = tmp_path / "curves.png"
    argv = ["train", "--data", "iris", "--rows", "5", "--cols", "4", "--epochs", "2", "--batch", "35",
            "--rule", "outer", "--lr", "0.5", "--levels", "32", "--json", "-o", str(png)]  # fmt: skip
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    n_test = data.load("iris", 5, 4).y_test.size
    assert out["epochs"] == 2
    for run in ("ideal", "device_only", "circuit"):
        correct = out[f"accuracy_{run}"] * n_test
        assert correct == pytest.approx(round(correct), abs=1e-9)  # a count of test flowers
    assert out["accuracy_ideal"] >= 0.95  # linearly separable
    assert out["accuracy_circuit"] >= out["accuracy_ideal"] - 1 / n_test
    assert out["accuracy_device_only"] >= out["accuracy_ideal"] - 1 / n_test
    assert png.stat().st_size > 10_000
