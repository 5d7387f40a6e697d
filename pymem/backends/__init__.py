"""Simulator backends: the only part of pymem that starts ngspice.

``run(deck, backend="shared" | "batch")`` is the one entry point; sessions
(:class:`SharedSession`, :class:`BatchSession`) are there for callers that
run many decks.
"""

from __future__ import annotations

import re
import time

from pymem.backends.batch import BatchSession
from pymem.backends.locate import find_binary, find_library
from pymem.backends.process import resolve_timeout
from pymem.backends.rawfile import RawPlot, parse_raw, read_raw
from pymem.backends.result import SimResult
from pymem.backends.shared import SharedSession
from pymem.constants import (
    BACKENDS,
    ENV_NGSPICE_BINARY,
    ENV_NGSPICE_LIBRARY,
    KLU_MODES,
    BackendName,
    KluMode,
)
from pymem.errors import ParameterError, SimulationTimeout

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
    "resolve_timeout",
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


KLU_PROBE_TIMEOUT_S = 60.0
"""Longest the KLU probe (a two-element ``.op`` deck, tens of ms) may take (s)."""

_KLU_FOUND: dict[tuple[str, str], bool] = {}


def has_klu(backend: BackendName = "shared", timeout: float | None = None) -> bool:
    """Whether the ngspice behind ``backend`` has the KLU solver compiled in.

    ngspice 39 accepts ``.options klu`` silently, so the answer comes from
    running a probe deck and looking for ngspice's "Using KLU" line. The
    answer is kept per binary or library path.

    Parameters
    ----------
    backend : {"shared", "batch"}
        Which ngspice to ask.
    timeout : float, optional
        Seconds the probe may take, at most :data:`KLU_PROBE_TIMEOUT_S`;
        default ``PYMEM_NGSPICE_TIMEOUT`` if it is shorter.

    Raises
    ------
    SimulationTimeout
        When the probe did not finish in time: the ngspice hangs.
    """
    key = (backend, find_binary() if backend == "batch" else find_library())
    if key not in _KLU_FOUND:
        limit = min(resolve_timeout(timeout), KLU_PROBE_TIMEOUT_S)
        with open_session(backend) as sim:
            try:
                result = sim.run(_KLU_PROBE, timeout=limit)
            except SimulationTimeout as exc:
                raise SimulationTimeout(
                    f"ngspice ({key[1]}) did not finish a two-line probe deck within {limit:.3g} s: "
                    "it hangs. Check that it is a working ngspice (ngspice -b on any deck), or point "
                    f"{ENV_NGSPICE_BINARY if backend == 'batch' else ENV_NGSPICE_LIBRARY} at one",
                    ngspice_message=exc.ngspice_message,
                    log=exc.log,
                ) from exc
        _KLU_FOUND[key] = bool(_KLU_USED.search(result.log))
    return _KLU_FOUND[key]


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
        Seconds before the run (the KLU probe included) is stopped with
        :class:`pymem.errors.SimulationTimeout`; default ``PYMEM_NGSPICE_TIMEOUT``,
        else :data:`pymem.constants.DEFAULT_TIMEOUT_S` (``math.inf``: no limit).
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
    limit = resolve_timeout(timeout)
    start = time.monotonic()
    session = open_session(backend)
    if klu == "on" or (klu == "auto" and has_klu(backend, timeout=limit)):
        deck = with_klu(deck)
    # the KLU probe, when it ran, spent part of the caller's time
    remaining = limit - (time.monotonic() - start)
    if not remaining > 0:
        raise SimulationTimeout(f"the KLU probe used the whole timeout of {limit:.3g} s; raise the timeout")
    with session as sim:
        return sim.run(deck, timeout=remaining)
