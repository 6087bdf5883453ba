"""Helpers that build the libcst replacements of safe fixes (not a rule).

Each helper returns an (old node, new node) pair for a
:class:`~shapecheck.checking.rule.FixSpec`, or None when the code is not in a shape
the fix can handle safely (``**kwargs``, a non-literal, ...).
"""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from shapecheck.engine.scope import child_nodes

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


# ---------------------------------------------------------------- judging safety
# A fix that changes what an expression evaluates to is safe only when that value has
# exactly one use: the one the finding is about.  The helpers below tell from the syntax
# alone, and answer False whenever they cannot tell (loops, branches, closures, ...).

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def parent_map(module: cst.Module) -> dict[int, cst.CSTNode]:
    """Each node's parent, by the child's ``id`` (walked without recursion)."""
    parents: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in child_nodes(node):
            parents[id(child)] = node
            stack.append(child)
    return parents


def _mentions(node: cst.CSTNode, name: str) -> int:
    """How many times ``name`` occurs in ``node`` as a variable (not as ``a.name`` or ``f(name=...)``)."""
    count = 0
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            count += current.value == name
            continue
        for child in child_nodes(current):
            if isinstance(current, cst.Attribute) and child is current.attr:
                continue
            if isinstance(current, cst.Arg) and child is current.keyword:
                continue
            stack.append(child)
    return count


class _Unknown(Exception):
    """The uses of the value cannot be told from the syntax."""


def _scan(statements: Sequence[cst.CSTNode], name: str, uses: list[int]) -> bool:
    """Count the reads of ``name`` in ``statements``, in order; True once ``name`` is bound
    again (later statements then read the new value).  Raises _Unknown where it cannot tell."""
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if _scan(statement.body, name, uses):
                return True
        elif isinstance(statement, cst.With):
            uses[0] += sum(_mentions(item, name) for item in statement.items)
            if isinstance(statement.body, cst.IndentedBlock) and _scan(statement.body.body, name, uses):
                return True
            if isinstance(statement.body, cst.SimpleStatementSuite) and _scan(statement.body.body, name, uses):
                return True
        elif isinstance(statement, (cst.Assign, cst.AnnAssign)):
            targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) \
                else [statement.target]
            if statement.value is not None:
                uses[0] += _mentions(statement.value, name)
            if all(isinstance(t, cst.Name) for t in targets):
                if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                    return True
            elif any(_mentions(t, name) for t in targets):
                raise _Unknown  # x[0] = ..., a, x = ...: read or rebound, hard to say
        elif isinstance(statement, (cst.AugAssign, cst.Del, cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom)):
            if _mentions(statement, name):
                raise _Unknown
        elif _mentions(statement, name):
            if not isinstance(statement, cst.BaseSmallStatement):
                raise _Unknown  # a use inside if/for/try/def/class: once, many times, or never
            uses[0] += _mentions(statement, name)
    return False


def _closures_mention(scope: cst.CSTNode, name: str, own: Optional[cst.CSTNode]) -> bool:
    """True when a function or lambda inside ``scope`` (other than ``own``) may read ``name``."""
    stack: list[cst.CSTNode] = child_nodes(scope)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda)) and node is not own:
            params = node.params
            names = {p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]}
            if name not in names and not _binds_locally(node, name) and _mentions(node, name):
                return True
            continue
        stack.extend(child_nodes(node))
    return False


def _binds_locally(function: cst.CSTNode, name: str) -> bool:
    """True when ``function`` assigns ``name`` (a plain ``name = ...``) and declares it neither
    global nor nonlocal: its ``name`` is then its own local variable."""
    assigned = False
    stack: list[cst.CSTNode] = child_nodes(function)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Global, cst.Nonlocal)) and any(n.name.value == name for n in node.names):
            return False
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Name) and node.target.value == name:
            assigned = True
        stack.extend(child_nodes(node))
    return assigned


def used_once(module: cst.Module, expression: cst.CSTNode, parents: Optional[dict[int, cst.CSTNode]] = None) -> bool:
    """True when the value of ``expression`` is certainly used exactly once: passed straight
    to a call (``f(expression)``, ``f([expression, y])``), or assigned to a name that is read
    exactly once before it is bound again, in straight-line code (``with`` blocks allowed)."""
    parents = parents if parents is not None else parent_map(module)
    parent = parents.get(id(expression))
    if isinstance(parent, cst.Arg):
        return parent.star == ""
    if isinstance(parent, cst.Element) and isinstance(parents.get(id(parent)), (cst.List, cst.Tuple)):
        return isinstance(parents.get(id(parents[id(parent)])), cst.Arg)
    if not (isinstance(parent, cst.Assign) and parent.value is expression and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)):
        return False
    name = parent.targets[0].target.value
    chain: list[cst.CSTNode] = [parent]
    node: cst.CSTNode = parent
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (*_LOOPS, cst.ClassDef)):
            return False  # the assignment may run many times, or binds a class attribute
        chain.append(node)
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            break
    scope = chain[-1]
    if _closures_mention(scope, name, None):
        return False
    uses = [0]
    try:
        # From the assignment outwards: what follows it in its line, then in each enclosing block.
        for inner, outer in zip(chain, chain[1:]):
            body = getattr(outer, "body", None)
            siblings = body if isinstance(body, (list, tuple)) else None
            if siblings is None:
                continue
            index = next((i for i, s in enumerate(siblings) if s is inner), None)
            if index is None:
                continue
            if _scan(siblings[index + 1:], name, uses):
                break
    except _Unknown:
        return False
    return uses[0] == 1
