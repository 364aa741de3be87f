"""Effective-dated access to the reference store, shared by the whole process.

`reference()` opens the store once (lazily) and keeps it; `in_force(code_set, day)` picks the release that governs a
date of service. A date after the newest release's period still uses the newest release, with a warning that says
so; a date before the oldest is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from platformdirs import user_data_dir

from revcycle.errors import RevcycleError
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.store import ReferenceStore


class NoRelease(RevcycleError):
    """No release of a code set governs the date asked about."""


def default_store_path() -> Path:
    """``REVCYCLE_REFDATA_PATH``, else ``refdata.sqlite`` in the user data directory."""
    configured = os.environ.get("REVCYCLE_REFDATA_PATH")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("revcycle", appauthor=False)) / "refdata.sqlite"


@cache
def open_store(path: Path) -> ReferenceStore:
    """The process's one open store at ``path``."""
    return ReferenceStore(path)


def reference(path: Path | None = None) -> ReferenceStore:
    """The reference store (the default path unless one is given), opened once per process."""
    return open_store((path or default_store_path()).resolve())


@dataclass(frozen=True, slots=True)
class InForce:
    """The release that governs a date, and a warning when it was only the nearest.

    Attributes:
        release: the release to judge by.
        warning: set when the date is past the newest release's period.
    """

    release: ReleaseInfo
    warning: str | None = None


def in_force(store: ReferenceStore, code_set: str, day: date) -> InForce:
    """The release of ``code_set`` that governs ``day``.

    Raises:
        NoRelease: none is loaded, or ``day`` is before the first.
    """
    releases = store.releases(code_set)
    if not releases:
        raise NoRelease(f"no {code_set} release is loaded: run `revcycle refdata import` or `revcycle refdata update`")
    governing = [release for release in releases if release.governs(day)]
    if governing:
        # Overlapping periods: the latest to start is the one in force (a correction supersedes).
        return InForce(max(governing, key=lambda release: (release.effective_from, release.id)))
    newest = max(releases, key=lambda release: (release.effective_from, release.id))
    if day > newest.effective_from:
        return InForce(
            newest,
            f"{day} is after the newest {code_set} release loaded ({newest.version}, effective "
            f"{newest.effective_from} to {newest.effective_to}); using it",
        )
    raise NoRelease(f"no {code_set} release loaded governs {day}; the first starts {releases[0].effective_from}")
