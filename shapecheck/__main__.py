"""``python -m shapecheck``."""

from .cli import main

main()
