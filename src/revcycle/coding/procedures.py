"""The CPT/HCPCS lines of an office note, the E/M first, with the modifiers the combination needs.

After the E/M come vaccines, injections and drugs, minor procedures, tests and radiographs.

Modifier 25 goes on the E/M when a procedure NCCI would bundle it into was done and the visit is significant and
separately identifiable (another problem was addressed, or decision making went beyond the procedure); when it is
not, the E/M is not reported and the procedure's rationale says why. XS marks a further minor procedure at a
distinct site when NCCI bundles the pair; RT/LT/50 come from the finders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from revcycle.coding.document import Note
from revcycle.coding.drugs import find_drugs, merge_injections
from revcycle.coding.em import level_em, mdm_is_significant
from revcycle.coding.listed_procedures import find_listed_procedures
from revcycle.coding.office_procedures import (
    find_debridement,
    find_destruction,
    find_drainage,
    find_excisions,
    find_joint_procedures,
    find_repairs,
)
from revcycle.coding.office_tests import find_ecg, find_lab_tests, find_xrays
from revcycle.coding.performed import Service
from revcycle.coding.result import ClinicianQuery, EmLevel, ProcedureSuggestion
from revcycle.coding.vaccines import find_vaccines
from revcycle.coding.visit import outside_office
from revcycle.refdata.edit_tables import PtpSetting, ptp_edit
from revcycle.refdata.reference import NoRelease
from revcycle.refdata.store import ReferenceStore

ADD_ON_CODES = frozenset({"17003", "90461", "90472", "90474", "96375", "11045", "11046", "11047", "97598", "99417"})
"""Codes reported only with their primary code: never marked as a distinct procedure."""
ADMINISTRATION_FAMILIES = frozenset({"vaccine admin", "injection"})


class Procedures(NamedTuple):
    """What a note documents on the procedure side.

    Attributes:
        lines: the procedure lines, the E/M first when there is one.
        queries: the queries the procedures' documentation calls for (a repair's length, a lesion's size).
        em: the E/M level and its reasoning, when the note is an office visit.
    """

    lines: list[ProcedureSuggestion]
    queries: list[ClinicianQuery]
    em: EmLevel | None = None


def suggest_procedures(
    note: Note, store: ReferenceStore | None, day: date, *, diagnoses: Sequence[str] = ()
) -> Procedures:
    """The procedure lines of ``note`` (the E/M first), the queries its documentation calls for, and the E/M level.

    Args:
        note: the note.
        store: the reference store, for HCPCS drug descriptors; None uses the catalogue's amounts.
        day: the encounter date.
        diagnoses: ICD-10-CM codes already found (malignant lesions, problems when no assessment is written).
    """
    if outside_office(note):
        return Procedures([], [])
    services, queries = _services(note, store, day, diagnoses)
    services = _distinct_sites(services, store, day)
    em = level_em(note, diagnoses=diagnoses, day=day)
    if em is None:
        return Procedures([service.suggestion for service in services], queries)
    line, services = _em_line(note, em, services, diagnoses)
    lines = [service.suggestion for service in services]
    head = [line, *_prolonged(em)] if line else []
    return Procedures(head + lines, queries, em)


def _services(
    note: Note, store: ReferenceStore | None, day: date, diagnoses: Sequence[str]
) -> tuple[list[Service], list[ClinicianQuery]]:
    services = [
        *find_vaccines(note, day),
        *merge_injections(find_drugs(note, store, day)),
        *find_joint_procedures(note),
        *find_drainage(note),
        *find_destruction(note),
        *find_listed_procedures(note),
        *find_debridement(note),
    ]
    queries: list[ClinicianQuery] = []
    for found, asked in (find_excisions(note, diagnoses), find_repairs(note)):
        services += found
        queries += asked
    services += [*find_ecg(note), *find_lab_tests(note), *find_xrays(note)]
    return services, queries


def _distinct_sites(services: list[Service], store: ReferenceStore | None, day: date) -> list[Service]:
    """XS on a minor procedure at a site distinct from an earlier one when NCCI would bundle the pair.

    With NCCI practitioner (else hospital) pairs loaded, only a pair that has an edit allowing a modifier gets XS,
    on its column 2 code; without them, every further procedure at a distinct site is assumed bundled.
    """
    marked = list(services)
    for index, service in enumerate(services):
        if not _distinct_candidate(service):
            continue
        for before in range(index):
            earlier = marked[before]
            if not _distinct_candidate(earlier) or earlier.site in {None, service.site}:
                continue
            verdict = _ncci(store, earlier.suggestion.code, service.suggestion.code, day)
            if verdict is None:
                marked[index] = _with_xs(marked[index], "a separate site (NCCI pairs not loaded: bundling assumed)")
                break
            if verdict[0]:
                column2, setting = verdict
                target = index if column2 == service.suggestion.code else before
                other = earlier.suggestion.code if target == index else service.suggestion.code
                marked[target] = _with_xs(marked[target], f"a separate site; NCCI {setting} pair with {other}")
                break
    return marked


def _distinct_candidate(service: Service) -> bool:
    suggestion = service.suggestion
    return (
        service.family == "minor surgery"
        and suggestion.code not in ADD_ON_CODES
        and "59" not in suggestion.modifiers
        and service.site is not None
    )


def _with_xs(service: Service, why: str) -> Service:
    suggestion = service.suggestion
    if "XS" in suggestion.modifiers:
        return service
    marked = replace(
        suggestion, modifiers=(*suggestion.modifiers, "XS"), rationale=f"{suggestion.rationale}; XS: {why}"
    )
    return replace(service, suggestion=marked)


def _ncci(store: ReferenceStore | None, first: str, second: str, day: date) -> tuple[str, str] | None:
    """The column 2 code and setting of a modifier-allowed NCCI pair of the two codes; ("", setting) for none.

    None when no NCCI pairs are loaded (or there is no store).
    """
    if store is None:
        return None
    settings: tuple[PtpSetting, ...] = ("practitioner", "hospital")
    for setting in settings:
        try:
            edits = [
                ptp_edit(store, first, second, day, setting=setting),
                ptp_edit(store, second, first, day, setting=setting),
            ]
        except NoRelease:
            continue
        allowed = [edit for edit in edits if edit is not None and edit.modifier_allowed]
        return (allowed[0].column2, setting) if allowed else ("", setting)
    return None


def _em_line(
    note: Note, em: EmLevel, services: list[Service], diagnoses: Sequence[str]
) -> tuple[ProcedureSuggestion | None, list[Service]]:
    bundling = [service for service in services if service.needs_25]
    why = em.reasoning[-1]
    confidence = 0.85 if em.basis in {"time", "preventive"} else 0.75
    modifiers: tuple[str, ...] = ()
    surgery = [service for service in bundling if service.family not in ADMINISTRATION_FAMILIES]
    if em.code == "99211" and bundling:
        reason = "no E/M reported: a nurse visit is included in the procedure or injection done at it"
        return None, _annotate(services, bundling[0], reason)
    if surgery and em.basis == "preventive":
        modifiers, why = ("25",), f"{why}; 25: the preventive visit is separate from the procedure"
    elif surgery:
        significant, because = mdm_is_significant(note, diagnoses)
        if not significant:
            reason = f"no E/M reported: not separately identifiable from the procedure ({because})"
            return None, _annotate(services, surgery[0], reason)
        modifiers, why = ("25",), f"{why}; 25: separately identifiable from the procedure ({because})"
    elif bundling and em.basis != "preventive":
        modifiers, why = ("25",), f"{why}; 25: separately identifiable from the injection or vaccine administration"
    line = ProcedureSuggestion(em.code, modifiers, 1, em.evidence, f"E/M by {em.basis}: {why}", confidence)
    return line, services


PROLONGED_FROM = {"99205": 60, "99215": 40}
"""The level whose time prolonged service extends, and that level's minimum minutes."""


def _prolonged(em: EmLevel) -> list[ProcedureSuggestion]:
    """99417 for each full 15 minutes beyond the highest level's minimum time (AMA rule), when levelled by time."""
    base = PROLONGED_FROM.get(em.code)
    if em.basis != "time" or base is None or em.minutes is None or em.minutes < base + 15:
        return []
    units = (em.minutes - base) // 15
    why = (
        f"prolonged service: {em.minutes} minutes is {units} full 15-minute period(s) beyond the {base} of {em.code} "
        "(AMA rule; Medicare pays G2212 instead, from 89 or 69 minutes)"
    )
    return [ProcedureSuggestion("99417", (), units, em.evidence[-1:], why, 0.8)]


def _annotate(services: list[Service], target: Service, reason: str) -> list[Service]:
    return [
        replace(service, suggestion=replace(service.suggestion, rationale=f"{service.suggestion.rationale}; {reason}"))
        if service is target
        else service
        for service in services
    ]
