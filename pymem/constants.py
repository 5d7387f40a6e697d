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

# ----- options of operations, training, fits and device models --------------------------------
DeviceBackend = Literal["ngspice", "reference"]
"""Engines of a one-device transient: ngspice on the subcircuit, or scipy on the numpy equations."""
DEVICE_BACKENDS: tuple[str, ...] = get_args(DeviceBackend)
FitTransform = Literal["log", "neglog", "lin"]
"""How a fitted parameter is searched: log of it, log of its negative, or as it is."""
FIT_TRANSFORMS: tuple[str, ...] = get_args(FitTransform)
FitScale = Literal["log", "linear"]
"""Residual of a fit: asinh of current over a floor (log-like), or linear current."""
FIT_SCALES: tuple[str, ...] = get_args(FitScale)
WriteTolerance = Literal["default", "tight"]
"""ngspice write decks' tolerances: each model's measured default, or the tight reference setting."""
WRITE_TOLERANCES: tuple[str, ...] = get_args(WriteTolerance)
NonlinearMethod = Literal["batch", "per-vector"]
"""Nonlinear reads: batched chord Newton, or Newton vector by vector (the reference path)."""
NONLINEAR_METHODS: tuple[str, ...] = get_args(NonlinearMethod)
UpdateRule = Literal["manhattan", "outer"]
"""Training pulse rules: Manhattan (sign of the update), or outer product (pulse widths by size)."""
RULES: tuple[str, ...] = get_args(UpdateRule)
DataName = Literal["iris", "digits", "wine", "breast_cancer", "mnist", "npz"]
"""Training data: scikit-learn's sets, MNIST-format IDX files, or a user's .npz."""
DATASETS: tuple[str, ...] = get_args(DataName)
Activation = Literal["relu", "sigmoid"]
"""Hidden-layer nonlinearity of an inferred network."""
ACTIVATIONS: tuple[str, ...] = get_args(Activation)
ReadBackend = Literal["solver", "ngspice"]
"""Engines of training reads: pymem's exact solver, or ngspice."""
READ_BACKENDS: tuple[str, ...] = get_args(ReadBackend)
WriteScheme = Literal["v2", "v3", "float"]
"""Half-select schemes of a write: V/2, V/3, or unselected lines floating."""
SCHEMES: tuple[str, ...] = get_args(WriteScheme)
RModel = Literal["linear", "exponential"]
"""(V)TEAM resistance laws: linear or exponential in the state."""
R_MODELS: tuple[str, ...] = get_args(RModel)
VteamWindow = Literal["none", "biolek"]
"""VTEAM windows."""
VTEAM_WINDOWS: tuple[str, ...] = get_args(VteamWindow)
TeamWindow = Literal["none", "biolek", "joglekar", "prodromakis", "kvatinsky"]
"""TEAM windows (the TEAM paper's and Xyce's)."""
TEAM_WINDOWS: tuple[str, ...] = get_args(TeamWindow)
HpWindow = Literal["none", "joglekar", "biolek", "prodromakis"]
"""HP model windows."""
HP_WINDOWS: tuple[str, ...] = get_args(HpWindow)
SKLEARN_SETS: tuple[str, ...] = ("iris", "digits", "wine", "breast_cancer")
"""The data sets that ship with scikit-learn, loaded by name."""
INFER_DATASETS: tuple[str, ...] = ("iris", "digits")
"""Data sets ``pymem infer`` classifies (those whose networks the tests train elsewhere)."""
