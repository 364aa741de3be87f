"""YAML files of the scrubber (configuration, payer rule packs) read safely, with errors that name the place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from revcycle.errors import InputFileError


def read_yaml(path: Path) -> Any:
    """The document of the YAML file at ``path`` (plain data only: no tags, no objects).

    Raises:
        InputFileError: the file cannot be read or is not YAML, with the line and column.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InputFileError(str(path), where, f"is not valid YAML: {problem}") from None


def string_list(document: dict[str, Any], key: str, path: Path, where: str) -> tuple[str, ...]:
    """The list of strings under ``key`` (a lone string counts as a list of one), or an error naming the key."""
    value = document.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise InputFileError(str(path), f"{where}{key}", "must be a list of strings")
    return tuple(str(item) for item in value)


def mapping(value: object, path: Path, where: str) -> dict[str, Any]:
    """``value`` when it is a mapping with string keys, else an error naming ``where``."""
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise InputFileError(str(path), where or "(top)", "must be a mapping of names to values")
    return value
