"""Page commands: ``pymem animate`` (one memristor written and read) and ``pymem page`` (the four stories)."""

from __future__ import annotations

import argparse

from pymem.cli.args import add_model_args, model_from
from pymem.cli.output import emit


def cmd_animate(args: argparse.Namespace) -> int:
    from pymem.checks import check_writable
    from pymem.report.animate import animate_page

    check_writable(args.output, make_folders=True)
    res = animate_page(model_from(args), args.output)
    out = {
        "path": str(res.path),
        "model": res.model,
        "frames": res.frames,
        "markers": res.markers,
        "x_before_write": res.x_at("before_write"),
        "x_after_write": res.x_after_write,
        "x_after_read": res.x_after_read,
        "sim_points": res.sim_points,
        "seconds_ngspice": res.seconds_ngspice,
        "seconds": res.seconds,
    }
    lines = [
        f"wrote {res.path}: {res.model}, {res.frames} frames from {res.sim_points} ngspice points",
        f"state after the write {res.x_after_write:.6g}, after the reads {res.x_after_read:.6g}",
    ]
    emit(out, args.json, lines=lines)
    return 0


def cmd_page(args: argparse.Namespace) -> int:
    from pymem.checks import check_writable
    from pymem.report.story import check_story_size, story_page

    check_story_size(args.rows, args.cols)
    check_writable(args.output, make_folders=True)
    res = story_page(args.output, args.rows, args.cols)
    out = {"path": str(res.path), "bytes": res.bytes, "seconds": res.seconds}
    emit(out, args.json, lines=[f"wrote {res.path}: {res.bytes} bytes in {res.seconds['total']:.1f} s"])
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``animate`` and ``page``."""
    from pymem.report.animate import SUPPORTED
    from pymem.report.story import MAX_CROSSBAR

    p = sub.add_parser("animate", help="offline HTML page animating one memristor from an ngspice run")
    add_model_args(p, "vteam", f"device model, one of {', '.join(SUPPORTED)} or a fit file of one")
    p.add_argument("-o", "--output", default="memristor.html", help="HTML file (default memristor.html)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_animate)

    p = sub.add_parser(
        "page", help="offline HTML page: write/read, training, bit slicing, crossbar inference"
    )
    p.add_argument("-o", "--output", default="story.html", help="HTML file (default story.html)")
    p.add_argument(
        "--rows", type=int, default=16, help=f"scene 4 crossbar rows, 2..{MAX_CROSSBAR} (default 16)"
    )
    p.add_argument("--cols", type=int, default=16, help="scene 4 crossbar columns (default 16)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_page)
