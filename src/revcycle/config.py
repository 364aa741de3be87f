"""Settings, read once from the environment (``REVCYCLE_*``) and validated at start-up."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """An SQLite file in the user data directory: where a small office's data lives by default."""
    return f"sqlite:///{Path(user_data_dir('revcycle', appauthor=False)) / 'revcycle.db'}"


class Settings(BaseSettings):
    """revcycle's settings.

    Attributes:
        database_url: REVCYCLE_DATABASE_URL, the operational database (SQLite file or PostgreSQL URL).
        api_host: REVCYCLE_API_HOST, the address `revcycle serve` listens on.
        api_port: REVCYCLE_API_PORT, the port it listens on.
        refdata_path: REVCYCLE_REFDATA_PATH, the reference store file; None for the default in the user data folder.
    """

    model_config = SettingsConfigDict(env_prefix="REVCYCLE_", extra="ignore")

    database_url: str = default_database_url()
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    refdata_path: Path | None = None
