"""``python -m reliability`` runs the command line."""

from .cli import main

main()
