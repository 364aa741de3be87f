from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi.testclient import TestClient

from tests.demo_data import demo_document

DEMO_835 = Path(str(files("revcycle") / "demo_data" / "demo.835"))
X12 = {"Content-Type": "application/edi-x12"}
SETTINGS = {"sender_id": "REVCYCLE", "receiver_id": "CLEARINGHOUSE", "contact_phone": "5555550100"}


def test_read_mirrors_the_cli(client: TestClient) -> None:
    response = client.post("/x12/read", content=DEMO_835.read_bytes(), headers=X12)
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["transaction"] == "835"
    assert body["summary"]["claims"] == sum(len(remittance["claims"]) for remittance in body["remittances"])


def test_write_validate_and_acknowledge(client: TestClient) -> None:
    written = client.post("/x12/write-837", json={"settings": SETTINGS, "dataset": demo_document()})
    assert written.status_code == 200, written.text
    assert written.headers["content-type"].startswith("application/edi-x12")
    claims = written.content
    verdict = client.post("/x12/validate", content=claims, headers=X12).json()
    assert verdict["status"] == "valid"
    assert verdict["transactions"][0]["guide"] == "837P"
    ack = client.post("/x12/ack", content=claims, headers=X12)
    assert ack.status_code == 200
    assert "AK9*A*1*1*1" in ack.text
    again = client.post("/x12/write-837", json={"settings": SETTINGS, "dataset": demo_document()}).text
    assert again.split("*")[13] != claims.decode().split("*")[13]


def test_invalid_and_unreadable_x12(client: TestClient) -> None:
    broken = DEMO_835.read_text(encoding="utf-8").replace("BPR*I*", "BPR*Q*", 1)
    verdict = client.post("/x12/validate", content=broken.encode(), headers=X12).json()
    assert verdict["status"] == "invalid"
    assert verdict["findings"][0]["element"] == 1
    assert client.post("/x12/validate", content=b"hello", headers=X12).json()["status"] == "unreadable"
    response = client.post("/x12/read", content=b"hello", headers=X12)
    assert response.status_code == 422
    assert "no ISA" in response.json()["detail"][0]["msg"]


def test_bad_claims_are_refused_with_the_field(client: TestClient) -> None:
    document = demo_document()
    document["claims"][0]["total_charge"] = "1.00"
    response = client.post("/x12/write-837", json={"settings": SETTINGS, "dataset": document})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:3] == ["body", "claims", 0]
