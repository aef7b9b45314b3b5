"""Coders against the answer key (``--gold``) as text, Markdown and CSV rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cells import coefficient

if TYPE_CHECKING:  # names for annotations only: the figures load with --gold
    from ..figures.gold import CoderScores, GoldStandard, Scores

SCORES = ("precision", "recall", "f1")


def score(value: float | None) -> str:
    """A precision, recall or F1 as the tables show it; "n/a" when undefined."""
    return "n/a" if value is None else coefficient(value)


def gold_sections(gold: GoldStandard | None, style) -> list[str]:
    """Headings and tables: per coder, the averages, every code, and (single-label) the confusion matrix."""
    if gold is None:
        return []
    parts = [style.heading(f"Against the answer key: {gold.coder}")]
    parts.append(style.table(
        [[scores.coder, str(scores.n_units), *(score(getattr(scores.micro, s)) for s in SCORES),
          *(score(getattr(scores.macro, s)) for s in SCORES)] for scores in gold.coders],
        ["Coder", "Units", "Micro P", "Micro R", "Micro F1", "Macro P", "Macro R", "Macro F1"],
    ))
    for scores in gold.coders:
        parts.append(style.heading(f"{scores.coder} against {gold.coder}", 3))
        if scores.note:
            parts.append(style.lines([scores.note]))
            continue
        parts.append(style.table(
            [[code.code, *(score(getattr(code.scores, s)) for s in SCORES), str(code.scores.support)]
             for code in scores.codes],
            ["Code", "Precision", "Recall", "F1", "Support"],
        ))
        if scores.confusion is not None:
            parts.append(_confusion(scores, gold.coder, style))
    parts.append(style.lines([
        "Precision: share of the coder's codes the key also gave; recall: share of the key's codes the coder "
        "also gave; support: how often the key gave the code. n/a: the coder (precision) or the key (recall) "
        "never gave the code; macro averages count n/a as 0."
    ]))
    return parts


def _confusion(scores: CoderScores, key: str, style) -> str:
    matrix = scores.confusion
    rows = [[f"{key}: {label}", *(str(n) for n in row)] for label, row in zip(matrix.labels, matrix.counts)]
    return style.table(rows, [f"{key} ↓ / {scores.coder} →", *matrix.labels])


def gold_csv_rows(gold: GoldStandard | None) -> list[list]:
    """Rows of the tidy figures CSV: section "gold", coders "coder & key", one row per score."""
    if gold is None:
        return []
    rows: list[list] = []

    def add(scores: CoderScores, code: str, values: Scores) -> None:
        coders = f"{scores.coder} & {gold.coder}"
        for name in SCORES:
            rows.append(["gold", coders, code, name, getattr(values, name), None, None, scores.n_units,
                         None, None, None, f"support {values.support}"])

    for scores in gold.coders:
        add(scores, "(micro average)", scores.micro)
        add(scores, "(macro average)", scores.macro)
        for code in scores.codes:
            add(scores, code.code, code.scores)
    return rows
