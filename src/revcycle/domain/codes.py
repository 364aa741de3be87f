"""Normalisers for the code sets a claim carries: ICD-10-CM, CPT/HCPCS, modifiers, NDC, taxonomy and others.

These check the *form* of a code (what any valid code of the set looks like). Whether a code exists and is
billable on a date of service is the reference data's job (`revcycle.refdata`) and the scrubber's.
"""

from __future__ import annotations

import re

from revcycle.domain.fields import FieldError
from revcycle.domain.npi import npi_problem
from revcycle.domain.place_of_service import PLACES_OF_SERVICE

# ICD-10-CM: a letter, a digit (or, since April 2026, a letter: category QA0), then one to five more characters;
# the 3-character category and the rest are separated by a dot for people, and stored without it (as X12 HI
# segments carry it).
_ICD10CM = re.compile(r"(?:[A-Z][0-9]|QA)[0-9A-Z](?:[0-9A-Z]{1,4})?")
# CPT: five digits, or four digits and a letter (A vaccine products, F Category II, M multianalyte assays,
# T Category III, U PLA). HCPCS Level II: a letter A-V and four digits.
_CPT = re.compile(r"[0-9]{4}[0-9AFMTU]")
_PROCEDURE = re.compile(r"[0-9]{4}[0-9AFMTU]|[A-V][0-9]{4}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")
_REVENUE = re.compile(r"[0-9]{4}")
_CARC = re.compile(r"[A-Z]?[0-9]{1,3}")
_RARC = re.compile(r"(?:M|MA|N)[0-9]{1,4}")
_NDC_PARTS = {(4, 4, 2): (1, 0, 0), (5, 3, 2): (0, 1, 0), (5, 4, 1): (0, 0, 1), (5, 4, 2): (0, 0, 0)}
_STATE = re.compile(r"[A-Z]{2}")
_POSTAL = re.compile(r"([0-9]{5})-?([0-9]{4})?")
_TAX_ID = re.compile(r"([0-9]{2})-?([0-9]{7})|([0-9]{3})-?([0-9]{2})-?([0-9]{4})")


def _text(value: object, what: str) -> str:
    # ASCII before upper-casing: "ß".upper() is "SS", which would turn garbage into a valid-looking code.
    if not isinstance(value, str) or not value.isascii():
        raise FieldError(f"{value!r} is not {what}")
    return value.strip().upper()


def icd10cm(value: object) -> str:
    """An ICD-10-CM code stored without its dot: ``"e11.22"`` becomes ``"E1122"``."""
    code = _text(value, "an ICD-10-CM code")
    if "." in code:
        category, _, rest = code.partition(".")
        if len(category) != 3 or not rest:
            raise FieldError(f"{value!r} is not an ICD-10-CM code: the dot follows the 3-character category")
        code = category + rest
    if not _ICD10CM.fullmatch(code):
        raise FieldError(f"{value!r} is not an ICD-10-CM code")
    return code


def icd10cm_display(code: str) -> str:
    """An ICD-10-CM code as people write it, with the dot after the category: ``"E1122"`` shows as ``"E11.22"``."""
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def icd10cm_as_typed(text: str) -> str:
    """A code as someone typed it (any case, with or without its dot) written as revcycle shows codes (``E11.22``).

    Unlike `icd10cm` it does not check the code: it is for comparing codes from outside (gold sets, FHIR hints).
    """
    return icd10cm_display(text.strip().upper().replace(".", ""))


def procedure_code(value: object) -> str:
    """A CPT (Category I, II, III, PLA) or HCPCS Level II code, as billed in SV101-2 or SV202-2."""
    code = _text(value, "a CPT or HCPCS code")
    if not _PROCEDURE.fullmatch(code):
        raise FieldError(f"{value!r} is not a CPT or HCPCS code")
    return code


def is_cpt_code(code: str) -> bool:
    """Whether ``code`` is CPT (the AMA's): five digits, or four digits and A, F, M, T or U.

    CPT descriptors are licensed text: whatever stores or shows a descriptor asks this first.
    """
    return _CPT.fullmatch(code) is not None


def modifier(value: object) -> str:
    """A procedure modifier: two letters or digits (25, 59, XS, RT, TC, ...)."""
    code = _text(value, "a modifier (two letters or digits)")
    if not _MODIFIER.fullmatch(code):
        raise FieldError(f"{value!r} is not a modifier (two letters or digits)")
    return code


def place_of_service(value: object) -> str:
    """A CMS place-of-service code (CLM05-1 of an 837P), e.g. ``"11"`` for office."""
    code = place_of_service_shape(value)
    if code not in PLACES_OF_SERVICE:
        raise FieldError(place_of_service_problem(code))
    return code


def place_of_service_shape(value: object) -> str:
    """Two digits, as a place-of-service code is written; whether CMS assigned it is a record's rule to judge."""
    code = _text(value, "a place-of-service code")
    if len(code) != 2 or not code.isascii() or not code.isdigit():
        raise FieldError(f"{value!r} is not a place-of-service code")
    return code


def place_of_service_problem(code: str) -> str:
    """Why a well-shaped code is not a place of service, for a record's rule."""
    return f"{code!r} is not a place-of-service code"


def taxonomy(value: object) -> str:
    """A NUCC health care provider taxonomy code (PRV03), e.g. ``"207Q00000X"`` for family medicine."""
    code = _text(value, "a provider taxonomy code (10 characters ending in X)")
    if not _TAXONOMY.fullmatch(code):
        raise FieldError(f"{value!r} is not a provider taxonomy code (10 characters ending in X)")
    return code


def revenue_code(value: object) -> str:
    """A UB-04 revenue code (SV201 of an 837I), four digits such as ``"0450"``."""
    code = _text(value, "a revenue code (four digits)")
    if code.isdigit() and len(code) == 3:
        code = "0" + code
    if not _REVENUE.fullmatch(code):
        raise FieldError(f"{value!r} is not a revenue code (four digits)")
    return code


def ndc(value: object) -> str:
    """A National Drug Code in the 11-digit 5-4-2 form X12 requires (LIN03).

    The 10-digit labeller forms 4-4-2, 5-3-2 and 5-4-1 must carry their hyphens, since without them the padding
    position is ambiguous; they are padded with a leading zero in the short segment.
    """
    code = _text(value, "an NDC")
    if code.isascii() and code.isdigit() and len(code) == 11:
        return code
    parts = code.split("-")
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise FieldError(f"{value!r} is not an NDC")
    if len(parts) != 3 or (shape := (len(parts[0]), len(parts[1]), len(parts[2]))) not in _NDC_PARTS:
        raise FieldError(f"{value!r} is not an NDC (11 digits, or hyphenated 4-4-2, 5-3-2, 5-4-1 or 5-4-2)")
    padding = _NDC_PARTS[shape]
    return "".join("0" * pad + part for pad, part in zip(padding, parts, strict=True))


def carc(value: object) -> str:
    """A Claim Adjustment Reason Code (CAS02, CAS05, ...), e.g. ``"45"`` or ``"B7"``."""
    code = _text(value, "a claim adjustment reason code")
    if not _CARC.fullmatch(code):
        raise FieldError(f"{value!r} is not a claim adjustment reason code")
    return code


def rarc(value: object) -> str:
    """A Remittance Advice Remark Code (LQ02, MOA, MIA), e.g. ``"N130"`` or ``"MA01"``."""
    code = _text(value, "a remittance advice remark code")
    if not _RARC.fullmatch(code):
        raise FieldError(f"{value!r} is not a remittance advice remark code")
    return code


def plb_reason(value: object) -> str:
    """A provider-level adjustment reason (PLB03-1), two letters or digits such as ``"WO"``, ``"L6"``, ``"72"``."""
    code = _text(value, "a provider adjustment reason code")
    if not _MODIFIER.fullmatch(code):
        raise FieldError(f"{value!r} is not a provider adjustment reason code")
    return code


def state(value: object) -> str:
    """A two-letter US state or territory code (N402)."""
    code = _text(value, "a two-letter state code")
    if not _STATE.fullmatch(code):
        raise FieldError(f"{value!r} is not a two-letter state code")
    return code


def postal_code(value: object) -> str:
    """A US ZIP code of five or nine digits (N403, ZIP+4 with or without its hyphen), stored without the hyphen."""
    code = _text(value, "a ZIP code (5 or 9 digits)")
    match = _POSTAL.fullmatch(code)
    if not match or (code.endswith("-")):
        raise FieldError(f"{value!r} is not a ZIP code (5 or 9 digits)")
    return "".join(part for part in match.groups() if part)


def tax_id(value: object) -> str:
    """A federal tax id (REF*EI / REF*SY): nine digits, or an EIN 12-3456789 or SSN 123-45-6789, stored bare."""
    code = _text(value, "a tax id (nine digits)")
    match = _TAX_ID.fullmatch(code)
    if not match:
        raise FieldError(f"{value!r} is not a tax id (nine digits)")
    return "".join(part for part in match.groups() if part)


NPI_SHAPE = re.compile(r"[0-9]{10}", re.ASCII)


def npi_digits(value: object) -> str:
    """Ten digits in the shape of an NPI, its check digit not judged (a record checks that as a rule of its own)."""
    if not isinstance(value, str) or not NPI_SHAPE.fullmatch(value.strip()):
        raise FieldError(f"{value!r} is not an NPI: an NPI is 10 digits")
    return value.strip()


def npi(value: object) -> str:
    """An NPI checked by its 80840-prefixed Luhn digit."""
    if not isinstance(value, str):
        raise FieldError(f"{value!r} is not an NPI: an NPI is 10 digits")
    problem = npi_problem(value.strip())
    if problem:
        raise FieldError(problem)
    return value.strip()
