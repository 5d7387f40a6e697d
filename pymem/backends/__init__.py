"""Simulator backends: the only part of pymem that starts ngspice.

``run(deck, backend="shared" | "batch")`` is the one entry point; sessions
(:class:`SharedSession`, :class:`BatchSession`) are there for callers that
run many decks.
"""

from __future__ import annotations

import functools
import re

from pymem.backends.batch import BatchSession
from pymem.backends.locate import find_binary, find_library
from pymem.backends.rawfile import RawPlot, parse_raw, read_raw
from pymem.backends.result import SimResult
from pymem.backends.shared import SharedSession
from pymem.constants import BACKENDS, KLU_MODES, BackendName, KluMode
from pymem.errors import ParameterError

__all__ = [
    "BatchSession",
    "RawPlot",
    "SharedSession",
    "SimResult",
    "find_binary",
    "find_library",
    "has_klu",
    "open_session",
    "parse_raw",
    "read_raw",
    "run",
    "with_klu",
]

_KLU_PROBE = """pymem klu probe
V1 a 0 1
R1 a 0 1k
.options klu
.op
.end
"""
_KLU_USED = re.compile(r"using\s+klu", re.IGNORECASE)


def open_session(backend: BackendName = "shared") -> SharedSession | BatchSession:
    """Create a session of the named backend.

    Raises
    ------
    ParameterError
        For a backend name other than ``"shared"`` or ``"batch"``.
    """
    if backend == "shared":
        return SharedSession()
    if backend == "batch":
        return BatchSession()
    raise ParameterError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


@functools.cache
def has_klu(backend: BackendName = "shared") -> bool:
    """Whether the ngspice behind ``backend`` has the KLU solver compiled in.

    ngspice 39 accepts ``.options klu`` silently, so the answer comes from
    running a probe deck and looking for ngspice's "Using KLU" line.
    """
    with open_session(backend) as sim:
        result = sim.run(_KLU_PROBE, timeout=60)
    return bool(_KLU_USED.search(result.log))


def with_klu(deck: str) -> str:
    """Return ``deck`` with ``.options klu`` inserted before its ``.end`` line."""
    lines = deck.rstrip("\n").split("\n")
    if lines and lines[-1].strip().lower() == ".end":
        return "\n".join([*lines[:-1], ".options klu", lines[-1]]) + "\n"
    return "\n".join([*lines, ".options klu", ".end"]) + "\n"


def run(
    deck: str,
    backend: BackendName = "shared",
    timeout: float | None = None,
    klu: KluMode = "auto",
) -> SimResult:
    """Run a deck through ngspice and return the vectors of its last analysis.

    Parameters
    ----------
    deck : str
        Complete deck text, title line first, ``.end`` last.
    backend : {"shared", "batch"}
        In-process shared library, or an ``ngspice -b`` subprocess.
    timeout : float, optional
        Seconds before the run is stopped with :class:`pymem.errors.SimulationTimeout`.
    klu : {"auto", "on", "off"}
        Add ``.options klu`` when the installed ngspice has KLU (``auto``),
        always (``on``) or never (``off``).

    Returns
    -------
    SimResult
        Vectors by canonical name (``v(node)``, ``i(source)``, ``time``).

    Raises
    ------
    ParameterError
        For an unknown backend or KLU mode.
    SimulationError
        Or a subclass, carrying ngspice's own message.
    """
    if klu not in KLU_MODES:
        raise ParameterError(f"unknown klu mode {klu!r}; choose one of {', '.join(KLU_MODES)}")
    if timeout is not None and not timeout > 0:
        raise ParameterError(f"timeout must be a positive number of seconds, got {timeout!r}")
    session = open_session(backend)
    if klu == "on" or (klu == "auto" and has_klu(backend)):
        deck = with_klu(deck)
    with session as sim:
        return sim.run(deck, timeout=timeout)
