"""`python -m emuscore ...`: the same as the `emuscore` command."""

from emuscore.cli import main

main(prog_name="emuscore")
