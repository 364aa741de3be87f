"""Fitting the learnt model's choice: a logistic regression over candidates, and the threshold that serves F1 best.

Imports numpy (fitting only; a fitted `revcycle.coding.learnt_model.LearntModel` scores in plain Python).
The rows a model is fitted on must come from notes the phrases were not learnt from (cross-validation, see
scripts/codiesp_model.py): a note's own phrases would otherwise look like perfect evidence for its own codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

NEWTON_STEPS = 25


@dataclass(frozen=True, slots=True)
class Logistic:
    """A fitted logistic regression over standardised features; ``weights`` ends with the bias."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The probability of each row."""
        data = (np.asarray(rows, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        weights = np.asarray(self.weights)
        found: list[float] = (1 / (1 + np.exp(-np.clip(data @ weights[:-1] + weights[-1], -30, 30)))).tolist()
        return found


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[bool], penalty: float = 1.0) -> Logistic:
    """Fit by Newton's method with an L2 ``penalty`` on the weights (not the bias).

    Features are standardised first, so one penalty suits them all; a constant feature gets scale 1.
    """
    data = np.asarray(rows, dtype=float)
    target = np.asarray(labels, dtype=float)
    mean = data.mean(axis=0)
    scale = data.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.hstack([(data - mean) / scale, np.ones((len(data), 1))])
    weights = np.zeros(design.shape[1])
    ridge = np.full(design.shape[1], penalty)
    ridge[-1] = 0.0
    for _ in range(NEWTON_STEPS):
        predicted = 1 / (1 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (predicted - target) + ridge * weights
        hessian = (design * (predicted * (1 - predicted))[:, None]).T @ design + np.diag(ridge + 1e-9)
        step: NDArray[np.float64] = np.linalg.solve(hessian, gradient)
        weights -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return Logistic(tuple(weights.tolist()), tuple(mean.tolist()), tuple(scale.tolist()))


@dataclass(frozen=True, slots=True)
class Threshold:
    """A threshold and the micro-averaged figures keeping the candidates at or above it gives."""

    threshold: float
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """True positives over codes kept."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """True positives over gold codes."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def best_threshold(scored: Sequence[tuple[float, bool]], gold: int) -> Threshold:
    """The threshold that gives the best micro-F1, given each candidate's probability and whether it is gold.

    ``gold`` counts every gold code, found among the candidates or not: those never proposed are false negatives
    whatever the threshold.
    """
    best = Threshold(1.0, 0, 0, gold)
    tp = fp = 0
    ordered = sorted(scored, key=lambda item: -item[0])
    for index, (probability, label) in enumerate(ordered):
        tp += label
        fp += not label
        # Only where the next candidate scores lower can the threshold fall between them.
        if index + 1 < len(ordered) and ordered[index + 1][0] == probability:
            continue
        found = Threshold(probability, tp, fp, gold - tp)
        if found.f1 > best.f1:
            best = found
    return best
