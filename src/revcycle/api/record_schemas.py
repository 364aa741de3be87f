"""JSON schemas of the records for the OpenAPI document, generated from the domain dataclasses.

The routes read request bodies as plain JSON and leave validation to the records themselves (through
`revcycle.domain.interchange.record_from_json`), so that pydantic never turns a JSON float into a Decimal before the
domain can refuse it. These schemas only *document* the interchange format: they are made by
``pydantic.TypeAdapter(record).json_schema()``, adjusted to what the interchange accepts (money and quantities as
decimal strings, no unknown fields), and published as ``#/components/schemas/<Record>``. A record pydantic cannot
describe gets a generic object schema instead, and a warning is logged.
"""

from __future__ import annotations

import copy
import logging
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.errors import PydanticInvalidForJsonSchema, PydanticSchemaGenerationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from revcycle.services.records import RECORD_KINDS, RecordKind

logger = logging.getLogger(__name__)

REF_TEMPLATE = "#/components/schemas/{model}"
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"

type Components = dict[str, JsonSchemaValue]


class InterchangeJsonSchema(GenerateJsonSchema):
    """JSON schemas as `revcycle.domain.interchange` reads records, rather than as pydantic would validate them."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        """Money and quantities: a decimal string (or a whole number), never a JSON number with a fraction."""
        return {
            "anyOf": [{"type": "string", "pattern": DECIMAL_PATTERN}, {"type": "integer"}],
            "description": 'A decimal string such as "125.00"; a JSON number with a fraction is refused.',
            "examples": ["125.00"],
        }

    def dataclass_schema(self, schema: core_schema.DataclassSchema) -> JsonSchemaValue:
        """A record: an object whose unknown fields are refused."""
        json_schema = super().dataclass_schema(schema)
        if json_schema.get("type") == "object":
            json_schema["additionalProperties"] = False
        return json_schema


def generic_schema(name: str) -> JsonSchemaValue:
    """The schema of a record pydantic cannot describe: any JSON object (the record still validates it)."""
    return {
        "type": "object",
        "title": name,
        "description": f"A {name} in the JSON interchange format of revcycle (docs/records-json.md).",
    }


def record_schema(record: type[Any]) -> tuple[JsonSchemaValue, Components]:
    """The JSON schema of ``record`` and the schemas of its parts, referred to as OpenAPI components.

    Falls back to `generic_schema` (with a logged warning) when pydantic cannot build a schema for it.
    """
    name = record.__name__
    try:
        schema = TypeAdapter(record).json_schema(ref_template=REF_TEMPLATE, schema_generator=InterchangeJsonSchema)
    except (PydanticSchemaGenerationError, PydanticInvalidForJsonSchema) as error:
        logger.warning("no JSON schema for %s, documenting it as a plain object: %s", name, error)
        return generic_schema(name), {}
    definitions: Components = schema.pop("$defs", {})
    if "$ref" in schema:  # a record that contains itself: its schema is among the definitions
        schema = definitions.pop(name, generic_schema(name))
    return schema, definitions


@cache
def _components() -> Components:
    components: Components = {}
    for kind in RECORD_KINDS.values():
        name = kind.record.__name__
        schema, definitions = record_schema(kind.record)
        clashes = [key for key, value in definitions.items() if components.get(key, value) != value]
        if clashes:
            logger.warning("schema names %s of %s are taken, documenting it as a plain object", clashes, name)
            schema, definitions = generic_schema(name), {}
        components.update(definitions)
        components[name] = schema
    return components


def record_components() -> Components:
    """The schemas of every record kind and its parts, by name, for ``#/components/schemas``."""
    return copy.deepcopy(_components())


def record_ref(kind: RecordKind) -> JsonSchemaValue:
    """A reference to the schema of ``kind``'s records."""
    return {"$ref": REF_TEMPLATE.format(model=kind.record.__name__)}


def json_content(schema: JsonSchemaValue) -> dict[str, Any]:
    """The ``content`` of an OpenAPI request body or response holding JSON of ``schema``."""
    return {"application/json": {"schema": schema}}


def record_request_body(kind: RecordKind) -> dict[str, Any]:
    """The ``openapi_extra`` that documents a request body holding one record of ``kind``.

    The schema is given whole rather than as a reference, so that it replaces every key of the generic object schema
    FastAPI derives from the handler's ``dict[str, Any]`` body.
    """
    schema = copy.deepcopy(_components()[kind.record.__name__])
    return {"requestBody": {"required": True, "content": json_content(schema)}}


def dataset_request_body() -> dict[str, Any]:
    """The ``openapi_extra`` that documents a request body holding a dataset: lists of records by kind."""
    schema = {
        "type": "object",
        "title": "Dataset",
        "description": (
            "Records by kind, imported in one transaction in the order listed; any subset of the kinds. "
            "Importing the same dataset again changes nothing."
        ),
        "properties": {name: {"type": "array", "items": record_ref(kind)} for name, kind in RECORD_KINDS.items()},
        "additionalProperties": False,
    }
    return {"requestBody": {"required": True, "content": json_content(schema)}}
