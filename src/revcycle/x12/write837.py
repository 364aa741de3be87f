"""Writing claims as 837P (005010X222A1) and 837I (005010X223A2) interchanges.

One interchange holds a functional group per kind of claim (GS08 names one implementation guide, so professional and
institutional claims cannot share a group) and, in each group, transaction sets of at most
`X12Settings.claims_per_transaction` claims (the guides advise at most 5,000 CLM per transaction set). Inside a set,
claims hang under the hierarchy the guides prescribe: billing provider (HL 20) → subscriber (HL 22) → patient (HL 23,
only when the patient is not the subscriber) → claims (loop 2300), at most 100 claims under one parent HL.

Speed comes from building each segment once as text: a party's segments (billing provider, subscriber and payer,
patient, other providers, other payers) are built the first time it is met and reused for every later claim, and a
claim's own segments are f-strings joined once per file. Counts (SE01, GE01, IEA01) and control numbers are never
typed by hand: `revcycle.x12.writer` counts what was written and `revcycle.x12.control_numbers` hands out numbers
that never repeat.

Text is written in the X12 character set: letters with accents lose them (José → Jose), control characters and the
interchange's separators become spaces, runs of spaces become one. Identifiers are not changed silently: one that
holds a separator or is too short for its element is refused with the claim and field named.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from revcycle.domain import (
    Address,
    Adjustment,
    Claim,
    ClaimKind,
    Coverage,
    Diagnosis,
    LineAdjudication,
    OtherPayer,
    Patient,
    Payer,
    PersonName,
    PresentOnAdmission,
    Provider,
    ProviderKind,
    Relationship,
    ServiceLine,
    UnitBasis,
)
from revcycle.domain.claim import MAX_EXTERNAL_CAUSES, MAX_PROFESSIONAL_DIAGNOSES, MAX_REASONS_FOR_VISIT
from revcycle.domain.claim_details import Icd9Diagnosis, Icd9Role
from revcycle.errors import RevcycleError
from revcycle.x12.control_numbers import ControlNumberSource
from revcycle.x12.guides.registry import external_codes
from revcycle.x12.tokens import Delimiters
from revcycle.x12.writer import STANDARD_DELIMITERS, Envelope, FunctionalGroup, WrittenTransaction, interchange_groups

PROFESSIONAL_VERSION = "005010X222A1"
INSTITUTIONAL_VERSION = "005010X223A2"
# The guides' advice: at most 5,000 claims per transaction set; and at most 100 claims (loop 2300) under one HL.
DEFAULT_CLAIMS_PER_TRANSACTION = 5000
CLAIMS_PER_HL = 100
# ISA05 / ISA07 interchange id qualifiers of 5010.
ID_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})
_ISA_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.")


class X12WriteError(RevcycleError):
    """Claims that cannot be written as an 837: a missing party, a field the guide requires, bad settings.

    Attributes:
        claim_id: the claim that cannot be written, when one is at fault.
        reason: what is wrong, naming the field or loop.
    """

    def __init__(self, reason: str, claim_id: str | None = None) -> None:
        self.claim_id = claim_id
        self.reason = reason
        super().__init__(f"claim {claim_id!r}: {reason}" if claim_id else reason)


class Usage(StrEnum):
    """ISA15, whether the interchange is production data or a test."""

    PRODUCTION = "P"
    TEST = "T"


@dataclass(frozen=True, slots=True, kw_only=True)
class X12Settings:
    """Who sends the claims to whom: the envelope and the submitter and receiver loops of every 837 written.

    Attributes:
        sender_id: ISA06, the submitter's interchange id given by the receiver (at most 15 characters).
        receiver_id: ISA08, the receiver's (clearinghouse or payer) interchange id.
        submitter_name: NM103 of loop 1000A, the organisation that submits.
        contact_name: PER02 of loop 1000A, the person the receiver calls about the file.
        receiver_name: NM103 of loop 1000B.
        contact_phone: PER04 (TE) of loop 1000A, ten digits; a phone or an email is required.
        contact_email: PER (EM) of loop 1000A.
        sender_qualifier: ISA05, ``ZZ`` mutually defined, ``30`` federal tax id, ...
        receiver_qualifier: ISA07.
        submitter_id: NM109 of loop 1000A, the submitter's id with the receiver; the sender id when empty.
        receiver_identifier: NM109 of loop 1000B; the receiver id when empty.
        application_sender: GS02; the sender id when empty.
        application_receiver: GS03; the receiver id when empty.
        usage: ISA15, production (``P``) or test (``T``).
        acknowledgment_requested: ISA14, whether a TA1 is asked for.
        delimiters: the separators to write with.
        newline: a line break after each segment terminator (readable; every reader tolerates it).
        claims_per_transaction: at most this many claims per transaction set.
    """

    sender_id: str
    receiver_id: str
    submitter_name: str
    contact_name: str
    receiver_name: str
    contact_phone: str | None = None
    contact_email: str | None = None
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    submitter_id: str = ""
    receiver_identifier: str = ""
    application_sender: str = ""
    application_receiver: str = ""
    usage: Usage = Usage.PRODUCTION
    acknowledgment_requested: bool = False
    delimiters: Delimiters = STANDARD_DELIMITERS
    newline: bool = True
    claims_per_transaction: int = DEFAULT_CLAIMS_PER_TRANSACTION

    def __post_init__(self) -> None:
        for name in ("sender_id", "receiver_id"):
            value = getattr(self, name)
            # GS02/GS03 and the NM109 of loops 1000A/1000B repeat the id and need at least two characters.
            if not isinstance(value, str) or not 2 <= len(value.strip()) <= 15 or set(value) - _ISA_ID_CHARACTERS:
                raise X12WriteError(f"settings.{name}: {value!r} is not an interchange id (2-15 letters or digits)")
        for name in ("sender_qualifier", "receiver_qualifier"):
            if getattr(self, name) not in ID_QUALIFIERS:
                choices = ", ".join(sorted(ID_QUALIFIERS))
                raise X12WriteError(f"settings.{name}: {getattr(self, name)!r} is not one of {choices}")
        for name in ("submitter_name", "contact_name", "receiver_name"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or len(value) > 60:
                raise X12WriteError(f"settings.{name}: give a name of 1-60 characters")
        if self.contact_phone is None and self.contact_email is None:
            raise X12WriteError("settings: loop 1000A needs a contact phone or email (PER)")
        if self.contact_phone is not None and not (self.contact_phone.isascii() and self.contact_phone.isdigit()):
            raise X12WriteError(f"settings.contact_phone: {self.contact_phone!r} is not a phone number (digits only)")
        try:
            object.__setattr__(self, "usage", Usage(self.usage))
        except ValueError:
            raise X12WriteError(f"settings.usage: {self.usage!r} is not P (production) or T (test)") from None
        if not isinstance(self.claims_per_transaction, int) or not 1 <= self.claims_per_transaction <= 100_000:
            raise X12WriteError("settings.claims_per_transaction: give a number from 1 to 100000")
        delimiters = self.delimiters
        separators = [delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition]
        present = [separator for separator in separators if separator is not None]
        if any(len(separator) != 1 or separator.isalnum() for separator in present) or len(set(present)) != len(
            present
        ):
            raise X12WriteError("settings.delimiters: four different single characters that are not letters or digits")


@dataclass(frozen=True, slots=True)
class Parties:
    """The records the claims refer to, by id.

    Attributes:
        patients: patients by id.
        coverages: coverages by id; a patient's other coverages become the other payers (loop 2320) of a claim.
        payers: payers by id.
        providers: billing, rendering, referring, attending and facility providers by id.
    """

    patients: Mapping[str, Patient]
    coverages: Mapping[str, Coverage]
    payers: Mapping[str, Payer]
    providers: Mapping[str, Provider]
    _by_patient: dict[str, list[Coverage]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for coverage in self.coverages.values():
            self._by_patient.setdefault(coverage.patient_id, []).append(coverage)

    @classmethod
    def of(
        cls,
        patients: Iterable[Patient] = (),
        coverages: Iterable[Coverage] = (),
        payers: Iterable[Payer] = (),
        providers: Iterable[Provider] = (),
    ) -> Parties:
        """The parties of lists of records (a dataset's ``patients``, ``coverages``, ``payers``, ``providers``)."""
        return cls(
            {record.id: record for record in patients},
            {record.id: record for record in coverages},
            {record.id: record for record in payers},
            {record.id: record for record in providers},
        )

    def coverages_of(self, patient_id: str) -> Sequence[Coverage]:
        """Every coverage of a patient, in the order given."""
        return self._by_patient.get(patient_id, ())


def write_837(
    claims: Iterable[Claim],
    parties: Parties,
    settings: X12Settings,
    control_numbers: ControlNumberSource,
    *,
    created: datetime | None = None,
) -> str:
    """One interchange holding every claim: an 837P group for professional claims, an 837I group for institutional.

    Every claim is checked against the parties before a control number is reserved, so bad input uses up no
    numbers.

    Args:
        claims: the claims to send, in the order they should appear (grouped by billing provider, subscriber and
            patient as the hierarchy needs).
        parties: the patients, coverages, payers and providers the claims refer to.
        settings: the sender, receiver and submitter.
        control_numbers: where ISA13, GS06 and ST02 come from; `DatabaseControlNumbers` for files that are sent.
        created: the date and time written in ISA, GS and BHT; now when None.

    Returns:
        The interchange as X12 text.

    Raises:
        X12WriteError: no claims, a party that is missing or lacks what the guide requires (a billing provider's
            address or tax id, a patient's address), or a field the guide cannot carry.
        revcycle.errors.DatabaseError: the control numbers cannot be reserved.
    """
    when = created or datetime.now().replace(second=0, microsecond=0)
    return _write(claims, parties, settings, control_numbers, when)


def _write(
    claims: Iterable[Claim],
    parties: Parties,
    settings: X12Settings,
    control_numbers: ControlNumberSource,
    when: datetime,
) -> str:
    builder = _Builder(parties, settings, when)
    by_kind: dict[ClaimKind, list[Claim]] = {ClaimKind.PROFESSIONAL: [], ClaimKind.INSTITUTIONAL: []}
    for claim in claims:
        by_kind[claim.kind].append(claim)
    if not by_kind[ClaimKind.PROFESSIONAL] and not by_kind[ClaimKind.INSTITUTIONAL]:
        raise X12WriteError("no claims to write")
    size = settings.claims_per_transaction
    bodies: list[tuple[str, list[list[str]]]] = []
    for kind, version in (
        (ClaimKind.PROFESSIONAL, PROFESSIONAL_VERSION),
        (ClaimKind.INSTITUTIONAL, INSTITUTIONAL_VERSION),
    ):
        batch = by_kind[kind]
        if batch:
            bodies.append(
                (version, [builder.body(batch[start : start + size]) for start in range(0, len(batch), size)])
            )
    numbers = control_numbers.reserve(
        settings.sender_id.strip(), len(bodies), sum(len(transactions) for _, transactions in bodies)
    )
    envelope = Envelope(
        sender_id=settings.sender_id,
        receiver_id=settings.receiver_id,
        interchange_control_number=numbers.interchange,
        group_control_number=numbers.groups[0],
        functional_identifier="HC",
        sender_qualifier=settings.sender_qualifier,
        receiver_qualifier=settings.receiver_qualifier,
        application_sender=settings.application_sender,
        application_receiver=settings.application_receiver,
        usage=settings.usage.value,
        created=when,
        acknowledgment_requested=settings.acknowledgment_requested,
        delimiters=settings.delimiters,
    )
    transaction_numbers = iter(numbers.transactions)
    groups = []
    for (version, transactions), group_number in zip(bodies, numbers.groups, strict=True):
        written = []
        for body in transactions:
            control = f"{next(transaction_numbers):04d}"
            # BHT03, the originator's reference, is echoed back in the 277CA: ISA13 and ST02 make it unique.
            bht = builder.bht(f"{numbers.interchange}{control}")
            body[0] = bht
            written.append(WrittenTransaction("837", control, version, body))
        groups.append(FunctionalGroup(version, group_number, written))
    return interchange_groups(envelope, groups, newline=settings.newline)


_DATE_CACHE: dict[date, str] = {}


def _d8(day: date) -> str:
    text = _DATE_CACHE.get(day)
    if text is None:
        text = day.isoformat().replace("-", "")
        if len(_DATE_CACHE) < 100_000:
            _DATE_CACHE[day] = text
    return text


def _amount(value: Decimal) -> str:
    # Records hold money quantized to cents and quantities normalised (`revcycle.domain.money`), so str() is plain
    # decimal notation, never an exponent, and more than twice as fast as format().
    return str(value)


# N402 takes the code list the guides name (US states, territories, military posts, Canadian provinces); records
# accept any two letters.
_STATES = external_codes("states") or frozenset()
_COUNTRIES = external_codes("country") or frozenset()
_BASIS = {basis: basis.value for basis in UnitBasis}


# DTP and REF of loop 2300 and 2400 in the order the guides list them; pyx12 and strict receivers read them so.
_PROFESSIONAL_CLAIM_DATES = [
    "431",
    "454",
    "304",
    "453",
    "439",
    "484",
    "455",
    "471",
    "314",
    "360",
    "361",
    "297",
    "296",
    "435",
    "096",
    "090",
    "091",
    "444",
    "050",
]
_INSTITUTIONAL_CLAIM_DATES = ("096", "434", "435", "050")
_PROFESSIONAL_CLAIM_REFERENCES = ["4N", "F5", "EW", "9F", "G1", "F8", "X4", "9A", "9C", "LX", "D9", "EA", "P4", "1J"]
_INSTITUTIONAL_CLAIM_REFERENCES = ["4N", "9F", "G1", "F8", "9A", "9C", "LX", "D9", "LU", "EA", "P4", "G4"]
_PROFESSIONAL_LINE_REFERENCES = ["9B", "9D", "G1", "6R", "EW", "X4", "F4", "BT", "9F"]
_INSTITUTIONAL_LINE_REFERENCES = ["6R", "9B", "9D"]
# Claim fields only one of the two guides carries.
_INSTITUTIONAL_ONLY = (
    "admitting_diagnosis",
    "reasons_for_visit",
    "principal_procedure",
    "other_procedures",
    "occurrences",
    "occurrence_spans",
    "value_codes",
    "drg",
    "admission_type",
    "admission_source",
    "patient_status",
    "attending_provider_id",
    "operating_provider_id",
    "other_operating_provider_id",
)
# NTE01 of the 837I's Claim Note (X223A2 loop 2300); its Billing Note is ADD.
_INSTITUTIONAL_CLAIM_NOTES = frozenset(
    {"ALG", "DCP", "DGN", "DME", "MED", "NTR", "ODT", "RHB", "RLH", "RNH", "SET", "SFM", "SPT", "UPI"}
)
# CLM11-1/-2 of the 837P (X222A1) list these related causes; abuse (AB) and another party (AP) are 837I occurrence
# matters, not CLM11 codes.
_PROFESSIONAL_ACCIDENT_CAUSES = frozenset({"AA", "EM", "OA"})
# An 837I reports an accident with occurrence codes (01-06) and their dates, not CLM11 and DTP*439.
_PROFESSIONAL_ONLY = (
    "supervising_provider_id",
    "onset_date",
    "initial_treatment_date",
    "last_seen_date",
    "discharge_date",
    "accident",
)
_PROFESSIONAL_NOTES = frozenset({"ADD", "CER", "DCP", "DGN", "TPO"})


class _Builder:
    """Builds transaction set bodies; caches every party's segments for the life of one `write_837` call."""

    def __init__(self, parties: Parties, settings: X12Settings, created: datetime) -> None:
        self.parties = parties
        self.settings = settings
        self.created = created
        delimiters = settings.delimiters
        self.e = delimiters.element
        self.c = delimiters.component
        forbidden = {delimiters.element, delimiters.component, delimiters.segment}
        if delimiters.repetition:
            forbidden.add(delimiters.repetition)
        self.forbidden = frozenset(forbidden)
        self._clean_table = str.maketrans(dict.fromkeys(forbidden, " ") | {chr(n): " " for n in (*range(32), 127)})
        separators = "".join(re.escape(character) for character in sorted(forbidden))
        self._separator = re.compile(f"[{separators}]")
        self._unclean = re.compile(f"[\\x00-\\x1f\\x7f{separators}]|  |^ | $")
        # Ids repeat from claim to claim (member ids, payer ids): each is checked once.
        self._identifiers: set[str] = set()
        self._pointers: dict[tuple[int, ...], str] = {}
        self._service_dates: dict[tuple[date, date | None], str] = {}
        self._header: list[str] | None = None
        # Where a claim hangs in the hierarchy: its billing provider, subscriber and patient blocks.
        self._places: dict[tuple[object, ...], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None]] = {}
        self._billing: dict[tuple[str, ClaimKind, Address | None], tuple[str, ...]] = {}
        self._subscriber: dict[str, tuple[str, ...]] = {}
        self._patient: dict[str, tuple[str, ...]] = {}
        self._providers: dict[tuple[str, str, ClaimKind], tuple[str, ...]] = {}
        self._other_payers: dict[tuple[object, ...], tuple[str, ...]] = {}

    # Text

    def text(self, value: str) -> str:
        """Free text in the X12 character set, without separators."""
        # Nearly all text is already plain: one regex search proves it, cheaper than cleaning or a cache.
        if not value or (value.isascii() and self._unclean.search(value) is None):
            return value
        return self._clean(value)

    def required(self, value: str, what: str, claim: Claim) -> str:
        """Free text that must not come out empty."""
        cleaned = self.text(value)
        if not cleaned:
            raise X12WriteError(f"{what} {value!r} has no characters X12 can carry", claim.id)
        return cleaned

    def _clean(self, value: str) -> str:
        if not value.isascii():
            value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
        value = value.translate(self._clean_table)
        if "  " in value or value[:1] == " " or value[-1:] == " ":
            value = " ".join(value.split())
        return value

    def identifier(self, value: str, what: str, claim: Claim, minimum: int = 1) -> str:
        """An id written as given: refused, never altered, when the guide or the separators cannot carry it."""
        if value in self._identifiers:
            return value
        if not value.isascii() or self._separator.search(value):
            raise X12WriteError(f"{what} {value!r} holds a character X12 cannot carry here", claim.id)
        if len(value) < minimum:
            raise X12WriteError(f"{what} {value!r} is shorter than the {minimum} characters X12 needs", claim.id)
        if minimum > 1:
            self._identifiers.add(value)
        return value

    def seg(self, *elements: str) -> str:
        """A segment from its id and elements; trailing empty elements dropped."""
        return self.e.join(elements).rstrip(self.e)

    def composite(self, *components: str) -> str:
        """A composite element; trailing empty components dropped."""
        return self.c.join(components).rstrip(self.c)

    # Header

    def bht(self, reference: str) -> str:
        """BHT, which opens every transaction set body."""
        when = self.created
        return self.seg("BHT", "0019", "00", reference, _d8(when.date()), when.strftime("%H%M"), "CH")

    def header(self) -> list[str]:
        """BHT (a placeholder filled in once ST02 is known) and loops 1000A and 1000B."""
        if self._header is None:
            settings = self.settings
            contact = ["PER", "IC", self.text(settings.contact_name)]
            if settings.contact_phone:
                contact += ["TE", settings.contact_phone]
            if settings.contact_email:
                contact += ["EM", self.text(settings.contact_email)]
            self._header = [
                "",
                self.seg(
                    "NM1",
                    "41",
                    "2",
                    self.text(settings.submitter_name),
                    "",
                    "",
                    "",
                    "",
                    "46",
                    settings.submitter_id or settings.sender_id.strip(),
                ),
                self.seg(*contact),
                self.seg(
                    "NM1",
                    "40",
                    "2",
                    self.text(settings.receiver_name),
                    "",
                    "",
                    "",
                    "",
                    "46",
                    settings.receiver_identifier or settings.receiver_id.strip(),
                ),
            ]
        return list(self._header)

    # Parties

    def address(self, address: Address, claim: Claim) -> tuple[str, str]:
        """N3 and N4."""
        e, text = self.e, self.text
        line1, line2, city = text(address.line1), text(address.line2), text(address.city)
        if not line1 or len(city) < 2:
            raise X12WriteError(
                f"address {address.line1!r}, {address.city!r} has no street or city X12 can carry", claim.id
            )
        if address.state not in _STATES:
            raise X12WriteError(f"{address.state!r} is not a US state or territory code (N402)", claim.id)
        n3 = f"N3{e}{line1}{e}{line2}" if line2 else f"N3{e}{line1}"
        return n3, f"N4{e}{city}{e}{address.state}{e}{address.postal_code}"

    def person(self, claim: Claim, entity: str, name: PersonName, *ids: str) -> str:
        """NM1 of a person."""
        e, text = self.e, self.text
        if not text(name.last):
            raise X12WriteError(f"the name {name.last!r} has no letters X12 can carry (NM103)", claim.id)
        nm1 = (
            f"NM1{e}{entity}{e}1{e}{text(name.last)}{e}{text(name.first)}{e}{text(name.middle)}{e}{e}"
            f"{text(name.suffix)}"
        )
        if ids:
            return e.join((nm1, *ids))
        return nm1.rstrip(e)

    def provider(self, claim: Claim, provider_id: str, role: str) -> Provider:
        """The provider ``provider_id`` of ``claim``, which must exist."""
        provider = self.parties.providers.get(provider_id)
        if provider is None:
            raise X12WriteError(f"{role} provider {provider_id!r} is not among the providers given", claim.id)
        return provider

    def billing(self, claim: Claim) -> tuple[str, ...]:
        """Loop 2000A without its HL: PRV, 2010AA and 2010AB."""
        key = (claim.billing_provider_id, claim.kind, claim.pay_to_address)
        found = self._billing.get(key)
        if found is not None:
            return found
        provider = self.provider(claim, claim.billing_provider_id, "billing")
        if provider.address is None:
            raise X12WriteError(f"billing provider {provider.id!r} has no address (loop 2010AA N3/N4)", claim.id)
        if len(provider.address.postal_code) != 9:
            raise X12WriteError(f"billing provider {provider.id!r} needs a 9-digit ZIP code (N403)", claim.id)
        if provider.tax_id is None:
            raise X12WriteError(f"billing provider {provider.id!r} has no tax id (loop 2010AA REF*EI)", claim.id)
        if claim.kind is ClaimKind.INSTITUTIONAL and provider.kind is not ProviderKind.ORGANIZATION:
            raise X12WriteError(f"billing provider {provider.id!r} of an 837I must be an organisation", claim.id)
        segments = []
        if provider.taxonomy:
            segments.append(self.seg("PRV", "BI", "PXC", provider.taxonomy))
        segments.append(self.provider_name("85", provider))
        segments.extend(self.address(provider.address, claim))
        segments.append(self.seg("REF", "EI", provider.tax_id))
        if claim.pay_to_address is not None:
            segments.append(self.seg("NM1", "87", "2"))
            segments.extend(self.address(claim.pay_to_address, claim))
        found = self._billing[key] = tuple(segments)
        return found

    def provider_name(self, entity: str, provider: Provider) -> str:
        """NM1 of a provider with its NPI."""
        name = self.text(provider.name)
        if not name:
            raise X12WriteError(
                f"provider {provider.id!r}: the name {provider.name!r} has no characters X12 can carry (NM103)"
            )
        if provider.kind is ProviderKind.ORGANIZATION:
            return self.seg("NM1", entity, "2", name, "", "", "", "", "XX", provider.npi)
        return self.seg(
            "NM1",
            entity,
            "1",
            name,
            self.text(provider.first_name),
            "",
            "",
            "",
            "XX",
            provider.npi,
        )

    def coverage(self, claim: Claim) -> tuple[Coverage, Payer, Patient]:
        """The claim's coverage, its payer and the patient, which must exist and agree."""
        parties = self.parties
        coverage = parties.coverages.get(claim.coverage_id)
        if coverage is None:
            raise X12WriteError(f"coverage {claim.coverage_id!r} is not among the coverages given", claim.id)
        if coverage.patient_id != claim.patient_id:
            raise X12WriteError(
                f"coverage {coverage.id!r} covers patient {coverage.patient_id!r}, not {claim.patient_id!r}", claim.id
            )
        payer = parties.payers.get(coverage.payer_id)
        if payer is None:
            raise X12WriteError(f"payer {coverage.payer_id!r} is not among the payers given", claim.id)
        patient = parties.patients.get(claim.patient_id)
        if patient is None:
            raise X12WriteError(f"patient {claim.patient_id!r} is not among the patients given", claim.id)
        return coverage, payer, patient

    def subscriber(self, claim: Claim, coverage: Coverage, payer: Payer, patient: Patient) -> tuple[str, ...]:
        """Loop 2000B without its HL: SBR, 2010BA and 2010BB."""
        # The same segments in an 837P and an 837I.
        key = coverage.id
        found = self._subscriber.get(key)
        if found is not None:
            return found
        self_pays = coverage.relationship is Relationship.SELF
        sbr = [
            "SBR",
            coverage.order.value,
            "18" if self_pays else "",
            self.text(coverage.group_number or ""),
            "" if coverage.group_number else self.text(coverage.plan_name or ""),
        ]
        sbr += ["", "", "", "", payer.claim_filing_indicator.value]
        member = self.identifier(coverage.member_id, "member id (NM109 of loop 2010BA)", claim, minimum=2)
        segments = [self.seg(*sbr)]
        if self_pays:
            segments.append(self.person(claim, "IL", patient.name, "MI", member))
            if patient.address is None:
                raise X12WriteError(
                    f"patient {patient.id!r} is the subscriber and has no address (loop 2010BA N3/N4)", claim.id
                )
            segments.extend(self.address(patient.address, claim))
            segments.append(self.seg("DMG", "D8", _d8(patient.birth_date), patient.sex.value))
        else:
            insured = coverage.subscriber
            assert insured is not None  # a Coverage that is not SELF always names its subscriber
            segments.append(self.person(claim, "IL", insured.name, "MI", member))
            if insured.address is not None:
                segments.extend(self.address(insured.address, claim))
            if insured.birth_date is not None:
                segments.append(self.seg("DMG", "D8", _d8(insured.birth_date), insured.sex.value))
        segments.append(self.payer_name(claim, payer))
        if payer.address is not None:
            segments.extend(self.address(payer.address, claim))
        found = self._subscriber[key] = tuple(segments)
        return found

    def payer_name(self, claim: Claim, payer: Payer) -> str:
        """NM1*PR of a payer."""
        identifier = self.identifier(payer.payer_identifier, "payer id (NM109 of loop 2010BB)", claim, minimum=2)
        return self.seg("NM1", "PR", "2", self.text(payer.name), "", "", "", "", "PI", identifier)

    def patient(self, claim: Claim, coverage: Coverage, patient: Patient) -> tuple[str, ...]:
        """Loop 2000C without its HL: PAT and 2010CA."""
        # The same segments in an 837P and an 837I.
        key = coverage.id
        found = self._patient.get(key)
        if found is not None:
            return found
        if patient.address is None:
            raise X12WriteError(f"patient {patient.id!r} has no address (loop 2010CA N3/N4)", claim.id)
        segments = [
            self.seg("PAT", coverage.relationship.value),
            self.person(claim, "QC", patient.name),
            *self.address(patient.address, claim),
            self.seg("DMG", "D8", _d8(patient.birth_date), patient.sex.value),
        ]
        found = self._patient[key] = tuple(segments)
        return found

    def named_provider(
        self, claim: Claim, provider_id: str, entity: str, role: str, *, person: bool
    ) -> tuple[str, ...]:
        """A provider loop of 2310 or 2420: NM1 (and PRV for rendering and attending, N3/N4 for a facility)."""
        key = (provider_id, entity, claim.kind)
        found = self._providers.get(key)
        if found is not None:
            return found
        provider = self.provider(claim, provider_id, role)
        if person and provider.kind is not ProviderKind.INDIVIDUAL:
            raise X12WriteError(f"{role} provider {provider.id!r} must be a person (NM102 1)", claim.id)
        segments = [self.provider_name(entity, provider)]
        if entity == "77":
            if provider.kind is not ProviderKind.ORGANIZATION:
                raise X12WriteError(f"service facility {provider.id!r} must be an organisation", claim.id)
            if provider.address is None:
                raise X12WriteError(f"service facility {provider.id!r} has no address (N3/N4)", claim.id)
            segments.extend(self.address(provider.address, claim))
        elif provider.taxonomy and (
            (entity == "82" and claim.kind is ClaimKind.PROFESSIONAL and role == "rendering") or entity == "71"
        ):
            segments.append(self.seg("PRV", "PE" if entity == "82" else "AT", "PXC", provider.taxonomy))
        found = self._providers[key] = tuple(segments)
        return found

    # Transaction set body

    def body(self, claims: Sequence[Claim]) -> list[str]:
        """The segments between ST and SE of one transaction set (the first, BHT, left for the caller)."""
        # Billing provider → subscriber block → patient block (None: the subscriber is the patient) → claims.
        tree: dict[tuple[str, ...], dict[tuple[str, ...], dict[tuple[str, ...] | None, list[Claim]]]] = {}
        places = self._places
        for claim in claims:
            key = (claim.coverage_id, claim.patient_id, claim.billing_provider_id, claim.kind, claim.pay_to_address)
            place = places.get(key)
            if place is None:
                coverage, payer, patient = self.coverage(claim)
                dependent = None
                if coverage.relationship is not Relationship.SELF:
                    dependent = self.patient(claim, coverage, patient)
                place = places[key] = (self.billing(claim), self.subscriber(claim, coverage, payer, patient), dependent)
            billing, subscriber, dependent = place
            subscribers = tree.get(billing)
            if subscribers is None:
                subscribers = tree[billing] = {}
            patients = subscribers.get(subscriber)
            if patients is None:
                patients = subscribers[subscriber] = {}
            batch = patients.get(dependent)
            if batch is None:
                patients[dependent] = [claim]
            else:
                batch.append(claim)
        out = self.header()
        e = self.e
        number = 0
        for billing, subscribers in tree.items():
            number += 1
            billing_number = number
            out.append(f"HL{e}{number}{e}{e}20{e}1")
            out.extend(billing)
            for subscriber, patients in subscribers.items():
                # Claims of a subscriber who is the patient hang under HL 22, at most 100 to an HL; dependents of
                # one subscriber share one HL 22, each with its own HL 23 (at most 100 claims to each).
                subscriber_number = 0
                for dependent, batch in patients.items():
                    for start in range(0, len(batch), CLAIMS_PER_HL):
                        number += 1
                        if dependent is None:
                            out.append(f"HL{e}{number}{e}{billing_number}{e}22{e}0")
                            out.extend(subscriber)
                        else:
                            if not subscriber_number:
                                subscriber_number = number
                                out.append(f"HL{e}{number}{e}{billing_number}{e}22{e}1")
                                out.extend(subscriber)
                                number += 1
                            out.append(f"HL{e}{number}{e}{subscriber_number}{e}23{e}0")
                            out.extend(dependent)
                        for claim in batch[start : start + CLAIMS_PER_HL]:
                            if claim.kind is ClaimKind.PROFESSIONAL:
                                self.professional(out, claim)
                            else:
                                self.institutional(out, claim)
        return out

    # Loop 2300 and below

    def professional(self, out: list[str], claim: Claim) -> None:
        """Loop 2300 of an 837P and its lines."""
        e, c = self.e, self.c
        if (
            claim.patient_status
            or claim.admission_type
            or claim.admission_source
            or claim.admitting_diagnosis
            or claim.reasons_for_visit
            or claim.principal_procedure
            or claim.other_procedures
            or claim.occurrences
            or claim.occurrence_spans
            or claim.value_codes
            or claim.drg
            or claim.attending_provider_id
            or claim.operating_provider_id
            or claim.other_operating_provider_id
        ):
            self.refuse_fields(claim, _INSTITUTIONAL_ONLY, "an 837P")
        control = self.identifier(claim.patient_control_number, "patient control number (CLM01)", claim)
        signature = "Y" if claim.provider_signature else "N"
        clm = (
            f"CLM{e}{control}{e}{claim.total_charge}{e}{e}{e}{claim.place_of_service}{c}B{c}{claim.frequency}{e}"
            f"{signature}{e}{claim.assignment}{e}{claim.benefits_assignment}{e}{claim.release_of_information}"
        )
        accident = claim.accident
        if accident is None and not claim.delay_reason_code:
            out.append(clm)
        else:
            self.clm_accident(out, claim, clm)
        if (
            claim.onset_date
            or claim.initial_treatment_date
            or claim.last_seen_date
            or accident
            or claim.admission_date
            or claim.discharge_date
            or claim.other_dates
        ):
            self.professional_dates(out, claim)
        if (
            claim.referral_number
            or claim.prior_authorization
            or claim.original_claim_reference
            or claim.medical_record_number
            or claim.other_references
        ):
            self.claim_references(out, claim, _PROFESSIONAL_CLAIM_REFERENCES)
        self.professional_rest(out, claim)

    @staticmethod
    def refuse_fields(claim: Claim, fields: tuple[str, ...], transaction: str) -> None:
        """Refuse data the claim's 837 has no place for, rather than drop it unseen."""
        for name in fields:
            if getattr(claim, name):
                raise X12WriteError(f"{transaction} has no place for {name} ({claim.kind} claim)", claim.id)

    def clm_accident(self, out: list[str], claim: Claim, clm: str) -> None:
        """CLM of an 837P with its related causes (CLM11) or delay reason (CLM20)."""
        accident = claim.accident
        elements = [clm, ""]
        if accident is not None:
            causes = [cause.value for cause in accident.causes]
            unsupported = [cause for cause in causes if cause not in _PROFESSIONAL_ACCIDENT_CAUSES]
            if unsupported:
                raise X12WriteError(
                    f"related cause {unsupported[0]!r} is not one an 837P carries in CLM11 (AA auto accident, "
                    "EM employment, OA other accident)",
                    claim.id,
                )
            if len(causes) > 2:
                raise X12WriteError("an 837P carries at most two accident causes (CLM11-1, CLM11-2)", claim.id)
            second = causes[1] if len(causes) > 1 else ""
            if accident.state is not None and accident.state not in _STATES:
                raise X12WriteError(f"accident state {accident.state!r} is not a US state code (CLM11-4)", claim.id)
            if accident.country is not None and accident.country not in _COUNTRIES:
                raise X12WriteError(f"accident country {accident.country!r} is not a country code (CLM11-5)", claim.id)
            elements.append(self.composite(causes[0], second, "", accident.state or "", accident.country or ""))
        else:
            elements.append("")
        if claim.delay_reason_code:
            elements += ["", "", "", "", "", "", "", "", claim.delay_reason_code]
        out.append(self.seg(*elements))

    def professional_dates(self, out: list[str], claim: Claim) -> None:
        """DTP of loop 2300 of an 837P."""
        accident = claim.accident
        dates: list[tuple[str, str, str]] = []
        if claim.onset_date:
            dates.append(("431", "D8", _d8(claim.onset_date)))
        if claim.initial_treatment_date:
            dates.append(("454", "D8", _d8(claim.initial_treatment_date)))
        if claim.last_seen_date:
            dates.append(("304", "D8", _d8(claim.last_seen_date)))
        if accident is not None and accident.accident_date:
            dates.append(("439", "D8", _d8(accident.accident_date)))
        if claim.admission_date:
            dates.append(("435", "D8", _d8(claim.admission_date)))
        if claim.discharge_date:
            dates.append(("096", "D8", _d8(claim.discharge_date)))
        self.claim_dates(out, claim, dates, _PROFESSIONAL_CLAIM_DATES)

    def professional_rest(self, out: list[str], claim: Claim) -> None:
        """Loop 2300 of an 837P after its dates and references: K3, NTE, HI, 2310, 2320 and the lines."""
        e, c = self.e, self.c
        for text in claim.file_information:
            out.append(f"K3{e}{self.required(text, 'K3', claim)}")
        if claim.notes:
            if len(claim.notes) > 1:
                raise X12WriteError("an 837P claim carries one note (NTE of loop 2300)", claim.id)
            note = claim.notes[0]
            if note.qualifier not in _PROFESSIONAL_NOTES:
                raise X12WriteError(f"NTE01 {note.qualifier!r} is not a note code of an 837P claim", claim.id)
            out.append(f"NTE{self.e}{note.qualifier}{self.e}{self.required(note.text, 'NTE02', claim)}")
        if claim.icd9_diagnoses:
            out.append(self.icd9_professional(claim))
        elif claim.external_causes:
            # An 837P has no HI*ABN: external causes of injury are listed among the other diagnoses (ABF).
            diagnoses = (*claim.diagnoses, *claim.external_causes)
            if len(diagnoses) > MAX_PROFESSIONAL_DIAGNOSES:
                raise X12WriteError(
                    f"{len(diagnoses)} diagnoses and external causes; an 837P HI holds {MAX_PROFESSIONAL_DIAGNOSES}",
                    claim.id,
                )
            out.append(self.diagnoses(claim, diagnoses, "ABK", "ABF", poa=False))
        else:
            out.append(self.diagnoses(claim, claim.diagnoses, "ABK", "ABF", poa=False))
        if claim.condition_codes:
            for chunk in _chunks(claim.condition_codes, 12):
                out.append(e.join(["HI", *(f"BG{c}{code}" for code in chunk)]))
        if claim.referring_provider_id:
            out.extend(self.named_provider(claim, claim.referring_provider_id, "DN", "referring", person=True))
        if claim.rendering_provider_id and claim.rendering_provider_id != claim.billing_provider_id:
            out.extend(self.named_provider(claim, claim.rendering_provider_id, "82", "rendering", person=False))
        if claim.facility_provider_id and claim.facility_provider_id != claim.billing_provider_id:
            out.extend(self.named_provider(claim, claim.facility_provider_id, "77", "service facility", person=False))
        if claim.supervising_provider_id:
            out.extend(self.named_provider(claim, claim.supervising_provider_id, "DQ", "supervising", person=True))
        if claim.other_payers or len(self.parties.coverages_of(claim.patient_id)) > 1:
            self.other_payers(out, claim)
        line = self.professional_line
        for position, service in enumerate(claim.lines, start=1):
            line(out, claim, service, position)

    def institutional(self, out: list[str], claim: Claim) -> None:
        """Loop 2300 of an 837I and its lines."""
        e, c = self.e, self.c
        self.refuse_fields(claim, _PROFESSIONAL_ONLY, "an 837I")
        control = self.identifier(claim.patient_control_number, "patient control number (CLM01)", claim)
        clm = (
            f"CLM{e}{control}{e}{claim.total_charge}{e}{e}{e}{claim.facility_type_code}{c}A{c}{claim.frequency}{e}{e}"
            f"{claim.assignment}{e}{claim.benefits_assignment}{e}{claim.release_of_information}"
        )
        if claim.delay_reason_code:
            clm += f"{e}{e}{e}{e}{e}{e}{e}{e}{e}{e}{e}{claim.delay_reason_code}"
        out.append(clm)
        if claim.patient_status is None:
            raise X12WriteError("an 837I needs the patient status code (CL103, patient_status)", claim.id)
        # Claim refuses an institutional claim without its statement period.
        assert claim.statement_from is not None
        assert claim.statement_to is not None
        dates = [("434", "RD8", f"{_d8(claim.statement_from)}-{_d8(claim.statement_to)}")]
        if claim.admission_date:
            dates.append(("435", "D8", _d8(claim.admission_date)))
        self.claim_dates(out, claim, dates, _INSTITUTIONAL_CLAIM_DATES)
        out.append(self.seg("CL1", claim.admission_type or "", claim.admission_source or "", claim.patient_status))
        self.claim_references(out, claim, _INSTITUTIONAL_CLAIM_REFERENCES)
        for text in claim.file_information:
            out.append(f"K3{e}{self.required(text, 'K3', claim)}")
        claim_notes = [note for note in claim.notes if note.qualifier != "ADD"]
        billing_notes = [note for note in claim.notes if note.qualifier == "ADD"]
        if len(claim_notes) > 10 or len(billing_notes) > 1:
            raise X12WriteError("an 837I claim carries at most ten claim notes and one billing note (ADD)", claim.id)
        for note in claim_notes:
            if note.qualifier not in _INSTITUTIONAL_CLAIM_NOTES:
                raise X12WriteError(f"NTE01 {note.qualifier!r} is not a note code of an 837I claim", claim.id)
        for note in claim_notes + billing_notes:  # the guide puts the billing note after the claim notes
            out.append(f"NTE{self.e}{note.qualifier}{self.e}{self.required(note.text, 'NTE02', claim)}")
        self.institutional_codes(out, claim)
        if claim.attending_provider_id:
            out.extend(self.named_provider(claim, claim.attending_provider_id, "71", "attending", person=True))
        if claim.operating_provider_id:
            out.extend(self.named_provider(claim, claim.operating_provider_id, "72", "operating", person=True))
        if claim.other_operating_provider_id:
            out.extend(
                self.named_provider(claim, claim.other_operating_provider_id, "ZZ", "other operating", person=True)
            )
        if claim.rendering_provider_id and claim.rendering_provider_id != claim.billing_provider_id:
            out.extend(self.named_provider(claim, claim.rendering_provider_id, "82", "rendering", person=True))
        if claim.facility_provider_id and claim.facility_provider_id != claim.billing_provider_id:
            out.extend(self.named_provider(claim, claim.facility_provider_id, "77", "service facility", person=False))
        if claim.referring_provider_id:
            out.extend(self.named_provider(claim, claim.referring_provider_id, "DN", "referring", person=True))
        self.other_payers(out, claim)
        for position, service in enumerate(claim.lines, start=1):
            self.institutional_line(out, claim, service, position)

    def claim_dates(
        self, out: list[str], claim: Claim, dates: list[tuple[str, str, str]], order: Sequence[str]
    ) -> None:
        """DTP of loop 2300 in the guide's order, the claim's own dates and its `other_dates`."""
        for extra in claim.other_dates:
            if extra.end is None:
                dates.append((extra.qualifier, "D8", _d8(extra.start)))
            else:
                dates.append((extra.qualifier, "RD8", f"{_d8(extra.start)}-{_d8(extra.end)}"))
        if len(dates) > 1:
            for qualifier, _, _ in dates:
                if qualifier not in order:
                    raise X12WriteError(f"DTP*{qualifier} is not a date of loop 2300 of this claim's 837", claim.id)
            dates.sort(key=lambda item: order.index(item[0]))
        elif dates and dates[0][0] not in order:
            raise X12WriteError(f"DTP*{dates[0][0]} is not a date of loop 2300 of this claim's 837", claim.id)
        e = self.e
        for qualifier, form, value in dates:
            out.append(f"DTP{e}{qualifier}{e}{form}{e}{value}")

    def claim_references(self, out: list[str], claim: Claim, order: Sequence[str]) -> None:
        """REF of loop 2300 in the guide's order."""
        references: list[tuple[str, str]] = []
        if claim.referral_number:
            references.append(("9F", claim.referral_number))
        if claim.prior_authorization:
            references.append(("G1", claim.prior_authorization))
        if claim.original_claim_reference:
            references.append(("F8", claim.original_claim_reference))
        if claim.medical_record_number:
            references.append(("EA", claim.medical_record_number))
        references += [(reference.qualifier, reference.value) for reference in claim.other_references]
        self.references(out, claim, references, order, "2300")

    def references(
        self, out: list[str], claim: Claim, references: list[tuple[str, str]], order: Sequence[str], loop: str
    ) -> None:
        """REF segments in the guide's order."""
        if not references:
            return
        for qualifier, _ in references:
            if qualifier not in order:
                raise X12WriteError(f"REF*{qualifier} is not a reference of loop {loop} of this claim's 837", claim.id)
        if len(references) > 1:
            references.sort(key=lambda item: order.index(item[0]))
        e = self.e
        for qualifier, value in references:
            value = self.identifier(value, f"REF*{qualifier}", claim)
            out.append(f"REF{e}{qualifier}{e}{value}")

    def icd9_professional(self, claim: Claim) -> str:
        """The HI of an 837P coded in ICD-9-CM: BK, the BFs, then external causes as BFs (an 837P has no BN)."""
        listed: list[Diagnosis | Icd9Diagnosis] = []
        causes: list[Diagnosis | Icd9Diagnosis] = []
        for diagnosis in claim.icd9_diagnoses:
            if diagnosis.role in (Icd9Role.ADMITTING, Icd9Role.REASON_FOR_VISIT):
                raise X12WriteError(
                    f"an 837P has no place for an ICD-9-CM {diagnosis.role.name.lower()} diagnosis", claim.id
                )
            (causes if diagnosis.role is Icd9Role.EXTERNAL_CAUSE else listed).append(diagnosis)
        # Line pointers count the principal and other diagnoses only, so external causes go last.
        listed += causes
        if len(listed) > MAX_PROFESSIONAL_DIAGNOSES:
            raise X12WriteError(f"{len(listed)} diagnoses; an 837P HI holds {MAX_PROFESSIONAL_DIAGNOSES}", claim.id)
        return self.diagnoses(claim, listed, "BK", "BF", poa=False)

    def diagnoses(
        self, claim: Claim, diagnoses: Sequence[Diagnosis | Icd9Diagnosis], first: str, other: str, *, poa: bool
    ) -> str:
        """One HI of diagnoses: the first with qualifier ``first``, the rest with ``other``."""
        c = self.c
        elements = ["HI"]
        for position, diagnosis in enumerate(diagnoses):
            qualifier = first if position == 0 else other
            indicator = diagnosis.present_on_admission
            # 5010 has no code for "exempt from POA reporting" (UB-04's 1): the guide says to leave HI0n-9 empty.
            if poa and indicator is not None and indicator is not PresentOnAdmission.EXEMPT:
                elements.append(f"{qualifier}{c}{diagnosis.code}{c}{c}{c}{c}{c}{c}{c}{indicator.value}")
            else:
                elements.append(f"{qualifier}{c}{diagnosis.code}")
        return self.e.join(elements)

    def institutional_codes(self, out: list[str], claim: Claim) -> None:
        """The HI segments of an 837I in the guide's order."""
        e, c = self.e, self.c
        if claim.icd9_diagnoses:
            # ICD-9-CM codes (services before 2015-10-01) take the qualifiers without the A: BK, BJ, PR, BN, BF.
            roles: dict[Icd9Role, list[Icd9Diagnosis]] = {role: [] for role in Icd9Role}
            for diagnosis in claim.icd9_diagnoses:
                roles[diagnosis.role].append(diagnosis)
            if len(roles[Icd9Role.ADMITTING]) > 1 or len(roles[Icd9Role.REASON_FOR_VISIT]) > MAX_REASONS_FOR_VISIT:
                raise X12WriteError("an 837I carries one admitting diagnosis and three reasons for visit", claim.id)
            if len(roles[Icd9Role.EXTERNAL_CAUSE]) > MAX_EXTERNAL_CAUSES:
                raise X12WriteError(f"an 837I carries {MAX_EXTERNAL_CAUSES} external causes (HI*BN)", claim.id)
            principal: Sequence[Diagnosis | Icd9Diagnosis] = roles[Icd9Role.PRINCIPAL]
            admitting = [diagnosis.code for diagnosis in roles[Icd9Role.ADMITTING]]
            reasons = [diagnosis.code for diagnosis in roles[Icd9Role.REASON_FOR_VISIT]]
            causes: Sequence[Diagnosis | Icd9Diagnosis] = roles[Icd9Role.EXTERNAL_CAUSE]
            others: Sequence[Diagnosis | Icd9Diagnosis] = roles[Icd9Role.OTHER]
            prefix = ""
        else:
            principal = claim.diagnoses[:1]
            admitting = [claim.admitting_diagnosis] if claim.admitting_diagnosis else []
            reasons = list(claim.reasons_for_visit)
            causes = claim.external_causes
            others = claim.diagnoses[1:]
            prefix = "A"
        out.append(self.diagnoses(claim, principal, f"{prefix}BK", f"{prefix}BK", poa=True))
        if admitting:
            out.append(f"HI{e}{prefix}BJ{c}{admitting[0]}")
        if reasons:
            out.append(e.join(["HI", *(f"{prefix}PR{c}{code}" for code in reasons)]))
        if causes:
            out.append(self.diagnoses(claim, causes, f"{prefix}BN", f"{prefix}BN", poa=True))
        if claim.drg:
            out.append(f"HI{e}DR{c}{claim.drg}")
        for chunk in _chunks(others, 12):
            out.append(self.diagnoses(claim, chunk, f"{prefix}BF", f"{prefix}BF", poa=True))
        if claim.principal_procedure:
            procedure = claim.principal_procedure
            out.append(f"HI{e}BBR{c}{procedure.code}{c}D8{c}{_d8(procedure.performed_on)}")
        for procedures in _chunks(claim.other_procedures, 12):
            out.append(e.join(["HI", *(f"BBQ{c}{item.code}{c}D8{c}{_d8(item.performed_on)}" for item in procedures)]))
        for spans in _chunks(claim.occurrence_spans, 12):
            out.append(e.join(["HI", *(f"BI{c}{s.code}{c}RD8{c}{_d8(s.start)}-{_d8(s.end)}" for s in spans)]))
        for occurrences in _chunks(claim.occurrences, 12):
            out.append(e.join(["HI", *(f"BH{c}{o.code}{c}D8{c}{_d8(o.occurred_on)}" for o in occurrences)]))
        for values in _chunks(claim.value_codes, 12):
            out.append(e.join(["HI", *(f"BE{c}{v.code}{c}{c}{c}{_amount(v.amount)}" for v in values)]))
        for conditions in _chunks(claim.condition_codes, 12):
            out.append(e.join(["HI", *(f"BG{c}{code}" for code in conditions)]))

    # Coordination of benefits

    def other_payers(self, out: list[str], claim: Claim) -> None:
        """Loops 2320/2330A/2330B: the claim's `other_payers`, or else the patient's other coverages."""
        if claim.other_payers:
            for other in claim.other_payers:
                self.other_payer(out, claim, other)
            return
        coverages = self.parties.coverages_of(claim.patient_id)
        if len(coverages) < 2:
            return
        billed = self.parties.coverages[claim.coverage_id]
        day = claim.first_service_date
        # Another coverage in the same place of the order is one the billed coverage replaced, not another payer.
        others = tuple(
            sorted(
                (
                    coverage
                    for coverage in coverages
                    if coverage.id != billed.id and coverage.order is not billed.order and coverage.is_active_on(day)
                ),
                key=lambda coverage: coverage.order.value,
            )
        )
        if not others:
            return
        key = (
            tuple(coverage.id for coverage in others),
            claim.kind,
            claim.benefits_assignment,
            claim.release_of_information,
        )
        found = self._other_payers.get(key)
        if found is None:
            found = self._other_payers[key] = tuple(self.other_coverages(claim, others))
        out.extend(found)

    def other_coverages(self, claim: Claim, others: Sequence[Coverage]) -> list[str]:
        """2320/2330A/2330B of other coverages of the patient, without amounts (no payer has decided yet)."""
        segments: list[str] = []
        patient = self.parties.patients[claim.patient_id]
        for coverage in others:
            payer = self.parties.payers.get(coverage.payer_id)
            if payer is None:
                raise X12WriteError(f"payer {coverage.payer_id!r} of coverage {coverage.id!r} is not given", claim.id)
            sbr = [
                "SBR",
                coverage.order.value,
                coverage.relationship.value,
                self.text(coverage.group_number or ""),
                "" if coverage.group_number else self.text(coverage.plan_name or ""),
            ]
            sbr += ["", "", "", "", payer.claim_filing_indicator.value]
            segments.append(self.seg(*sbr))
            segments.append(self.oi(claim, claim.benefits_assignment.value, claim.release_of_information.value))
            member = self.identifier(coverage.member_id, "member id (NM109 of loop 2330A)", claim, minimum=2)
            insured = coverage.subscriber
            segments.append(self.person(claim, "IL", patient.name if insured is None else insured.name, "MI", member))
            segments.append(self.payer_name(claim, payer))
        return segments

    def oi(self, claim: Claim, benefits: str, release: str) -> str:
        """OI of loop 2320."""
        if claim.kind is ClaimKind.PROFESSIONAL:
            return self.seg("OI", "", "", benefits, "P", "", release)
        return self.seg("OI", "", "", benefits, "", "", release)

    def other_payer(self, out: list[str], claim: Claim, other: OtherPayer) -> None:
        """Loops 2320/2330A/2330B of one of the claim's `other_payers`."""
        e = self.e
        sbr = [
            "SBR",
            other.responsibility.value,
            other.relationship.value,
            self.text(other.group_number or ""),
            self.text(other.group_name or ""),
        ]
        if claim.kind is ClaimKind.PROFESSIONAL:
            sbr.append(other.insurance_type or "")
        else:
            sbr.append("")
        sbr += ["", "", "", other.claim_filing_indicator.value if other.claim_filing_indicator else ""]
        if other.claim_filing_indicator is None:
            raise X12WriteError(
                f"other payer {other.payer_identifier!r} needs its claim filing indicator (SBR09 of loop 2320)",
                claim.id,
            )
        out.append(self.seg(*sbr))
        self.adjustments(out, claim, other.adjustments)
        amounts: list[tuple[str, Decimal | None]] = [("D", other.paid_amount)]
        if claim.kind is ClaimKind.PROFESSIONAL:
            amounts += [("A8", other.non_covered_amount), ("EAF", other.remaining_patient_liability)]
        else:
            amounts += [("EAF", other.remaining_patient_liability), ("A8", other.non_covered_amount)]
        for qualifier, amount in amounts:
            if amount is not None:
                out.append(f"AMT{e}{qualifier}{e}{_amount(amount)}")
        out.append(self.oi(claim, other.benefits_assignment.value, other.release_of_information.value))
        member = self.identifier(other.member_id, "member id (NM109 of loop 2330A)", claim, minimum=2)
        out.append(self.person(claim, "IL", other.subscriber_name, "MI", member))
        if other.subscriber_address is not None:
            out.extend(self.address(other.subscriber_address, claim))
        identifier = self.identifier(other.payer_identifier, "payer id (NM109 of loop 2330B)", claim, minimum=2)
        out.append(self.seg("NM1", "PR", "2", self.text(other.payer_name), "", "", "", "", "PI", identifier))
        if other.payer_address is not None:
            out.extend(self.address(other.payer_address, claim))
        if other.adjudication_date is not None:
            out.append(f"DTP{e}573{e}D8{e}{_d8(other.adjudication_date)}")
        if other.payer_claim_control_number:
            number = self.identifier(other.payer_claim_control_number, "REF*F8 of loop 2330B", claim)
            out.append(f"REF{e}F8{e}{number}")

    def adjustments(self, out: list[str], claim: Claim, adjustments: Sequence[Adjustment]) -> None:
        """CAS segments: one per adjustment group, at most six reasons each, at most five segments."""
        if not adjustments:
            return
        groups: dict[str, list[Adjustment]] = {}
        for adjustment in adjustments:
            groups.setdefault(adjustment.group.value, []).append(adjustment)
        segments = []
        for group, items in groups.items():
            for chunk in _chunks(items, 6):
                elements = ["CAS", group]
                for item in chunk:
                    elements += [
                        item.reason_code,
                        _amount(item.amount),
                        "" if item.quantity is None else f"{item.quantity:f}",
                    ]
                segments.append(self.seg(*elements))
        if len(segments) > 5:
            raise X12WriteError("more adjustments than five CAS segments of six reasons carry", claim.id)
        out.extend(segments)

    # Loop 2400

    def professional_line(self, out: list[str], claim: Claim, service: ServiceLine, position: int) -> None:
        """Loop 2400 of an 837P."""
        e, c = self.e, self.c
        if service.unit_basis is UnitBasis.DAYS:
            raise X12WriteError(f"line {service.line_number}: an 837P counts units or minutes, not days", claim.id)
        modifiers = service.modifiers
        procedure = (
            f"HC{c}{service.procedure_code}{c}{c.join(modifiers)}" if modifiers else f"HC{c}{service.procedure_code}"
        )
        pointers = self._pointers.get(service.diagnosis_pointers)
        if pointers is None:
            pointers = self._pointers[service.diagnosis_pointers] = c.join(map(str, service.diagnosis_pointers))
        place = service.place_of_service
        if place is None or place == claim.place_of_service:
            place = ""
        out.append(f"LX{e}{position}")
        # Money and quantities of records are plain decimals (cents quantized, quantities normalised): str is exact.
        out.append(
            f"SV1{e}{procedure}{e}{service.charge!s}{e}{_BASIS[service.unit_basis]}{e}{service.units!s}{e}{place}{e}{e}"
            f"{pointers}"
        )
        out.append(self.service_date(service))
        if service.references or service.line_control_number:
            self.line_references(out, claim, service, _PROFESSIONAL_LINE_REFERENCES)
        if service.notes:
            self.line_notes(out, claim, service, professional=True)
        if service.ndc is not None:
            self.drug(out, service)
        if service.rendering_provider_id and service.rendering_provider_id != claim.rendering_provider_id:
            out.extend(self.named_provider(claim, service.rendering_provider_id, "82", "line rendering", person=False))
        if service.referring_provider_id and service.referring_provider_id != claim.referring_provider_id:
            out.extend(self.named_provider(claim, service.referring_provider_id, "DN", "line referring", person=True))
        for adjudication in service.adjudications:
            self.line_adjudication(out, claim, service, adjudication)

    def institutional_line(self, out: list[str], claim: Claim, service: ServiceLine, position: int) -> None:
        """Loop 2400 of an 837I."""
        e, c = self.e, self.c
        if service.unit_basis is UnitBasis.MINUTES:
            raise X12WriteError(f"line {service.line_number}: an 837I counts units or days, not minutes", claim.id)
        if service.place_of_service is not None:
            raise X12WriteError(f"line {service.line_number}: an 837I line has no place of service", claim.id)
        modifiers = service.modifiers
        procedure = (
            f"HC{c}{service.procedure_code}{c}{c.join(modifiers)}" if modifiers else f"HC{c}{service.procedure_code}"
        )
        out.append(f"LX{e}{position}")
        out.append(
            f"SV2{e}{service.revenue_code}{e}{procedure}{e}{service.charge!s}{e}{_BASIS[service.unit_basis]}{e}"
            f"{service.units!s}"
        )
        out.append(self.service_date(service))
        if service.references or service.line_control_number:
            self.line_references(out, claim, service, _INSTITUTIONAL_LINE_REFERENCES)
        if service.notes:
            self.line_notes(out, claim, service, professional=False)
        if service.ndc is not None:
            self.drug(out, service)
        if service.rendering_provider_id and service.rendering_provider_id != claim.rendering_provider_id:
            out.extend(self.named_provider(claim, service.rendering_provider_id, "82", "line rendering", person=True))
        if service.referring_provider_id and service.referring_provider_id != claim.referring_provider_id:
            out.extend(self.named_provider(claim, service.referring_provider_id, "DN", "line referring", person=True))
        for adjudication in service.adjudications:
            self.line_adjudication(out, claim, service, adjudication)

    def service_date(self, service: ServiceLine) -> str:
        """DTP*472, one day (D8) or a span (RD8)."""
        key = (service.service_date, service.service_date_end)
        found = self._service_dates.get(key)
        if found is None:
            e = self.e
            start, end = key
            if end is None or end == start:
                found = f"DTP{e}472{e}D8{e}{_d8(start)}"
            else:
                found = f"DTP{e}472{e}RD8{e}{_d8(start)}-{_d8(end)}"
            self._service_dates[key] = found
        return found

    def line_references(self, out: list[str], claim: Claim, service: ServiceLine, order: Sequence[str]) -> None:
        """REF of loop 2400, the line control number (6R) among them."""
        if not service.references:
            control = self.identifier(service.line_control_number or "", "REF*6R", claim)
            out.append(f"REF{self.e}6R{self.e}{control}")
            return
        references = [(reference.qualifier, reference.value) for reference in service.references]
        if service.line_control_number:
            references.append(("6R", service.line_control_number))
        self.references(out, claim, references, order, "2400")

    def line_notes(self, out: list[str], claim: Claim, service: ServiceLine, *, professional: bool) -> None:
        """NTE of loop 2400: an 837P line has one ADD or DCP note and one TPO note; an 837I line one TPO note."""
        allowed = ("ADD", "DCP", "TPO") if professional else ("TPO",)
        seen: set[str] = set()
        notes = sorted(service.notes, key=lambda note: note.qualifier == "TPO")
        for note in notes:
            kind = "TPO" if note.qualifier == "TPO" else "other"
            if note.qualifier not in allowed or kind in seen:
                raise X12WriteError(
                    f"line {service.line_number}: note {note.qualifier!r} cannot be written on this 837's line",
                    claim.id,
                )
            seen.add(kind)
            out.append(f"NTE{self.e}{note.qualifier}{self.e}{self.required(note.text, 'NTE02', claim)}")

    def drug(self, out: list[str], service: ServiceLine) -> None:
        """Loop 2410, LIN and CTP of a drug line."""
        if service.ndc is None or service.ndc_quantity is None or service.ndc_unit is None:
            return
        e = self.e
        out.append(f"LIN{e}{e}N4{e}{service.ndc}")
        out.append(f"CTP{e}{e}{e}{e}{service.ndc_quantity:f}{e}{service.ndc_unit.value}")

    def line_adjudication(
        self, out: list[str], claim: Claim, service: ServiceLine, adjudication: LineAdjudication
    ) -> None:
        """Loop 2430: SVD, CAS, DTP*573, AMT*EAF."""
        c = self.c
        code = adjudication.procedure_code or service.procedure_code
        procedure = c.join(["HC", code, *adjudication.modifiers])
        payer = self.identifier(adjudication.payer_identifier, "SVD01", claim, minimum=2)
        bundled = "" if adjudication.bundled_line_number is None else str(adjudication.bundled_line_number)
        if claim.kind is ClaimKind.PROFESSIONAL:
            svd = ["SVD", payer, _amount(adjudication.paid), procedure, "", f"{adjudication.units:f}", bundled]
        else:
            revenue = adjudication.revenue_code or service.revenue_code or ""
            svd = ["SVD", payer, _amount(adjudication.paid), procedure, revenue, f"{adjudication.units:f}", bundled]
        out.append(self.seg(*svd))
        self.adjustments(out, claim, adjudication.adjustments)
        day = adjudication.adjudication_date
        if day is None:
            day = next(
                (
                    other.adjudication_date
                    for other in claim.other_payers
                    if other.payer_identifier == adjudication.payer_identifier
                ),
                None,
            )
        if day is None:
            raise X12WriteError(
                f"line {service.line_number}: the adjudication by {adjudication.payer_identifier!r} needs its date "
                "(DTP*573 of loop 2430)",
                claim.id,
            )
        e = self.e
        out.append(f"DTP{e}573{e}D8{e}{_d8(day)}")
        if adjudication.remaining_patient_liability is not None:
            out.append(f"AMT{e}EAF{e}{_amount(adjudication.remaining_patient_liability)}")


def _chunks[T](items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = [
    "INSTITUTIONAL_VERSION",
    "PROFESSIONAL_VERSION",
    "Parties",
    "Usage",
    "X12Settings",
    "X12WriteError",
    "write_837",
]
