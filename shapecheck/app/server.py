"""``shapecheck server``: a language server (LSP over stdio, with pygls).

It publishes diagnostics when a document is opened, changed or saved (codes,
severities, and the notes as related information), clears them when it is
closed, and offers a quick fix (a code action) for each fixable finding.
Settings come from the configuration nearest to each document, as on the
command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from shapecheck import __version__
from shapecheck.checking.checker import Settings, check_source
from shapecheck.app.config import ConfigError, FileConfig, find_config, load_config, settings_builder
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.report.urls import rule_href

SOURCE = "shapecheck"


def _path_of(uri: str) -> Optional[Path]:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _range(document: TextDocument, start: Location, end: Location) -> types.Range:
    """A 1-based code-point span as an LSP range in the client's units (UTF-16 by default)."""
    server_range = ServerTextRange(ServerTextPosition(start.row - 1, start.column - 1),
                                   ServerTextPosition(end.row - 1, end.column - 1))
    return document.range_to_client_units(server_range)


class ShapecheckServer(LanguageServer):
    """The language server, with the last findings of each open document."""

    def __init__(self) -> None:
        super().__init__("shapecheck", __version__)
        self.findings: dict[str, list[tuple[types.Diagnostic, Diagnostic]]] = {}

    def settings_for(self, uri: str) -> tuple[Callable[[str], Settings], Optional[str]]:
        """The settings for a document, and a configuration error to show, if any."""
        path = _path_of(uri)
        config = FileConfig()
        try:
            found = find_config(path.parent) if path is not None and path.parent.exists() else None
            if found is not None:
                config = load_config(found)
            return settings_builder(config), None
        except ConfigError as error:
            return settings_builder(FileConfig()), str(error)

    def check(self, uri: str) -> None:
        """Check a document and publish its diagnostics."""
        document = self.workspace.get_text_document(uri)
        path = _path_of(uri)
        name = str(path) if path is not None else uri
        if name.endswith(".ipynb"):
            return
        build, error = self.settings_for(uri)
        if error is not None:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"shapecheck: {error}"))
        try:
            found = check_source(document.source, name, build(name))
        except Exception as failure:  # noqa: BLE001 - the server keeps running
            self.window_log_message(types.LogMessageParams(
                types.MessageType.Error, f"shapecheck: {name}: internal error: {type(failure).__name__}: {failure}"))
            found = []
        pairs = [(self.to_lsp(document, d), d) for d in found]
        self.findings[uri] = pairs
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=[lsp for lsp, _ in pairs], version=document.version))

    def to_lsp(self, document: TextDocument, d: Diagnostic) -> types.Diagnostic:
        """One finding as an LSP diagnostic (notes as related information)."""
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(document.uri, _range(document, note.location, note.end_location)),
                message=note.message)
            for note in d.notes
        ]
        severity = types.DiagnosticSeverity.Error if d.severity is Severity.ERROR else types.DiagnosticSeverity.Warning
        return types.Diagnostic(
            range=_range(document, d.location, d.end_location),
            message=d.message,
            severity=severity,
            code=d.code,
            code_description=types.CodeDescription(href=rule_href(d.code)),
            source=SOURCE,
            related_information=related or None,
            data={"name": d.name, "fixable": d.fix is not None},
        )

    def clear(self, uri: str) -> None:
        """Forget a closed document and clear its diagnostics."""
        self.findings.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """A quick fix for each fixable finding that overlaps the requested range."""
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        wanted = params.range
        actions = []
        for lsp, d in self.findings.get(uri, []):
            if d.fix is None or not _overlaps(lsp.range, wanted):
                continue
            edits = [types.TextEdit(_range(document, e.location, e.end_location), e.content) for e in d.fix.edits]
            actions.append(types.CodeAction(
                title=f"{d.fix.message} ({d.code})",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: edits}),
            ))
        return actions


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def create_server() -> ShapecheckServer:
    """The server with its features registered."""
    server = ShapecheckServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ShapecheckServer, params: types.DidOpenTextDocumentParams) -> None:
        """Check a document when it is opened."""
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ShapecheckServer, params: types.DidChangeTextDocumentParams) -> None:
        """Check a document after each change."""
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ShapecheckServer, params: types.DidSaveTextDocumentParams) -> None:
        """Check a document when it is saved."""
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ShapecheckServer, params: types.DidCloseTextDocumentParams) -> None:
        """Clear a closed document's diagnostics."""
        ls.clear(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: ShapecheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        """Quick fixes for the fixable findings in the requested range."""
        return ls.code_actions(params)

    return server


def serve() -> None:
    """Serve over standard input and output until the client says exit."""
    create_server().start_io()
