"""Procedure codes (HCPCS Level II and CPT) and X12/CMS code lists as of a date of service.

A CPT code is shown with AMA text only when the user has loaded a licensed descriptor file (`cpt_descriptors`);
otherwise its description is None and ``descriptor_licensed`` is False, whatever else is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

from revcycle.domain.codes import is_cpt_code
from revcycle.refdata.reference import InForce, NoRelease, in_force, in_force_span, narrowed
from revcycle.refdata.sets import CPT, CPT_DESCRIPTORS, HCPCS
from revcycle.refdata.store import ReferenceStore

"""AMA CPT descriptors from a user-supplied licensed file; absent, CPT codes carry no AMA text.

Defined here rather than with its importer so that a lookup does not import every importer.
"""


@dataclass(frozen=True, slots=True)
class ProcedureCode:
    """A HCPCS Level II or CPT code as the release in force on a date of service has it.

    Attributes:
        system: ``HCPCS`` (Level II, incl. its modifiers) or ``CPT`` (Level I).
        code: the code as billed on the claim line (SV101-2), e.g. ``J1885``, ``99213``, ``RT``.
        description: the long descriptor; for CPT only from a licensed descriptor file, else None.
        short_description: the short descriptor (28 characters for HCPCS), same licence rule.
        descriptor_licensed: False for a CPT code with no licensed descriptor loaded (no AMA text is shown);
            True when the text shown may be shown (HCPCS text is public; CPT text came from the licensed file).
        kind: ``procedure`` or ``modifier``.
        valid: whether the code may be billed on the day: added on or before it, not terminated before it.
        added: when the code was added, if the source says.
        terminated: the last day the code could be billed, if terminated.
        release_version: the release that answered, e.g. ``2026-01``.
        effective_from: first date of service that release governs.
        effective_to: last date of service it governs, None when open.
        warning: set when the day is past the newest release loaded (the newest was used).
        attributes: the rest of the release's row: for HCPCS BETOS, coverage code, pricing indicators, action code,
            type of service, ...; for CPT the OPPS status indicator and APC.
    """

    system: Literal["HCPCS", "CPT"]
    code: str
    description: str | None
    short_description: str | None
    descriptor_licensed: bool
    kind: str
    valid: bool
    added: date | None
    terminated: date | None
    release_version: str
    effective_from: date
    effective_to: date | None
    warning: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def betos(self) -> str | None:
        """The HCPCS Berenson-Eggers type of service, e.g. ``O1E`` (other drugs)."""
        value = self.attributes.get("betos")
        return str(value) if value else None


@dataclass(frozen=True, slots=True)
class CodeListEntry:
    """A code of an X12 or CMS code list (CARC, RARC, claim status, place of service) as of a date.

    Attributes:
        code_set: the set, e.g. ``carc`` (CAS02), ``rarc`` (LQ02), ``place_of_service`` (CLM05-1).
        code: the code, e.g. ``45``, ``N130``, ``11``.
        description: the published text, None where the source carries codes only.
        status: as published (``current``, ``deactivated``), None where the source does not say.
        start: first date the code may be used, when published.
        stop: last date the code may be used, when published.
        valid: whether the code may be used on the day; None when the list marks it deactivated without a date.
        release_version: the release of the list that answered.
        warning: set when the day is outside the loaded releases' periods (the nearest was used).
        attributes: the rest of the row (e.g. the short title of a place of service).
    """

    code_set: str
    code: str
    description: str | None
    status: str | None
    start: date | None
    stop: date | None
    valid: bool | None
    release_version: str
    warning: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _usable_on(day: date, added: date | None, terminated: date | None) -> bool:
    return (added is None or added <= day) and (terminated is None or day <= terminated)


def lookup_procedure(store: ReferenceStore, code: str, day: date) -> ProcedureCode | None:
    """The HCPCS or CPT code ``code`` as the release in force on ``day`` has it, None if that release lacks it.

    A code terminated before ``day`` is still returned, with ``valid`` False.

    Raises:
        NoRelease: no release of the code's set is loaded, or ``day`` precedes them all.
    """
    wanted = code.strip().upper()
    if is_cpt_code(wanted):
        return _cpt(store, wanted, day)
    return _hcpcs(store, wanted, day)


def dated_procedure(store: ReferenceStore, code: str, day: date) -> tuple[ProcedureCode | None, date, date]:
    """`lookup_procedure` without the day's warning, with the span of days around ``day`` over which it holds.

    What the scrubber's edits read of a code (its validity, dates and release) changes only where the release in
    force changes or the code is added or terminated; the warning that a day is past the newest release names the
    day, so it is left out (the edits say so themselves, from `in_force`).

    Raises:
        NoRelease: no release of the code's set is loaded, or ``day`` precedes them all.
    """
    found = lookup_procedure(store, code, day)
    cpt = is_cpt_code(code.strip().upper())
    span = in_force_span(store, CPT if cpt else HCPCS, day)
    if cpt and store.releases(CPT_DESCRIPTORS):
        # The licensed text is read from the descriptor release in force too.
        first, last = in_force_span(store, CPT_DESCRIPTORS, day)
        span = (max(span[0], first), min(span[1], last))
    if found is None:
        return None, *span
    if found.warning is not None:
        found = replace(found, warning=None)
    boundaries = [found.added] if found.added is not None else []
    if found.terminated is not None and found.terminated < date.max:
        boundaries.append(found.terminated + timedelta(days=1))
    return found, *narrowed(span, day, boundaries)


def _hcpcs(store: ReferenceStore, code: str, day: date) -> ProcedureCode | None:
    governing = in_force(store, HCPCS, day)
    data = store.entry(governing.release, code)
    if data is None:
        return None
    added, terminated = _day(data.get("added")), _day(data.get("terminated"))
    shown = {"code", "kind", "long_description", "short_description", "added", "terminated"}
    return ProcedureCode(
        system="HCPCS",
        code=code,
        description=data.get("long_description") or None,
        short_description=data.get("short_description"),
        descriptor_licensed=True,
        kind=str(data.get("kind", "procedure")),
        valid=_usable_on(day, added, terminated),
        added=added,
        terminated=terminated,
        **_release_fields(governing),
        attributes={name: value for name, value in data.items() if name not in shown},
    )


def _cpt(store: ReferenceStore, code: str, day: date) -> ProcedureCode | None:
    governing = in_force(store, CPT, day)
    data = store.entry(governing.release, code)
    if data is None:
        return None
    descriptor = _licensed_descriptor(store, code, day)
    added, terminated = _day(data.get("added")), _day(data.get("terminated"))
    return ProcedureCode(
        system="CPT",
        code=code,
        description=descriptor.get("long") if descriptor else None,
        short_description=descriptor.get("short") if descriptor else None,
        descriptor_licensed=descriptor is not None,
        kind="procedure",
        valid=_usable_on(day, added, terminated),
        added=added,
        terminated=terminated,
        **_release_fields(governing),
        attributes={name: value for name, value in data.items() if name not in {"code", "description", "added"}},
    )


def _licensed_descriptor(store: ReferenceStore, code: str, day: date) -> dict[str, Any] | None:
    """The user's licensed AMA text for ``code``, None when no licensed file is loaded or it lacks the code."""
    if not store.releases(CPT_DESCRIPTORS):
        return None
    return store.entry(in_force(store, CPT_DESCRIPTORS, day).release, code)


def _release_fields(governing: InForce) -> dict[str, Any]:
    release = governing.release
    return {
        "release_version": release.version,
        "effective_from": release.effective_from,
        "effective_to": release.effective_to,
        "warning": governing.warning,
    }


def lookup_code_list(store: ReferenceStore, code_set: str, code: str, day: date) -> CodeListEntry | None:
    """``code`` of ``code_set`` (CARC, RARC, claim status, category, place of service) as of ``day``.

    The lists are cumulative (a retired code stays, marked), so a day before the first release loaded is answered
    by that release with a warning rather than refused: remittances for old dates of service still need their codes.

    Raises:
        NoRelease: no release of the set is loaded.
    """
    governing = _cumulative_in_force(store, code_set, day)
    wanted = code.strip().upper()
    data = store.entry(governing.release, wanted)
    if data is None:
        return None
    start, stop = _day(data.get("start")), _day(data.get("stop"))
    status = data.get("status")
    return CodeListEntry(
        code_set=code_set,
        code=wanted,
        description=data.get("description"),
        status=status,
        start=start,
        stop=stop,
        valid=_code_valid(day, status, start, stop),
        release_version=governing.release.version,
        warning=governing.warning,
        attributes={name: value for name, value in data.items() if name not in {"code", "description", "status"}},
    )


def _cumulative_in_force(store: ReferenceStore, code_set: str, day: date) -> InForce:
    try:
        return in_force(store, code_set, day)
    except NoRelease:
        releases = store.releases(code_set)
        if not releases:
            raise
        oldest = min(releases, key=lambda release: (release.effective_from, release.id))
        return InForce(
            oldest,
            f"{day} is before the first {code_set} release loaded ({oldest.version}, effective "
            f"{oldest.effective_from}); the list is cumulative, so it is used",
        )


def _code_valid(day: date, status: str | None, start: date | None, stop: date | None) -> bool | None:
    if start is not None or stop is not None:
        return _usable_on(day, start, stop)
    if status is not None and status.lower() != "current":
        # Retired without a published stop date: whether it was still in use on ``day`` cannot be told.
        return None
    return True
