"""Benchmark: one epoch of a 64-32-10 network on 32x32 tiles, and the figure of the tile sweep.

Times one epoch of :func:`pymem.train.twolayer.train_two_layer` (digits, hidden 32, tile 32,
VTEAM, 0.02 ohm wires, Manhattan pulses through the native engine), all three runs, and
prints the wall and CPU seconds of each run's epoch, the engine runs and the accuracies
(target: 3 minutes). ``--max-train N`` shortens the epoch.
With ``--figure RESULTS.parquet`` it draws the sweep of benchmarks/sweeps/train_tiles.toml
instead: test accuracy against tile size, one line per wire resistance, the ideal as a line,
and prints the table in Markdown.

Run from the repository::

    .venv/bin/python benchmarks/train_tiles.py
    .venv/bin/python benchmarks/train_tiles.py --figure train_tiles.parquet -o docs/img/train_tiles.png
"""

from __future__ import annotations

import argparse
import json
import os
import time


def epoch(
    hidden: int, tile: int, r_wire: float, batch: int, max_train: int | None = None
) -> dict[str, object]:
    """One epoch of the three runs; wall and CPU seconds per run from the history."""
    from pymem.train.twolayer import TwoLayerConfig, train_two_layer

    t0, c0 = time.perf_counter(), time.process_time()
    cfg = TwoLayerConfig(
        hidden=hidden, tile=tile, r_wire_ohm=r_wire, batch=batch, epochs=1, max_train=max_train
    )
    res = train_two_layer(cfg)
    per_run = {
        h["run"]: [round(h["seconds"], 2), round(h["cpu_seconds"], 2)] for h in res.history if h["epoch"] == 1
    }
    return {
        "load_average": os.getloadavg()[0],
        "seconds_total": time.perf_counter() - t0,
        "cpu_seconds_total": time.process_time() - c0,
        "seconds_epoch_wall_cpu": per_run,
        "engine_runs": res.engine_runs,
        "tiles": res.tiles,
        "accuracy": res.accuracy,
    }


def compact_against_tiles(hidden: int, tile: int, batches: int) -> dict[str, float]:
    """CPU seconds of the ideal-wire (device-only) tile updates of the first batches, run in this process
    both ways on the same schedules: all tiles of a layer as compact circuits (now), each tile's own
    circuit (before); and the largest state difference as a fraction of the range."""
    import numpy as np

    from pymem import devices
    from pymem.circuit.write import schedule_circuit
    from pymem.ops.program import run_write
    from pymem.train import data as datasets
    from pymem.train.compact import write_arrays
    from pymem.train.pulses import design_pulses
    from pymem.train.twolayer import TwoLayerConfig, _schedules, _tiled, forward, gradients

    cfg = TwoLayerConfig(hidden=hidden, tile=tile)
    ds = datasets.load(cfg.data, 65, 20, seed=cfg.seed)
    model = devices.get(cfg.model)
    design = design_pulses(model, 0.01, cfg.levels, cfg.amplitude_factor)
    layers = _tiled(cfg, design, 0.0, [(ds.rows, hidden), (hidden + 1, ds.classes)])
    cpu = {"compact": 0.0, "tiles": 0.0, "diff": 0.0}
    for b in range(batches):
        x, y = (
            ds.x_train[b * cfg.batch : (b + 1) * cfg.batch],
            ds.y_train[b * cfg.batch : (b + 1) * cfg.batch],
        )
        hb, z1, logits = forward(cfg, x, layers)
        grads, errs = gradients(cfg, x, y, hb, z1, logits, layers[1].weights())
        for layer, a, e, g in zip(layers, (x, hb), errs, grads, strict=True):
            of = _schedules(cfg, design, a, e, g, None)
            todo = [(t, sched) for t in layer.tiles if (sched := of(t.block)).slots]
            c0 = time.process_time()
            done = write_arrays(
                [t.xb for t, _ in todo], [(sc.slots, sc.widths_s) for _, sc in todo], "solver"
            )
            c1 = time.process_time()
            whole = [run_write(schedule_circuit(t.xb, sc.slots, sc.widths_s), "solver")[0] for t, sc in todo]
            cpu["compact"] += c1 - c0
            cpu["tiles"] += time.process_time() - c1
            if done is not None:
                cpu["diff"] = max(
                    cpu["diff"], max(float(np.abs(u - w).max()) for u, w in zip(done[0], whole, strict=True))
                )
            for (t, _), x_new in zip(todo, whole, strict=True):
                t.xb = t.xb.with_states(np.clip(x_new, *t.xb.device.x_bounds))
    cpu["diff"] /= model.x_range
    return cpu


def ideal_converged(epochs: int = 50, hidden: int = 32, seed: int = 0) -> float:
    """Test accuracy of the float network after ``epochs`` of the ideal SGD (the figure's ceiling).

    The same network, data split, learning rate and clipping as the sweep's ideal run
    (:func:`pymem.train.twolayer.ideal_update`), from weights uniform in +-0.1 (the spread of
    the tiles' initial pairs), run long enough to converge.
    """
    import numpy as np

    from pymem.train import data as datasets
    from pymem.train.twolayer import TwoLayerConfig, forward, ideal_update

    cfg = TwoLayerConfig(hidden=hidden, seed=seed)
    ds = datasets.load("digits", 65, 20, seed=seed)
    rng = np.random.default_rng(seed)
    w = [rng.uniform(-0.1, 0.1, (ds.rows, hidden)), rng.uniform(-0.1, 0.1, (hidden + 1, ds.classes))]
    order = np.random.default_rng(seed + 1)
    for _ in range(epochs):
        perm = order.permutation(ds.y_train.size)
        x, y = ds.x_train[perm], ds.y_train[perm]
        for k in range(0, y.size, cfg.batch):
            w = ideal_update(cfg, w, x[k : k + cfg.batch], y[k : k + cfg.batch])
    _, _, logits = forward(cfg, ds.x_test, w)
    return float(np.mean(np.argmax(logits, axis=1) == ds.y_test))


def figure(results: str, out: str, ideal_epochs: int = 50) -> None:
    """Circuit accuracy against tile size per wire resistance, ideal SGD as lines; a Markdown table."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pymem.sweep.store import read_rows

    rows = [r for r in read_rows(results) if r.get("status") == "ok"]
    tiles = sorted({int(r["tile"]) for r in rows})
    wires = sorted({float(r["r_wire_ohm"]) for r in rows})
    acc = {(int(r["tile"]), float(r["r_wire_ohm"])): r for r in rows}
    ideal = sum(r["accuracy_ideal"] for r in rows) / len(rows)
    ceiling = ideal_converged(ideal_epochs)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for w in wires:
        pts = [(t, acc[(t, w)]["accuracy_circuit"]) for t in tiles if (t, w) in acc]
        ax.plot(*zip(*pts, strict=True), "o-", label=f"{w:g} ohm" + (" (= device only)" if w == 0 else ""))
    ax.axhline(ceiling, ls="--", color="k", label=f"ideal SGD, {ideal_epochs} epochs")
    ax.axhline(ideal, ls=":", color="k", label="ideal SGD, the same 1 epoch")
    ax.axhline(0.1, ls="-", color="0.8", lw=0.8, label="chance")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("tile side (devices)")
    ax.set_ylabel("test accuracy after 1 epoch")
    ax.set_title("64-32-10 digits on VTEAM tiles (10k/100k ohm), write pulses in the circuit", fontsize=9)
    ax.legend(title="wire / segment", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("| tile | " + " | ".join(f"{w:g} ohm" for w in wires) + " | point s (wires) |")
    print("|" + " --- |" * (len(wires) + 2))
    for t in tiles:
        cells = [f"{acc[(t, w)]['accuracy_circuit']:.3f}" if (t, w) in acc else "-" for w in wires]
        secs = [f"{acc[(t, w)]['seconds']:.0f}" for w in wires if (t, w) in acc and w > 0]
        print(f"| {t} | " + " | ".join(cells) + f" | {', '.join(secs)} |")
    print(f"ideal SGD after the same 1 epoch {ideal:.3f}; after {ideal_epochs} epochs {ceiling:.3f}")
    print(f"points {len(rows)}, point seconds total {sum(r['seconds'] or 0 for r in rows):.0f}; figure {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--tile", type=int, default=32)
    parser.add_argument("--r-wire", type=float, default=0.02)
    parser.add_argument("--max-train", type=int, default=None, help="training samples (default: all 1,257)")
    parser.add_argument("--compare", type=int, default=3, help="batches of the compact/per-tile comparison")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--figure", default=None, metavar="RESULTS", help="draw the sweep's figure instead")
    parser.add_argument("-o", "--output", default="train_tiles.png")
    args = parser.parse_args()
    if args.figure:
        figure(args.figure, args.output)
        return
    if args.compare:
        cmp = compact_against_tiles(args.hidden, args.tile, args.compare)
        print(f"device-only tile updates ({args.compare} batches), CPU s: compact {cmp['compact']:.2f}, "
              f"per-tile "
              f"circuits {cmp['tiles']:.2f}: {cmp['tiles'] / cmp['compact']:.1f}x; largest state difference "
              f"{cmp['diff']:.1e} of the range")  # fmt: skip
    print(json.dumps(epoch(args.hidden, args.tile, args.r_wire, args.batch, args.max_train), indent=2))


if __name__ == "__main__":
    main()
