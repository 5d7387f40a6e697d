"""``pymem animate``: the page's data is ngspice's, it works offline, and its slider follows the state.

The browser checks run headless Chromium (Debian's, /usr/bin/chromium) through
Playwright and locate the magenta slider in screenshots by its pixels.
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pytest

from pymem.cli import main
from pymem.errors import ParameterError
from pymem.report.animate import PHASES, AnimateResult, animate_page

CHROMIUM = Path("/usr/bin/chromium")
MODELS = ["vteam", "yakopcic"]


@pytest.fixture(scope="module", params=MODELS)
def page_result(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AnimateResult:
    out = tmp_path_factory.mktemp(f"animate_{request.param}") / "page.html"
    return animate_page(request.param, out)


@pytest.fixture(scope="module")
def browser() -> Any:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the page tests need Debian's Chromium. "
            "Install it with: sudo apt-get install -y chromium (or run ./dev.sh test as root)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM))
        yield b
        b.close()


def slider_column(png: bytes) -> float:
    """Mean x (px) of the columns holding the magenta (#ff00ff) slider in a screenshot."""
    rgb = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    magenta = (rgb[..., 0] > 0.97) & (rgb[..., 1] < 0.03) & (rgb[..., 2] > 0.97)
    cols = np.flatnonzero(magenta.sum(axis=0) >= 20)
    assert cols.size, "no magenta slider column found in the screenshot"
    assert cols[-1] - cols[0] <= 6, f"magenta in scattered columns {cols.tolist()}: the colour is not unique"
    return float(cols.mean())


def test_states_from_the_simulation(page_result: AnimateResult) -> None:
    r = page_result
    read_change = abs(r.x_after_read - r.x_after_write) / r.x_range
    write_change = abs(r.x_after_write - r.x_at("before_write")) / r.x_range
    write2_change = abs(r.x_at("after_write2") - r.x_after_read) / r.x_range
    assert read_change < 1e-6
    assert abs(r.x_at("after_read2") - r.x_at("after_write2")) / r.x_range < 1e-6
    assert write_change > 0.2
    assert write2_change > 0.2
    assert 300 <= r.frames <= 2000
    assert r.sim_points > r.frames
    m = r.markers
    assert 0 < m["before_write"] < m["after_write"] < m["after_read"] < m["after_write2"] < m["after_read2"]


def test_page_is_self_contained(page_result: AnimateResult) -> None:
    text = page_result.path.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    resource = re.compile(
        r"""(\bsrc\s*=|\bhref\s*=|@import|url\(|\bfetch\(|XMLHttpRequest|\bimport\()""", re.I
    )
    assert resource.findall(text) == []
    data = json.loads(
        re.search(r'<script type="application/json" id="pymem-data">(.*?)</script>', text, re.S)[1]
    )
    assert len(data["x"]) == page_result.frames
    assert data["x"][data["markers"]["after_write"]] == page_result.x_after_write
    assert data["model"] == page_result.model
    assert page_result.model in text and "Weak pulses read" in text


def test_page_in_chromium(page_result: AnimateResult, browser: Any) -> None:
    r = page_result
    url = r.path.resolve().as_uri()
    page = browser.new_page(viewport={"width": 1000, "height": 1100})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda q: requests.append(q.url))
    page.goto(url)
    hook = page.evaluate("() => ({frames: pymemPage.frames, markers: pymemPage.markers, bar: pymemPage.bar})")
    assert hook["frames"] == r.frames
    assert hook["markers"] == r.markers
    bar = hook["bar"]

    def look(k: int) -> tuple[float, str, list[str]]:
        page.evaluate(f"pymemPage.seek({k})")
        assert page.evaluate("pymemPage.frame()") == k
        png = page.locator("#device").screenshot()
        dots = page.evaluate(
            "Array.from(document.querySelectorAll('#dots circle'), c => c.getAttribute('cx'))"
        )
        return slider_column(png), page.text_content("#phase") or "", dots

    before, _, dots_before = look(r.markers["before_write"])
    after_write, _, dots_write = look(r.markers["after_write"])
    after_read, _, dots_read = look(r.markers["after_read"])
    _, phase_read, _ = look(r.markers["after_read"] - 1)
    _, phase_write, _ = look((r.markers["before_write"] + r.markers["after_write"]) // 2)
    print(
        f"{r.model}: slider at {before:.1f} px before the write, {after_write:.1f} px after it, "
        f"{after_read:.1f} px after the reads (bar {bar['left']}..{bar['left'] + bar['width']} px)"
    )
    assert abs(after_write - before) > 0.05 * bar["width"]
    assert abs(after_read - after_write) <= 1.0
    expected = bar["left"] + page.evaluate(f"pymemPage.state({r.markers['after_write']})") * bar["width"]
    assert abs(after_write - expected) <= 2.0
    assert dots_write == dots_read and dots_write != dots_before
    assert phase_read == "read" and phase_write in PHASES[2:]

    page.evaluate("pymemPage.seek(0); pymemPage.play()")
    page.wait_for_timeout(400)
    page.evaluate("pymemPage.pause()")
    assert page.evaluate("pymemPage.frame()") > 0 and not page.evaluate("pymemPage.playing()")
    page.close()
    assert problems == []
    assert requests == [url]


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hp.html"
    t0 = time.perf_counter()
    assert main(["animate", "--model", "hp", "-o", str(out), "--json"]) == 0
    wall = time.perf_counter() - t0
    got = json.loads(capsys.readouterr().out)
    assert got["path"] == str(out) and out.exists()
    assert got["model"] == "hp" and 300 <= got["frames"] <= 2000
    assert abs(got["x_after_read"] - got["x_after_write"]) < 1e-6
    assert abs(got["x_after_write"] - got["x_before_write"]) > 0.2
    # the reported times nest: ngspice's run within the page's build within the command, timed here
    assert 0 < got["seconds_ngspice"] <= got["seconds"] <= wall


def test_unknown_model_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ParameterError, match=r"unknown device model 'nope'; choose one of \['hp'"):
        animate_page("nope", tmp_path / "x.html")
    with pytest.raises(SystemExit) as stop:  # argparse refuses it, naming the registered models
        main(["animate", "--model", "nope", "-o", str(tmp_path / "x.html")])
    assert stop.value.code == 2
    assert "invalid model 'nope': choose one of ['hp'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_registered_model_without_a_page_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(
        ParameterError, match=r"does not support model 'team'; choose one of \['vteam', 'yakopcic'"
    ):
        animate_page("team", tmp_path / "x.html")
    assert main(["animate", "--model", "team", "-o", str(tmp_path / "x.html")]) == 2
    assert "does not support model 'team'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
