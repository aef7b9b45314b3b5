"""The CI gate: minimums and baselines (:mod:`.thresholds`), their settings file
(:mod:`.config`) and what a revision changed (:mod:`.diff`). It reads reports."""
