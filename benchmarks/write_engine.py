"""Benchmark: one V/2 write pulse and program-and-verify, pymem's native engine against ngspice.

The issue's case: ``random_crossbar(n, n, "vteam", seed=0, r_row_ohm=1, r_col_ohm=1)``,
one 1.0 V, 100 ns pulse on cell (n/2, n/2) under V/2. For each size the engine's
time and peak memory are measured in a fresh process; ngspice runs the same
circuit (its default write tolerances) in this process wherever its expected
time is within ``--ngspice-limit`` seconds, and the ratio and the largest state
difference are printed. Then program-and-verify of a 64x64 array to 1 %, rows
written in parallel with per-cell widths, through the engine.

Run from the repository::

    .venv/bin/python benchmarks/write_engine.py                 # 16..256, ngspice to 32x32
    .venv/bin/python benchmarks/write_engine.py --sizes 16 32 64 --ngspice-limit 300
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def one_pulse(n: int) -> dict[str, float]:
    """Engine time, steps and peak memory of the issue's pulse on n x n (run in a fresh process)."""
    from pymem.circuit import write_circuit
    from pymem.crossbar import random_crossbar
    from pymem.engine.transient import simulate

    warm = random_crossbar(4, 4, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    simulate(write_circuit(warm, (2, 2), 1.0, 100e-9, "v2"))  # first calls load scipy's pieces
    xb = random_crossbar(n, n, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    t0 = time.perf_counter()
    res = simulate(write_circuit(xb, (n // 2, n // 2), 1.0, 100e-9, "v2"))
    seconds = time.perf_counter() - t0
    return {
        "n": n,
        "engine_s": seconds,
        "steps": res.steps,
        "active_cells": int(res.active.sum()),
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def ngspice_pulse(n: int) -> tuple[float, np.ndarray, np.ndarray]:
    """ngspice time of the same pulse, its final states and the engine's (in this process)."""
    from pymem.circuit import write_circuit
    from pymem.crossbar import random_crossbar
    from pymem.engine.transient import simulate
    from pymem.ops.program import run_write

    xb = random_crossbar(n, n, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    circuit = write_circuit(xb, (n // 2, n // 2), 1.0, 100e-9, "v2")
    t0 = time.perf_counter()
    states, _ = run_write(circuit, backend="ngspice")
    return time.perf_counter() - t0, states, simulate(circuit).states


def program_64(rows: int) -> dict[str, float]:
    """Program-and-verify cells of a 64x64 VTEAM array (1 ohm wires) to 1 % through the engine.

    VTEAM with 10 kohm / 100 kohm resistances (RRAM-like; with the default 50 ohm / 1 kohm the
    IR drop of a 64x64 array leaves the far cells below the 0.02 V RESET threshold, so no
    algorithm can program them), V/2 pulses at 1.8 times the thresholds, rows written in
    parallel with per-cell widths (``width_control="adaptive"``). ``rows`` of the 64 are
    programmed; the time for all 64 is extrapolated from them. Wall and CPU time
    (``time.process_time``) are both reported, and so is the ratio of the wall time to
    the engine's time for the issue's one pulse on 64x64 measured just before in this
    process, a figure that a shared, busy machine changes less.
    """
    from pymem import devices
    from pymem.circuit import write_circuit
    from pymem.crossbar import random_crossbar
    from pymem.engine.transient import simulate
    from pymem.ops.program import program_and_verify
    from pymem.train.pulses import design_pulses

    pulse_xb = random_crossbar(64, 64, "vteam", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    pulse = write_circuit(pulse_xb, (32, 32), 1.0, 100e-9, "v2")
    simulate(pulse)  # the first call loads scipy's pieces
    t0 = time.perf_counter()
    simulate(pulse)
    pulse_s = time.perf_counter() - t0

    model = devices.get("vteam", r_on_ohm=1e4, r_off_ohm=1e5)
    xb = random_crossbar(64, 64, model, seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    design = design_pulses(xb.device, float(xb.v_read), levels=16, amplitude_factor=1.8)
    rng = np.random.default_rng(1)
    span = design.g_max_s - design.g_min_s
    g_target = xb.conductances().copy()
    g_target[:rows] = design.g_min_s + span * rng.uniform(0.2, 0.8, (rows, 64))
    t0, c0 = time.perf_counter(), time.process_time()
    out = program_and_verify(
        xb,
        g_target,
        design.v_up,
        design.v_down,
        (design.width_up_s, design.width_down_s),
        rtol=0.01,
        max_pulses=60,
        order="row",
        width_control="adaptive",
    )
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    done = out.converged[:rows]
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "all_rows_s": seconds * 64 / rows,
        "pulse_s": pulse_s,
        "writes": len(out.step_seconds),
        "pulses": int(out.pulses.sum()),
        "converged": float(done.mean()),
        "worst_rel_error": float(out.rel_error[:rows].max()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    parser.add_argument("--ngspice-limit", type=float, default=300.0, help="largest expected ngspice s")
    parser.add_argument("--skip-program", action="store_true", help="leave out program-and-verify")
    parser.add_argument("--program-rows", type=int, default=64, help="rows of 64x64 to program")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one engine run
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_pulse(args.one)))
        return 0
    from pymem.ops.program import ngspice_write_estimate_s

    print("one V/2 pulse, 1.0 V 100 ns, VTEAM, 1 ohm wires")
    print(
        f"{'size':>8} {'engine s':>9} {'steps':>6} {'active':>7} {'peak GiB':>9} {'ngspice s':>10} "
        f"{'ratio':>7} {'max dx/range':>13}"
    )
    for n in args.sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        ng_text, ratio, diff = "-", "-", "-"
        if ngspice_write_estimate_s(n, n) / 2 <= args.ngspice_limit:
            ng_s, ng_x, en_x = ngspice_pulse(n)
            ng_text, ratio = f"{ng_s:.2f}", f"{ng_s / row['engine_s']:.0f}x"
            diff = f"{float(np.max(np.abs(np.clip(en_x, 0, 1) - np.clip(ng_x, 0, 1)))):.2e}"
        print(
            f"{n:>4}x{n:<3} {row['engine_s']:>9.3f} {row['steps']:>6} {row['active_cells']:>7} "
            f"{row['peak_rss_gib']:>9.2f} {ng_text:>10} {ratio:>7} {diff:>13}"
        )
    if not args.skip_program:
        print(
            f"\nprogram-and-verify of {args.program_rows} rows of 64x64 VTEAM (10k/100k ohm, 1 ohm wires) "
            "to 1 %, engine, adaptive widths"
        )
        r = program_64(args.program_rows)
        print(
            f"  {r['seconds']:.1f} s wall, {r['cpu_s']:.1f} s CPU ({r['all_rows_s']:.0f} s wall for all 64 "
            f"rows), {r['writes']} writes, {r['pulses']} pulses, {100 * r['converged']:.1f} % converged, "
            f"worst error {100 * r['worst_rel_error']:.2f} %\n"
            f"  = {r['seconds'] / r['pulse_s']:.0f} times the issue's one 64x64 pulse in this process "
            f"({r['pulse_s']:.3f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
