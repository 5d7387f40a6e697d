"""Time one epoch of the default training (all ten digits on a 65x20 array), per run, and the engines' ratio.

Prints, for the default ``pymem train`` configuration trained for one epoch
with the native write engine (``backend="solver"``): the wall and CPU seconds
of each run's epoch (ideal numpy SGD, device only, circuit), the write
circuits run, and the test accuracies. Then, on a small array that ngspice
can run (10x8: digits 0-3 pooled to 3x3), the same training with
``backend="solver"`` and ``backend="ngspice"`` in this process: seconds per
write of each, their ratio, and the largest state difference as a fraction
of the state range.

Before that, the ideal-wire (device-only) writes of the first updates, run in
this process both ways from the same states and schedules: as compact circuits
of the pulsed cells (:mod:`pymem.train.compact`, what training does now) and as
the whole array's circuit (what it did before): seconds of each, their ratio,
and the largest state difference.

Run: ``python benchmarks/train_epoch.py`` (about 2-5 minutes on 2 cores);
``--max-train N`` shortens the default epoch, ``--skip-ngspice`` leaves out
the comparison. CPU seconds count this process only: on a shared machine
the wall time can be several times larger.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from pymem import devices
from pymem.circuit.write import schedule_circuit
from pymem.ops.program import run_write
from pymem.train import data as datasets
from pymem.train.compact import write_schedule
from pymem.train.network import PulseNet, TrainConfig, initial_crossbar, loss_and_delta, train
from pymem.train.pulses import manhattan_schedule


def compact_against_whole(updates: int) -> dict:
    """CPU seconds of ideal-wire updates as compact circuits and whole 65x20 circuits same schedules."""
    cfg = TrainConfig()
    ds = datasets.load(cfg.data, None, None, seed=cfg.seed)
    xb, design = initial_crossbar(cfg, ds.rows, 2 * ds.classes, 0.0)
    net = PulseNet(cfg, xb, design)
    cpu = {"compact": 0.0, "whole": 0.0}
    diff = 0.0
    for b in range(updates):
        x, y = (
            ds.x_train[b * cfg.batch : (b + 1) * cfg.batch],
            ds.y_train[b * cfg.batch : (b + 1) * cfg.batch],
        )
        _, delta, _ = loss_and_delta(cfg.logit_scale * net.outputs(x), y)
        sched = manhattan_schedule(x.T @ delta, design)
        c0 = time.process_time()
        x_compact, _ = write_schedule(net.xb, sched, "solver")
        c1 = time.process_time()
        circuit = schedule_circuit(net.xb, sched.slots, sched.widths_s)
        x_whole, _ = run_write(circuit, "solver")
        c2 = time.process_time()
        cpu["compact"] += c1 - c0
        cpu["whole"] += c2 - c1
        diff = max(diff, float(np.max(np.abs(x_compact - x_whole))))
        net.xb = net.xb.with_states(np.clip(x_whole, *net.xb.device.x_bounds))
    return {**cpu, "diff": diff / devices.get(cfg.model).x_range}


def epoch_figures(cfg: TrainConfig) -> dict:
    """Train ``cfg`` (one epoch) and return per-run seconds, writes and accuracies."""
    t0 = time.perf_counter()
    res = train(cfg, quiet=True)
    wall = time.perf_counter() - t0
    out = {"total_s": wall, "writes": res.writes, "accuracy": res.accuracy, "states": res.states}
    for h in res.history:
        if h["epoch"] == 1:
            out[h["run"]] = (h["seconds"], h["cpu_seconds"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-train", type=int, default=None, help="training samples (default: all 1,257)")
    parser.add_argument("--skip-ngspice", action="store_true", help="leave out the ngspice comparison")
    parser.add_argument("--updates", type=int, default=4, help="updates of the compact/whole comparison")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    cmp = compact_against_whole(args.updates)
    n = args.updates
    print(f"ideal-wire 65x20 updates ({n}), CPU s per update: compact {cmp['compact'] / n:.3f}, "
          f"whole array {cmp['whole'] / n:.3f}: {cmp['whole'] / cmp['compact']:.1f}x; "
          f"largest state difference {cmp['diff']:.1e} of the range")  # fmt: skip

    cfg = TrainConfig(epochs=1, max_train=args.max_train)
    fig = epoch_figures(cfg)
    print(f"default training, one epoch ({fig['writes']} writes through the native engine):")
    for run in ("ideal", "device_only", "circuit"):
        wall, cpu = fig[run]
        print(f"  {run:12s} {wall:8.1f} s wall {cpu:8.1f} s CPU   test accuracy {fig['accuracy'][run]:.3f}")
    pulse_wall = fig["device_only"][0] + fig["circuit"][0]
    print(f"  both pulse runs: {pulse_wall:.1f} s wall; whole call with reads: {fig['total_s']:.1f} s")
    print(f"  per write: {pulse_wall / max(fig['writes'], 1):.2f} s wall")

    if args.skip_ngspice:
        return
    small = {"rows": 10, "cols": 8, "epochs": 1, "max_train": 64, "batch": 32, "r_wire_ohm": 0.5}
    by = {b: epoch_figures(TrainConfig(**small, backend=b)) for b in ("solver", "ngspice")}
    span = devices.get("vteam").x_range
    print("10x8 (digits 0-3, 3x3 pixels), two updates per pulse run:")
    per_write = {}
    for b, f in by.items():
        per_write[b] = (f["device_only"][0] + f["circuit"][0]) / max(f["writes"], 1)
        print(f"  {b:8s} {per_write[b]:.3f} s per write ({f['writes']} writes)")
    diff = max(
        float(np.max(np.abs(by["solver"]["states"][r] - by["ngspice"]["states"][r])))
        for r in by["solver"]["states"]
    )
    print(f"  ngspice / native engine: {per_write['ngspice'] / per_write['solver']:.1f}x; "
          f"largest state difference {diff / span:.2e} of the range")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
