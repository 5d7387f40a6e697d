"""Benchmark: a resistor-grid operating point through both ngspice backends.

Prints, per grid size, the wall time of each backend, the time ngspice itself
spent (load and run), the time pymem adds around it, and the ratio of the two
backends, all measured in this one process. Run: ``python benchmarks/bench_backends.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from pymem import backends
from pymem.netlist.grid import resistor_grid_deck


def measure(n: int, backend: str, repeats: int) -> tuple[float, float, float]:
    """Median (total, ngspice, netlist build) seconds over ``repeats`` runs."""
    totals, inner, build = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        deck = resistor_grid_deck(n)
        build.append(time.perf_counter() - t0)
        res = backends.run(deck, backend=backend)
        totals.append(res.seconds)
        inner.append(res.ngspice_seconds)
    return statistics.median(totals), statistics.median(inner), statistics.median(build)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    backends.run(resistor_grid_deck(4), backend="shared")  # load the library once
    print(
        f"{'size':>6} {'backend':>7} {'total s':>9} {'ngspice s':>10} {'pymem s':>8} "
        f"{'pymem %':>8} {'build s':>8}"
    )
    for n in args.sizes:
        rows = {}
        for backend in ("shared", "batch"):
            total, inner, build = measure(n, backend, args.repeats)
            rows[backend] = total
            print(
                f"{n:>6} {backend:>7} {total:9.4f} {inner:10.4f} {total - inner:8.4f} "
                f"{100 * (total - inner) / inner:7.1f}% {build:8.4f}"
            )
        print(f"{n:>6} batch/shared time ratio: {rows['batch'] / rows['shared']:.2f}")


if __name__ == "__main__":
    main()
