"""Output formats, one module each, behind one registry."""
