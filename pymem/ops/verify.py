"""The bookkeeping of program-and-verify, shared by its two width controls.

:func:`pymem.ops.program.program_and_verify` halves widths itself and hands the
adaptive control to :mod:`pymem.ops.adaptive`; both keep their cells with
:func:`pending` and end with :func:`finish`, which makes the :class:`ProgramResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pymem.crossbar.spec import Crossbar


@dataclass
class ProgramResult:
    """Outcome of program-and-verify over an array.

    Attributes
    ----------
    states : ndarray, shape (rows, cols)
        Final device states.
    g_target, g_final : ndarray, shape (rows, cols)
        Target and final conductances at the read voltage (S).
    pulses : ndarray of int, shape (rows, cols)
        Pulses spent per cell.
    converged : ndarray of bool, shape (rows, cols)
        Cells within tolerance.
    failures : dict
        Cell to the error message of a transient that failed (the loop went on).
    step_seconds : list of float
        Wall time of each pulse-and-verify step (s).
    """

    states: NDArray[np.float64]
    g_target: NDArray[np.float64]
    g_final: NDArray[np.float64]
    pulses: NDArray[np.int64]
    converged: NDArray[np.bool_]
    failures: dict[tuple[int, int], str] = field(default_factory=dict)
    step_seconds: list[float] = field(default_factory=list)

    @property
    def rel_error(self) -> NDArray[np.float64]:
        """|g_final - g_target| / g_target per cell."""
        return np.abs(self.g_final - self.g_target) / self.g_target


def pending(
    row: int,
    members: list[int],
    err: NDArray[np.float64],
    rtol: float,
    pulses: NDArray[np.int64],
    max_pulses: int,
    failures: dict[tuple[int, int], str],
) -> list[int]:
    """Columns of ``row`` still outside ``rtol`` that have pulses left and no failed transient."""
    return [
        j for j in members if abs(err[j]) > rtol and pulses[row, j] < max_pulses and (row, j) not in failures
    ]


def finish(
    current: Crossbar,
    g_target: NDArray[np.float64],
    rtol: float,
    pulses: NDArray[np.int64],
    failures: dict[tuple[int, int], str],
    steps: list[float],
) -> ProgramResult:
    """The :class:`ProgramResult` of a loop that left the array at ``current``."""
    g_final = np.asarray(current.conductances(), dtype=float)
    return ProgramResult(
        states=np.array(current.states),
        g_target=g_target,
        g_final=g_final,
        pulses=pulses,
        converged=np.abs(g_final - g_target) <= rtol * g_target,
        failures=failures,
        step_seconds=steps,
    )
