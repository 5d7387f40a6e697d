"""Sweep tasks used by tests/test_sweep.py as ``sweep_tasks:NAME`` (a user's own task functions)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any


def slow_square(params: dict[str, Any]) -> dict[str, Any]:
    """k squared, after ``sleep_s`` seconds."""
    time.sleep(float(params.get("sleep_s", 0.0)))
    return {"square": int(params["k"]) ** 2}


def segfault_on_two(params: dict[str, Any]) -> dict[str, Any]:
    """Kills its own worker process with SIGSEGV (as a crashing ngspice would) when k == 2."""
    if int(params["k"]) == 2:
        os.kill(os.getpid(), signal.SIGSEGV)
    return {"square": int(params["k"]) ** 2}
