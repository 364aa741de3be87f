from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_health_on_loopback(tmp_path: Path) -> None:
    program = Path(sys.executable).parent / "revcycle"
    url = f"sqlite:///{tmp_path / 'served.db'}"
    subprocess.run([str(program), "db", "upgrade", "--db", url], check=True, capture_output=True, timeout=60)
    port = free_port()
    server = subprocess.Popen(
        [str(program), "serve", "--db", url, "--port", str(port), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = json.load(response)
            except OSError:
                time.sleep(0.2)
        assert health is not None, "the server did not answer within 30 s"
        assert health["database"]["up_to_date"] is True
    finally:
        server.terminate()
        out, err = server.communicate(timeout=15)
    assert json.loads(out)["listening"] == f"http://127.0.0.1:{port}"
    assert "GET /health" not in err  # no access log by default: request paths carry record ids
