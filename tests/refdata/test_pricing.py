"""Medicare PFS pricing, checked against the formula on the raw CMS files and against CMS's own payment amounts."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from revcycle.refdata.importers import detect
from revcycle.refdata.pricing import (
    NoRelativeValues,
    NotPayable,
    PricingError,
    UnknownLocality,
    UnknownZipCode,
    locality_for_zip,
    price,
)
from revcycle.refdata.reference import NoRelease
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import require
from tests.shared_files import REFDATA as SHARED

PFS_2025 = SHARED / "pfs-rvu25d-2025oct"
PFS_2026 = SHARED / "pfs-2026"
FILES = [
    PFS_2025 / "PPRRVU2025_Oct.csv",
    PFS_2025 / "GPCI2025.csv",
    PFS_2025 / "ZIP5_OCT2025.txt",
    PFS_2026 / "PPRRVU2026_Jul_nonQPP.csv",
    PFS_2026 / "GPCI2026.csv",
]
CY2025 = date(2025, 6, 15)
CY2026 = date(2026, 6, 15)
QP_CONVERSION_FACTOR_2026 = Decimal("33.5675")
"""The CY2026 CF of qualifying APM participants (the PPRRVU carries the other one, 33.4009)."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path_factory.mktemp("pricing") / "refdata.sqlite")
    for path in FILES:
        for release in detect(require(path)).read(path):
            opened.import_release(release)
    yield opened
    opened.close()


# The formula, computed here from the raw CSV values, apart from the code under test.


def raw_gpcis(path: Path) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    with require(path).open(encoding="cp1252", newline="") as handle:
        return {
            f"{row[0]}-{row[2]}": (Decimal(row[4]), Decimal(row[5]), Decimal(row[6]))
            for row in csv.reader(handle)
            if len(row) >= 7 and row[0].isdigit()
        }


def raw_rvus(path: Path, code: str, modifier: str = "") -> dict[str, Decimal]:
    with require(path).open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(index for index, row in enumerate(rows) if row[0] == "HCPCS")
    conversion_factor = rows[header - 1].index("CONV")
    row = next(row for row in rows[header + 1 :] if row[0] == code and row[1] == modifier)
    return {
        "work": Decimal(row[5]),
        "pe_non_facility": Decimal(row[6]),
        "pe_facility": Decimal(row[8]),
        "mp": Decimal(row[10]),
        "cf": Decimal(row[conversion_factor]),
    }


def formula(rvus: dict[str, Decimal], gpcis: tuple[Decimal, Decimal, Decimal], *, facility: bool) -> Decimal:
    work, pe, mp = gpcis
    practice_expense = rvus["pe_facility" if facility else "pe_non_facility"]
    total = (rvus["work"] * work + practice_expense * pe + rvus["mp"] * mp) * rvus["cf"]
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("facility", [False, True], ids=["non-facility", "facility"])
def test_99213_in_every_2025_locality_is_the_formula_on_the_raw_files(store: ReferenceStore, facility: bool) -> None:
    gpcis = raw_gpcis(PFS_2025 / "GPCI2025.csv")
    rvus = raw_rvus(PFS_2025 / "PPRRVU2025_Oct.csv", "99213")
    assert len(gpcis) == 109
    mismatches = [
        (locality, priced.amount, formula(rvus, gpci, facility=facility))
        for locality, gpci in gpcis.items()
        if (priced := price(store, "99213", [], locality, facility=facility, day=CY2025)).amount
        != formula(rvus, gpci, facility=facility)
    ]
    assert mismatches == []


def test_99213_worked_example(store: ReferenceStore) -> None:
    alabama = price(store, "99213", ["25"], "10112-00", facility=False, day=CY2025)
    # (1.30 x 1 + 1.35 x 0.869 + 0.10 x 0.575) x 32.3465 = 2.53065 x 32.3465 = 81.857670225, to the cent 81.86.
    assert alabama.amount == Decimal("81.86")
    assert (alabama.work_rvu, alabama.pe_rvu, alabama.mp_rvu) == (Decimal("1.30"), Decimal("1.35"), Decimal("0.10"))
    assert (alabama.work_gpci, alabama.pe_gpci, alabama.mp_gpci) == (Decimal(1), Decimal("0.869"), Decimal("0.575"))
    assert (alabama.conversion_factor, alabama.rvu_version, alabama.gpci_version) == (
        Decimal("32.3465"),
        "RVU25D",
        "GPCI2025",
    )
    assert alabama.modifier is None
    assert alabama.warning is None


# CMS's own payment amounts: PFREV files (quoted CSV; layout in PF26PB.pdf in the same zip).


@dataclass(frozen=True)
class PaymentAmount:
    carrier: str
    locality: str
    code: str
    modifier: str
    non_facility: Decimal
    facility: Decimal
    status: str


def payment_amounts(text: str) -> list[PaymentAmount]:
    amounts = []
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 16:  # the copyright trailer records ("TRL- ...")
            continue
        carrier, locality, code, modifier = row[1], row[2], row[3], row[4].strip()
        amounts.append(
            PaymentAmount(carrier, locality, code, modifier, Decimal(row[5]), Decimal(row[6]), status=row[9])
        )
    return amounts


def pfrev26b(variant: str) -> list[PaymentAmount]:
    with zipfile.ZipFile(require(PFS_2026 / f"PFREV26B_{variant}.zip")) as archive:
        return payment_amounts(archive.read("PFREV26B.txt").decode("cp1252"))


def differences(
    store: ReferenceStore, amounts: list[PaymentAmount], day: date, conversion_factor: Decimal | None = None
) -> list[tuple[str, str, Decimal, Decimal]]:
    found = []
    for amount in amounts:
        modifiers = [amount.modifier] if amount.modifier else []
        locality = f"{amount.carrier}-{amount.locality}"
        for facility, expected in ((False, amount.non_facility), (True, amount.facility)):
            priced = price(
                store, amount.code, modifiers, locality, facility=facility, day=day, conversion_factor=conversion_factor
            )
            if priced.amount != expected:
                found.append((amount.code, locality, priced.amount, expected))
    return found


def test_2026_prices_agree_with_every_amount_of_pfrev26b(store: ReferenceStore) -> None:
    amounts = pfrev26b("nonQP")
    assert len(amounts) == 37 * 109
    assert differences(store, amounts, CY2026) == []


def test_the_qp_payment_file_differs_only_by_its_conversion_factor(store: ReferenceStore) -> None:
    amounts = pfrev26b("QP")
    # Every QP amount differs from the non-QP price (the PPRRVU carries the non-QP CF) ...
    assert len(differences(store, amounts, CY2026)) == 2 * len(amounts)
    # ... and every one agrees with the formula at the QP CF.
    assert differences(store, amounts, CY2026, QP_CONVERSION_FACTOR_2026) == []


def test_2025_prices_agree_with_every_amount_of_pfrev25c(store: ReferenceStore) -> None:
    amounts = payment_amounts(require(PFS_2025 / "PFREV25C.txt").read_text(encoding="cp1252"))
    assert len(amounts) == 109
    assert differences(store, amounts, CY2025) == []


# Components, settings, dates and refusals.


def test_professional_and_technical_components_use_their_own_rows(store: ReferenceStore) -> None:
    whole = price(store, "71046", [], "10112-00", facility=False, day=CY2025)
    professional = price(store, "71046", ["26"], "10112-00", facility=False, day=CY2025)
    technical = price(store, "71046", ["tc", "RT"], "10112-00", facility=False, day=CY2025)
    assert (professional.modifier, professional.work_rvu) == ("26", Decimal("0.22"))
    assert professional.pe_rvu == Decimal("0.08")
    assert (technical.modifier, technical.work_rvu, technical.pe_rvu) == ("TC", Decimal("0.00"), Decimal("0.69"))
    assert abs(professional.amount + technical.amount - whole.amount) <= Decimal("0.01")
    with pytest.raises(PricingError, match="26 and TC"):
        price(store, "71046", ["26", "TC"], "10112-00", facility=False, day=CY2025)
    with pytest.raises(NoRelativeValues, match="no 26 component"):
        price(store, "99213", ["26"], "10112-00", facility=False, day=CY2025)


def test_facility_uses_the_facility_pe_and_warns_where_the_setting_is_na(store: ReferenceStore) -> None:
    office = price(store, "99213", [], "10112-00", facility=False, day=CY2025)
    hospital = price(store, "99213", [], "10112-00", facility=True, day=CY2025)
    assert (office.pe_rvu, hospital.pe_rvu) == (Decimal("1.35"), Decimal("0.57"))
    assert hospital.amount < office.amount
    skin_substitute = price(store, "A2040", [], "10112-00", facility=True, day=CY2026)
    assert skin_substitute.warning is not None
    assert "facility setting" in skin_substitute.warning


def test_the_year_boundary_switches_releases(store: ReferenceStore) -> None:
    december = price(store, "99213", [], "10112-00", facility=False, day=date(2025, 12, 31))
    january = price(store, "99213", [], "10112-00", facility=False, day=date(2026, 1, 1))
    assert (december.rvu_version, december.gpci_version, december.conversion_factor) == (
        "RVU25D",
        "GPCI2025",
        Decimal("32.3465"),
    )
    assert (january.rvu_version, january.gpci_version, january.conversion_factor) == (
        "RVU26C",
        "GPCI2026",
        Decimal("33.4009"),
    )
    later = price(store, "99213", [], "10112-00", facility=False, day=date(2027, 3, 1))
    assert later.rvu_version == "RVU26C"
    assert later.warning is not None
    assert "after the newest" in later.warning
    with pytest.raises(NoRelease):
        price(store, "99213", [], "10112-00", facility=False, day=date(2024, 12, 31))


def test_what_cannot_be_priced_is_refused_clearly(store: ReferenceStore) -> None:
    with pytest.raises(NoRelativeValues, match="ZZZZZ has no relative values in RVU25D"):
        price(store, "ZZZZZ", [], "10112-00", facility=False, day=CY2025)
    with pytest.raises(NotPayable, match="status I"):
        price(store, "0001F", [], "10112-00", facility=False, day=CY2025)
    with pytest.raises(NotPayable, match="anesthesia"):
        price(store, "00100", [], "10112-00", facility=False, day=CY2025)
    with pytest.raises(UnknownLocality, match="'10112-99' is not in GPCI2025"):
        price(store, "99213", [], "10112-99", facility=False, day=CY2025)


def test_a_zip_code_resolves_to_its_locality(store: ReferenceStore) -> None:
    day = date(2025, 11, 1)
    los_angeles = locality_for_zip(store, "90001", day)
    assert (los_angeles.locality, los_angeles.state, los_angeles.version) == ("01182-18", "CA", "ZIP5-2025Q4")
    assert los_angeles.warning is None
    wyoming = locality_for_zip(store, "83128", day)
    assert (wyoming.locality, wyoming.rural) == ("03602-21", "B")
    priced = price(store, "99213", [], los_angeles.locality, facility=False, day=day)
    assert priced.locality == "01182-18"
    with pytest.raises(UnknownZipCode):
        locality_for_zip(store, "00000", day)
