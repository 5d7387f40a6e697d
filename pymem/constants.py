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
