"""``python -m shapecheck``."""

from shapecheck.app.entry import run

run()
