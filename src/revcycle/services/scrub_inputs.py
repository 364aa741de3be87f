"""The claims the scrubber reads: an 837P/837I, a claims JSON dataset or FHIR R4 ``Claim`` resources, by content.

Every reader makes its records inside `revcycle.domain.fields.as_submitted`, so a claim that breaks a rule of a
well-formed claim (a total that is not the sum of its lines, a pointer past the diagnoses, a replacement without the
original claim's number) is read as submitted and the scrubber reports the rule; a value that cannot make a record
at all (a date that is not a date, a code of the wrong shape) refuses the file with an `InputFileError` naming the
file and the place: the segment of an 837, the JSON path of a dataset, the FHIR path of a resource.

An 837 that the reader refuses part-way (a structure error in its third claim, say) is refused whole, naming the
segment: the claims before it are not scrubbed alone, because a batch report that silently leaves out the claims
after the fault would call the file cleaner than it is. Fix the file (`revcycle x12 validate` says where) and scrub
it again.

FHIR R4 is read as the Claim resource defines it (https://hl7.org/fhir/R4/claim.html):

- the claim number is the first ``identifier`` (else the resource id); ``type`` is ``professional`` or
  ``institutional`` (claim-type code system); only ``use`` ``claim`` is scrubbed;
- ``patient``: the Patient (``name``, ``birthDate``, ``gender``, ``address``);
- ``provider`` is the billing provider and ``careTeam`` names the others by role (``primary`` or ``rendering``,
  ``attending``, ``operating``, ``otheroperating``, ``supervisor``, ``referring``): Practitioner, Organization or
  PractitionerRole, whose NPI is the identifier of system ``http://hl7.org/fhir/sid/us-npi``, tax id the EIN
  (``urn:oid:2.16.840.1.113883.4.4``) or SSN identifier, address the first US ``address``; a provider without a
  10-digit NPI is not recorded, and the claim's notes say so;
- the ``focal`` insurance (else the first) names the Coverage (``subscriberId``, ``relationship``, ``subscriber``,
  ``order``, the ``group`` class), whose first ``payor`` Organization is the payer (payer id: its first identifier
  that is neither an NPI nor a tax id) and whose ``type`` gives the claim filing indicator (an X12 code, or a Source
  of Payment Typology code; mutually defined otherwise, as the 837 reader does without SBR09);
- ``diagnosis`` in ``sequence`` order (ICD-10-CM codings, ``onAdmission`` as POA); on an institutional claim those
  of type ``admitting``, ``patientreasonforvisit`` and ``externalcauseofinjury`` go where the 837I puts them, and
  ``procedure`` gives the ICD-10-PCS procedures;
- each ``item`` is a line: CPT/HCPCS ``productOrService``, ``modifier``, ``quantity``, ``net`` (else ``unitPrice``
  x ``quantity`` x ``factor``) as the charge, ``servicedDate`` or ``servicedPeriod`` (else the ``billablePeriod``),
  the CMS place-of-service coding of ``locationCodeableConcept`` (the first item's is the claim's), ``revenue``,
  ``diagnosisSequence`` as pointers, ``careTeamSequence`` for a line's own rendering provider;
- ``total`` is the claim's total (absent: the sum of the items, noted); ``billablePeriod`` an institutional claim's
  statement period; a ``supportingInfo`` of category ``typeofbill`` gives its facility type and frequency, one of
  ``discharge-status`` its patient status; a ``related`` claim of relationship ``prior`` makes the claim a
  replacement (frequency 7) of the claim whose number ``related.reference`` gives.

References resolve within the file: ``#id`` to contained resources, ``Type/id`` or ``fullUrl`` to Bundle entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from revcycle.domain import (
    Claim,
    ClaimFrequency,
    ClaimKind,
    Coverage,
    IcdProcedure,
    Patient,
    Payer,
    Provider,
    ServiceLine,
)
from revcycle.domain.code_systems import CPT_SYSTEM, HCPCS_SYSTEM, ICD10CM_SYSTEM, PROCEDURE_SYSTEMS
from revcycle.domain.encounter import Diagnosis
from revcycle.domain.fields import RECORD_ID, as_submitted
from revcycle.domain.parties import (
    Address,
    ClaimFilingIndicator,
    CoverageOrder,
    PersonName,
    ProviderKind,
    Relationship,
    Sex,
    Subscriber,
)
from revcycle.edits.inputs import Records, join
from revcycle.edits.review import Submitted
from revcycle.errors import InputFileError, InvalidRecord
from revcycle.services.scrub import records_from_json
from revcycle.x12.read837 import read_837
from revcycle.x12.tokens import Segment, read_file, tokenize

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
# The IRS employer identification number and the SSA social security number: a provider's tax id.
TAX_ID_SYSTEMS = frozenset({"urn:oid:2.16.840.1.113883.4.4", "http://hl7.org/fhir/sid/us-ssn"})
ICD10PCS_SYSTEM = "http://www.cms.gov/Medicare/Coding/ICD10"
POS_SYSTEM = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
# How much of a file is looked at to recognise its content.
_SNIFF_BYTES = 65536
EXPECTED = "an 837P/837I (X12), a claims JSON dataset, or FHIR R4 Claim resources (a Claim or a Bundle)"

_GENDERS = {"male": Sex.MALE, "female": Sex.FEMALE, "other": Sex.UNKNOWN, "unknown": Sex.UNKNOWN}
# Coverage.relationship (subscriber-relationship code system) as X12 individual relationship codes.
_RELATIONSHIPS = {
    "self": Relationship.SELF,
    "spouse": Relationship.SPOUSE,
    "common": Relationship.LIFE_PARTNER,
    "child": Relationship.CHILD,
    "parent": Relationship.OTHER,
    "injured": Relationship.OTHER,
    "other": Relationship.OTHER,
}
_ORDERS = {1: CoverageOrder.PRIMARY, 2: CoverageOrder.SECONDARY, 3: CoverageOrder.TERTIARY}
# careTeam.role codes (claimcareteamrole, and the CARIN Blue Button roles) and the Claim field each fills.
_PROFESSIONAL_ROLES = {
    "primary": "rendering_provider_id",
    "rendering": "rendering_provider_id",
    "performing": "rendering_provider_id",
    "supervisor": "supervising_provider_id",
    "referring": "referring_provider_id",
}
_INSTITUTIONAL_ROLES = {
    "primary": "attending_provider_id",
    "attending": "attending_provider_id",
    "operating": "operating_provider_id",
    "otheroperating": "other_operating_provider_id",
    "referring": "referring_provider_id",
}
# Source of Payment Typology (https://nahdo.org/sopt) prefixes as claim filing indicators, most specific first.
_PAYMENT_TYPOLOGY = (
    ("11", ClaimFilingIndicator.HMO_MEDICARE_RISK),
    ("2", ClaimFilingIndicator.MEDICAID),
    ("31", ClaimFilingIndicator.CHAMPUS),
    ("32", ClaimFilingIndicator.VETERANS_AFFAIRS),
    ("5", ClaimFilingIndicator.COMMERCIAL),
    ("6", ClaimFilingIndicator.BLUE_CROSS_BLUE_SHIELD),
    ("81", ClaimFilingIndicator.SELF_PAY),
    ("95", ClaimFilingIndicator.WORKERS_COMPENSATION),
)
# Diagnosis types (CARIN Blue Button) whose diagnoses an 837I carries apart, and the Claim field of each.
_INSTITUTIONAL_DIAGNOSES = {
    "admitting": "admitting_diagnosis",
    "patientreasonforvisit": "reasons_for_visit",
    "externalcauseofinjury": "external_causes",
}
# The ServiceLine fields a FHIR item element fills, to name the FHIR element when a value is refused.
_ITEM_ELEMENTS = {
    "line_number": "sequence",
    "procedure_code": "productOrService",
    "modifiers": "modifier",
    "units": "quantity",
    "charge": "net",
    "service_date": "serviced[x]",
    "service_date_end": "servicedPeriod.end",
    "diagnosis_pointers": "diagnosisSequence",
    "place_of_service": "locationCodeableConcept",
    "revenue_code": "revenue",
}


@dataclass(slots=True)
class ClaimsFile(Records):
    """The records of one input file, with what the reader could not keep of each claim.

    Attributes:
        notes: by the claim's index in ``claims``: what the reader could not record (an 837 element no record
            holds, a provider without a valid NPI), for `Submitted.notes`.
    """

    notes: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def submitted(self) -> Iterator[Submitted]:
        """Each claim joined with the records it names, with its notes."""
        for index, (claim, broken) in enumerate(self.claims):
            joined = join(
                claim, broken, self.patients, self.coverages, self.payers, self.providers, self.broken, self.source
            )
            notes = self.notes.get(index)
            yield replace(joined, notes=notes) if notes else joined


def read_claims_file(path: Path) -> ClaimsFile:
    """The claims of an 837P/837I, a claims JSON dataset or FHIR R4 Claim resources, recognised by content.

    Raises:
        InputFileError: the file cannot be read, is none of these, or holds a value no record can be made of,
            naming the file and the place (segment, JSON path or FHIR path).
    """
    source = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputFileError(source, "", f"cannot be read: {error.strerror}") from None
    if _recognise(head, source) == "x12":
        return read_837_file(path)
    return read_json_file(path)


def read_claims_data(data: bytes, name: str) -> ClaimsFile:
    """The claims of input held in memory (a request body), as `read_claims_file` reads a file named ``name``."""
    if _recognise(data[:_SNIFF_BYTES], name) == "x12":
        return _837_records(tokenize([data], name), name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(name, "", f"is not UTF-8 text: {error}") from None
    return _json_records(text, name)


def _recognise(head: bytes, source: str) -> str:
    """``json`` or ``x12``, from the first bytes of the input."""
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"[")):
        return "json"
    # X12 may follow a text preamble (samples copied from guides start with a title) or be UTF-16.
    if b"ISA" in head or b"I\0S\0A\0" in head or b"\0I\0S\0A" in head:
        return "x12"
    raise InputFileError(source, "", f"is not {EXPECTED}")


def read_837_file(path: Path) -> ClaimsFile:
    """The claims of an 837P/837I file, made as submitted, each with the rules it breaks and the reader's notes.

    Raises:
        InputFileError: the reader refuses the file (an `X12Error` naming the segment); see the module notes.
    """
    return _837_records(read_file(path), str(path))


def _837_records(segments: Iterator[Segment], source: str) -> ClaimsFile:
    records = ClaimsFile(source=source)
    with as_submitted() as broken:
        for read in read_837(segments, source):
            # The generator makes each claim's records just before it yields it: the rules broken since the last
            # claim are this claim's.
            claim_broken = tuple(broken)
            broken.clear()
            if read.problems:
                records.notes[len(records.claims)] = read.problems
            records.claims.append((read.claim, claim_broken))
            records.patients[read.patient.id] = read.patient
            for coverage in read.coverages:
                records.coverages[coverage.id] = coverage
            for payer in read.payers:
                records.payers[payer.id] = payer
            for provider in read.providers:
                records.providers[provider.id] = provider
    return records


def read_json_file(path: Path) -> ClaimsFile:
    """The claims of a JSON file: FHIR R4 when it has a ``resourceType``, a claims JSON dataset otherwise.

    Raises:
        InputFileError: not JSON (with line and column), or a record that cannot be made, with its path.
    """
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(source, "", f"cannot be read: {error}") from None
    return _json_records(text, source)


def _json_records(text: str, source: str) -> ClaimsFile:
    try:
        # FHIR decimals are JSON numbers: read exactly, never through a float.
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputFileError(source, f"line {error.lineno}, column {error.colno}", error.msg) from None
    if isinstance(document, dict) and "resourceType" in document:
        return FhirReader(source, document).read()
    if isinstance(document, dict):
        # The claims JSON format writes money as strings and refuses numbers: parsed as its own reader does.
        dataset = records_from_json(json.loads(text), source)
        return ClaimsFile(
            claims=dataset.claims,
            patients=dataset.patients,
            coverages=dataset.coverages,
            payers=dataset.payers,
            providers=dataset.providers,
            broken=dataset.broken,
            source=source,
        )
    raise InputFileError(source, "", f"is JSON but not {EXPECTED}")


def _element(field: str, elements: dict[str, str]) -> str:
    """The FHIR element of a record's field path (``lines[2].charge`` of a Claim is ``item[2].net``)."""
    head, _, rest = field.partition(".")
    name, bracket, index = head.partition("[")
    element = elements.get(name, name) + bracket + index
    if rest:
        element += "." + _element(rest, _ITEM_ELEMENTS if name == "lines" else {})
    return element


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(slots=True)
class _Diagnoses:
    """A claim's diagnoses as read: those lines point to, their positions by sequence, and the others.

    Attributes:
        diagnoses: the diagnoses lines point to, in sequence order.
        positions: the 1-based position of each of those, by its FHIR sequence.
        placed: every sequence read, with the type of a diagnosis kept apart ("" for the others).
        values: the claim fields of the diagnoses kept apart (admitting, reasons for visit, external causes).
    """

    diagnoses: list[Diagnosis] = field(default_factory=list)
    positions: dict[int, int] = field(default_factory=dict)
    placed: dict[int, str] = field(default_factory=dict)
    values: dict[str, list[Diagnosis]] = field(default_factory=dict)

    def claim_values(self) -> dict[str, Any]:
        """The Claim fields of the diagnoses kept apart."""
        values: dict[str, Any] = {}
        for name, made in self.values.items():
            if name == "admitting_diagnosis":
                values[name] = made[0].code
            elif name == "reasons_for_visit":
                values[name] = tuple(diagnosis.code for diagnosis in made)
            else:
                values[name] = tuple(made)
        return values


@dataclass(frozen=True, slots=True)
class _Lines:
    """What reading a claim's items needs from the claim."""

    claim: dict[str, Any]
    diagnoses: _Diagnoses
    team: dict[int, tuple[str, str]]
    rendering: str | None
    place: str | None


@dataclass(frozen=True, slots=True)
class _Found:
    """A resource found in the file, its FHIR path there, and the resource that contains it (for ``#id``).

    Attributes:
        resource: the resource's JSON.
        path: its FHIR path.
        owner: the resource whose ``contained`` holds it; None for a Claim or a Bundle entry.
    """

    resource: dict[str, Any]
    path: str
    owner: _Found | None = None


class FhirReader:
    """Reads the Claim resources of a FHIR R4 document (a Claim, or a Bundle of Claims and what they reference).

    Args:
        source: the file's name, for errors.
        document: the parsed JSON (numbers as Decimal).
    """

    def __init__(self, source: str, document: dict[str, Any]) -> None:
        self.source = source
        self.document = document
        self.records = ClaimsFile(source=source)
        self.by_reference: dict[str, _Found] = {}
        self.ids: dict[str, str] = {}
        self.used_ids: set[str] = set()

    # Errors and JSON shapes.

    def _fail(self, where: str, reason: str) -> InputFileError:
        """An error naming the file and the FHIR path."""
        return InputFileError(self.source, where, reason)

    def _obj(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._fail(where, "must be a JSON object")
        return value

    def _items(self, resource: dict[str, Any], name: str, where: str) -> list[tuple[dict[str, Any], str]]:
        """The objects of a list element, each with its path (an absent element is an empty list)."""
        value = resource.get(name, [])
        if not isinstance(value, list):
            raise self._fail(f"{where}.{name}", "must be a JSON array")
        return [
            (self._obj(item, f"{where}.{name}[{index}]"), f"{where}.{name}[{index}]")
            for index, item in enumerate(value)
        ]

    def _text(self, resource: dict[str, Any], name: str, where: str, *, required: bool = False) -> str | None:
        value = resource.get(name)
        if value is None:
            if required:
                raise self._fail(f"{where}.{name}", "is required")
            return None
        if not isinstance(value, str):
            raise self._fail(f"{where}.{name}", f"{value!r} is not a string")
        return value

    def _number(self, value: object, where: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise self._fail(where, f"{value!r} is not a number")
        return Decimal(value)

    def _integer(self, value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(where, f"{value!r} is not a whole number")
        return value

    def _day(self, value: object, where: str) -> date:
        """A FHIR date, or the date of a dateTime; a partial date (a year, a month) cannot date a service."""
        if not isinstance(value, str) or len(value) < 10:
            raise self._fail(where, f"{value!r} is not a full date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise self._fail(where, f"{value!r} is not a date") from None

    def _money(self, value: object, where: str) -> Decimal:
        money = self._obj(value, where)
        currency = money.get("currency", "USD")
        if currency != "USD":
            raise self._fail(f"{where}.currency", f"{currency!r}: claims are billed in USD")
        return self._number(money.get("value"), f"{where}.value")

    def _codes(self, concept: object, where: str, systems: frozenset[str] | None = None) -> list[str]:
        """The codes of a CodeableConcept's codings, those of ``systems`` only when given."""
        found = []
        for coding, at in self._items(self._obj(concept, where), "coding", where):
            system = coding.get("system")
            if systems is not None and not (isinstance(system, str) and system in systems):
                continue
            code = self._text(coding, "code", at)
            if code:
                found.append(code)
        return found

    def _code(self, concept: object, where: str, systems: frozenset[str], what: str, shown: str) -> str:
        """The first code of ``systems`` (``what`` they are, ``shown`` as the systems to use) in a concept."""
        found = self._codes(concept, where, systems)
        if not found:
            raise self._fail(where, f"has no {what} coding (system {shown})")
        return found[0]

    # Resources and references.

    def _index(self) -> list[_Found]:
        """Index the document's resources by reference, and return its Claim resources."""
        kind = self.document.get("resourceType")
        if kind == "Claim":
            return [_Found(self.document, "Claim")]
        if kind != "Bundle":
            raise self._fail("resourceType", f"{kind!r} is not a Claim or a Bundle of Claims")
        claims = []
        for entry, where in self._items(self.document, "entry", "Bundle"):
            resource = self._obj(entry.get("resource"), f"{where}.resource")
            found = _Found(resource, f"{where}.resource")
            full_url = entry.get("fullUrl")
            if isinstance(full_url, str) and full_url:
                self.by_reference[full_url] = found
            resource_type, resource_id = resource.get("resourceType"), resource.get("id")
            if isinstance(resource_type, str) and isinstance(resource_id, str):
                self.by_reference[f"{resource_type}/{resource_id}"] = found
            if resource_type == "Claim":
                claims.append(found)
        if not claims:
            raise self._fail("Bundle.entry", "holds no Claim resource")
        return claims

    def _resolve(self, reference: object, where: str, container: _Found, kinds: tuple[str, ...]) -> _Found:
        """The resource a Reference names: contained (``#id``), a Bundle entry (``Type/id`` or ``fullUrl``)."""
        target = self._text(self._obj(reference, where), "reference", where, required=True)
        assert target is not None
        found: _Found | None = None
        if target.startswith("#"):
            # Contained resources refer to their siblings: a reference is resolved in the outermost resource.
            owner = container.owner or container
            for resource, at in self._items(owner.resource, "contained", owner.path):
                if resource.get("id") == target[1:]:
                    found = _Found(resource, at, owner)
                    break
        else:
            found = self.by_reference.get(target)
            if found is None and target.count("/") >= 1:
                # An absolute URL (https://server/fhir/Patient/1) names the entry of its last two parts.
                found = self.by_reference.get("/".join(target.rstrip("/").split("/")[-2:]))
        if found is None:
            raise self._fail(f"{where}.reference", f"{target!r} names no resource in the file")
        if found.resource.get("resourceType") not in kinds:
            kind = found.resource.get("resourceType")
            raise self._fail(f"{where}.reference", f"{target!r} is a {kind}, not a {' or '.join(kinds)}")
        return found

    def _record_id(self, prefix: str, found: _Found) -> str:
        """The record id of a resource: the prefix and its FHIR id when that makes a unique id, else a digest."""
        known = self.ids.get(found.path)
        if known is not None:
            return known
        resource_id = found.resource.get("id")
        made = f"{prefix}-{resource_id}" if isinstance(resource_id, str) else ""
        if not RECORD_ID.fullmatch(made) or made in self.used_ids:
            made = f"{prefix}-{_digest(self.source + found.path)}"
        self.ids[found.path] = made
        self.used_ids.add(made)
        return made

    def _made[R](
        self, record_kind: type[R], where: str, elements: dict[str, str], /, **values: Any
    ) -> tuple[R, list[InvalidRecord]]:
        """``record_kind(**values)`` as submitted, with the rules it breaks; a refused value names its FHIR element."""
        with as_submitted() as broken:
            try:
                record = record_kind(**values)
            except InvalidRecord as error:
                raise self._fail(f"{where}.{_element(error.field, elements)}", error.reason) from None
        return record, list(broken)

    # Parties.

    def _person_name(self, resource: dict[str, Any], where: str) -> PersonName:
        names = self._items(resource, "name", where)
        if not names:
            raise self._fail(f"{where}.name", "is required")
        name, at = names[0]
        given = name.get("given", [])
        if not isinstance(given, list) or not all(isinstance(part, str) for part in given):
            raise self._fail(f"{at}.given", "must be a list of strings")
        family = self._text(name, "family", at) or self._text(name, "text", at)
        if not family:
            raise self._fail(f"{at}.family", "is required")
        person, _ = self._made(
            PersonName,
            at,
            {"last": "family", "first": "given", "middle": "given"},
            last=family,
            first=given[0] if given else "",
            middle=" ".join(given[1:2]),
        )
        return person

    def _patient(self, found: _Found) -> str:
        patient_id = self._record_id("PAT", found)
        if patient_id in self.records.patients:
            return patient_id
        resource, where = found.resource, found.path
        birth = self._text(resource, "birthDate", where, required=True)
        gender = self._text(resource, "gender", where) or "unknown"
        if gender not in _GENDERS:
            raise self._fail(f"{where}.gender", f"{gender!r} is not male, female, other or unknown")
        patient, broken = self._made(
            Patient,
            where,
            {"birth_date": "birthDate", "sex": "gender"},
            id=patient_id,
            name=self._person_name(resource, where),
            birth_date=self._day(birth, f"{where}.birthDate"),
            sex=_GENDERS[gender],
            address=self._address(resource, where),
        )
        self.records.patients[patient_id] = patient
        if broken:
            self.records.broken[patient_id] = tuple(broken)
        return patient_id

    def _identifier(self, resource: dict[str, Any], where: str, systems: frozenset[str]) -> str | None:
        """The value of the resource's first identifier of one of ``systems``."""
        for identifier, at in self._items(resource, "identifier", where):
            system = identifier.get("system")
            if isinstance(system, str) and system in systems:
                return self._text(identifier, "value", at)
        return None

    def _npi(self, resource: dict[str, Any], where: str) -> str | None:
        return self._identifier(resource, where, frozenset({NPI_SYSTEM}))

    def _address(self, resource: dict[str, Any], where: str) -> Address | None:
        """The first US postal address of a resource; None when it gives none (the edits say so when required)."""
        addresses = self._items(resource, "address", where)
        if not addresses:
            return None
        address, at = addresses[0]
        if address.get("country", "US") not in ("US", "USA"):
            return None
        lines = address.get("line", [])
        if not isinstance(lines, list) or not lines or not all(isinstance(text, str) for text in lines):
            raise self._fail(f"{at}.line", "must be a list of one or two address lines")
        made, _ = self._made(
            Address,
            at,
            {"line1": "line[0]", "line2": "line[1]", "postal_code": "postalCode"},
            line1=lines[0],
            line2=lines[1] if len(lines) > 1 else "",
            city=self._text(address, "city", at, required=True),
            state=self._text(address, "state", at, required=True),
            postal_code=str(self._text(address, "postalCode", at, required=True)).replace("-", ""),
        )
        return made

    def _provider(self, found: _Found, notes: list[str]) -> str:
        """The id of a provider (Practitioner, Organization, PractitionerRole); recorded when it has an NPI."""
        provider_id = self._record_id("PRV", found)
        if provider_id in self.records.providers:
            return provider_id
        resource, where = found.resource, found.path
        if resource.get("resourceType") == "PractitionerRole":
            # The role's NPI when it has one (a group NPI), else the practitioner's.
            practitioner = self._resolve(
                resource.get("practitioner"), f"{where}.practitioner", found, ("Practitioner",)
            )
            npi = self._npi(resource, where) or self._npi(practitioner.resource, practitioner.path)
            resource, where = practitioner.resource, practitioner.path
        else:
            npi = self._npi(resource, where)
        if npi is None or not (len(npi.strip()) == 10 and npi.strip().isdigit()):
            problem = "no NPI (identifier of system " + NPI_SYSTEM + ")" if npi is None else f"{npi!r} is not 10 digits"
            notes.append(f"{found.path}: provider not recorded: {problem}")
            return provider_id
        if resource.get("resourceType") == "Organization":
            name = self._text(resource, "name", where, required=True)
            values: dict[str, Any] = {"kind": ProviderKind.ORGANIZATION, "name": name}
        else:
            person = self._person_name(resource, where)
            values = {"kind": ProviderKind.INDIVIDUAL, "name": person.last, "first_name": person.first}
        provider, broken = self._made(
            Provider,
            where,
            {"npi": "identifier", "tax_id": "identifier", "name": "name", "first_name": "name"},
            id=provider_id,
            npi=npi,
            tax_id=self._identifier(resource, where, TAX_ID_SYSTEMS),
            address=self._address(resource, where),
            **values,
        )
        self.records.providers[provider_id] = provider
        if broken:
            self.records.broken[provider_id] = tuple(broken)
        return provider_id

    def _payer(self, found: _Found, filing: ClaimFilingIndicator) -> str:
        payer_id = self._record_id("PAY", found)
        if payer_id in self.records.payers:
            return payer_id
        resource, where = found.resource, found.path
        identifiers = [
            (identifier, at)
            for identifier, at in self._items(resource, "identifier", where)
            if identifier.get("system") not in (NPI_SYSTEM, *TAX_ID_SYSTEMS)
        ]
        payer_identifier = self._text(identifiers[0][0], "value", identifiers[0][1]) if identifiers else None
        if not payer_identifier:
            raise self._fail(f"{where}.identifier", "the payer needs an identifier (the payer id claims are routed on)")
        payer, _ = self._made(
            Payer,
            where,
            {"payer_identifier": "identifier"},
            id=payer_id,
            name=self._text(resource, "name", where, required=True),
            payer_identifier=payer_identifier,
            claim_filing_indicator=filing,
            address=self._address(resource, where),
        )
        self.records.payers[payer_id] = payer
        return payer_id

    def _filing_indicator(self, coverage: dict[str, Any], where: str, kind: ClaimKind) -> ClaimFilingIndicator:
        """The claim filing indicator of a Coverage.type: an X12 code, a payment typology code, else ZZ."""
        if "type" not in coverage:
            return ClaimFilingIndicator.MUTUALLY_DEFINED
        for coding, at in self._items(self._obj(coverage["type"], f"{where}.type"), "coding", f"{where}.type"):
            code, system = coding.get("code"), str(coding.get("system", ""))
            if not isinstance(code, str):
                raise self._fail(f"{at}.code", "is required")
            if "sopt" in system.lower() or system == "urn:oid:2.16.840.1.113883.3.221.5":
                if code.startswith("1") and not code.startswith("11"):
                    medicare = kind is ClaimKind.PROFESSIONAL
                    return ClaimFilingIndicator.MEDICARE_PART_B if medicare else ClaimFilingIndicator.MEDICARE_PART_A
                for prefix, indicator in _PAYMENT_TYPOLOGY:
                    if code.startswith(prefix):
                        return indicator
            elif code in {indicator.value for indicator in ClaimFilingIndicator}:
                return ClaimFilingIndicator(code)
        return ClaimFilingIndicator.MUTUALLY_DEFINED

    def _coverage(self, found: _Found, patient_id: str, kind: ClaimKind, order: int) -> str:
        coverage_id = self._record_id("COV", found)
        if coverage_id in self.records.coverages:
            return coverage_id
        resource, where = found.resource, found.path
        payors = self._items(resource, "payor", where)
        if not payors:
            raise self._fail(f"{where}.payor", "is required: the payer billed")
        payer_found = self._resolve(payors[0][0], payors[0][1], found, ("Organization",))
        payer_id = self._payer(payer_found, self._filing_indicator(resource, where, kind))
        member_id = self._text(resource, "subscriberId", where)
        if not member_id:
            identifiers = self._items(resource, "identifier", where)
            member_id = self._text(identifiers[0][0], "value", identifiers[0][1]) if identifiers else None
        if not member_id:
            raise self._fail(f"{where}.subscriberId", "is required: the member id on the insurance card")
        relationship = Relationship.SELF
        if "relationship" in resource:
            codes = self._codes(resource["relationship"], f"{where}.relationship")
            if not codes or codes[0] not in _RELATIONSHIPS:
                raise self._fail(f"{where}.relationship", f"{codes[:1]} is not a subscriber-relationship code")
            relationship = _RELATIONSHIPS[codes[0]]
        subscriber = None
        if relationship is not Relationship.SELF:
            if "subscriber" not in resource:
                raise self._fail(f"{where}.subscriber", "is required when the patient is not the subscriber")
            insured = self._resolve(resource["subscriber"], f"{where}.subscriber", found, ("Patient", "RelatedPerson"))
            birth = self._text(insured.resource, "birthDate", insured.path)
            subscriber, _ = self._made(
                Subscriber,
                insured.path,
                {"birth_date": "birthDate", "sex": "gender"},
                name=self._person_name(insured.resource, insured.path),
                birth_date=self._day(birth, f"{insured.path}.birthDate") if birth else None,
                sex=_GENDERS.get(str(insured.resource.get("gender")), Sex.UNKNOWN),
            )
        group = next(
            (
                self._text(item, "value", at)
                for item, at in self._items(resource, "class", where)
                if "group" in self._codes(item.get("type", {}), f"{at}.type")
            ),
            None,
        )
        given_order = resource.get("order")
        if given_order is not None:
            order = self._integer(given_order, f"{where}.order")
        if order not in _ORDERS:
            raise self._fail(f"{where}.order", f"{order} is not 1, 2 or 3 (primary, secondary, tertiary)")
        coverage, _ = self._made(
            Coverage,
            where,
            {"member_id": "subscriberId", "group_number": "class", "relationship": "relationship"},
            id=coverage_id,
            patient_id=patient_id,
            payer_id=payer_id,
            order=_ORDERS[order],
            member_id=member_id,
            relationship=relationship,
            group_number=group,
            subscriber=subscriber,
        )
        self.records.coverages[coverage_id] = coverage
        return coverage_id

    # The claim.

    def read(self) -> ClaimsFile:
        """Every Claim of the document, in order."""
        for found in self._index():
            self._claim(found)
        return self.records

    def _kind(self, claim: dict[str, Any], where: str) -> ClaimKind:
        if "type" not in claim:
            raise self._fail(f"{where}.type", "is required (professional or institutional)")
        for code in self._codes(claim["type"], f"{where}.type"):
            if code in ("professional", "institutional"):
                return ClaimKind(code)
        raise self._fail(f"{where}.type", "is not professional or institutional: revcycle scrubs 837P and 837I claims")

    def _claim(self, found: _Found) -> None:
        claim, where = found.resource, found.path
        notes: list[str] = []
        use = claim.get("use", "claim")
        if use != "claim":
            raise self._fail(f"{where}.use", f"{use!r}: only a claim for payment (use 'claim') is scrubbed")
        identifiers = self._items(claim, "identifier", where)
        number = self._text(identifiers[0][0], "value", identifiers[0][1]) if identifiers else None
        number = number or self._text(claim, "id", where)
        if not number:
            raise self._fail(f"{where}.identifier", "is required: the claim's number (patient control number)")
        kind = self._kind(claim, where)
        if "patient" not in claim:
            raise self._fail(f"{where}.patient", "is required")
        patient_id = self._patient(self._resolve(claim["patient"], f"{where}.patient", found, ("Patient",)))
        if "provider" not in claim:
            raise self._fail(f"{where}.provider", "is required: the billing provider")
        provider_kinds = ("Practitioner", "Organization", "PractitionerRole")
        billing_id = self._provider(self._resolve(claim["provider"], f"{where}.provider", found, provider_kinds), notes)
        insurance = self._items(claim, "insurance", where)
        if not insurance:
            raise self._fail(f"{where}.insurance", "is required: the coverage billed")
        chosen, at = next(((item, at) for item, at in insurance if item.get("focal") is True), insurance[0])
        sequence = chosen.get("sequence", 1)
        coverage_found = self._resolve(chosen.get("coverage"), f"{at}.coverage", found, ("Coverage",))
        coverage_id = self._coverage(coverage_found, patient_id, kind, self._integer(sequence, f"{at}.sequence"))
        values: dict[str, Any] = {}
        team = self._care_team(claim, where, found, kind, values, notes)
        diagnoses = self._diagnoses(claim, where, kind)
        values.update(diagnoses.claim_values())
        if kind is ClaimKind.INSTITUTIONAL:
            values.update(self._institutional(claim, where))
            values.update(self._procedures(claim, where))
        elif "procedure" in claim:
            notes.append(f"{where}.procedure: not read (ICD-10-PCS procedures belong to institutional claims)")
        prior = self._prior(claim, where)
        if prior is not None:
            values["original_claim_reference"] = prior or None
            values.setdefault("frequency", ClaimFrequency.REPLACEMENT)
        items = self._items(claim, "item", where)
        if not items:
            raise self._fail(f"{where}.item", "is required: a claim bills at least one service")
        place = self._place(items[0][0], items[0][1]) if kind is ClaimKind.PROFESSIONAL else None
        if place is not None:
            # The claim's place of service is its first item's; a line keeps its own only where it differs.
            values["place_of_service"] = place
        context = _Lines(claim, diagnoses, team, values.get("rendering_provider_id"), place)
        lines, broken = [], []
        for item, at in items:
            line, line_broken = self._line(item, at, context)
            lines.append(line)
            broken += line_broken
        if "total" in claim:
            total = self._money(claim["total"], f"{where}.total")
        else:
            total = sum((service.charge for service in lines), Decimal("0.00"))
            notes.append(f"{where}.total: absent; the sum of the item charges is taken as the claim's total")
        record, claim_broken = self._made(
            Claim,
            where,
            {
                "total_charge": "total",
                "diagnoses": "diagnosis",
                "lines": "item",
                "original_claim_reference": "related",
                "patient_control_number": "identifier",
                "facility_type_code": "supportingInfo",
                "frequency": "supportingInfo",
                "statement_from": "billablePeriod",
                "statement_to": "billablePeriod",
                "place_of_service": "item[0].locationCodeableConcept",
            },
            id=self._record_id("CLM", found),
            kind=kind,
            patient_control_number=number,
            patient_id=patient_id,
            coverage_id=coverage_id,
            billing_provider_id=billing_id,
            diagnoses=tuple(diagnoses.diagnoses),
            lines=tuple(lines),
            total_charge=total,
            **values,
        )
        broken += claim_broken
        if notes:
            self.records.notes[len(self.records.claims)] = tuple(notes)
        self.records.claims.append((record, tuple(broken)))

    def _care_team(
        self,
        claim: dict[str, Any],
        where: str,
        found: _Found,
        kind: ClaimKind,
        values: dict[str, Any],
        notes: list[str],
    ) -> dict[int, tuple[str, str]]:
        """Fill the claim's provider roles from ``careTeam``; the members by sequence as (role, provider id)."""
        roles = _PROFESSIONAL_ROLES if kind is ClaimKind.PROFESSIONAL else _INSTITUTIONAL_ROLES
        members: dict[int, tuple[str, str]] = {}
        for member, at in self._items(claim, "careTeam", where):
            provider_found = self._resolve(
                member.get("provider"), f"{at}.provider", found, ("Practitioner", "Organization", "PractitionerRole")
            )
            provider_id = self._provider(provider_found, notes)
            role_codes = self._codes(member["role"], f"{at}.role") if "role" in member else []
            role = next((roles[code] for code in role_codes if code in roles), "")
            members[self._integer(member.get("sequence"), f"{at}.sequence")] = (role, provider_id)
            if role and role not in values:
                values[role] = provider_id
        return members

    def _diagnoses(self, claim: dict[str, Any], where: str, kind: ClaimKind) -> _Diagnoses:
        """The claim's ICD-10-CM diagnoses in sequence order.

        On an institutional claim, those whose ``type`` the 837I carries apart go to their own fields: admitting
        (HI*ABJ), reason for visit (HI*APR) and external cause of injury (HI*ABN).
        """
        ordered = []
        found = _Diagnoses()
        for diagnosis, at in self._items(claim, "diagnosis", where):
            sequence = self._integer(diagnosis.get("sequence"), f"{at}.sequence")
            if sequence in found.placed:
                raise self._fail(f"{at}.sequence", f"{sequence} is the sequence of another diagnosis")
            if "diagnosisCodeableConcept" not in diagnosis:
                raise self._fail(f"{at}.diagnosisCodeableConcept", "is required (a Condition reference is not read)")
            concept_at = f"{at}.diagnosisCodeableConcept"
            code = self._code(
                diagnosis["diagnosisCodeableConcept"],
                concept_at,
                frozenset({ICD10CM_SYSTEM}),
                "ICD-10-CM",
                ICD10CM_SYSTEM,
            )
            on_admission = None
            if "onAdmission" in diagnosis:
                on_admission = next(iter(self._codes(diagnosis["onAdmission"], f"{at}.onAdmission")), None)
            made, _ = self._made(
                Diagnosis,
                at,
                {"code": "diagnosisCodeableConcept", "present_on_admission": "onAdmission"},
                code=code,
                present_on_admission=on_admission,
            )
            types = {
                code
                for concept, type_at in self._items(diagnosis, "type", at)
                for code in self._codes(concept, type_at)
            }
            role = next((role for role in _INSTITUTIONAL_DIAGNOSES if role in types), None)
            if kind is ClaimKind.INSTITUTIONAL and role is not None:
                found.placed[sequence] = role
                found.values.setdefault(_INSTITUTIONAL_DIAGNOSES[role], []).append(made)
            else:
                found.placed[sequence] = ""
                ordered.append((sequence, made))
        ordered.sort(key=lambda item: item[0])
        for position, (sequence, made) in enumerate(ordered, start=1):
            found.positions[sequence] = position
            found.diagnoses.append(made)
        return found

    def _pointers(self, item: dict[str, Any], where: str, diagnoses: _Diagnoses) -> tuple[int, ...]:
        pointers = []
        numbers = item.get("diagnosisSequence", [])
        if not isinstance(numbers, list):
            raise self._fail(f"{where}.diagnosisSequence", "must be a JSON array")
        for index, number in enumerate(numbers):
            at = f"{where}.diagnosisSequence[{index}]"
            sequence = self._integer(number, at)
            if sequence in diagnoses.positions:
                pointers.append(diagnoses.positions[sequence])
            elif diagnoses.placed.get(sequence):
                raise self._fail(
                    at, f"{sequence} is the {diagnoses.placed[sequence]} diagnosis, which no line points to"
                )
            elif sequence > len(diagnoses.diagnoses):
                # Past the diagnoses: kept, so that the scrubber reports the pointer as submitted.
                pointers.append(sequence)
            else:
                raise self._fail(at, f"{sequence} is the sequence of no diagnosis")
        return tuple(pointers)

    def _place(self, item: dict[str, Any], where: str) -> str | None:
        """The CMS place-of-service code of an item's ``locationCodeableConcept``, None when it gives none."""
        if "locationCodeableConcept" not in item:
            return None
        at = f"{where}.locationCodeableConcept"
        return next(iter(self._codes(item["locationCodeableConcept"], at, frozenset({POS_SYSTEM}))), None)

    def _line(self, item: dict[str, Any], where: str, context: _Lines) -> tuple[ServiceLine, list[InvalidRecord]]:
        if "productOrService" not in item:
            raise self._fail(f"{where}.productOrService", "is required")
        at = f"{where}.productOrService"
        procedure = self._code(
            item["productOrService"], at, PROCEDURE_SYSTEMS, "CPT or HCPCS", f"{CPT_SYSTEM} or {HCPCS_SYSTEM}"
        )
        modifiers = []
        for concept, at in self._items(item, "modifier", where):
            codes = self._codes(concept, at, PROCEDURE_SYSTEMS) or self._codes(concept, at)
            if not codes:
                raise self._fail(f"{at}.coding", "has no code")
            modifiers.append(codes[0])
        units = Decimal(1)
        if "quantity" in item:
            quantity = self._obj(item["quantity"], f"{where}.quantity")
            units = self._number(quantity.get("value"), f"{where}.quantity.value")
        if "net" in item:
            charge = self._money(item["net"], f"{where}.net")
        elif "unitPrice" in item:
            factor = self._number(item.get("factor", 1), f"{where}.factor")
            price = self._money(item["unitPrice"], f"{where}.unitPrice")
            try:
                # Not rounded: a product with fractions of a cent is refused by the line, as any charge would be.
                charge = price * units * factor
            except ArithmeticError:
                raise self._fail(f"{where}.unitPrice", "times quantity and factor is not an amount") from None
        else:
            raise self._fail(f"{where}.net", "is required (or unitPrice): the line's charge")
        start, end = self._served(item, where, context.claim)
        values: dict[str, Any] = {}
        place = self._place(item, where)
        if place != context.place:
            values["place_of_service"] = place
        if "revenue" in item:
            values["revenue_code"] = next(iter(self._codes(item["revenue"], f"{where}.revenue")), None)
        performers = item.get("careTeamSequence", [])
        if not isinstance(performers, list):
            raise self._fail(f"{where}.careTeamSequence", "must be a JSON array")
        for index, number in enumerate(performers):
            member = context.team.get(self._integer(number, f"{where}.careTeamSequence[{index}]"))
            if member is None:
                raise self._fail(
                    f"{where}.careTeamSequence[{index}]", f"{number} is the sequence of no careTeam member"
                )
            role, provider_id = member
            if role in ("rendering_provider_id", "attending_provider_id") and provider_id != context.rendering:
                values["rendering_provider_id"] = provider_id
        return self._made(
            ServiceLine,
            where,
            _ITEM_ELEMENTS,
            line_number=self._integer(item.get("sequence"), f"{where}.sequence"),
            procedure_code=procedure,
            modifiers=tuple(modifiers),
            units=units,
            charge=charge,
            service_date=start,
            service_date_end=end if end != start else None,
            diagnosis_pointers=self._pointers(item, where, context.diagnoses),
            **values,
        )

    def _served(self, item: dict[str, Any], where: str, claim: dict[str, Any]) -> tuple[date, date | None]:
        """The item's first and last day of service: servicedDate, servicedPeriod, else the billable period."""
        if "servicedDate" in item:
            day = self._day(item["servicedDate"], f"{where}.servicedDate")
            return day, None
        period, at = item.get("servicedPeriod"), f"{where}.servicedPeriod"
        if period is None:
            period, at = claim.get("billablePeriod"), "billablePeriod"
        if period is None:
            raise self._fail(f"{where}.servicedDate", "is required (or servicedPeriod, or the claim's billablePeriod)")
        period = self._obj(period, at)
        start = self._day(period.get("start"), f"{at}.start")
        end = self._day(period["end"], f"{at}.end") if "end" in period else None
        return start, end

    def _institutional(self, claim: dict[str, Any], where: str) -> dict[str, Any]:
        """An institutional claim's statement period, type of bill and patient status."""
        values: dict[str, Any] = {}
        if "billablePeriod" in claim:
            period = self._obj(claim["billablePeriod"], f"{where}.billablePeriod")
            if "start" in period:
                values["statement_from"] = self._day(period["start"], f"{where}.billablePeriod.start")
            if "end" in period:
                values["statement_to"] = self._day(period["end"], f"{where}.billablePeriod.end")
        for info, at in self._items(claim, "supportingInfo", where):
            category = self._codes(info.get("category", {}), f"{at}.category")
            code = next(iter(self._codes(info["code"], f"{at}.code")), None) if "code" in info else None
            if "typeofbill" in category and code:
                # The type of bill is four digits with its leading zero (0131) or three: facility type, frequency.
                digits = code[1:] if len(code) == 4 else code
                if len(digits) != 3 or not digits.isdigit():
                    raise self._fail(f"{at}.code", f"{code!r} is not a type of bill (e.g. 0131)")
                values["facility_type_code"] = digits[:2]
                values["frequency"] = digits[2]
            elif "discharge-status" in category and code:
                values["patient_status"] = code
        return values

    def _procedures(self, claim: dict[str, Any], where: str) -> dict[str, Any]:
        """The ICD-10-PCS procedures of an institutional claim.

        The principal is the one of type ``principal`` or ``primary``, else the first by sequence.
        """
        ordered = []
        for procedure, at in self._items(claim, "procedure", where):
            sequence = self._integer(procedure.get("sequence"), f"{at}.sequence")
            if "procedureCodeableConcept" not in procedure:
                raise self._fail(f"{at}.procedureCodeableConcept", "is required (a Procedure reference is not read)")
            concept_at = f"{at}.procedureCodeableConcept"
            code = self._code(
                procedure["procedureCodeableConcept"],
                concept_at,
                frozenset({ICD10PCS_SYSTEM}),
                "ICD-10-PCS",
                ICD10PCS_SYSTEM,
            )
            if "date" not in procedure:
                raise self._fail(f"{at}.date", "is required: the day the procedure was done")
            made, _ = self._made(
                IcdProcedure,
                at,
                {"code": "procedureCodeableConcept", "performed_on": "date"},
                code=code,
                performed_on=self._day(procedure["date"], f"{at}.date"),
            )
            types = {
                code
                for concept, type_at in self._items(procedure, "type", at)
                for code in self._codes(concept, type_at)
            }
            ordered.append((not types & {"principal", "primary"}, sequence, made))
        if not ordered:
            return {}
        ordered.sort(key=lambda item: (item[0], item[1]))
        return {"principal_procedure": ordered[0][2], "other_procedures": tuple(made for _, _, made in ordered[1:])}

    def _prior(self, claim: dict[str, Any], where: str) -> str | None:
        """The number of the prior claim this one replaces (``related`` of relationship ``prior``); "" without one."""
        for related, at in self._items(claim, "related", where):
            relationship = (
                self._codes(related["relationship"], f"{at}.relationship") if "relationship" in related else []
            )
            if "prior" not in relationship:
                continue
            if "reference" not in related:
                return ""
            return self._text(self._obj(related["reference"], f"{at}.reference"), "value", f"{at}.reference") or ""
        return None
