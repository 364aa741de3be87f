"""``GET /health``: is the service up, and is its database at the current schema revision."""

from __future__ import annotations

from fastapi import APIRouter

from revcycle import __version__
from revcycle.api.deps import SettingsDep
from revcycle.api.schemas import DatabaseHealth, Health, Message
from revcycle.services.database import database_status

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Message, "description": "The database cannot be reached."}},
)
def health(settings: SettingsDep) -> Health:
    """Report the version and the database's schema revision.

    Answers 200 even when the database needs `revcycle db upgrade` (with `up_to_date` false), 503 when the database
    cannot be reached at all.
    """
    status = database_status(settings.database_url)
    database = DatabaseHealth(url=status.url, current=status.current, head=status.head, up_to_date=status.up_to_date)
    return Health(status="ok", version=__version__, database=database)
