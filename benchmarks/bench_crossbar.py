"""Benchmark: crossbar reads through ngspice, pymem's sparse solver, and the badcrossbar peer.

Per array size N (N x N, HP devices, 1 ohm per wire segment and driver):
netlist generation, one ngspice read (and which solver ngspice used), the
solver's factorisation (transfer matrix), its time per vector in a batch of
1,000, the ratios to ngspice, and peak memory. Each size runs in its own
process so its peak RSS is its own. Also: Newton time per vector for a
nonlinear model, pymem's own time around an ngspice read, the 1024 x 1024
netlist, and badcrossbar (Joksas et al., SoftwareX 2020) on the same array
and inputs (install it with ``pip install --no-deps badcrossbar pathvalidate``).

Run: ``python benchmarks/bench_crossbar.py`` (several minutes; ``--quick`` for a look).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np

R_WIRE = 1.0
BATCH = 1000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(n: int, ngspice: bool, model: str) -> dict:
    """Measure one size in this process; returns a JSON-able dict."""
    from pymem.crossbar import random_crossbar
    from pymem.engine.static import CrossbarSolver
    from pymem.netlist.crossbar import read_deck
    from pymem.ops.mvm import mvm

    out: dict = {"n": n, "model": model}
    xb = random_crossbar(n, n, model, seed=0, r_row_ohm=R_WIRE, r_col_ohm=R_WIRE, r_driver_ohm=R_WIRE)
    v1 = xb.random_inputs(1, seed=1)
    t0 = time.perf_counter()
    deck = read_deck(xb, v1)
    out["netlist_s"] = time.perf_counter() - t0
    out["netlist_mib"] = len(deck) / 2**20
    t0 = time.perf_counter()
    solver = CrossbarSolver(xb)
    single = solver.solve(v1)
    out["solver_single_read_s"] = time.perf_counter() - t0
    if solver.ohmic:
        out["solver_factorize_s"] = solver.factorize_seconds
        vb = xb.random_inputs(BATCH, seed=2)
        t0 = time.perf_counter()
        fresh = CrossbarSolver(xb)
        fresh.solve(vb)
        out["solver_batch_total_s"] = time.perf_counter() - t0
        out["solver_per_vector_s"] = out["solver_batch_total_s"] / BATCH
        np.save(f"/tmp/pymem_bench_{n}_v.npy", vb)
        np.save(f"/tmp/pymem_bench_{n}_y.npy", fresh.solve(vb).y)
        np.save(f"/tmp/pymem_bench_{n}_g.npy", xb.conductances())
    else:
        vb = xb.random_inputs(3, seed=2)
        t0 = time.perf_counter()
        res = solver.solve(vb)
        out["newton_per_vector_s"] = (time.perf_counter() - t0) / 3
        out["newton_iterations"] = int(np.mean(res.newton_iterations))
    if ngspice:
        res = mvm(xb, v1, backend="ngspice")
        out["ngspice_read_s"] = res.seconds
        out["ngspice_inner_s"] = res.extra["ngspice_seconds"]
        out["pymem_around_ngspice_s"] = res.extra["pymem_seconds"]
        out["ngspice_solver"] = "KLU" if res.extra["klu"] else "Sparse 1.3"
        out["max_rel_diff_solver_vs_ngspice"] = float(np.max(np.abs(single.y - res.y) / np.abs(res.y)))
    out["peak_mib"] = _peak_mib()
    return out


def badcrossbar_run(n: int) -> dict:
    """badcrossbar on the arrays and inputs saved by :func:`one_size`."""
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.INFO)
    import badcrossbar

    v = np.load(f"/tmp/pymem_bench_{n}_v.npy")
    g = np.load(f"/tmp/pymem_bench_{n}_g.npy")
    y = np.load(f"/tmp/pymem_bench_{n}_y.npy")
    t0 = time.perf_counter()
    sol = badcrossbar.compute(v.T, 1.0 / g, r_i_word_line=R_WIRE, r_i_bit_line=R_WIRE, node_voltages=False)
    seconds = time.perf_counter() - t0
    yb = np.asarray(sol.currents.output)
    return {
        "n": n,
        "badcrossbar_s": seconds,
        "max_rel_diff_vs_pymem": float(np.max(np.abs(yb - y) / np.abs(yb))),
        "peak_mib": _peak_mib(),
    }


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64, 128, 256, 512])
    parser.add_argument("--ngspice-max", type=int, default=64, help="largest size read by ngspice")
    parser.add_argument("--quick", action="store_true", help="sizes 16 32 64, no peer")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model", default="hp", help=argparse.SUPPRESS)
    parser.add_argument("--ngspice", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peer", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.ngspice, args.model)))
        return
    if args.peer:
        print(json.dumps(badcrossbar_run(args.peer)))
        return
    sizes = [16, 32, 64] if args.quick else args.sizes
    print(f"HP devices, {R_WIRE} ohm per segment and driver, batch of {BATCH} vectors; times in s")
    head = (
        f"{'N':>5} {'netlist':>8} {'ngspice':>8} {'solver 1':>9} {'factor':>8} {'per vec':>9} "
        f"{'ng/solver':>10} {'ng/vec':>10} {'MiB':>7} {'diff vs ng':>10}"
    )
    print(head)
    for n in sizes:
        flags = ["--one", str(n)] + (["--ngspice"] if n <= args.ngspice_max else [])
        r = _child(*flags)
        ng = r.get("ngspice_read_s")
        ratio1 = f"{ng / r['solver_single_read_s']:10.0f}" if ng else f"{'-':>10}"
        ratio_b = f"{ng / r['solver_per_vector_s']:10.0f}" if ng else f"{'-':>10}"
        diff = f"{r['max_rel_diff_solver_vs_ngspice']:10.1e}" if ng else f"{'-':>10}"
        print(
            f"{n:>5} {r['netlist_s']:8.3f} {ng if ng else float('nan'):8.2f} "
            f"{r['solver_single_read_s']:9.3f} "
            f"{r['solver_factorize_s']:8.3f} {r['solver_per_vector_s']:9.2e} {ratio1} {ratio_b} "
            f"{r['peak_mib']:7.0f} {diff}"
        )
        if ng:
            share = r["pymem_around_ngspice_s"] / r["ngspice_inner_s"]
            print(
                f"      ngspice solver: {r['ngspice_solver']}; pymem's own time around it: "
                f"{r['pymem_around_ngspice_s']:.3f} s = {100 * share:.1f} % of ngspice's"
            )
    if not args.quick:
        for n in (64, 128, 256):
            r = _child("--one", str(n), "--model", "yakopcic")
            print(
                f"yakopcic {n}x{n}: Newton {r['newton_per_vector_s']:.3f} s per vector, "
                f"{r['newton_iterations']} iterations"
            )
        t0 = time.perf_counter()
        from pymem.crossbar import random_crossbar
        from pymem.netlist.crossbar import read_deck

        xb = random_crossbar(1024, 1024, "hp", seed=0, r_row_ohm=R_WIRE, r_col_ohm=R_WIRE)
        text = read_deck(xb, xb.random_inputs(1))
        print(f"netlist 1024x1024: {time.perf_counter() - t0:.2f} s, {len(text) / 2**20:.0f} MiB")
        if 256 in sizes:
            try:
                p = _child("--peer", "256")
            except subprocess.CalledProcessError as exc:
                print(f"badcrossbar not run: {exc.stderr.strip().splitlines()[-1]}")
            else:
                mine = _child("--one", "256")
                print(
                    f"badcrossbar 256x256, {BATCH} vectors: {p['badcrossbar_s']:.2f} s, "
                    f"{p['peak_mib']:.0f} MiB; "
                    f"pymem {mine['solver_batch_total_s']:.2f} s, {mine['peak_mib']:.0f} MiB; "
                    f"ratio {p['badcrossbar_s'] / mine['solver_batch_total_s']:.1f}x; "
                    f"max rel diff {p['max_rel_diff_vs_pymem']:.1e}"
                )


if __name__ == "__main__":
    main()
