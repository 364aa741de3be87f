from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.api.record_schemas import generic_schema, record_schema
from revcycle.config import Settings
from revcycle.services.records import RECORD_KINDS


def refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def request_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return schema


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    openapi: dict[str, Any] = TestClient(create_app(Settings(database_url="sqlite://"))).get("/openapi.json").json()
    return openapi


def test_claim_request_schema(document: dict[str, Any]) -> None:
    schema = request_schema(document, "/claims")
    assert schema["title"] == "Claim"
    assert schema["additionalProperties"] is False
    assert {"id", "lines", "total_charge"} <= set(schema["required"])
    total_charge = schema["properties"]["total_charge"]
    assert {option["type"] for option in total_charge["anyOf"]} == {"string", "integer"}
    assert schema["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/ServiceLine"}
    assert "charge" in document["components"]["schemas"]["ServiceLine"]["properties"]


@pytest.mark.parametrize("kind", RECORD_KINDS.values(), ids=list(RECORD_KINDS))
def test_every_kind_documents_its_record(document: dict[str, Any], kind: Any) -> None:
    name = kind.record.__name__
    schema = request_schema(document, f"/{kind.name}")
    component = document["components"]["schemas"][name]
    assert schema["title"] == component["title"] == name
    assert schema["properties"].keys() == component["properties"].keys()
    assert schema["required"] == component["required"]
    assert "id" in schema["properties"]
    shown = document["paths"][f"/{kind.name}/{{record_id}}"]["get"]["responses"]["200"]["content"]
    assert shown["application/json"]["schema"] == {"$ref": f"#/components/schemas/{name}"}


def test_dataset_request_schema(document: dict[str, Any]) -> None:
    schema = request_schema(document, "/datasets")
    assert list(schema["properties"]) == list(RECORD_KINDS)
    assert schema["properties"]["claims"]["items"] == {"$ref": "#/components/schemas/Claim"}


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    prefix = "#/components/schemas/"
    found = refs(document)
    assert found
    assert all(
        ref.startswith(prefix) and ref.removeprefix(prefix) in document["components"]["schemas"] for ref in found
    )


class Opaque:
    pass


@dataclass(frozen=True)
class Unschemable:
    id: str
    thing: Opaque


@dataclass(frozen=True)
class NotJson:
    id: str
    hook: Callable[[], None]


@pytest.mark.parametrize("record", [Unschemable, NotJson])
def test_fallback_to_a_generic_object(caplog: pytest.LogCaptureFixture, record: type[Any]) -> None:
    with caplog.at_level(logging.WARNING, logger="revcycle.api.record_schemas"):
        schema, definitions = record_schema(record)
    assert schema == generic_schema(record.__name__)
    assert schema["type"] == "object"
    assert definitions == {}
    assert record.__name__ in caplog.text
