"""String options of pymem as ``typing.Literal`` aliases, in one place."""

from __future__ import annotations

from typing import Literal, get_args

BackendName = Literal["shared", "batch"]
"""Simulator backends: in-process shared library, or ``ngspice -b`` subprocess."""

AnalysisKind = Literal["op", "dc", "tran", "ac", "unknown"]
"""Kinds of analysis a :class:`pymem.backends.SimResult` can hold."""

KluMode = Literal["auto", "on", "off"]
"""Whether decks get ``.options klu``: when available, always, never."""

BACKENDS: tuple[str, ...] = get_args(BackendName)
KLU_MODES: tuple[str, ...] = get_args(KluMode)

ENV_NGSPICE_BINARY = "PYMEM_NGSPICE"
"""Environment variable naming the ngspice binary to use (path or command)."""

ENV_NGSPICE_LIBRARY = "PYMEM_NGSPICE_LIBRARY"
"""Environment variable naming the libngspice shared library to load (path)."""

ENV_NGSPICE_TIMEOUT = "PYMEM_NGSPICE_TIMEOUT"
"""Environment variable: seconds an ngspice run (or any process pymem starts) may take when
the caller gives no ``timeout``; ``inf`` for no limit."""

DEFAULT_TIMEOUT_S = 3600.0
"""Default limit of one ngspice run (s) when neither ``timeout`` nor ``PYMEM_NGSPICE_TIMEOUT`` is
given: above the slowest write pulse measured here (64x64 on ngspice 39, over 13 min)."""

SenseKind = Literal["ideal", "tia"]
"""Column sense amplifiers: an ideal virtual ground, or an op-amp transimpedance amplifier."""

CellKind = Literal["1r", "1t1r"]
"""Crossbar cells: a bare memristor, or a memristor in series with an NMOS access transistor."""

MvmBackend = Literal["ngspice", "solver", "ideal"]
"""Ways to compute a crossbar read: ngspice transient, pymem's sparse solver, ideal math."""

SENSES: tuple[str, ...] = get_args(SenseKind)
CELLS: tuple[str, ...] = get_args(CellKind)
MVM_BACKENDS: tuple[str, ...] = get_args(MvmBackend)

WriteBackend = Literal["solver", "ngspice"]
"""Engines of a write transient: pymem's native engine, or ngspice."""

WRITE_BACKENDS: tuple[str, ...] = get_args(WriteBackend)
