"""Records to and from JSON: the interchange format of the CLI, the REST API and dataset files.

The JSON shape is the records' own: one object per record with the field names of the dataclass, nested records
as objects, tuples as arrays, dates as ISO strings, money and quantities as decimal strings (``"125.00"``), codes
as strings (ICD-10-CM written with its dot, as people read it; read with or without). Reading is strict: unknown
or missing fields, and JSON numbers with a fraction where money is expected, are errors naming the path of the
field. Null and empty-list fields are left out when writing.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, cast

from revcycle.errors import InvalidRecord

type JsonValue = None | bool | int | str | list[JsonValue] | dict[str, JsonValue]


def record_to_json(record: object) -> dict[str, JsonValue]:
    """The JSON object of a record (a frozen dataclass of `revcycle.domain`)."""
    result: dict[str, JsonValue] = {}
    display = getattr(type(record), "DISPLAY", {})
    for field in dataclasses.fields(cast(Any, record)):
        raw = getattr(record, field.name)
        value = _to_json(display[field.name](raw) if field.name in display else raw)
        if value is None or value == []:
            continue
        result[field.name] = value
    return result


def _to_json(value: object) -> JsonValue:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_to_json(value)
    if isinstance(value, Enum):
        return cast(str, value.value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def record_from_json[R](kind: type[R], data: object, path: str = "") -> R:
    """The record of type ``kind`` described by the JSON value ``data``.

    Args:
        kind: the record class, e.g. `revcycle.domain.Claim`.
        data: the parsed JSON (an object).
        path: where ``data`` sits in its document, to prefix error locations.

    Raises:
        InvalidRecord: naming the record, the path of the field and what is wrong.
    """
    return _record(kind, data, path, kind.__name__)


def _record[R](kind: type[R], data: object, path: str, top: str) -> R:
    """Like `record_from_json`, with errors named after ``top``, the record the document describes."""
    name = kind.__name__
    if not isinstance(data, dict):
        raise InvalidRecord(top, path, f"expected an object, found {_json_type(data)}")
    fields = _fields(cast(type, kind))
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidRecord(top, _join(path, unknown[0]), "is not a field of " + name)
    arguments: dict[str, Any] = {}
    for field_name, (hint, required) in fields.items():
        if field_name not in data:
            if required:
                raise InvalidRecord(top, _join(path, field_name), "is required")
            continue
        arguments[field_name] = _from_json(hint, data[field_name], top, _join(path, field_name))
    try:
        return kind(**arguments)
    except InvalidRecord as error:
        if not path:
            raise
        raise InvalidRecord(top, _join(path, error.field), error.reason) from None


def _from_json(hint: Any, value: object, top: str, path: str) -> object:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        return _from_json(options[0], value, top, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise InvalidRecord(top, path, f"expected a list, found {_json_type(value)}")
        item_hint = typing.get_args(hint)[0]
        return tuple(_from_json(item_hint, item, top, f"{path}[{index}]") for index, item in enumerate(value))
    if dataclasses.is_dataclass(hint):
        return _record(cast(type, hint), value, path, top)
    if hint is date:
        if not isinstance(value, str):
            raise InvalidRecord(top, path, f"expected a date as YYYY-MM-DD, found {_json_type(value)}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidRecord(top, path, f"{value!r} is not a date (YYYY-MM-DD)") from None
    # Codes, money, counts and text go to the record as given: the record's own checks judge them, so that a JSON
    # number with a fraction reaches `money` as a float and is refused there.
    return value


@cache
def _fields(kind: type) -> dict[str, tuple[Any, bool]]:
    hints = typing.get_type_hints(kind)
    return {
        field.name: (
            hints[field.name],
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING,
        )
        for field in dataclasses.fields(kind)
    }


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def fields_to_json(record: object, names: Iterable[str]) -> dict[str, JsonValue]:
    """The JSON of some fields of a record, as `record_to_json` writes them (null and empty ones left out).

    Args:
        record: a frozen dataclass of `revcycle.domain`.
        names: the fields to write.
    """
    whole = record_to_json(record)
    return {name: whole[name] for name in names if name in whole}


def fields_from_json(kind: type, data: object, path: str = "") -> dict[str, object]:
    """The values of some fields of a ``kind`` record from their JSON object, to pass to its constructor.

    The values are converted as `record_from_json` converts them (nested records built, dates parsed); the record's
    own checks run when the caller builds it.

    Args:
        kind: the record class.
        data: the parsed JSON object of some of its fields.
        path: where ``data`` sits, to prefix error locations.

    Raises:
        InvalidRecord: ``data`` is not an object, names a field ``kind`` does not have, or holds a bad nested record.
    """
    name = kind.__name__
    if not isinstance(data, dict):
        raise InvalidRecord(name, path, f"expected an object, found {_json_type(data)}")
    fields = _fields(kind)
    values: dict[str, object] = {}
    for field_name, value in data.items():
        if field_name not in fields:
            raise InvalidRecord(name, _join(path, field_name), "is not a field of " + name)
        values[field_name] = _from_json(fields[field_name][0], value, name, _join(path, field_name))
    return values
