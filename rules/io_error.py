"""SC002 io-error."""

from __future__ import annotations

from shapecheck.checking.rule import Invalid, Rule


class IoErrorRule(Rule):
    """A file that could not be read; reported by the command line and the checker itself.

    The command line makes these findings for paths it cannot read (see
    :func:`shapecheck.checking.checker.io_error`); the checker makes one for a
    text with NUL bytes.  They are reported whatever the rule selection, and
    the exit code is 2.
    """

    code = "SC002"
    name = "io-error"
    summary = "A file that cannot be read or decoded"
    what = """
Reports a path that could not be checked because it could not be read: it does
not exist (or is a broken symbolic link), it is a directory where a file was
expected, reading it is not permitted, it is not valid UTF-8 (a Latin-1 or
UTF-16 file), it is binary (it holds NUL bytes), or it is a notebook that is
not valid JSON. The finding is at line 1, column 1 of that path, in every
output format, and the exit code is 2. It cannot be turned off with
`--ignore` or a suppression comment: a file that was not checked must never
look like a clean one.
"""
    why = """
A misspelt path, a file saved in another encoding, or a permission problem on
a CI runner would otherwise pass as a clean run, and a dashboard that reads
JSON, JUnit or SARIF would show green for a script nobody checked.
"""
    VALID = ["import keras\n"]
    # A text with NUL bytes (what a binary file decodes to): Python refuses it too.
    INVALID = [Invalid("import keras\n\x00\x00\n", raises=True)]
