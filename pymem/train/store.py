"""The results store of a sweep: one Parquet file, one row per finished point.

Each finished point is written at once: the whole table is rewritten to a
temporary file beside the target and renamed over it (an atomic replace),
so a sweep killed at any moment leaves a readable file holding every point
finished before the kill.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pymem.errors import ParameterError


class ResultStore:
    """Rows of a sweep's results, kept in memory and mirrored to ``path``.

    Parameters
    ----------
    path : str or Path
        The Parquet file (created with its folder; read first if it exists).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rows: list[dict[str, Any]] = read_rows(self.path) if self.path.exists() else []

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
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, self.path)


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Every row of a results file, as dicts.

    Raises
    ------
    ParameterError
        If the file is missing or not Parquet.
    """
    import pyarrow as pa
    import pyarrow.lib
    import pyarrow.parquet as pq

    p = Path(path)
    if not p.is_file():
        raise ParameterError(
            f"results file {str(p)!r} does not exist; run `pymem sweep SPEC --out {p}` first"
        )
    try:
        # one read of the bytes: a sweep may replace the file meanwhile, and pyarrow opens a path twice
        return pq.read_table(pa.BufferReader(p.read_bytes())).to_pylist()
    except pyarrow.lib.ArrowException as exc:
        raise ParameterError(f"{str(p)!r} is not a Parquet results file ({exc})") from exc
