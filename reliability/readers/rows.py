"""Rows read from one input, before they become the canonical table.

Readers work on the distinct values of a column rather than on every row: a
column is held as a categorical (an integer per row into its distinct values),
so trimming, splitting cells into codes and checking values touch each distinct
value once. That keeps a 1.5-million-row file fast (DESIGN §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..codings.names import canonical


def _no_respellings() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in ("role", "value", "raw")})


@dataclass(frozen=True)
class Rows:
    """What one input file holds, one record per non-blank row.

    Attributes
    ----------
    source : str
        The file, for messages.
    shape : str
        How the file was read ("long", "codes per unit", "wide", …).
    rows_read : int
        Data rows in the file (records, not counting the header).
    blank_rows : int
        Rows that were entirely empty.
    records : DataFrame
        One row per non-blank input row: ``row`` (int, the row number a spreadsheet
        shows, header = 1); ``unit``, ``coder``, ``text``, ``note`` (categorical
        text, trimmed of surrounding space; "" when empty); ``codeset`` (int, index
        into ``codesets``).
    codesets : tuple of tuple of str
        The distinct sets of codes that records apply, each sorted;
        ``codesets[0] == ()`` is "coded, no code applies".
    coder_from_file_name : bool
        The file has no coder column: its stem names the coder.
    used : tuple of (str, str)
        Which column (or element) gave each role, for the report's input section.
    respellings : DataFrame
        Columns ``role`` ("unit", "coder" or "code"), ``value`` (trimmed) and ``raw``
        (as written): every spelling of the values that trimming changed, so that
        the report can say when two spellings became one.
    """

    source: str
    shape: str
    rows_read: int
    blank_rows: int
    records: pd.DataFrame
    codesets: tuple[tuple[str, ...], ...]
    coder_from_file_name: bool = False
    respellings: pd.DataFrame = field(default_factory=_no_respellings)
    used: tuple[tuple[str, str], ...] = ()
    """(role, column or element) the reader took each role from: unit, coder, code, text, note."""

    @classmethod
    def from_codesets(
        cls,
        *,
        source: str,
        shape: str,
        rows_read: int,
        blank_rows: int,
        row_number: np.ndarray,
        unit,
        coder,
        text,
        note,
        codeset: np.ndarray,
        codesets: tuple[tuple[str, ...], ...],
        coder_from_file_name: bool,
        code_spellings: pd.DataFrame | None = None,
    ) -> "Rows":
        """Rows from aligned per-record columns and each record's index into ``codesets``.

        ``unit``, ``coder``, ``text`` and ``note`` are array-likes of text, one entry per
        record (categoricals are used as they are); ``text`` and ``note`` may be None.
        Values are trimmed here. ``code_spellings`` (columns ``value``, ``raw``) are
        the reader's respellings of codes, if it trimmed any.
        """
        n = len(row_number)
        unit, unit_spellings = trimmed(unit)
        coder, coder_spellings = trimmed(coder)
        spellings = [unit_spellings.assign(role="unit"), coder_spellings.assign(role="coder")]
        if code_spellings is not None:
            spellings.append(code_spellings.assign(role="code"))
        respellings = pd.concat(spellings, ignore_index=True)[["role", "value", "raw"]]
        records = pd.DataFrame(
            {
                "row": np.asarray(row_number, dtype=np.int64),
                "unit": unit,
                "coder": coder,
                "text": _constant("", n) if text is None else trimmed(text, compose=False)[0],
                "note": _constant("", n) if note is None else trimmed(note, compose=False)[0],
                "codeset": np.asarray(codeset, dtype=np.int64),
            },
            copy=False,  # the reader made these columns for the records: copying them would change nothing
        )
        return cls(source, shape, rows_read, blank_rows, records, tuple(codesets), coder_from_file_name, respellings)


def trimmed(values, compose: bool = True) -> tuple[pd.Categorical, pd.DataFrame]:
    """Values trimmed of surrounding white space, as a categorical; and what trimming changed.

    Missing values (None, NaN) become "". Only the distinct values are trimmed.
    With ``compose`` (names: ids, coders) they are also put in NFC (:func:`canonical`);
    texts and notes are only trimmed.

    Returns
    -------
    Categorical
        One entry per value.
    DataFrame
        Columns ``value`` (trimmed) and ``raw``: for each non-empty value that
        trimming changed some spelling of, every spelling of it in use.

    >>> cat, changed = trimmed(["a", " a", "b", None, "c "])
    >>> list(cat), changed.to_dict("records")
    (['a', 'a', 'b', '', 'c'], [{'value': 'a', 'raw': ' a'}, {'value': 'a', 'raw': 'a'}, {'value': 'c', 'raw': 'c '}])
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    cat = values if isinstance(values, pd.Categorical) else pd.Categorical(np.asarray(values, dtype=object))
    raw = cat.categories.to_numpy(dtype=object)
    if python_text(cat.categories) and not (cat.codes < 0).any() and _plain(raw):
        # The common case: nothing to trim or compose, and the categorical is already what is returned.
        return cat, _nothing_changed()
    if pd.api.types.infer_dtype(raw, skipna=False) != "string":
        raw = np.array([str(v) for v in raw], dtype=object)
    codes = np.asarray(cat.codes, dtype=np.int64)
    missing = codes < 0
    if missing.any():  # a missing value is ""
        raw = np.append(raw, "")
        codes[missing] = len(raw) - 1
    # Names are composed (NFC) to compare alike; texts and notes are only shown, and stay as written.
    stripped = np.array(list(map(str.strip, raw)), dtype=object)
    if compose:  # canonical() of each value: only values beyond ASCII need composing
        beyond_ascii = np.flatnonzero(~np.fromiter(map(str.isascii, stripped), dtype=bool, count=len(stripped)))
        stripped[beyond_ascii] = [canonical(v) for v in stripped[beyond_ascii]]
    if not missing.any() and (stripped == raw).all():  # nothing to trim after all (e.g. composed names beyond ASCII)
        unchanged = pd.Categorical.from_codes(codes, categories=pd.Index(raw, dtype=object), validate=False)
        return unchanged, _nothing_changed()
    ids, vocabulary = pd.factorize(stripped)
    used = np.bincount(codes, minlength=len(raw)) > 0
    changed = np.zeros(len(vocabulary), dtype=bool)
    changed[ids[used & (stripped != raw) & (stripped != "")]] = True
    shown = used & changed[ids]
    result = pd.Categorical.from_codes(ids[codes], categories=pd.Index(vocabulary, dtype=object))
    return result, pd.DataFrame({"value": stripped[shown], "raw": raw[shown]})


def python_text(categories: pd.Index) -> bool:
    """Whether categories are held as Python objects: object dtype, or pandas' string dtype stored so (not in pyarrow).

    Such categories are read as Python strings without a conversion, which
    pyarrow's would need each time.
    """
    dtype = categories.dtype
    return dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.storage == "python")


def _nothing_changed() -> pd.DataFrame:
    return pd.DataFrame({"value": np.array([], dtype=object), "raw": np.array([], dtype=object)})


def _plain(values: np.ndarray) -> bool:
    """Whether every value is ASCII text with no white space around it (then trimming and composing change none).

    One look at each value's first and last character, in the values joined by NUL
    as bytes, instead of trimming every value to compare.
    """
    try:
        joined = "\x00".join(values.tolist())  # a list joins several times faster than an array
    except TypeError:  # a value that is not text
        return False
    if not joined.isascii() or joined.count("\x00") != len(values) - 1:
        return False
    data = np.frombuffer(joined.encode("ascii") + b"\x00", dtype=np.uint8)
    ends = np.flatnonzero(data == 0)
    starts = np.concatenate([[0], ends[:-1] + 1])
    # An empty value's first byte is the NUL after it and its last the NUL before it (or the final one): not space.
    return not _ASCII_SPACE[data[starts]].any() and not _ASCII_SPACE[data[ends - 1]].any()


_ASCII_SPACE = np.array([chr(byte).isspace() for byte in range(128)], dtype=bool)
"""Which byte values ``str.strip`` removes from ASCII text (tab to CR, the separators 0x1c-0x1f, space)."""


def _constant(value: str, n: int) -> pd.Categorical:
    only = pd.Index([value], dtype=object)
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=only, validate=False)


def codesets_from_pieces(
    n_records: int, record: np.ndarray, code: np.ndarray
) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """Each record's set of codes, as an index into the distinct sets.

    Codes are trimmed; "" is no code. Records are grouped by how many distinct codes
    they apply, and the sets of each size are found with one ``np.unique`` over rows
    of code indices, so the work is vectorised whatever the number of records.

    Parameters
    ----------
    n_records : int
    record : ndarray of int, shape (n_pieces,)
        The record each piece belongs to, in ``range(n_records)``.
    code : ndarray of str, shape (n_pieces,)

    Returns
    -------
    codeset : ndarray of int64, shape (n_records,)
        Index into ``codesets``; 0 for a record that applies no code.
    codesets : tuple of tuple of str
        The distinct sets, each sorted; ``codesets[0] == ()``.

    >>> codesets_from_pieces(3, np.array([0, 0, 1, 2]), np.array(["b", " a", "", "a"], dtype=object))
    (array([2, 0, 1]), ((), ('a',), ('a', 'b')))
    """
    names, stripped_ids = _trimmed_codes(code)
    present = names[stripped_ids] != ""
    width = max(len(names), 1)
    key = np.unique(record[present].astype(np.int64) * width + stripped_ids[present])
    piece_record, piece_code = np.divmod(key, width)
    size = np.bincount(piece_record, minlength=n_records)
    size_of_piece = size[piece_record]
    codeset = np.zeros(n_records, dtype=np.int64)
    codesets: list[tuple[str, ...]] = [()]
    for n_codes in np.unique(size[size > 0]):
        members = np.flatnonzero(size == n_codes)
        rows = piece_code[size_of_piece == n_codes].reshape(len(members), n_codes)
        patterns, inverse = np.unique(rows, axis=0, return_inverse=True)
        codeset[members] = len(codesets) + inverse.reshape(-1)
        codesets.extend(tuple(sorted(names[p])) for p in patterns)
    return codeset, tuple(codesets)


def _trimmed_codes(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct trimmed codes, and each piece's index into them."""
    raw_ids, raw = pd.factorize(np.asarray(code, dtype=object))
    stripped = np.array([canonical(str(v)) for v in raw] + [""], dtype=object)
    ids, names = pd.factorize(stripped)
    raw_ids[raw_ids < 0] = len(raw)  # a missing code is no code
    return np.asarray(names, dtype=object), ids[raw_ids]


def split_codes(cells: pd.Series, code_sep: str) -> pd.DataFrame:
    """One piece per code in each cell, trimmed; a cell with no code gives one empty piece.

    >>> split_codes(pd.Series(["a; b", "", " c ;"]), ";")
    ... # doctest: +NORMALIZE_WHITESPACE
       record code
    0       0    a
    1       0    b
    2       1
    3       2    c
    """
    codes = pd.Series(cells.to_numpy(dtype=object), index=np.arange(len(cells))).str.strip()
    if code_sep and codes.str.contains(code_sep, regex=False).any():
        codes = codes.str.split(code_sep, regex=False).explode().str.strip()
        empty = codes.eq("")
        record_has_code = (~empty).groupby(level=0).transform("any")
        codes = codes[~empty | ~record_has_code]
        codes = codes[~(codes.eq("") & codes.index.duplicated())]
    return pd.DataFrame({"record": codes.index.to_numpy(), "code": codes.to_numpy(dtype=object)})
