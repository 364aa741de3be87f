from __future__ import annotations

from pathlib import Path

from revcycle.services.demo import run_demo


def test_demo_on_a_fresh_file_then_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    steps: list[int] = []
    first = run_demo(url, on_records=steps.append)
    assert first.database.up_to_date
    assert sum(steps) == first.imported.total_added == 30
    second = run_demo(url)
    assert second.imported.total_added == 0
    assert second.summary == first.summary
