"""The office procedure catalogue (`data/procedures.yaml`) as typed records, read once.

CPT codes in it carry only our own plain words (site, kind, size band); HCPCS amounts are the public descriptors'.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from revcycle.errors import InputFileError

CATALOG_FILE = "procedures.yaml"


@dataclass(frozen=True, slots=True)
class DrugCode:
    """A HCPCS drug code and what one unit of it stands for (``J1885``, 15, ``mg``)."""

    code: str
    amount: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class Drug:
    """A drug given by injection: its name, the words that name it in notes, and its HCPCS codes."""

    name: str
    words: tuple[str, ...]
    codes: tuple[DrugCode, ...]


@dataclass(frozen=True, slots=True)
class Vaccine:
    """A vaccine product.

    Attributes:
        code: the product code.
        kind: our short name for it (``Tdap``, ``MMR``).
        words: generic words, recognised only in a sentence about vaccination.
        brands: brand names, recognised anywhere.
        components: antigen components, counted by the counselling add-on code under 19.
        route: ``injection``, ``oral`` or ``nasal`` (which administration code applies).
        assumed: True for the entry used when the product is not named (the rationale says so).
    """

    code: str
    kind: str
    words: tuple[str, ...]
    brands: tuple[str, ...]
    components: int
    route: str
    assumed: bool = False


@dataclass(frozen=True, slots=True)
class InOfficeTest:
    """A test done in the office.

    Attributes:
        code: its code.
        kind: our short name for it.
        words: the words that name it.
        near: when not empty, one of these must be in the same sentence to show it was done here ("A1c" is a lab
            value anywhere; "POC A1c" or "A1c by fingerstick" is the office's test).
    """

    code: str
    kind: str
    words: tuple[str, ...]
    near: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListedProcedure:
    """A procedure found by its words and a word showing it was done.

    Attributes:
        code: the code.
        kind: our short name for it.
        words: words that name the procedure.
        done: words (prefixes) of which one must be in the sentence or its section to show it was performed.
        family: ``minor surgery`` or ``test``.
        sided: whether both sides make it bilateral (modifier 50).
        group: only the first entry of a group found is reported (instruments before lavage).
    """

    code: str
    kind: str
    words: tuple[str, ...]
    done: tuple[str, ...]
    family: str
    sided: bool
    group: str


@dataclass(frozen=True, slots=True)
class Device:
    """A device placed in the office (an IUD, an implant): its HCPCS code and the words that name it."""

    code: str
    words: tuple[str, ...]


Bands = tuple[tuple[Decimal, str], ...]
"""Upper bounds (cm) in increasing order and the code of each band."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything in procedures.yaml.

    Attributes:
        drugs: injectable drugs.
        vaccines: vaccine products, the generic influenza entry last.
        joints: joint size -> (code without ultrasound, code with ultrasound, words).
        excision: ``benign``/``malignant`` -> site group -> diameter bands.
        repair: ``simple``/``intermediate`` -> site group -> length bands.
        sites: site group -> words.
        tests: in-office tests.
        xrays: site -> (fewest views, code) in increasing order.
        xray_default_views: site -> views assumed when none is written.
        listed: other procedures found by words.
        devices: devices placed in the office.
    """

    drugs: tuple[Drug, ...]
    vaccines: tuple[Vaccine, ...]
    joints: dict[str, tuple[str, str, tuple[str, ...]]]
    excision: dict[str, dict[str, Bands]]
    repair: dict[str, dict[str, Bands]]
    sites: dict[str, tuple[str, ...]]
    tests: tuple[InOfficeTest, ...]
    xrays: dict[str, tuple[tuple[int, str], ...]]
    xray_default_views: dict[str, int]
    listed: tuple[ListedProcedure, ...]
    devices: tuple[Device, ...]


def _words(values: list[Any]) -> tuple[str, ...]:
    return tuple(str(value) for value in values)


def _bands(rows: list[list[Any]]) -> Bands:
    return tuple((Decimal(str(bound)), str(code)) for bound, code in rows)


def _catalog(document: dict[str, Any]) -> Catalog:
    drugs = tuple(
        Drug(
            str(item["name"]),
            tuple(str(word) for word in item["words"]),
            tuple(DrugCode(str(c["code"]), Decimal(str(c["amount"])), str(c["unit"])) for c in item["codes"]),
        )
        for item in document["drugs"]
    )
    vaccines = tuple(
        Vaccine(
            str(item["code"]),
            str(item["kind"]),
            tuple(str(word) for word in item["words"]),
            tuple(str(word) for word in item["brands"]),
            int(item["components"]),
            str(item["route"]),
            bool(item.get("assumed", False)),
        )
        for item in document["vaccines"]
    )
    joints = {
        size: (str(entry["codes"][0]), str(entry["codes"][1]), tuple(str(word) for word in entry["words"]))
        for size, entry in document["joints"].items()
    }
    return Catalog(
        drugs=drugs,
        vaccines=vaccines,
        joints=joints,
        excision={kind: _groups(groups) for kind, groups in document["excision"].items()},
        repair={kind: _groups(groups) for kind, groups in document["repair"].items()},
        sites={group: tuple(str(word) for word in words) for group, words in document["sites"].items()},
        tests=tuple(
            InOfficeTest(str(test["code"]), str(test["kind"]), _words(test["words"]), _words(test.get("near", [])))
            for test in document["tests"]
        ),
        xrays={
            site: tuple((int(views), str(code)) for views, code in rows) for site, rows in document["xrays"].items()
        },
        xray_default_views={site: int(views) for site, views in document["xray_default_views"].items()},
        listed=tuple(
            ListedProcedure(
                str(item["code"]), str(item["kind"]), _words(item["words"]), _words(item["done"]),
                str(item["family"]), bool(item.get("sided", False)), str(item["group"]),
            )
            for item in document["listed"]
        ),
        devices=tuple(Device(str(item["code"]), _words(item["words"])) for item in document["devices"]),
    )  # fmt: skip


def _groups(groups: dict[str, list[list[Any]]]) -> dict[str, Bands]:
    return {site: _bands(rows) for site, rows in groups.items()}


@cache
def catalog() -> Catalog:
    """The catalogue shipped with revcycle.

    Raises:
        InputFileError: the packaged file is missing or malformed (an installation fault, named with the file).
    """
    resource = resources.files("revcycle.coding").joinpath("data", CATALOG_FILE)
    try:
        document = yaml.safe_load(resource.read_text(encoding="utf-8"))
        return _catalog(document)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, IndexError) as error:
        raise InputFileError(str(resource), "", f"is not a valid procedure catalogue: {error}") from None
