"""Find the ngspice binary and shared library, honouring the user's choice.

``PYMEM_NGSPICE`` names the binary (a path or a command on ``PATH``),
``PYMEM_NGSPICE_LIBRARY`` the shared library (a path). Without them pymem
takes ``ngspice`` from ``PATH`` and ``libngspice.so`` from the system's
library directories.
"""

from __future__ import annotations

import ctypes.util
import glob
import os
import re
import shutil
from pathlib import Path

from pymem.backends.process import resolve_timeout, run_process
from pymem.constants import ENV_NGSPICE_BINARY, ENV_NGSPICE_LIBRARY
from pymem.errors import INSTALL_HINT, NgspiceNotFoundError

_LIB_DIRS = (
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/opt/homebrew/lib",
)


def find_binary() -> str:
    """Return the path of the ngspice binary to run.

    Raises
    ------
    NgspiceNotFoundError
        With the install command, or the bad ``PYMEM_NGSPICE`` value.
    """
    chosen = os.environ.get(ENV_NGSPICE_BINARY)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise NgspiceNotFoundError(
                f"{ENV_NGSPICE_BINARY}={chosen!r} is not an executable ngspice; "
                f"point it at your ngspice binary or unset it to use the system one ({INSTALL_HINT})"
            )
        return found
    found = shutil.which("ngspice")
    if found is None:
        raise NgspiceNotFoundError(
            f"ngspice is not installed (no 'ngspice' on PATH). Install it: {INSTALL_HINT} "
            f"(or set {ENV_NGSPICE_BINARY} to your ngspice binary)"
        )
    return found


def find_library() -> str:
    """Return the path of the libngspice shared library to load.

    Raises
    ------
    NgspiceNotFoundError
        With the install command, or the bad ``PYMEM_NGSPICE_LIBRARY`` value.
    """
    chosen = os.environ.get(ENV_NGSPICE_LIBRARY)
    if chosen:
        if not Path(chosen).is_file():
            raise NgspiceNotFoundError(
                f"{ENV_NGSPICE_LIBRARY}={chosen!r} is not a file; point it at your "
                f"libngspice.so or unset it to use the system one ({INSTALL_HINT})"
            )
        return str(Path(chosen).resolve())
    for directory in _LIB_DIRS:
        for name in ("libngspice.so", "libngspice.so.0", "libngspice.dylib"):
            candidate = Path(directory) / name
            if candidate.exists():
                return str(candidate.resolve())
    hits = sorted(glob.glob("/usr/lib/*/libngspice.so*"))
    if hits:
        return str(Path(hits[0]).resolve())
    by_loader = ctypes.util.find_library("ngspice")
    if by_loader:
        return by_loader
    raise NgspiceNotFoundError(
        "the ngspice shared library (libngspice.so) is not installed. Install it: "
        f"{INSTALL_HINT} (or set {ENV_NGSPICE_LIBRARY} to your libngspice.so)"
    )


VERSION_TIMEOUT_S = 30.0
"""Longest ``ngspice --version`` may take (s); ``PYMEM_NGSPICE_TIMEOUT`` if shorter."""


def binary_version(binary: str, timeout: float | None = None) -> int:
    """Major version of an ngspice binary, from ``ngspice --version``.

    Parameters
    ----------
    binary : str
        Path of the binary.
    timeout : float, optional
        Seconds it may take, at most :data:`VERSION_TIMEOUT_S`.

    Raises
    ------
    NgspiceNotFoundError
        When it cannot run or prints no version.
    SimulationTimeout
        When it does not answer in time (its process group is killed).
    """
    limit = min(resolve_timeout(timeout), VERSION_TIMEOUT_S)
    try:
        out = run_process(
            [binary, "--version"],
            limit,
            what=f"{binary} --version",
            fix=f"That binary hangs: point {ENV_NGSPICE_BINARY} at a working ngspice or unset it "
            f"({INSTALL_HINT})",
        )
    except OSError as exc:
        raise NgspiceNotFoundError(f"cannot run {binary!r}: {exc}; {INSTALL_HINT}") from exc
    m = re.search(r"ngspice-(\d+)", out.stdout + out.stderr)
    if not m:
        raise NgspiceNotFoundError(
            f"{binary!r} does not look like ngspice (its --version printed no 'ngspice-N'); {INSTALL_HINT}"
        )
    return int(m.group(1))
