"""Helpers that build the libcst replacements of safe fixes (not a rule).

Each helper returns an (old node, new node) pair for a
:class:`~shapecheck.checking.rule.FixSpec`, or None when the code is not in a shape
the fix can handle safely (``**kwargs``, a non-literal, ...).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

Replacement = tuple[cst.CSTNode, cst.CSTNode]


def set_keyword(call: cst.CSTNode, keyword: str, value: str) -> Optional[Replacement]:
    """``call`` with ``keyword=value`` set: an existing keyword's value replaced,
    or the keyword appended after the last argument (keeping its layout)."""
    if not isinstance(call, cst.Call):
        return None
    if any(arg.star for arg in call.args):
        return None  # *args or **kwargs may already carry it
    new_value = cst.parse_expression(value)
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return (arg.value, new_value)
    new_arg = cst.Arg(value=new_value, keyword=cst.Name(keyword),
                      equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                            whitespace_after=cst.SimpleWhitespace("")))
    args = list(call.args)
    if not args:
        return (call, call.with_changes(args=[new_arg]))
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        between = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) \
            else call.whitespace_before_args
        if isinstance(closing, cst.ParenthesizedWhitespace) and isinstance(between, cst.ParenthesizedWhitespace):
            # One argument per line: the last line keeps its comment, the new
            # argument goes on its own line at the arguments' indentation.
            args[-1] = last.with_changes(comma=last.comma.with_changes(
                whitespace_after=closing.with_changes(last_line=between.last_line)))
            new_comma = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=closing.indent,
                last_line=closing.last_line))
            args.append(new_arg.with_changes(comma=new_comma))
        else:
            args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new_arg.with_changes(comma=cst.Comma(whitespace_after=closing)))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(new_arg)
    return (call, call.with_changes(args=args))


def rename(name: cst.CSTNode, new: str) -> Optional[Replacement]:
    """A ``Name`` renamed (a method, a keyword)."""
    if not isinstance(name, cst.Name):
        return None
    return (name, name.with_changes(value=new))


def keyword_of(call: cst.CSTNode, value: cst.CSTNode) -> Optional[cst.Name]:
    """The keyword name of the argument of ``call`` whose value is ``value``."""
    if not isinstance(call, cst.Call):
        return None
    for arg in call.args:
        if arg.value is value and arg.keyword is not None:
            return arg.keyword
    return None


def replace_string(node: cst.CSTNode, new_text: str) -> Optional[Replacement]:
    """A simple string literal with new contents, keeping its quotes and prefix."""
    if not isinstance(node, cst.SimpleString):
        return None
    prefix_end = len(node.value) - len(node.value.lstrip("rRbBuUfF"))
    quote = node.quote
    return (node, node.with_changes(value=f"{node.value[:prefix_end]}{quote}{new_text}{quote}"))


def construct_then_call(call: cst.CSTNode) -> Optional[Replacement]:
    """``Concatenate([a, b], axis=1)`` -> ``Concatenate(axis=1)([a, b])``: the one
    positional argument moves to the call, keywords stay with the constructor."""
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    positional = [arg for arg in call.args if arg.keyword is None]
    keywords = [arg for arg in call.args if arg.keyword is not None]
    if len(positional) != 1:
        return None
    if keywords:
        keywords[-1] = keywords[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    constructor = cst.Call(func=call.func, args=keywords)
    inputs = positional[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return (call, call.with_changes(func=constructor, args=[inputs]))
