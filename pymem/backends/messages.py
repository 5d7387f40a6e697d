"""Turn what ngspice prints into pymem exceptions.

Both backends feed the lines ngspice printed (stdout and stderr, in order)
to :func:`raise_for_log`. ngspice's informational lines ("Note: ...",
"Warning: ... dc value used for op", solver notices of ngspice 42 and newer)
are not errors; the patterns below are the failures.
"""

from __future__ import annotations

import re

from pymem.errors import (
    ConvergenceError,
    NgspiceSyntaxError,
    SimulationError,
    SingularMatrixError,
    TimestepTooSmallError,
)

_ERROR_ON_LINE = re.compile(r"Error on line (\d+)", re.IGNORECASE)
_SINGULAR = re.compile(r"singular matrix:\s*check node\s+(\S+)", re.IGNORECASE)
_TIMESTEP = re.compile(r"timestep too small;\s*(?:time\s*=\s*([-+0-9.eE]+)|initial timepoint)", re.IGNORECASE)
_TIMESTEP_ANY = re.compile(r"timestep too small", re.IGNORECASE)
_TROUBLE_NODE = re.compile(r'trouble with node "([^"]+)"', re.IGNORECASE)
_PARSE_ERRORS = (
    "circuit not parsed",
    "unknown subckt",
    "unknown parameter",
    "could not find a valid modelname",
    "unable to find definition of model",
    "no such vector",
    "syntax error",
    "unknown model type",
    "too few nodes",
    "mismatch of .subckt",
    "illegal",
    "unknown device type",
    "undefined parameter",
    "cannot compute substitute",
    "not parsed",
    "parameter value out of range",
)
_CONVERGENCE = (
    "gmin stepping failed",
    "source stepping failed",
    "iteration limit reached",
    "transient op failed",
    "no convergence",
    "operating point analysis failed",
)


def _strip_stream(line: str) -> str:
    for prefix in ("stdout ", "stderr "):
        if line.startswith(prefix):
            return line[len(prefix) :]
    return line


def find_deck_line(deck: str, ngspice_line: str) -> str | None:
    """Find the user's deck line that ngspice echoed (lower-cased, re-spaced).

    Returns ``"line N: <original text>"`` or None when nothing matches.
    """
    wanted = " ".join(ngspice_line.lower().split())
    if not wanted:
        return None
    for number, line in enumerate(deck.splitlines(), start=1):
        if " ".join(line.lower().split()) == wanted:
            return f"line {number}: {line.strip()}"
    return None


def _fix_for_node(node: str) -> str:
    if node.lower().endswith("#branch"):
        source = node[: -len("#branch")]
        return (
            f"that is the current of {source!r}, which sits in a loop of voltage sources or "
            "inductors (for example two voltage sources in parallel): remove one, or put a "
            "resistance in series"
        )
    return (
        f"give node {node!r} a DC path to ground (for example a 1e12 ohm resistor) "
        "or an initial condition, and check it is connected to the rest of the circuit"
    )


def raise_for_log(lines: list[str], deck: str, produced_data: bool) -> None:
    """Raise the pymem exception that matches ngspice's output, if any.

    Parameters
    ----------
    lines : list of str
        ngspice's printed lines, in order (an optional ``stdout ``/``stderr ``
        prefix is ignored).
    deck : str
        The deck that was run, to quote the offending line.
    produced_data : bool
        Whether the run left vectors behind; a run without data is an error
        even when no pattern matched.

    Raises
    ------
    NgspiceSyntaxError, SingularMatrixError, TimestepTooSmallError,
    ConvergenceError, SimulationError
    """
    text = [_strip_stream(line).rstrip() for line in lines]
    log = "\n".join(text)
    lowered = [t.lower() for t in text]

    for k, t in enumerate(text):
        m = _ERROR_ON_LINE.search(t)
        if m:
            echoed = text[k + 1].strip() if k + 1 < len(text) else ""
            reason = text[k + 2].strip() if k + 2 < len(text) else ""
            deck_line = find_deck_line(deck, echoed) or echoed
            raise NgspiceSyntaxError(
                "ngspice could not parse the deck; correct the offending line",
                ngspice_message=f"{t.strip()} {echoed}: {reason}".strip(),
                deck_line=deck_line,
                log=log,
            )
    for k, t in enumerate(lowered):
        if any(p in t for p in _PARSE_ERRORS) and ("error" in t or "unknown" in t):
            echoed = text[k + 1].strip() if k + 1 < len(text) else ""
            deck_line = find_deck_line(deck, echoed)
            if deck_line is None:
                # ngspice often quotes the line on the same line after a colon.
                _, _, tail = text[k].partition(":")
                _, _, tail = tail.partition(":") if "error" in tail.lower() else ("", "", tail)
                deck_line = find_deck_line(deck, tail)
            raise NgspiceSyntaxError(
                "ngspice could not parse the deck; correct the offending line",
                ngspice_message=text[k].strip(),
                deck_line=deck_line,
                log=log,
            )
    singular = next((t for t in text if _SINGULAR.search(t)), None)
    for t in text:
        m = _TIMESTEP.search(t)
        if m or _TIMESTEP_ANY.search(t):
            time_s = float(m.group(1)) if m and m.group(1) else None
            if time_s is None and singular is not None:
                # ngspice's last resort for an operating point it could not solve is a
                # "transient op", which then fails with "timestep too small"; the singular
                # matrix it reported first is the cause (a loop of voltage sources, a floating node)
                break
            node = _TROUBLE_NODE.search(t)
            where = f"at t = {time_s:.6g} s" if time_s is not None else "at the initial time point"
            hint = f" near node {node.group(1)!r}" if node else ""
            raise TimestepTooSmallError(
                f"transient analysis stopped: timestep too small {where}{hint}; "
                "smooth the sources' edges, add a small capacitance, or loosen reltol",
                time_s=time_s,
                ngspice_message=t.strip(),
                log=log,
            )
    for t in text:
        m = _SINGULAR.search(t)
        if m:
            node = m.group(1)
            raise SingularMatrixError(
                f"singular circuit matrix at node {node!r}; {_fix_for_node(node)}",
                node=node,
                ngspice_message=t.strip(),
                log=log,
            )
    failed = [
        k
        for k, t in enumerate(lowered)
        if t.startswith("error") or "simulation(s) aborted" in t or "fatal" in t
    ]
    if failed or not produced_data:
        trouble = [t for t in lowered if any(p in t for p in _CONVERGENCE)]
        message = text[failed[0]].strip() if failed else (text[-1].strip() if text else "")
        if trouble:
            raise ConvergenceError(
                "ngspice did not converge; check for floating nodes, steep device "
                "equations or unrealistic sources",
                ngspice_message=f"{trouble[-1].strip()}; {message}",
                log=log,
            )
        if failed:
            raise SimulationError("ngspice reported an error", ngspice_message=message, log=log)
        raise SimulationError(
            "ngspice produced no data: does the deck have an analysis line (.op, .dc, .tran, .ac)?",
            ngspice_message=message,
            log=log,
        )
