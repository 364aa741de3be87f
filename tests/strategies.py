"""Hypothesis strategies that build valid domain records, for property tests of every layer.

Every strategy produces values already in the records' normalised form (codes upper-case and without dots or
hyphens, money with two places, quantities canonical, text stripped), so a record survives being rebuilt or sent
through a store, an API or a file and compared equal to what went in. Optional fields are sometimes set and
sometimes None or empty. Sizes are kept small (at most 5 lines per claim, 3 claims per remittance) so that
database round-trips of many examples stay fast.

Text fields include unusual but legal strings: letters of many scripts, quotes, SQL-ish text, markup, emoji and the
X12 delimiters ``* ~ : ^``; never control characters, line or paragraph separators, or leading or trailing
whitespace (only the text of clinical notes holds line breaks and tabs, as notes may). A test of a layer that cannot
carry some of these (an X12 writer cannot escape its delimiters) should filter them out explicitly rather than
narrow these strategies.
"""

from __future__ import annotations

import string
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import strategies as st

from revcycle.domain import (
    Accident,
    AccidentCause,
    Address,
    Adjustment,
    AdjustmentGroup,
    Assignment,
    BenefitsAssignment,
    Claim,
    ClaimDate,
    ClaimFilingIndicator,
    ClaimFrequency,
    ClaimKind,
    ClaimNote,
    ClaimPayment,
    ClaimReference,
    ClaimStatus,
    ClinicalNote,
    Coverage,
    CoverageOrder,
    CreditDebit,
    Diagnosis,
    Encounter,
    Icd9Diagnosis,
    Icd9Role,
    IcdProcedure,
    LedgerEntry,
    LineAdjudication,
    NdcUnit,
    NoteKind,
    Occurrence,
    OccurrenceSpan,
    OtherPayer,
    Patient,
    Payer,
    PayerResponsibility,
    PaymentMethod,
    PersonName,
    Posting,
    PresentOnAdmission,
    Provider,
    ProviderAdjustment,
    ProviderKind,
    Relationship,
    ReleaseOfInformation,
    Remittance,
    ServiceLine,
    ServicePayment,
    Sex,
    Source,
    Subscriber,
    UnitBasis,
    ValueCode,
    npi_check_digit,
    quantity,
)
from revcycle.domain.ledger import ACCOUNT_ROOTS
from revcycle.domain.money import ZERO_MONEY
from revcycle.domain.place_of_service import PLACES_OF_SERVICE

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2099, 12, 31)
# The store holds twelve digits before the point; the strategies stay within nine so sums of a few never overflow.
MAX_CENTS = 99_999_999_999
"""999999999.99 in cents: the largest amount any strategy produces."""

TRICKY_TEXT: tuple[str, ...] = (
    "O'Brien",
    "D'Angelo-Smith",
    'He said "ouch"',
    "'; DROP TABLE x; --",
    "Robert'); DROP TABLE patients;--",
    "1 OR 1=1",
    "%s %d {0} ${HOME} %(name)s",
    "\\N",
    "back\\slash",
    "NULL",
    "null",
    "None",
    "<b>bold</b> & <i>it</i>",
    "Zoë Ångström-Ñúñez",
    "Dvořák",
    "Łukasz Żółć",
    "Ærøskøbing",
    "Straße",
    "Ελένη Παπαδοπούλου",
    "Иван Петров",
    "山田 太郎",
    "김민준",
    "محمد",
    "שלום",
    "नमस्ते",
    "😀",
    "👩🏽‍⚕️ Dr Emoji",
    "🏥 General",
    "e\u0301",
    "no\u00a0break",
    "zero\u200bwidth",
    "*~:^|",
    "a*b~c:d^e",
)
"""Legal but unusual one-line text: quotes, SQL, markup, many scripts, emoji, combining marks, X12 delimiters."""

_PLAIN_ALPHABET = string.ascii_letters + string.digits + " .,'-#/&"
_ANY_CHARACTER = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Zl", "Zp"))

SUFFIXES = ("Jr", "Sr", "II", "III", "IV", "MD")
FACILITY_TYPES = ("11", "12", "13", "14", "18", "21", "22", "23", "71", "72", "73", "83", "85")


_DIGITS = string.digits
_UPPER = string.ascii_uppercase
_UPPER_DIGITS = _UPPER + _DIGITS
_ALNUM = string.ascii_letters + string.digits


def _chars(alphabet: str, min_size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings of ``min_size`` to ``max_size`` (default ``min_size``) characters of ``alphabet``."""
    return st.text(alphabet=alphabet, min_size=min_size, max_size=min_size if max_size is None else max_size)


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The concatenation of one string from each of ``parts`` (cheaper than ``from_regex`` for fixed shapes)."""
    return st.tuples(*parts).map("".join)


def optional_of[T](strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``strategy``, or None."""
    return st.one_of(st.none(), strategy)


def text(max_length: int) -> st.SearchStrategy[str]:
    """Non-empty one-line text of at most ``max_length`` characters, already stripped as the records strip it."""
    unusual = [value for value in TRICKY_TEXT if len(value) <= max_length]
    unusual += ["W" * max_length, "é" * max_length, "😀" * max_length]
    return st.one_of(
        st.text(alphabet=_PLAIN_ALPHABET, min_size=1, max_size=max_length).map(str.strip).filter(bool),
        st.text(alphabet=_ANY_CHARACTER, min_size=1, max_size=max_length).map(str.strip).filter(bool),
        st.sampled_from(unusual),
    )


def optional_text(max_length: int) -> st.SearchStrategy[str | None]:
    """Text for an optional one-line field (None when absent, as the records turn blank into None)."""
    return optional_of(text(max_length))


def text_or_empty(max_length: int) -> st.SearchStrategy[str]:
    """Text for a one-line field that may be empty (``""`` when absent)."""
    return st.one_of(st.just(""), text(max_length))


def note_texts() -> st.SearchStrategy[str]:
    """The text of a clinical note: one or more lines, sometimes indented with tabs or separated by blank lines."""
    lines = st.lists(st.one_of(text(120), text(20).map(lambda value: "\t" + value)), min_size=1, max_size=6)
    return st.builds(lambda parts, separator: separator.join(parts), lines, st.sampled_from(("\n", "\n\n")))


def record_ids() -> st.SearchStrategy[str]:
    """Identifiers of records: 1 to 64 of letters, digits, ``.``, ``_``, ``:``, ``-``, the first a letter or digit."""
    return _joined(_chars(_ALNUM, 1), _chars(_ALNUM + "._:-", 0, 63))


def dates(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[date]:
    """Calendar dates between 1900-01-01 and 2099-12-31 (or narrower bounds)."""
    return st.dates(min_value=min_value, max_value=max_value)


@st.composite
def date_spans(draw: st.DrawFn, max_days: int = 60) -> tuple[date, date]:
    """A first and last day, the last on or after the first and at most ``max_days`` later."""
    first = draw(dates())
    last = draw(dates(first, min(MAX_DATE, first + timedelta(days=max_days))))
    return first, last


@st.composite
def optional_date_spans(draw: st.DrawFn) -> tuple[date | None, date | None]:
    """Two optional days; when both are given the second is not before the first."""
    first = draw(optional_of(dates()))
    last = draw(optional_of(dates(first or MIN_DATE, MAX_DATE)))
    return first, last


def money_amounts(min_cents: int = -MAX_CENTS, max_cents: int = MAX_CENTS) -> st.SearchStrategy[Decimal]:
    """Money as the records hold it: a Decimal with exactly two places, between the bounds given in cents."""
    return st.integers(min_value=min_cents, max_value=max_cents).map(lambda cents: Decimal(cents).scaleb(-2))


def quantities(max_thousandths: int = 99_999_999) -> st.SearchStrategy[Decimal]:
    """Positive quantities with at most three decimal places, in the canonical form the records keep."""
    return st.integers(min_value=1, max_value=max_thousandths).map(lambda n: quantity(Decimal(n).scaleb(-3)))


@st.composite
def npis(draw: st.DrawFn) -> str:
    """Valid NPIs: a first digit of 1 or 2, eight more digits and the 80840-prefixed Luhn check digit."""
    first_nine = draw(st.sampled_from("12")) + draw(_chars(_DIGITS, 8))
    return first_nine + npi_check_digit(first_nine)


def icd10cm_codes() -> st.SearchStrategy[str]:
    """ICD-10-CM codes in stored form (no dot, upper case), 3 to 7 characters."""
    return st.one_of(
        st.sampled_from(("E1122", "I10", "J069", "Z0000", "S72001A", "M545", "O0903", "R079")),
        _joined(_chars(_UPPER, 1), _chars(_DIGITS, 1), _chars(_UPPER_DIGITS, 1, 5)),
    )


def procedure_codes() -> st.SearchStrategy[str]:
    """CPT (Category I, II, III, PLA) and HCPCS Level II codes."""
    return st.one_of(
        st.sampled_from(("99213", "99214", "3074F", "0042T", "0001U", "J1100", "G0439", "A0428")),
        st.one_of(
            _joined(_chars(_DIGITS, 4), _chars(_DIGITS + "FTU", 1)), _joined(_chars(_UPPER[:22], 1), _chars(_DIGITS, 4))
        ),
    )


def modifiers() -> st.SearchStrategy[str]:
    """Procedure modifiers: two upper-case letters or digits."""
    return st.one_of(st.sampled_from(("25", "59", "XS", "RT", "LT", "TC", "26")), _chars(_UPPER_DIGITS, 2))


def places_of_service() -> st.SearchStrategy[str]:
    """CMS place-of-service codes."""
    return st.sampled_from(sorted(PLACES_OF_SERVICE))


def taxonomies() -> st.SearchStrategy[str]:
    """NUCC taxonomy codes: ten characters ending in X."""
    return st.one_of(
        st.sampled_from(("207Q00000X", "208D00000X", "282N00000X")),
        _joined(_chars(_DIGITS, 3), _chars(_UPPER_DIGITS, 6), st.just("X")),
    )


def revenue_codes() -> st.SearchStrategy[str]:
    """UB-04 revenue codes: four digits."""
    return st.one_of(st.sampled_from(("0450", "0300", "0250", "0636", "0001")), _chars(_DIGITS, 4))


def ndcs() -> st.SearchStrategy[str]:
    """National Drug Codes in the stored 11-digit form."""
    return _chars(_DIGITS, 11)


def carcs() -> st.SearchStrategy[str]:
    """Claim Adjustment Reason Codes."""
    return st.one_of(
        st.sampled_from(("45", "1", "2", "3", "B7", "253")), _joined(_chars(_UPPER, 0, 1), _chars(_DIGITS, 1, 3))
    )


def rarcs() -> st.SearchStrategy[str]:
    """Remittance Advice Remark Codes."""
    return _joined(st.sampled_from(("M", "MA", "N")), _chars(_DIGITS, 1, 4))


def plb_reasons() -> st.SearchStrategy[str]:
    """Provider-level adjustment reason codes."""
    return st.one_of(st.sampled_from(("WO", "L6", "FB", "72", "CS")), _chars(_UPPER_DIGITS, 2))


def icd9cm_codes() -> st.SearchStrategy[str]:
    """ICD-9-CM diagnosis codes in stored form (no dot): 3-5 digits, V and 2-4 digits, E and 3-4 digits."""
    return st.one_of(
        st.sampled_from(("4779", "25000", "V700", "E8809", "53081")),
        _chars(_DIGITS, 3, 5),
        _joined(st.just("V"), _chars(_DIGITS, 2, 4)),
        _joined(st.just("E"), _chars(_DIGITS, 3, 4)),
    )


def icd10pcs_codes() -> st.SearchStrategy[str]:
    """ICD-10-PCS codes: seven letters or digits, never I or O."""
    alphabet = _DIGITS + _UPPER.replace("I", "").replace("O", "")
    return st.one_of(st.sampled_from(("0DTJ4ZZ", "02703DZ", "BW03ZZZ")), _chars(alphabet, 7))


def ub04_codes() -> st.SearchStrategy[str]:
    """UB-04 occurrence, span, value and condition codes: two upper-case letters or digits."""
    return st.one_of(st.sampled_from(("11", "A1", "80", "74", "D2")), _chars(_UPPER_DIGITS, 2))


def states() -> st.SearchStrategy[str]:
    """Two-letter state codes."""
    return st.one_of(st.sampled_from(("NY", "CA", "TX", "PR", "DC")), _chars(_UPPER, 2))


def postal_codes() -> st.SearchStrategy[str]:
    """ZIP codes of five or nine digits, without the hyphen."""
    return st.one_of(_chars(_DIGITS, 5), _chars(_DIGITS, 9))


def tax_ids() -> st.SearchStrategy[str]:
    """Federal tax ids: nine digits, without the hyphen."""
    return _chars(_DIGITS, 9)


@st.composite
def accounts(draw: st.DrawFn) -> str:
    """Ledger accounts: a root and one to four colon-separated names."""
    root = draw(st.sampled_from(ACCOUNT_ROOTS))
    parts = draw(st.lists(_joined(_chars(_ALNUM, 1), _chars(_ALNUM + "-", 0, 15)), min_size=1, max_size=4))
    return ":".join((root, *parts))


# Parties.


@st.composite
def person_names(draw: st.DrawFn) -> PersonName:
    """Names with every part but the last sometimes empty."""
    return PersonName(
        last=draw(text(60)),
        first=draw(text_or_empty(35)),
        middle=draw(text_or_empty(25)),
        suffix=draw(st.one_of(st.just(""), st.sampled_from(SUFFIXES), text(10))),
    )


@st.composite
def addresses(draw: st.DrawFn) -> Address:
    """Postal addresses, sometimes with a second line, with 5- or 9-digit ZIP codes."""
    return Address(
        line1=draw(text(55)),
        line2=draw(text_or_empty(55)),
        city=draw(text(30)),
        state=draw(states()),
        postal_code=draw(postal_codes()),
    )


@st.composite
def patients(draw: st.DrawFn) -> Patient:
    """Patients, with or without an address and a medical record number."""
    return Patient(
        id=draw(record_ids()),
        name=draw(person_names()),
        birth_date=draw(dates()),
        sex=draw(st.sampled_from(Sex)),
        address=draw(optional_of(addresses())),
        medical_record_number=draw(optional_text(50)),
    )


@st.composite
def providers(draw: st.DrawFn) -> Provider:
    """Individual and organisation providers (an organisation never has a first name)."""
    kind = draw(st.sampled_from(ProviderKind))
    return Provider(
        id=draw(record_ids()),
        kind=kind,
        npi=draw(npis()),
        name=draw(text(60)),
        first_name=draw(text_or_empty(35)) if kind is ProviderKind.INDIVIDUAL else "",
        taxonomy=draw(optional_of(taxonomies())),
        tax_id=draw(optional_of(tax_ids())),
        address=draw(optional_of(addresses())),
    )


@st.composite
def payers(draw: st.DrawFn) -> Payer:
    """Payers, with or without an address and a timely filing limit."""
    return Payer(
        id=draw(record_ids()),
        name=draw(text(60)),
        payer_identifier=draw(st.one_of(_chars(_UPPER_DIGITS, 5), text(80))),
        claim_filing_indicator=draw(st.sampled_from(ClaimFilingIndicator)),
        address=draw(optional_of(addresses())),
        timely_filing_days=draw(optional_of(st.integers(min_value=1, max_value=3650))),
    )


@st.composite
def subscribers(draw: st.DrawFn) -> Subscriber:
    """Subscribers other than the patient."""
    return Subscriber(
        name=draw(person_names()),
        birth_date=draw(optional_of(dates())),
        sex=draw(st.sampled_from(Sex)),
        address=draw(optional_of(addresses())),
    )


@st.composite
def coverages(draw: st.DrawFn) -> Coverage:
    """Coverages: relationship self with no subscriber, any other relationship with one."""
    relationship = draw(st.sampled_from(Relationship))
    effective_from, effective_to = draw(optional_date_spans())
    return Coverage(
        id=draw(record_ids()),
        patient_id=draw(record_ids()),
        payer_id=draw(record_ids()),
        order=draw(st.sampled_from(CoverageOrder)),
        member_id=draw(text(80)),
        relationship=relationship,
        group_number=draw(optional_text(50)),
        subscriber=None if relationship is Relationship.SELF else draw(subscribers()),
        plan_name=draw(optional_text(60)),
        effective_from=effective_from,
        effective_to=effective_to,
    )


# Encounters.


@st.composite
def diagnoses(draw: st.DrawFn, *, present_on_admission: bool = True) -> Diagnosis:
    """Diagnoses, with a present-on-admission indicator sometimes (never when ``present_on_admission`` is False)."""
    indicator = draw(optional_of(st.sampled_from(PresentOnAdmission))) if present_on_admission else None
    return Diagnosis(code=draw(icd10cm_codes()), present_on_admission=indicator)


@st.composite
def clinical_notes(draw: st.DrawFn, *, note_id: str | None = None) -> ClinicalNote:
    """Clinical notes, with or without a title and an author."""
    return ClinicalNote(
        id=note_id if note_id is not None else draw(record_ids()),
        kind=draw(st.sampled_from(NoteKind)),
        authored_on=draw(dates()),
        text=draw(note_texts()),
        title=draw(optional_text(200)),
        author_provider_id=draw(optional_of(record_ids())),
    )


@st.composite
def encounters(draw: st.DrawFn) -> Encounter:
    """Encounters of one day or a stay, with up to four diagnoses and three notes (of distinct ids)."""
    start, end = draw(date_spans())
    note_ids = draw(st.lists(record_ids(), max_size=3, unique=True))
    return Encounter(
        id=draw(record_ids()),
        patient_id=draw(record_ids()),
        start_date=start,
        end_date=draw(st.sampled_from((None, end))),
        place_of_service=draw(places_of_service()),
        billing_provider_id=draw(record_ids()),
        rendering_provider_id=draw(optional_of(record_ids())),
        referring_provider_id=draw(optional_of(record_ids())),
        facility_provider_id=draw(optional_of(record_ids())),
        diagnoses=tuple(draw(st.lists(diagnoses(), max_size=4, unique_by=lambda diagnosis: diagnosis.code))),
        notes=tuple(draw(clinical_notes(note_id=note_id)) for note_id in note_ids),
    )


# Claims.


def sources() -> st.SearchStrategy[Source]:
    """Where a record was read from: a path and sometimes a location in it."""
    return st.builds(Source, path=text(1024), location=text_or_empty(200))


@st.composite
def service_lines(
    draw: st.DrawFn,
    *,
    line_number: int = 1,
    kind: ClaimKind = ClaimKind.PROFESSIONAL,
    diagnosis_count: int = 4,
    first_day: date = MIN_DATE,
    last_day: date = MAX_DATE,
    max_charge_cents: int = MAX_CENTS,
) -> ServiceLine:
    """Service lines valid on a claim of ``kind`` with ``diagnosis_count`` diagnoses, dated within the bounds.

    A professional line points to one to four diagnoses; an institutional line has a revenue code and points to up
    to four. About one line in three is a drug line with all of ndc, ndc_quantity and ndc_unit.
    """
    professional = kind is ClaimKind.PROFESSIONAL
    positions = range(1, diagnosis_count + 1)
    pointer_count = min(4, diagnosis_count)
    pointers = draw(
        st.lists(st.sampled_from(positions), min_size=1 if professional else 0, max_size=pointer_count, unique=True)
    )
    service_date = draw(dates(first_day, last_day))
    drug = draw(st.integers(min_value=0, max_value=2)) == 0
    return ServiceLine(
        line_number=line_number,
        procedure_code=draw(procedure_codes()),
        units=draw(quantities()),
        charge=draw(money_amounts(0, max_charge_cents)),
        service_date=service_date,
        modifiers=tuple(draw(st.lists(modifiers(), max_size=4, unique=True))),
        diagnosis_pointers=tuple(pointers),
        unit_basis=draw(st.sampled_from(UnitBasis)),
        service_date_end=draw(optional_of(dates(service_date, last_day))),
        place_of_service=draw(optional_of(places_of_service())) if professional else None,
        revenue_code=None if professional else draw(revenue_codes()),
        ndc=draw(ndcs()) if drug else None,
        ndc_quantity=draw(quantities()) if drug else None,
        ndc_unit=draw(st.sampled_from(NdcUnit)) if drug else None,
        rendering_provider_id=draw(optional_of(record_ids())),
        line_control_number=draw(optional_text(50)),
        referring_provider_id=draw(optional_of(record_ids())),
        notes=tuple(draw(st.lists(claim_notes(), max_size=1))),
        references=tuple(draw(st.lists(claim_references(), max_size=2))),
        adjudications=tuple(draw(st.lists(line_adjudications(), max_size=2))),
    )


@st.composite
def claims(draw: st.DrawFn, *, kind: ClaimKind | None = None, icd9: bool = False) -> Claim:
    """Professional and institutional claims of one to five lines whose total is the sum of their line charges.

    Professional claims have a place of service and every line points to a diagnosis; institutional ones have a
    facility type code, a statement period covering their lines and a revenue code on every line. Replacement and
    void claims (frequency 7, 8) name the original claim; original claims (1) do not. With ``icd9`` the claim codes
    its diagnoses in ICD-9-CM (``icd9_diagnoses``, as older 837 files do) and has no ICD-10-CM ``diagnoses``.
    """
    kind = kind if kind is not None else draw(st.sampled_from(ClaimKind))
    professional = kind is ClaimKind.PROFESSIONAL
    claim_diagnoses = draw(
        st.lists(
            diagnoses(present_on_admission=not professional),
            min_size=1,
            max_size=5,
            unique_by=lambda diagnosis: diagnosis.code,
        )
    )
    diagnosis_count = len(claim_diagnoses)
    icd9_diagnoses: tuple[Icd9Diagnosis, ...] = ()
    if icd9:
        codes = draw(st.lists(icd9cm_codes(), min_size=1, max_size=5, unique=True))
        roles = [Icd9Role.PRINCIPAL] + [Icd9Role.OTHER] * (len(codes) - 1)
        extra = [code for code in draw(st.lists(icd9cm_codes(), max_size=2, unique=True)) if code not in codes]
        extra_roles = [draw(st.sampled_from((Icd9Role.ADMITTING, Icd9Role.REASON_FOR_VISIT))) for _ in extra]
        icd9_diagnoses = tuple(
            Icd9Diagnosis(role=role, code=code)
            for role, code in zip([*roles, *extra_roles], [*codes, *extra], strict=True)
        )
        diagnosis_count = len(codes)
    first_day, last_day = draw(date_spans())
    line_count = draw(st.integers(min_value=1, max_value=5))
    lines = tuple(
        draw(
            service_lines(
                line_number=number,
                kind=kind,
                diagnosis_count=diagnosis_count,
                first_day=first_day,
                last_day=last_day,
                max_charge_cents=MAX_CENTS // 5,
            )
        )
        for number in range(1, line_count + 1)
    )
    # Original, replacement and void: the frequencies every payer takes (the institutional billing cycles are rarer).
    frequency = draw(st.sampled_from((ClaimFrequency.ORIGINAL, ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID)))
    payer_orders = draw(st.lists(st.sampled_from(PayerResponsibility), max_size=2, unique=True))
    return Claim(
        id=draw(record_ids()),
        kind=kind,
        patient_control_number=draw(text(38)),
        patient_id=draw(record_ids()),
        coverage_id=draw(record_ids()),
        billing_provider_id=draw(record_ids()),
        diagnoses=() if icd9 else tuple(claim_diagnoses),
        icd9_diagnoses=icd9_diagnoses,
        lines=lines,
        total_charge=sum((service.charge for service in lines), ZERO_MONEY),
        frequency=frequency,
        original_claim_reference=None if frequency is ClaimFrequency.ORIGINAL else draw(text(50)),
        place_of_service=draw(places_of_service()) if professional else None,
        facility_type_code=None if professional else draw(st.sampled_from(FACILITY_TYPES)),
        encounter_id=draw(optional_of(record_ids())),
        rendering_provider_id=draw(optional_of(record_ids())),
        referring_provider_id=draw(optional_of(record_ids())),
        facility_provider_id=draw(optional_of(record_ids())),
        statement_from=None if professional else first_day,
        statement_to=None if professional else last_day,
        admission_date=None if professional else draw(optional_of(dates(MIN_DATE, first_day))),
        prior_authorization=draw(optional_text(50)),
        source=draw(optional_of(sources())),
        provider_signature=draw(st.booleans()),
        assignment=draw(st.sampled_from(Assignment)),
        benefits_assignment=draw(st.sampled_from(BenefitsAssignment)),
        release_of_information=draw(st.sampled_from(ReleaseOfInformation)),
        delay_reason_code=draw(optional_of(st.sampled_from(("1", "7", "11", "15")))),
        accident=draw(optional_of(accidents())),
        admitting_diagnosis=draw(optional_of(icd10cm_codes())),
        reasons_for_visit=tuple(draw(st.lists(icd10cm_codes(), max_size=3))),
        external_causes=tuple(draw(st.lists(diagnoses(present_on_admission=not professional), max_size=2))),
        principal_procedure=draw(optional_of(icd_procedures())),
        other_procedures=tuple(draw(st.lists(icd_procedures(), max_size=2))),
        occurrences=tuple(draw(st.lists(occurrences(), max_size=2))),
        occurrence_spans=tuple(draw(st.lists(occurrence_spans(), max_size=2))),
        value_codes=tuple(draw(st.lists(value_codes(), max_size=2))),
        condition_codes=tuple(draw(st.lists(ub04_codes(), max_size=3))),
        drg=draw(optional_of(st.one_of(st.sampled_from(("470", "871", "0291")), _chars(_UPPER_DIGITS, 1, 4)))),
        admission_type=draw(optional_of(_chars(_DIGITS, 1))),
        admission_source=draw(optional_of(_chars(_UPPER_DIGITS, 1))),
        patient_status=draw(optional_of(_chars(_DIGITS, 2))),
        discharge_date=draw(optional_of(dates())),
        onset_date=draw(optional_of(dates())),
        initial_treatment_date=draw(optional_of(dates())),
        last_seen_date=draw(optional_of(dates())),
        other_dates=tuple(draw(st.lists(claim_dates(), max_size=2))),
        medical_record_number=draw(optional_text(50)),
        referral_number=draw(optional_text(50)),
        other_references=tuple(draw(st.lists(claim_references(), max_size=2))),
        notes=tuple(draw(st.lists(claim_notes(), max_size=2))),
        file_information=tuple(draw(st.lists(text(80), max_size=2))),
        attending_provider_id=draw(optional_of(record_ids())),
        operating_provider_id=draw(optional_of(record_ids())),
        other_operating_provider_id=draw(optional_of(record_ids())),
        supervising_provider_id=draw(optional_of(record_ids())),
        pay_to_address=draw(optional_of(addresses())),
        other_payers=tuple(draw(other_payers(responsibility=order)) for order in payer_orders),
    )


# Remittances. Amounts are bounded so that the sums a remittance balances stay well within the money range.

_LINE_CENTS = 999_999_999
"""9999999.99: the largest line charge, adjustment or payment in a remittance."""


@st.composite
def adjustments(draw: st.DrawFn) -> Adjustment:
    """CAS adjustments of any group, positive or negative, with or without a quantity."""
    return Adjustment(
        group=draw(st.sampled_from(AdjustmentGroup)),
        reason_code=draw(carcs()),
        amount=draw(money_amounts(-_LINE_CENTS, _LINE_CENTS)),
        quantity=draw(optional_of(quantities())),
    )


@st.composite
def claim_notes(draw: st.DrawFn) -> ClaimNote:
    """NTE notes: a three-letter qualifier and one line of at most 80 characters."""
    qualifier = draw(st.one_of(st.sampled_from(("ADD", "CER", "DCP", "TPO")), _chars(_UPPER, 3)))
    return ClaimNote(qualifier=qualifier, text=draw(text(80)))


@st.composite
def claim_references(draw: st.DrawFn) -> ClaimReference:
    """REF numbers without a field of their own: a two- or three-character qualifier and a value."""
    qualifier = draw(st.one_of(st.sampled_from(("D9", "4N", "X4", "LU", "EW")), _chars(_UPPER_DIGITS, 2, 3)))
    return ClaimReference(qualifier=qualifier, value=draw(text(50)))


@st.composite
def claim_dates(draw: st.DrawFn) -> ClaimDate:
    """Other DTP dates of a claim: single dates and ranges."""
    start, end = draw(date_spans())
    return ClaimDate(qualifier=draw(_chars(_DIGITS, 3)), start=start, end=draw(st.sampled_from((None, end))))


@st.composite
def accidents(draw: st.DrawFn) -> Accident:
    """CLM11 related causes, with or without a state, country and date."""
    return Accident(
        causes=tuple(draw(st.lists(st.sampled_from(AccidentCause), min_size=1, max_size=3, unique=True))),
        state=draw(optional_of(states())),
        country=draw(optional_of(_chars(_UPPER, 2, 3))),
        accident_date=draw(optional_of(dates())),
    )


@st.composite
def icd_procedures(draw: st.DrawFn) -> IcdProcedure:
    """ICD-10-PCS procedures with their dates."""
    return IcdProcedure(code=draw(icd10pcs_codes()), performed_on=draw(dates()))


@st.composite
def occurrences(draw: st.DrawFn) -> Occurrence:
    """UB-04 occurrence codes with their dates."""
    return Occurrence(code=draw(ub04_codes()), occurred_on=draw(dates()))


@st.composite
def occurrence_spans(draw: st.DrawFn) -> OccurrenceSpan:
    """UB-04 occurrence span codes with their periods."""
    start, end = draw(date_spans())
    return OccurrenceSpan(code=draw(ub04_codes()), start=start, end=end)


@st.composite
def value_codes(draw: st.DrawFn) -> ValueCode:
    """UB-04 value codes with their amounts."""
    return ValueCode(code=draw(ub04_codes()), amount=draw(money_amounts(-_LINE_CENTS, _LINE_CENTS)))


@st.composite
def line_adjudications(draw: st.DrawFn, *, payer_identifier: str | None = None) -> LineAdjudication:
    """Loop 2430: another payer's decision on a line, with up to two CAS adjustments."""
    return LineAdjudication(
        payer_identifier=payer_identifier if payer_identifier is not None else draw(text(80)),
        paid=draw(money_amounts(-_LINE_CENTS, _LINE_CENTS)),
        units=draw(st.one_of(st.just(Decimal(0)), quantities())),
        procedure_code=draw(optional_of(procedure_codes())),
        modifiers=tuple(draw(st.lists(modifiers(), max_size=4))),
        revenue_code=draw(optional_of(revenue_codes())),
        bundled_line_number=draw(optional_of(st.integers(min_value=1, max_value=999_999))),
        adjustments=tuple(draw(st.lists(adjustments(), max_size=2))),
        adjudication_date=draw(optional_of(dates())),
        remaining_patient_liability=draw(optional_of(money_amounts(-_LINE_CENTS, _LINE_CENTS))),
    )


@st.composite
def other_payers(draw: st.DrawFn, *, responsibility: PayerResponsibility | None = None) -> OtherPayer:
    """Loops 2320/2330: another payer of the patient, what it paid and adjusted."""
    return OtherPayer(
        responsibility=responsibility if responsibility is not None else draw(st.sampled_from(PayerResponsibility)),
        payer_name=draw(text(60)),
        payer_identifier=draw(st.one_of(_chars(_UPPER_DIGITS, 5), text(80))),
        subscriber_name=draw(person_names()),
        member_id=draw(text(80)),
        relationship=draw(st.sampled_from(Relationship)),
        group_number=draw(optional_text(50)),
        group_name=draw(optional_text(60)),
        insurance_type=draw(optional_of(st.sampled_from(("12", "43", "47", "C1")))),
        claim_filing_indicator=draw(optional_of(st.sampled_from(ClaimFilingIndicator))),
        paid_amount=draw(optional_of(money_amounts(-_LINE_CENTS, _LINE_CENTS))),
        remaining_patient_liability=draw(optional_of(money_amounts(-_LINE_CENTS, _LINE_CENTS))),
        non_covered_amount=draw(optional_of(money_amounts(-_LINE_CENTS, _LINE_CENTS))),
        adjustments=tuple(draw(st.lists(adjustments(), max_size=2))),
        benefits_assignment=draw(st.sampled_from(BenefitsAssignment)),
        release_of_information=draw(st.sampled_from(ReleaseOfInformation)),
        subscriber_address=draw(optional_of(addresses())),
        payer_address=draw(optional_of(addresses())),
        adjudication_date=draw(optional_of(dates())),
        payer_claim_control_number=draw(optional_text(50)),
    )


@st.composite
def service_payments(draw: st.DrawFn) -> ServicePayment:
    """Line payments, balanced (charge - adjustments - paid = 0) about half of the time."""
    charge = draw(money_amounts(0, _LINE_CENTS))
    line_adjustments = tuple(draw(st.lists(adjustments(), max_size=3)))
    balanced = charge - sum((adjustment.amount for adjustment in line_adjustments), ZERO_MONEY)
    paid = draw(st.one_of(st.just(balanced), money_amounts(-_LINE_CENTS, _LINE_CENTS)))
    return ServicePayment(
        procedure_code=draw(procedure_codes()),
        charge=charge,
        paid=paid,
        modifiers=tuple(draw(st.lists(modifiers(), max_size=4, unique=True))),
        units_paid=draw(optional_of(quantities())),
        units_billed=draw(optional_of(quantities())),
        billed_procedure_code=draw(optional_of(procedure_codes())),
        service_date=draw(optional_of(dates())),
        line_control_number=draw(optional_text(50)),
        allowed_amount=draw(optional_of(money_amounts(0, _LINE_CENTS))),
        adjustments=line_adjustments,
        remark_codes=tuple(draw(st.lists(rarcs(), max_size=3))),
    )


@st.composite
def claim_payments(draw: st.DrawFn) -> ClaimPayment:
    """Claim payments of up to three lines, balanced (their `imbalance` zero) about half of the time."""
    services = tuple(draw(st.lists(service_payments(), max_size=3)))
    claim_adjustments = tuple(draw(st.lists(adjustments(), max_size=2)))
    if services:
        total_charge = sum((service.charge for service in services), ZERO_MONEY)
    else:
        total_charge = draw(money_amounts(0, _LINE_CENTS))
    adjusted = sum(
        (adjustment.amount for adjustment in (*claim_adjustments, *(a for s in services for a in s.adjustments))),
        ZERO_MONEY,
    )
    statement_from, statement_to = draw(optional_date_spans())
    return ClaimPayment(
        patient_control_number=draw(text(38)),
        status=draw(st.sampled_from(ClaimStatus)),
        total_charge=total_charge,
        paid=draw(st.one_of(st.just(total_charge - adjusted), money_amounts(-_LINE_CENTS, _LINE_CENTS))),
        patient_responsibility=draw(optional_of(money_amounts(0, _LINE_CENTS))),
        claim_filing_indicator=draw(optional_of(st.sampled_from(ClaimFilingIndicator))),
        payer_claim_control_number=draw(optional_text(50)),
        facility_type_code=draw(optional_of(st.sampled_from(FACILITY_TYPES))),
        frequency=draw(optional_of(st.sampled_from([code.value for code in ClaimFrequency]))),
        patient_name=draw(optional_text(120)),
        statement_from=statement_from,
        statement_to=statement_to,
        adjustments=claim_adjustments,
        remark_codes=tuple(draw(st.lists(rarcs(), max_size=2))),
        service_payments=services,
    )


@st.composite
def provider_adjustments(draw: st.DrawFn) -> ProviderAdjustment:
    """PLB adjustments, positive (reducing the payment) or negative, with or without a reference."""
    return ProviderAdjustment(
        provider_identifier=draw(st.one_of(npis(), text(50))),
        fiscal_period_end=draw(dates()),
        reason_code=draw(plb_reasons()),
        amount=draw(money_amounts(-_LINE_CENTS * 10, _LINE_CENTS * 10)),
        reference=draw(optional_text(50)),
    )


@st.composite
def remittances(draw: st.DrawFn) -> Remittance:
    """Remittances of up to three claims and two provider adjustments, balanced about half of the time."""
    claim_list = tuple(draw(st.lists(claim_payments(), max_size=3)))
    plbs = tuple(draw(st.lists(provider_adjustments(), max_size=2)))
    balanced = sum((claim.paid for claim in claim_list), ZERO_MONEY) - sum(
        (adjustment.amount for adjustment in plbs), ZERO_MONEY
    )
    return Remittance(
        id=draw(record_ids()),
        payer_name=draw(text(60)),
        payer_identifier=draw(text(80)),
        payment_amount=draw(st.one_of(st.just(balanced), money_amounts())),
        payment_method=draw(st.sampled_from(PaymentMethod)),
        payment_date=draw(dates()),
        trace_number=draw(text(50)),
        credit_debit=draw(st.sampled_from(CreditDebit)),
        payer_id=draw(optional_of(record_ids())),
        payee_name=draw(optional_text(60)),
        payee_npi=draw(optional_of(npis())),
        claims=claim_list,
        provider_adjustments=plbs,
        source=draw(optional_of(sources())),
    )


# The ledger.


@st.composite
def _parts(draw: st.DrawFn, total: int, count: int) -> list[int]:
    """``total`` split into ``count`` positive whole parts (``count`` at most ``total``)."""
    if count == 1:
        return [total]
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=count - 1, max_size=count - 1, unique=True)))
    bounds = [0, *cuts, total]
    return [high - low for low, high in pairwise(bounds)]


def postings() -> st.SearchStrategy[Posting]:
    """Single postings of a non-zero amount (on their own; `ledger_entries` makes balanced sets)."""
    return st.builds(Posting, account=accounts(), amount=money_amounts().filter(bool))


@st.composite
def ledger_entries(draw: st.DrawFn) -> LedgerEntry:
    """Balanced entries of two to six non-zero postings: one to three debits and one to three credits."""
    total = draw(st.integers(min_value=1, max_value=MAX_CENTS))
    debits = draw(_parts(total, draw(st.integers(min_value=1, max_value=min(3, total)))))
    credits = draw(_parts(total, draw(st.integers(min_value=1, max_value=min(3, total)))))
    cents = draw(st.permutations([*debits, *(-credit for credit in credits)]))
    return LedgerEntry(
        id=draw(record_ids()),
        posted_on=draw(dates()),
        description=draw(text(200)),
        postings=tuple(Posting(account=draw(accounts()), amount=Decimal(amount).scaleb(-2)) for amount in cents),
        claim_id=draw(optional_of(record_ids())),
        remittance_id=draw(optional_of(record_ids())),
        patient_id=draw(optional_of(record_ids())),
    )
