"""Running the real ``revcycle`` CLI in-process and reading what it printed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from revcycle.cli.app import run


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def revcycle(capsys: pytest.CaptureFixture[str], *arguments: str) -> Outcome:
    capsys.readouterr()
    status = run(list(arguments))
    captured = capsys.readouterr()
    return Outcome(status, captured.out, captured.err)
