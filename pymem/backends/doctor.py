"""``pymem doctor``: what ngspice pymem will use, and whether it works."""

from __future__ import annotations

import importlib.metadata
import platform
from typing import Any

from pymem.errors import INSTALL_HINT, PymemError


def _pyspice_version() -> str:
    try:
        return importlib.metadata.version("PySpice")
    except importlib.metadata.PackageNotFoundError:
        return ""


def diagnose() -> dict[str, Any]:
    """Probe the ngspice binary and shared library.

    Returns
    -------
    dict
        ``ngspice_version`` (int, of the shared library, 0 if unusable),
        ``binary`` and ``binary_version``, ``shared_library`` (str path),
        ``klu`` (bool: KLU compiled into the shared library),
        ``klu_batch`` (bool), ``pyspice_version`` (str), ``python`` (str),
        ``ok`` (bool), ``problems`` (list of str, each with its fix) and
        ``verdict`` (one line).
    """
    from pymem import backends
    from pymem.backends.locate import binary_version

    info: dict[str, Any] = {
        "ngspice_version": 0,
        "binary": "",
        "binary_version": 0,
        "shared_library": "",
        "klu": False,
        "klu_batch": False,
        "pyspice_version": _pyspice_version(),
        "python": platform.python_version(),
    }
    problems: list[str] = []
    if not info["pyspice_version"]:
        problems.append("PySpice is not installed: pip install PySpice")
    try:
        info["binary"] = backends.find_binary()
        info["binary_version"] = binary_version(info["binary"])
        info["klu_batch"] = backends.has_klu("batch")
    except PymemError as exc:
        problems.append(str(exc))
    try:
        info["shared_library"] = backends.find_library()
        with backends.SharedSession(info["shared_library"]) as sim:
            info["ngspice_version"] = sim.ngspice_version
        info["klu"] = backends.has_klu("shared")
    except PymemError as exc:
        problems.append(str(exc))
    if (
        not problems
        and info["binary_version"]
        and info["ngspice_version"]
        and info["binary_version"] != info["ngspice_version"]
    ):
        problems.append(
            f"the ngspice binary is version {info['binary_version']} but the shared library is "
            f"{info['ngspice_version']}: the batch and shared backends may disagree. Install "
            f"matching versions ({INSTALL_HINT}) or set PYMEM_NGSPICE and PYMEM_NGSPICE_LIBRARY"
        )
    info["problems"] = problems
    info["ok"] = not problems
    if problems:
        first = problems[0].splitlines()[0] if problems[0] else problems[0]
        info["verdict"] = f"NOT READY: {first}"
    else:
        solver = "KLU" if info["klu"] else "Sparse 1.3 (no KLU: large arrays are slow in ngspice)"
        info["verdict"] = f"ready: ngspice {info['ngspice_version']} (shared and batch), solver {solver}"
    return info
