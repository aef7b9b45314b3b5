"""The figures: every agreement figure and coefficient, computed from the codings.

:mod:`.registry` lists every figure once (title, scope, kind, band, reference);
:mod:`.agreement` holds the plain proportions, :mod:`.coefficients` the
chance-corrected coefficients, one module per family, and :mod:`.intervals` the
bootstrap they share. Nothing here knows of files or formatting.
"""
