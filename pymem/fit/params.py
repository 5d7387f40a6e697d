"""Which parameters of each model a fit may move, within which physical bounds.

A model's table lists the parameters the fit can identify from an I-V sweep
(``free=True``: moved unless ``--fix``ed) and others a user may free with
``--free`` at their own risk. Scale parameters (rates, resistances, current
amplitudes) are fitted in log space (``log``; ``neglog`` for the negative
ON rates of VTEAM and TEAM), thresholds and states linearly. The reasons for
each choice are in docs/models/fit.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pymem.constants import FitTransform as Transform
from pymem.devices.base import DeviceModel
from pymem.devices.waveforms import PWL, Waveform
from pymem.errors import ParameterError


@dataclass(frozen=True)
class Bound:
    """Allowed range of one fitted parameter.

    Attributes
    ----------
    lower, upper : float
        Physical bounds in the parameter's SI unit (``lower < upper``; both
        negative for ``neglog``).
    transform : {"log", "neglog", "lin"}
        Coordinates the optimiser moves in: ``log(value)``, ``log(-value)`` or ``value``.
    free : bool
        Fitted by default (identifiable from one I-V loop); else only with ``--free``.
    """

    lower: float
    upper: float
    transform: Transform = "log"
    free: bool = True

    def to_u(self, value: float) -> float:
        """Optimiser coordinate of ``value``."""
        if self.transform == "log":
            return float(np.log(value))
        if self.transform == "neglog":
            return float(np.log(-value))
        return float(value)

    def from_u(self, u: float) -> float:
        """Parameter value (SI) of the optimiser coordinate ``u``."""
        if self.transform == "log":
            return float(np.exp(u))
        if self.transform == "neglog":
            return float(-np.exp(u))
        return float(u)

    def u_bounds(self) -> tuple[float, float]:
        """Bounds in optimiser coordinates (increasing)."""
        a, b = sorted((self.to_u(self.lower), self.to_u(self.upper)))
        return a, b

    def value_stderr(self, value: float, u_stderr: float) -> float:
        """Standard error of the value (SI) from that of its coordinate (linearised)."""
        return abs(value) * u_stderr if self.transform in ("log", "neglog") else u_stderr


_R = Bound(1e-2, 1e12)
TABLES: dict[str, dict[str, Bound]] = {
    "hp": {
        "r_off_ohm": _R,
        "mu_v_m2_per_vs": Bound(1e-22, 1e-6),
        "r_on_ohm": Bound(1e-2, 1e12, free=False),
        "x0": Bound(0.0, 1.0, "lin", free=False),
        "d_m": Bound(1e-10, 1e-6, free=False),
    },
    "yakopcic": {
        "a1_a": Bound(1e-12, 1e2),
        "a2_a": Bound(1e-12, 1e2),
        "b_per_v": Bound(1e-4, 1e2, free=False),
        "a_p_per_s": Bound(1e-6, 1e12),
        "a_n_per_s": Bound(1e-6, 1e12),
        "v_p_v": Bound(1e-3, 10.0, "lin"),
        "v_n_v": Bound(1e-3, 10.0, "lin"),
        "x0": Bound(0.0, 1.0, "lin", free=False),
        "x_p": Bound(1e-3, 0.999, "lin", free=False),
        "x_n": Bound(1e-3, 0.999, "lin", free=False),
        "alpha_p": Bound(0.0, 100.0, "lin", free=False),
        "alpha_n": Bound(0.0, 100.0, "lin", free=False),
    },
    "vteam": {
        "r_on_ohm": _R,
        "r_off_ohm": _R,
        "k_off_m_per_s": Bound(1e-15, 1e6),
        "k_on_m_per_s": Bound(-1e6, -1e-15, "neglog"),
        "v_off_v": Bound(1e-3, 10.0, "lin", free=False),
        "v_on_v": Bound(-10.0, -1e-3, "lin", free=False),
        "x0": Bound(0.0, 1.0, "lin"),
        "alpha_off": Bound(1.0, 20.0, "lin", free=False),
        "alpha_on": Bound(1.0, 20.0, "lin", free=False),
    },
    "team": {
        # fitted from recovery_drive's sweep, which drives the state onto its OFF bound (R = r_off seen)
        # and back part-way; the ON bound is reached only through TEAM's ON runaway, so R_on is held
        "r_on_ohm": Bound(1e-2, 1e12, free=False),
        "r_off_ohm": _R,
        "k_off_m_per_s": Bound(1e-30, 1e6),
        "k_on_m_per_s": Bound(-1e6, -1e-30, "neglog"),
        "i_off_a": Bound(1e-12, 10.0, free=False),
        "i_on_a": Bound(-10.0, -1e-12, "neglog", free=False),
        "x0": Bound(0.0, 1.0, "lin"),
        "alpha_off": Bound(1.0, 20.0, "lin", free=False),
        "alpha_on": Bound(1.0, 20.0, "lin", free=False),
    },
    "stanford-pku": {
        "i0_a": Bound(1e-12, 1e2),
        "g0_m": Bound(1e-12, 1e-8),
        "v0_v": Bound(1e-3, 10.0),
        "nu0_m_per_s": Bound(1e-9, 1e9),
        "gamma0": Bound(1e-2, 1e3, free=False),
        "gamma0_reset": Bound(1e-2, 1e3, free=False),
        "ea_ev": Bound(0.01, 5.0, "lin", free=False),
        "x0": Bound(0.2, 1.7, "lin", free=False),
    },
}
"""Model name to fitted parameter name to :class:`Bound`."""


def table_for(model_name: str) -> dict[str, Bound]:
    """The parameter table of ``model_name``.

    Raises
    ------
    ParameterError
        When pymem has no table for that model (say which parameters to fit and how).
    """
    try:
        return TABLES[model_name]
    except KeyError:
        raise ParameterError(
            f"pymem has no fit table for model {model_name!r}; models with one: {sorted(TABLES)}. "
            "Add its parameters and physical bounds to pymem.fit.params.TABLES"
        ) from None


def team_recovery_drive(model: DeviceModel) -> PWL:
    """TEAM's identifying sweep: an OFF triangle onto the OFF bound, then an ON triangle part-way back.

    One period of a piecewise-linear sweep, the time scaled by the slower normalised rate
    ``k' = min(k_off, |k_on|)/(w_off - w_on)`` (2 s for the default set):

    - 0 -> ``+30 i_off R_off`` (3.45 V) -> 0 over the first half: the current passes i_off soon after the
      start and stays 10-20 times above it, so the state climbs from x0 over hundreds of samples and
      rests on its OFF bound (x = 1, R = R_off) for the last third of the half;
    - 0 -> ``13.5 i_on R_off`` (-0.12 V) -> 0 over the second half: |i| passes |i_on| early and reaches
      13.5 |i_on|, so the state moves back by about a fifth of its range, short of TEAM's ON runaway
      (past about 20 |i_on| a falling R raises |i| and the state collapses onto x = 0 between two
      samples, a jump whose time no two integrators agree on).

    The demo sweep (65 mV, 1 s) barely reaches i_off and never a bound, so it leaves R_off, x0 and
    the rates as three products of four parameters (docs/models/fit.md).

    Parameters
    ----------
    model : TEAM
        The device whose thresholds (A), resistances (ohm) and rates (m/s) set the sweep.

    Returns
    -------
    PWL
        The voltage (V) across the device against time (s).
    """
    rate = min(model.k_off_m_per_s, -model.k_on_m_per_s) / (model.w_off_m - model.w_on_m)
    period = 2.0 * (8e-13 / 3e-9) / rate
    v_off = 30.0 * model.i_off_a * model.r_off_ohm
    v_on = 13.5 * model.i_on_a * model.r_off_ohm
    times = tuple(period * f for f in (0.0, 0.25, 0.5, 0.75, 1.0))
    return PWL(times, (0.0, v_off, 0.0, v_on, 0.0))


RECOVERY_DRIVES = {"team": team_recovery_drive}
"""Model name to the synthetic sweep that identifies its default free parameters, where the model's
demo sweep does not (the others use ``model.demo_drive()``)."""


def recovery_drive(model: DeviceModel) -> Waveform:
    """The sweep from which a fit recovers ``model``'s default free parameters (tests, benchmarks/fit.py).

    ``model.demo_drive()`` unless :data:`RECOVERY_DRIVES` names a designed one for its base model
    (a fitted preset uses its base model's).
    """
    base = getattr(model, "base_name", model.name)
    make = RECOVERY_DRIVES.get(base)
    return model.demo_drive() if make is None else make(model)


def choose_free(
    model_name: str, fix: list[str] | tuple[str, ...], free: list[str] | tuple[str, ...]
) -> list[str]:
    """The fitted parameters: the table's default free ones, minus ``fix``, plus ``free``.

    Raises
    ------
    ParameterError
        For a name outside the model's table, or when nothing is left to fit.
    """
    table = table_for(model_name)
    for name in (*fix, *free):
        if name not in table:
            raise ParameterError(
                f"{name!r} is not a fittable parameter of {model_name}; choose among {sorted(table)}"
            )
    chosen = [p for p in table if (table[p].free or p in free) and p not in fix]
    if not chosen:
        raise ParameterError(f"every parameter of {model_name} is fixed; leave at least one free")
    return chosen
