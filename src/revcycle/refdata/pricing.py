"""Medicare physician fee schedule pricing: the PFS formula on the releases in force on the date of service.

    amount = [(work RVU x work GPCI) + (PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x CF

with the facility or non-facility PE RVU by setting, the professional (26) or technical (TC) component's own row
when one of those modifiers is given, and the result rounded once, to the cent, half up: the way CMS computes the
payment amounts it publishes (PFREV files; checked to the cent for every code and locality of CY2026 release B).

Not applied here: the OPPS cap on imaging technical components, the multiple-procedure, bilateral, assistant and
therapy reductions (they depend on the other lines of a claim), and the limiting charge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from revcycle.domain.money import CENT
from revcycle.errors import RevcycleError
from revcycle.refdata.reference import in_force
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import PFS_GPCI, PFS_RVU, PFS_ZIP_LOCALITY
from revcycle.refdata.store import ReferenceStore

PAYABLE_STATUSES = frozenset("ART")
"""PPRRVU statuses Medicare pays by the RVUs: active, restricted coverage, paid only as the day's sole service."""
COMPONENT_MODIFIERS = ("26", "TC", "53")
"""Modifiers with rows of their own in the PPRRVU: professional and technical component, discontinued procedure."""


class PricingError(RevcycleError):
    """A service the physician fee schedule cannot price."""


class NoRelativeValues(PricingError):
    """The PPRRVU has no row for the code (with its component modifier)."""


class NotPayable(PricingError):
    """The code's status says Medicare does not pay it by the fee schedule's RVUs (bundled, carrier priced, ...)."""


class UnknownLocality(PricingError):
    """The locality is not in the GPCI file in force."""


class UnknownZipCode(PricingError):
    """The ZIP code is not in the ZIP5-to-locality file in force."""


_STATUS_MEANINGS = {
    "B": "bundled into another service",
    "C": "carrier priced: the MAC sets the amount",
    "D": "deleted",
    "E": "excluded from the fee schedule by regulation",
    "I": "not valid for Medicare (another code is used)",
    "J": "anesthesia service: priced by base and time units",
    "M": "a measurement code, for reporting only",
    "N": "not covered",
    "P": "bundled or excluded",
    "X": "statutory exclusion",
}


# Places of service the fee schedule pays at the facility rate (the facility bears the practice expense): hospitals,
# their departments and provider-based clinics, ASCs, SNFs, hospices, ambulances, psychiatric facilities, CIRFs, and
# telehealth other than in the patient's home (02). Every other place is paid the non-facility rate.
FACILITY_PLACES_OF_SERVICE = frozenset(
    {"02", "06", "08", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)


def is_facility(place_of_service: str) -> bool:
    """Whether a claim line at ``place_of_service`` (CLM05-1 / SV105) is priced with facility PE RVUs."""
    return place_of_service in FACILITY_PLACES_OF_SERVICE


@dataclass(frozen=True, slots=True)
class Price:
    """What Medicare pays for one unit of a service at a locality, and everything it was computed from.

    Attributes:
        code: the HCPCS/CPT code priced.
        modifier: the component modifier that chose the row (``26``, ``TC``, ``53``), or None for the global service.
        locality: ``MAC-LL`` as in the GPCI file.
        facility: whether the facility PE RVU was used (place of service a facility).
        day: the date of service.
        amount: the fee schedule amount, to the cent.
        work_rvu: the work RVU.
        pe_rvu: the practice-expense RVU of the setting.
        mp_rvu: the malpractice RVU.
        work_gpci: the locality's work GPCI.
        pe_gpci: its practice-expense GPCI.
        mp_gpci: its malpractice GPCI.
        conversion_factor: the CF applied.
        status: the PPRRVU status code.
        rvu_version: the PPRRVU release used (e.g. ``RVU26C``).
        gpci_version: the GPCI release used.
        warning: what the caller should know (a date past the newest release, a setting the RVUs mark NA), or None.
    """

    code: str
    modifier: str | None
    locality: str
    facility: bool
    day: date
    amount: Decimal
    work_rvu: Decimal
    pe_rvu: Decimal
    mp_rvu: Decimal
    work_gpci: Decimal
    pe_gpci: Decimal
    mp_gpci: Decimal
    conversion_factor: Decimal
    status: str
    rvu_version: str
    gpci_version: str
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class ZipLocality:
    """The Medicare pricing locality of a ZIP code.

    Attributes:
        zip5: the ZIP code.
        locality: ``MAC-LL``, as `price` takes it.
        state: the state the ZIP code is in.
        rural: blank for urban, ``R`` rural, ``B`` super rural.
        version: the ZIP5 release used.
        warning: set when the date is past that release, or the ZIP code spans localities (ZIP+4 decides).
    """

    zip5: str
    locality: str
    state: str
    rural: str
    version: str
    warning: str | None = None


def component_modifier(code: str, modifiers: Sequence[str]) -> str | None:
    """The one modifier among ``modifiers`` that selects a PPRRVU row of its own, or None.

    Raises:
        PricingError: both 26 and TC (or another pair) are given.
    """
    chosen = [modifier.upper() for modifier in modifiers if modifier.upper() in COMPONENT_MODIFIERS]
    if len(set(chosen)) > 1:
        raise PricingError(f"{code}: modifiers {' and '.join(chosen)} cannot be priced together")
    return chosen[0] if chosen else None


def price(
    store: ReferenceStore,
    code: str,
    modifiers: Sequence[str],
    locality: str,
    *,
    facility: bool,
    day: date,
    conversion_factor: Decimal | None = None,
) -> Price:
    """The physician fee schedule amount of ``code`` at ``locality`` on ``day``.

    Args:
        store: the reference store.
        code: the HCPCS/CPT code.
        modifiers: the line's modifiers; only 26, TC and 53 change the price here.
        locality: ``MAC-LL`` as in the GPCI file, e.g. ``10112-00``.
        facility: True for a facility place of service (facility PE RVU), False for non-facility.
        day: the date of service: it picks the PPRRVU and GPCI releases.
        conversion_factor: a CF other than the PPRRVU's, e.g. the qualifying APM participant CF (33.5675 for
            2026, where the PPRRVU carries the non-QP 33.4009).

    Raises:
        NoRelativeValues: the code (with that component) has no PPRRVU row.
        NotPayable: its status is not A, R or T.
        UnknownLocality: the locality has no GPCIs.
        NoRelease: no PPRRVU or GPCI release is loaded for the date.
        PricingError: conflicting component modifiers.
    """
    code = code.strip().upper()
    modifier = component_modifier(code, modifiers)
    rvus_in_force = in_force(store, PFS_RVU, day)
    gpcis_in_force = in_force(store, PFS_GPCI, day)
    rvus = _relative_values(store, rvus_in_force.release, code, modifier)
    gpcis = store.entry(gpcis_in_force.release, locality)
    if gpcis is None:
        raise UnknownLocality(
            f"locality {locality!r} is not in {gpcis_in_force.release.version}: name it MAC-LL as in the GPCI file, "
            "e.g. 10112-00"
        )
    pe_rvu = Decimal(rvus["pe_rvu_facility" if facility else "pe_rvu_non_facility"])
    work_rvu, mp_rvu = Decimal(rvus["work_rvu"]), Decimal(rvus["mp_rvu"])
    work_gpci, pe_gpci, mp_gpci = Decimal(gpcis["work_gpci"]), Decimal(gpcis["pe_gpci"]), Decimal(gpcis["mp_gpci"])
    factor = conversion_factor if conversion_factor is not None else Decimal(rvus["conversion_factor"])
    weighted = work_rvu * work_gpci + pe_rvu * pe_gpci + mp_rvu * mp_gpci
    warnings = [rvus_in_force.warning, gpcis_in_force.warning, _setting_warning(code, rvus, facility)]
    return Price(
        code=code,
        modifier=modifier,
        locality=locality,
        facility=facility,
        day=day,
        # One rounding, of the whole product: rounding each component first differs by a cent on some codes.
        amount=(weighted * factor).quantize(CENT, rounding=ROUND_HALF_UP),
        work_rvu=work_rvu,
        pe_rvu=pe_rvu,
        mp_rvu=mp_rvu,
        work_gpci=work_gpci,
        pe_gpci=pe_gpci,
        mp_gpci=mp_gpci,
        conversion_factor=factor,
        status=rvus["status"],
        rvu_version=rvus_in_force.release.version,
        gpci_version=gpcis_in_force.release.version,
        warning="; ".join(warning for warning in warnings if warning) or None,
    )


def _relative_values(store: ReferenceStore, release: ReleaseInfo, code: str, modifier: str | None) -> dict[str, Any]:
    rvus = store.entry(release, f"{code}:{modifier}" if modifier else code)
    if rvus is None:
        if modifier and store.entry(release, code) is not None:
            raise NoRelativeValues(f"{code} has no {modifier} component in {release.version}")
        raise NoRelativeValues(f"{code} has no relative values in {release.version}")
    status = rvus["status"]
    if status not in PAYABLE_STATUSES:
        meaning = _STATUS_MEANINGS.get(status, "not paid by the fee schedule")
        raise NotPayable(f"{code} has status {status} in {release.version}: {meaning}")
    return rvus


def _setting_warning(code: str, rvus: dict[str, Any], facility: bool) -> str | None:
    if rvus["facility_na" if facility else "non_facility_na"]:
        setting = "facility" if facility else "non-facility"
        return f"{code} is rarely or never performed in the {setting} setting (its {setting} PE RVU is marked NA)"
    return None


def locality_for_zip(store: ReferenceStore, zip5: str, day: date) -> ZipLocality:
    """The pricing locality of a ZIP code on ``day``, from the ZIP5 file in force.

    Raises:
        UnknownZipCode: the ZIP code is not in the file.
        NoRelease: no ZIP5 release is loaded for the date.
    """
    zip5 = zip5.strip()[:5]
    governing = in_force(store, PFS_ZIP_LOCALITY, day)
    found = store.entry(governing.release, zip5)
    if found is None:
        raise UnknownZipCode(f"ZIP code {zip5!r} is not in {governing.release.version}")
    warnings = [governing.warning]
    if found["plus_four"]:
        warnings.append(f"ZIP code {zip5} spans more than one locality: CMS's ZIP+4 file decides")
    return ZipLocality(
        zip5=zip5,
        locality=found["locality"],
        state=found["state"],
        rural=found["rural"],
        version=governing.release.version,
        warning="; ".join(warning for warning in warnings if warning) or None,
    )
