"""Figures of training runs and sweep results (``pymem train -o``, ``pymem plot``).

Each function takes plain rows (dicts, as read from the results store) or a
training history, and writes one PNG.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from pymem.report.plots import _pyplot

RUN_STYLE = {
    "ideal": ("k", "--", "ideal (numpy SGD)"),
    "device_only": ("tab:blue", ":", "device, 0 ohm wires"),
    "circuit": ("tab:red", "-", "circuit (device + wires)"),
}


def plot_training(history: list[dict[str, Any]], path: str | Path, title: str = "") -> Path:
    """Test accuracy and training loss per epoch of the three runs, and the circuit's update error."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for run, (color, ls, label) in RUN_STYLE.items():
        h = [e for e in history if e["run"] == run]
        ep = [e["epoch"] for e in h]
        axes[0].plot(ep, [e["accuracy"] for e in h], color=color, ls=ls, marker="o", label=label)
        axes[1].plot(ep, [e["loss"] for e in h], color=color, ls=ls, marker="o", label=label)
        if run != "ideal":
            pulsed = [e for e in h if "update_error" in e]
            axes[2].plot([e["epoch"] for e in pulsed], [e["update_error"] for e in pulsed], color=color,
                         ls=ls, marker="o", label=f"{label}: |dG - dG commanded|")  # fmt: skip
            axes[2].plot([e["epoch"] for e in pulsed], [e["g_drift"] for e in pulsed], color=color,
                         ls="-.", marker="x", label=f"{label}: drift of unpulsed cells")  # fmt: skip
    axes[0].set_ylabel("test accuracy")
    axes[1].set_ylabel("training cross-entropy")
    axes[2].set_ylabel("per update, fraction of G range")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=7)
    axes[2].legend(fontsize=6)
    fig.suptitle(title or "training on the circuit against ideal math")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def _mean_by(rows: list[dict[str, Any]], group: tuple[str, ...], x: str, y: str) -> dict[tuple, tuple]:
    acc: dict[tuple, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.get(y) is not None and r.get(x) is not None:
            acc[tuple(r.get(g) for g in group)][float(r[x])].append(float(r[y]))
    return {k: (np.array(sorted(v)), np.array([np.mean(v[t]) for t in sorted(v)])) for k, v in acc.items()}


def _lines(ax: Any, rows: list[dict[str, Any]], group: tuple[str, ...], x: str, y: str, **kw: Any) -> None:
    prefix = kw.pop("prefix", "")
    for key, (xs, ys) in sorted(_mean_by(rows, group, x, y).items(), key=str):
        label = ", ".join(f"{g}={v}" for g, v in zip(group, key, strict=True))
        ax.plot(xs, ys, marker="o", label=f"{prefix}{label}", **kw)


def plot_sweep(rows: list[dict[str, Any]], out_dir: str | Path) -> list[Path]:
    """The standard figures of a results table; only those its rows have data for.

    - ``mvm_error_vs_wire.png``: MVM rms error against wire resistance, per model and size;
    - ``write_vs_wire.png``: selected cell's change (over its 0-ohm value) and the worst
      disturbance against wire resistance, per model and scheme;
    - ``accuracy_vs_wire.png``: circuit, device-only and ideal accuracy against wire resistance;
    - ``training_curves.png``: accuracy per epoch of the first training point, against ideal.
    """
    plt = _pyplot()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ok = [r for r in rows if r.get("status") == "ok"]
    made: list[Path] = []
    mvm = [r for r in ok if r.get("task") == "mvm"]
    if mvm:
        fig, ax = plt.subplots(figsize=(6, 4))
        _lines(ax, mvm, ("model", "size"), "r_wire_ohm", "mvm_error_rms")
        ax.set_yscale("log")
        ax.set_xlabel("wire resistance per segment (ohm)")
        ax.set_ylabel("rms(y - y_ideal) / rms(y_ideal)")
        ax.set_title("MVM error against wire resistance (mean over seeds)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
        made.append(_save(fig, out / "mvm_error_vs_wire.png", plt))
    write = [r for r in ok if r.get("task") == "write"]
    if write:
        write = [  # the caller's rows stay as they are
            {
                **r,
                "change_ratio": r["selected_change"] / r["nominal_change"]
                if r.get("nominal_change")
                else None,
            }
            for r in write
        ]
        fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
        _lines(a, write, ("model", "scheme"), "r_wire_ohm", "change_ratio")
        _lines(b, write, ("model", "scheme"), "r_wire_ohm", "disturb_max")
        a.set_ylabel("selected change / change at 0 ohm")
        b.set_ylabel("largest disturbance (fraction of range)")
        for ax in (a, b):
            ax.set_xlabel("wire resistance per segment (ohm)")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=7)
        fig.suptitle("a write pulse on the far cell")
        made.append(_save(fig, out / "write_vs_wire.png", plt))
    train = [r for r in ok if r.get("task") == "train"]
    if train:
        fig, ax = plt.subplots(figsize=(6, 4))
        _lines(ax, train, ("model", "rule"), "r_wire_ohm", "accuracy_circuit", prefix="circuit: ")
        by_rule = ("model", "rule")
        _lines(ax, train, by_rule, "r_wire_ohm", "accuracy_device_only", ls=":", prefix="device only: ")
        _lines(ax, train, ("model",), "r_wire_ohm", "accuracy_ideal", ls="--", color="k", prefix="ideal: ")
        ax.set_xlabel("wire resistance per segment (ohm)")
        ax.set_ylabel("test accuracy")
        ax.set_title("training on the circuit against ideal math")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        made.append(_save(fig, out / "accuracy_vs_wire.png", plt))
        first = train[0]
        made.append(
            plot_training(
                json.loads(first["history_json"]),
                out / "training_curves.png",
                title=f"{first.get('model')}, {first.get('r_wire_ohm')} ohm per segment, {first.get('rule')}",
            )
        )
    return made


def _save(fig: Any, path: Path, plt: Any) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
