"""shapecheck: a static shape checker and linter for Keras scripts."""

__version__ = "0.1.0"
