"""Shared test set-up: ngspice is a required dependency, never a reason to skip."""

from __future__ import annotations

import pytest

from pymem.errors import NgspiceNotFoundError


def pytest_sessionstart(session: pytest.Session) -> None:
    from pymem.backends import find_binary, find_library

    try:
        find_binary()
        find_library()
    except NgspiceNotFoundError as exc:
        raise pytest.UsageError(
            f"pymem's tests need ngspice and libngspice: {exc}\n"
            "Install them with: sudo apt-get install -y ngspice libngspice0-dev (or run ./dev.sh test)"
        ) from exc
