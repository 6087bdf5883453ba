"""shapecheck test suite."""
