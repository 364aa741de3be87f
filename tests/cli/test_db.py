from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import revcycle


def test_upgrade_downgrade_and_upgrade_again(capsys: pytest.CaptureFixture[str], empty_database_url: str) -> None:
    status = revcycle(capsys, "--db", empty_database_url, "db", "status", "--json")
    assert status.status == 0, status.stderr
    assert status.json()["current"] is None
    assert status.json()["up_to_date"] is False

    upgraded = revcycle(capsys, "--db", empty_database_url, "db", "upgrade", "--json")
    assert upgraded.status == 0, upgraded.stderr
    assert upgraded.json()["current"] == upgraded.json()["head"]

    downgraded = revcycle(capsys, "--db", empty_database_url, "db", "downgrade", "base", "--json")
    assert downgraded.status == 0, downgraded.stderr
    assert downgraded.json()["current"] is None

    again = revcycle(capsys, "--db", empty_database_url, "db", "upgrade", "--json")
    assert again.status == 0, again.stderr
    assert again.json()["up_to_date"] is True


def test_status_table_hides_password(capsys: pytest.CaptureFixture[str], empty_database_url: str) -> None:
    outcome = revcycle(capsys, "--db", empty_database_url, "db", "status")
    assert outcome.status == 0
    assert "up to date" in outcome.stdout


def test_unsupported_url_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = revcycle(capsys, "--db", "mysql://nobody@localhost/x", "db", "status")
    assert outcome.status == 1
    assert "not supported" in outcome.stderr
    assert "Traceback" not in outcome.stderr + outcome.stdout


def test_unknown_revision_is_a_clear_error(capsys: pytest.CaptureFixture[str], empty_database_url: str) -> None:
    outcome = revcycle(capsys, "--db", empty_database_url, "db", "upgrade", "--revision", "nope", "--json")
    assert outcome.status == 1
    assert "nope" in outcome.json()["error"]


def test_unreachable_postgres_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = revcycle(capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "db", "status")
    assert outcome.status == 1
    assert "cannot read the database" in outcome.stderr


def test_db_option_after_the_command(capsys: pytest.CaptureFixture[str], empty_database_url: str) -> None:
    """`revcycle db upgrade --db URL`, the form the README and operators use."""
    upgraded = revcycle(capsys, "db", "upgrade", "--db", empty_database_url, "--json")
    assert upgraded.status == 0, upgraded.stderr
    assert upgraded.json()["up_to_date"] is True
    downgraded = revcycle(capsys, "db", "downgrade", "base", "--db", empty_database_url, "--json")
    assert downgraded.json()["current"] is None
    assert revcycle(capsys, "db", "upgrade", "--db", empty_database_url, "--json").json()["up_to_date"] is True


def test_status_of_a_missing_sqlite_file_creates_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    outcome = revcycle(capsys, "db", "status", "--db", f"sqlite:///{path}", "--json")
    assert outcome.status == 0
    assert outcome.json()["current"] is None
    assert not path.exists()
