"""The coder: one object that holds what coding needs in memory and codes notes with it, one after another.

Loading (the lexicon from the reference store, the embedding model) happens once in `Coder.load`; `Coder.code`
is then fast and can be called for many notes in one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revcycle.coding.candidates import Candidate, find_candidates
from revcycle.coding.document import read_note
from revcycle.coding.guidelines import Coding, apply_guidelines
from revcycle.coding.lexicon import Lexicon, load_lexicon
from revcycle.coding.note_date import stated_date
from revcycle.coding.queries import draft_queries
from revcycle.coding.result import CodingResult, DiagnosisSuggestion
from revcycle.errors import RevcycleError
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.reference import NoRelease, in_force
from revcycle.refdata.sets import ICD10CM
from revcycle.refdata.store import ReferenceStore

MODES = ("billing", "mentions")


@dataclass
class Coder:
    """Codes clinical notes against one reference store.

    Attributes:
        store: the reference store (ICD-10-CM, HCPCS, ...); ICD-10-CM must be loaded.
        embeddings: whether the embedding stage (paraphrase matching) is on.
    """

    store: ReferenceStore
    embeddings: bool = True

    @classmethod
    def load(cls, store: ReferenceStore, *, embeddings: bool = True) -> Coder:
        """A coder with its lexicon (and, when asked, its embedding model) loaded for today's release."""
        coder = cls(store, embeddings)
        coder.lexicon(coder._judging_day(date.today())[0])
        return coder

    def lexicon(self, day: date) -> Lexicon:
        """The lexicon of the ICD-10-CM release in force on ``day`` (built once per release)."""
        return load_lexicon(self.store, day)

    def code(self, text: str, *, day: date | None = None, mode: str = "billing") -> CodingResult:
        """Code one note.

        Args:
            text: the note's text.
            day: the encounter date; default the date stated in the note, else today.
            mode: ``billing`` applies the guidelines; ``mentions`` lists every recognised condition.

        Raises:
            RevcycleError: an unknown mode.
            NoRelease: no ICD-10-CM release governs the encounter date.
        """
        if mode not in MODES:
            raise RevcycleError(f"unknown coding mode {mode!r}: use one of {', '.join(MODES)}")
        encounter = day or stated_date(text) or date.today()
        judged, warnings = self._judging_day(encounter)
        note = read_note(text)
        candidates = find_candidates(self.store, self.lexicon(judged), note, judged)
        if mode == "mentions":
            mentioned = tuple(_mention(candidate) for candidate in candidates)
            return CodingResult(encounter, mode, mentioned, warnings=warnings)
        coding = Coding(note, lambda code: self._describe(code, judged))
        apply_guidelines(coding, candidates)
        diagnoses = tuple(
            DiagnosisSuggestion(
                code=item.code,
                description=item.description,
                evidence=item.candidate.evidence(),
                confidence=max(0.05, min(item.confidence, 0.99)),
                rationale=item.rationale,
                path=item.path,
            )
            for item in coding.reported
        )
        return CodingResult(
            encounter,
            mode,
            diagnoses,
            excluded=tuple(coding.excluded),
            queries=tuple(draft_queries(coding)),
            warnings=warnings,
        )

    def _judging_day(self, encounter: date) -> tuple[date, tuple[str, ...]]:
        """The day whose ICD-10-CM release codes the note, and a warning when it is not the encounter's own.

        An encounter before the first release loaded is coded with that release rather than refused (a note from
        last winter, with only the April release loaded), and the result says so: codes added or deleted at the
        release's start would then be judged wrongly.
        """
        try:
            found = in_force(self.store, ICD10CM, encounter)
        except NoRelease:
            releases = self.store.releases(ICD10CM)
            if not releases:
                raise
            first = min(release.effective_from for release in releases)
            if encounter > first:
                raise
            warning = (
                f"no ICD-10-CM release loaded governs the encounter date {encounter}; coded with the release "
                f"that starts {first}: import the release in force then to judge the codes on their own date"
            )
            return first, (warning,)
        return encounter, (found.warning,) if found.warning else ()

    def _describe(self, code: str, day: date) -> Icd10cmCode | None:
        return lookup_icd10cm(self.store, code, day)


def _mention(candidate: Candidate) -> DiagnosisSuggestion:
    term = candidate.found[0].mention.term
    return DiagnosisSuggestion(
        code=candidate.code,
        description=candidate.description,
        evidence=candidate.evidence(),
        confidence=candidate.confidence,
        rationale=f"{term.source}: {term.text!r}",
        path=tuple(candidate.path),
        assertion=candidate.status.value,
    )
