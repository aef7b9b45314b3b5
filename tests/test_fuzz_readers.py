"""Fuzzing the readers: any bytes give a table or an InputError, never another exception.

Hypothesis feeds :func:`reliability.load` random bytes, and CSV-like text built
from the pieces that break parsers (quotes, delimiters, line breaks, BOMs, NUL,
role column names, presence values) in several encodings and with varied
options. Whatever comes in, the readers must either return a :class:`Codings`
whose accounting adds up, or raise an :class:`InputError` (whose message the
command line shows); any other exception is a bug.

The run is bounded (``FUZZ_EXAMPLES`` examples, a few seconds in CI) and
derandomised, so CI sees the same inputs every time; for a longer hunt::

    RELIABILITY_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz_readers.py
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability.codings.model import Codings
from reliability.errors import InputError
from reliability.readers import ReadOptions, load

FUZZ_EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIECES = st.sampled_from(
    ["unit", "coder", "code", "codes", "text", "note", "id", "Label", "1", "0", "x", "yes", "", " ", "U1", "007",
     "sep=;", "\ufeff", "(column 2)", "nan"]
)
FIELD = PIECES | st.text(st.sampled_from(list('aU1,;\t"\n\r é\x00\x1b\u2028')), max_size=5)
ROW = st.lists(FIELD, max_size=5)


@st.composite
def csvish(draw) -> bytes:
    """Text that looks like a CSV file, often broken: rows joined by a delimiter, fields sometimes quoted."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())
    rows = draw(st.lists(ROW, max_size=6))
    lines = [delimiter.join(f'"{f}"' if quote and draw(st.booleans()) else f for f in row) for row in rows]
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 2]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    return text.encode(encoding, errors="replace")


OPTIONS = st.builds(
    ReadOptions,
    code_sep=st.sampled_from([";", "|", ","]),
    encoding=st.sampled_from([None, None, "latin-1", "utf-16"]),
    ignore_case=st.booleans(),
)
OTHER_CODER = "unit,code\nU1,x\nU2,\n"


def read(paths, options) -> None:
    try:
        codings = load(paths, options)
    except InputError as error:
        assert str(error) and "\n" not in str(error).strip()
        return
    assert isinstance(codings, Codings)
    accounting = codings.accounting
    assert accounting.rows_read == accounting.rows_used + sum(i.rows for i in accounting.ignored)


@FUZZ
@given(
    content=csvish() | st.binary(max_size=200),
    suffix=st.sampled_from([".csv", ".tsv", ".txt"]),
    options=OPTIONS,
    alone=st.booleans(),
)
def test_any_bytes_give_a_table_or_an_input_error(tmp_path_factory, content, suffix, options, alone):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"fuzzed{suffix}"
    path.write_bytes(content)
    other = folder / "other.csv"
    other.write_text(OTHER_CODER, encoding="utf-8")
    read([path] if alone else [path, other], options)
