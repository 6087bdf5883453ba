"""``shapecheck server``: a language server (LSP over stdio, with pygls).

It publishes diagnostics when a document is opened, changed or saved (codes,
severities, rule URLs, the notes as related information) and clears them
when it is closed.  Jupyter notebooks (LSP 3.17 ``notebookDocument/*``) are
checked as one notebook, as ``shapecheck check`` reads an ``.ipynb``, and
their diagnostics are published on each cell's URI.  Settings come from the
configuration nearest to each document, as on the command line, narrowed by
the client's ``shapecheck.select``/``shapecheck.ignore`` settings.

Speed: an edit re-checks only the edited document, in a worker thread, so
the server keeps reading messages.  Each document has a generation counter:
edits that arrive while it is being checked are coalesced, an analysis
whose text is no longer current is cancelled (the interpreter looks every
few hundred steps) or its result dropped (never published), and the newest
text is checked.  The findings of the last check are kept with the
rules that produced them, so a settings change that only narrows the rules
or changes severities re-filters them without parsing or analysing again;
any other settings change analyses the document again from its last parse.

Hover, inlay hints and code actions live in :mod:`shapecheck.app.server_features`.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional, Sequence
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from shapecheck import __version__
from shapecheck.app.lsp_ranges import lsp_range
from shapecheck.app.config import ConfigError, FileConfig, find_config, load_config, settings_builder
from shapecheck.checking.checker import AnalysisCancelled, ParseCache, Settings, check_source
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.report.urls import rule_href

SOURCE = "shapecheck"


def _path_of(uri: str) -> Optional[Path]:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None




@dataclass
class Checked:
    """The last check of one document (or notebook): its text, findings shown, the rules that ran."""

    source: str
    rules: frozenset[str]
    findings: list[Diagnostic]
    # For a notebook: each cell's URI by cell number, and the script's rows traced to cells.
    cells: dict[int, str] = field(default_factory=dict)
    script: Any = None
    reused: bool = False  # the findings were filtered from the last check, not analysed again
    # The findings of the analysis itself (with ``rules`` and the severities of ``configured``),
    # which a settings change that only narrows the rules filters again.
    analysed: list[Diagnostic] = field(default_factory=list)
    configured: frozenset[str] = frozenset()  # the codes whose severity the analysis's settings set


class ShapecheckServer(LanguageServer):
    """The language server, with the last check of each open document."""

    def __init__(self) -> None:
        super().__init__("shapecheck", __version__, notebook_document_sync=types.NotebookDocumentSyncOptions(
            notebook_selector=[types.NotebookDocumentFilterWithCells(
                cells=[types.NotebookCellLanguage(language="python")], notebook="*")]))
        self.checked: dict[str, Checked] = {}
        self.parses: dict[str, ParseCache] = {}  # each document's last parse, reused while its text is unchanged
        self.published: dict[str, list[tuple[types.Diagnostic, Diagnostic]]] = {}
        self.generation: dict[str, int] = {}
        self.running: set[str] = set()
        self.client_settings: dict[str, Any] = {}
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shapecheck")
        self.analyses: dict[str, tuple[int, Any]] = {}  # hover/inlay analysis per uri, by document version

    # ----------------------------------------------------------- settings
    def setting(self, name: str, default: Any) -> Any:
        """A client setting under ``shapecheck.`` (``inlayHints``, ``select``, ``ignore``)."""
        value = self.client_settings.get(name, default)
        return default if value is None else value

    def settings_for(self, uri: str) -> tuple[Callable[[str], Settings], Optional[str]]:
        """The settings for a document, and a configuration error to show, if any."""
        path = _path_of(uri)
        config = FileConfig()
        error = None
        try:
            found = find_config(path.parent) if path is not None and path.parent.exists() else None
            if found is not None:
                config = load_config(found)
        except ConfigError as failure:
            config, error = FileConfig(), str(failure)
        build = settings_builder(config)
        return (lambda name: self._narrow(build(name))), error

    def _narrow(self, settings: Settings) -> Settings:
        """The client's ``select``/``ignore`` on top of the configuration."""
        from shapecheck.checking.registry import select

        chosen = list(settings.rules)
        selected = self.setting("select", [])
        if selected:
            named = {rule for token in selected for rule in select(token)}
            chosen = [rule for rule in chosen if rule in named]
        ignored = {rule for token in self.setting("ignore", []) for rule in select(token)}
        return replace(settings, rules=tuple(rule for rule in chosen if rule not in ignored))

    # ------------------------------------------------------------- checking
    def schedule(self, uri: str) -> None:
        """Check a document (or notebook) soon: newer edits supersede older ones."""
        self.generation[uri] = self.generation.get(uri, 0) + 1
        if uri not in self.running:
            self.running.add(uri)
            asyncio.ensure_future(self._check_latest(uri))

    async def _check_latest(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                await asyncio.sleep(0)  # let queued edits land first
                generation = self.generation.get(uri)
                job = self._job(uri)
                if job is None:
                    return
                try:
                    checked = await loop.run_in_executor(self.pool, job)
                except AnalysisCancelled:
                    continue  # a newer edit arrived mid-analysis: check the newest text
                except Exception as failure:  # noqa: BLE001 - the server keeps running
                    self.window_log_message(types.LogMessageParams(
                        types.MessageType.Error, f"shapecheck: {uri}: internal error: {type(failure).__name__}: "
                                                 f"{failure}"))
                    return
                if self.generation.get(uri) != generation:
                    continue  # a newer edit arrived: this result is stale, check the newest text
                self.checked[uri] = checked
                if checked.reused:
                    self.window_log_message(types.LogMessageParams(
                        types.MessageType.Log, f"shapecheck: {uri}: settings changed, last analysis reused"))
                self.publish(uri, checked)
                return
        finally:
            self.running.discard(uri)

    def _job(self, uri: str) -> Optional[Callable[[], Checked]]:
        """What checking ``uri`` now takes, run in a worker thread (None: it was closed)."""
        build, error = self.settings_for(uri)
        if error is not None:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"shapecheck: {error}"))
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:
            cells = [(cell, self.workspace.get_text_document(cell.document).source) for cell in notebook.cells]
            return lambda: self._check_notebook(uri, cells, build)
        if uri not in self.workspace.text_documents:
            return None
        source = self.workspace.get_text_document(uri).source
        path = _path_of(uri)
        name = str(path) if path is not None else uri
        generation = self.generation.get(uri)
        stale = lambda: self.generation.get(uri) != generation  # noqa: E731 - read from the worker thread
        parses = self.parses.setdefault(uri, {})
        return lambda: self._check_text(source, name, build(name), self.checked.get(uri), stale, parses)

    def _check_text(self, source: str, name: str, settings: Settings, previous: Optional[Checked],
                    cancelled: Optional[Callable[[], bool]] = None, parses: Optional[ParseCache] = None) -> Checked:
        rules = frozenset(rule.code for rule in settings.rules)
        configured = dict(settings.severities)
        if previous is not None and previous.source == source and not previous.cells and rules <= previous.rules \
                and ("SC900" not in rules or rules == previous.rules) and previous.configured <= configured.keys():
            # Same text, fewer rules or other configured severities: filter the last findings.
            kept = [replace(d, severity=configured.get(d.code, d.severity)) for d in previous.analysed
                    if d.code in rules]
            return Checked(source, previous.rules, kept, analysed=previous.analysed,
                           configured=previous.configured, reused=True)
        findings = check_source(source, name, settings, cancelled, parses)
        return Checked(source, rules, findings, analysed=findings, configured=frozenset(configured))

    def _check_notebook(self, uri: str, cells: Sequence[tuple[types.NotebookCell, str]],
                        build: Callable[[str], Settings]) -> Checked:
        from shapecheck.app.notebooks import read_notebook

        notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code" if cell.kind == types.NotebookCellKind.Code else "markdown",
             "source": text, "metadata": {}, **({"outputs": [], "execution_count": None}
                                                if cell.kind == types.NotebookCellKind.Code else {})}
            for cell, text in cells]}
        script = read_notebook(json.dumps(notebook))
        path = _path_of(uri)
        name = str(path) if path is not None else uri
        settings = build(name)
        findings = check_source(script.script, name, settings) + _invalid_cells(script, settings)
        return Checked(script.script, frozenset(r.code for r in settings.rules), findings,
                       {number: cell.document for number, (cell, _) in enumerate(cells, start=1)}, script)

    # ----------------------------------------------------------- publishing
    def publish(self, uri: str, checked: Checked) -> None:
        """Publish a check's findings: on the document, or on each cell of a notebook."""
        if not checked.cells:
            document = self.workspace.get_text_document(uri)
            pairs = [(self.to_lsp(document, d), d) for d in checked.findings]
            self.published[uri] = pairs
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=[lsp for lsp, _ in pairs], version=document.version))
            return
        by_cell: dict[str, list[tuple[types.Diagnostic, Diagnostic]]] = {u: [] for u in checked.cells.values()}
        for d in checked.findings:
            where = checked.script.locate(d.location.row, d.location.column)
            end = checked.script.locate(d.end_location.row, d.end_location.column)
            if where is None or where[0] not in checked.cells:
                continue
            cell_uri = checked.cells[where[0]]
            if end is None or end[0] != where[0]:
                end = (where[0], where[1], where[2])
            placed = replace(d, location=Location(where[1], where[2]), end_location=Location(end[1], end[2]),
                             notes=(), fix=None)
            by_cell[cell_uri].append((self.to_lsp(self.workspace.get_text_document(cell_uri), placed), placed))
        for cell_uri, pairs in by_cell.items():
            self.published[cell_uri] = pairs
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=cell_uri, diagnostics=[lsp for lsp, _ in pairs]))

    def to_lsp(self, document: TextDocument, d: Diagnostic) -> types.Diagnostic:
        """One finding as an LSP diagnostic (notes as related information)."""
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(document.uri, lsp_range(document, note.location, note.end_location)),
                message=note.message)
            for note in d.notes
        ]
        severity = types.DiagnosticSeverity.Error if d.severity is Severity.ERROR else types.DiagnosticSeverity.Warning
        return types.Diagnostic(
            range=lsp_range(document, d.location, d.end_location),
            message=d.message,
            severity=severity,
            code=d.code,
            code_description=types.CodeDescription(href=rule_href(d.code)),
            source=SOURCE,
            related_information=related or None,
            data={"name": d.name, "fixable": d.fix is not None},
        )

    def clear(self, uri: str, cell_uris: Sequence[str] = ()) -> None:
        """Forget a closed document (or notebook) and clear its diagnostics."""
        self.generation[uri] = self.generation.get(uri, 0) + 1  # drop a check in flight
        self.checked.pop(uri, None)
        self.parses.pop(uri, None)
        self.analyses.pop(uri, None)
        for target in [uri, *cell_uris]:
            self.published.pop(target, None)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=target, diagnostics=[]))

    def recheck_all(self) -> None:
        """Settings changed: check every open document and notebook again."""
        cells = {cell.document for nb in self.workspace.notebook_documents.values() for cell in nb.cells}
        for uri in list(self.workspace.text_documents):
            if uri not in cells:
                self.schedule(uri)
        for uri in list(self.workspace.notebook_documents):
            self.schedule(uri)


def _invalid_cells(script: Any, settings: Settings) -> list[Diagnostic]:
    """SC001 for each notebook cell that is invalid even for IPython (as ``shapecheck check``)."""
    from shapecheck.app.runner import _Task, invalid_cell_findings

    if not script.invalid:
        return []
    task = _Task("notebook", script.script, settings, False, False, script.invalid)
    return invalid_cell_findings(task)


def create_server() -> ShapecheckServer:
    """The server with its features registered."""
    from shapecheck.app.server_features import register

    server = ShapecheckServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ShapecheckServer, params: types.DidOpenTextDocumentParams) -> None:
        """Check a document when it is opened (a notebook's cells are checked with their notebook)."""
        if ls.workspace.get_notebook_document(cell_uri=params.text_document.uri) is None:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ShapecheckServer, params: types.DidChangeTextDocumentParams) -> None:
        """Check the edited document (or the notebook whose cell it is) after each change."""
        notebook = ls.workspace.get_notebook_document(cell_uri=params.text_document.uri)
        ls.schedule(notebook.uri if notebook is not None else params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ShapecheckServer, params: types.DidSaveTextDocumentParams) -> None:
        """Check a document when it is saved (its configuration may have changed)."""
        if ls.workspace.get_notebook_document(cell_uri=params.text_document.uri) is None:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ShapecheckServer, params: types.DidCloseTextDocumentParams) -> None:
        """Clear a closed document's diagnostics."""
        if ls.workspace.get_notebook_document(cell_uri=params.text_document.uri) is None:
            ls.clear(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: ShapecheckServer, params: types.DidOpenNotebookDocumentParams) -> None:
        """Check a notebook's cells as one notebook."""
        ls.schedule(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: ShapecheckServer, params: types.DidChangeNotebookDocumentParams) -> None:
        """Check a notebook again after cells were edited, added, removed or moved."""
        ls.schedule(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: ShapecheckServer, params: types.DidCloseNotebookDocumentParams) -> None:
        """Clear a closed notebook's diagnostics on every cell."""
        ls.clear(params.notebook_document.uri, [cell.uri for cell in params.cell_text_documents])

    @server.feature(types.INITIALIZE)
    def initialize(ls: ShapecheckServer, params: types.InitializeParams) -> None:
        """Client settings may come as initialization options (``{"shapecheck": {...}}``)."""
        ls.client_settings = _shapecheck_settings(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: ShapecheckServer, params: types.DidChangeConfigurationParams) -> None:
        """New client settings (``{"shapecheck": {...}}``): check the open documents again."""
        ls.client_settings = _shapecheck_settings(params.settings)
        ls.recheck_all()

    register(server)
    return server


def _shapecheck_settings(settings: Any) -> dict[str, Any]:
    if isinstance(settings, dict):
        inner = settings.get("shapecheck", settings)
        return dict(inner) if isinstance(inner, dict) else {}
    return {}


def serve() -> None:
    """Serve over standard input and output until the client says exit."""
    create_server().start_io()
