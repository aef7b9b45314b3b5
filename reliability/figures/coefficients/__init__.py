"""Chance-corrected coefficients, one module per family, each with one core.

:mod:`.kappa` (Cohen, pooled), :mod:`.gwet` (Fleiss, AC1, Brennan–Prediger),
:mod:`.alpha` (Krippendorff), :mod:`.set_distance` (alpha with MASI/Jaccard),
:mod:`.positive` (specific agreement), :mod:`.weighted` (ordered scales);
:mod:`.views` computes the nominal ones for a coding and :mod:`.scaled` the
ordered-scale ones, their intervals from one shared draw (:mod:`.resampled`,
:mod:`.resampled_scale`); :mod:`.core` is the machinery they share.
"""

from .alpha import krippendorff_alpha
from .gwet import brennan_prediger, fleiss_kappa, gwet_ac1
from .kappa import cohen_kappa, pooled_kappa
from .positive import positive_agreement
from .set_distance import SET_BOOTSTRAP_LIMIT, SET_DISTANCES, krippendorff_alpha_sets
from .views import CodeCoefficients, Coefficients, chance_corrected

__all__ = [
    "SET_BOOTSTRAP_LIMIT", "SET_DISTANCES", "CodeCoefficients", "Coefficients", "brennan_prediger",
    "chance_corrected", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha",
    "krippendorff_alpha_sets", "pooled_kappa", "positive_agreement",
]
