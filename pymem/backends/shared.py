"""In-process backend: ngspice's shared library through PySpice's ``NgSpiceShared``.

Only the library loading and the C callbacks of PySpice are used; pymem sends
the commands itself and reads every line ngspice prints, because PySpice 1.5
mistakes informational stderr lines for errors and hides ngspice's words.

The shared library is one per process (its state is global in C), so the
:class:`_Engine` that owns it is created once per library path and guarded by
a lock; every :class:`SharedSession` run starts from a clean engine: no
circuit, no plot and no option of an earlier deck survives.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from typing import Any

import numpy as np

from pymem.backends.locate import find_library
from pymem.backends.messages import raise_for_log
from pymem.backends.process import resolve_timeout, wait_seconds
from pymem.backends.result import SimResult, analysis_kind_of, canonical_vector_name
from pymem.constants import ENV_NGSPICE_LIBRARY, ENV_NGSPICE_TIMEOUT
from pymem.errors import INSTALL_HINT, NgspiceNotFoundError, SimulationError, SimulationTimeout

_ENGINES: dict[str, _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _quiet_pyspice() -> None:
    # PySpice logs "Unsupported Ngspice version 39" and every stderr line as an
    # error; pymem reports ngspice's messages itself.
    logging.getLogger("PySpice").setLevel(logging.CRITICAL + 1)


class _Engine:
    """One loaded libngspice with captured output. Not thread safe: use ``lock``."""

    def __init__(self, library: str) -> None:
        _quiet_pyspice()
        try:
            from PySpice.Spice.NgSpice import Shared
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise NgspiceNotFoundError(f"PySpice is not installed: pip install PySpice ({exc})") from exc
        engine = self
        self.lines: list[str] = []
        self.finished = threading.Event()
        self.lock = threading.Lock()
        self.library = library

        class _Captured(Shared.NgSpiceShared):
            LIBRARY_PATH = library.replace("{", "{{").replace("}", "}}")

            def send_char(self, message: str, ngspice_id: int) -> int:
                engine.lines.append(message)
                return 0

            def send_stat(self, message: str, ngspice_id: int) -> int:
                return 0

            @staticmethod
            def _background_thread_running(not_running: Any, ngspice_id: Any, user_data: Any) -> int:
                # ngspice calls this with False when its thread starts, True when it ends.
                if not_running:
                    engine.finished.set()
                return 0

        try:
            self.ng = _Captured(ngspice_id=0)
        except OSError as exc:
            raise NgspiceNotFoundError(
                f"cannot load the ngspice shared library {library!r}: {exc}. Install it: {INSTALL_HINT}"
            ) from exc
        except Exception as exc:  # cffi refuses a second declaration of ngspice's API in one process
            raise SimulationError(
                f"cannot start ngspice's shared library in this process ({type(exc).__name__}: {exc}). "
                "This happens when PySpice's own NgSpiceShared was started here first; "
                "use backend='batch' in this process, or run pymem's shared backend in another one",
                ngspice_message=str(exc),
            ) from exc
        self.ffi = Shared.ffi
        self.lib = self.ng._ngspice_shared
        self.version = int(self.ng.ngspice_version)
        self._voltage = self.ng.simulation_type.voltage
        self._current = self.ng.simulation_type.current

    def command(self, text: str) -> list[str]:
        """Send one command and return the lines it printed."""
        start = len(self.lines)
        self.lib.ngSpice_Command(text.encode("ascii"))
        return self.lines[start:]

    def reset(self) -> None:
        """Remove every circuit and plot left by earlier decks."""
        for _ in range(1000):
            out = self.command("remcirc")
            if any("no circuit" in line.lower() for line in out):
                break
        self.command("destroy all")
        self.lines.clear()

    def load(self, deck: str) -> None:
        keep = [self.ffi.new("char[]", line.encode("utf-8")) for line in deck.splitlines()]
        keep.append(self.ffi.new("char[]", b""))
        array = self.ffi.new("char *[]", [*keep, self.ffi.NULL])
        self.lib.ngSpice_Circ(array)

    def run(self, timeout: float | None) -> bool:
        """Run in ngspice's background thread; return False on timeout (halted)."""
        self.finished.clear()
        self.command("bg_run")
        if self.finished.wait(timeout):
            return True
        self.command("bg_halt")
        self.finished.wait(30.0)
        return False

    def current_plot(self) -> str:
        return self.ffi.string(self.lib.ngSpice_CurPlot()).decode()

    def vectors(self, plot: str) -> dict[str, np.ndarray]:
        """Copy every vector of ``plot`` into numpy arrays, by canonical name."""
        ffi = self.ffi
        names_c = self.lib.ngSpice_AllVecs(plot.encode())
        out: dict[str, np.ndarray] = {}
        k = 0
        while names_c[k] != ffi.NULL:
            name = ffi.string(names_c[k]).decode()
            k += 1
            info = self.lib.ngGet_Vec_Info(f"{plot}.{name}".encode())
            n = info.v_length
            if info.v_compdata == ffi.NULL:
                arr = np.frombuffer(ffi.buffer(info.v_realdata, n * 8), dtype=np.float64).copy()
            else:
                pairs = np.frombuffer(ffi.buffer(info.v_compdata, n * 16), dtype=np.float64)
                arr = pairs[0::2] + 1j * pairs[1::2]
            v_type = self.ng.simulation_type[info.v_type]
            kind = (
                "voltage" if v_type == self._voltage else ("current" if v_type == self._current else "other")
            )
            out[canonical_vector_name(name, kind)] = arr
        if "frequency" in out:
            out["frequency"] = out["frequency"].real.copy()
        return out


def check_is_libngspice(path: str) -> None:
    """Load ``path`` as a shared library and check that it is libngspice.

    Raises
    ------
    NgspiceNotFoundError
        When ``path`` is not a shared library, or one without ngspice's API
        (``ngSpice_Init``), naming the path and ``PYMEM_NGSPICE_LIBRARY``.
    """
    fix = (
        f"point {ENV_NGSPICE_LIBRARY} at libngspice.so (for example "
        f"/usr/lib/x86_64-linux-gnu/libngspice.so.0) or unset it to use the system one ({INSTALL_HINT})"
    )
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise NgspiceNotFoundError(f"cannot load {path!r} as a shared library ({exc}); {fix}") from exc
    if not hasattr(lib, "ngSpice_Init"):
        raise NgspiceNotFoundError(
            f"{path!r} is a shared library but not libngspice: it has no ngSpice_Init function; {fix}"
        )


def engine_for(library: str | None = None) -> _Engine:
    """Return the process's engine for ``library`` (default: the located one)."""
    path = library or find_library()
    with _ENGINES_LOCK:
        if path not in _ENGINES:
            if _ENGINES:
                raise NgspiceNotFoundError(
                    f"this process already loaded {next(iter(_ENGINES))!r}; ngspice's shared "
                    f"library cannot be loaded twice in one process (asked for {path!r}). "
                    "Use the batch backend or another process for a second ngspice."
                )
            check_is_libngspice(path)
            _ENGINES[path] = _Engine(path)
        return _ENGINES[path]


class SharedSession:
    """Run decks in-process through libngspice.

    Use as a context manager; each :meth:`run` starts from a clean simulator.

    Parameters
    ----------
    library : str, optional
        Path of ``libngspice.so``; default from ``PYMEM_NGSPICE_LIBRARY`` or
        the system's library directories.

    Examples
    --------
    >>> with SharedSession() as sim:                      # doctest: +SKIP
    ...     res = sim.run("t\\nV1 a 0 1\\nR1 a 0 1k\\n.op\\n.end\\n")
    """

    name = "shared"

    def __init__(self, library: str | None = None) -> None:
        self._engine = engine_for(library)

    @property
    def ngspice_version(self) -> int:
        """Major version of the loaded ngspice."""
        return self._engine.version

    @property
    def library(self) -> str:
        """Path of the loaded shared library."""
        return self._engine.library

    def __enter__(self) -> SharedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._engine.lock:
            self._engine.reset()

    def run(self, deck: str, timeout: float | None = None) -> SimResult:
        """Load ``deck``, run its analyses, return the last analysis' vectors.

        Parameters
        ----------
        deck : str
            A complete deck (title line first, ``.end`` last).
        timeout : float, optional
            Seconds after which the run is halted and :class:`SimulationTimeout` raised;
            default ``PYMEM_NGSPICE_TIMEOUT``, else :data:`pymem.constants.DEFAULT_TIMEOUT_S`.

        Raises
        ------
        SimulationError
            Or a subclass, with ngspice's own message.
        """
        t0 = time.perf_counter()
        limit = resolve_timeout(timeout)
        eng = self._engine
        with eng.lock:
            eng.reset()
            t1 = time.perf_counter()
            eng.load(deck)
            load_lines = list(eng.lines)
            raise_for_log(load_lines, deck, produced_data=True)
            finished = eng.run(wait_seconds(limit))
            t2 = time.perf_counter()
            lines = list(eng.lines)
            log = "\n".join(lines)
            if not finished:
                eng.reset()
                raise SimulationTimeout(
                    f"ngspice did not finish within {limit:.3g} s; the run was halted. "
                    f"Raise the timeout (or {ENV_NGSPICE_TIMEOUT}) or shrink the circuit",
                    ngspice_message=lines[-1] if lines else "",
                    log=log,
                )
            plot = eng.current_plot()
            vectors = eng.vectors(plot) if plot != "const" else {}
            try:
                raise_for_log(lines, deck, produced_data=bool(vectors))
            finally:
                eng.reset()
        return SimResult(
            vectors=vectors,
            analysis=analysis_kind_of(plot),
            log=log,
            backend=self.name,
            deck=deck,
            seconds=time.perf_counter() - t0,
            ngspice_seconds=t2 - t1,
        )
