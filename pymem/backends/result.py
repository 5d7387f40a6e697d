"""The result of one simulator run, the same whichever backend made it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from pymem.constants import AnalysisKind
from pymem.errors import ParameterError

_AXIS_NAMES = ("time", "frequency", "v(v-sweep)", "v(i-sweep)", "temp-sweep", "res-sweep")


def canonical_vector_name(name: str, kind: str) -> str:
    """Give a vector the name ngspice's raw file uses for it.

    Parameters
    ----------
    name : str
        Vector name as ngspice's shared library reports it (``out``,
        ``v1#branch``, ``time``, ``@r1[i]``).
    kind : str
        ``"voltage"``, ``"current"`` or anything else (left as it is).

    Returns
    -------
    str
        ``v(out)``, ``i(v1)``, ``time``: lower case, as in ``ngspice -b -r``.
    """
    name = name.lower()
    if name.startswith("@") or "(" in name:
        return name
    if name.endswith("#branch"):
        return f"i({name[: -len('#branch')]})"
    if kind == "voltage":
        return f"v({name})"
    return name


def analysis_kind_of(plot_name: str) -> AnalysisKind:
    """Map an ngspice plot name or raw-file ``Plotname`` to an analysis kind."""
    p = plot_name.lower()
    if p.startswith("op") or "operating point" in p:
        return "op"
    if p.startswith("dc") or "dc transfer" in p:
        return "dc"
    if p.startswith("tran") or "transient" in p:
        return "tran"
    if p.startswith("ac") or "ac analysis" in p:
        return "ac"
    return "unknown"


@dataclass(frozen=True)
class SimResult(Mapping[str, np.ndarray]):
    """Vectors of one analysis, by canonical name.

    A read-only mapping from vector name to a numpy array (float64, or
    complex128 for AC). Names follow ngspice's raw-file convention, lower
    case: node voltages ``v(node)``, branch currents ``i(vsource)``, axes
    ``time``, ``frequency`` or ``v(v-sweep)``.

    Attributes
    ----------
    vectors : dict of str to ndarray, each of shape (n_points,)
        The data (V, A, s, Hz).
    analysis : {"op", "dc", "tran", "ac", "unknown"}
        Kind of the analysis that produced the vectors.
    log : str
        Everything ngspice printed during the run.
    backend : str
        ``"shared"`` or ``"batch"``.
    deck : str
        The deck text that was run (with any option pymem added).
    seconds : float
        Wall time of the whole call, pymem's work included (s).
    ngspice_seconds : float
        Wall time spent inside ngspice's load and run (s).
    """

    vectors: dict[str, np.ndarray]
    analysis: AnalysisKind
    log: str = ""
    backend: str = ""
    deck: str = ""
    seconds: float = 0.0
    ngspice_seconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        key = name.lower()
        if key not in self.vectors:
            names = sorted(self.vectors)
            shown = ", ".join(names[:12]) + (f", ... ({len(names)} in all)" if len(names) > 12 else "")
            raise ParameterError(f"no vector {name!r} in this {self.analysis} result; available: {shown}")
        return self.vectors[key]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self.vectors

    def __iter__(self) -> Iterator[str]:
        return iter(self.vectors)

    def __len__(self) -> int:
        return len(self.vectors)

    def v(self, node: str) -> np.ndarray:
        """Voltage of ``node`` (V), shape (n_points,)."""
        return self[f"v({node})"]

    def i(self, source: str) -> np.ndarray:
        """Current through voltage source ``source`` (A), shape (n_points,)."""
        return self[f"i({source})"]

    @property
    def axis(self) -> np.ndarray | None:
        """The independent variable (time, frequency, sweep), or None for ``op``."""
        for name in _AXIS_NAMES:
            if name in self.vectors:
                return self.vectors[name]
        return None
