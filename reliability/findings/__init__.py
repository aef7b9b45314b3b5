"""Where and why coders disagree: the disagreeing units, the codes coders confuse,
coder bias and codebook gaps. Computed from the codings, as the figures are."""
