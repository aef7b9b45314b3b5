"""How names (unit ids, coders, codes) are compared, wherever they come from.

Readers, codebooks, recode files and ``--merge`` all put a name through
:func:`canonical`, so a code typed in a recode file matches the same code read
from a coder's export.
"""

from __future__ import annotations

import unicodedata


def canonical(value: str) -> str:
    """A name as it is compared: trimmed of surrounding white space, in Unicode's composed form (NFC).

    ``Café`` typed on a Mac (``e`` + combining accent, NFD) and on Windows (``é``,
    NFC) print alike and must be one code.

    >>> canonical(" Cafe\u0301 ") == "Caf\u00e9"
    True
    """
    stripped = value.strip()
    return stripped if stripped.isascii() else unicodedata.normalize("NFC", stripped)
