"""The edit plug-in: one class per file under `revcycle.edits.rules`, named by its code.

An edit says what it is (code, name, category, severity, the official source it enforces, the fields it looks at)
and how it looks: `Edit.check` gets a `Review` and yields (or returns) a `Problem` for each thing wrong. The first
line of its docstring is its message; the rest shows a failing and a passing claim. The engine does everything
else: it picks the edits the configuration selects, catches an edit that crashes, and turns problems into findings.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sized
from typing import ClassVar

from revcycle.domain import ClaimKind
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review

BOTH_KINDS = frozenset(ClaimKind)


class Edit:
    """An edit of the claim scrubber (see the module notes)."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    source: ClassVar[str]
    looks_at: ClassVar[tuple[str, ...]]
    kinds: ClassVar[frozenset[ClaimKind]] = BOTH_KINDS
    """The kinds of claim the edit applies to (professional, institutional)."""
    when_modifiers: ClassVar[frozenset[str] | None] = None
    """For an edit about some modifiers only: the engine runs it on claims with a line carrying one of them."""
    when_fact: ClassVar[Callable[[Review], Sized] | None] = None
    """For an edit that reports only from a fact of the claim and has nothing to say when it is empty: the function
    that works the fact out once per claim (`Review.derived`), e.g. `AOC01.every_add_on_line`. The engine asks it
    once for the neighbouring edits that share it, and runs them only when it is not empty."""

    @classmethod
    def message(cls) -> str:
        """The edit's message: the first line of its docstring."""
        return (inspect.getdoc(cls) or "").splitlines()[0] if cls.__doc__ else ""

    def check(self, review: Review) -> Iterable[Problem]:
        """The problems of the claim under review.

        A generator, or a sequence: an edit whose shared fact (`Review.derived`) shows at once that there is nothing
        to report returns an empty one, which saves making a generator for nearly every claim.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<edit {self.code} {self.name}>"
