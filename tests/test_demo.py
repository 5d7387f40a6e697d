"""``pymem demo``: the main job runs, agrees with its references, and writes its report."""

from __future__ import annotations

from pathlib import Path

from pymem import cli


def test_quick_demo_writes_the_report(tmp_path: Path, capsys) -> None:
    status = cli.main(["demo", "--out", str(tmp_path), "--quick"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "sparse solver vs ngspice" in out and "read back" in out
    assert "energy per multiply-accumulate" in out and "test accuracy: circuit" in out
    page = (tmp_path / "index.html").read_text()
    assert 'href="memristor.html"' in page and (tmp_path / "memristor.html").stat().st_size > 10_000
    for png in ("hp_loop.png", "mvm_error.png", "voltage_drop.png", "read_write.png", "training.png"):
        assert (tmp_path / png).stat().st_size > 10_000
        assert f'src="{png}"' in page
    assert "http" not in page  # offline: no network requests
