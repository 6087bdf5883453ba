"""``python -m shapecheck``."""

from shapecheck.app.cli import main

main()
