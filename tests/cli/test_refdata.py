"""`revcycle refdata import|status|update` on the official files, and on broken copies of them."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import revcycle
from tests.shared_files import REFDATA, shared_file

GPCI = "refdata/pfs-2026/GPCI2026.csv"
HCPCS = "refdata/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip"


def status(capsys: pytest.CaptureFixture[str], store: Path) -> list[dict[str, object]]:
    outcome = revcycle(capsys, "refdata", "status", "--store", str(store), "--json")
    assert outcome.status == 0, outcome.stderr
    releases: list[dict[str, object]] = outcome.json()
    return releases


def test_import_status_and_idempotence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "refdata.sqlite"
    first = revcycle(capsys, "refdata", "import", str(shared_file(GPCI)), "--store", str(store), "--json")
    assert first.status == 0, first.stderr
    assert first.json()[0]["changed"] is True
    again = revcycle(capsys, "refdata", "import", str(shared_file(GPCI)), "--store", str(store), "--json")
    assert again.json()[0]["changed"] is False
    [release] = status(capsys, store)
    assert release["code_set"] == "pfs_gpci"
    assert release["rows"] == 109
    assert release["sha256"] == "7850e2987d12e46930e49033f96829b5ae11f60dd1f19965329b38cf08b05264"


def test_truncated_and_unknown_files_change_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "refdata.sqlite"
    revcycle(capsys, "refdata", "import", str(shared_file(GPCI)), "--store", str(store))
    before = status(capsys, store)
    original = shared_file("refdata/pfs-2026/PPRRVU2026_Jul_nonQPP.csv").read_bytes()
    truncated = tmp_path / "PPRRVU-cut.csv"
    truncated.write_bytes(original[: len(original) // 2])
    outcome = revcycle(capsys, "refdata", "import", str(truncated), "--store", str(store))
    assert outcome.status == 1
    assert "PPRRVU-cut.csv: line" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    unknown = tmp_path / "notes.txt"
    unknown.write_text("nothing official here\n")
    refused = revcycle(capsys, "refdata", "import", str(unknown), "--store", str(store))
    assert refused.status == 1
    assert "is not a reference file revcycle recognises" in refused.stderr
    assert status(capsys, store) == before


@pytest.fixture
def official_server() -> Iterator[str]:
    """A loopback HTTP server serving ../shared/refdata, standing in for the CMS and CDC sites."""
    root = REFDATA
    if not root.exists():
        pytest.skip(f"{root} is absent")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def test_update_downloads_and_imports(capsys: pytest.CaptureFixture[str], tmp_path: Path, official_server: str) -> None:
    store = tmp_path / "refdata.sqlite"
    sources = tmp_path / "sources.json"
    sources.write_text(
        json.dumps(
            [
                f"{official_server}/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
                {"url": f"{official_server}/pfs-2026/GPCI2026.csv"},
            ]
        )
    )
    outcome = revcycle(capsys, "refdata", "update", "--sources", str(sources), "--store", str(store), "--json")
    assert outcome.status == 0, outcome.stderr
    assert {release["release"]["code_set"] for release in outcome.json()} == {"hcpcs", "pfs_gpci"}
    again = revcycle(capsys, "refdata", "update", "--sources", str(sources), "--store", str(store), "--json")
    assert [release["changed"] for release in again.json()] == [False, False]


def test_update_with_a_missing_file_imports_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, official_server: str
) -> None:
    store = tmp_path / "refdata.sqlite"
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps([f"{official_server}/pfs-2026/GPCI2026.csv", f"{official_server}/nope.zip"]))
    outcome = revcycle(capsys, "refdata", "update", "--sources", str(sources), "--store", str(store))
    assert outcome.status == 1
    assert "cannot download" in outcome.stderr
    assert "nope.zip" in outcome.stderr
    assert status(capsys, store) == []


def test_bad_sources_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sources = tmp_path / "sources.json"
    sources.write_text('["ftp://example.invalid/x"]')
    outcome = revcycle(capsys, "refdata", "update", "--sources", str(sources), "--store", str(tmp_path / "s.sqlite"))
    assert outcome.status == 1
    assert "is not an http(s) URL" in outcome.stderr
