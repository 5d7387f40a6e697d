"""The layers in pymem/__init__.py's docstring hold: no arrow against them, no module outside, no circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import pymem

PACKAGE = Path(pymem.__file__).parent


def plan() -> dict[str, int]:
    """Layer number of every top-level module or package named in the package docstring."""
    rank: dict[str, int] = {}
    for number, names in re.findall(r"^(\d+)\. ([a-z_, ]+?) --", pymem.__doc__ or "", re.M):
        for name in names.split(","):
            rank[name.strip()] = int(number)
    return rank


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(name: str, path: Path) -> list[tuple[int, str]]:
    """(line, module) of every pymem import in ``path``, at any depth (function-level, TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from pymem import devices`` imports the module pymem.devices
            names = [f"{target}.{a.name}" for a in node.names]
            found += [(node.lineno, t) for t in [target, *names]]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    known = modules()
    return [(line, t) for line, t in found if t in known]


def top(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def test_the_plan_names_every_module() -> None:
    rank = plan()
    assert len(rank) >= 15, "the layer list in pymem/__init__.py's docstring did not parse"
    missing = sorted({top(m) for m in modules() if top(m) is not None} - set(rank))
    assert not missing, f"modules outside the plan in pymem/__init__.py's docstring: {missing}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_arrow_against_the_plan(name: str) -> None:
    rank = plan()
    src = top(name)
    if src is None:  # the package front may import anything
        return
    bad = [
        f"{modules()[name].name}:{line} imports {t} (layer {rank[top(t)]} > {src}'s {rank[src]})"
        for line, t in imports(name, modules()[name])
        if top(t) is not None and rank[top(t)] > rank[src]
    ]
    assert not bad, "\n".join(bad)


def test_no_import_circle() -> None:
    mods = modules()
    graph = {
        m: {t for _, t in imports(m, p) if t != m and not t.startswith(m + ".") and not m.startswith(t + ".")}
        for m, p in mods.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_no_module_over_500_lines() -> None:
    long = {m: n for m, p in modules().items() if (n := len(p.read_text().splitlines())) > 500}
    assert not long, f"modules over 500 lines: {long}"
