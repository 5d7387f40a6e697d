"""Small pure functions that format SPICE netlist text.

Every function returns a string (one line, or a block for ``.subckt``) and
checks its input: names are legal and values finite, so a bad value fails
here with a message that names it, not later inside ngspice. Numbers are
written with Python's shortest round-trip form, so ngspice reads back the
same float to well under 1e-12 relative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from pymem.errors import NetlistError

_NODE = re.compile(r"^[A-Za-z0-9_]+$")
_ELEMENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_PARAM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_PARAMS = {"time", "temper", "hertz", "pi", "e", "boltz", "echarge", "kelvin", "planck"}


def fmt(value: float, what: str = "value") -> str:
    """Format a finite real number for a netlist.

    Parameters
    ----------
    value : float
        Number in SI units.
    what : str
        What the number is, for the error message.

    Returns
    -------
    str
        Shortest text that reads back as the same float (``repr``).

    Raises
    ------
    NetlistError
        If ``value`` is not a finite real number.
    """
    if isinstance(value, bool):
        raise NetlistError(f"{what} must be a number, got the boolean {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise NetlistError(f"{what} must be a number, got {value!r}") from exc
    if not math.isfinite(x):
        raise NetlistError(f"{what} must be finite, got {value!r}; give a real number in SI units")
    if x == 0.0:
        return "0"
    return repr(x)


def positive(value: float, what: str) -> str:
    """Format ``value`` after checking it is finite and > 0."""
    text = fmt(value, what)
    if not float(value) > 0:
        raise NetlistError(f"{what} must be > 0, got {value!r}; give a positive value in SI units")
    return text


def node(name: str) -> str:
    """Check a node name (letters, digits, underscore; ``0`` is ground)."""
    if not isinstance(name, str) or not _NODE.match(name):
        raise NetlistError(
            f"illegal node name {name!r}: use letters, digits and '_' only (e.g. 'r3_c7'); '0' is ground"
        )
    return name


def element_name(name: str, prefix: str) -> str:
    """Check an element name: it must start with ``prefix`` (R, C, V, ...)."""
    if not isinstance(name, str) or not _ELEMENT.match(name):
        raise NetlistError(f"illegal element name {name!r}: start with a letter, then letters, digits, '_'")
    if name[0].upper() not in prefix.upper():
        raise NetlistError(
            f"element name {name!r} must start with {prefix!r} for this element type, e.g. {prefix[0]}{name}"
        )
    return name


def param_name(name: str) -> str:
    """Check a ``.param``/subcircuit parameter name."""
    if not isinstance(name, str) or not _PARAM.match(name) or name.lower() in _RESERVED_PARAMS:
        raise NetlistError(
            f"illegal parameter name {name!r}: start with a letter or '_', use letters, digits, "
            f"'_', and avoid the reserved names {sorted(_RESERVED_PARAMS)}"
        )
    return name


def resistor(name: str, n1: str, n2: str, r_ohm: float) -> str:
    """``Rname n1 n2 value``: a resistor of ``r_ohm`` ohm (> 0)."""
    return f"{element_name(name, 'R')} {node(n1)} {node(n2)} {positive(r_ohm, f'resistance of {name} (ohm)')}"


def capacitor(name: str, n1: str, n2: str, c_farad: float, ic_volt: float | None = None) -> str:
    """``Cname n1 n2 value [IC=v]``: a capacitor of ``c_farad`` F (> 0)."""
    line = (
        f"{element_name(name, 'C')} {node(n1)} {node(n2)} {positive(c_farad, f'capacitance of {name} (F)')}"
    )
    if ic_volt is not None:
        line += f" IC={fmt(ic_volt, f'initial voltage of {name} (V)')}"
    return line


def vsource(name: str, n_plus: str, n_minus: str, dc_volt: float = 0.0, wave: str = "") -> str:
    """``Vname n+ n- DC v [wave]``: an independent voltage source.

    ``wave`` is the text of :func:`pulse`, :func:`pwl` or :func:`sin`.
    """
    dc_text = fmt(dc_volt, f"DC value of {name} (V)")
    line = f"{element_name(name, 'V')} {node(n_plus)} {node(n_minus)} DC {dc_text}"
    return f"{line} {wave}" if wave else line


def isource(name: str, n_plus: str, n_minus: str, dc_amp: float = 0.0, wave: str = "") -> str:
    """``Iname n+ n- DC i [wave]``: an independent current source (A, from n+ to n- inside)."""
    dc_text = fmt(dc_amp, f"DC value of {name} (A)")
    line = f"{element_name(name, 'I')} {node(n_plus)} {node(n_minus)} DC {dc_text}"
    return f"{line} {wave}" if wave else line


def bsource(name: str, n_plus: str, n_minus: str, expression: str, kind: str = "I") -> str:
    """``Bname n+ n- I={expr}`` or ``V={expr}``: a behavioural source."""
    if kind not in ("I", "V"):
        raise NetlistError(f"B-source kind must be 'I' or 'V', got {kind!r}")
    if not expression.strip() or expression.count("(") != expression.count(")"):
        raise NetlistError(f"B-source {name} has an empty or unbalanced expression: {expression!r}")
    return f"{element_name(name, 'B')} {node(n_plus)} {node(n_minus)} {kind}={{{expression}}}"


def instance(name: str, nodes: Sequence[str], subckt: str, params: Mapping[str, float] | None = None) -> str:
    """``Xname n1 n2 ... subckt [p=v ...]``: a subcircuit instance."""
    parts = [element_name(name, "X"), *(node(n) for n in nodes), param_name(subckt)]
    for key, value in (params or {}).items():
        parts.append(f"{param_name(key)}={fmt(value, f'parameter {key} of {name}')}")
    return " ".join(parts)


def subckt(
    name: str,
    ports: Sequence[str],
    body: Iterable[str],
    params: Mapping[str, float] | None = None,
    comment: str = "",
) -> str:
    """A ``.subckt`` block with default parameters, ending in ``.ends``."""
    if not ports:
        raise NetlistError(f"subcircuit {name!r} needs at least one port")
    dup = {p for p in ports if list(ports).count(p) > 1}
    if dup:
        raise NetlistError(f"subcircuit {name!r} lists ports twice: {sorted(dup)}")
    head = [".subckt", param_name(name), *(node(p) for p in ports)]
    if params:
        head.append("params:")
        head += [f"{param_name(k)}={fmt(v, f'parameter {k} of {name}')}" for k, v in params.items()]
    lines = [f"* {c}" for c in comment.splitlines()] if comment else []
    lines.append(" ".join(head))
    lines += list(body)
    lines.append(f".ends {name}")
    return "\n".join(lines)


def pulse(
    v1: float,
    v2: float,
    delay_s: float,
    rise_s: float,
    fall_s: float,
    width_s: float,
    period_s: float,
) -> str:
    """``PULSE(v1 v2 td tr tf pw per)``; times in s, rise and fall > 0."""
    for what, t in (("rise time", rise_s), ("fall time", fall_s), ("width", width_s)):
        positive(t, f"pulse {what} (s)")
    positive(period_s, "pulse period (s)")
    if delay_s < 0:
        raise NetlistError(f"pulse delay must be >= 0 s, got {delay_s!r}")
    vals = [
        fmt(v1, "pulse low value (V)"),
        fmt(v2, "pulse high value (V)"),
        fmt(delay_s),
        fmt(rise_s),
        fmt(fall_s),
        fmt(width_s),
        fmt(period_s),
    ]
    return f"PULSE({' '.join(vals)})"


def pwl(times_s: Sequence[float], values: Sequence[float]) -> str:
    """``PWL(t1 v1 t2 v2 ...)``; times strictly increasing, from >= 0."""
    if len(times_s) != len(values) or len(times_s) < 1:
        raise NetlistError(
            f"PWL needs as many times as values and at least one point, got "
            f"{len(times_s)} times and {len(values)} values"
        )
    prev = -math.inf
    parts = []
    for k, (t, v) in enumerate(zip(times_s, values, strict=True)):
        ft = fmt(t, f"PWL time #{k} (s)")
        if not float(t) > prev or float(t) < 0:
            raise NetlistError(
                f"PWL times must be >= 0 and strictly increasing; time #{k} = {t!r} follows "
                f"{prev!r}. Sort the points or drop duplicates"
            )
        prev = float(t)
        parts.append(f"{ft} {fmt(v, f'PWL value #{k}')}")
    return f"PWL({' '.join(parts)})"


def sin(
    offset: float,
    amplitude: float,
    freq_hz: float,
    delay_s: float = 0.0,
    damping_per_s: float = 0.0,
    phase_deg: float = 0.0,
) -> str:
    """``SIN(vo va freq td theta phase)``; frequency > 0."""
    vals = [
        fmt(offset, "sine offset"),
        fmt(amplitude, "sine amplitude"),
        positive(freq_hz, "sine frequency (Hz)"),
        fmt(delay_s, "sine delay (s)"),
        fmt(damping_per_s, "sine damping (1/s)"),
        fmt(phase_deg, "sine phase (deg)"),
    ]
    return f"SIN({' '.join(vals)})"


def op() -> str:
    """``.op``: operating point."""
    return ".op"


def dc(source: str, start: float, stop: float, step: float) -> str:
    """``.dc SRC start stop step``: a DC sweep of an independent source."""
    if step == 0 or not math.isfinite(step) or (stop - start) * step < 0:
        raise NetlistError(
            f"DC sweep step {step!r} cannot go from {start!r} to {stop!r}; give a non-zero "
            "step with the sign of (stop - start)"
        )
    return f".dc {element_name(source, 'VI')} {fmt(start)} {fmt(stop)} {fmt(step)}"


def tran(
    step_s: float, stop_s: float, start_s: float = 0.0, max_step_s: float | None = None, uic: bool = False
) -> str:
    """``.tran tstep tstop [tstart [tmax]] [uic]``; times in s."""
    parts = [".tran", positive(step_s, "transient step (s)"), positive(stop_s, "transient stop time (s)")]
    if start_s or max_step_s is not None:
        if start_s < 0 or start_s >= stop_s:
            raise NetlistError(f"transient start {start_s!r} s must be in [0, stop={stop_s!r})")
        parts.append(fmt(start_s))
    if max_step_s is not None:
        parts.append(positive(max_step_s, "transient max step (s)"))
    if uic:
        parts.append("uic")
    return " ".join(parts)


def ic(voltages: Mapping[str, float]) -> str:
    """``.ic v(n1)=x v(n2)=y``: initial node voltages (V)."""
    if not voltages:
        raise NetlistError(".ic needs at least one node voltage")
    return ".ic " + " ".join(f"v({node(n)})={fmt(v, f'initial voltage of {n}')}" for n, v in voltages.items())


def options(**values: float | str | bool) -> str:
    """``.options key=value ...``; a True flag is written as the bare key."""
    parts = []
    for key, value in values.items():
        param_name(key)
        if value is True:
            parts.append(key)
        elif isinstance(value, str):
            if not _PARAM.match(value):
                raise NetlistError(f"option {key} has an illegal value {value!r}")
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={fmt(value, f'option {key}')}")
    if not parts:
        raise NetlistError(".options needs at least one option")
    return ".options " + " ".join(parts)


def include(path: str) -> str:
    """``.include "path"``."""
    if not path or '"' in path or "\n" in path:
        raise NetlistError(f"illegal .include path {path!r}")
    return f'.include "{path}"'


def param(**values: float) -> str:
    """``.param name=value ...``."""
    if not values:
        raise NetlistError(".param needs at least one value")
    return ".param " + " ".join(f"{param_name(k)}={fmt(v, f'parameter {k}')}" for k, v in values.items())


def deck(title: str, lines: Iterable[str], check_names: bool = True) -> str:
    """Assemble a deck: title, lines, ``.end``; element names must be unique.

    ``check_names=False`` skips the uniqueness scan, for generators that make
    names from indices (a 1024 x 1024 crossbar has 3 million lines).

    Raises
    ------
    NetlistError
        On a duplicate element name (ngspice compares names case-insensitively).
    """
    if "\n" in title:
        raise NetlistError(f"deck title must be one line, got {title!r}")
    if not check_names:
        return "\n".join([title or "pymem deck", *lines, ".end"]) + "\n"
    body = "\n".join(lines).split("\n")
    seen: dict[str, int] = {}
    depth = 0
    for number, line in enumerate(body, start=2):
        word = line.split(maxsplit=1)[0].lower() if line.strip() else ""
        if word == ".subckt":
            depth += 1
        elif word == ".ends":
            depth -= 1
        elif depth == 0 and word and word[0].isalpha():
            if word in seen:
                raise NetlistError(
                    f"duplicate element name {line.split()[0]!r} on deck lines {seen[word]} and "
                    f"{number}; element names must be unique (case-insensitive)"
                )
            seen[word] = number
    return "\n".join([title or "pymem deck", *body, ".end"]) + "\n"
