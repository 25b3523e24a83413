"""Checks on a model's code before it runs anywhere (validation runs it only if these pass).

The code is a method body or a whole method. It must parse; import only what its node type
allows (a compute node: pure standard-library modules, pydantic, the node's own modules; an
effect, reducer or orchestrator: the same plus the node's protocols); name none of the
builtins that reach the interpreter (eval, exec, compile, open, __import__, globals, locals,
vars, breakpoint, input, setattr, delattr; getattr only with a literal name); touch no dunder
attribute or name, and no attribute that leads to the operating system (``x.os``,
``asyncio.create_subprocess_exec``, ``logging.sys``...); and stay within a McCabe complexity of
10 per function. The sandbox stays the boundary: these checks keep the obvious out and tell the
model, line by line, what to change.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

MAX_COMPLEXITY = 10
PURE_STDLIB = frozenset(
    {
        "math", "cmath", "decimal", "fractions", "statistics", "numbers", "datetime",
        "calendar", "re", "string", "textwrap", "unicodedata", "itertools", "functools",
        "collections", "operator", "enum", "typing", "dataclasses", "uuid", "heapq",
        "bisect", "copy", "json", "hashlib",
    }
)  # fmt: skip
THIRD_PARTY = frozenset({"pydantic", "annotated_types", "typing_extensions"})
NEVER = frozenset(
    {
        "os", "sys", "subprocess", "socket", "shutil", "pathlib", "importlib", "ctypes",
        "pickle", "marshal", "builtins", "io", "codecs", "posix", "nt", "threading",
        "multiprocessing", "signal", "tempfile", "glob", "urllib", "http", "ssl", "select",
        "selectors", "asyncio", "mmap", "resource", "pty", "fcntl", "types", "inspect", "gc",
        "code", "runpy", "zipimport", "webbrowser", "ftplib", "smtplib", "sqlite3", "shelve",
    }
)  # fmt: skip
FORBIDDEN_NAMES = frozenset(
    {
        "eval", "exec", "compile", "open", "__import__", "globals", "locals", "vars",
        "breakpoint", "input", "setattr", "delattr", "help", "exit", "quit", "memoryview",
        "attrgetter", "methodcaller",
    }
)  # fmt: skip
# attributes that lead out of the program: modules reachable from harmless ones, process and
# network helpers, frames
FORBIDDEN_ATTRIBUTES = NEVER | frozenset(
    {
        "environ", "environb", "getenv", "putenv", "system", "popen", "spawn", "fork",
        "create_subprocess_exec", "create_subprocess_shell", "open_connection",
        "start_server", "open_unix_connection", "start_unix_server", "run_in_executor",
        "_getframe", "f_globals", "f_locals", "f_builtins", "f_back", "gi_frame", "cr_frame",
        "ag_frame", "tb_frame", "tb_next", "modules", "attrgetter", "methodcaller",
    }
)  # fmt: skip
_DUNDER = re.compile(r"__\w+__")
_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.match_case)
Problem = tuple[str, str]  # (rule, message)


class Violation(BaseModel):
    """One rule the code breaks, at a line of the code as the model wrote it."""

    model_config = ConfigDict(frozen=True)

    line: int
    rule: str  # syntax, import, call, dunder, attribute, statement, complexity
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportPolicy:
    """What one node type's handlers may import."""

    modules: frozenset[str]
    protocols: bool  # the node's own ``protocols`` package
    node_package: str | None = None  # the node's dotted package, importable absolutely too

    def allows(self, node: ast.Import | ast.ImportFrom) -> str | None:
        """None when allowed, else why not."""
        if isinstance(node, ast.ImportFrom) and node.level:
            return self._relative(node)
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
        )
        for name in names:
            root = name.split(".")[0]
            if self.node_package and (name + ".").startswith(self.node_package + "."):
                continue
            if root == "__future__":  # compiler switches; the handler file has its own
                continue
            if root in NEVER:
                return f"`{name}` is never allowed in generated business logic"
            if root not in self.modules:
                return f"`{name}` is not an allowed module ({', '.join(sorted(self.modules))})"
        return None

    def _relative(self, node: ast.ImportFrom) -> str | None:
        if node.level > 2:
            return "a relative import outside the node's package"
        first = (node.module or "").split(".")[0]
        if first == "protocols" and not self.protocols:
            return "a compute node is pure: it imports no protocol"
        return None


def policy_for(node_type: str, node_package: str | None = None) -> ImportPolicy:
    """The import policy of ``node_type`` (compute, effect, reducer, orchestrator)."""
    return ImportPolicy(
        modules=PURE_STDLIB | THIRD_PARTY,
        protocols=node_type != "compute",
        node_package=node_package,
    )


def complexity(function: ast.AST) -> int:
    """McCabe complexity: 1 + branches, loops, handlers, match cases, boolean operators,
    conditional expressions and comprehension conditions (nested functions not counted)."""
    score = 1
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, _BRANCHES):
            score += 1
        elif isinstance(node, ast.BoolOp):
            score += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            score += 1 + len(node.ifs)
        stack.extend(ast.iter_child_nodes(node))
    return score


def check_code(
    code: str, node_type: str, *, node_package: str | None = None, limit: int = MAX_COMPLEXITY
) -> list[Violation]:
    """Every rule ``code`` breaks, by line; empty when it may go on to validation."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        message = f"does not parse: {exc.msg}"
        return [Violation(line=exc.lineno or 1, rule="syntax", message=message)]
    policy = policy_for(node_type, node_package)
    found = [v for node in ast.walk(tree) for v in _node_violations(node, policy)]
    found += _complexity_violations(tree, limit)
    return sorted(set(found), key=lambda v: (v.line, v.rule, v.message))


def _node_violations(node: ast.AST, policy: ImportPolicy) -> list[Violation]:
    line = getattr(node, "lineno", 1)
    if isinstance(node, ast.Import | ast.ImportFrom):
        problems = _import_problems(node, policy)
    else:
        check = _CHECKS.get(type(node))
        problems = check(node) if check is not None else []
    return [Violation(line=line, rule=rule, message=message) for rule, message in problems]


def _import_problems(node: ast.Import | ast.ImportFrom, policy: ImportPolicy) -> list[Problem]:
    problems = []
    why = policy.allows(node)
    if why:
        problems.append(("import", why))
    if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
        problems.append(("import", "`import *` hides what is used; name each import"))
    return problems


def _name_problems(node: ast.AST) -> list[Problem]:
    assert isinstance(node, ast.Name)
    if node.id in FORBIDDEN_NAMES:
        return [("call", f"`{node.id}` is not allowed")]
    if _DUNDER.fullmatch(node.id):
        return [("dunder", f"the name `{node.id}` is not allowed")]
    return []


def _attribute_problems(node: ast.AST) -> list[Problem]:
    assert isinstance(node, ast.Attribute)
    if _DUNDER.fullmatch(node.attr):
        return [("dunder", f"the attribute `{node.attr}` is not allowed")]
    if node.attr in FORBIDDEN_ATTRIBUTES:
        return [("attribute", f"`.{node.attr}` leads outside the program")]
    return []


def _constant_problems(node: ast.AST) -> list[Problem]:
    assert isinstance(node, ast.Constant)
    if isinstance(node.value, str) and _DUNDER.search(node.value):
        return [("dunder", "a string naming a dunder attribute")]
    return []


def _global_problems(_node: ast.AST) -> list[Problem]:
    return [("statement", "`global` changes module state; return values instead")]


def _getattr_problems(node: ast.AST) -> list[Problem]:
    assert isinstance(node, ast.Call)
    if not (isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"}):
        return []
    name = node.args[1] if len(node.args) > 1 else None
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        return []
    return [("call", f"`{node.func.id}` only with a literal attribute name")]


_CHECKS: dict[type[ast.AST], Callable[[ast.AST], list[Problem]]] = {
    ast.Name: _name_problems,
    ast.Attribute: _attribute_problems,
    ast.Call: _getattr_problems,
    ast.Constant: _constant_problems,
    ast.Global: _global_problems,
}


def _complexity_violations(tree: ast.Module, limit: int) -> list[Violation]:
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    scopes: list[tuple[str, int, ast.AST]] = [(f.name, f.lineno, f) for f in functions]
    definitions = ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef
    if not all(isinstance(n, definitions | ast.ClassDef) for n in tree.body):
        scopes.append(("the body", 1, tree))  # a bare body: the method it becomes
    for name, line, scope in scopes:
        score = complexity(scope)
        if score > limit:
            found.append(
                Violation(
                    line=line,
                    rule="complexity",
                    message=f"{name} has complexity {score} (at most {limit}): split it into "
                    "helpers or use a table",
                )
            )
    return found
