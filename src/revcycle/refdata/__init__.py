"""Reference data: every code set and CMS table the cycle needs, versioned by date, imported from official files.

`reference()` is the process's store; `in_force(store, code_set, day)` the release that governs a date of service;
`revcycle.refdata.importers` reads the official distribution formats.
"""

from revcycle.refdata.reference import InForce, NoRelease, in_force, reference
from revcycle.refdata.release import Entry, ReleaseData, ReleaseInfo

__all__ = ["Entry", "InForce", "NoRelease", "ReleaseData", "ReleaseInfo", "in_force", "reference"]
