"""Subprocess backend: ``ngspice -b -r FILE.raw deck.cir``.

Process isolation (a crash of ngspice cannot take Python down, and is
reported with its signal), a hard timeout that kills ngspice's whole process
group, and independent workers for parallel sweeps. Results come back
through pymem's own raw-file reader.
"""

from __future__ import annotations

import signal
import tempfile
import time
from pathlib import Path

from pymem.backends.locate import find_binary
from pymem.backends.messages import raise_for_log
from pymem.backends.process import last_line, resolve_timeout, run_process
from pymem.backends.rawfile import read_raw
from pymem.backends.result import SimResult, analysis_kind_of
from pymem.constants import ENV_NGSPICE_TIMEOUT
from pymem.errors import INSTALL_HINT, NgspiceCrashError, NgspiceNotFoundError, SimulationError


class BatchSession:
    """Run decks with the ngspice binary in batch mode.

    Parameters
    ----------
    binary : str, optional
        ngspice binary; default from ``PYMEM_NGSPICE`` or ``PATH``.
    workdir : str or Path, optional
        Where decks and raw files are written; default a fresh temporary
        folder per run, removed afterwards.
    """

    name = "batch"

    def __init__(self, binary: str | None = None, workdir: str | Path | None = None) -> None:
        self.binary = binary or find_binary()
        self.workdir = Path(workdir) if workdir is not None else None

    def __enter__(self) -> BatchSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, deck: str, timeout: float | None = None) -> SimResult:
        """Run ``deck`` in a fresh ngspice process; see :meth:`SharedSession.run`.

        ``timeout`` (s) defaults to ``PYMEM_NGSPICE_TIMEOUT`` or
        :data:`pymem.constants.DEFAULT_TIMEOUT_S`; when it passes, ngspice and
        every process it started are killed and :class:`SimulationTimeout` raised.
        """
        t0 = time.perf_counter()
        limit = resolve_timeout(timeout)
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            return self._run_in(self.workdir, deck, limit, t0)
        with tempfile.TemporaryDirectory(prefix="pymem-") as tmp:
            return self._run_in(Path(tmp), deck, limit, t0)

    def _run_in(self, folder: Path, deck: str, timeout: float, t0: float) -> SimResult:
        deck_path = folder / "deck.cir"
        raw_path = folder / "deck.raw"
        deck_path.write_text(deck)
        raw_path.unlink(missing_ok=True)
        t1 = time.perf_counter()
        try:
            proc = run_process(
                [self.binary, "-b", "-r", str(raw_path), str(deck_path)],
                timeout,
                what=f"ngspice ({self.binary} -b)",
                fix=f"Raise the timeout (or {ENV_NGSPICE_TIMEOUT}) or shrink the circuit",
                cwd=folder,
            )
        except OSError as exc:
            raise NgspiceNotFoundError(f"cannot run {self.binary!r}: {exc}; {INSTALL_HINT}") from exc
        t2 = time.perf_counter()
        lines = proc.stdout.splitlines() + proc.stderr.splitlines()
        raise_for_crash(proc.returncode, lines)
        raise_for_log(lines, deck, produced_data=True)
        plots = read_raw(raw_path) if raw_path.exists() else []
        has_data = bool(plots) and any(len(a) for a in plots[-1].data.values())
        raise_for_log(lines, deck, produced_data=has_data)
        if proc.returncode != 0:
            raise SimulationError(
                f"ngspice exited with status {proc.returncode}",
                ngspice_message=last_line(proc.stderr),
                log="\n".join(lines),
            )
        last = plots[-1]
        return SimResult(
            vectors=dict(last.data),
            analysis=analysis_kind_of(last.plotname),
            log="\n".join(lines),
            backend=self.name,
            deck=deck,
            seconds=time.perf_counter() - t0,
            ngspice_seconds=t2 - t1,
        )


def raise_for_crash(returncode: int, lines: list[str]) -> None:
    """Raise :class:`NgspiceCrashError` when ngspice ended on a signal.

    Parameters
    ----------
    returncode : int
        The exit status: ``-N`` for signal N, or ``128 + N`` as a shell
        reports a child that signal N ended (a wrapper script around ngspice).
    lines : list of str
        What ngspice printed, for its last words.
    """
    if returncode < 0:
        number, how = -returncode, ""
    elif 128 < returncode <= 128 + 64:
        number, how = returncode - 128, f" (exit status {returncode}, a shell's code for that signal)"
    else:
        return
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    raise NgspiceCrashError(
        f"ngspice crashed: it was ended by {name} ({number}){how}. Its results are lost; "
        "run the deck with plain `ngspice -b` to see where, try another ngspice version, "
        "or report the deck to ngspice",
        signal_number=number,
        ngspice_message=last_line("\n".join(lines)),
        log="\n".join(lines),
    )
