"""``python -m conflictkit``: the command line."""

from conflictkit.cli import main

main()
