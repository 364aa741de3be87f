"""The shapes of the coding routes' requests (their answers are the coding engine's own JSON contract)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SuggestIn(BaseModel):
    """A note to code: plain text or a FHIR R4 document, and how to code it."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="The note as plain text (any style). Give this or `fhir`.")
    fhir: dict[str, Any] | None = Field(
        default=None,
        description="A FHIR R4 Bundle, DocumentReference or Composition holding the note; its Condition and "
        "Procedure resources are weighed as hints. Give this or `text`.",
    )
    date: datetime.date | None = Field(
        default=None, description="The encounter date (default: the FHIR document's, else the note's, else today)."
    )
    mode: Literal["billing", "mentions"] = Field(
        default="billing", description="billing applies the guidelines; mentions lists every recognised condition."
    )
    organisation: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Code with the synonyms this organisation's coders taught (POST /coding/decisions).",
    )
    embeddings: bool = Field(default=False, description="Match paraphrases with the embedding model (slower).")


class SynonymOut(BaseModel):
    """A phrase an organisation's coders coded, and how often their decisions confirm it."""

    phrase: str = Field(description="Lower case, spaces collapsed.")
    code: str
    code_system: str = Field(description="icd10cm, cpt or hcpcs.")
    times_confirmed: int = Field(description="Accepts, edits and adds of the pair, less its rejects.")
    first_decision_id: str
    last_decision_id: str


class SynonymsOut(BaseModel):
    """An organisation's synonym table; only its ICD-10-CM pairs feed the coder."""

    organisation: str
    synonyms: list[SynonymOut]
