"""Golden files: circuits/ and netlists/ are exactly what pymem emits, and plain ngspice runs them."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pymem import cli, devices
from pymem import spice as nl
from pymem.backends import find_binary
from pymem.crossbar import random_crossbar
from pymem.netlist.crossbar import read_deck
from pymem.netlist.library import library_files, library_models
from pymem.ops.device import simulate as simulate_device

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = ROOT / "netlists" / "regenerate.sh"
NETLIST_LINES = [line for line in REGENERATE.read_text().splitlines() if line.startswith("pymem netlist")]


@pytest.mark.parametrize("rel", sorted(library_files()), ids=str)
def test_circuits_library_is_what_pymem_emits(rel: str) -> None:
    path = ROOT / "circuits" / rel
    assert path.exists(), f"{path} is missing: run `pymem circuits -o circuits`"
    assert path.read_text() == library_files()[rel], f"{rel} is stale: run `pymem circuits -o circuits`"


@pytest.mark.parametrize("line", NETLIST_LINES, ids=lambda s: s.split("-o ")[-1])
def test_example_netlists_are_what_pymem_emits(line: str, tmp_path: Path) -> None:
    args = shlex.split(line)[1:]
    target = args[args.index("-o") + 1]
    args[args.index("-o") + 1] = str(tmp_path / "deck.cir")
    assert cli.main(args) == 0
    committed = ROOT / target
    assert committed.read_text() == (tmp_path / "deck.cir").read_text(), (
        f"{target} is stale: run `PATH=.venv/bin:$PATH bash netlists/regenerate.sh`"
    )


SMALL_DECKS = [line for line in NETLIST_LINES if "--rows 4 " in line]


@pytest.mark.parametrize("line", SMALL_DECKS, ids=lambda s: s.split("-o ")[-1])
def test_plain_ngspice_reads_the_small_examples_as_the_solver_does(line: str, tmp_path: Path) -> None:
    """``ngspice -b`` on the committed deck: the sense outputs at each vector's read time are the solver's."""
    import pymem
    from pymem.backends.rawfile import read_raw
    from pymem.netlist.crossbar import read_times

    args = cli.build_parser().parse_args(shlex.split(line)[1:])
    out = subprocess.run(
        [find_binary(), "-b", "-r", str(tmp_path / "deck.raw"), str(ROOT / args.output)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    (plot,) = read_raw(tmp_path / "deck.raw")
    xb = _crossbar_of(line)
    v = xb.random_inputs(args.batch, seed=args.seed + 1)  # what `pymem netlist` put in the deck
    t, hold = plot.data["time"], max(1e-6, xb.settle_time_s)  # the deck's hold per vector
    idx = [int(np.argmin(np.abs(t - s))) for s in read_times(args.batch, hold)]
    ref = pymem.mvm(xb, v)  # the exact sparse solver, on the states the deck starts from
    if xb.sense == "ideal":
        got = np.stack([plot.data[f"i(vsense{j})"][idx] for j in range(xb.cols)], axis=1)
        expected = ref.y
    else:
        got = np.stack([plot.data[f"v(c{j}_vo)"][idx] for j in range(xb.cols)], axis=1)
        expected = ref.v_out
    assert t[idx] == pytest.approx(read_times(args.batch, hold), rel=1e-9)
    # the read moves the states by at most mvm's read-disturb limit (1e-3 of the range): 1e-5 covers it
    assert got == pytest.approx(expected, rel=1e-5)
    assert np.ptp(got) > 0.1 * np.max(np.abs(got)), "the columns should read different currents"


def _printed_table(text: str) -> np.ndarray:
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0].isdigit():
            rows.append([float(p) for p in parts[1:]])
    return np.array(rows)


@pytest.mark.parametrize("stem", sorted(library_models()))
def test_plain_ngspice_prints_an_iv_loop_that_matches_the_reference(stem: str) -> None:
    """The example deck, run by plain ngspice, follows the numpy reference of the same model."""
    model = library_models()[stem][0]
    name = stem.replace("-", "_")
    out = subprocess.run(
        [find_binary(), "-b", f"{name}_iv.cir"],
        cwd=ROOT / "circuits" / "examples",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    table = _printed_table(out.stdout)
    t, x = table[:, 0], table[:, 3]
    ref = simulate_device(model, model.demo_drive(), backend="reference", times_s=t)
    assert np.max(np.abs(np.interp(t, ref.t, ref.x) - x)) <= 1e-3 * model.x_range
    assert np.ptp(x) > 0.01 * model.x_range, "the example drive should move the state"


@pytest.mark.parametrize(
    "kwargs",
    [{"r_row_ohm": 1.0, "r_col_ohm": 1.0, "r_driver_ohm": 1.0}, {}, {"sense": "tia"}],
    ids=["wires", "ideal-wires", "tia"],
)
def test_crossbar_deck_element_names_are_unique(kwargs: dict[str, object]) -> None:
    """The fast crossbar writer skips the name scan; check its names with the full one."""
    xb = random_crossbar(5, 4, "hp", seed=0, **kwargs)  # type: ignore[arg-type]
    text = read_deck(xb, xb.random_inputs(1))
    body = text.splitlines()[1:-1]
    nl.deck("check", body)  # raises NetlistError on a duplicate


def test_pyspice_user_can_drop_a_model_into_a_circuit() -> None:
    """docs/models.md's PySpice recipe, run in its own process (PySpice owns its ngspice there)."""
    code = """
import logging, numpy as np
logging.getLogger("PySpice").setLevel(logging.CRITICAL)
from PySpice.Spice.Netlist import Circuit
from PySpice.Unit import u_V, u_Hz, u_s, u_ms
from pymem import devices
model = devices.get("hp", window="joglekar")
circuit = Circuit("my circuit")
circuit.raw_spice = model.subckt()
circuit.SinusoidalVoltageSource("in", "p", circuit.gnd, amplitude=1 @ u_V, frequency=1 @ u_Hz)
circuit.X("m1", model.subckt_name, "p", circuit.gnd)
sim = circuit.simulator(simulator="ngspice-shared")
sim.options(reltol=1e-6, abstol=1e-15, vntol=1e-9)
analysis = sim.transient(step_time=1 @ u_ms, end_time=1 @ u_s, use_initial_condition=True)
t = np.asarray(analysis.time, dtype=float)
x = np.asarray(analysis["xm1.x"], dtype=float)
np.save("out.npy", np.stack([t, x]))
"""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-c", code], cwd=tmp, check=True, timeout=120, capture_output=True)
        t, x = np.load(Path(tmp) / "out.npy")
    model = devices.get("hp", window="joglekar")
    ref = simulate_device(model, devices.Sine(1.0, 1.0), backend="reference")
    assert np.max(np.abs(np.interp(t, ref.t, ref.x) - x)) <= 1e-3
    assert np.max(x) > 0.2


TIA_LINES = [line for line in NETLIST_LINES if "--sense tia" in line]


def _crossbar_of(line: str):  # type: ignore[no-untyped-def]
    """The crossbar a ``pymem netlist`` line of regenerate.sh builds."""
    args = cli.build_parser().parse_args(shlex.split(line)[1:])
    from pymem.cli.args import crossbar_from

    return crossbar_from(args)


@pytest.mark.parametrize("line", TIA_LINES, ids=lambda s: s.split("-o ")[-1])
def test_tia_feedback_resistor_does_not_move_with_the_last_digit_of_the_current(line: str) -> None:
    """One ulp more or less of column current (numpy's summation order) gives the same deck value."""
    from pymem.crossbar.spec import tia_feedback_ohm
    from pymem.numeric import significant

    xb = _crossbar_of(line)
    i_max = xb.v_read * float(np.max(xb.conductances().sum(axis=0)))
    r_f = xb.tia.r_f_ohm
    assert r_f == tia_feedback_ohm(xb.tia.v_sat_v, i_max)
    assert r_f == significant(r_f)
    assert r_f == pytest.approx(0.8 * xb.tia.v_sat_v / i_max, rel=1e-12)
    for nudged in (np.nextafter(i_max, np.inf), np.nextafter(i_max, 0.0)):
        assert nudged != i_max
        assert tia_feedback_ohm(xb.tia.v_sat_v, float(nudged)) == r_f
    assert xb.settle_time_s == significant(xb.settle_time_s)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(824.4973425555361, 824.497342556), (824.4973425555362, 824.497342556), (-1 / 3, -0.333333333333)],
)
def test_significant_keeps_twelve_digits(value: float, expected: float) -> None:
    from pymem.numeric import significant

    assert significant(value) == expected


@pytest.mark.parametrize("value", [0.0, float("inf"), float("-inf"), 1e-300, 2.5])
def test_significant_keeps_exact_and_special_values(value: float) -> None:
    from pymem.numeric import significant

    assert significant(value) == value
