"""Inter-coder reliability for qualitative research.

>>> import reliability
>>> codings = reliability.from_sets({"A": {"u1": {"x"}, "u2": {"y"}}, "B": {"u1": {"x"}, "u2": {"x"}}})
>>> reliability.compare(codings).overall.figures["percent_agreement"].value
0.5
"""

from .version import __version__

__all__ = ["Codings", "ReadOptions", "Report", "compare", "from_sets", "load", "__version__"]


def __getattr__(name: str):
    # Lazy, so that `reliability --help` does not import pandas or scikit-learn.
    if name in ("Codings", "from_sets"):
        from .codings import model as codings

        return getattr(codings, name)
    if name in ("load", "ReadOptions"):
        from . import readers

        return getattr(readers, name)
    if name in ("compare", "Report"):
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module 'reliability' has no attribute {name!r}")
