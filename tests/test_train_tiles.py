"""Two-layer networks on crossbar tiles: tiling, tiled reads, training, inference, sweeps, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymem import devices
from pymem.cli import main
from pymem.crossbar.spec import Crossbar
from pymem.errors import HiddenWidthError, ParameterError, TileSizeError, WeightShapeError
from pymem.train import data as datasets
from pymem.train.infer import check_chain, infer, load_weights
from pymem.train.tiles import Tile, TiledLayer, adc_for, tile_blocks
from pymem.train.twolayer import TwoLayerConfig, train_two_layer


@settings(max_examples=60, deadline=None)
@given(n_in=st.integers(1, 70), n_out=st.integers(1, 40), tile=st.integers(2, 80))
def test_tiles_cover_the_matrix_exactly_once(n_in, n_out, tile):
    hits = np.zeros((n_in, 2 * n_out), dtype=int)
    for r0, r1, c0, c1 in tile_blocks(n_in, n_out, tile):
        assert 0 < r1 - r0 <= tile and 0 < 2 * (c1 - c0) <= tile
        hits[r0:r1, 2 * c0 : 2 * c1] += 1
    assert np.all(hits == 1)


def _layer(g: np.ndarray, tile: int, r_wire: float, bits: int) -> TiledLayer:
    model = devices.get("vteam")
    v_read = float(Crossbar(1, 1, model).v_read)
    g_max = float(model.conductance(model.x_bounds[0], v_read))

    def make(block, g_t):
        xb = Crossbar(*g_t.shape, model, states=model.state_for_conductance(g_t, v_read),
                      r_row_ohm=r_wire, r_col_ohm=r_wire)  # fmt: skip
        return Tile(block, xb, adc_for(g_t.shape[0], v_read, g_max, bits, 1.0))

    return TiledLayer.from_conductances(g, tile, make, 0.019)


@pytest.mark.parametrize("tile", [2, 5, 8, 64])
def test_tiled_read_equals_the_untiled_product_with_ideal_wires_and_a_fine_adc(tile):
    rng = np.random.default_rng(tile)
    g = rng.uniform(0.0012, 0.019, (13, 2 * 7))
    layer = _layer(g, tile, 0.0, 24)
    x = rng.uniform(0, 1, (5, 13))
    w = (g[:, 0::2] - g[:, 1::2]) / 0.019
    np.testing.assert_allclose(layer.weights(), w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.read(x), x @ w, rtol=0, atol=1e-5 * np.max(np.abs(x @ w)))


def test_wires_and_a_coarse_adc_move_the_tiled_read_away_from_the_product():
    rng = np.random.default_rng(1)
    g = rng.uniform(0.0012, 0.019, (16, 8))
    x = rng.uniform(0, 1, (4, 16))
    w = (g[:, 0::2] - g[:, 1::2]) / 0.019
    err_wire = np.abs(_layer(g, 16, 2.0, 24).read(x) - x @ w).max()
    err_adc = np.abs(_layer(g, 16, 0.0, 4).read(x) - x @ w).max()
    assert err_wire > 1e-3 and err_adc > 1e-3


def test_two_layer_training_on_tiles_stays_within_a_margin_of_ideal_sgd():
    cfg = TwoLayerConfig(data="iris", hidden=4, tile=8, epochs=6, batch=16, r_wire_ohm=1.0)
    res = train_two_layer(cfg)
    assert res.tiles == {"layer0": 1, "layer1": 1}
    assert res.engine_runs > 0
    # the circuit run ends no more than 0.1 below the ideal run of the same network, above chance (1/3)
    assert res.accuracy["circuit"] >= res.accuracy["ideal"] - 0.1
    assert res.accuracy["circuit"] >= 0.6
    assert set(res.summary()) >= {"accuracy_circuit", "accuracy_ideal", "accuracy_device_only", "tiles"}


@pytest.mark.parametrize("tile", [1, 0, -4, 2.5, True])
def test_a_tile_below_2_is_refused(tile):
    with pytest.raises(TileSizeError, match=rf"tile={tile!r}.*at least 2"):
        TwoLayerConfig(tile=tile)


@pytest.mark.parametrize("hidden", [0, -3, 1.5])
def test_a_hidden_width_that_does_not_fit_is_refused(hidden):
    with pytest.raises(HiddenWidthError, match=rf"hidden={hidden!r} does not fit the mapping"):
        TwoLayerConfig(hidden=hidden)


def test_cli_train_refuses_a_bad_tile_with_exit_2(capsys):
    assert main(["train", "--hidden", "4", "--tile", "1", "--json"]) == 2
    assert "tile=1" in capsys.readouterr().err


def _numpy_net(seed: int = 0, hidden: int = 5, epochs: int = 400) -> dict[str, np.ndarray]:
    """A 4-hidden-3 ReLU network trained on iris by numpy gradient descent (full batch)."""
    ds = datasets.load("iris", 5, 6, seed=seed)
    x, y = ds.x_train[:, :-1], ds.y_train
    rng = np.random.default_rng(seed)
    w0, b0 = rng.normal(0, 0.5, (4, hidden)), np.zeros(hidden)
    w1, b1 = rng.normal(0, 0.5, (hidden, 3)), np.zeros(3)
    for _ in range(epochs):
        z0 = x @ w0 + b0
        h = np.maximum(z0, 0)
        z1 = h @ w1 + b1
        p = np.exp(z1 - z1.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(y.size), y] -= 1
        p /= y.size
        gh = (p @ w1.T) * (z0 > 0)
        w1, b1 = w1 - 0.5 * h.T @ p, b1 - 0.5 * p.sum(0)
        w0, b0 = w0 - 0.5 * x.T @ gh, b0 - 0.5 * gh.sum(0)
    return {"w0": w0, "b0": b0, "w1": w1, "b1": b1}


def test_infer_programs_a_numpy_network_and_classifies_near_its_ideal(tmp_path, capsys):
    path = tmp_path / "w.npz"
    np.savez(path, **_numpy_net())
    assert main(["infer", "--weights", str(path), "--data", "iris", "--tile", "8", "--r-wire", "0",
                 "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["accuracy_ideal"] >= 0.9
    assert out["accuracy_circuit"] >= out["accuracy_ideal"] - 0.1
    assert len(out["layer_error_rms"]) == 2 and all(0 < e < 0.3 for e in out["layer_error_rms"])
    assert out["tiles"] == [2, 1] and out["converged_fraction"] > 0.9  # 5x10 and 6x6 devices


def test_infer_default_wires_let_program_and_verify_reach_its_targets(tmp_path):
    """The default 0.02 ohm programs every cell (layer errors near the 0-ohm run's ~5 %); 0.5 ohm
    against VTEAM's 50 ohm to 1 kohm devices leaves cells short of their targets (measured 77 %)."""
    path = tmp_path / "w.npz"
    np.savez(path, **_numpy_net())
    default = infer(path, data="iris", tile=8).summary()
    assert default["converged_fraction"] == 1.0
    assert default["accuracy_circuit"] >= default["accuracy_ideal"] - 0.05
    assert all(e < 0.1 for e in default["layer_error_rms"])
    starved = infer(path, data="iris", tile=8, r_wire_ohm=0.5).summary()
    assert starved["converged_fraction"] < 0.9 and max(starved["layer_error_rms"]) > 0.3


def test_weights_as_a_list_and_positional_npz_load_alike(tmp_path):
    net = _numpy_net(epochs=1)
    np.savez(tmp_path / "pos.npz", net["w0"], net["b0"], net["w1"], net["b1"])
    for layers in (
        load_weights([net["w0"], net["b0"], net["w1"], net["b1"]]),
        load_weights(tmp_path / "pos.npz"),
    ):
        assert [w.shape for w, _ in layers] == [(4, 5), (5, 3)]
        np.testing.assert_array_equal(layers[1][1], net["b1"])


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        ([np.zeros((3, 5)), np.zeros(5), np.zeros((5, 3))], r"w0 has shape \(3, 5\) but its layer gets 4"),
        ([np.zeros((4, 5)), np.zeros((6, 3))], r"w1 has shape \(6, 3\) but its layer gets 5 inputs.*\.T"),
        ([np.zeros((4, 5)), np.zeros((5, 2))], r"w1 gives 2 outputs but the data have 3 classes"),
        ([np.zeros((4, 5)), np.zeros(4)], r"bias 0 has 4 entries but its matrix \(4, 5\) has 5 outputs"),
        ([np.zeros((2, 2, 2))], r"array 0 of shape \(2, 2, 2\) is neither"),
        ([], r"holds no weight matrix"),
    ],
)
def test_weights_whose_shapes_do_not_chain_are_refused(arrays, match):
    with pytest.raises(WeightShapeError, match=match):
        check_chain(load_weights(arrays), 4, 3)


def test_a_missing_weights_file_is_named(tmp_path):
    with pytest.raises(WeightShapeError, match=r"weights file '.*nope\.npz' does not exist"):
        infer(tmp_path / "nope.npz", data="iris")


TINY_TILES = {
    "task": "train_tiles",
    "fixed": {"data": "iris", "hidden": 2, "epochs": 1, "batch": 64},
    "grid": {"tile": [4, 8], "r_wire_ohm": [0.0, 1.0]},
}


def test_sweep_task_takes_tile_hidden_wire_model_rule_and_engine():
    from pymem.sweep import tasks

    params = tasks.with_defaults("train_tiles", {"tile": 16, "hidden": 8, "r_wire_ohm": 2.0, "model": "hp",
                                                 "rule": "outer", "backend": "ngspice"})  # fmt: skip
    assert TwoLayerConfig(**{k: v for k, v in params.items() if k != "task"}).tile == 16
    with pytest.raises(Exception, match="has no parameter 'rows'"):
        tasks.with_defaults("train_tiles", {"rows": 3})


def test_tiny_tile_sweep_on_a_dask_local_cluster(tmp_path):
    from distributed import LocalCluster

    from pymem.sweep.runner import run_sweep
    from pymem.sweep.store import read_rows

    out = tmp_path / "tiles.parquet"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        rep = run_sweep(TINY_TILES, out, dask=cluster.scheduler_address, quiet=True)
    assert (rep.points, rep.ran, rep.failed) == (4, 4, 0)
    rows = read_rows(out)
    assert sorted((r["tile"], r["r_wire_ohm"]) for r in rows) == [(4, 0.0), (4, 1.0), (8, 0.0), (8, 1.0)]
    for r in rows:
        assert r["status"] == "ok" and 0 <= r["accuracy_circuit"] <= 1
        assert r["tiles"] == (4 if r["tile"] == 4 else 2)  # iris 5x2 and 3x3 weights: 5x4 and 3x6 devices


def _step_fractions(r_wire: float, n: int) -> tuple[float, float]:
    """Mean achieved / nominal conductance step of SET and RESET cells when every cell of an n x n
    tile (from mid conductance) gets one Manhattan pulse."""
    from pymem.train.compact import write_schedule
    from pymem.train.network import TrainConfig, initial_crossbar
    from pymem.train.pulses import manhattan_schedule

    xb, design = initial_crossbar(TrainConfig(levels=TwoLayerConfig().levels), n, n, r_wire)
    sched = manhattan_schedule(np.random.default_rng(1).normal(size=(n, n // 2)), design)
    x_new, _ = write_schedule(xb, sched, "solver")
    dg = (xb.with_states(np.clip(x_new, *xb.device.x_bounds)).conductances() - xb.conductances()) / (
        design.g_max_s - design.g_min_s
    )
    up, down = sched.commanded > 0, sched.commanded < 0
    return float(dg[up].mean() / design.dg_up), float(-dg[down].mean() / design.dg_down)


def test_the_default_tile_wires_let_the_write_pulses_move_the_cells():
    """Why two-layer training with 0.5 ohm wires stayed at chance: on a 32x32 tile of VTEAM devices
    (50 ohm to 1 kohm) the IR drop left the V/2 pulses below threshold. Measured (SET, RESET): 0.3 %
    and 1.8 % of the nominal step at 0.5 ohm, 48 % and 74 % at the default 0.02 ohm."""
    cfg = TwoLayerConfig()
    set_frac, reset_frac = _step_fractions(cfg.r_wire_ohm, cfg.tile)
    assert set_frac >= 0.3 and reset_frac >= 0.5
    set_old, reset_old = _step_fractions(0.5, cfg.tile)
    assert set_old < 0.05 and reset_old < 0.05


@pytest.fixture(scope="module")
def digits_on_32_tiles():
    """Digits 64-8-10 on 32x32 tiles (3 + 1 tiles), 256 samples, 2 epochs, the default wires (0.02 ohm)."""
    return train_two_layer(TwoLayerConfig(hidden=8, tile=32, max_train=256, epochs=2))


def test_two_layer_training_with_wires_learns_near_the_device_only_run(digits_on_32_tiles):
    """Measured (seed 0): device only 0.461, circuit 0.296 at 0.02 ohm; at 0.5 ohm the circuit run
    stayed at 0.100 (chance for ten digits). Margins: the circuit run at least 0.2 (twice chance) and
    within 0.25 of the device-only run. (The ideal run, numpy SGD at lr 0.2, is still near chance after
    these 16 updates: 0.143; the hidden-32 network reaches 0.557 device only, 0.548 circuit at 320
    samples and 2 epochs.)"""
    acc = digits_on_32_tiles.accuracy
    assert digits_on_32_tiles.tiles == {"layer0": 3, "layer1": 1}
    assert acc["circuit"] >= 0.2
    assert acc["circuit"] >= acc["device_only"] - 0.25
    assert acc["device_only"] >= 0.3
    epoch = next(h for h in digits_on_32_tiles.history if h["run"] == "circuit" and h["epoch"] == 2)
    assert epoch["cpu_seconds"] > 0 and epoch["pulses"] > 0


def test_max_train_must_be_a_positive_integer():
    with pytest.raises(ParameterError, match=r"max_train must be a positive integer or None, got 0"):
        TwoLayerConfig(max_train=0)
