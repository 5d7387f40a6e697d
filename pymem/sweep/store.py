"""The results store of a sweep: one Parquet file, one row per finished point.

Each finished point is written at once: the whole table is rewritten to a
temporary file beside the target and renamed over it (an atomic replace),
so a sweep killed at any moment leaves a readable file holding every point
finished before the kill.

The file's Parquet metadata holds the SHA-256 of the sweep's points
(``pymem.spec_sha256``): a store opened for another spec is refused. While a
sweep runs, it holds an exclusive lock on the sidecar ``.NAME.lock`` beside
the file (:func:`lock_results`), so a second sweep on the same file stops at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pymem.errors import OutputPathError, ParameterError, SweepLockedError, SweepSpecMismatchError

SPEC_KEY = b"pymem.spec_sha256"
"""Parquet metadata key of the spec hash."""


class ResultStore:
    """Rows of a sweep's results, kept in memory and mirrored to ``path``.

    Parameters
    ----------
    path : str or Path
        The Parquet file (created with its folder; read first if it exists).
    spec_hash : str, optional
        Hash of the sweep spec the rows belong to, written into the file; an
        existing file with another hash is refused.

    Raises
    ------
    SweepSpecMismatchError
        If the file holds the results of another spec.
    """

    def __init__(self, path: str | Path, spec_hash: str | None = None) -> None:
        self.path = Path(path)
        self.spec_hash = spec_hash
        self.rows: list[dict[str, Any]] = []
        if self.path.exists():
            table = _read_table(self.path)
            stored = (table.schema.metadata or {}).get(SPEC_KEY)
            if spec_hash is not None and stored is not None and stored.decode() != spec_hash:
                raise SweepSpecMismatchError(
                    f"results file {str(self.path)!r} holds {table.num_rows} point(s) of another sweep spec "
                    f"(spec hash {stored.decode()[:12]}, this spec {spec_hash[:12]}); give another --out "
                    "file, or delete this one to start over"
                )
            self.rows = table.to_pylist()

    def done_ids(self) -> set[str]:
        """``point_id`` of every stored point (finished, successfully or not)."""
        return {str(r["point_id"]) for r in self.rows}

    def add(self, row: dict[str, Any]) -> None:
        """Append a row and write the file."""
        self.rows.append(row)
        self.flush()

    def flush(self) -> None:
        """Write every row to ``path`` atomically."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys: list[str] = []
        for row in self.rows:
            keys += [k for k in row if k not in keys]
        table = pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in self.rows])
        if self.spec_hash is not None:
            table = table.replace_schema_metadata({SPEC_KEY: self.spec_hash.encode()})
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, self.path)


@contextmanager
def lock_results(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock on results file ``path`` (its sidecar ``.NAME.lock``) while in the block.

    The lock is the kernel's (``fcntl.flock``): it ends with the process, even
    after ``kill -9``. Without ``fcntl`` (not POSIX) nothing is locked.

    Raises
    ------
    SweepLockedError
        If another process holds the lock, naming its process id.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield p
        return
    lock = p.with_name(f".{p.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise SweepLockedError(
                f"results file {str(p)!r} is being written by another running sweep (process {holder}, "
                f"lock {str(lock)!r}); wait for it to finish, or give another --out file"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield p
    finally:
        os.close(fd)


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Every row of a results file, as dicts.

    Raises
    ------
    ParameterError
        If the file is missing or not Parquet; OutputPathError if it is a directory.
    """
    return _read_table(Path(path)).to_pylist()


def _read_table(p: Path) -> Any:
    import pyarrow as pa
    import pyarrow.lib
    import pyarrow.parquet as pq

    if p.is_dir():
        raise OutputPathError(
            f"results file {str(p)!r} is a directory; give the Parquet file of a sweep (its --out)"
        )
    if not p.is_file():
        raise ParameterError(
            f"results file {str(p)!r} does not exist; run `pymem sweep SPEC --out {p}` first"
        )
    try:
        # one read of the bytes: a sweep may replace the file meanwhile, and pyarrow opens a path twice
        return pq.read_table(pa.BufferReader(p.read_bytes()))
    except pyarrow.lib.ArrowException as exc:
        raise ParameterError(f"{str(p)!r} is not a Parquet results file ({exc})") from exc
