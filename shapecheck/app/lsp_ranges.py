"""Positions as the language server's client counts them (shared by the server and its features)."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from shapecheck.report.diagnostics import Location


def lsp_range(document: TextDocument, start: Location, end: Location) -> types.Range:
    """A 1-based code-point span as an LSP range in the client's units (UTF-16 by default)."""
    server_range = ServerTextRange(ServerTextPosition(start.row - 1, start.column - 1),
                                   ServerTextPosition(end.row - 1, end.column - 1))
    return document.range_to_client_units(server_range)
