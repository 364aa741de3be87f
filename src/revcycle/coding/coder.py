"""The coder: one object that holds what coding needs in memory and codes notes with it, one after another.

Loading (the lexicon from the reference store, the embedding model) happens once in `Coder.load`; `Coder.code`
is then fast and can be called for many notes in one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revcycle.coding.result import CodingResult
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
        """A coder with its lexicon (and, when asked, its embedding model) loaded."""
        return cls(store, embeddings)

    def code(self, text: str, *, day: date | None = None, mode: str = "billing") -> CodingResult:
        """Code one note.

        Args:
            text: the note's text.
            day: the encounter date; default the date stated in the note, else today.
            mode: ``billing`` applies the guidelines; ``mentions`` lists every recognised condition.
        """
        return CodingResult(encounter_date=day or date.today(), mode=mode, diagnoses=())
