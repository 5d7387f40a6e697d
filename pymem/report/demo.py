"""``pymem demo``: the end-to-end demonstration on built-in defaults."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def _row(name: str, value: str) -> str:
    return f"  {name:44s} {value}"


def run_demo(out_dir: str = "report", quick: bool = False) -> int:
    """Run every story the toolkit tells, print a summary table, write figures.

    Parameters
    ----------
    out_dir : str
        Folder for the report (created).
    quick : bool
        Smaller problems, for a fast look.

    Returns
    -------
    int
        Process exit status (0 when every check agreed with its reference).
    """
    from pymem import backends, devices
    from pymem.backends.doctor import diagnose
    from pymem.netlist.grid import resistor_grid_deck
    from pymem.ops.device import simulate as simulate_device

    t_start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    ok = True

    info = diagnose()
    rows.append(_row("ngspice", info["verdict"]))
    if not info["ok"]:
        print("\n".join(rows))
        return 1

    n = 16 if quick else 64
    deck = resistor_grid_deck(n)
    shared = backends.run(deck, backend="shared")
    batch = backends.run(deck, backend="batch")
    diff = max(
        float(np.max(np.abs(shared[k] - batch[k]) / np.maximum(np.abs(batch[k]), 1e-300))) for k in batch
    )
    ok &= diff <= 1e-12
    rows.append(_row(f"{n}x{n} resistor grid .op, shared backend", f"{shared.seconds:.3f} s"))
    rows.append(_row(f"{n}x{n} resistor grid .op, batch backend", f"{batch.seconds:.3f} s"))
    rows.append(_row("shared vs batch, max relative difference", f"{diff:.1e}"))

    model = devices.get("hp", window="joglekar")
    wave = devices.Sine(1.0, 1.0, cycles=2)
    ng = simulate_device(model, wave, backend="ngspice")
    ref = simulate_device(model, wave, backend="reference")
    dx = float(np.max(np.abs(ng.at(ref.t).x - ref.x)) / model.x_range)
    ok &= dx <= 1e-3
    rows.append(_row("HP memristor 1 V 1 Hz, ngspice vs reference", f"max |dx| = {dx:.1e} of range"))
    figure = _plot_loop(ng, ref, out / "hp_loop.png")
    rows.append(_row("pinched hysteresis loop", str(figure)))

    from pymem.crossbar import random_crossbar
    from pymem.ops.mvm import compare_solver_with_ngspice, mvm
    from pymem.report.figures import write_mvm_figures

    xb = random_crossbar(16, 16, "hp", seed=0, r_row_ohm=1.0, r_col_ohm=1.0)
    v = xb.random_inputs(4, seed=1)
    ng = mvm(xb, v, backend="ngspice")
    diff = compare_solver_with_ngspice(xb, v)
    ok &= diff <= 1e-6
    rows.append(_row("16x16 HP crossbar, 1 ohm wires, ngspice read", f"{ng.seconds:.2f} s for 4 vectors"))
    rows.append(
        _row(
            "  error of the circuit vs ideal G^T v",
            f"mean {100 * ng.mean_rel_error:.2f} %, max {100 * ng.max_rel_error:.2f} %",
        )
    )
    rows.append(_row("  sparse solver vs ngspice", f"max relative difference {diff:.1e}"))
    from pymem.ops.energy import mvm_energy

    energy = mvm_energy(xb, v)
    rows.append(
        _row(
            "  energy per multiply-accumulate (1 us read)",
            f"{energy['energy_per_mac_j'] * 1e12:.3g} pJ analog vs "
            f"{energy['digital_energy_per_mac_j'] * 1e12:.3g} pJ digital (Horowitz 2014)",
        )
    )
    for name, path in write_mvm_figures(out, quick=True).items():
        rows.append(_row(f"figure: {name}", str(path)))

    from pymem.stories.bitslice import store_and_read
    from pymem.stories.multiplier import train_multiplier

    mult = train_multiplier(devices.get("vteam"), x=0.5, z=0.2)
    ok &= mult.converged
    rows.append(
        _row(
            "VTEAM trained by pulses until 0.5 * w = 0.2",
            f"w = {mult.w_final:.4f} (ideal 0.4), error {mult.abs_error:.4f}, {mult.pulses} pulses",
        )
    )
    sliced = store_and_read(13, bits=4, bits_per_device=1)
    ok &= round(sliced.value_read) == 13
    rows.append(
        _row(
            "13 on four 1-bit Yakopcic devices, read back",
            f"{sliced.value_read:.3f} (digits {sliced.digits}, {sliced.pulses} pulses)",
        )
    )

    from pymem.report.animate import animate_page

    page = animate_page("vteam", out / "memristor.html")
    moved = abs(page.x_after_write - page.x_at("before_write")) / page.x_range
    stayed = abs(page.x_after_read - page.x_after_write) / page.x_range
    ok &= moved > 0.2 and stayed < 1e-6
    rows.append(
        _row(
            "VTEAM: a write pulse, then read pulses",
            f"write moved the state {moved:.2f} of its range, reads {stayed:.0e}",
        )
    )
    rows.append(_row("  animated page (offline)", str(page.path)))
    _plot_read_write(page, out / "read_write.png")

    from pymem.report.sweep_plots import plot_training
    from pymem.train.network import TrainConfig, train

    cfg = TrainConfig(data="iris", rows=5, cols=6, epochs=1, batch=35) if quick else TrainConfig(epochs=2)
    tr = train(cfg, quiet=True)
    ok &= tr.accuracy["ideal"] > 1.5 / (cfg.cols or 6)
    size = next(iter(tr.states.values())).shape if tr.states else (cfg.rows, cfg.cols)
    rows.append(
        _row(
            f"training {cfg.data} on a {size[0]}x{size[1]} VTEAM array, {cfg.epochs} epoch(s)",
            f"test accuracy: circuit {tr.accuracy['circuit']:.3f}, device only "
            f"{tr.accuracy['device_only']:.3f}, ideal {tr.accuracy['ideal']:.3f} ({tr.seconds:.0f} s, "
            f"{tr.writes} write transients by the {cfg.backend} engine)",
        )
    )
    plot_training(
        tr.history, out / "training.png", title=f"{cfg.data}, {cfg.r_wire_ohm} ohm/segment, {cfg.rule}"
    )

    rows.append(_row("demo wall time", f"{time.perf_counter() - t_start:.1f} s"))
    print("pymem demo summary")
    print("\n".join(rows))
    index = write_index(out, rows, ok)
    print(f"report folder: {out.resolve()} (open {index.name})")
    return 0 if ok else 1


def write_index(out: Path, rows: list[str], ok: bool) -> Path:
    """An offline ``index.html``: the summary table and every PNG of the report folder."""
    import html

    cells = []
    for row in rows:
        name, _, value = row.strip().partition("  ")
        cells.append(f"<tr><td>{html.escape(name.strip())}</td><td>{html.escape(value.strip())}</td></tr>")
    figures = []
    for png in sorted(out.glob("*.png")):
        label = html.escape(png.stem)
        figures.append(
            f'<figure><img src="{png.name}" alt="{label}"><figcaption>{label}</figcaption></figure>'
        )
    verdict = "every check agreed with its reference" if ok else "some check disagreed with its reference"
    pages = "".join(
        f'<p><a href="{p.name}">{html.escape(p.stem)}: the animated memristor (play, pause, scrub)</a></p>'
        for p in sorted(out.glob("*.html"))
        if p.name != "index.html"
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>pymem demo</title>"
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
        "td{padding:2px 12px;border-bottom:1px solid #ddd}img{max-width:100%}</style></head><body>"
        f"<h1>pymem demo</h1><p>{verdict}.</p>{pages}<table>{''.join(cells)}</table>{''.join(figures)}"
        "</body></html>\n"
    )
    path = out / "index.html"
    path.write_text(page)
    return path


def _plot_loop(ng: object, ref: object, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    a.plot(ref.v, ref.i * 1e3, "k-", lw=2, label="reference (scipy)")  # type: ignore[attr-defined]
    a.plot(ng.v, ng.i * 1e3, "r--", lw=1, label="ngspice")  # type: ignore[attr-defined]
    a.set_xlabel("voltage (V)")
    a.set_ylabel("current (mA)")
    a.legend()
    b.plot(ref.t, ref.x, "k-", lw=2)  # type: ignore[attr-defined]
    b.plot(ng.t, ng.x, "r--", lw=1)  # type: ignore[attr-defined]
    b.set_xlabel("time (s)")
    b.set_ylabel("state x = w/D")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plot_read_write(page: object, path: Path) -> Path:
    """The state of the animated device per frame, with the write and read markers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = page.x_frames / page.x_range  # type: ignore[attr-defined]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(x, "k-")
    for name, k in page.markers.items():  # type: ignore[attr-defined]
        color = "tab:red" if name.startswith("after_write") else "tab:blue" if "read" in name else "grey"
        ax.axvline(k, color=color, ls=":", lw=1)
        ax.annotate(name.replace("_", " "), (k, x[k]), fontsize=7, rotation=30)
    ax.set_xlabel("frame (write pulses move the state, read pulses leave it)")
    ax.set_ylabel("state / range")
    ax.set_title(f"{page.model}: strong pulses write, weak pulses read (ngspice)")  # type: ignore[attr-defined]
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
