"""The terms a note can say a condition with, and the ICD-10-CM codes they lead to.

Terms come from the tabular list in force (every title and inclusion term, categories' "includes"), from the
Index to Diseases, the Neoplasm Table and the Table of Drugs when they are loaded, and from a maintained table of
clinical synonyms (``data/synonyms.yaml``).
Each term is reduced to its content words (`revcycle.coding.words.content_words`) and filed under its rarest word,
so that a sentence is matched by looking up only the terms anchored on the words it holds.

Building the lexicon reads the whole release once (about a second); `load_lexicon` keeps it per store and
release, and caches it on disk keyed by the release's digest and the synonym table's, so a stale one is never used.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_cache_dir

from revcycle.coding.words import GENERIC, MODIFIERS, SOFT_STOPWORDS, content_words, split_words
from revcycle.refdata.reference import NoRelease, in_force
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import ICD10CM, ICD10CM_DRUGS, ICD10CM_INDEX, ICD10CM_NEOPLASMS
from revcycle.refdata.store import ReferenceStore

LEXICON_FORMAT = 3
"""Bumped whenever the way terms are made changes, so caches built by an older revcycle are rebuilt."""

SOURCE_RANK = {"organisation": 0, "synonym": 1, "tabular": 2, "inclusion": 3, "index": 4, "embedding": 5}
"""Which source wins when two terms with the same words lead to different codes (the curated table first)."""

EXCLUDED_CHAPTERS = frozenset({"20"})
"""External causes (V00-Y99) are never reached from free text: they describe how an injury happened, which a
coder reads from the circumstances, not from a condition's name."""


@dataclass(frozen=True, slots=True)
class Term:
    """One way of saying a condition.

    Attributes:
        words: the content words that must all be present, in the tabular's order.
        key: the ICD-10-CM code it leads to, stored without its dot; may be a category to make specific.
        source: ``synonym``, ``tabular`` (a title), ``inclusion`` (an inclusion term) or ``index``.
        text: the term as written in its source.
    """

    words: tuple[str, ...]
    key: str
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What the coder needs to know of one tabular entry without going back to the store."""

    key: str
    code: str
    description: str
    billable: bool
    requires_seventh: bool
    parent: str | None
    chapter: str


@dataclass
class Lexicon:
    """The terms of one ICD-10-CM release plus the synonym table, indexed for matching.

    Attributes:
        release: the ICD-10-CM release the terms were read from.
        terms: every term.
        anchored: term indexes by their rarest word.
        codes: every tabular entry by key.
        children: entry keys by their parent's key.
        abbreviations: clinicians' shorthand (lower case, may be several words) to the words it stands for.
        case_sensitive: shorthand that is only read as written in capitals (``PE`` is pulmonary embolism, "pe" not).
    """

    release: ReleaseInfo
    terms: list[Term] = field(default_factory=list)
    anchored: dict[str, list[int]] = field(default_factory=dict)
    codes: dict[str, CodeInfo] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    case_sensitive: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def code_of(self, key: str) -> CodeInfo | None:
        """The tabular entry ``key``, or None."""
        return self.codes.get(key)

    def extended(self, synonyms: Sequence[tuple[str, str]], source: str = "organisation") -> Lexicon:
        """This lexicon plus ``synonyms`` (phrase, ICD-10-CM code), e.g. an organisation's own, as a new lexicon.

        The release's terms are shared, not copied; the new terms are anchored on their rarest word as known
        to this lexicon. Phrases that name no condition and codes the release does not hold are skipped.
        """
        extra = []
        for phrase, code in synonyms:
            key = code.replace(".", "").strip().upper()
            words = content_words(phrase)
            if key in self.codes and _names_a_condition(words):
                extra.append(Term(words, key, source, phrase))
        if not extra:
            return self
        frequency = {word: len(self.anchored.get(word, ())) for term in extra for word in term.words}
        anchored = dict(self.anchored)
        terms = [*self.terms, *extra]
        for index, term in enumerate(extra, start=len(self.terms)):
            anchor = min(term.words, key=lambda word: (frequency[word], word))
            anchored[anchor] = [*anchored.get(anchor, ()), index]
        return Lexicon(
            self.release, terms, anchored, self.codes, self.children, self.abbreviations, self.case_sensitive
        )


def _matchable_title(title: str) -> bool:
    """Whether a note can reach a code by its title.

    "Other ..." titles say nothing once their defaults are dropped (a coder reaches them through the index or an
    inclusion term, which are kept), and "... in diseases classified elsewhere" titles are manifestations, reached
    through the etiology's code-first pairing.
    """
    lower = title.lower()
    return not lower.startswith("other ") and "other specified" not in lower and "classified elsewhere" not in lower


def _names_a_condition(words: tuple[str, ...]) -> bool:
    """Whether a term's words name something: not only qualifiers ("right", "acute") or fillers ("disease")."""
    return any(word not in MODIFIERS and word not in SOFT_STOPWORDS and word not in GENERIC for word in words) or (
        len(words) >= 2 and any(word in GENERIC for word in words)
    )


def _synonym_table() -> tuple[dict[str, Any], bytes]:
    raw = resources.files("revcycle.coding").joinpath("data/synonyms.yaml").read_bytes()
    return yaml.safe_load(raw), raw


def _code_entries(store: ReferenceStore, release: ReleaseInfo) -> dict[str, dict[str, Any]]:
    return {key: data for key, data in store.entries(release) if data.get("kind") not in {"chapter", "section"}}


NEOPLASM_PHRASES = {
    "malignant_primary": ("malignant neoplasm {site}",),
    "malignant_secondary": ("secondary malignant neoplasm {site}",),
    "ca_in_situ": ("carcinoma in situ {site}",),
    "benign": ("benign neoplasm {site}", "benign tumor {site}"),
}
"""How a note names a neoplasm of a Neoplasm Table site, by the table's column."""

DRUG_PHRASES = {
    "adverse_effect": ("adverse effect {site}", "{site} side effect", "{site} adverse reaction"),
    "poisoning_accidental": ("poisoning {site}", "{site} overdose"),
    "underdosing": ("underdosing {site}",),
}
"""How a note names a drug's adverse effect, poisoning or underdosing, by the Table of Drugs' column."""


def index_releases(store: ReferenceStore, day: date) -> tuple[ReleaseInfo, ...]:
    """The Index to Diseases, Neoplasm Table and Table of Drugs releases in force on ``day`` (those loaded)."""
    found = []
    for code_set in (ICD10CM_INDEX, ICD10CM_NEOPLASMS, ICD10CM_DRUGS):
        try:
            found.append(in_force(store, code_set, day).release)
        except NoRelease:
            continue
    return tuple(found)


def _index_terms(store: ReferenceStore, releases: Sequence[ReleaseInfo]) -> list[tuple[str, str, str]]:
    """(code key, source, phrase) for every coded term of the index files loaded.

    An index path reads as a phrase ("Diabetes, diabetic > with > chronic kidney disease" says diabetes with
    chronic kidney disease); a table row gives one phrase per column ("malignant neoplasm breast", "metastatic
    breast"). A code printed with a dash (``C79.2-``) leads to its subcategory, made specific from the note.
    """
    found: list[tuple[str, str, str]] = []
    for release in releases:
        for _, entry in store.entries(release):
            terms = [str(term).split(",")[0] for term in entry.get("terms") or ()]
            if release.code_set == ICD10CM_INDEX:
                if entry.get("code"):
                    found.append((_index_key(str(entry["code"])), "index", " ".join(terms)))
                continue
            phrases = NEOPLASM_PHRASES if release.code_set == ICD10CM_NEOPLASMS else DRUG_PHRASES
            site = " ".join(terms[1:] if release.code_set == ICD10CM_NEOPLASMS else terms)
            # "mastectomy site", "operation site": without their "site" (a soft stopword) they would read as the
            # procedure itself ("cancer treated with mastectomy").
            if not site or " site" in f" {site.lower()}":
                continue
            for column, code in (entry.get("codes") or {}).items():
                for phrase in phrases.get(column, ()) if code else ():
                    found.append((_index_key(str(code)), "index", phrase.format(site=site)))
    return found


def _index_key(code: str) -> str:
    return code.rstrip("-").replace(".", "").strip().upper()


def build_lexicon(store: ReferenceStore, release: ReleaseInfo, indexes: Sequence[ReleaseInfo] = ()) -> Lexicon:
    """The lexicon of one ICD-10-CM release, the index files given and the synonym table (no cache)."""
    table, _ = _synonym_table()
    lexicon = Lexicon(release)
    entries = _code_entries(store, release)
    for key, data in entries.items():
        lexicon.codes[key] = CodeInfo(
            key=key,
            code=str(data["code"]),
            description=str(data["description"]),
            billable=bool(data["billable"]),
            requires_seventh=bool(data.get("requires_seventh")),
            parent=data.get("parent"),
            chapter=str(data.get("chapter") or ""),
        )
        if data.get("parent"):
            lexicon.children.setdefault(str(data["parent"]), []).append(key)
    raw_terms: list[tuple[str, str, str]] = []
    for key, data in entries.items():
        if str(data.get("chapter")) in EXCLUDED_CHAPTERS:
            continue
        if _matchable_title(str(data["description"])):
            raw_terms.append((key, "tabular", str(data["description"])))
        raw_terms += [(key, "inclusion", str(text)) for text in data.get("inclusion_terms") or ()]
        raw_terms += [(key, "inclusion", str(text)) for text in data.get("includes") or ()]
    raw_terms += [
        (key, source, text)
        for key, source, text in _index_terms(store, indexes)
        if key in lexicon.codes and lexicon.codes[key].chapter not in EXCLUDED_CHAPTERS
    ]
    for phrase, code in (table.get("terms") or {}).items():
        key = str(code).replace(".", "")
        if key not in lexicon.codes:
            raise ValueError(f"data/synonyms.yaml: {phrase!r} leads to {code!r}, not in ICD-10-CM {release.version}")
        raw_terms.append((key, "synonym", str(phrase)))
    for short, words in (table.get("abbreviations") or {}).items():
        lexicon.abbreviations[str(short).lower()] = tuple(split_words(str(words)))
    for short, words in (table.get("case_sensitive") or {}).items():
        lexicon.case_sensitive[str(short)] = tuple(split_words(str(words)))
    ignored = {content_words(str(text)) for text in table.get("ignore") or ()}
    seen: set[tuple[tuple[str, ...], str]] = set()
    for key, source, text in raw_terms:
        if content_words(text) in ignored:
            continue
        words = content_words(text)
        if _names_a_condition(words) and (words, key) not in seen:
            seen.add((words, key))
            lexicon.terms.append(Term(words, key, source, text))
    frequency = Counter(word for term in lexicon.terms for word in term.words)
    anchored: defaultdict[str, list[int]] = defaultdict(list)
    for index, term in enumerate(lexicon.terms):
        anchored[min(term.words, key=lambda word: (frequency[word], word))].append(index)
    lexicon.anchored = dict(anchored)
    return lexicon


def _cache_path(release: ReleaseInfo, table: bytes, indexes: Sequence[ReleaseInfo] = ()) -> Path:
    # The code that makes terms is part of the key: a changed rule must never meet a lexicon made by the old one.
    makers = b"".join(
        resources.files("revcycle.coding").joinpath(name).read_bytes() for name in ("lexicon.py", "words.py")
    )
    sources = ":".join([release.sha256, *(index.sha256 for index in indexes)])
    digest = hashlib.sha256(f"{LEXICON_FORMAT}:{sources}:".encode() + table + makers).hexdigest()[:24]
    return Path(user_cache_dir("revcycle", appauthor=False)) / "coding" / f"lexicon-{digest}.pickle"


def load_lexicon(store: ReferenceStore, day: date, *, cache: bool = True) -> Lexicon:
    """The lexicon of the ICD-10-CM release in force on ``day``, built once per store and release.

    Args:
        store: the reference store.
        day: the encounter date whose release is wanted.
        cache: whether to read and write the on-disk cache (a few MB under the user cache folder).

    Raises:
        NoRelease: no ICD-10-CM release governs ``day``.
    """
    release = in_force(store, ICD10CM, day).release
    indexes = index_releases(store, day)
    key = ("coding-lexicon", release.id, release.sha256, *(index.sha256 for index in indexes))
    return store.derived(key, lambda: _load(store, release, indexes, cache))


def _load(store: ReferenceStore, release: ReleaseInfo, indexes: tuple[ReleaseInfo, ...], cache: bool) -> Lexicon:
    _, table = _synonym_table()
    path = _cache_path(release, table, indexes)
    if cache and path.exists():
        try:
            with path.open("rb") as file:
                found = pickle.load(file)
            if isinstance(found, Lexicon):
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            # A cache from an interrupted write or another revcycle is rebuilt, never trusted.
            pass
    lexicon = build_lexicon(store, release, indexes)
    if cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            with partial.open("wb") as file:
                pickle.dump(lexicon, file, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(path)
        except OSError:
            # A read-only home only costs the next process a rebuild.
            pass
    return lexicon
