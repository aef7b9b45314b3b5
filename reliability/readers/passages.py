"""Coded passages without positions: a unit is a document and one exact passage of text.

Taguette's highlight tables (``id, document, tag, content``) and QualCoder's
coded-text export give each coded passage's text but not where it lies. Units are
then matched by document and *identical* text (white space runs count as one
space), so a passage two coders selected even slightly differently makes two units.

The omission rule of DESIGN §2 holds here as for spans: a coder who coded
something in a document read it, so where another coder coded a passage of that
document and they did not, they applied no code (the empty set), not "missing".
Missing is left for documents a coder coded nothing in. :func:`apply_omissions`
does this once every coder's file has been read.

Taguette numbers the highlights of every copy of a project from 1, so its ``id``
column never names the same passage in two coders' files and is never a unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import pandas as pd

from ..codings.model import Codings
from .rows import Rows, split_codes

OMISSION_NOTICE = (
    "{n} time{s} a coder who coded in a document had not coded a passage another coder coded there; "
    "each counts as 'no code' (the empty set), a disagreement, not as missing (DESIGN §2: an omission is "
    "a disagreement); a coder who coded nothing in a document is missing on its passages"
)


@dataclass(frozen=True)
class PassageRows(Rows):
    """Rows whose units are passages of documents, and each unit's document.

    Attributes
    ----------
    unit_documents : mapping of str to str
        Unit id → the document it is a passage of.
    """

    unit_documents: Mapping[str, str] = field(default_factory=dict)


def passage_rows(
    *,
    source: str,
    shape: str,
    rows_read: int,
    blank_rows: int,
    row_number: np.ndarray,
    document: pd.Series,
    passage_text: pd.Series,
    coder: pd.Series,
    codes: pd.Series,
    code_sep: str,
    coder_from_file_name: bool,
    note: pd.Series | None = None,
) -> PassageRows:
    """Rows of coded passages: unit = document + the passage's text, white space runs made one space.

    ``document``, ``passage_text``, ``coder`` and ``codes`` are aligned str Series, one entry
    per record (``codes`` is split on ``code_sep``).
    """
    passage = passage_text.str.split().str.join(" ")
    document = document.str.strip()
    unit = passage_ids(document, passage)
    rows = Rows.from_columns(
        source=source,
        shape=shape,
        rows_read=rows_read,
        blank_rows=blank_rows,
        row_number=row_number,
        unit=unit,
        coder=coder,
        text=passage,
        note=note,
        pieces=split_codes(codes, code_sep),
        coder_from_file_name=coder_from_file_name,
    )
    documents = pd.DataFrame({"unit": unit.to_numpy(dtype=object), "document": document.to_numpy(dtype=object)})
    documents = documents[documents["unit"] != ""].drop_duplicates("unit")
    return PassageRows(
        **{f: getattr(rows, f) for f in Rows.__dataclass_fields__},
        unit_documents=dict(zip(documents["unit"], documents["document"])),
    )


def passage_ids(document: pd.Series, passage: pd.Series) -> pd.Series:
    """'document: first words…' per row; a number is added where two passages would share an id.

    The same document and passage give the same id in every file, whatever else the files hold.

    >>> passage_ids(pd.Series(["d", "d"]), pd.Series(["one two", ""])).tolist()
    ['d: one two', '']
    """
    short = passage.where(passage.str.len() <= 40, passage.str.slice(0, 39) + "…")
    ids = (document + ": " + short).where(passage != "", "")
    distinct = pd.DataFrame({"id": ids, "document": document, "passage": passage})
    distinct = distinct.drop_duplicates(["document", "passage"])
    clash = distinct["id"].duplicated(keep=False) & distinct["id"].ne("")
    if clash.any():
        # Long passages that start alike: tell them apart by a digest of the whole passage,
        # which does not depend on which other passages this file holds.
        digest = pd.util.hash_pandas_object(distinct["passage"], index=False).map(lambda h: f"{h:016x}"[:8])
        distinct.loc[clash, "id"] = distinct.loc[clash, "id"] + " #" + digest[clash]
        lookup = distinct.set_index(["document", "passage"])["id"]
        ids = pd.Series(lookup.reindex(pd.MultiIndex.from_arrays([document, passage])).to_numpy(), index=document.index)
    return ids


def apply_omissions(codings: Codings, inputs: list) -> Codings:
    """Make a coder who coded in a document see every passage unit of that document (∅ where uncoded).

    Parameters
    ----------
    codings : Codings
        Built from ``inputs``.
    inputs : list
        What each file held; the :class:`PassageRows` among them name each passage's document.

    Returns
    -------
    Codings
        ``codings`` itself when no input holds passages or no cell changes; otherwise a copy
        whose ``seen`` is widened and whose notices say how many cells became the empty set.
    """
    unit_documents: dict[str, str] = {}
    for table in inputs:
        if isinstance(table, PassageRows):
            unit_documents.update(table.unit_documents)
    if not unit_documents:
        return codings
    names = pd.Series([unit_documents.get(u) for u in codings.units], dtype=object)
    passage = names.notna().to_numpy()
    document_ids, documents = pd.factorize(names[passage])
    coded_in = np.zeros((len(documents), codings.n_coders), dtype=bool)
    np.logical_or.at(coded_in, document_ids, codings.seen[passage])
    seen = codings.seen.copy()
    seen[passage] |= coded_in[document_ids]
    added = int((seen & ~codings.seen).sum())
    if not added:
        return codings
    notice = OMISSION_NOTICE.format(n=added, s="" if added == 1 else "s")
    accounting = replace(codings.accounting, notices=(*codings.accounting.notices, notice))
    return replace(codings, seen=seen, accounting=accounting)
