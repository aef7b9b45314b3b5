"""Coders against a gold standard: precision, recall and F1 per code.

When one coder is the answer key (a master coder training new ones, as in
Dedoose's Training Center, or people checking an automatic coder), agreement is
not symmetric: a code the key applied and the coder missed is a miss (recall),
a code the coder applied and the key did not is a false alarm (precision).

Only units that both the key and the coder coded count. Multi-label data is
scored code by code (each code present or absent: ``multilabel_confusion_matrix``);
single-label data as one label per unit, an empty set being the label
"(uncoded)", with the confusion matrix of key × coder.

Undefined is not zero: a code the coder never applied has no precision, one
the key never applied has no recall; such per-code figures are None. The macro
average counts them as 0 (as scikit-learn's ``zero_division=0``) over every code
that the key or the coder used on the shared units, so that a coder cannot look
better by never using a hard code.

References
----------
Van Rijsbergen, C. J. (1979). *Information Retrieval*, 2nd ed. (F-measure).
scikit-learn: ``precision_recall_fscore_support``, ``multilabel_confusion_matrix``,
``confusion_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..codings.model import UNCODED, Codings
from ..errors import UsageError


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one code or one average; None where undefined.

    ``support`` is how many times the key applied the code (for an average, in total).
    """

    precision: float | None
    recall: float | None
    f1: float | None
    support: int

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


@dataclass(frozen=True)
class CodeScores:
    """The scores of one code."""

    code: str
    scores: Scores

    def to_dict(self) -> dict:
        return {"code": self.code, **self.scores.to_dict()}


@dataclass(frozen=True)
class ConfusionMatrix:
    """Single-label data: how often the key's label (row) met the coder's (column)."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict:
        return {"labels": list(self.labels), "counts": [list(row) for row in self.counts]}


@dataclass(frozen=True)
class CoderScores:
    """One coder against the key: averages, per-code scores and (single-label) the confusion matrix."""

    coder: str
    n_units: int
    micro: Scores
    macro: Scores
    codes: tuple[CodeScores, ...]
    confusion: ConfusionMatrix | None
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "coder": self.coder,
            "n_units": self.n_units,
            "micro": self.micro.to_dict(),
            "macro": self.macro.to_dict(),
            "codes": [code.to_dict() for code in self.codes],
            "confusion_matrix": None if self.confusion is None else self.confusion.to_dict(),
            "note": self.note,
        }


@dataclass(frozen=True)
class GoldStandard:
    """Every other coder scored against the key coder."""

    coder: str
    coders: tuple[CoderScores, ...]

    def to_dict(self) -> dict:
        return {"coder": self.coder, "coders": [scores.to_dict() for scores in self.coders]}


def against_gold(codings: Codings, gold: str) -> GoldStandard:
    """Score every coder but ``gold`` against ``gold``'s codes.

    Parameters
    ----------
    codings : Codings
    gold : str
        The coder who is the answer key.

    Returns
    -------
    GoldStandard
        Coders in the order of ``codings.coders``.

    Raises
    ------
    UsageError
        When ``gold`` is not a coder, or is the only one.

    Examples
    --------
    >>> from reliability.codings.model import from_sets
    >>> codings = from_sets({"key": {"u1": {"a"}, "u2": {"b"}, "u3": {"a"}},
    ...                      "new": {"u1": {"a"}, "u2": {"a"}, "u3": {"a"}}})
    >>> result = against_gold(codings, "key").coders[0]
    >>> [(c.code, c.scores.precision, c.scores.recall) for c in result.codes]
    [('a', 0.6666666666666666, 1.0), ('b', None, 0.0)]
    >>> result.confusion.counts
    ((2, 0), (1, 0))
    """
    key = codings.coder_index(gold)
    if codings.n_coders < 2:
        raise UsageError(f"--gold {gold}: there is no other coder to score against the answer key")
    single_label = not codings.multi_label
    scored = []
    for coder in range(codings.n_coders):
        if coder == key:
            continue
        both = codings.seen[:, key] & codings.seen[:, coder]
        name = codings.coders[coder]
        if not both.any():
            undefined = Scores(None, None, None, 0)
            scored.append(
                CoderScores(name, 0, undefined, undefined, (), None, note=f"{name} and {gold} coded no unit in common")
            )
            continue
        sets = codings.with_uncoded[both]
        if single_label:
            scored.append(_single_label(name, codings.codes + (UNCODED,), sets[:, key], sets[:, coder]))
        else:
            scored.append(_multi_label(name, codings.codes, sets[:, key, :-1], sets[:, coder, :-1]))
    return GoldStandard(coder=gold, coders=tuple(scored))


def _multi_label(name: str, codes: tuple[str, ...], truth: np.ndarray, predicted: np.ndarray) -> CoderScores:
    """Code by code, present or absent, on (n_units, n_codes) indicator arrays."""
    from sklearn.metrics import multilabel_confusion_matrix

    used = truth.any(axis=0) | predicted.any(axis=0)
    if not used.any():
        undefined = Scores(None, None, None, 0)
        return CoderScores(name, len(truth), undefined, undefined, (), None, note="neither coder applied a code to the units both coded")
    matrices = multilabel_confusion_matrix(truth[:, used], predicted[:, used])
    used_codes = tuple(code for code, kept in zip(codes, used) if kept)
    return _scored(name, len(truth), used_codes, matrices, truth[:, used], predicted[:, used], None)


def _single_label(name: str, labels: tuple[str, ...], truth: np.ndarray, predicted: np.ndarray) -> CoderScores:
    """One label per unit (the code, or "(uncoded)"), from one-hot (n_units, n_labels) arrays."""
    from sklearn.metrics import confusion_matrix, multilabel_confusion_matrix

    used = truth.any(axis=0) | predicted.any(axis=0)
    used_labels = tuple(label for label, kept in zip(labels, used) if kept)
    true_label = np.argmax(truth[:, used], axis=1)
    predicted_label = np.argmax(predicted[:, used], axis=1)
    every = list(range(len(used_labels)))
    matrices = multilabel_confusion_matrix(true_label, predicted_label, labels=every)
    # scikit-learn warns about a 1 × 1 matrix even with labels given; it is just the unit count.
    table = confusion_matrix(true_label, predicted_label, labels=every) if len(every) > 1 else [[len(true_label)]]
    confusion = ConfusionMatrix(used_labels, tuple(tuple(int(c) for c in row) for row in table))
    return _scored(name, len(truth), used_labels, matrices, true_label, predicted_label, confusion)


def _scored(
    name: str,
    n_units: int,
    codes: tuple[str, ...],
    matrices: np.ndarray,
    truth: np.ndarray,
    predicted: np.ndarray,
    confusion: ConfusionMatrix | None,
) -> CoderScores:
    """Per-code and averaged scores; scikit-learn computes, the per-code 2×2 tables say what is undefined."""
    from sklearn.metrics import precision_recall_fscore_support

    every = list(range(len(codes)))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=every, average=None, zero_division=0.0
    )
    true_pos, false_pos, false_neg = matrices[:, 1, 1], matrices[:, 0, 1], matrices[:, 1, 0]
    per_code = tuple(
        CodeScores(
            code,
            Scores(
                precision=None if true_pos[k] + false_pos[k] == 0 else float(precision[k]),
                recall=None if true_pos[k] + false_neg[k] == 0 else float(recall[k]),
                f1=None if true_pos[k] + false_pos[k] + false_neg[k] == 0 else float(f1[k]),
                support=int(support[k]),
            ),
        )
        for k, code in enumerate(codes)
    )
    total = int(support.sum())
    averages = {}
    for average in ("micro", "macro"):
        p, r, f, _ = precision_recall_fscore_support(
            truth, predicted, labels=every, average=average, zero_division=0.0
        )
        averages[average] = Scores(float(p), float(r), float(f), total)
    return CoderScores(name, n_units, averages["micro"], averages["macro"], per_code, confusion)
