"""Effective-dated access to the reference store, shared by the whole process.

`reference()` opens the store once (lazily) and keeps it; `in_force(code_set, day)` picks the release that governs a
date of service. A date after the newest release's period still uses the newest release, with a warning that says
so, and so does a date in a gap between two loaded releases (the earlier one is used); a date before the oldest
is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
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


def _recency(release: ReleaseInfo) -> tuple[date, str, int]:
    return (release.effective_from, release.version, release.id)


def in_force(store: ReferenceStore, code_set: str, day: date) -> InForce:
    """The release of ``code_set`` that governs ``day`` (worked out once per set and day until the next import).

    Raises:
        NoRelease: none is loaded, or ``day`` is before the first.
    """
    return store.derived(("in_force", code_set, day), lambda: _in_force(store, code_set, day))


Span = tuple[date, date]
"""The first and the last day of a span of days, both included."""
_DAY = timedelta(days=1)


def in_force_span(store: ReferenceStore, code_set: str, day: date) -> Span:
    """The days around ``day`` over which `in_force` picks the same release of ``code_set`` (and warns or not alike).

    The choice changes only where a release's period starts or ends, so it holds from the last such boundary on or
    before ``day`` to the day before the next one after it. A warning, where there is one, still names each day.
    An answer worked out from that release alone holds over the whole span.

    Raises:
        NoRelease: as `in_force`.
    """
    return store.derived(("in_force_span", code_set, day), lambda: _in_force_span(store, code_set, day))


def _in_force_span(store: ReferenceStore, code_set: str, day: date) -> Span:
    in_force(store, code_set, day)
    boundaries = [release.effective_from for release in store.releases(code_set)]
    boundaries += [
        release.effective_to + _DAY
        for release in store.releases(code_set)
        if release.effective_to is not None and release.effective_to < date.max
    ]
    return narrowed((date.min, date.max), day, boundaries)


def narrowed(span: Span, day: date, boundaries: Iterable[date]) -> Span:
    """``span`` cut down to the days around ``day`` that no boundary (the first day of something new) divides."""
    first, last = span
    for boundary in boundaries:
        if boundary <= day:
            first = max(first, boundary)
        else:
            last = min(last, boundary - _DAY)
    return first, last


def _in_force(store: ReferenceStore, code_set: str, day: date) -> InForce:
    releases = store.releases(code_set)
    if not releases:
        raise NoRelease(
            f"no {code_set} release is loaded: run `revcycle refdata import --bundled` (ICD-10-CM, CPT codes, NCCI "
            "pairs, no download), `revcycle refdata import FILE` or `revcycle refdata update`"
        )
    governing = [release for release in releases if release.governs(day)]
    if governing:
        # Overlapping periods: the latest to start is the one in force; on the same start, the later version (a
        # correction, RVU25D after RVU25A), whatever order they were imported in.
        return InForce(max(governing, key=_recency))
    earlier = [release for release in releases if release.effective_from <= day]
    if earlier:
        # Past the newest release, or in a gap between two: the last release before the date is the best
        # evidence of what was in force, and the warning says it is only that.
        nearest = max(earlier, key=_recency)
        where = "after the newest" if nearest is max(releases, key=_recency) else "in a gap between the"
        return InForce(
            nearest,
            f"{day} is {where} {code_set} release(s) loaded; using {nearest.version} (effective "
            f"{nearest.effective_from} to {nearest.effective_to or 'open'})",
        )
    raise NoRelease(f"no {code_set} release loaded governs {day}; the first starts {releases[0].effective_from}")
