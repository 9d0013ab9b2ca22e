"""`python -m annotate` runs the CLI."""

from annotate.cli import main

main()
