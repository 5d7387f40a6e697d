"""Subprocess backend: ``ngspice -b -r FILE.raw deck.cir``.

Process isolation (a crash of ngspice cannot take Python down), a hard
timeout, and independent workers for parallel sweeps. Results come back
through pymem's own raw-file reader.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from pymem.backends.locate import find_binary
from pymem.backends.messages import raise_for_log
from pymem.backends.rawfile import read_raw
from pymem.backends.result import SimResult, analysis_kind_of
from pymem.errors import SimulationError, SimulationTimeout


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
        """Run ``deck`` in a fresh ngspice process; see :meth:`SharedSession.run`."""
        t0 = time.perf_counter()
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            return self._run_in(self.workdir, deck, timeout, t0)
        with tempfile.TemporaryDirectory(prefix="pymem-") as tmp:
            return self._run_in(Path(tmp), deck, timeout, t0)

    def _run_in(self, folder: Path, deck: str, timeout: float | None, t0: float) -> SimResult:
        deck_path = folder / "deck.cir"
        raw_path = folder / "deck.raw"
        deck_path.write_text(deck)
        raw_path.unlink(missing_ok=True)
        t1 = time.perf_counter()
        try:
            proc = subprocess.run(
                [self.binary, "-b", "-r", str(raw_path), str(deck_path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"") + (exc.stderr or b"")
            text = out.decode(errors="replace") if isinstance(out, bytes) else str(out)
            raise SimulationTimeout(
                f"ngspice did not finish within {timeout} s; the process was killed. "
                "Raise the timeout or shrink the circuit",
                log=text,
            ) from exc
        t2 = time.perf_counter()
        lines = proc.stdout.splitlines() + proc.stderr.splitlines()
        raise_for_log(lines, deck, produced_data=True)
        plots = read_raw(raw_path) if raw_path.exists() else []
        has_data = bool(plots) and any(len(a) for a in plots[-1].data.values())
        raise_for_log(lines, deck, produced_data=has_data)
        if proc.returncode != 0:
            raise SimulationError(
                f"ngspice exited with status {proc.returncode}",
                ngspice_message=(proc.stderr.strip().splitlines() or [""])[-1],
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
