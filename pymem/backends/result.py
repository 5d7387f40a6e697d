"""The result of one simulator run, the same whichever backend made it."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

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


def source_energy_steps(
    res: SimResult, sources: Collection[str] | None = None
) -> dict[str, NDArray[np.float64]]:
    """Energy each independent voltage source delivers in each step of a transient (J).

    A source's branch current in ngspice flows from its + node through it to
    its - node, so the power it delivers is -v i (v the + node's voltage; a
    source whose + node is ground is left out). Voltage and current are each
    taken as linear between ngspice's time points, so a step of length h adds
    h/6 (2 v0 i0 + v0 i1 + v1 i0 + 2 v1 i1): exact for a resistive load on a
    PWL edge, where the trapezoid of the product v i overstates it
    (docs/write-tolerances.md measured 1e-4 to 5e-4 of the energy), and equal
    to the trapezoid where the voltage is held.

    Parameters
    ----------
    res : SimResult
        A transient result with its deck (the source lines name the + nodes).
    sources : collection of str, optional
        Lower-case source names (``"vin0"``); None: every top-level voltage source.

    Returns
    -------
    dict of str to ndarray, each of shape (n_points - 1,)
        Source name to the energy of each step (J).
    """
    h = np.diff(res["time"])
    steps: dict[str, NDArray[np.float64]] = {}
    for name, current in res.items():
        if not (name.startswith("i(v") and "." not in name):
            continue
        src = name[2:-1]
        if sources is not None and src not in sources:
            continue
        v = _source_node_voltage(res, src)
        if v is not None:
            i = -np.asarray(current, dtype=float)
            v0, v1, i0, i1 = v[:-1], v[1:], i[:-1], i[1:]
            steps[src] = h / 6 * (2 * v0 * i0 + v0 * i1 + v1 * i0 + 2 * v1 * i1)
    return steps


def source_energy(res: SimResult) -> float:
    """Energy delivered by every independent voltage source over a whole transient (J).

    The sum of :func:`source_energy_steps`.
    """
    return sum((float(np.sum(e)) for e in source_energy_steps(res).values()), 0.0)


def _source_node_voltage(res: SimResult, src: str) -> np.ndarray | None:
    deck_line = next((ln for ln in res.deck.splitlines() if ln.split(" ", 1)[0].lower() == src), None)
    if deck_line is None:
        return None
    node = deck_line.split()[1].lower()
    return res.v(node) if node != "0" else None
