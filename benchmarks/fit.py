"""Benchmark: fit each registered model to a 2,000-point sweep with 1 % noise (target: under 60 s each).

For every model: simulate its recovery sweep (``pymem.fit.params.recovery_drive``: the demo sweep,
or TEAM's designed one) with the numpy reference (2,000 points), multiply the
current by (1 + 0.01 N(0, 1)), start the free parameters 20-25 % away from the truth, fit, and
print the wall time, model integrations, the RMS relative error against the data and the largest
|fitted - true| in standard errors. Run: ``python benchmarks/fit.py [--points 2000] [--models hp ...]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from pymem import devices
from pymem.fit import Sweep, fit_model
from pymem.fit.params import choose_free, recovery_drive
from pymem.ops.device import simulate as simulate_device


def bench(name: str, points: int, seed: int = 1) -> dict[str, Any]:
    """Fit ``name`` once; return seconds, integrations, rms relative error and worst |z|."""
    true = devices.get(name)
    ref = simulate_device(true, recovery_drive(true), backend="reference", n_points=points - 1)
    rng = np.random.default_rng(seed)
    data = Sweep(
        ref.t, ref.v, ref.i * (1 + 0.01 * rng.standard_normal(ref.i.size)), source=f"{name} synthetic"
    )
    free = choose_free(name, (), ())
    base = true.with_params(
        **{p: getattr(true, p) * (1.25 if k % 2 == 0 else 0.8) for k, p in enumerate(free)}
    )
    t0 = time.perf_counter()
    res = fit_model(base, data)
    seconds = time.perf_counter() - t0
    z = max(abs(fp.value - getattr(true, p)) / fp.stderr for p, fp in res.params.items())
    return {
        "points": data.t.size,
        "free": len(free),
        "seconds": seconds,
        "nfev": res.nfev,
        "rel_err": res.rms_relative_error,
        "worst_z": z,
        "params": {p: (getattr(true, p), fp) for p, fp in res.params.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--models", nargs="*", default=devices.names())
    parser.add_argument("--verbose", action="store_true", help="print each parameter: true, fitted, stderr")
    args = parser.parse_args()
    head = ("model", "points", "free", "seconds", "nfev", "rel err", "worst z")
    print(f"{head[0]:14s} " + " ".join(f"{h:>8s}" for h in head[1:]))
    for name in args.models:
        r = bench(name, args.points)
        print(
            f"{name:14s} {r['points']:6d} {r['free']:4d} {r['seconds']:8.1f} {r['nfev']:5d} "
            f"{r['rel_err']:8.4f} {r['worst_z']:7.2f}"
        )
        if args.verbose:
            for p, (true, fp) in r["params"].items():
                print(f"    {p:16s} true {true:.6g}  fit {fp.value:.6g} +- {fp.stderr:.2g}")


if __name__ == "__main__":
    main()
