"""Krippendorff's unitizing alphas: agreement on where coders put their spans, without choosing units.

Coders of a QDA program each select their own stretches of a document and code
them. Every other figure of the report first turns those spans into units
(``--units``); the alphas here are computed on the spans themselves. Each
document is a continuum of ``L_d`` positions (characters). A coder's *sections*
in a document are their coded stretches (*units*, each with a value) and the
uncoded stretches between them (*gaps*): together they partition the document.

Family, as ATLAS.ti reports it:

``unitizing_alpha`` (αu; Krippendorff 1995, 2004 §12.4)
    Per code: the code's units against everything else, with the squared
    distance of each pair of overlapping sections — both units of the code:
    (b_g − b_h)² + (e_g − e_h)²; a unit inside the other coder's gap: l_g²;
    otherwise 0 — so a boundary moved by a few characters costs little and a
    missed unit costs its length squared:

        D_o = Σ_{i≠j} Σ_g Σ_h δ²(ig, jh) / (m (m − 1) L²)
        D_e = 2/L · Σ_u [ (N − 1)/3 · (2l_u³ − 3l_u² + l_u) + l_u² Σ_{gaps h, l_h ≥ l_u} (l_h − l_u + 1) ]
              / ( mL (mL − 1) − Σ_u l_u (l_u − 1) )
        αu = 1 − D_o / D_e

    (u: the code's N units of all coders; h: every coder's gaps). Over all
    codes, αu = 1 − Σ_c D_o(c) / Σ_c D_e(c). It needs every coder on the whole
    continuum, so it uses the documents every coder coded.
``unitizing_alpha_binary`` (|uα; Krippendorff, Mathet, Bouvry & Widlöcher 2016, §5.2)
    Coded against uncoded matter, codes ignored (per code: that code against the
    rest, ATLAS.ti's "α binary" of a code). From the coincidences of section
    values over positions: l_ck = Σ_{i≠j} |ig ∩ jh| / (m − 1) for sections with
    values c, k, and the chance coincidences
    e_ck = l·· (l_c· l_·k − [c = k] S_c) / (l··² − S), where S_c sums l² over the
    units of value c and l over its gaps. α = 1 − D_o / D_e with the nominal
    metric.
``unitizing_alpha_coding`` (cuα; ibid. §5.3)
    Agreement on the codes of the coded stretches that coincide, gaps left out:
    the valued part of the coincidences, with chance coincidences that discount
    each unit's own intersections (S_c sums, per unit and other coder, the
    squared length of its intersection with that coder's units, over m − 1).
``unitizing_alpha_domains`` (Cuα)
    cuα with codes replaced by their semantic domain (the part of a code's name
    before ':', as ATLAS.ti's domains are named): agreement on which domain applies.

cuα and Cuα need each coder's values to partition the text (ATLAS.ti requires
the codes of a domain to exclude each other). Multi-label coders overlap codes,
so where one coder's spans of different codes (domains) overlap, each coder's
spans are cut at every one of their boundaries and each piece takes the *set*
of codes covering it as its value — as the set-as-one-label figures treat
multi-label units: a differing set is a disagreement, never partial credit. The
note says so. A coder's overlapping spans of the same code are one unit.

Coders with missing documents: the 2016 coefficients pair, in each document,
the coders who coded it (divided by m_d − 1, as alpha with missing values
does); a document only one coder coded adds nothing.

References
----------
Krippendorff, K. (1995). On the reliability of unitizing contiguous data.
*Sociological Methodology* 25, 47–76.
Krippendorff, K. (2004, 2013). *Content Analysis: An Introduction to Its
Methodology*, 2nd/3rd ed., Sage (the 2004 worked example, pp. 251–256).
Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the
reliability of unitizing textual continua: Further developments.
*Quality & Quantity* 50, 2347–2364.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..codings.model import Continuum
from .figure import Figure

DOMAIN_SEPARATOR = ":"
"""A code 'Emotion: joy' is in the semantic domain 'Emotion'."""


@dataclass(frozen=True)
class Unitizing:
    """The unitizing alphas of one coding: over all codes, and per code (in the continuum's code order)."""

    overall: dict[str, Figure]
    codes: tuple[dict[str, Figure], ...]


@dataclass(frozen=True)
class _Sections:
    """Every coder's partition of some lanes (continua laid end to end) into units and gaps.

    Attributes are aligned arrays, one entry per section; ``value`` is -1 for a gap.
    """

    coder: np.ndarray
    lane: np.ndarray
    start: np.ndarray  # global position: lanes are laid end to end
    end: np.ndarray
    value: np.ndarray

    @property
    def length(self) -> np.ndarray:
        return self.end - self.start

    @property
    def unit(self) -> np.ndarray:
        return self.value >= 0


def unitizing_alphas(continuum: Continuum) -> Unitizing:
    """Every unitizing alpha of a coding's spans (see the module docstring).

    Parameters
    ----------
    continuum : Continuum
        The coders' spans, the documents' lengths and which coder coded which document.

    Returns
    -------
    Unitizing
        ``overall``: one Figure per key of the registry's ``Scope.SPANS``; ``codes``: per code,
        one per key of ``Scope.SPANS_CODE``. Undefined ones carry a note.
    """
    n_codes = len(continuum.codes)
    per_code_k2004, overall_k2004 = _alpha_u(continuum)
    per_code_binary = _binary_per_code(continuum)
    overall = {
        "unitizing_alpha": overall_k2004,
        "unitizing_alpha_binary": _binary(continuum),
        "unitizing_alpha_coding": _coding(continuum, np.arange(n_codes), "codes"),
        "unitizing_alpha_domains": _domains(continuum),
    }
    codes = tuple(
        {"unitizing_alpha": per_code_k2004[k], "unitizing_alpha_binary": per_code_binary[k]} for k in range(n_codes)
    )
    return Unitizing(overall, codes)


# --- αu (Krippendorff 1995, 2004) -------------------------------------------------------------------


def alpha_u_disagreements(continuum: Continuum) -> tuple[np.ndarray, np.ndarray, int]:
    """Observed and expected disagreement of αu for each code, on the documents every coder coded.

    Returns
    -------
    observed, expected : ndarray of float, shape (n_codes,)
    n_documents : int
        Documents used.
    """
    n_codes, m = len(continuum.codes), len(continuum.coders)
    docs = np.flatnonzero(continuum.coded.all(axis=1))
    if len(docs) == 0 or n_codes == 0:
        return np.zeros(n_codes), np.zeros(n_codes), len(docs)
    # One lane per (code, document) where the code occurs: each code is its own binary continuum. A document
    # where nobody used a code is, for that code, one whole-document gap per coder (added to D_e below).
    lengths = continuum.lengths[docs]
    doc_lane = np.full(len(continuum.documents), -1, dtype=np.int64)
    doc_lane[docs] = np.arange(len(docs))
    rows = doc_lane[continuum.doc] >= 0
    pair = continuum.code[rows] * len(docs) + doc_lane[continuum.doc[rows]]
    used, lane = np.unique(pair, return_inverse=True)
    lane = lane.ravel()
    lane_length = lengths[used % len(docs)]
    sections = _partition(
        lane_length, lane, continuum.coder[rows], continuum.start[rows], continuum.end[rows],
        continuum.code[rows], np.ones((len(lane_length), m), dtype=bool),
    )
    total = float(lengths.sum())
    code_of_lane = used // len(docs)

    g, h = _overlapping_pairs(sections, lane_length)
    both = sections.unit[g] & sections.unit[h]
    delta = np.where(both, (sections.start[g] - sections.start[h]) ** 2 + (sections.end[g] - sections.end[h]) ** 2, 0)
    inside = ~sections.unit[g] & sections.unit[h] & (sections.start[g] <= sections.start[h]) & (sections.end[h] <= sections.end[g])
    delta = delta + np.where(inside, sections.length[h] ** 2, 0)
    inside = sections.unit[g] & ~sections.unit[h] & (sections.start[h] <= sections.start[g]) & (sections.end[g] <= sections.end[h])
    delta = delta + np.where(inside, sections.length[g] ** 2, 0)
    observed = np.bincount(code_of_lane[sections.lane[g]], weights=delta.astype(float), minlength=n_codes)
    observed /= m * (m - 1) * total**2

    length = sections.length.astype(float)
    code = code_of_lane[sections.lane]
    units, gaps = sections.unit, ~sections.unit
    n_units = np.bincount(code[units], minlength=n_codes)
    l_u, c_u = length[units], code[units]
    within = (n_units[c_u] - 1) / 3 * (2 * l_u**3 - 3 * l_u**2 + l_u)
    every_document = _longer_gap_sum(np.zeros(len(lengths), dtype=np.int64), lengths.astype(float), np.zeros_like(c_u), l_u)
    used_documents = _longer_gap_sum(code_of_lane, lane_length.astype(float), c_u, l_u)
    unused = m * (every_document - used_documents)  # whole-document gaps of the documents without the code
    beside = l_u**2 * (_longer_gap_sum(code[gaps], length[gaps], c_u, l_u) + unused)
    numerator = np.bincount(c_u, weights=within + beside, minlength=n_codes)
    denominator = m * total * (m * total - 1) - np.bincount(c_u, weights=l_u * (l_u - 1), minlength=n_codes)
    expected = 2 / total * numerator / denominator
    return observed, expected, len(docs)


def _longer_gap_sum(gap_code, gap_length, unit_code, unit_length) -> np.ndarray:
    """For each unit: Σ (l_h − l_u + 1) over the gaps h of its code at least as long as it."""
    order = np.lexsort((gap_length, gap_code))
    key_code, key_length = gap_code[order], gap_length[order]
    scale = float(max(key_length.max(initial=0), unit_length.max(initial=0)) + 1)
    keys = key_code * scale + key_length
    cumulative = np.concatenate([[0.0], np.cumsum(key_length)])
    first = np.searchsorted(keys, unit_code * scale + unit_length, side="left")
    last = np.searchsorted(keys, unit_code * scale + (scale - 0.5), side="left")
    count = last - first
    return cumulative[last] - cumulative[first] - (unit_length - 1) * count


def _alpha_u(continuum: Continuum) -> tuple[list[Figure], Figure]:
    observed, expected, n_docs = alpha_u_disagreements(continuum)
    units = np.bincount(continuum.code, minlength=len(continuum.codes))
    left_out = len(continuum.documents) - n_docs
    caveat = (
        f"αu needs every coder on the whole text: {left_out} document{'s' if left_out != 1 else ''} "
        "not coded by every coder left out" if left_out else None
    )
    if n_docs == 0:
        why = "no document was coded by every coder (αu needs every coder on the whole text)"
        return [Figure.undefined(int(n), why) for n in units], Figure.undefined(int(units.sum()), why)
    per_code = [_ratio_figure(o, e, int(n), caveat, "no coder applied the code") for o, e, n in zip(observed, expected, units)]
    overall = _ratio_figure(observed.sum(), expected.sum(), int(units.sum()), caveat, "no coder applied a code")
    return per_code, overall


def _ratio_figure(observed: float, expected: float, n: int, caveat: str | None, empty: str) -> Figure:
    if expected <= 0:
        return Figure.undefined(n, f"undefined: {empty}" if n == 0 else "undefined: no disagreement is expected by chance")
    return Figure(value=float(1 - observed / expected), n_units=n, note=caveat)


# --- the 2016 family (Krippendorff, Mathet, Bouvry & Widlöcher) -------------------------------------


def _binary(continuum: Continuum) -> Figure:
    """|uα: coded against uncoded matter, codes ignored."""
    values = np.zeros(len(continuum.code), dtype=np.int64)
    sections, pairable = _document_partition(continuum, continuum, values)
    if sections is None:
        return Figure.undefined(0, "no document was coded by two coders")
    return _coincidences(sections, pairable, n_values=1).alpha(int(sections.unit.sum()), "units")


def _binary_per_code(continuum: Continuum) -> list[Figure]:
    """|uα of each code: its units against everything else (one lane per code and document where it occurs)."""
    n_codes, n_docs = len(continuum.codes), len(continuum.documents)
    coders_of_doc = continuum.coded.sum(axis=1)
    pairable_docs = coders_of_doc >= 2
    if n_codes == 0:
        return []
    if not pairable_docs.any():
        return [Figure.undefined(0, "no document was coded by two coders")] * n_codes
    keep = pairable_docs[continuum.doc]
    used, lane = np.unique(continuum.code[keep] * n_docs + continuum.doc[keep], return_inverse=True)
    lane = lane.ravel()
    lane_doc = used % n_docs
    present = continuum.coded[lane_doc]
    sections = _partition(
        continuum.lengths[lane_doc], lane, continuum.coder[keep], continuum.start[keep], continuum.end[keep],
        np.zeros(len(lane), dtype=np.int64), present,
    )
    coincidence = _coincidences(sections, present, n_values=1)
    code_of_lane = used // n_docs
    # A pairable document without the code: each of its coders has one gap of the whole document there.
    everywhere = float((coders_of_doc * continuum.lengths)[pairable_docs].sum())
    with_code = np.bincount(code_of_lane, weights=(coders_of_doc * continuum.lengths)[lane_doc], minlength=n_codes)
    units_of_code = np.bincount(code_of_lane[sections.lane[sections.unit]], minlength=n_codes)
    return [
        coincidence.for_lanes(code_of_lane == k).alpha(int(units_of_code[k]), "units", everywhere - with_code[k])
        for k in range(n_codes)
    ]


def _coding(continuum: Continuum, value_of_code: np.ndarray, what: str) -> Figure:
    """cuα over the given values of codes (codes themselves, or their domains).

    Where a coder's spans of different values overlap, each distinct set of values
    becomes one value (as the set-as-one-label figures treat multi-label coding), so
    a differing set is a disagreement; the note says so.
    """
    values = value_of_code[continuum.code]
    sections, pairable = _document_partition(continuum, continuum, values)
    if sections is None:
        return Figure.undefined(0, "no document was coded by two coders")
    n_values = int(value_of_code.max(initial=-1)) + 1
    overlap = _overlapping_values(sections)
    note = None
    if overlap is not None:
        pieces, n_values = _value_sets(continuum, values)
        sections, pairable = _document_partition(continuum, pieces, pieces.code)
        note = (
            f"spans of different {what} overlap ({continuum.coders[overlap]}'s, among others): each distinct set "
            f"of {what} is one value, so a differing set counts as a disagreement"
        )
    figure = _coincidences(sections, pairable, n_values).coding_alpha(sections, pairable)
    return replace(figure, note=figure.note or note)


def _value_sets(continuum: Continuum, values: np.ndarray) -> tuple[Continuum, int]:
    """Each coder's spans cut where any of their spans starts or ends, each piece valued by its set of values.

    Returns
    -------
    Continuum
        One span per piece that some span of the coder covers; ``code`` is the index
        of the piece's set of values among all distinct sets.
    int
        How many distinct sets there are.
    """
    n_docs = len(continuum.documents)
    owner = continuum.coder * n_docs + continuum.doc
    big = int(continuum.lengths.max(initial=0)) + 1
    bounds = np.unique(np.concatenate([owner * big + continuum.start, owner * big + continuum.end]))
    piece_start, piece_end = bounds[:-1], bounds[1:]
    same_owner = piece_start // big == piece_end // big
    piece_start, piece_end = piece_start[same_owner], piece_end[same_owner]
    first = np.searchsorted(piece_start, owner * big + continuum.start)
    last = np.searchsorted(piece_start, owner * big + continuum.end)
    count = last - first
    piece = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    value = np.repeat(values, count)
    pairs = np.unique(piece * (int(values.max(initial=0)) + 1) + value)
    piece, value = pairs // (int(values.max(initial=0)) + 1), pairs % (int(values.max(initial=0)) + 1)
    covered, starts = np.unique(piece, return_index=True)
    labels = [",".join(map(str, part)) for part in np.split(value, starts[1:])]
    _, set_of_piece = np.unique(np.array(labels, dtype=object), return_inverse=True)
    owner_of = piece_start[covered] // big
    pieces = replace(
        continuum,
        doc=owner_of % n_docs,
        coder=owner_of // n_docs,
        start=piece_start[covered] % big,
        end=piece_end[covered] - (owner_of * big),
        code=np.asarray(set_of_piece, dtype=np.int64).ravel(),
    )
    return pieces, int(set_of_piece.max(initial=-1)) + 1


def _domains(continuum: Continuum) -> Figure:
    """Cuα: cuα with every code replaced by its semantic domain."""
    names = [code.split(DOMAIN_SEPARATOR, 1)[0].strip() if DOMAIN_SEPARATOR in code else code for code in continuum.codes]
    domains, value_of_code = np.unique(np.array(names, dtype=object), return_inverse=True) if names else ([], np.zeros(0, dtype=np.int64))
    figure = _coding(continuum, np.asarray(value_of_code, dtype=np.int64).ravel(), "semantic domains")
    if figure.value is not None and len(domains) == len(continuum.codes):
        own = "every code is its own semantic domain (no code is named 'domain: code'), so Cuα equals cuα"
        return replace(figure, note=f"{own}; {figure.note}" if figure.note else own)
    return figure


def _document_partition(continuum: Continuum, spans: Continuum, values: np.ndarray):
    """Sections of the documents two or more coders coded, with the given value per span; None if there are none."""
    pairable_docs = continuum.coded.sum(axis=1) >= 2
    if not pairable_docs.any():
        return None, None
    present = continuum.coded & pairable_docs[:, None]
    sections = _partition(continuum.lengths, spans.doc, spans.coder, spans.start, spans.end, values, present)
    return sections, present


@dataclass(frozen=True)
class _Coincidence:
    """Coincidences of section values over positions, per lane, and what chance expects of them.

    Values are 0..n_values-1 for units and n_values for gaps.
    """

    lane: np.ndarray  # per (lane, value) entry
    value: np.ndarray
    diagonal: np.ndarray  # l_cc
    margin: np.ndarray  # l_c.
    gap_pairs: np.ndarray  # l_c∅ (for the gap value itself: 0)
    own: np.ndarray  # S_c: Σ l² over units of the value, Σ l over gaps
    pairable: np.ndarray  # l.. per lane
    n_values: int

    def for_lanes(self, keep_lane: np.ndarray) -> "_Coincidence":
        entries = keep_lane[self.lane]
        return _Coincidence(
            self.lane[entries], self.value[entries], self.diagonal[entries], self.margin[entries],
            self.gap_pairs[entries], self.own[entries], self.pairable[keep_lane], self.n_values,
        )

    def alpha(self, n_units: int, what: str, whole_gaps: float = 0.0) -> Figure:
        """Nominal alpha of the coincidences: 1 − D_o / D_e (eq. 5 and 6 of the 2016 paper).

        ``whole_gaps``: positions (times coders) of documents left out of the lanes because
        no coder used the value there — all gap, all agreeing — added here.
        """
        total = float(self.pairable.sum()) + whole_gaps
        margin = np.bincount(self.value, weights=self.margin, minlength=self.n_values + 1)
        own = np.bincount(self.value, weights=self.own, minlength=self.n_values + 1)
        diagonal = np.bincount(self.value, weights=self.diagonal, minlength=self.n_values + 1)
        gap = self.n_values
        margin[gap], own[gap], diagonal[gap] = margin[gap] + whole_gaps, own[gap] + whole_gaps, diagonal[gap] + whole_gaps
        if total == 0:
            return Figure.undefined(n_units, f"undefined: no {what} in documents two coders coded")
        expected_diagonal = total * (margin**2 - own) / (total**2 - own.sum())
        observed, expected = total - diagonal.sum(), total - expected_diagonal.sum()
        return _alpha_figure(observed, expected, total, n_units)

    def coding_alpha(self, sections: _Sections, present: np.ndarray) -> Figure:
        """cuα: the coincidences among units only (eq. 10 and 11 of the 2016 paper)."""
        valued = self.value < self.n_values
        value = self.value[valued]
        margin = np.bincount(value, weights=self.margin[valued] - self.gap_pairs[valued], minlength=self.n_values)
        diagonal = np.bincount(value, weights=self.diagonal[valued], minlength=self.n_values)
        own = _intersection_squares(sections, present, self.n_values)
        total = float(margin.sum())
        n_units = int(sections.unit.sum())
        if total == 0:
            return Figure.undefined(n_units, "undefined: no two coders' coded stretches intersect")
        expected_diagonal = (margin**2 - own) / (total - own.sum() / total)
        observed, expected = total - diagonal.sum(), total - expected_diagonal.sum()
        return _alpha_figure(observed, expected, total, n_units)


def _alpha_figure(observed: float, expected: float, total: float, n_units: int) -> Figure:
    p_o, p_e = 1 - observed / total, 1 - expected / total
    if expected <= 1e-12 * total:
        return Figure.undefined(n_units, "undefined: the coders' spans leave no disagreement to expect by chance", p_o, p_e)
    return Figure(value=float(1 - observed / expected), n_units=n_units, p_o=float(p_o), p_e=float(p_e))


def _coincidences(sections: _Sections, present: np.ndarray, n_values: int) -> _Coincidence:
    """Diagonal, margins and gap coincidences of every value in every lane (see :class:`_Coincidence`)."""
    n_lanes, m = present.shape
    piece_lane, piece_length, section_of = _pieces(sections, present)
    coders_here = present.sum(axis=1)[piece_lane]
    on = section_of >= 0
    piece = np.repeat(np.arange(len(piece_lane))[:, None], m, axis=1)[on]
    value = np.where(sections.unit, sections.value, n_values)[section_of[on]]
    key, count = np.unique(piece * (n_values + 1) + value, return_counts=True)
    piece, value = key // (n_values + 1), key % (n_values + 1)
    weight = piece_length[piece] / (coders_here[piece] - 1)
    lane = piece_lane[piece]
    gaps_here = np.zeros(len(piece_lane))
    is_gap = value == n_values
    gaps_here[piece[is_gap]] = count[is_gap]
    # Aggregate per (lane, value).
    entry_key, entry = np.unique(lane * (n_values + 1) + value, return_inverse=True)
    entry = entry.ravel()
    def per_entry(weights: np.ndarray) -> np.ndarray:
        return np.bincount(entry, weights=weights, minlength=len(entry_key))

    diagonal = per_entry(weight * count * (count - 1))
    margin = per_entry(weight * count * (coders_here[piece] - 1))
    gap_pairs = per_entry(np.where(is_gap, 0.0, weight * count * gaps_here[piece]))
    length = sections.length.astype(float)
    own_value = np.where(sections.unit, sections.value, n_values)
    own_key = sections.lane * (n_values + 1) + own_value
    own_weight = np.where(sections.unit, length**2, length)
    own = np.zeros(len(entry_key))
    position = np.searchsorted(entry_key, own_key)
    found = (position < len(entry_key)) & (entry_key[np.minimum(position, len(entry_key) - 1)] == own_key)
    np.add.at(own, position[found], own_weight[found])
    pairable = np.bincount(piece_lane, weights=piece_length * coders_here, minlength=n_lanes)
    return _Coincidence(
        entry_key // (n_values + 1), entry_key % (n_values + 1), diagonal, margin, gap_pairs, own, pairable, n_values
    )


def _intersection_squares(sections: _Sections, present: np.ndarray, n_values: int) -> np.ndarray:
    """S_c of cuα: Σ over units g of value c and other coders j of |g ∩ j's units|² / (m_d − 1)."""
    m = present.shape[1]
    piece_lane, piece_length, section_of = _pieces(sections, present)
    coders_here = present.sum(axis=1)[piece_lane]
    valued = (section_of >= 0) & sections.unit[np.maximum(section_of, 0)]
    sums = np.zeros(len(sections.coder) * m)
    for j in range(m):
        # Every unit of another coder i that meets a unit of coder j collects the shared length.
        hit = valued & valued[:, [j]]
        hit[:, j] = False
        piece, _ = np.nonzero(hit)
        g = section_of[hit]
        np.add.at(sums, g * m + j, piece_length[piece] / np.sqrt(coders_here[piece] - 1))
    squares = sums.reshape(len(sections.coder), m) ** 2
    per_unit = squares.sum(axis=1)
    return np.bincount(sections.value[sections.unit], weights=per_unit[sections.unit], minlength=n_values)


# --- sections and pieces -----------------------------------------------------------------------------


def _partition(lane_length, lane, coder, start, end, value, present) -> _Sections:
    """Each present coder's units (overlapping spans of one value merged) and the gaps between them.

    Parameters
    ----------
    lane_length : ndarray of int, shape (n_lanes,)
    lane, coder, start, end, value : ndarray of int, shape (n_spans,)
        Positions within the lane; spans are clipped to it.
    present : ndarray of bool, shape (n_lanes, n_coders)
        Coders who coded each lane; the others have no sections there.
    """
    n_lanes, m = present.shape
    offset = np.concatenate([[0], np.cumsum(lane_length)[:-1]]).astype(np.int64)
    keep = present[lane, coder]
    lane, coder, value = lane[keep], coder[keep], value[keep]
    start = offset[lane] + np.clip(start[keep], 0, lane_length[lane])
    end = offset[lane] + np.clip(end[keep], 0, lane_length[lane])
    kept = end > start
    lane, coder, value, start, end = lane[kept], coder[kept], value[kept], start[kept], end[kept]
    # Merge a coder's overlapping spans of one value: sort, and start a unit wherever no earlier span reaches.
    order = np.lexsort((end, start, value, lane, coder))
    lane, coder, value, start, end = lane[order], coder[order], value[order], start[order], end[order]
    group = np.concatenate([[True], (coder[1:] != coder[:-1]) | (lane[1:] != lane[:-1]) | (value[1:] != value[:-1])])
    group_id = np.cumsum(group) - 1
    span = int(offset[-1] + lane_length[-1]) + 1 if n_lanes else 1
    reach = np.maximum.accumulate(end + group_id * span) - group_id * span
    new = group.copy()
    new[1:] |= start[1:] >= reach[:-1]
    unit = np.cumsum(new) - 1
    u_start = start[new]
    u_end = np.zeros(new.sum(), dtype=np.int64)
    np.maximum.at(u_end, unit, end)
    u_lane, u_coder, u_value = lane[new], coder[new], value[new]
    # Gaps: for each present (lane, coder), the stretches between its units in position order.
    order = np.lexsort((u_start, u_lane, u_coder))
    u_lane, u_coder, u_value, u_start, u_end = u_lane[order], u_coder[order], u_value[order], u_start[order], u_end[order]
    pres_lane, pres_coder = np.nonzero(present)
    order = np.lexsort((pres_lane, pres_coder))
    pres_lane, pres_coder = pres_lane[order], pres_coder[order]
    # Boundaries of each (coder, lane) run: lane start, the units' ends/starts, lane end.
    b_coder = np.concatenate([pres_coder, u_coder, u_coder, pres_coder])
    b_lane = np.concatenate([pres_lane, u_lane, u_lane, pres_lane])
    b_pos = np.concatenate([offset[pres_lane], u_start, u_end, offset[pres_lane] + lane_length[pres_lane]])
    b_kind = np.concatenate([np.zeros(len(pres_lane)), np.ones(len(u_start)), np.full(len(u_end), 2), np.full(len(pres_lane), 3)])
    # In position order (a unit's start before its end; a unit ending where the next starts: end first).
    rank = np.array([0, 2, 1, 3])[b_kind.astype(np.int64)]
    order = np.lexsort((rank, b_pos, b_lane, b_coder))
    b_pos, b_kind, b_lane, b_coder = b_pos[order], b_kind[order], b_lane[order], b_coder[order]
    # Gaps open at a lane start or a unit's end, and close at the next unit start or lane end.
    opens = (b_kind == 0) | (b_kind == 2)
    gap_start, gap_end = b_pos[:-1][opens[:-1]], b_pos[1:][opens[:-1]]
    gap_lane, gap_coder = b_lane[:-1][opens[:-1]], b_coder[:-1][opens[:-1]]
    real = gap_end > gap_start
    return _Sections(
        coder=np.concatenate([u_coder, gap_coder[real]]).astype(np.int64),
        lane=np.concatenate([u_lane, gap_lane[real]]).astype(np.int64),
        start=np.concatenate([u_start, gap_start[real]]).astype(np.int64),
        end=np.concatenate([u_end, gap_end[real]]).astype(np.int64),
        value=np.concatenate([u_value, np.full(int(real.sum()), -1)]).astype(np.int64),
    )


def _overlapping_values(sections: _Sections) -> int | None:
    """The first coder whose units overlap one another (only units of different values can), else None."""
    units = np.flatnonzero(sections.unit)
    order = units[np.lexsort((sections.start[units], sections.lane[units], sections.coder[units]))]
    same = (sections.coder[order][1:] == sections.coder[order][:-1]) & (sections.lane[order][1:] == sections.lane[order][:-1])
    reach = sections.end[order][:-1]
    clash = same & (sections.start[order][1:] < reach)
    if not clash.any():
        return None
    return int(sections.coder[order][1:][clash][0])


def _pieces(sections: _Sections, present: np.ndarray):
    """The elementary pieces between all section boundaries, and each coder's section on each.

    Returns
    -------
    piece_lane, piece_length : ndarray, shape (n_pieces,)
    section_of : ndarray of int, shape (n_pieces, n_coders)
        The coder's section covering the piece; -1 where the coder did not code the lane.
    """
    m = present.shape[1]
    bounds = np.unique(np.concatenate([sections.start, sections.end]))
    piece_start, piece_end = bounds[:-1], bounds[1:]
    # Each piece lies in one section of each present coder; find it by the coder's sorted starts.
    order = np.lexsort((sections.start, sections.coder))
    big = int(bounds[-1]) + 1 if len(bounds) else 1
    keys = sections.coder[order] * big + sections.start[order]
    section_of = np.full((len(piece_start), m), -1, dtype=np.int64)
    for c in range(m):
        at = np.searchsorted(keys, c * big + piece_start, side="right") - 1
        candidate = order[np.maximum(at, 0)]
        hit = (at >= 0) & (sections.coder[candidate] == c) & (sections.end[candidate] > piece_start) & (
            sections.start[candidate] <= piece_start
        )
        section_of[:, c] = np.where(hit, candidate, -1)
    covered = (section_of >= 0).any(axis=1)
    lane = sections.lane[np.max(section_of[covered], axis=1)]
    return lane, (piece_end - piece_start)[covered].astype(float), section_of[covered]


def _overlapping_pairs(sections: _Sections, lane_length) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (g, h) of sections of two different coders that share a position."""
    m = int(sections.coder.max(initial=-1)) + 1
    present = np.ones((len(lane_length), max(m, 1)), dtype=bool)
    _, _, section_of = _pieces(sections, present)
    pairs = []
    for i in range(m):
        for j in range(m):
            if i != j:
                both = (section_of[:, i] >= 0) & (section_of[:, j] >= 0)
                pairs.append(section_of[both, i] * len(sections.coder) + section_of[both, j])
    key = np.unique(np.concatenate(pairs)) if pairs else np.zeros(0, dtype=np.int64)
    return key // len(sections.coder), key % len(sections.coder)
