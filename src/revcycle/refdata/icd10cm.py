"""ICD-10-CM lookup: a code on a date of service, with what the tabular list says about it and above it.

A code is found as the tabular lists it (``E11.22``) or, for the categories whose codes take a 7th character, as
a listed code plus a 7th character its nearest ancestor defines (``S52.521`` + ``A``), padded with the placeholder
``X`` to six characters when the listed code is shorter (``S00.03`` + ``X`` + ``A``). Notes are gathered from the
code and every level above it (category, section, chapter), since ICD-10-CM's notes apply to everything below
where they are written; each note says where it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from revcycle.refdata.importers.icd10cm_tabular import CHAPTER_PREFIX, SECTION_PREFIX, SEVENTH_CHARACTER_LENGTH
from revcycle.refdata.reference import in_force
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import ICD10CM
from revcycle.refdata.store import ReferenceStore

_CODE = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.?[0-9A-Z]{1,4})?")
PLACEHOLDER = "X"

INHERITED_NOTES = ("includes", "excludes1", "excludes2", "code_first", "use_additional_code", "code_also", "notes")
"""The notes that apply below where they are written (inclusion terms describe only their own code)."""


@dataclass(frozen=True, slots=True)
class Icd10cmNote:
    """An instructional note that applies to a code.

    Attributes:
        kind: ``includes``, ``excludes1`` (never code together), ``excludes2`` (not included here, may be coded
            together), ``code_first``, ``use_additional_code``, ``code_also`` or ``notes`` (a general note).
        text: the note as the tabular list prints it, e.g. "code to identify stage of chronic kidney disease
            (N18.1-N18.6)".
        source: where it is written: the code itself or an ancestor (``E11``, ``E08-E13``, ``Chapter 4``).
        inherited: whether it comes from an ancestor rather than the code's own entry.
    """

    kind: str
    text: str
    source: str
    inherited: bool


@dataclass(frozen=True, slots=True)
class SeventhCharacter:
    """A 7th character a code takes (encounter, laterality, ...).

    Attributes:
        character: the character, e.g. ``A``.
        meaning: what it adds, e.g. "initial encounter for closed fracture".
        defined_at: the code whose 7th-character definition applies (the nearest ancestor defining one).
    """

    character: str
    meaning: str
    defined_at: str


@dataclass(frozen=True, slots=True)
class Icd10cmCode:
    """An ICD-10-CM code as in force on a date of service.

    Attributes:
        code: the code with its dot, as people write it (``E11.22``, ``S52.521A``).
        description: its title; for a code completed by a 7th character, the listed code's title and the
            character's meaning, comma-separated.
        billable: whether a claim may carry it: a leaf of the tabular list, complete with any 7th character.
        kind: ``category`` (3 characters), ``subcategory`` (has codes below it) or ``code``.
        version: the release it was read from, e.g. ``2026-04``.
        effective_from: the first date of service that release governs.
        effective_to: the last, None when open.
        warning: set when the date is past the newest release loaded (that release was used).
        inclusion_terms: the conditions the code's own entry lists as coded here.
        notes: the notes of the code and of every level above it, its own first, then nearest ancestor first.
        seventh_character: the 7th character completing the code, when the code was resolved through one.
        seventh_character_options: for a listed code that still needs a 7th character, the characters it takes.
    """

    code: str
    description: str
    billable: bool
    kind: str
    version: str
    effective_from: date
    effective_to: date | None
    warning: str | None
    inclusion_terms: tuple[str, ...]
    notes: tuple[Icd10cmNote, ...]
    seventh_character: SeventhCharacter | None = None
    seventh_character_options: tuple[SeventhCharacter, ...] = ()


def _display(key: str) -> str:
    return f"{key[:3]}.{key[3:]}" if len(key) > 3 else key


def _source_name(key: str, data: dict[str, Any]) -> str:
    if key.startswith(CHAPTER_PREFIX):
        return f"Chapter {key.removeprefix(CHAPTER_PREFIX)}"
    if key.startswith(SECTION_PREFIX):
        return key.removeprefix(SECTION_PREFIX)
    return str(data.get("code") or _display(key))


class _Lookup:
    """The entries of one release needed to describe one code."""

    def __init__(self, store: ReferenceStore, release: ReleaseInfo) -> None:
        self.store = store
        self.release = release

    def entry(self, key: str) -> dict[str, Any] | None:
        data = self.store.entry(self.release, key)
        # Chapters and sections are stored alongside codes but are not codes.
        return data if data is not None and data.get("kind") not in {"chapter", "section"} else None

    def ancestors(self, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The entries above a code, nearest first."""
        found = []
        for key in reversed(data.get("inherited", [])):
            ancestor = self.store.entry(self.release, key)
            if ancestor is not None:
                found.append((key, ancestor))
        return found

    def notes(self, key: str, data: dict[str, Any]) -> tuple[Icd10cmNote, ...]:
        levels = [(key, data, False)] + [(above, entry, True) for above, entry in self.ancestors(data)]
        return tuple(
            Icd10cmNote(kind, text, _source_name(level_key, entry), inherited)
            for level_key, entry, inherited in levels
            for kind in INHERITED_NOTES
            for text in entry.get(kind, [])
        )

    def seventh_characters(self, key: str, data: dict[str, Any]) -> tuple[SeventhCharacter, ...]:
        """The 7th characters the nearest definition (the code's own or an ancestor's) allows."""
        for level_key, entry in [(key, data), *self.ancestors(data)]:
            definition = entry.get("seven_chr_def")
            if definition:
                where = _source_name(level_key, entry)
                return tuple(SeventhCharacter(char, meaning, where) for char, meaning in definition.items())
        return ()

    def listed_code(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """The listed code a 7-character key extends with its last character, placeholders removed."""
        base = key[: SEVENTH_CHARACTER_LENGTH - 1]
        while True:
            data = self.entry(base)
            if data is not None:
                return base, data
            if not base.endswith(PLACEHOLDER) or len(base) <= 3:
                return None
            base = base[:-1]


def normalise(code: str) -> str | None:
    """The store key of a code as typed (``e11.22`` → ``E1122``), or None when it cannot be an ICD-10-CM code."""
    text = code.strip().upper()
    if not _CODE.fullmatch(text) or ("." in text and text.index(".") != 3):
        return None
    return text.replace(".", "")


def lookup_icd10cm(store: ReferenceStore, code: str, day: date) -> Icd10cmCode | None:
    """The ICD-10-CM code ``code`` as in force on ``day``, or None when that release has no such code.

    Args:
        store: the reference store.
        code: the code as typed, with or without its dot.
        day: the date of service.

    Raises:
        NoRelease: no ICD-10-CM release is loaded, or none governs ``day``.
    """
    key = normalise(code)
    if key is None:
        return None
    found = in_force(store, ICD10CM, day)
    described = _described(store)
    # The digest is part of the key: a corrected file replacing a release may be stored under the same id.
    cache_key = (found.release.id, found.release.sha256, key)
    if cache_key not in described:
        described[cache_key] = _describe(_Lookup(store, found.release), key)
    result = described[cache_key]
    if result is None or found.warning is None:
        return result
    return replace(result, warning=found.warning)


_DESCRIBED: WeakKeyDictionary[ReferenceStore, dict[tuple[int, str, str], Icd10cmCode | None]] = WeakKeyDictionary()
"""Codes already described, per store and release: a warm lookup is then a dictionary hit, as the store's own."""


def _described(store: ReferenceStore) -> dict[tuple[int, str, str], Icd10cmCode | None]:
    return _DESCRIBED.setdefault(store, {})


def _describe(lookup: _Lookup, key: str) -> Icd10cmCode | None:
    """The code ``key`` in the lookup's release, without the date's warning, or None when it has no such code."""
    release = lookup.release
    listed = lookup.entry(key)
    seventh: SeventhCharacter | None = None
    if listed is None:
        resolved = _with_seventh_character(lookup, key)
        if resolved is None:
            return None
        base_key, listed, seventh = resolved
    else:
        base_key = key
    options = lookup.seventh_characters(base_key, listed) if listed.get("requires_seventh") else ()
    description = str(listed["description"])
    return Icd10cmCode(
        code=_display(key),
        description=f"{description}, {seventh.meaning}" if seventh else description,
        billable=seventh is not None or bool(listed["billable"]),
        # A 7th character completes even a category (T07 + XXA): what results is a code.
        kind="code" if seventh else str(listed["kind"]),
        version=release.version,
        effective_from=release.effective_from,
        effective_to=release.effective_to,
        warning=None,
        inclusion_terms=tuple(listed.get("inclusion_terms", [])),
        notes=lookup.notes(base_key, listed),
        seventh_character=seventh,
        seventh_character_options=() if seventh else options,
    )


def _with_seventh_character(lookup: _Lookup, key: str) -> tuple[str, dict[str, Any], SeventhCharacter] | None:
    """A 7-character key read as a listed leaf that requires a 7th character, plus one it allows."""
    if len(key) != SEVENTH_CHARACTER_LENGTH:
        return None
    listed = lookup.listed_code(key)
    if listed is None:
        return None
    base_key, data = listed
    if not data.get("leaf") or not data.get("requires_seventh"):
        return None
    character = key[-1]
    allowed = {option.character: option for option in lookup.seventh_characters(base_key, data)}
    if character not in allowed:
        return None
    return base_key, data, allowed[character]


def is_billable(store: ReferenceStore, code: str, day: date) -> bool:
    """Whether ``code`` is a billable ICD-10-CM code on ``day`` (a complete leaf code of the release in force).

    Raises:
        NoRelease: no ICD-10-CM release is loaded, or none governs ``day``.
    """
    found = lookup_icd10cm(store, code, day)
    return found is not None and found.billable
