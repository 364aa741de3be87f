"""Making a code as specific as the note's words allow, the way a coder walks down the tabular list.

From a category or subcategory, each step takes the child whose own words (what its title adds to its parent's:
"right", "with exacerbation", "stage 3b") are all in the mention's sentence; when no child's are, the step takes
the default a coder would (the "unspecified" child) and records that the documentation stopped there, so that a
query can ask for the rest. Codes that take a 7th character get it from the encounter the note describes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from revcycle.coding.lexicon import Lexicon
from revcycle.coding.words import content_words
from revcycle.refdata.icd10cm import PLACEHOLDER, SeventhCharacter

_DEFAULT_WORDS = ("uncomplicated", "without", "unspecified", "nos")
"""What a default child's title adds, most telling first: "uncomplicated" and "without" say the note documents no
complication, "unspecified" only that it does not say which (F17.210 before F17.219, E11.9 before E11.8)."""
SUBSEQUENT = re.compile(
    r"\b(subsequent|follow[- ]?up|recheck|routine healing|healing well|post[- ]?op|returns)\b", re.I
)
SEQUELA = re.compile(r"\b(sequela|sequelae|late effect|residual)\b", re.I)
OPEN_FRACTURE = re.compile(r"\bopen fracture|compound fracture|fracture,? open\b", re.I)


@dataclass(frozen=True, slots=True)
class Specific:
    """Where the walk down the tabular ended.

    Attributes:
        key: the code reached (a billable leaf, or a leaf still needing its 7th character).
        steps: what each step chose and why, for the rationale.
        defaulted: the titles of the defaults taken because the note did not say more (e.g. laterality).
    """

    key: str
    steps: tuple[str, ...]
    defaulted: tuple[str, ...]


PART_OF = {
    "rotator": ("shoulder",),
    "glenohumeral": ("shoulder",),
    "acromioclavicular": ("shoulder",),
    "patella": ("knee",),
    "patellar": ("knee",),
    "meniscus": ("knee",),
    "acl": ("knee",),
    "heel": ("foot",),
    "calcaneal": ("foot",),
    "plantar": ("foot",),
    "toe": ("foot", "toe"),
    "hallux": ("foot", "toe"),
    "mtp": ("foot", "toe"),
    "metatarsal": ("foot",),
    "leg": ("lower", "extremity", "limb"),
    "calf": ("lower", "leg", "extremity", "limb"),
    "thigh": ("lower", "extremity", "limb", "femur"),
    "forearm": ("upper", "limb", "arm"),
    "arm": ("upper", "limb", "extremity"),
    "hand": ("upper", "limb"),
    "finger": ("hand",),
    "thumb": ("hand", "finger"),
}
"""Words that name a part of a larger part the tabular's titles use for laterality: a "right rotator cuff tear" is
in the right shoulder, "varicose veins of the left leg" in the left lower extremity."""

IMPLIED = frozenset({"ear", "eye", "side"})
"""Words a child's title adds with its laterality ("left ear") that a note need not repeat ("otitis media, left")."""


def _own_words(lexicon: Lexicon, child: str, parent: str) -> set[str]:
    child_info, parent_info = lexicon.codes[child], lexicon.codes[parent]
    return set(content_words(child_info.description)) - set(content_words(parent_info.description)) - IMPLIED


def _default_rank(lexicon: Lexicon, child: str, parent: str) -> int | None:
    """How good a default a child is (lower is better), None when it is no default.

    A child is a default when what its title adds to its parent's says "uncomplicated", "without", "unspecified"
    or "NOS".
    """
    # A multiset difference: "Unspecified fracture of ... unspecified radius" adds an "unspecified" to a parent
    # title that already has one.
    added = Counter(lexicon.codes[child].description.lower().replace(",", " ").split()) - Counter(
        lexicon.codes[parent].description.lower().replace(",", " ").split()
    )
    ranks = [rank for rank, word in enumerate(_DEFAULT_WORDS) if word in added]
    return min(ranks) if ranks else None


def make_specific(lexicon: Lexicon, key: str, context: set[str]) -> Specific:
    """Walk from ``key`` down to a leaf using the words of ``context`` (the mention's sentence)."""
    context = context | {whole for word in context & PART_OF.keys() for whole in PART_OF[word]}
    steps: list[str] = []
    defaulted: list[str] = []
    current = key
    while current in lexicon.children and not lexicon.codes[current].billable:
        children = lexicon.children[current]
        told = [(child, _own_words(lexicon, child, current)) for child in children]
        fitting = [(child, words) for child, words in told if words and words <= context]
        if fitting:
            chosen = max(fitting, key=lambda item: (len(item[1]), -len(item[0]), item[0]))[0]
            steps.append(
                f"{lexicon.codes[chosen].code}: the note says {', '.join(sorted(told[children.index(chosen)][1]))}"
            )
        else:
            ranked = [
                (rank, child) for child in children if (rank := _default_rank(lexicon, child, current)) is not None
            ]
            if not ranked:
                break
            chosen = min(ranked, key=lambda item: (item[0], len(item[1]), item[1]))[1]
            steps.append(f"{lexicon.codes[chosen].code}: default, the note does not say more")
            defaulted.append(lexicon.codes[chosen].description)
        current = chosen
    return Specific(current, tuple(steps), tuple(defaulted))


def seventh_character(options: tuple[SeventhCharacter, ...], sentence: str, note: str) -> SeventhCharacter | None:
    """The 7th character the note supports, None when the options are not about encounters.

    The encounter (initial, subsequent, sequela) and, for a fracture, open or closed and how it heals.

    Initial encounter is the default for an injury under active treatment, which is what an office or urgent
    care note describing a new injury is; a follow-up visit for a healing injury is subsequent.
    """
    if not options:
        return None
    wanted = "initial"
    if SEQUELA.search(sentence):
        wanted = "sequela"
    elif SUBSEQUENT.search(sentence) or SUBSEQUENT.search(note[:400]):
        wanted = "subsequent"
    fracture_open = bool(OPEN_FRACTURE.search(sentence))
    candidates = [option for option in options if wanted in option.meaning.lower()]
    if not candidates:
        return _described_character(options, sentence)
    if any("fracture" in option.meaning.lower() for option in candidates):
        kind = "open fracture" if fracture_open else "closed fracture"
        candidates = [option for option in candidates if kind in option.meaning.lower()] or candidates
        if wanted == "subsequent":
            routine = [option for option in candidates if "routine healing" in option.meaning.lower()]
            candidates = routine or candidates
    return min(candidates, key=lambda option: (len(option.meaning), option.character))


def _described_character(options: tuple[SeventhCharacter, ...], sentence: str) -> SeventhCharacter | None:
    """A 7th character that is not an encounter (a glaucoma stage, ...).

    The one whose meaning the sentence states ("moderate stage"), else the one that says it is not stated.
    """
    lower = sentence.lower()
    stated = [
        option
        for option in options
        if (word := option.meaning.lower().split(" stage")[0].split(",")[0].strip()) and word in lower
    ]
    if stated:
        return max(stated, key=lambda option: len(option.meaning))
    unstated = [option for option in options if "unspecified" in option.meaning.lower()]
    return unstated[0] if unstated else None


def with_seventh(code: str, character: str) -> str:
    """A listed code completed by its 7th character, padded with the placeholder X (``S93.401`` + ``A``)."""
    key = code.replace(".", "")
    key = key.ljust(6, PLACEHOLDER) + character
    return f"{key[:3]}.{key[3:]}"
