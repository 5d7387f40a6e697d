"""Nonlinear reads: batched chord Newton against the per-vector Newton, same process.

For Yakopcic arrays with 1 ohm wires (64x64 and 256x256), prints the
per-vector Newton's time per vector (measured on a few vectors), the batched
path's time for the whole batch, the ratio, and the largest relative
difference between the two paths' outputs on the vectors both solved.

Run from the repository root::

    python benchmarks/nonlinear_reads.py              # 64x64 and 256x256, 1,000 vectors
    python benchmarks/nonlinear_reads.py --sizes 64 --vectors 200 --reference 5
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from pymem.crossbar import random_crossbar
from pymem.engine.static import CrossbarSolver


def run(n: int, vectors: int, reference: int, model: str = "yakopcic") -> dict[str, float]:
    """Time both paths on an n x n array; returns the figures printed."""
    xb = random_crossbar(n, n, model, seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    v = xb.random_inputs(vectors)
    solver = CrossbarSolver(xb)
    t0 = time.perf_counter()
    batch = solver.solve(v)
    t_batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = solver.solve(v[:reference], method="per-vector")
    t_ref = (time.perf_counter() - t0) / reference
    diff = float(np.max(np.abs(batch.y[:reference] - ref.y) / np.abs(ref.y)))
    return {
        "per_vector_s": t_ref,
        "batch_s": t_batch,
        "ratio": t_ref * vectors / t_batch,
        "max_rel_diff": diff,
        "chord_steps": float(np.max(batch.newton_iterations)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--vectors", type=int, default=1000)
    ap.add_argument("--reference", type=int, default=3, help="vectors timed on the per-vector path")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("array    | per-vector Newton | batch of N (chord) | N x per-vector / batch | max rel diff | steps")
    for n in args.sizes:
        r = run(n, args.vectors, args.reference)
        print(
            f"{n}x{n}".ljust(9)
            + f"| {r['per_vector_s'] * 1e3:9.1f} ms/vector | {args.vectors} in {r['batch_s']:7.2f} s"
            + f" | {r['ratio']:8.1f}x | {r['max_rel_diff']:.2e} | {int(r['chord_steps'])}"
        )


if __name__ == "__main__":
    main()
