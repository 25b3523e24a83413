"""From a model's answer to a handler file: find the code, take the method's body, splice it
into the skeleton in place of the method marked with ``BODY_SENTINEL``."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

BODY_SENTINEL = "# nodegen: body to write"
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_CODE_START = re.compile(r"^(?:async def |def |from |import |@)", re.M)
_FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef


class SkeletonError(ValueError):
    """The handler file has no method marked with ``BODY_SENTINEL`` (or more than one)."""


@dataclass(frozen=True)
class Target:
    """The method to write, found in the skeleton."""

    name: str
    signature: str  # the ``def`` line(s), as written in the skeleton
    parameters: tuple[str, ...]
    is_async: bool
    body_start: int  # 1-based: the first line replaced (after the docstring)
    end: int  # 1-based: the last line replaced
    indent: str


@dataclass(frozen=True)
class Extracted:
    """The body taken from an answer, with what did not fit."""

    body: str | None
    problems: tuple[str, ...] = ()  # why there is no body: go back to the model
    notes: tuple[str, ...] = ()  # what was left out


def find_target(skeleton: str) -> Target:
    """The one method whose body holds ``BODY_SENTINEL``."""
    lines = skeleton.splitlines()
    marked = [i + 1 for i, line in enumerate(lines) if line.strip() == BODY_SENTINEL]
    if len(marked) != 1:
        raise SkeletonError(f"expected one `{BODY_SENTINEL}` line, found {len(marked)}")
    tree = ast.parse(skeleton)
    holders = [
        node
        for node in ast.walk(tree)
        if isinstance(node, _FUNCTION) and node.lineno < marked[0] <= (node.end_lineno or 0)
    ]
    if not holders:
        raise SkeletonError(f"`{BODY_SENTINEL}` is not inside a function")
    function = max(holders, key=lambda node: node.lineno)  # the innermost
    header_end = function.lineno
    while not _code(lines[header_end - 1]).endswith(":"):
        header_end += 1
    body = function.body
    start = (body[0].end_lineno or body[0].lineno) + 1 if _docstring(body) else header_end + 1
    return Target(
        name=function.name,
        signature="\n".join(lines[function.lineno - 1 : header_end]).strip(),
        parameters=tuple(a.arg for a in [*function.args.posonlyargs, *function.args.args]),
        is_async=isinstance(function, ast.AsyncFunctionDef),
        body_start=start,
        end=max(function.end_lineno or start, marked[0]),
        indent=" " * body[0].col_offset,
    )


def extract_code(answer: str) -> str:
    """The Python code of an answer: its first fenced Python block naming a function, else its
    longest fenced block, else the answer from the first line on which the rest parses (prose
    before the code left out), else from its first line of code on."""
    blocks: list[tuple[str, str]] = [
        (str(lang).lower(), str(code))
        for lang, code in _FENCE.findall(answer)
        if lang.lower() in {"", "python", "py", "python3"}
    ]
    if blocks:
        defining = [code for _, code in blocks if re.search(r"^\s*(async )?def ", code, re.M)]
        return (defining[0] if defining else max((c for _, c in blocks), key=len)).strip("\n")
    lines = answer.splitlines()
    for first in range(min(len(lines), 20)):  # prose before the code: skip it
        candidate = textwrap.dedent("\n".join(lines[first:])).strip("\n")
        if candidate and _parses(candidate):
            return candidate
    start = _CODE_START.search(answer)
    return answer[start.start() :].strip("\n") if start else answer.strip("\n")


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def body_from_code(code: str, target: Target) -> Extracted:
    """The method body ``code`` gives for ``target`` (``code`` passed the safety checks)."""
    tree = ast.parse(code)
    functions = [n for n in tree.body if isinstance(n, _FUNCTION)]
    in_classes = [  # the whole handler file, class and all, as small models answer
        member
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        for member in node.body
        if isinstance(member, _FUNCTION) and member.name == target.name
    ]
    named = [f for f in functions if f.name == target.name] or in_classes
    if not named and len(functions) == 1 and _params(functions[0]) == target.parameters:
        named = functions
    if not named and (not functions or _is_bare_body(tree)):
        return Extracted(body=textwrap.dedent(code))
    if not named:
        return Extracted(
            body=None,
            problems=(f"the answer defines no method `{target.name}`; answer with that method",),
        )
    method = named[0]
    if _params(method) != target.parameters:
        got = ", ".join(_params(method))
        return Extracted(
            body=None,
            problems=(
                f"the signature changed: parameters ({got}) instead of "
                f"({', '.join(target.parameters)}); keep `{target.signature}`",
            ),
        )
    lines = code.splitlines()
    prefix = [_source(lines, n) for n in tree.body if _liftable(n) and n is not method]
    notes = tuple(
        f"left out line {n.lineno}: only imports and helper functions may stand beside the method"
        for n in tree.body
        if n is not method
        and not (_liftable(n) or _future(n) or _docstring([n]) or method in _members(n))
    )
    statements = (
        method.body[1:] if _docstring(method.body) and len(method.body) > 1 else method.body
    )
    inner = [_source(lines, n) for n in statements]
    return Extracted(body="\n".join([*prefix, *inner]), notes=notes)


def splice(skeleton: str, target: Target, body: str) -> str:
    """``skeleton`` with the marked method's body replaced by ``body``."""
    lines = skeleton.splitlines()
    indented = textwrap.indent(textwrap.dedent(body).strip("\n"), target.indent)
    kept_end = lines[target.end :]
    spliced = [*lines[: target.body_start - 1], *indented.splitlines(), *kept_end]
    return "\n".join(spliced) + ("\n" if skeleton.endswith("\n") else "")


def _source(lines: list[str], node: ast.stmt) -> str:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return textwrap.dedent("\n".join(lines[first - 1 : node.end_lineno]))


def _docstring(body: list[ast.stmt]) -> bool:
    return bool(
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    return tuple(a.arg for a in [*function.args.posonlyargs, *function.args.args])


def _liftable(node: ast.stmt) -> bool:
    """Moved into the body: imports (but ``__future__``'s, which the file has) and helpers."""
    return isinstance(node, ast.Import | ast.ImportFrom | _FUNCTION) and not _future(node)


def _future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _members(node: ast.stmt) -> list[ast.stmt]:
    return node.body if isinstance(node, ast.ClassDef) else []


def _is_bare_body(tree: ast.Module) -> bool:
    """Statements other than imports and definitions at the top: a body, not a method."""
    definitions = ast.Import | ast.ImportFrom | ast.ClassDef | _FUNCTION
    return not all(isinstance(n, definitions) for n in tree.body)


def _code(line: str) -> str:
    return line.split("#", 1)[0].rstrip()
