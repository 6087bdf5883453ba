"""Checking a file: the rule interface, the rule registry, the checker and the fix loop."""
