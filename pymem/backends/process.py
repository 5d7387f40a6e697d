"""Start processes so that a hung or crashed one cannot outlive its timeout.

Every process pymem starts (``ngspice -b``, ``ngspice --version``) goes
through :func:`run_process`: it runs in its own process group (its own
session), has a timeout, and on timeout, on an interrupt or on any other
exception the whole group is killed, so children that a wrapper script or
ngspice itself started go with it.

The timeout of a call that gives none comes from :func:`resolve_timeout`:
``PYMEM_NGSPICE_TIMEOUT`` (seconds, or ``inf``), else
:data:`pymem.constants.DEFAULT_TIMEOUT_S`.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pymem.constants import DEFAULT_TIMEOUT_S, ENV_NGSPICE_TIMEOUT
from pymem.errors import ParameterError, SimulationTimeout

_DRAIN_S = 5.0
"""Seconds to collect the output of a killed group before giving up on its pipes."""


@dataclass(frozen=True)
class Finished:
    """A process that ended by itself.

    Attributes
    ----------
    returncode : int
        Exit status; ``-N`` when signal N ended it.
    stdout, stderr : str
        What it printed.
    """

    returncode: int
    stdout: str
    stderr: str


def resolve_timeout(timeout: float | None) -> float:
    """The limit (s) of a run: ``timeout`` if given, else the user's default.

    Parameters
    ----------
    timeout : float or None
        Seconds (> 0, ``math.inf`` for no limit); None for the default.

    Returns
    -------
    float
        Seconds, > 0; ``math.inf`` means no limit.

    Raises
    ------
    ParameterError
        For a timeout, or a ``PYMEM_NGSPICE_TIMEOUT`` value, that is not a positive number.
    """
    if timeout is not None:
        if isinstance(timeout, bool) or not (isinstance(timeout, int | float) and timeout > 0):
            raise ParameterError(f"timeout must be a positive number of seconds, got {timeout!r}")
        return float(timeout)
    text = os.environ.get(ENV_NGSPICE_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0:
        raise ParameterError(
            f"{ENV_NGSPICE_TIMEOUT}={text!r} is not a positive number of seconds; "
            f"set it to seconds (for example 600, or inf for no limit) or unset it "
            f"for the default of {DEFAULT_TIMEOUT_S:g} s"
        )
    return value


def wait_seconds(limit: float) -> float | None:
    """``limit`` as the argument of a blocking wait: None for no limit."""
    return None if math.isinf(limit) else limit


def last_line(text: str) -> str:
    """The last non-blank line of ``text``, stripped ("" when there is none)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(proc.pid, signal.SIGKILL)


def run_process(
    argv: list[str],
    timeout: float,
    what: str,
    fix: str,
    cwd: str | Path | None = None,
) -> Finished:
    """Run ``argv`` in its own process group; kill the group when ``timeout`` passes.

    Parameters
    ----------
    argv : list of str
        Program and arguments.
    timeout : float
        Seconds (> 0; ``math.inf`` for no limit).
    what : str
        What the process does, for the timeout message (``"ngspice -b deck.cir"``).
    fix : str
        What the user can do about a timeout, appended to the message.
    cwd : str or Path, optional
        Working folder.

    Returns
    -------
    Finished
        Exit status and output of a process that ended by itself.

    Raises
    ------
    SimulationTimeout
        When ``timeout`` passed; the process and its whole group were killed.
    OSError
        When ``argv[0]`` cannot be started.
    """
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        cwd=cwd,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=wait_seconds(timeout))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        try:
            out, err = proc.communicate(timeout=_DRAIN_S)
        except subprocess.TimeoutExpired:  # a member left the group and holds the pipes open
            proc.kill()
            out, err = "", ""
        printed = (out or "") + (err or "")
        raise SimulationTimeout(
            f"{what} did not finish within {timeout:.3g} s; it was killed with its process group. {fix}",
            ngspice_message=last_line(printed),
            log=printed,
        ) from None
    finally:
        if proc.poll() is None:  # an interrupt or another exception: leave nothing running
            _kill_group(proc)
            proc.wait()
    return Finished(returncode=proc.returncode, stdout=out, stderr=err)
