"""The model: what was read, as one canonical table (:mod:`.model`), the codebook
(:mod:`.codebook`) and a revision of it (:mod:`.revision`). Nothing here reads a file."""
