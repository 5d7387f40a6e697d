"""Sweep throughput: the same sweep with 1 and with 2 local worker processes, in this process.

    python benchmarks/bench_sweep.py [--spec benchmarks/sweeps/mvm_wire.toml]

Prints points per minute for each and their ratio; each run starts from an
empty results file in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pymem.sweep.runner import run_sweep
from pymem.sweep.store import read_rows

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(HERE / "sweeps" / "mvm_wire.toml"))
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}.parquet"
            rep = run_sweep(args.spec, out, workers=workers, quiet=True)
            rows = read_rows(out)
            busy = sum(r["seconds"] or 0.0 for r in rows)
            rates[workers] = rep.points_per_minute
            print(
                f"workers={workers}: {rep.ran} points in {rep.seconds:.1f} s = {rep.points_per_minute:.0f} "
                f"points/min ({rep.failed} failed; {busy:.1f} s inside the points)"
            )
    print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
