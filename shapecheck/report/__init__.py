"""Diagnostics and how they are reported: positions, suppressions, fixes and output formats."""
