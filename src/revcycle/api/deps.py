"""Dependencies shared by the routes: the settings the app was made with and the database engine.

Used through the ``Annotated`` aliases `SettingsDep` and `EngineDep`, so a route declares ``engine: EngineDep``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from revcycle.config import Settings
from revcycle.refdata.reference import reference
from revcycle.refdata.store import ReferenceStore
from revcycle.services.database import ready_engine


def get_settings(request: Request) -> Settings:
    """The settings stored on the application by `revcycle.api.app.create_app`."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_engine(settings: SettingsDep) -> Engine:
    """The engine of the configured database, once its schema is checked to be current.

    Raises:
        DatabaseError: the database is unreachable or needs `revcycle db upgrade` (HTTP 503).
    """
    return ready_engine(settings.database_url)


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_reference_store(settings: SettingsDep) -> ReferenceStore:
    """The process's reference store, at the configured path."""
    return reference(settings.refdata_path)


StoreDep = Annotated[ReferenceStore, Depends(get_reference_store)]
