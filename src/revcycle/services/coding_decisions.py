"""A coder's decisions on the coding engine's suggestions, stored with the encounter, and the synonyms they teach.

A batch of decisions (one organisation, one stored encounter) is recorded in one unit of work: every decision and
every synonym it changes, or nothing. Each decision has a key, the client's ``id`` or one derived from its content,
so recording the same batch again changes nothing; the same key with other content is a conflict.

How decisions feed the organisation's synonyms (phrase = the decision's evidence text, lower case, spaces collapsed):

- ``edit`` (suggested X, the coder chose Y) and ``add`` (the coder added Y): the pair phrase -> Y gains one
  confirmation (and is created at one);
- ``accept`` of X: phrase -> X gains one confirmation when the organisation already has the pair (the coder
  suggested X through it); otherwise the coder found X on its own and there is nothing to teach. Creating pairs from
  accepts would be wrong as well as useless: X is often reached from T by a guideline, not because T means X
  ("hypertension" accepted as I12.9 because the note also documents CKD), and the pair would then rank above the
  maintained table for every later note saying "hypertension";
- ``reject`` of X: phrase -> X loses one confirmation, and is removed at zero (a reject of a pair never confirmed
  changes nothing).

Only ICD-10-CM pairs feed the coder (`organisation_synonyms`): CPT and HCPCS pairs are kept, for the coders to read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from revcycle.errors import Conflict, InputFileError, InvalidRecord
from revcycle.store import UnitOfWork
from revcycle.store.coding import CodingDecision, CodingDecisions, CodingSynonym

RECORD = "CodingDecisions"
DECISIONS = ("accept", "reject", "edit", "add")
CODE_SYSTEMS = ("icd10cm", "cpt", "hcpcs")
MAX_PHRASE = 200
MAX_ID = 64

_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}")
_CPT = re.compile(r"[0-9]{4}[0-9A-Z]")
_HCPCS = re.compile(r"[A-Z][0-9]{4}")


@dataclass(frozen=True, slots=True)
class DecisionBatch:
    """The decisions of one coder's session on one encounter, as a client sends them.

    Attributes:
        organisation: the organisation whose synonyms the decisions feed.
        encounter_id: the stored encounter the codes are for.
        decisions: the decisions, each with its key and moment filled in.
        timed: for each decision, whether its moment is part of it: the client gave both its id and its moment.
            Otherwise the moment is not compared when the same decision is recorded again (and when the client
            gave none, the moment of recording is used).
    """

    organisation: str
    encounter_id: str
    decisions: tuple[CodingDecision, ...]
    timed: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class SynonymChange:
    """How one decision changed a synonym: its count after the decision (0 when removed)."""

    decision_id: str
    phrase: str
    code: str
    code_system: str
    times_confirmed: int


@dataclass(frozen=True, slots=True)
class RecordedBatch:
    """What recording a batch did.

    Attributes:
        recorded: the ids of the decisions newly stored.
        unchanged: the ids of the decisions already stored exactly so.
        synonyms: the synonym changes, in decision order.
    """

    recorded: tuple[str, ...]
    unchanged: tuple[str, ...]
    synonyms: tuple[SynonymChange, ...]

    def as_json(self) -> dict[str, Any]:
        """The outcome as the CLI and the API print it."""
        return {
            "recorded": list(self.recorded),
            "unchanged": list(self.unchanged),
            "synonyms": [
                {
                    "decision": change.decision_id,
                    "phrase": change.phrase,
                    "code": change.code,
                    "code_system": change.code_system,
                    "times_confirmed": change.times_confirmed,
                }
                for change in self.synonyms
            ],
        }


def normalise_phrase(text: str) -> str:
    """A phrase as synonyms are keyed: lower case, spaces collapsed, no punctuation around it."""
    return " ".join(text.lower().split()).strip(" .,;:")


def normalise_code(code: str, code_system: str) -> str | None:
    """``code`` as stored (ICD-10-CM with its dot after the category), or None when it is no code of the system."""
    bare = code.strip().upper().replace(".", "")
    if code_system == "icd10cm":
        return f"{bare[:3]}.{bare[3:]}".rstrip(".") if _ICD10CM.fullmatch(bare) else None
    if code_system == "cpt":
        return bare if _CPT.fullmatch(bare) else None
    # HCPCS Level I is CPT: a HCPCS code is either level.
    return bare if _HCPCS.fullmatch(bare) or _CPT.fullmatch(bare) else None


def decision_key(decision: CodingDecision) -> str:
    """The key of a decision the client gave no id: a digest of what was decided, by whom, on which encounter."""
    parts = (
        decision.organisation,
        decision.encounter_id,
        decision.code_system,
        decision.suggested_code or "",
        decision.decision,
        decision.final_code or "",
        normalise_phrase(decision.evidence_text),
        decision.decided_by,
    )
    return "cd-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _text(values: Mapping[str, Any], name: str, where: str, *, required: bool = True, limit: int = MAX_ID) -> str:
    value = values.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(RECORD, f"{where}{name}", "must be a non-empty string")
    if len(value.strip()) > limit:
        raise InvalidRecord(RECORD, f"{where}{name}", f"must be at most {limit} characters")
    return value.strip()


def _code(values: Mapping[str, Any], name: str, where: str, code_system: str) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or normalise_code(value, code_system) is None:
        raise InvalidRecord(RECORD, f"{where}{name}", f"{value!r} is not a {code_system} code")
    return normalise_code(value, code_system)


def _moment(values: Mapping[str, Any], where: str, now: datetime) -> tuple[datetime, bool]:
    value = values.get("decided_at")
    if value is None:
        return now, False
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidRecord(RECORD, f"{where}decided_at", f"{value!r} is not an ISO 8601 date and time")
    # Stored in UTC: SQLite keeps no zone, so a moment read back is taken as UTC.
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)), True


def _check_codes(decision: str, suggested: str | None, final: str | None, where: str) -> str | None:
    """The final code the decision implies, after checking the codes fit the decision."""
    if decision in ("accept", "reject", "edit") and suggested is None:
        raise InvalidRecord(RECORD, f"{where}suggested_code", f"an {decision} needs the code that was suggested")
    if decision == "add" and suggested is not None:
        raise InvalidRecord(RECORD, f"{where}suggested_code", "an add has no suggested code: use edit")
    if decision == "reject":
        if final is not None:
            raise InvalidRecord(RECORD, f"{where}final_code", "a reject has no final code")
        return None
    if decision == "accept":
        if final is not None and final != suggested:
            raise InvalidRecord(RECORD, f"{where}final_code", "an accept keeps the suggested code: use edit")
        return suggested
    if final is None:
        raise InvalidRecord(RECORD, f"{where}final_code", f"an {decision} needs the code the coder chose")
    if decision == "edit" and final == suggested:
        raise InvalidRecord(RECORD, f"{where}final_code", "an edit chooses another code: use accept")
    return final


def _parse_decision(
    item: object, index: int, organisation: str, encounter_id: str, decided_by: str, now: datetime
) -> tuple[CodingDecision, bool]:
    where = f"decisions[{index}]."
    if not isinstance(item, Mapping):
        raise InvalidRecord(RECORD, f"decisions[{index}]", "must be an object")
    decision = item.get("decision")
    if decision not in DECISIONS:
        raise InvalidRecord(RECORD, f"{where}decision", f"{decision!r} is not one of {', '.join(DECISIONS)}")
    code_system = item.get("code_system", "icd10cm")
    if code_system not in CODE_SYSTEMS:
        raise InvalidRecord(RECORD, f"{where}code_system", f"{code_system!r} is not one of {', '.join(CODE_SYSTEMS)}")
    suggested = _code(item, "suggested_code", where, code_system)
    final = _check_codes(decision, suggested, _code(item, "final_code", where, code_system), where)
    evidence = _text(item, "evidence_text", where, limit=MAX_PHRASE)
    if not normalise_phrase(evidence):
        raise InvalidRecord(RECORD, f"{where}evidence_text", "must hold words, not only punctuation")
    moment, timed = _moment(item, where, now)
    made = CodingDecision(
        id="",
        organisation=organisation,
        encounter_id=encounter_id,
        code_system=code_system,
        suggested_code=suggested,
        decision=decision,
        final_code=final,
        evidence_text=evidence,
        decided_by=_text(item, "decided_by", where, required=False) or decided_by,
        decided_at=moment,
    )
    if not made.decided_by:
        raise InvalidRecord(RECORD, f"{where}decided_by", "who decided is required (here or for the batch)")
    given = _text(item, "id", where, required=False)
    # A content-derived key leaves the moment out: the same decision sent again with a fresh moment (a client
    # retrying) is the same decision, not a conflict.
    return replace(made, id=given or decision_key(made)), timed and bool(given)


def parse_batch(document: object, now: datetime | None = None) -> DecisionBatch:
    """A batch of decisions from its JSON form (docs/coding-decisions.md).

    Args:
        document: ``{"organisation", "encounter_id", "decided_by"?, "decisions": [...]}``.
        now: the moment given to decisions that state none (default: now, UTC).

    Raises:
        InvalidRecord: a field is missing or wrong, named by its path (``decisions[2].final_code``).
    """
    if not isinstance(document, Mapping):
        raise InvalidRecord(RECORD, "", "must be a JSON object with organisation, encounter_id and decisions")
    organisation = _text(document, "organisation", "")
    encounter_id = _text(document, "encounter_id", "")
    decided_by = _text(document, "decided_by", "", required=False)
    items = document.get("decisions")
    if not isinstance(items, list) or not items:
        raise InvalidRecord(RECORD, "decisions", "must be a non-empty list of decisions")
    moment = now or datetime.now(UTC)
    parsed = [
        _parse_decision(item, index, organisation, encounter_id, decided_by, moment) for index, item in enumerate(items)
    ]
    return DecisionBatch(
        organisation, encounter_id, tuple(item for item, _ in parsed), tuple(timed for _, timed in parsed)
    )


def read_batch_file(path: Path, now: datetime | None = None) -> DecisionBatch:
    """A batch of decisions from a JSON file (docs/coding-decisions.md).

    Raises:
        InputFileError: the file cannot be read, is not JSON, or a field is missing or wrong (named by its path).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise InputFileError(str(path), f"byte {error.start}", "not UTF-8 text") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(str(path), f"line {error.lineno} column {error.colno}", "not valid JSON") from None
    try:
        return parse_batch(document, now)
    except InvalidRecord as error:
        raise InputFileError(str(path), error.field, error.reason) from None


def _same(stored: CodingDecision, given: CodingDecision, timed: bool) -> bool:
    return stored == (given if timed else replace(given, decided_at=stored.decided_at))


def record_decisions(engine: Engine, batch: DecisionBatch) -> RecordedBatch:
    """Store a batch of decisions with its encounter and update the organisation's synonyms, all or nothing.

    Raises:
        InvalidRecord: the encounter is not stored.
        Conflict: a decision's key is already stored (or listed earlier) with other content.
        DatabaseError: the database fails.
    """
    with UnitOfWork(engine) as unit:
        outcome = record_in(CodingDecisions(unit.connection), batch)
        unit.commit()
    return outcome


def record_in(store: CodingDecisions, batch: DecisionBatch) -> RecordedBatch:
    """Record ``batch`` in an open unit of work (the caller commits); see `record_decisions`."""
    if not store.encounter_exists(batch.encounter_id):
        raise InvalidRecord(
            RECORD, "encounter_id", f"refers to {batch.encounter_id!r}, which is not in encounters; add it first"
        )
    known = store.load([decision.id for decision in batch.decisions])
    recorded: list[str] = []
    unchanged: list[str] = []
    changes: list[SynonymChange] = []
    for decision, timed in zip(batch.decisions, batch.timed, strict=True):
        existing = known.get(decision.id)
        if existing is not None:
            if not _same(existing, decision, timed):
                raise Conflict("Coding decision", decision.id)
            unchanged.append(decision.id)
            continue
        store.add([decision])
        known[decision.id] = decision
        recorded.append(decision.id)
        changes += _feed(store, decision)
    return RecordedBatch(tuple(recorded), tuple(unchanged), tuple(changes))


def _feed(store: CodingDecisions, decision: CodingDecision) -> list[SynonymChange]:
    """Change the organisation's synonyms as the decision teaches (the rule in the module's docstring)."""
    phrase = normalise_phrase(decision.evidence_text)
    if decision.decision == "reject":
        code, step = decision.suggested_code, -1
    else:
        code, step = decision.final_code, 1
    if code is None:  # pragma: no cover - parse_batch gives every decision but a reject a final code
        return []
    found = store.synonym(decision.organisation, phrase, code)
    if found is None:
        if decision.decision in ("accept", "reject"):
            return []
        found = CodingSynonym(decision.organisation, phrase, code, decision.code_system, 0, decision.id, decision.id)
    updated = replace(found, times_confirmed=found.times_confirmed + step, last_decision_id=decision.id)
    store.save_synonym(updated)
    return [SynonymChange(decision.id, phrase, code, decision.code_system, updated.times_confirmed)]


def organisation_synonyms(unit: UnitOfWork, organisation: str) -> list[tuple[str, str]]:
    """The (phrase, ICD-10-CM code) pairs the organisation's decisions confirm, for `Coder.load`'s ``synonyms``.

    Pairs confirmed at least once and not rejected as often as confirmed, in phrase then code order (so the same
    table gives the same tuple, and a coder cached for it can be found again).
    """
    return [
        (synonym.phrase, synonym.code)
        for synonym in CodingDecisions(unit.connection).synonyms(organisation, "icd10cm")
        if synonym.times_confirmed > 0
    ]


def synonyms_of(engine: Engine, organisation: str) -> list[tuple[str, str]]:
    """`organisation_synonyms` in a unit of work of its own."""
    with UnitOfWork(engine) as unit:
        return organisation_synonyms(unit, organisation)


def synonym_table(engine: Engine, organisation: str) -> list[CodingSynonym]:
    """Every synonym the organisation's decisions confirm (all code systems), for the coders to read."""
    with UnitOfWork(engine) as unit:
        return CodingDecisions(unit.connection).synonyms(organisation)


def encounter_decisions(engine: Engine, encounter_id: str) -> list[CodingDecision]:
    """The decisions stored with an encounter, oldest first."""
    with UnitOfWork(engine) as unit:
        return CodingDecisions(unit.connection).for_encounter(encounter_id)


def decisions_json(decisions: Sequence[CodingDecision]) -> list[dict[str, Any]]:
    """Decisions as the API prints them."""
    return [
        {
            "id": item.id,
            "organisation": item.organisation,
            "encounter_id": item.encounter_id,
            "code_system": item.code_system,
            "suggested_code": item.suggested_code,
            "decision": item.decision,
            "final_code": item.final_code,
            "evidence_text": item.evidence_text,
            "decided_by": item.decided_by,
            "decided_at": item.decided_at.isoformat(),
        }
        for item in decisions
    ]
