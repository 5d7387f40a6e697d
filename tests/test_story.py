"""``pymem page``: four scenes from simulations, offline, and the page shows the simulations' numbers.

The browser checks run headless Chromium (Debian's, /usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pymem.cli import main
from pymem.crossbar.spec import random_crossbar
from pymem.engine.static import CrossbarSolver
from pymem.errors import PageTooLargeError, ParameterError
from pymem.report import story
from pymem.report.story import MAX_PAGE_BYTES, StoryResult, story_page

CHROMIUM = Path("/usr/bin/chromium")
VALUES = range(0, 16, 5)  # 0, 5, 10, 15: the page offers the values it simulated


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> StoryResult:
    return story_page(tmp_path_factory.mktemp("story") / "story.html", rows=8, cols=8, values=VALUES)


@pytest.fixture(scope="module")
def page(built: StoryResult) -> Any:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with sudo apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM))
        p = b.new_page(viewport={"width": 1000, "height": 1000})
        log: dict[str, list[str]] = {"problems": [], "requests": []}
        p.on("console", lambda m: log["problems"].append(m.text) if m.type == "error" else None)
        p.on("pageerror", lambda e: log["problems"].append(str(e)))
        p.on("request", lambda q: log["requests"].append(q.url))
        p.goto(built.path.resolve().as_uri())
        yield p, log
        b.close()


def test_scenes_come_from_the_simulations(built: StoryResult) -> None:
    d = built.data
    wr = d["write_read"]
    m = wr["markers"]
    assert abs(wr["x"][m["after_read"]] - wr["x"][m["after_write"]]) < 1e-6
    assert abs(wr["s"][m["after_write"]] - wr["s"][m["before_write"]]) > 0.2
    mult = d["multiplier"]
    assert mult["converged"] and abs(mult["product"][-1] - mult["z"]) <= mult["tol"]
    assert len(mult["product"]) == mult["pulses"] + 1 == len(mult["widths_s"]) + 1
    np.testing.assert_allclose(
        mult["infer_product"], np.array(mult["infer_x"]) * mult["product"][-1] / mult["x"], rtol=1e-3
    )
    runs = d["bitslice"]["runs"]
    assert [r["value"] for r in runs] == list(VALUES)
    for r in runs:
        assert sum(r["contribution"]) == pytest.approx(r["value_read"], rel=1e-9, abs=1e-9)
        assert abs(r["value_read"] - r["value"]) < 0.5
    errors = [r["max_rel_error"] for r in d["crossbar"]["runs"]]
    assert errors[0] < 1e-9 < errors[1] < errors[2]
    assert built.bytes < MAX_PAGE_BYTES
    assert built.seconds["total"] > 0


def test_page_is_self_contained(built: StoryResult) -> None:
    text = built.path.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    resource = re.compile(
        r"""(\bsrc\s*=|\bhref\s*=|@import|url\(|\bfetch\(|XMLHttpRequest|\bimport\()""", re.I
    )
    assert resource.findall(text) == []
    blob = re.search(r'<script type="application/json" id="pymem-story">(.*?)</script>', text, re.S)[1]
    assert json.loads(blob)["crossbar"]["rows"] == 8


def test_every_scene_renders(page: Any) -> None:
    p, log = page
    for sid, inner in (("#s1-device", "rect.slider"), ("#s2-device", "rect.slider"), ("#s4-out", "rect.out")):
        assert p.locator(f"{sid} {inner}").count() >= 1
    assert p.locator("#s3-table tr").count() == 5
    assert p.locator("#s4-g rect").count() == 64 and p.locator("#s4-v rect").count() == 64
    assert log["problems"] == []
    assert log["requests"] == [p.url]


def test_scene1_and_scene2_controls(page: Any, built: StoryResult) -> None:
    p, _ = page
    wr, mult = built.data["write_read"], built.data["multiplier"]
    k = wr["markers"]["after_write"]
    p.evaluate(f"pymemStory.scene1({k})")
    assert float(p.get_attribute("#s1-readout", "data-state")) == wr["x"][k]
    slider = [float(p.get_attribute("#s2-device rect.slider", "x"))]
    for step in (0, len(mult["product"]) - 1):
        p.evaluate(f"pymemStory.scene2({step})")
        assert float(p.get_attribute("#s2-readout", "data-product")) == mult["product"][step]
        slider.append(float(p.get_attribute("#s2-device rect.slider", "x")))
    assert slider[-1] != slider[1]
    assert "done" in p.text_content("#s2-readout")


@pytest.mark.parametrize("n", range(len(VALUES)))
def test_scene3_value_switches_runs(page: Any, built: StoryResult, n: int) -> None:
    p, _ = page
    p.select_option("#s3-value", str(n))
    run = built.data["bitslice"]["runs"][n]
    assert int(p.get_attribute("#s3-readout", "data-value")) == run["value"]
    assert float(p.get_attribute("#s3-readout", "data-value-read")) == run["value_read"]


@pytest.mark.parametrize("n", range(len(story.WIRE_OHMS)))
def test_scene4_wire_control_matches_the_solver(page: Any, built: StoryResult, n: int) -> None:
    p, _ = page
    p.click(f"#s4-wire-{n}")
    run = built.data["crossbar"]["runs"][n]
    assert float(p.get_attribute("#s4-readout", "data-wire")) == story.WIRE_OHMS[n]
    assert float(p.get_attribute("#s4-readout", "data-error")) == run["max_rel_error"]
    shown = [
        float(x) for x in p.eval_on_selector_all("#s4-out rect.out", "rs => rs.map(r => r.dataset.value)")
    ]
    assert shown == run["y_a"]
    # the IR-drop map against an independent solve of the same crossbar
    xb = random_crossbar(8, 8, "hp", seed=0, r_row_ohm=story.WIRE_OHMS[n], r_col_ohm=story.WIRE_OHMS[n])
    v = xb.random_inputs(1, seed=1)[0]
    nodes = CrossbarSolver(xb).node_voltages(v)
    drop = v[:, None] - (nodes["wl"] - nodes["bl"])
    cells = p.eval_on_selector_all("#s4-v rect", "rs => rs.map(r => +r.getAttribute('data-value'))")
    np.testing.assert_allclose(np.array(cells).reshape(8, 8), drop, rtol=1e-9, atol=1e-15)


def test_oversized_crossbar_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PageTooLargeError, match=r"rows=64 is outside 2\.\.32"):
        story_page(tmp_path / "x.html", rows=64)
    assert main(["page", "--cols", "33", "-o", str(tmp_path / "x.html")]) == 2
    assert "cols=33 is outside 2..32" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_page_over_the_byte_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(story, "MAX_PAGE_BYTES", 1000)
    monkeypatch.setattr(story, "scene_write_read", lambda: {})
    monkeypatch.setattr(story, "scene_multiplier", lambda: {})
    monkeypatch.setattr(story, "scene_bitslice", lambda values: {})
    with pytest.raises(PageTooLargeError, match=r"over the 1000-byte limit"):
        story_page(tmp_path / "x.html", rows=2, cols=2)
    assert not (tmp_path / "x.html").exists()


def test_values_outside_0_15_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"values in 0\.\.15, got \[14, 15, 16\]"):
        story_page(tmp_path / "x.html", values=range(14, 17))
