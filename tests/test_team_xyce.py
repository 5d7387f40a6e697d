"""TEAM against another simulator's published output: Xyce's regression test ``memristorTEAM_test.cir``.

Xyce's deck (Xyce_Regression, Netlists/MEMRISTOR/memristorTEAM_test.cir): a MEMRISTOR level 2
(TEAM) with ``ron=50 roff=1000 koff=1.46e-18 kon=-4.68e-22 alphaoff=10 alphaon=10 wc=1.0e-12
ioff=115e-6 ion=-8.9e-6 xscaling=1.0e9 wt=4`` in series with 50 ohm to ground, driven by
``sin(0 1 1000 0)``, ``.options timeint reltol=1e-4``, ``.tran 0 10e-3``. Xyce's state is in nm
(xscaling 1e9); pymem's is normalised by the 3 nm range, so w = 3 nm * x.

The figures below are read off Xyce's stored output (OutputData/MEMRISTOR/memristorTEAM_test.cir.prn).
pymem's ``team`` preset ``xyce`` runs through ngspice (pymem's subcircuit and the series resistor)
and through a numpy/scipy reference of the model's own equations that solves the divider at every
step; both must reproduce them within 1 %.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from pymem import backends, devices
from pymem import spice as nl
from pymem.devices.team import TEAM
from pymem.devices.waveforms import Sine

SERIES_OHM = 50.0
DRIVE = Sine(1.0, 1e3, cycles=10)
PERIOD_S = 1e-3
STEP_S = 1e-6
NM_PER_X = 3.0  # Xyce's x (nm, xscaling 1e9) per unit of pymem's normalised state

# Xyce's stored output of memristorTEAM_test.cir
XYCE = {
    "largest current (A)": 2.2807e-3,
    "time of the largest current (s)": 5.054e-3,
    "smallest current (A)": -10.120e-3,
    "time of the smallest current (s)": 0.7503e-3,
    "lowest x (nm)": -0.003775,
    "highest x (nm)": 1.34469,
    "lowest R (ohm)": 48.80,
    "highest R (ohm)": 475.82,
}
# a few rows of the same output on the first OFF switching: time (s), x (nm)
XYCE_SAMPLES = [(5.55148539e-05, 0.157504307), (1.01750530e-04, 0.519126697), (2.03469018e-04, 1.10450192)]


def _ngspice(model: TEAM) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time (s), device current (A) and state of the deck: pymem's subcircuit and 50 ohm to ground."""
    deck = nl.deck(
        "Xyce memristorTEAM_test.cir through pymem's subcircuit",
        [
            model.subckt(),
            nl.vsource("Vin", "n1", "0", 0.0, DRIVE.spice()),
            nl.instance("X1", ["n1", "n2"], model.subckt_name),
            nl.resistor("Rptg", "n2", "0", SERIES_OHM),
            nl.options(reltol=1e-6, abstol=1e-15, vntol=1e-9, chgtol=1e-18),
            nl.tran(STEP_S, DRIVE.duration_s, 0.0, STEP_S, uic=True),
        ],
    )
    res = backends.run(deck)
    return res["time"], res.v("n2") / SERIES_OHM, res.v("x1.x")


def _reference(model: TEAM) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same circuit by scipy: the ohmic device and the resistor divide the source at every step."""

    def rhs(t: float, y: np.ndarray) -> list[float]:
        r = float(model.resistance(y[0]))
        v_device = float(DRIVE.values(t)) * r / (r + SERIES_OHM)
        return [float(model.dxdt(v_device, y[0]))]

    t = np.linspace(0.0, DRIVE.duration_s, 100_001)
    sol = solve_ivp(
        rhs, (0.0, DRIVE.duration_s), [model.x0], "LSODA", t_eval=t, rtol=1e-9, atol=1e-12, max_step=STEP_S
    )
    assert sol.success, sol.message
    x = sol.y[0]
    return t, DRIVE.values(t) / (model.resistance(x) + SERIES_OHM), x


@pytest.fixture(scope="module", params=["ngspice", "reference"])
def run(request: pytest.FixtureRequest) -> tuple[TEAM, np.ndarray, np.ndarray, np.ndarray]:
    model = devices.get("team", preset="xyce")
    assert isinstance(model, TEAM)
    simulate = _ngspice if request.param == "ngspice" else _reference
    return (model, *simulate(model))


def _figures(model: TEAM, t: np.ndarray, i: np.ndarray, x: np.ndarray) -> dict[str, float]:
    r = model.resistance(x)
    # Xyce's extremes recur every period to 1e-5; compare each in the period where Xyce found it
    in_5th = (t >= 5 * PERIOD_S) & (t < 6 * PERIOD_S)
    in_1st = t < PERIOD_S
    return {
        "largest current (A)": float(i.max()),
        "time of the largest current (s)": float(t[in_5th][np.argmax(i[in_5th])]),
        "smallest current (A)": float(i.min()),
        "time of the smallest current (s)": float(t[in_1st][np.argmin(i[in_1st])]),
        "lowest x (nm)": float(x.min()) * NM_PER_X,
        "highest x (nm)": float(x.max()) * NM_PER_X,
        "lowest R (ohm)": float(r.min()),
        "highest R (ohm)": float(r.max()),
    }


@pytest.mark.parametrize("quantity", list(XYCE))
def test_reproduces_xyce_regression_figures(run: tuple, quantity: str) -> None:
    model, t, i, x = run
    assert _figures(model, t, i, x)[quantity] == pytest.approx(XYCE[quantity], rel=0.01)


def test_every_period_peaks_as_xyce_found(run: tuple) -> None:
    """The extremes recur every period (so Xyce's choice of period is round-off): each period's
    largest and smallest current lie within 1 % of Xyce's figures."""
    _, t, i, _ = run
    for k in range(10):
        inside = (t >= k * PERIOD_S) & (t < (k + 1) * PERIOD_S)
        assert i[inside].max() == pytest.approx(XYCE["largest current (A)"], rel=0.01)
        assert i[inside].min() == pytest.approx(XYCE["smallest current (A)"], rel=0.01)


@pytest.mark.parametrize(("t_s", "x_nm"), XYCE_SAMPLES, ids=["55us", "102us", "203us"])
def test_first_off_switching_follows_xyce(run: tuple, t_s: float, x_nm: float) -> None:
    """The state during the first OFF switching, within 1 % of Xyce's state range."""
    _, t, _, x = run
    span = XYCE["highest x (nm)"] - XYCE["lowest x (nm)"]
    assert abs(np.interp(t_s, t, x) * NM_PER_X - x_nm) <= 0.01 * span


def test_xyce_window_passes_the_bounds_as_xyce_does() -> None:
    """The soft window lets an ON drive carry the state 1.26e-3 of the range below x_on, and R below Ron
    (Xyce: 48.80 ohm); pymem's default TEAM clamps R to [Ron, Roff]."""
    xyce = devices.get("team", preset="xyce")
    assert float(xyce.resistance(-0.003775 / NM_PER_X)) == pytest.approx(48.80, rel=1e-4)
    assert float(xyce.with_params(r_clamped=True).resistance(-1e-3)) == 50.0
