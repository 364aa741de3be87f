"""Combination codes (I.A.15 "with", I.C.4.a, I.C.9.a): diabetes and hypertension with their complications.

The tabular's "with" links conditions without the clinician saying so: diabetes with chronic kidney disease is
E11.22 plus the stage, hypertension with chronic kidney disease I12, with heart failure I11, with both I13.
"""

from __future__ import annotations

from revcycle.coding.reporting import Coding

DIABETES = ("E08", "E09", "E10", "E11", "E13")
DIABETES_WITH: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("N18", "I12", "I13"), ".22", True),
    (("G62.9", "G60.9", "G63"), ".42", False),
    (("H35.0",), ".319", False),
    (("K31.84",), ".43", True),
    (("R73.9", "R73.01", "R73.09"), ".65", False),
    (("E16.2", "E16.1"), ".649", False),
    (("L97",), ".621", True),
    (("I73.9",), ".51", False),
)
"""Conditions the tabular links to diabetes by "with" (I.A.15, I.C.4.a): the complication's code prefixes, the
diabetes subcategory it makes, and whether the complication keeps its own code beside it."""


def combine_diabetes(coding: Coding) -> None:
    """Diabetes with a complication the tabular links to it is one combination code (I.A.15, I.C.4.a)."""
    for family in DIABETES:
        diabetic = coding.starting(family)
        if not diabetic:
            continue
        base = diabetic[0]
        for prefixes, suffix, keep in DIABETES_WITH:
            complications = [item for item in coding.reported if item.code.startswith(prefixes)]
            target = f"{family}{suffix}"
            if not complications:
                continue
            coding.add(
                target,
                base,
                f'{base.code} with {complications[0].code}: the tabular\'s "with" links them (I.A.15) -> {target}',
                f"guideline: diabetes with {complications[0].code} -> {target}",
            )
            if target in coding.codes() and not keep:
                for item in complications:
                    coding.drop(item, f"combined into {target} (I.A.15)")
        unspecified = f"{family}.9"
        if any(item.code == unspecified for item in coding.reported) and len(coding.starting(family)) > 1:
            coding.drop(
                next(item for item in coding.reported if item.code == unspecified),
                "combined: diabetes with a complication (I.A.15)",
            )


def combine_hypertension(coding: Coding) -> None:
    """Hypertension with heart failure or chronic kidney disease is I11, I12 or I13 (I.C.9.a)."""
    hypertension = [item for item in coding.reported if item.code.startswith(("I10", "I11", "I12", "I13"))]
    if not hypertension:
        return
    failure = coding.starting("I50")
    kidney = coding.starting("N18")
    late = any(item.code in {"N18.5", "N18.6"} for item in kidney)
    if failure and kidney:
        target = "I13.2" if late else "I13.0"
    elif failure:
        target = "I11.0"
    elif kidney:
        target = "I12.0" if late else "I12.9"
    else:
        return
    base = hypertension[0]
    coding.add(
        target,
        base,
        f"hypertension with {'heart failure' if failure else ''}{' and ' if failure and kidney else ''}"
        f"{'chronic kidney disease' if kidney else ''}: presumed linked (I.C.9.a) -> {target}",
        f"guideline: hypertension combination -> {target}",
    )
    if target in coding.codes():
        for item in [other for other in coding.reported if other.code.startswith(("I10", "I11", "I12", "I13"))]:
            if item.code != target:
                coding.drop(item, f"combined into {target} (I.C.9.a)")


def harmonise_diabetes_type(coding: Coding) -> None:
    """Make unqualified diabetic complications type 1 codes when the note states type 1 diabetes.

    Type 2 is only the default when the type is not documented (I.C.4.a.2); and insulin is not a long-term drug
    to report for type 1 diabetes, where it is inherent (I.C.4.a.3).
    """
    if not coding.starting("E10"):
        return
    for item in list(coding.reported):
        if not item.code.startswith("E11") or any("2" in found.mention.words for found in item.candidate.found):
            continue
        coding.drop(item, "type 1 diabetes documented (I.C.4.a.2)")
        coding.add("E10" + item.code[3:], item, f"{item.rationale}; type 1 as the note documents", "guideline: type 1")
    for item in coding.starting("Z79.4"):
        coding.drop(item, "insulin is inherent in type 1 diabetes (I.C.4.a.3)")
