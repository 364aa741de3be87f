"""The coder: one object that holds what coding needs in memory and codes notes with it, one after another.

Loading (the lexicon from the reference store, the embedding model) happens once in `Coder.load`; `Coder.code`
is then fast and can be called for many notes in one process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from revcycle.coding.candidates import Candidate, find_candidates
from revcycle.coding.document import Note, read_note
from revcycle.coding.fhir import FhirHint
from revcycle.coding.guidelines import apply_guidelines
from revcycle.coding.lexicon import Lexicon, load_lexicon
from revcycle.coding.note_date import stated_date
from revcycle.coding.procedures import suggest_procedures
from revcycle.coding.queries import draft_queries
from revcycle.coding.reporting import Coding
from revcycle.coding.result import CodingResult, DiagnosisSuggestion, ExcludedCode
from revcycle.domain.codes import icd10cm_as_typed
from revcycle.errors import RevcycleError
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.reference import NoRelease, in_force
from revcycle.refdata.sets import ICD10CM
from revcycle.refdata.store import ReferenceStore

if TYPE_CHECKING:
    from revcycle.coding.learnt_model import LearntModel
    from revcycle.coding.paraphrase import ParaphraseStage

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
    synonyms: tuple[tuple[str, str], ...] = ()
    learnt: LearntModel | None = None
    _extended: dict[int, Lexicon] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(
        cls,
        store: ReferenceStore,
        *,
        embeddings: bool = True,
        synonyms: Sequence[tuple[str, str]] = (),
        learnt: LearntModel | None = None,
    ) -> Coder:
        """A coder with its lexicon (and, when asked, its embedding model) loaded for today's release.

        Args:
            store: the reference store.
            embeddings: whether the embedding stage is on.
            synonyms: an organisation's own (phrase, ICD-10-CM code) pairs, learnt from its coders' decisions;
                they rank above the maintained synonym table.
            learnt: a model learnt from the organisation's coded notes (`revcycle.coding.learnt_model`): in
                mentions mode its phrases propose codes and it chooses which candidates are listed.
        """
        coder = cls(store, embeddings, tuple(synonyms), learnt)
        coder._stage(coder.lexicon(coder._judging_day(date.today())[0]))
        return coder

    def lexicon(self, day: date) -> Lexicon:
        """The lexicon of the ICD-10-CM release in force on ``day`` with the organisation's synonyms."""
        base = load_lexicon(self.store, day)
        if not self.synonyms:
            return base
        # Kept by the coder, not the store: a server makes a coder per synonym set and drops the old ones.
        found = self._extended.get(base.release.id)
        if found is None:
            found = self._extended[base.release.id] = base.extended(self.synonyms)
        return found

    def code(
        self, text: str, *, day: date | None = None, mode: str = "billing", hints: Sequence[FhirHint] = ()
    ) -> CodingResult:
        """Code one note.

        Args:
            text: the note's text.
            day: the encounter date; default the date stated in the note, else today.
            mode: ``billing`` applies the guidelines; ``mentions`` lists every recognised condition.
            hints: codes the record already holds (FHIR Condition resources): a hinted code the note supports
                gains confidence; one it does not support is listed as set aside, never suggested without
                evidence.

        Raises:
            RevcycleError: an unknown mode.
            NoRelease: no ICD-10-CM release governs the encounter date.
        """
        if mode not in MODES:
            raise RevcycleError(f"unknown coding mode {mode!r}: use one of {', '.join(MODES)}")
        encounter = day or stated_date(text) or date.today()
        judged, warnings = self._judging_day(encounter)
        # The learnt model was fitted to choose among mentions; billing mode's guidelines choose for themselves.
        note, candidates = self.candidates(text, judged, learnt=mode == "mentions")
        if mode == "mentions":
            billable = [candidate for candidate in candidates if candidate.billable]
            chosen = self.learnt.choose(billable) if self.learnt is not None else billable
            mentioned = tuple(_mention(candidate) for candidate in chosen)
            found = suggest_procedures(note, self.store, encounter, diagnoses=[item.code for item in mentioned])
            return CodingResult(encounter, mode, mentioned, procedures=tuple(found.lines), warnings=warnings)
        coding = Coding(note, lambda code: self._describe(code, judged))
        apply_guidelines(coding, candidates)
        diagnoses = _with_hints(
            tuple(
                DiagnosisSuggestion(
                    code=item.code,
                    description=item.description,
                    evidence=item.candidate.evidence(),
                    confidence=max(0.05, min(item.confidence, 0.99)),
                    rationale=item.rationale,
                    path=item.path,
                )
                for item in coding.reported
            ),
            hints,
        )
        codes = [item.code for item in diagnoses]
        procedures = suggest_procedures(note, self.store, encounter, diagnoses=codes)
        return CodingResult(
            encounter,
            mode,
            diagnoses,
            excluded=(*coding.excluded, *_unsupported(hints, diagnoses, coding.excluded)),
            procedures=tuple(procedures.lines),
            queries=(*draft_queries(coding), *procedures.queries),
            em=procedures.em,
            warnings=warnings,
        )

    def candidates(self, text: str, judged: date, *, learnt: bool = True) -> tuple[Note, list[Candidate]]:
        """The note as read and every candidate code it mentions, judged with the release in force on ``judged``.

        With a learnt model (and ``learnt``), the codes its phrases propose are among them.
        """
        note = read_note(text)
        lexicon = self.lexicon(judged)
        extra = self.learnt.mentions(lexicon, note) if self.learnt is not None and learnt else ()
        return note, find_candidates(self.store, lexicon, note, judged, self._stage(lexicon), extra)

    def judging_day(self, encounter: date) -> date:
        """The day whose ICD-10-CM release codes an encounter (see `_judging_day`)."""
        return self._judging_day(encounter)[0]

    def _stage(self, lexicon: Lexicon) -> ParaphraseStage | None:
        """The embedding stage for a lexicon's release, loaded once; None when the stage is off."""
        if not self.embeddings:
            return None
        # Imported here: numpy and the model's libraries are not loaded by a coder that does not use them.
        from revcycle.coding.paraphrase import ParaphraseStage

        key = ("coding-paraphrase", lexicon.release.id, lexicon.release.sha256)
        return self.store.derived(key, lambda: ParaphraseStage.load(lexicon))

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


REFUTED = frozenset({"refuted", "entered-in-error"})


def _icd_hints(hints: Sequence[FhirHint]) -> list[FhirHint]:
    return [hint for hint in hints if hint.system == "icd10cm" and (hint.status or "") not in REFUTED]


def _with_hints(
    diagnoses: tuple[DiagnosisSuggestion, ...], hints: Sequence[FhirHint]
) -> tuple[DiagnosisSuggestion, ...]:
    """Diagnoses a FHIR Condition of the record also holds gain confidence and say so in their path."""
    hinted = {icd10cm_as_typed(hint.code): hint for hint in _icd_hints(hints)}
    return tuple(
        replace(
            item,
            confidence=min(item.confidence + 0.05, 0.99),
            path=(*item.path, f"hint: FHIR Condition at {hinted[item.code].location}"),
        )
        if item.code in hinted
        else item
        for item in diagnoses
    )


def _unsupported(
    hints: Sequence[FhirHint], diagnoses: tuple[DiagnosisSuggestion, ...], excluded: list[ExcludedCode]
) -> list[ExcludedCode]:
    """Hinted codes the note gives no evidence for: listed for the coder, never suggested."""
    known = {item.code for item in diagnoses} | {item.code for item in excluded}
    return [
        ExcludedCode(
            icd10cm_as_typed(hint.code),
            f"recorded by the FHIR Condition at {hint.location}; the note gives no evidence",
            (),
        )
        for hint in _icd_hints(hints)
        if icd10cm_as_typed(hint.code) not in known
    ]


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
