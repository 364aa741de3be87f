"""The shapes of the API's own responses (records themselves are documented by `revcycle.api.record_schemas`).

Money is a decimal string everywhere (``"1367.00"``), as in the records' JSON.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Message(BaseModel):
    """An error other than a validation error."""

    detail: str = Field(description="What went wrong and, where it helps, what to do about it.")


class DatabaseHealth(BaseModel):
    """Where the database stands against the migrations."""

    url: str = Field(description="The database URL, any password hidden.")
    current: str | None = Field(description="The database's schema revision; null when never migrated.")
    head: str = Field(description="The newest revision this version of revcycle knows.")
    up_to_date: bool = Field(description="Whether `current` is `head`; if not, run `revcycle db upgrade`.")


class Health(BaseModel):
    """The service is up; the database may still need migrating."""

    status: str = Field(description='Always "ok" when the service answers.')
    version: str = Field(description="The version of revcycle serving.")
    database: DatabaseHealth


class SummaryOut(BaseModel):
    """Counts and money totals of the database."""

    counts: dict[str, int] = Field(description="Records stored by kind (`practices` counts organisation providers).")
    total_charge: str = Field(description="Σ of the claims' total charges, a decimal string.")
    total_paid: str = Field(description="Σ paid on claims by remittances (CLP04), a decimal string.")
    total_payment: str = Field(description="Σ of the remittances' payments (BPR02), a decimal string.")


class ImportOut(BaseModel):
    """What importing a dataset did."""

    added: dict[str, int] = Field(description="New records stored, by kind.")
    unchanged: dict[str, int] = Field(description="Records already stored exactly so, by kind.")
