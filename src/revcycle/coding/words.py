"""Words as the matcher compares them: lower case, lightly stemmed, clinicians' variants folded into one form.

The tabular list says "Type 2 diabetes mellitus with diabetic chronic kidney disease"; a clinician writes "DM2 w/
CKD". Both sides go through `content_words` (phrases of the code set) or `note_words` (the note, which also expands
abbreviations), so that they meet on the same forms: ``diabetes``, ``kidney``, ``chronic``, ...
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = frozenset(
    {
        "a", "an", "and", "of", "the", "in", "on", "to", "for", "by", "as", "or", "is", "at", "from", "with", "into",
        "than", "that", "this", "its", "his", "her", "their", "be", "was", "were", "are", "has", "have", "had",
        "patient", "pt", "also", "which", "due", "nos", "nec", "unspecified", "specified", "other", "elsewhere",
        "classified",
    }
)  # fmt: skip
"""Words that never tell one condition from another: function words and the tabular's defaults."""

SOFT_STOPWORDS = frozenset(
    {
        "mellitus", "condition", "disorder", "disorders", "disease", "diseases", "site", "sites", "type", "part",
        "region", "state", "current", "episode", "stage", "use", "abnormality", "abnormalities",
    }
)  # fmt: skip
"""Words clinicians drop where the tabular keeps them ("CKD 3b", "thyroid", "type 2 diabetes"), so a term does not
require them, unless without them it would say too little: "Renal disease NOS" still needs "disease" (or
"kidney" alone would match every mention of a kidney), "Family history of ear disorders" still needs "ear"."""

GENERIC = frozenset({"family", "history", "personal", "encounter", "status"})
"""Words that name no particular condition: a term needs two words besides these, the soft stopwords and the
modifiers to drop its soft stopwords."""

CANONICAL = {
    "diabetic": "diabetes",
    "hypertensive": "hypertension",
    "renal": "kidney",
    "cardiac": "heart",
    "hepatic": "liver",
    "infectious": "infection",
    "infected": "infection",
    "infections": "infection",
    "asthmatic": "asthma",
    "obese": "obesity",
    "anemic": "anemia",
    "anaemia": "anemia",
    "arthritic": "arthritis",
    "depressive": "depression",
    "depressed": "depression",
    "anxious": "anxiety",
    "fractured": "fracture",
    "allergic": "allergy",
    "bilaterally": "bilateral",
    "both": "bilateral",
    "rt": "right",
    "lt": "left",
    "ii": "2",
    "i": "1",
    "two": "2",
    "one": "1",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "acutely": "acute",
    "chronically": "chronic",
    "distal": "lower end",
    "proximal": "upper end",
    "streptococcus": "streptococcal",
    "staphylococcus": "staphylococcal",
    "lumbago": "low back pain",
    "hyperlipidaemia": "hyperlipidemia",
    "oesophageal": "esophageal",
    "haemorrhage": "hemorrhage",
    "oedema": "edema",
    "tumour": "tumor",
    "malignancy": "malignant neoplasm",
    "cancer": "malignant neoplasm",
    "carcinoma": "malignant neoplasm",
    "ca": "malignant neoplasm",
}
"""Variants folded onto the form the tabular uses (adjective to noun, British to American spelling, numerals)."""

MODIFIERS = frozenset(
    {
        "right", "left", "bilateral", "acute", "chronic", "upper", "lower", "end", "initial", "subsequent",
        "mild", "moderate", "severe", "primary", "secondary", "recurrent", "single", "multiple", "simple",
        "complicated", "uncomplicated", "open", "closed", "early", "late", "first", "second", "third",
    }
)  # fmt: skip
"""Words that only qualify a condition: a term made of nothing else names no condition."""

SINGULAR_IN_S = frozenset(
    {
        "diabetes", "herpes", "rabies", "scabies", "feces", "caries", "measles", "mumps", "rickets", "ascites",
        "series", "species", "pes", "lues", "nates", "mellitus", "pubes", "tabes", "aphthous",
    }
)  # fmt: skip
"""Words whose singular ends in s: never folded as plurals."""

_PLAIN_PLURALS = frozenset({"doses", "closes", "exposes", "proposes", "supposes", "roses", "noses", "hoses"})

_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WITHOUT = re.compile(r"\bwithout\b.*?(?=\bof\b|,|$)")
"""A title's "without ..." clause, up to the next "of" or comma: what the code is the default for, never required
("Laceration without foreign body of left hand" is said by "laceration of the left hand")."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One word's matching form: canonical variant, then plurals and possessives folded."""
    word = word.lower().removesuffix("'s")
    if word in CANONICAL:
        return CANONICAL[word]
    if word in SINGULAR_IN_S:
        return word
    if len(word) > 5 and word.endswith(("oses", "tases", "yses")) and word not in _PLAIN_PLURALS:
        # Greek plurals: keratoses, metastases, paralyses.
        return word[:-2] + "is"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz" and not word.endswith("ses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def split_words(phrase: str) -> list[str]:
    """The stemmed words of a phrase, stopwords kept (in order, canonical forms split into their words).

    Accents are dropped ("Ménière" is "meniere") and possessives folded ("Bell's palsy" is "bell palsy"), so
    the tabular's eponyms meet the ways a note spells them.
    """
    return [part for word in _WORD.findall(_plain(phrase)) for part in stem(word).split()]


@lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(char for char in folded if not unicodedata.combining(char))
    return _POSSESSIVE.sub("", letters)


def content_words(phrase: str) -> tuple[str, ...]:
    """The words of a code-set phrase that must be present for a note to say it.

    Nonessential modifiers (in parentheses, as the tabular prints them) and what follows "without" (a default:
    "without complications") are not required; stopwords are dropped; order is kept, repeats removed.
    """
    text = _WITHOUT.sub(" ", _PARENTHESES.sub(" ", phrase.lower()))
    words: list[str] = []
    for word in split_words(text):
        if word not in STOPWORDS and word not in words:
            words.append(word)
    telling = [word for word in words if word not in SOFT_STOPWORDS and word not in GENERIC and word not in MODIFIERS]
    if len(telling) >= 2:
        words = [word for word in words if word not in SOFT_STOPWORDS]
    return tuple(words)
