"""The one exception hierarchy of pymem.

Every error pymem raises on purpose derives from :class:`PymemError`. Input
errors also derive from :class:`ValueError`, simulator failures from
:class:`RuntimeError`, so callers can catch either the pymem class or the
builtin one.

Messages name the bad value and suggest the fix.
"""

from __future__ import annotations

INSTALL_HINT = "sudo apt-get install -y ngspice libngspice0-dev"


class PymemError(Exception):
    """Base class of every error pymem raises on purpose."""


class ParameterError(PymemError, ValueError):
    """A value given to pymem is out of range, of the wrong shape or type."""


class NetlistError(ParameterError):
    """A netlist element, node name or source description is invalid."""


class NgspiceNotFoundError(PymemError, RuntimeError):
    """The ngspice binary or its shared library cannot be found or loaded."""


class SimulationError(PymemError, RuntimeError):
    """ngspice failed on a deck.

    Attributes
    ----------
    ngspice_message : str
        ngspice's own words about the failure (one or more lines).
    deck_line : str or None
        The offending deck line, when ngspice names one.
    log : str
        Everything ngspice printed for this run.
    """

    def __init__(
        self,
        summary: str,
        ngspice_message: str = "",
        deck_line: str | None = None,
        log: str = "",
    ) -> None:
        self.ngspice_message = ngspice_message
        self.deck_line = deck_line
        self.log = log
        parts = [summary]
        if ngspice_message:
            parts.append(f"ngspice said: {ngspice_message}")
        if deck_line:
            parts.append(f"offending deck line: {deck_line}")
        super().__init__("\n".join(parts))


class NgspiceSyntaxError(SimulationError):
    """ngspice could not parse the deck."""


class SingularMatrixError(SimulationError):
    """The circuit matrix is singular (a floating node or a loop of sources).

    Attributes
    ----------
    node : str or None
        The node ngspice names as the likely culprit.
    """

    def __init__(self, summary: str, node: str | None = None, **kwargs: object) -> None:
        self.node = node
        super().__init__(summary, **kwargs)  # type: ignore[arg-type]


class TimestepTooSmallError(SimulationError):
    """The transient analysis aborted with "timestep too small".

    Attributes
    ----------
    time_s : float or None
        Simulation time reached when ngspice gave up (s); None when it failed
        at the initial time point.
    """

    def __init__(self, summary: str, time_s: float | None = None, **kwargs: object) -> None:
        self.time_s = time_s
        super().__init__(summary, **kwargs)  # type: ignore[arg-type]


class ConvergenceError(SimulationError):
    """ngspice did not converge (operating point or DC sweep)."""


class SimulationTimeout(SimulationError):
    """ngspice did not finish within the allowed time."""


class EngineError(SimulationError):
    """pymem's native transient engine could not finish a run.

    Attributes
    ----------
    time_s : float or None
        Simulation time where it stopped (s).
    cell : tuple of int or None
        The cell (row, column) concerned, when one is.
    """

    def __init__(
        self, summary: str, time_s: float | None = None, cell: tuple[int, int] | None = None
    ) -> None:
        self.time_s = time_s
        self.cell = cell
        super().__init__(summary)


class EngineConvergenceError(EngineError, ConvergenceError):
    """Newton's method on the node equations did not converge."""


class StepBudgetError(EngineError):
    """A transient needed more time steps than its budget allows."""


class StateBoundsError(EngineError):
    """A device state left its model's bounds during a transient."""


class SlowSimulationWarning(UserWarning):
    """A simulation about to start is expected to take long; the message says how long and what is faster."""


class NgspiceCrashError(SimulationError):
    """ngspice ended on a signal (a crash such as SIGSEGV, or killed from outside).

    Attributes
    ----------
    signal_number : int
        The signal that ended the process.
    """

    def __init__(self, summary: str, signal_number: int, **kwargs: object) -> None:
        self.signal_number = signal_number
        super().__init__(summary, **kwargs)  # type: ignore[arg-type]


class RawFileTruncatedError(SimulationError):
    """An ngspice raw file ends before the data its header announces."""


class IntegrationBudgetError(SimulationError):
    """The numpy reference integration of a device used up its step budget."""


class OutputPathError(ParameterError):
    """An output file or folder cannot be written (a directory, a missing folder, no permission)."""


class TooLargeError(ParameterError):
    """A requested problem would need more memory than the machine has available."""


class ReadDisturbError(ParameterError):
    """A read would move the stored device states by more than the tolerance allowed."""


class ReadDisturbWarning(UserWarning):
    """A read moves the stored device states noticeably (it is partly a write)."""


class SweepSpecMismatchError(ParameterError):
    """A sweep's results file holds the results of another sweep spec."""


class SweepLockedError(ParameterError):
    """Another running sweep writes the same results file."""


class NewtonConvergenceError(SimulationError):
    """pymem's own circuit solver did not converge on a read.

    Attributes
    ----------
    vector_index : int or None
        Index of the input vector in the batch, when known.
    residual_a : float
        Largest KCL residual at the last iterate (A).
    """

    def __init__(
        self, summary: str, vector_index: int | None = None, residual_a: float = float("nan")
    ) -> None:
        self.vector_index = vector_index
        self.residual_a = residual_a
        super().__init__(summary)


class PageTooLargeError(ParameterError):
    """The explorable page (``pymem page``) was asked for an array or data it cannot show."""


class PeripheryParameterError(ParameterError):
    """An energy-model parameter of the periphery (ADC bits, rates, times, powers) is out of range."""


class DataFileError(ParameterError):
    """A data file cannot be used: a measured sweep (a missing column, a bad cell, time that does
    not increase) or a training set (MNIST IDX, ``.npz``: missing, malformed, truncated, inconsistent).

    The message names the file, and the line where there is one (1-based, as an editor shows it).
    """


class FitConvergenceError(SimulationError):
    """A least-squares fit of a device model to measured data did not converge."""


class FitBoundWarning(UserWarning):
    """A fitted parameter ended on a bound of its allowed range: the data want a value outside it."""


class NoVerilogAFormError(ParameterError):
    """A device model has no Verilog-A form (its equations use something Verilog-A cannot express)."""


class TileSizeError(ParameterError):
    """A crossbar tile size below 2 (a differential pair of columns needs 2)."""


class HiddenWidthError(ParameterError):
    """A hidden-layer width that the tile mapping cannot hold (not a whole number >= 1)."""


class WeightShapeError(ParameterError):
    """Layer weight matrices whose shapes do not chain, or a weights file laid out otherwise."""
