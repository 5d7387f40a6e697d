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


def figure(results: str, out: str) -> None:
    """Accuracy against tile size per wire resistance, the ideal as a dashed line; a Markdown table."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pymem.train.store import read_rows

    rows = [r for r in read_rows(results) if r.get("status") == "ok"]
    tiles = sorted({int(r["tile"]) for r in rows})
    wires = sorted({float(r["r_wire_ohm"]) for r in rows})
    acc = {(int(r["tile"]), float(r["r_wire_ohm"])): r for r in rows}
    fig, ax = plt.subplots(figsize=(6, 4))
    for w in wires:
        pts = [(t, acc[(t, w)]["accuracy_circuit"]) for t in tiles if (t, w) in acc]
        ax.plot(*zip(*pts, strict=True), "o-", label=f"{w:g} ohm")
    ideal = sum(r["accuracy_ideal"] for r in rows) / len(rows)
    ax.axhline(ideal, ls="--", color="k", label="ideal")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("tile side (devices)")
    ax.set_ylabel("test accuracy")
    ax.legend(title="wire / segment")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("| tile | " + " | ".join(f"{w:g} ohm" for w in wires) + " | ideal |")
    print("|" + " --- |" * (len(wires) + 2))
    for t in tiles:
        cells = [f"{acc[(t, w)]['accuracy_circuit']:.3f}" if (t, w) in acc else "-" for w in wires]
        print(f"| {t} | " + " | ".join(cells) + f" | {ideal:.3f} |")
    print(f"points {len(rows)}, point seconds total {sum(r['seconds'] or 0 for r in rows):.0f}; figure {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--tile", type=int, default=32)
    parser.add_argument("--r-wire", type=float, default=0.02)
    parser.add_argument("--max-train", type=int, default=None, help="training samples (default: all 1,257)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--figure", default=None, metavar="RESULTS", help="draw the sweep's figure instead")
    parser.add_argument("-o", "--output", default="train_tiles.png")
    args = parser.parse_args()
    if args.figure:
        figure(args.figure, args.output)
        return
    print(json.dumps(epoch(args.hidden, args.tile, args.r_wire, args.batch, args.max_train), indent=2))


if __name__ == "__main__":
    main()
