"""Fit a device model's parameters to a measured sweep by least squares on the current.

The model's own numpy equations are integrated over the measured time grid
(:func:`state_on_grid`: scipy's LSODA with the measured voltage interpolated
linearly between samples), and scipy's ``least_squares`` (trust-region
reflective, within the bounds of :mod:`pymem.fit.params`) moves the free
parameters. The residual is taken in ``asinh(i / floor)``, which is
``log|i|`` over the decades above the floor and linear through 0 (or, with
``scale="linear"``, in the current itself).
The standard errors come from the Jacobian at the optimum, by the sandwich
estimator (:func:`sandwich_covariance`), which stays right when the noise is a
percentage of the current rather than the same on every point.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

from pymem.constants import FitScale as Scale
from pymem.devices.base import DeviceModel
from pymem.errors import (
    FitBoundWarning,
    FitConvergenceError,
    IntegrationBudgetError,
    ParameterError,
    SimulationError,
)
from pymem.fit.data import Sweep
from pymem.fit.params import choose_free, table_for
from pymem.ops.device import default_evaluation_budget

FAILED_RESIDUAL = 1e3
"""Residual given to a trial point where the model is invalid or the integrator fails."""


def state_on_grid(
    model: DeviceModel, t: NDArray[np.float64], v: NDArray[np.float64], x0: float
) -> NDArray[np.float64]:
    """Integrate ``dx/dt = model.dxdt(v(t), x)`` over the measured times.

    Parameters
    ----------
    model : DeviceModel
        The device.
    t, v : ndarray, shape (n,)
        Measured times (s, increasing) and voltages (V), linear in between.
    x0 : float
        State at ``t[0]`` (state units).

    Returns
    -------
    ndarray, shape (n,)
        State at ``t`` (state units), within the model's bounds.

    Raises
    ------
    IntegrationBudgetError
        After :func:`pymem.ops.device.default_evaluation_budget` evaluations of dx/dt.
    SimulationError
        When LSODA gives up.
    """
    lo, hi = model.x_bounds
    step = 4.0 * float(np.median(np.diff(t)))
    budget = default_evaluation_budget(t.size)
    spent = 0

    def rhs(tt: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal spent
        spent += 1
        if spent > budget:
            raise IntegrationBudgetError(
                f"integration of {model.name} over the measured times stopped after {budget} evaluations "
                f"at t = {tt:.6g} s: its equations are too stiff with {model!r}"
            )
        return np.atleast_1d(model.dxdt(np.interp(tt, t, v), min(max(float(y[0]), lo), hi)))

    sol = solve_ivp(
        rhs, (t[0], t[-1]), [x0], method="LSODA", t_eval=t, rtol=1e-9, atol=1e-10 * (hi - lo), max_step=step
    )
    if not sol.success or sol.y.shape[1] != t.size:
        raise SimulationError(f"integration of {model.name} over the measured times failed: {sol.message}")
    return np.clip(sol.y[0], lo, hi)


@dataclass(frozen=True)
class FittedParameter:
    """One free parameter after the fit (SI units)."""

    value: float
    stderr: float
    """Standard error (linearised, from the Jacobian); NaN for a parameter on a bound."""
    start: float
    lower: float
    upper: float
    at_bound: bool


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit_model` found.

    Attributes
    ----------
    model : DeviceModel
        The base model with the fitted values.
    params : dict
        Free parameter name to :class:`FittedParameter`.
    correlation : ndarray, shape (p, p)
        Correlation of the free parameters (order of ``params``).
    i_fit, x_fit : ndarray, shape (n,)
        Current (A) and state of the fitted model on the data's times.
    scale : {"linear", "log"}
        Residual used.
    floor_a : float
        Current floor of the ``log`` residual, or the current scale of the ``linear`` one (A).
    rms_residual : float
        RMS of the residual at the optimum (dimensionless: ``asinh`` units or fraction of ``floor_a``).
    rms_relative_error : float
        RMS of (i_fit - i) / |i| over the points with |i| above ``floor_a`` (log) or
        over 10 % of the largest |i| (linear) (dimensionless).
    nrmse : float
        RMS of (i_fit - i) over the range of i (dimensionless).
    nfev : int
        Model integrations spent (Jacobian columns included).
    seconds : float
        Wall time (s).
    warnings : list of str
        Parameters on bounds and other caveats.
    """

    model: DeviceModel
    params: dict[str, FittedParameter]
    correlation: NDArray[np.float64]
    i_fit: NDArray[np.float64]
    x_fit: NDArray[np.float64]
    scale: str
    floor_a: float
    rms_residual: float
    rms_relative_error: float
    nrmse: float
    nfev: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def sandwich_covariance(jac: NDArray[np.float64], residual: NDArray[np.float64]) -> NDArray[np.float64]:
    """Covariance of least-squares parameters that holds when the noise differs from point to point.

    ``(J^T J)^-1 J^T diag(r^2 n/(n-p)) J (J^T J)^-1`` (White's HC1 estimator): the plain
    ``s^2 (J^T J)^-1`` assumes every point is equally noisy, which a linear residual of
    data with relative (percent) noise is not, and then understates the errors.

    Parameters
    ----------
    jac : ndarray, shape (n, p)
        Jacobian of the residual in the optimiser's coordinates.
    residual : ndarray, shape (n,)
        Residual at the optimum.

    Returns
    -------
    ndarray, shape (p, p)
    """
    n, p = jac.shape
    bread = np.linalg.pinv(jac.T @ jac)
    meat = (jac * (residual**2)[:, None]).T @ jac * (n / max(n - p, 1))
    return bread @ meat @ bread


def fit_model(
    base: DeviceModel,
    data: Sweep,
    *,
    fix: list[str] | tuple[str, ...] = (),
    free: list[str] | tuple[str, ...] = (),
    scale: Scale = "log",
    floor_a: float | None = None,
    max_nfev: int = 400,
) -> FitResult:
    """Fit the free parameters of ``base`` to a measured sweep.

    Parameters
    ----------
    base : DeviceModel
        The model with the starting values (and the values of fixed parameters).
    data : Sweep
        Measured t (s), v (V), i (A).
    fix, free : sequence of str
        Parameters to hold at their values in ``base`` / to fit beyond the default set
        (:data:`pymem.fit.params.TABLES`).
    scale : {"log", "linear"}
        Residual of the current: ``asinh(i / floor)`` (log-current above the floor, linear
        through 0; right for noise that is a percentage of the current), or ``i / peak``
        (for noise of one absolute size).
    floor_a : float, optional
        Current floor of the log residual (A); default 1e-3 of the largest |i|.
    max_nfev : int
        Budget of model integrations.

    Returns
    -------
    FitResult

    Raises
    ------
    FitConvergenceError
        When the budget runs out before the fit converges.
    FitBoundWarning
        (A warning) for each parameter that ends on a bound.
    ParameterError
        For unknown parameters, starting values outside the bounds, or a bad floor.
    """
    t0 = time.perf_counter()
    table = table_for(base.name)
    names = choose_free(base.name, fix, free)
    bounds = [table[p] for p in names]
    start = [float(getattr(base, p)) for p in names]
    for p, b, s in zip(names, bounds, start, strict=True):
        if not b.lower <= s <= b.upper:
            raise ParameterError(
                f"start value {p}={s!r} is outside its bounds [{b.lower!r}, {b.upper!r}]; "
                "give a start inside them with --param"
            )
    if scale not in ("log", "linear"):
        raise ParameterError(f"scale={scale!r} is unknown; choose 'log' or 'linear'")
    mode = scale
    peak = float(np.max(np.abs(data.i)))
    floor = (1e-3 * peak if mode == "log" else peak) if floor_a is None else float(floor_a)
    if not (np.isfinite(floor) and floor > 0):
        raise ParameterError(f"floor_a={floor_a!r} must be a positive current in A (try 1e-3 of the peak)")

    def shape(i: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.arcsinh(i / floor) if mode == "log" else i / floor

    target = shape(data.i)

    def build(u: NDArray[np.float64]) -> DeviceModel:
        return base.with_params(**{p: b.from_u(x) for p, b, x in zip(names, bounds, u, strict=True)})

    def predict(model: DeviceModel) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x = state_on_grid(model, data.t, data.v, float(model.x0))
        return np.asarray(model.current(data.v, x), dtype=float), x

    def residual(u: NDArray[np.float64]) -> NDArray[np.float64]:
        try:
            i, _ = predict(build(u))
        except (ParameterError, SimulationError):
            return np.full(target.size, FAILED_RESIDUAL)
        r = shape(i) - target
        return r if np.all(np.isfinite(r)) else np.full(target.size, FAILED_RESIDUAL)

    u0 = np.array([b.to_u(s) for b, s in zip(bounds, start, strict=True)])
    lo, hi = (np.array(z) for z in zip(*(b.u_bounds() for b in bounds), strict=True))
    u0 = np.clip(u0, lo, hi)
    sol = least_squares(
        residual, u0, bounds=(lo, hi), method="trf", x_scale="jac", diff_step=1e-4, max_nfev=max_nfev
    )
    if sol.status <= 0:
        raise FitConvergenceError(
            f"the fit of {base.name} to {data.source} did not converge within {max_nfev} model "
            f"integrations (cost {sol.cost:.4g}, free {names}); give better start values with --param, "
            "fix parameters the data cannot identify with --fix, or raise --max-nfev"
        )
    if np.all(sol.fun == FAILED_RESIDUAL):
        raise FitConvergenceError(
            f"the fit of {base.name} to {data.source} found no parameters at which the model integrates; "
            "give start values with --param that reproduce the data roughly"
        )
    span = hi - lo
    on_bound = (
        (sol.active_mask != 0) | (np.abs(sol.x - lo) < 1e-6 * span) | (np.abs(hi - sol.x) < 1e-6 * span)
    )
    cov = np.full((len(names), len(names)), np.nan)
    if np.any(~on_bound):
        cov[np.ix_(~on_bound, ~on_bound)] = sandwich_covariance(sol.jac[:, ~on_bound], sol.fun)
    u_err = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(u_err, u_err)
    model = build(sol.x)
    notes: list[str] = []
    params: dict[str, FittedParameter] = {}
    for k, (p, b) in enumerate(zip(names, bounds, strict=True)):
        value = float(getattr(model, p))
        params[p] = FittedParameter(
            value=value,
            stderr=b.value_stderr(value, float(u_err[k])),
            start=start[k],
            lower=b.lower,
            upper=b.upper,
            at_bound=bool(on_bound[k]),
        )
        if on_bound[k]:
            msg = (
                f"{p} = {value:.6g} ended on a bound of [{b.lower:.6g}, {b.upper:.6g}]: the data want a "
                f"value outside the physical range, or cannot identify {p}; fix it with --fix {p} "
                f"--param {p}=VALUE, or check the data's units"
            )
            notes.append(msg)
            warnings.warn(msg, FitBoundWarning, stacklevel=2)
    i_fit, x_fit = predict(model)
    big = np.abs(data.i) > (floor if mode == "log" else 0.1 * peak)
    rel = (i_fit[big] - data.i[big]) / np.abs(data.i[big])
    return FitResult(
        model=model,
        params=params,
        correlation=corr,
        i_fit=i_fit,
        x_fit=x_fit,
        scale=mode,
        floor_a=floor,
        rms_residual=float(np.sqrt(np.mean(sol.fun**2))),
        rms_relative_error=float(np.sqrt(np.mean(rel**2))) if rel.size else float("nan"),
        nrmse=float(np.sqrt(np.mean((i_fit - data.i) ** 2)) / np.ptp(data.i)),
        nfev=int(sol.nfev * (1 + len(names))) if sol.njev is None else int(sol.nfev + sol.njev * len(names)),
        seconds=time.perf_counter() - t0,
        warnings=notes,
    )
