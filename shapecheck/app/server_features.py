"""The language server's features beyond diagnostics: hover, inlay hints, code actions.

- Hover on a name (or a layer call) whose value is a tensor shows its shape
  and where it came from: ``(None, 10, 64) — output of `LSTM` on line 5``.
- Inlay hints show the output shape after each layer or model call; the
  client setting ``shapecheck.inlayHints: false`` turns them off.
- Code actions: each finding's fix (a safe fix is preferred; an unsafe one is
  labelled so), "fix all" (every safe fix, as ``shapecheck check --fix``
  applies them in one pass) and "ignore on this line" (adds or extends a
  ``# noqa: SCxxx`` comment).

Hover and inlay hints come from :func:`shapecheck.report.summary.analyse`, run
in a worker thread on demand and kept per document version.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition

from shapecheck.app.lsp_ranges import lsp_range
from shapecheck.report.diagnostics import Diagnostic, Location
from shapecheck.report.fixes import apply_fixes
from shapecheck.report.summary import Analysis, TensorSite, analyse

if TYPE_CHECKING:
    from shapecheck.app.server import ShapecheckServer

FIX_ALL = types.CodeActionKind.SourceFixAll
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9]+(?:[,\s]+[A-Za-z0-9]+)*))?", re.IGNORECASE)


async def analysis_for(ls: ShapecheckServer, document: TextDocument) -> Optional[Analysis]:
    """The shapes of a document's current text (computed once per version, in a worker thread)."""
    cached = ls.analyses.get(document.uri)
    version = document.version if document.version is not None else -1
    if cached is not None and cached[0] == version:
        return cached[1]  # type: ignore[no-any-return]
    source = document.source
    if "keras" not in source:
        return None
    result = await asyncio.get_running_loop().run_in_executor(ls.pool, analyse, source)
    ls.analyses[document.uri] = (version, result)
    return result


def _client_position(document: TextDocument, line: int, column: int) -> types.Position:
    """A 1-based line and 0-based code-point column as an LSP position in the client's units."""
    return document.position_codec.position_to_client_units(document.lines, ServerTextPosition(line - 1, column))


def _site_at(analysis: Analysis, line: int, column: int) -> Optional[TensorSite]:
    """The name under the cursor whose value is a tensor, else the innermost call around it."""
    def contains(site: TensorSite) -> bool:
        return (site.line, site.column) <= (line, column) <= (site.end_line, site.end_column)

    names = [s for s in analysis.sites if not s.is_call and contains(s)]
    if names:
        return names[0]
    calls = [s for s in analysis.sites if s.is_call and contains(s)]
    return max(calls, key=lambda s: (s.line, s.column)) if calls else None


async def hover(ls: ShapecheckServer, params: types.HoverParams) -> Optional[types.Hover]:
    """The shape of the tensor under the cursor and where it came from."""
    if params.text_document.uri not in ls.workspace.text_documents:
        return None
    document = ls.workspace.get_text_document(params.text_document.uri)
    analysis = await analysis_for(ls, document)
    if analysis is None:
        return None
    where = document.position_codec.position_from_client_units(document.lines, params.position)
    site = _site_at(analysis, where.line + 1, where.character)
    if site is None:
        return None
    text = f"`{site.text}`" + (f" — {site.origin}" if site.origin else "")
    start = _client_position(document, site.line, site.column)
    end = _client_position(document, site.end_line, site.end_column)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=types.Range(start, end))


async def inlay_hints(ls: ShapecheckServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    """The output shape after each layer or model call in the requested range."""
    if ls.setting("inlayHints", True) is False or params.text_document.uri not in ls.workspace.text_documents:
        return []
    document = ls.workspace.get_text_document(params.text_document.uri)
    analysis = await analysis_for(ls, document)
    if analysis is None:
        return []
    first, last = params.range.start.line + 1, params.range.end.line + 1
    return [types.InlayHint(position=_client_position(document, site.end_line, site.end_column),
                            label=f"→ {site.text}", kind=types.InlayHintKind.Type, padding_left=True,
                            tooltip=site.origin or None)
            for site in analysis.sites if site.is_call and first <= site.end_line <= last]


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def code_actions(ls: ShapecheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Fixes and "ignore on this line" for the findings in the range, and "fix all"."""
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return []
    document = ls.workspace.get_text_document(uri)
    published = ls.published.get(uri, [])
    only = params.context.only
    actions = []
    wants_quickfix = not only or any(kind.startswith(types.CodeActionKind.QuickFix) for kind in only)
    for lsp, d in published if wants_quickfix else []:
        if not _overlaps(lsp.range, params.range):
            continue
        if d.fix is not None:
            edits = [types.TextEdit(lsp_range(document, e.location, e.end_location), e.content)
                     for e in d.fix.edits]
            label = "" if d.fix.safe else " [unsafe fix]"
            actions.append(types.CodeAction(
                title=f"{d.fix.message} ({d.code}){label}", kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp], is_preferred=d.fix.safe, edit=types.WorkspaceEdit(changes={uri: edits})))
        noqa = _noqa_edit(document, d)
        if noqa is not None:
            actions.append(types.CodeAction(
                title=f"Ignore {d.code} on this line", kind=types.CodeActionKind.QuickFix, diagnostics=[lsp],
                edit=types.WorkspaceEdit(changes={uri: [noqa]})))
    wants_fix_all = not only or any(FIX_ALL.startswith(kind) or kind.startswith(FIX_ALL) for kind in only)
    safe = [d for _, d in published if d.fix is not None and d.fix.safe]
    if wants_fix_all and safe:
        fixed, count = apply_fixes(document.source, safe)
        if count and fixed != document.source:
            whole = types.Range(types.Position(0, 0), types.Position(len(document.lines), 0))
            actions.append(types.CodeAction(
                title=f"Fix all shapecheck findings ({count} safe fix{'es' if count > 1 else ''})", kind=FIX_ALL,
                diagnostics=[lsp for lsp, d in published if d in safe],
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(whole, fixed)]})))
    return actions


def _noqa_edit(document: TextDocument, d: Diagnostic) -> Optional[types.TextEdit]:
    """The edit that adds ``d``'s code to a ``# noqa`` comment on its first line (None: already there)."""
    row = d.location.row
    if not 1 <= row <= len(document.lines):
        return None
    text = document.lines[row - 1].rstrip("\r\n")
    found = _NOQA.search(text)
    if found is not None:
        codes = found.group("codes")
        if codes is None or d.code in re.split(r"[,\s]+", codes):
            return None  # a blanket noqa, or the code is already listed
        start, end = Location(row, found.start("codes") + 1), Location(row, found.end("codes") + 1)
        return types.TextEdit(lsp_range(document, start, end), f"{codes}, {d.code}")
    end = Location(row, len(text) + 1)
    return types.TextEdit(lsp_range(document, end, end), f"  # noqa: {d.code}")


def register(server: ShapecheckServer) -> None:
    """Register hover, inlay hints and code actions on ``server``."""
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))(inlay_hints)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))(code_actions)
