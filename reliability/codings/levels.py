"""The levels of measurement, as constants the command line can import without numpy."""

LEVELS = ("nominal", "ordinal", "interval", "ratio")
"""The levels of measurement ``--scale`` accepts."""

AGREEMENT_WEIGHTS = {"ordinal": "ordinal", "interval": "quadratic", "ratio": "ratio"}
"""irrCAC's weights used for Gwet's AC2 and Conger's kappa on each ordered scale (Gwet, 2014, ch. 3):
ordinal weights count the levels between two codes, quadratic weights match the interval metric
(squared differences), ratio weights the ratio metric."""
