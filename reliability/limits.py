"""Documented limits on input size: a clear message instead of exhausted memory.

Each limit sits well above real coding data (a qualitative study has tens to
thousands of units and tens to hundreds of codes; DESIGN §6's benchmark is
200,000 units × 5 coders × 20 codes = 20 million cells in a 25 MB file) and well
below what would exhaust an ordinary laptop. Past a limit, the readers raise an
:class:`~reliability.errors.InputError` that names the limit and how to stay
under it. docs/inputs.md ("Limits", under "When your file is rejected") lists them all.
"""

from __future__ import annotations

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest input file: 512 MiB (20 times the benchmark's 1.5 million rows)."""

MAX_FIELD_CHARS = 1_000_000
"""Longest cell, in characters: one million is accepted, one more is not.

A unit's text may be a whole interview transcript (typically 50,000 characters);
a longer cell is almost always a stray quote mark that swallowed the rows after it.
"""

MAX_CODES = 10_000
"""Most distinct codes: ten times the largest codebooks of open coding."""

MAX_TABLE_CELLS = 50_000_000
"""Most units × coders × codes: the size of the canonical table ``applied``.

Two and a half times the benchmark. A full comparison needs about 60 bytes per
cell (measured: 1.3 GB at 20 million cells), so the limit keeps it near 3 GB.
"""


MAX_ARCHIVE_UNPACKED_BYTES = 512 * 1024 * 1024
"""Most bytes unpacked from one zip archive (a ``.qdpx`` project or ``.xlsx`` workbook), all members read counted.

The same as one input file may hold: a project whose texts come to more is
refused (a zip bomb unpacks to gigabytes from a few kilobytes).
"""

MAX_COMPRESSION_RATIO = 200
"""Largest ratio of unpacked to packed size of a zip member past ``RATIO_CHECKED_FROM_BYTES``.

Text and XML compress 3 to 20 to 1, very repetitive sheets up to about 100 to 1;
a zip bomb reaches 1,000 to 1.
"""

RATIO_CHECKED_FROM_BYTES = 16 * 1024 * 1024
"""Zip members that unpack to 16 MiB or less are not held to ``MAX_COMPRESSION_RATIO`` (they cannot exhaust memory)."""

MAX_NESTING = 64
"""Deepest nesting of tables or lists in a settings file (TOML) or a baseline report (JSON).

A report nests six levels deep; a settings file three.
"""

MAX_SPAN_POSITION = 2**40
"""Largest position (start or end) a coded span may have: about a trillion characters.

No text within ``MAX_FILE_BYTES`` is that long, and sums of positions over many
documents stay far from the 64-bit limit (a span end of 5e18 would overflow them).
"""


MAX_RESAMPLES = 100_000
"""Most bootstrap resamples (``--bootstrap``): a hundred times the default of 1,000."""

MAX_SETTINGS_BYTES = 1024 * 1024
"""Largest settings file (``reliability.toml``, ``pyproject.toml``): 1 MiB, a thousand times a real one."""

def size_text(n_bytes: int) -> str:
    """A byte count as people read it.

    >>> size_text(536_870_912), size_text(1_500_000), size_text(900)
    ('512 MiB', '1.4 MiB', '900 bytes')
    """
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    value, unit = n_bytes / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
