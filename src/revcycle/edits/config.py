"""Which edits run, how severe their findings are, and which payer packs apply: the scrubber's configuration.

A configuration file is YAML::

    select: [code_validity, PTP01]      # only these (codes, names or categories); all edits when absent
    exclude: [DUP02]                    # never run
    downgrade: [timely_filing]          # errors become warnings
    suppress: [MOD04]                   # run, but findings are hidden (and counted)
    packs: [packs/acme.yaml]            # payer rule packs, relative to this file
    payers:                             # per payer identifier (NM109 of loop 2010BB): added to the above
      "00431":
        exclude: [AOC02]
        timely_filing_days: 90

Selectors match an edit's code, its name or its category; a payer's lists are added to the general ones, and its
``select``, when given, replaces the general one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revcycle.edits.edit import Edit
from revcycle.edits.packs import PayerPack, read_pack
from revcycle.edits.yamlfile import mapping, read_yaml, string_list
from revcycle.errors import InputFileError

_POLICY_KEYS = ("select", "exclude", "downgrade", "suppress")


def matches(edit: Edit, selectors: tuple[str, ...]) -> bool:
    """Whether a selector names the edit: its code (any case), its name or its category."""
    names = {edit.code.upper(), edit.name.lower(), str(edit.category)}
    return any(selector.upper() in names or selector.lower() in names for selector in selectors)


@dataclass(frozen=True, slots=True)
class EditPolicy:
    """Which edits run and how their findings are reported.

    Attributes:
        select: run only the edits these name; all when empty.
        exclude: never run the edits these name.
        downgrade: report the errors of these edits as warnings.
        suppress: run these edits but hide their findings (counted in the report).
        timely_filing_days: the payer's filing limit in days, over the payer record's.
    """

    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    downgrade: tuple[str, ...] = ()
    suppress: tuple[str, ...] = ()
    timely_filing_days: int | None = None

    def runs(self, edit: Edit) -> bool:
        """Whether the policy runs ``edit``."""
        return (not self.select or matches(edit, self.select)) and not matches(edit, self.exclude)

    def then(self, payer: EditPolicy) -> EditPolicy:
        """This policy with a payer's added: lists joined, ``select`` and the filing limit replaced when given."""
        return EditPolicy(
            select=payer.select or self.select,
            exclude=self.exclude + payer.exclude,
            downgrade=self.downgrade + payer.downgrade,
            suppress=self.suppress + payer.suppress,
            timely_filing_days=payer.timely_filing_days or self.timely_filing_days,
        )


@dataclass(frozen=True, slots=True)
class ScrubConfig:
    """The whole configuration: a general policy, per-payer policies and the payer rule packs.

    Attributes:
        policy: what applies to every claim.
        payers: what applies in addition to the claims of one payer, by payer identifier.
        packs: the payer rule packs loaded.
    """

    policy: EditPolicy = EditPolicy()
    payers: dict[str, EditPolicy] = field(default_factory=dict)
    packs: tuple[PayerPack, ...] = ()

    def policy_for(self, payer_identifier: str | None) -> EditPolicy:
        """The policy for the claims of a payer."""
        payer = self.payers.get(payer_identifier or "")
        return self.policy if payer is None else self.policy.then(payer)


def _policy(document: dict[str, Any], path: Path, where: str) -> EditPolicy:
    days = document.get("timely_filing_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650):
        raise InputFileError(str(path), f"{where}timely_filing_days", "must be a whole number of days, 1 to 3650")
    lists = {key: string_list(document, key, path, where) for key in _POLICY_KEYS}
    return EditPolicy(**lists, timely_filing_days=days)


def load_config(path: Path) -> ScrubConfig:
    """The configuration in the YAML file at ``path``.

    Raises:
        InputFileError: naming the file, the key and what is wrong (an unknown key, a list that is not one).
    """
    return parse_config(read_yaml(path) or {}, path)


def parse_config(document: object, path: Path) -> ScrubConfig:
    """The configuration a parsed YAML (or JSON) document describes; ``path`` names it and anchors pack paths.

    Raises:
        InputFileError: as `load_config`.
    """
    document = mapping(document, path, "")
    known = {*_POLICY_KEYS, "timely_filing_days", "packs", "payers"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise InputFileError(str(path), unknown[0], f"is not a setting (expected some of {', '.join(sorted(known))})")
    payers: dict[str, EditPolicy] = {}
    for identifier, settings in mapping(document.get("payers", {}), path, "payers").items():
        where = f"payers.{identifier}."
        settings = mapping(settings, path, where.rstrip("."))
        extra = sorted(set(settings) - {*_POLICY_KEYS, "timely_filing_days"})
        if extra:
            raise InputFileError(str(path), where + extra[0], "is not a payer setting")
        payers[str(identifier)] = _policy(settings, path, where)
    packs = tuple(read_pack(path.parent / name) for name in string_list(document, "packs", path, ""))
    return ScrubConfig(_policy(document, path, ""), payers, packs)
