"""Reading 837P and 837I claims into `Claim` records with the parties they refer to, one claim at a time.

The reader walks the segments once. The HL hierarchy (20 billing provider, 22 subscriber, 23 patient) is kept by HL
id, so a claim finds its billing provider, subscriber and patient through its HL's parent links; what an NM1, REF,
DTP, AMT or CAS means depends on the loop the reader is in (header, billing provider, subscriber, patient, claim,
other payer, line, line adjudication), which the segment that opens each loop sets. A claim is yielded as soon as the
next CLM, HL or SE starts, so memory holds one claim however large the file.

Record ids are derived from what the record was read from (the NPI, member id or payer id, and a digest of the text of
its segments), so reading a file twice gives equal records, a party repeated across claims is the same record with the
same id, and two different parties never share an id. Each distinct party is made once (a bounded memo).

Checking the file against the implementation guide is the validator's job: segments the records have no place for
are skipped. A value that cannot make a record raises `X12Error` naming the segment, its number and the element.

Where the domain refuses what real files hold, the reader decides so:

- ICD-9-CM diagnoses (HI*BK/BF/BJ/PR/BN, services before October 2015, which every public sample uses) are read into
  ``Claim.icd9_diagnoses``.
- A provider whose NPI fails its check digit, or who has none (an atypical provider), cannot be a `Provider`
  record. The claim keeps a derived id for a billing provider (the claim cannot be made without one) and no id for
  other roles; each such provider is listed in ``Claim837.problems``, so nothing is dropped silently, and storing
  the claim is refused until a valid provider record is added.
- An institutional line without DTP*472 (inpatient lines may omit it) is dated by the claim's statement period.
- A payer without SBR09 is a payer of the mutually defined kind (ZZ), since `Payer` needs a claim filing indicator.
- An address outside the United States (N404) is not recorded: `Address` holds US addresses; an address the domain
  refuses (a 4-digit ZIP code) or a taxonomy code NUCC never issued is left out and listed in ``problems``.
- HI codes no claim field holds (BP/BO anesthesia-related procedures, BR/BQ ICD-9-CM procedures, TC treatment codes)
  are listed in ``problems``.
- Times of day are not kept: the admission hour of DTP*435 (format DT) and the 837I discharge hour (DTP*096, TM).
- An institutional line billed by revenue code alone (SV202 empty) is refused by name: `ServiceLine` needs a
  procedure code.
- Loops the claim records have no place for (submitter, receiver, pay-to plan, the other payer's providers 2330C-G,
  ambulance and purchased-service providers, line operating physicians of an 837I) are skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from revcycle.domain import codes
from revcycle.domain.claim import Claim, ClaimKind, ServiceLine
from revcycle.domain.claim_details import (
    Accident,
    ClaimDate,
    ClaimNote,
    ClaimReference,
    Icd9Diagnosis,
    IcdProcedure,
    LineAdjudication,
    Occurrence,
    OccurrenceSpan,
    OtherPayer,
    ValueCode,
)
from revcycle.domain.encounter import Diagnosis
from revcycle.domain.fields import RECORD_ID, FieldError
from revcycle.domain.money import money, quantity
from revcycle.domain.npi import npi_problem
from revcycle.domain.parties import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoverageOrder,
    Patient,
    Payer,
    PersonName,
    Provider,
    Relationship,
    Subscriber,
)
from revcycle.domain.remittance import Adjustment
from revcycle.domain.source import Source
from revcycle.errors import InvalidRecord
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import Segment

_MAX_ID = 64
_MEMO_SIZE = 4096
# CAS02/03/04, CAS05/06/07, ... CAS17/18/19: up to six (reason, amount, quantity) triplets, as 1-based positions.
_CAS_TRIPLETS = (2, 5, 8, 11, 14, 17)
_ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA", "TA1"})
# NM101 of the claim's provider loops (2310A-F of both guides) and the Claim field each fills.
_CLAIM_PROVIDER_ROLES = {
    "DN": "referring_provider_id",
    "P3": "referring_provider_id",
    "82": "rendering_provider_id",
    "77": "facility_provider_id",
    "FA": "facility_provider_id",
    "DQ": "supervising_provider_id",
    "71": "attending_provider_id",
    "72": "operating_provider_id",
    "ZZ": "other_operating_provider_id",
}
# NM101 of the line's provider loops (2420A, 2420F of the 837P; 2420C, 2420D of the 837I) that the line records.
_LINE_PROVIDER_ROLES = {"82": "rendering_provider_id", "DN": "referring_provider_id", "P3": "referring_provider_id"}
# DTP qualifiers of loop 2300 with a Claim field of their own.
_CLAIM_DATES = {
    "431": "onset_date",
    "454": "initial_treatment_date",
    "304": "last_seen_date",
    "435": "admission_date",
    "096": "discharge_date",
}
_ICD9_QUALIFIERS = frozenset({"BK", "BF", "BJ", "PR", "BN"})
# HI qualifiers no claim field holds: read, and listed in Claim837.problems rather than refusing the claim.
_UNRECORDED_CODES = {
    "BP": "anesthesia-related principal procedure (HCPCS)",
    "BO": "anesthesia-related procedure (HCPCS)",
    "BR": "ICD-9-CM principal procedure",
    "BQ": "ICD-9-CM procedure",
    "TC": "treatment code",
}
_ORDERS = {"P": CoverageOrder.PRIMARY, "S": CoverageOrder.SECONDARY, "T": CoverageOrder.TERTIARY}


@dataclass(frozen=True, slots=True)
class Claim837:
    """One claim of an 837 with every party it refers to.

    Attributes:
        claim: the claim.
        patient: the patient treated (loop 2010CA, or 2010BA when the subscriber is the patient).
        coverages: the coverage billed (loops 2000B/2010BA, ``claim.coverage_id``) first, then the other coverages
            of loops 2320/2330 whose payer is primary, secondary or tertiary.
        payers: the payer billed (loop 2010BB) first, then the other payers of loop 2330B.
        providers: every provider with a valid NPI the claim refers to: billing first, then the claim's and the
            lines' other providers, each once.
        transaction: ``"837P"`` or ``"837I"``.
        version: the implementation guide of ST03 (or GS08), e.g. ``005010X222A1``.
        problems: what the domain could not record, each naming its segment and element (see the module notes).
    """

    claim: Claim
    patient: Patient
    coverages: tuple[Coverage, ...]
    payers: tuple[Payer, ...]
    providers: tuple[Provider, ...]
    transaction: str
    version: str
    problems: tuple[str, ...] = ()

    @property
    def coverage(self) -> Coverage:
        """The coverage billed."""
        return self.coverages[0]

    @property
    def payer(self) -> Payer:
        """The payer billed."""
        return self.payers[0]


def read_837(segments: Iterable[Segment], path: str) -> Iterator[Claim837]:
    """The claims of an 837P or 837I file, each yielded when the next CLM, HL or SE starts.

    Args:
        segments: the file's segments in order, as `revcycle.x12.tokens.read_file` yields them.
        path: the file's name, for sources and errors.

    Raises:
        X12Error: a transaction set that is not an 837 of a known guide, a claim outside the HL hierarchy, or a value
            that cannot make a record (naming the segment, its number and the element).
    """
    reader = _Reader(path)
    for segment in segments:
        if segment.id in _COMPOSITE_SEGMENTS:
            segment = _with_component_separator_used(segment)
        handler = reader.handlers.get(segment.id)
        if segment.id in ("CLM", "HL", "SE") and reader.draft is not None:
            yield reader.finish_claim()
        if handler is not None:
            handler(segment)
        elif reader.version is None and segment.id not in _ENVELOPE:
            raise reader.fail(segment, "is outside any ST/SE transaction set")
        if reader.draft is not None:
            reader.draft.texts.append(segment.text())
    if reader.version is not None:
        raise X12Error(path, "the file ends inside a transaction set (no SE)")


# Segments whose composites carry the codes of a claim: diagnoses, procedures, place of service and frequency.
_COMPOSITE_SEGMENTS = frozenset({"CLM", "HI", "SV1", "SV2", "SV3", "SV5", "SVD", "LIN"})
# The separators that TR3 examples use between components: files copied from them keep one while their ISA16
# declares another.
_EXAMPLE_SEPARATORS = (">", ":")
_COMPOSITE_START = re.compile(r"[A-Z0-9]{1,3}([>:])")


def _with_component_separator_used(segment: Segment) -> Segment:
    """The segment read with the component separator its composites use, when that is not the declared one.

    The validator reports such a file (its composites are not composites under its own ISA16); the reader takes the
    only reading that makes them composites, as a billing system receiving the file must.
    """
    declared = segment.delimiters.component
    if any(declared in element for element in segment.elements):
        return segment
    for element in segment.elements:
        match = _COMPOSITE_START.match(element)
        if match and match.group(1) != declared and match.group(1) in _EXAMPLE_SEPARATORS:
            if match.group(1) in (
                segment.delimiters.element,
                segment.delimiters.repetition,
                segment.delimiters.segment,
            ):
                return segment
            used = replace(segment.delimiters, component=match.group(1))
            return replace(segment, delimiters=used)
    return segment


@dataclass(slots=True)
class _Party:
    """An NM1 and what follows it in its loop (N3, N4, REF, DMG, PRV), until the next loop starts."""

    nm1: Segment
    n3: Segment | None = None
    n4: Segment | None = None
    birth_date: date | None = None
    sex: str | None = None
    taxonomy: str | None = None
    tax_id: str | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def entity(self) -> str:
        return self.nm1[1]

    @property
    def identifier(self) -> str:
        return self.nm1[9]

    @property
    def key(self) -> str:
        """The text of the party's segments: equal texts make equal records, so it keys ids and the memo."""
        return "~".join(self.texts)


@dataclass(slots=True)
class _BillingLoop:
    provider: _Party | None = None
    pay_to: _Party | None = None
    taxonomy: str | None = None


@dataclass(slots=True)
class _SubscriberLoop:
    billing: _BillingLoop
    sbr: Segment
    subscriber: _Party | None = None
    payer: _Party | None = None


@dataclass(slots=True)
class _PatientLoop:
    subscriber: _SubscriberLoop
    pat: Segment
    patient: _Party | None = None


@dataclass(slots=True)
class _OtherPayerDraft:
    sbr: Segment
    values: dict[str, Any] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    subscriber: _Party | None = None
    payer: _Party | None = None


@dataclass(slots=True)
class _AdjudicationDraft:
    svd: Segment
    values: dict[str, Any]
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass(slots=True)
class _LineDraft:
    lx: Segment
    values: dict[str, Any] = field(default_factory=dict)
    service: Segment | None = None
    notes: list[ClaimNote] = field(default_factory=list)
    references: list[ClaimReference] = field(default_factory=list)
    providers: dict[str, _Party] = field(default_factory=dict)
    adjudications: list[_AdjudicationDraft] = field(default_factory=list)


@dataclass(slots=True)
class _ClaimDraft:
    clm: Segment
    subscriber: _SubscriberLoop
    patient: _PatientLoop | None
    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    providers: dict[str, _Party] = field(default_factory=dict)
    other_payers: list[_OtherPayerDraft] = field(default_factory=list)
    lines: list[_LineDraft] = field(default_factory=list)
    accident_date: date | None = None
    texts: list[str] = field(default_factory=list)

    def add(self, name: str, value: object) -> None:
        self.lists.setdefault(name, []).append(value)


class _Reader:
    """The reader's state: the open transaction set, the HL hierarchy and the claim being read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.version: str | None = None
        self.group_version = ""
        self.kind = ClaimKind.PROFESSIONAL
        self.levels: dict[str, _BillingLoop | _SubscriberLoop | _PatientLoop] = {}
        self.level: _BillingLoop | _SubscriberLoop | _PatientLoop | None = None
        self.draft: _ClaimDraft | None = None
        self.loop = "header"
        self.party: _Party | None = None
        # Parties repeat claim after claim (one billing provider, one payer for a whole file): each is made once
        # per distinct text. Bounded, so a file of a million patients still reads in constant memory.
        self.memo: dict[tuple[str, ...], Any] = {}
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "GS": self.on_gs,
            "ST": self.on_st,
            "SE": self.on_se,
            "HL": self.on_hl,
            "PRV": self.on_prv,
            "NM1": self.on_nm1,
            "N3": self.on_n3,
            "N4": self.on_n4,
            "DMG": self.on_dmg,
            "REF": self.on_ref,
            "SBR": self.on_sbr,
            "PAT": self.on_pat,
            "CLM": self.on_clm,
            "DTP": self.on_dtp,
            "CL1": self.on_cl1,
            "HI": self.on_hi,
            "NTE": self.on_nte,
            "K3": self.on_k3,
            "AMT": self.on_amt,
            "CAS": self.on_cas,
            "OI": self.on_oi,
            "LX": self.on_lx,
            "SV1": self.on_sv1,
            "SV2": self.on_sv2,
            "LIN": self.on_lin,
            "CTP": self.on_ctp,
            "SVD": self.on_svd,
        }

    # Errors and element values.

    def fail(self, segment: Segment, reason: str, position: int | None = None, sub: int | None = None) -> X12Error:
        """An error naming the segment and, when given, the element (and component) at fault."""
        where = ""
        if position is not None:
            where = f"{segment.id}{position:02d}" + (f"-{sub}" if sub is not None else "") + ": "
        return X12Error(
            self.path, where + reason, segment_index=segment.index, offset=segment.offset, segment=segment.id
        )

    def value[T](
        self, check: Callable[[object], T], segment: Segment, position: int, sub: int | None = None, what: str = ""
    ) -> T | None:
        """Element ``position`` (or its component ``sub``) through ``check``; None when empty."""
        text = segment[position] if sub is None else segment.component(position, sub)
        if not text:
            return None
        try:
            return check(text)
        except FieldError as error:
            raise self.fail(segment, f"{what or 'value'} {text!r}: {error}", position, sub) from None

    def required[T](
        self, check: Callable[[object], T], segment: Segment, position: int, sub: int | None = None, what: str = ""
    ) -> T:
        """Like `value`, for an element the record cannot do without."""
        found = self.value(check, segment, position, sub, what)
        if found is None:
            raise self.fail(segment, f"{what or 'a value'} is required", position, sub)
        return found

    def date_of(self, segment: Segment, position: int, date_format: str, sub: int | None = None) -> tuple[date, date]:
        """The date or period of an element in format D8, RD8 or DT: (first day, last day)."""
        text = segment[position] if sub is None else segment.component(position, sub)
        try:
            if date_format == "RD8":
                # A period of one day written as one date (some senders do) is read as that day.
                first, _, last = text.partition("-")
                return _parse_date(first), _parse_date(last or first)
            if date_format in ("D8", "DT"):
                day = _parse_date(text[:8]) if date_format == "DT" and len(text) == 12 else _parse_date(text)
                return day, day
        except FieldError as error:
            raise self.fail(segment, str(error), position, sub) from None
        raise self.fail(segment, f"date format {date_format!r} is not D8, RD8 or DT", position - 1, sub and sub - 1)

    def record[R](self, segment: Segment, make: Callable[..., R], /, **values: Any) -> R:
        """The record ``make(**values)``; a value the record refuses raises an error naming ``segment``."""
        try:
            return make(**values)
        except InvalidRecord as error:
            raise self.fail(segment, str(error)) from None

    # The envelope and the hierarchy.

    def on_gs(self, segment: Segment) -> None:
        self.group_version = segment[8]

    def on_st(self, segment: Segment) -> None:
        if segment[1] != "837":
            raise self.fail(segment, f"transaction set {segment[1]!r} is not an 837", 1)
        version = segment[3] or self.group_version
        if "X222" in version:
            self.kind = ClaimKind.PROFESSIONAL
        elif "X223" in version:
            self.kind = ClaimKind.INSTITUTIONAL
        else:
            raise self.fail(segment, f"{version!r} is not the 837P (X222) or 837I (X223) guide", 3)
        self.version = version
        self.levels = {}
        self.level = None
        self.loop = "header"
        self.party = None

    def on_se(self, segment: Segment) -> None:
        if self.version is None:
            raise self.fail(segment, "ends a transaction set that was not started")
        self.version = None
        self.levels = {}
        self.level = None

    def on_hl(self, segment: Segment) -> None:
        self.in_transaction(segment)
        hl_id, parent_id, level_code = segment[1], segment[2], segment[3]
        parent = self.levels.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            raise self.fail(segment, f"parent HL {parent_id!r} has not been read", 2)
        level: _BillingLoop | _SubscriberLoop | _PatientLoop
        if level_code == "20":
            level = _BillingLoop()
            self.loop = "billing"
        elif level_code == "22":
            if not isinstance(parent, _BillingLoop):
                raise self.fail(segment, "a subscriber HL (22) needs a billing provider HL (20) as parent", 2)
            level = _SubscriberLoop(billing=parent, sbr=segment)
            self.loop = "subscriber"
        elif level_code == "23":
            if not isinstance(parent, _SubscriberLoop):
                raise self.fail(segment, "a patient HL (23) needs a subscriber HL (22) as parent", 2)
            level = _PatientLoop(subscriber=parent, pat=segment)
            self.loop = "patient"
        else:
            raise self.fail(segment, f"hierarchical level {level_code!r} is not 20, 22 or 23", 3)
        self.levels[hl_id] = level
        self.level = level
        self.party = None

    def in_transaction(self, segment: Segment) -> None:
        if self.version is None:
            raise self.fail(segment, "is outside any ST/SE transaction set")

    # Parties: NM1 and what follows it.

    def on_nm1(self, segment: Segment) -> None:
        self.in_transaction(segment)
        party = _Party(segment, texts=[segment.text()])
        entity = segment[1]
        self.party = party
        level, draft = self.level, self.draft
        if self.loop == "billing" and isinstance(level, _BillingLoop):
            if entity == "85":
                level.provider = party
            elif entity == "87":
                level.pay_to = party
        elif self.loop == "subscriber" and isinstance(level, _SubscriberLoop):
            if entity == "IL":
                level.subscriber = party
            elif entity == "PR":
                level.payer = party
        elif self.loop == "patient" and isinstance(level, _PatientLoop):
            if entity == "QC":
                level.patient = party
        elif self.loop == "claim" and draft is not None:
            role = _CLAIM_PROVIDER_ROLES.get(entity)
            # Loop 2310A may name both a referring provider (DN) and a primary care provider (P3): DN is the referrer.
            if role is not None and not (entity == "P3" and role in draft.providers):
                draft.providers[role] = party
        elif self.loop == "other_payer" and draft is not None and draft.other_payers:
            other = draft.other_payers[-1]
            if entity == "IL":
                other.subscriber = party
            elif entity == "PR" and other.payer is None:
                other.payer = party
        elif self.loop in ("line", "line_adjudication") and draft is not None and draft.lines:
            role = _LINE_PROVIDER_ROLES.get(entity)
            if role is not None:
                draft.lines[-1].providers[role] = party
                self.loop = "line"

    def on_n3(self, segment: Segment) -> None:
        if self.party is not None:
            self.party.n3 = segment
            self.party.texts.append(segment.text())

    def on_n4(self, segment: Segment) -> None:
        if self.party is not None:
            self.party.n4 = segment
            self.party.texts.append(segment.text())

    def on_dmg(self, segment: Segment) -> None:
        if self.party is None:
            return
        self.party.texts.append(segment.text())
        if segment[1] and segment[1] != "D8":
            raise self.fail(segment, f"date format {segment[1]!r} is not D8", 1)
        self.party.birth_date = self.value(_parse_date, segment, 2, what="birth date")
        self.party.sex = segment[3] or None

    def on_prv(self, segment: Segment) -> None:
        taxonomy = self.value(_taxonomy_or_text, segment, 3, what="taxonomy")
        if self.loop == "billing" and isinstance(self.level, _BillingLoop) and self.party is None:
            self.level.taxonomy = taxonomy
        elif self.party is not None:
            self.party.taxonomy = taxonomy
            self.party.texts.append(segment.text())

    def on_ref(self, segment: Segment) -> None:
        qualifier, text = segment[1], segment[2]
        draft, party = self.draft, self.party
        if party is not None and qualifier in ("EI", "SY") and party.entity == "85":
            party.tax_id = self.value(codes.tax_id, segment, 2, what="tax id")
            party.texts.append(segment.text())
        elif self.loop == "claim" and draft is not None and party is None:
            fields = {"F8": "original_claim_reference", "G1": "prior_authorization", "9F": "referral_number"}
            if qualifier in fields:
                draft.values[fields[qualifier]] = text
            elif qualifier == "EA":
                draft.values["medical_record_number"] = text
            else:
                draft.add("other_references", self.record(segment, ClaimReference, qualifier=qualifier, value=text))
        elif self.loop == "other_payer" and draft is not None and party is not None and party.entity == "PR":
            if qualifier == "F8":
                draft.other_payers[-1].values["payer_claim_control_number"] = text
        elif self.loop == "line" and draft is not None and draft.lines and party is None:
            line = draft.lines[-1]
            if qualifier == "6R":
                line.values["line_control_number"] = text
            else:
                line.references.append(self.record(segment, ClaimReference, qualifier=qualifier, value=text))

    def on_sbr(self, segment: Segment) -> None:
        self.in_transaction(segment)
        if self.draft is not None:
            self.draft.other_payers.append(_OtherPayerDraft(segment))
            self.loop = "other_payer"
        elif isinstance(self.level, _SubscriberLoop):
            self.level.sbr = segment
        self.party = None

    def on_pat(self, segment: Segment) -> None:
        if isinstance(self.level, _PatientLoop):
            self.level.pat = segment

    # The claim.

    def on_clm(self, segment: Segment) -> None:
        self.in_transaction(segment)
        level = self.level
        if isinstance(level, _PatientLoop):
            draft = _ClaimDraft(segment, level.subscriber, level)
        elif isinstance(level, _SubscriberLoop):
            draft = _ClaimDraft(segment, level, None)
        else:
            raise self.fail(segment, "a claim (CLM) must follow a subscriber (HL 22) or patient (HL 23) level")
        values = draft.values
        values["patient_control_number"] = segment[1]
        values["total_charge"] = self.required(money, segment, 2, what="total charge")
        place, qualifier, frequency = segment.component(5, 1), segment.component(5, 2), segment.component(5, 3)
        if self.kind is ClaimKind.PROFESSIONAL:
            values["place_of_service"] = place or None
        else:
            values["facility_type_code"] = place or None
        del qualifier  # B (place of service) or A (UB-04 type of bill): the guide fixes it per transaction
        if frequency:
            values["frequency"] = frequency
        if segment[6]:
            values["provider_signature"] = segment[6] == "Y"
        for position, name in ((7, "assignment"), (8, "benefits_assignment"), (9, "release_of_information")):
            if segment[position]:
                values[name] = segment[position]
        causes = [cause for cause in segment.components(11)[:3] if cause]
        if causes:
            values["accident"] = {
                "causes": tuple(causes),
                "state": segment.component(11, 4) or None,
                "country": segment.component(11, 5) or None,
            }
        if segment[20]:
            values["delay_reason_code"] = segment[20]
        self.draft = draft
        self.loop = "claim"
        self.party = None

    def on_dtp(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None:
            return
        qualifier, date_format = segment[1], segment[2]
        if self.loop == "claim":
            if qualifier == "096" and date_format == "TM":
                return  # the 837I discharge hour: a time of day, which no claim field holds
            first, last = self.date_of(segment, 3, date_format)
            if qualifier == "434":
                draft.values["statement_from"], draft.values["statement_to"] = first, last
            elif qualifier == "439":
                draft.accident_date = first
            elif qualifier in _CLAIM_DATES:
                draft.values[_CLAIM_DATES[qualifier]] = first
            else:
                end = last if date_format == "RD8" else None
                draft.add("other_dates", self.record(segment, ClaimDate, qualifier=qualifier, start=first, end=end))
        elif self.loop == "other_payer" and qualifier == "573" and draft.other_payers:
            draft.other_payers[-1].values["adjudication_date"] = self.date_of(segment, 3, date_format)[0]
        elif self.loop == "line" and qualifier == "472" and draft.lines:
            first, last = self.date_of(segment, 3, date_format)
            draft.lines[-1].values["service_date"] = first
            draft.lines[-1].values["service_date_end"] = last if last != first else None
        elif self.loop == "line_adjudication" and qualifier == "573" and draft.lines:
            draft.lines[-1].adjudications[-1].values["adjudication_date"] = self.date_of(segment, 3, date_format)[0]

    def on_cl1(self, segment: Segment) -> None:
        if self.draft is not None and self.loop == "claim":
            for position, name in ((1, "admission_type"), (2, "admission_source"), (3, "patient_status")):
                if segment[position]:
                    self.draft.values[name] = segment[position]

    def on_hi(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None or self.loop != "claim":
            return
        for position in range(1, len(segment.elements) + 1):
            if segment[position]:
                self.health_code(draft, segment, position)

    def health_code(self, draft: _ClaimDraft, segment: Segment, position: int) -> None:
        """One HI composite: its qualifier (HI0n-1) says which claim field its code goes to."""
        qualifier, code = segment.component(position, 1), segment.component(position, 2)
        poa = segment.component(position, 9) or None
        if not code:
            raise self.fail(segment, f"a {qualifier or 'health care'} code is required", position, 2)
        if qualifier in ("ABK", "ABF"):
            draft.add("diagnoses", self.record(segment, Diagnosis, code=code, present_on_admission=poa))
        elif qualifier in _ICD9_QUALIFIERS:
            diagnosis = self.record(segment, Icd9Diagnosis, role=qualifier, code=code, present_on_admission=poa)
            draft.add("icd9_diagnoses", diagnosis)
        elif qualifier == "ABJ":
            draft.values["admitting_diagnosis"] = code
        elif qualifier == "APR":
            draft.add("reasons_for_visit", code)
        elif qualifier == "ABN":
            draft.add("external_causes", self.record(segment, Diagnosis, code=code, present_on_admission=poa))
        elif qualifier in ("BBR", "BBQ"):
            day = self.date_of(segment, position, segment.component(position, 3), 4)[0]
            procedure = self.record(segment, IcdProcedure, code=code, performed_on=day)
            if qualifier == "BBR":
                draft.values["principal_procedure"] = procedure
            else:
                draft.add("other_procedures", procedure)
        elif qualifier == "BH":
            day = self.date_of(segment, position, segment.component(position, 3), 4)[0]
            draft.add("occurrences", self.record(segment, Occurrence, code=code, occurred_on=day))
        elif qualifier == "BI":
            first, last = self.date_of(segment, position, segment.component(position, 3), 4)
            draft.add("occurrence_spans", self.record(segment, OccurrenceSpan, code=code, start=first, end=last))
        elif qualifier == "BE":
            amount = self.required(money, segment, position, 5, what="value code amount")
            draft.add("value_codes", self.record(segment, ValueCode, code=code, amount=amount))
        elif qualifier == "BG":
            draft.add("condition_codes", code)
        elif qualifier == "DR":
            draft.values["drg"] = code
        elif qualifier in _UNRECORDED_CODES:
            draft.add("unrecorded_codes", (segment, position, qualifier, code))
        else:
            raise self.fail(segment, f"code list qualifier {qualifier!r} is not one revcycle reads", position, 1)

    def on_nte(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None:
            return
        note = self.record(segment, ClaimNote, qualifier=segment[1], text=segment[2])
        if self.loop == "claim":
            draft.add("notes", note)
        elif self.loop == "line" and draft.lines:
            draft.lines[-1].notes.append(note)

    def on_k3(self, segment: Segment) -> None:
        if self.draft is not None and self.loop == "claim":
            self.draft.add("file_information", segment[1])

    def on_amt(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None:
            return
        names = {"D": "paid_amount", "EAF": "remaining_patient_liability", "A8": "non_covered_amount"}
        if self.loop == "other_payer" and draft.other_payers and segment[1] in names:
            draft.other_payers[-1].values[names[segment[1]]] = self.required(money, segment, 2, what="amount")
        elif self.loop == "line_adjudication" and segment[1] == "EAF" and draft.lines:
            amount = self.required(money, segment, 2, what="amount")
            draft.lines[-1].adjudications[-1].values["remaining_patient_liability"] = amount

    def on_cas(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None:
            return
        if self.loop == "other_payer" and draft.other_payers:
            draft.other_payers[-1].adjustments.extend(self.adjustments(segment))
        elif self.loop == "line_adjudication" and draft.lines:
            draft.lines[-1].adjudications[-1].adjustments.extend(self.adjustments(segment))

    def adjustments(self, segment: Segment) -> Iterator[Adjustment]:
        group = segment[1]
        for position in _CAS_TRIPLETS:
            if not segment[position]:
                continue
            amount = self.required(money, segment, position + 1, what="adjustment amount")
            units = self.value(quantity, segment, position + 2, what="adjustment quantity")
            yield self.record(
                segment, Adjustment, group=group, reason_code=segment[position], amount=amount, quantity=units
            )

    def on_oi(self, segment: Segment) -> None:
        draft = self.draft
        if draft is not None and self.loop == "other_payer" and draft.other_payers:
            values = draft.other_payers[-1].values
            if segment[3]:
                values["benefits_assignment"] = segment[3]
            if segment[6]:
                values["release_of_information"] = segment[6]

    # Service lines.

    def on_lx(self, segment: Segment) -> None:
        draft = self.draft
        if draft is None:
            raise self.fail(segment, "a service line (LX) must follow a claim (CLM)")
        line = _LineDraft(segment)
        line.values["line_number"] = self.required(_whole_number, segment, 1, what="line number")
        draft.lines.append(line)
        self.loop = "line"
        self.party = None

    def current_line(self, segment: Segment) -> _LineDraft:
        if self.draft is None or not self.draft.lines or self.loop not in ("line", "line_adjudication"):
            raise self.fail(segment, "must follow a service line number (LX)")
        return self.draft.lines[-1]

    def procedure(self, segment: Segment, position: int, values: dict[str, Any]) -> None:
        """A composite procedure (SV101, SV202, SVD03): qualifier, code and up to four modifiers."""
        qualifier = segment.component(position, 1)
        if qualifier not in ("HC", "HP", "ER", "IV", "WK", "N4"):
            raise self.fail(segment, f"product/service qualifier {qualifier!r} is not one an 837 uses", position, 1)
        values["procedure_code"] = segment.component(position, 2)
        values["modifiers"] = tuple(modifier for modifier in segment.components(position)[2:6] if modifier)

    def on_sv1(self, segment: Segment) -> None:
        line = self.current_line(segment)
        line.service = segment
        values = line.values
        self.procedure(segment, 1, values)
        values["charge"] = self.required(money, segment, 2, what="line charge")
        if segment[3]:
            values["unit_basis"] = segment[3]
        values["units"] = self.required(quantity, segment, 4, what="service units")
        values["place_of_service"] = segment[5] or None
        values["diagnosis_pointers"] = tuple(
            self.required(_whole_number, segment, 7, sub, what="diagnosis pointer")
            for sub in range(1, len(segment.components(7)) + 1)
        )

    def on_sv2(self, segment: Segment) -> None:
        line = self.current_line(segment)
        line.service = segment
        values = line.values
        values["revenue_code"] = segment[1]
        if not segment[2]:
            # ServiceLine needs a CPT/HCPCS code; an institutional line billed by revenue code alone (room and
            # board, supplies) has none, so it is refused by name rather than given a made-up code.
            raise self.fail(segment, "a line billed by revenue code alone (no procedure) has no ServiceLine form", 2)
        self.procedure(segment, 2, values)
        values["charge"] = self.required(money, segment, 3, what="line charge")
        if segment[4]:
            values["unit_basis"] = segment[4]
        values["units"] = self.required(quantity, segment, 5, what="service units")

    def on_lin(self, segment: Segment) -> None:
        line = self.current_line(segment)
        if segment[2] != "N4":
            raise self.fail(segment, f"product id qualifier {segment[2]!r} is not N4 (NDC)", 2)
        line.values["ndc"] = segment[3]

    def on_ctp(self, segment: Segment) -> None:
        line = self.current_line(segment)
        line.values["ndc_quantity"] = self.required(quantity, segment, 4, what="drug quantity")
        line.values["ndc_unit"] = segment.component(5, 1) or None

    def on_svd(self, segment: Segment) -> None:
        line = self.current_line(segment)
        values: dict[str, Any] = {
            "payer_identifier": segment[1],
            "paid": self.required(money, segment, 2, what="paid amount"),
            "units": self.required(quantity, segment, 5, what="paid units"),
            "revenue_code": segment[4] or None,
        }
        if segment[3]:
            procedure: dict[str, Any] = {}
            self.procedure(segment, 3, procedure)
            if segment.component(3, 1) == "HC":
                values.update(procedure)
        if segment[6]:
            values["bundled_line_number"] = self.required(_whole_number, segment, 6, what="bundled line number")
        line.adjudications.append(_AdjudicationDraft(segment, values))
        self.loop = "line_adjudication"
        self.party = None

    # Making the records.

    def finish_claim(self) -> Claim837:
        draft = self.draft
        assert draft is not None  # read_837 calls this only with a claim open
        self.draft = None
        self.loop = "done"
        return _ClaimBuilder(self, draft).build()


class _ClaimBuilder:
    """Turns one claim draft and its HL ancestors into records with derived ids."""

    def __init__(self, reader: _Reader, draft: _ClaimDraft) -> None:
        self.reader = reader
        self.draft = draft
        self.providers: dict[str, Provider] = {}
        self.problems: list[str] = []

    def build(self) -> Claim837:
        reader, draft = self.reader, self.draft
        subscriber_loop = draft.subscriber
        billing_loop = subscriber_loop.billing
        sbr = subscriber_loop.sbr
        if billing_loop.provider is None:
            raise reader.fail(draft.clm, "the claim's billing provider HL has no billing provider (NM1*85)")
        billing_id = self.provider(billing_loop.provider, billing_loop.taxonomy, required=True)
        assert billing_id is not None
        payer = self.payer(subscriber_loop.payer, sbr, draft.clm)
        patient, coverage = self.patient_and_coverage(payer)
        other_coverages: list[Coverage] = []
        other_payer_records: list[Payer] = []
        other_payers: list[OtherPayer] = []
        for other in draft.other_payers:
            record, other_coverage, other_payer = self.other_payer(other, patient)
            other_payers.append(record)
            other_payer_records.append(other_payer)
            if other_coverage is not None:
                other_coverages.append(other_coverage)
        values: dict[str, Any] = {"diagnoses": (), **draft.values}
        for name, items in draft.lists.items():
            values[name] = tuple(items)
        for segment, position, qualifier, code in values.pop("unrecorded_codes", ()):
            what = _UNRECORDED_CODES[qualifier]
            self.problems.append(f"{self.where(segment)} HI{position:02d}: {what} {code!r} ({qualifier}) not recorded")
        accident = values.pop("accident", None)
        if accident is not None:
            values["accident"] = reader.record(draft.clm, Accident, **accident, accident_date=draft.accident_date)
        elif draft.accident_date is not None:
            # An accident date without CLM11's causes has no Accident to hold it; it stays a date of the claim.
            accident_date = ClaimDate(qualifier="439", start=draft.accident_date)
            values["other_dates"] = (*values.get("other_dates", ()), accident_date)
        for role, party in draft.providers.items():
            values[role] = self.provider(party, None)
        if billing_loop.pay_to is not None:
            values["pay_to_address"] = self.address(billing_loop.pay_to)
        values["other_payers"] = tuple(other_payers)
        lines = tuple(self.line(line, values) for line in draft.lines)
        claim_key = "~".join((reader.kind, patient.id, coverage.id, billing_id, *draft.texts))
        claim = reader.record(
            draft.clm,
            Claim,
            id=_derived_id("CLM", draft.clm[1], claim_key),
            kind=reader.kind,
            patient_id=patient.id,
            coverage_id=coverage.id,
            billing_provider_id=billing_id,
            lines=lines,
            source=Source(path=reader.path, location=f"segment {draft.clm.index + 1} (CLM)"),
            **values,
        )
        return Claim837(
            claim=claim,
            patient=patient,
            coverages=(coverage, *other_coverages),
            payers=(payer, *other_payer_records),
            providers=tuple(self.providers.values()),
            transaction="837P" if reader.kind is ClaimKind.PROFESSIONAL else "837I",
            version=reader.version or reader.group_version,
            problems=tuple(self.problems),
        )

    def where(self, segment: Segment) -> str:
        return f"segment {segment.index + 1} ({segment.id})"

    def remembered[R](self, key: tuple[str, ...], make: Callable[[], R]) -> R:
        """``make()``, or what it made before for the same key, unless it had problems to report."""
        memo = self.reader.memo
        if key in memo:
            found: R = memo[key]
            return found
        problems = len(self.problems)
        made = make()
        if len(self.problems) == problems:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = made
        return made

    def name(self, party: _Party) -> PersonName:
        nm1 = party.nm1
        return self.reader.record(nm1, PersonName, last=nm1[3], first=nm1[4], middle=nm1[5], suffix=nm1[7])

    def address(self, party: _Party) -> Address | None:
        n3, n4 = party.n3, party.n4
        if n3 is None or n4 is None or (n4[4] and n4[4] != "US"):
            return None
        try:
            return Address(line1=n3[1], line2=n3[2], city=n4[1], state=n4[2], postal_code=n4[3])
        except InvalidRecord as error:
            # An address is never what makes a claim payable or not: one the domain refuses (a 4-digit ZIP code)
            # is left out and said so, rather than refusing the claim.
            self.problems.append(f"{self.where(n4)}: address of {party.nm1[3]!r} not recorded: {error}")
            return None

    def provider(self, party: _Party, taxonomy: str | None, *, required: bool = False) -> str | None:
        """The id of the provider of an NM1 loop, recording the Provider; None when it cannot be one."""
        made = self.remembered(
            ("PRV", party.key, taxonomy or "", str(required)), lambda: self.make_provider(party, taxonomy, required)
        )
        if isinstance(made, Provider):
            self.providers.setdefault(made.id, made)
            return made.id
        return made

    def make_provider(self, party: _Party, taxonomy: str | None, required: bool) -> Provider | str | None:
        nm1 = party.nm1
        npi = nm1[9] if nm1[8] == "XX" else ""
        problem = npi_problem(npi) if npi else "no NPI (NM108 XX)"
        if problem is not None:
            self.problems.append(f"{self.where(nm1)} NM109: provider {nm1[3]!r} not recorded: {problem}")
            if not required:
                return None
            return _derived_id("PRV", npi or nm1[9] or nm1[3], party.key)
        taxonomy = party.taxonomy or taxonomy
        if taxonomy is not None:
            try:
                taxonomy = codes.taxonomy(taxonomy)
            except FieldError as error:
                # Guide examples use codes like 203BA0200N that NUCC never issued: the provider stands without it.
                self.problems.append(f"{self.where(nm1)}: taxonomy of provider {nm1[3]!r} not recorded: {error}")
                taxonomy = None
        return self.reader.record(
            nm1,
            Provider,
            id=_derived_id("PRV", npi, f"{party.key}~{taxonomy}"),
            kind=nm1[2],
            npi=npi,
            name=nm1[3],
            first_name=nm1[4],
            taxonomy=taxonomy,
            tax_id=party.tax_id,
            address=self.address(party),
        )

    def payer(self, party: _Party | None, sbr: Segment, at: Segment) -> Payer:
        if party is None:
            raise self.reader.fail(at, "the claim's subscriber has no payer (NM1*PR)")
        return self.remembered(("PAY", party.key, sbr[9]), lambda: self.make_payer(party, sbr))

    def make_payer(self, party: _Party, sbr: Segment) -> Payer:
        nm1 = party.nm1
        return self.reader.record(
            nm1,
            Payer,
            id=_derived_id("PAY", nm1[9], f"{party.key}~{sbr[9]}"),
            name=nm1[3],
            payer_identifier=nm1[9],
            # SBR09 is situational since the national plan id; without it the plan's kind is mutually defined.
            claim_filing_indicator=sbr[9] or ClaimFilingIndicator.MUTUALLY_DEFINED,
            address=self.address(party),
        )

    def person(self, party: _Party, what: str) -> tuple[PersonName, date, str]:
        if party.birth_date is None:
            raise self.reader.fail(party.nm1, f"the {what} has no birth date (DMG)")
        return self.name(party), party.birth_date, party.sex or "U"

    def patient_and_coverage(self, payer: Payer) -> tuple[Patient, Coverage]:
        draft = self.draft
        subscriber_loop, patient_loop = draft.subscriber, draft.patient
        key = (
            "PAT",
            payer.id,
            subscriber_loop.sbr.text(),
            subscriber_loop.subscriber.key if subscriber_loop.subscriber else "",
            patient_loop.pat.text() if patient_loop else "",
            patient_loop.patient.key if patient_loop and patient_loop.patient else "",
        )
        return self.remembered(key, lambda: self.make_patient_and_coverage(payer, key))

    def make_patient_and_coverage(self, payer: Payer, key: tuple[str, ...]) -> tuple[Patient, Coverage]:
        reader, draft = self.reader, self.draft
        subscriber_loop, patient_loop = draft.subscriber, draft.patient
        sbr = subscriber_loop.sbr
        subscriber = subscriber_loop.subscriber
        if subscriber is None:
            raise reader.fail(draft.clm, "the claim's subscriber HL has no subscriber (NM1*IL)")
        member_id = subscriber.identifier
        if not member_id:
            raise reader.fail(subscriber.nm1, "the subscriber's member id is required", 9)
        if patient_loop is None:
            if sbr[2] and sbr[2] != Relationship.SELF:
                raise reader.fail(sbr, "a claim under the subscriber's HL needs the subscriber to be the patient", 2)
            patient_party, relationship, insured = subscriber, str(Relationship.SELF), None
        else:
            if patient_loop.patient is None:
                raise reader.fail(draft.clm, "the claim's patient HL has no patient (NM1*QC)")
            patient_party, relationship = patient_loop.patient, patient_loop.pat[1]
            insured = reader.record(
                subscriber.nm1,
                Subscriber,
                name=self.name(subscriber),
                birth_date=subscriber.birth_date,
                sex=subscriber.sex or "U",
                address=self.address(subscriber),
            )
        name, birth_date, sex = self.person(patient_party, "patient")
        patient = reader.record(
            patient_party.nm1,
            Patient,
            id=_derived_id("PAT", member_id, patient_party.key),
            name=name,
            birth_date=birth_date,
            sex=sex,
            address=self.address(patient_party),
        )
        order = _ORDERS.get(sbr[1])
        if order is None:
            raise reader.fail(sbr, f"payer responsibility {sbr[1]!r} is not P, S or T: no coverage order holds it", 1)
        coverage = reader.record(
            sbr,
            Coverage,
            id=_derived_id("COV", member_id, "~".join(key)),
            patient_id=patient.id,
            payer_id=payer.id,
            order=order,
            member_id=member_id,
            relationship=relationship,
            group_number=sbr[3] or None,
            plan_name=sbr[4] or None,
            subscriber=insured,
        )
        return patient, coverage

    def other_payer(self, other: _OtherPayerDraft, patient: Patient) -> tuple[OtherPayer, Coverage | None, Payer]:
        reader, sbr = self.reader, other.sbr
        if other.subscriber is None or other.payer is None:
            raise reader.fail(sbr, "an other subscriber (loop 2320) needs its subscriber (2330A) and payer (2330B)")
        member_id = other.subscriber.identifier
        relationship = sbr[2] or None
        if relationship is None:
            raise reader.fail(sbr, "the patient's relationship to the other subscriber is required", 2)
        payer = self.payer(other.payer, sbr, sbr)
        record = reader.record(
            sbr,
            OtherPayer,
            responsibility=sbr[1],
            payer_name=other.payer.nm1[3],
            payer_identifier=other.payer.identifier,
            subscriber_name=self.name(other.subscriber),
            member_id=member_id,
            relationship=relationship,
            group_number=sbr[3] or None,
            group_name=sbr[4] or None,
            insurance_type=sbr[5] or None,
            claim_filing_indicator=sbr[9] or None,
            adjustments=tuple(other.adjustments),
            subscriber_address=self.address(other.subscriber),
            payer_address=self.address(other.payer),
            **other.values,
        )
        order = _ORDERS.get(sbr[1])
        if order is None:
            return record, None, payer
        insured = None
        if record.relationship is not Relationship.SELF:
            insured = reader.record(
                other.subscriber.nm1, Subscriber, name=record.subscriber_name, address=record.subscriber_address
            )
        coverage_key = "~".join((patient.id, payer.id, sbr.text(), other.subscriber.key))
        coverage = reader.record(
            sbr,
            Coverage,
            id=_derived_id("COV", member_id, coverage_key),
            patient_id=patient.id,
            payer_id=payer.id,
            order=order,
            member_id=member_id,
            relationship=record.relationship,
            group_number=record.group_number,
            plan_name=record.group_name,
            subscriber=insured,
        )
        return record, coverage, payer

    def line(self, line: _LineDraft, claim_values: dict[str, Any]) -> ServiceLine:
        reader = self.reader
        if line.service is None:
            raise reader.fail(line.lx, f"service line {line.lx[1]} has no SV1 or SV2")
        values = dict(line.values)
        if "service_date" not in values:
            if reader.kind is ClaimKind.INSTITUTIONAL and claim_values.get("statement_from") is not None:
                values["service_date"] = claim_values["statement_from"]
                end = claim_values.get("statement_to")
                values["service_date_end"] = end if end != values["service_date"] else None
            else:
                raise reader.fail(line.lx, f"service line {line.lx[1]} has no date of service (DTP*472)")
        for role, party in line.providers.items():
            values[role] = self.provider(party, None)
        adjudications = tuple(
            reader.record(
                adjudication.svd, LineAdjudication, adjustments=tuple(adjudication.adjustments), **adjudication.values
            )
            for adjudication in line.adjudications
        )
        return reader.record(
            line.service,
            ServiceLine,
            notes=tuple(line.notes),
            references=tuple(line.references),
            adjudications=adjudications,
            **values,
        )


def _taxonomy_or_text(value: object) -> str:
    """PRV03 as read; whether it is a NUCC taxonomy code is judged when the provider record is made."""
    return value if isinstance(value, str) else ""


def _parse_date(text: object) -> date:
    """A CCYYMMDD date."""
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        raise FieldError(f"{text!r} is not a date (CCYYMMDD)")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FieldError(f"{text!r} is not a calendar date") from None


def _whole_number(value: object) -> int:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise FieldError(f"{value!r} is not a whole number")
    return int(value)


def _derived_id(prefix: str, key: str, content: str) -> str:
    """A record id from a readable key and a digest of the text the record was read from."""
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    readable = "".join(character if character.isascii() and character.isalnum() else "-" for character in key)
    identifier = f"{prefix}:{readable[: _MAX_ID - len(prefix) - len(digest) - 2]}:{digest}"
    assert RECORD_ID.fullmatch(identifier)  # the key is reduced to id characters above
    return identifier
