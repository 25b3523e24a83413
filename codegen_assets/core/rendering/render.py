"""Rendering a node's files from the Jinja2 templates, formatted as its repository formats code."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.runtime import Context

from codegen_assets.core.contract_document import ContractDocument
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, NodeSpec
from codegen_assets.core.plan import NodePlan, plan_node
from codegen_assets.core.rendering.node_context import build_context, doc_text
from codegen_assets.core.rendering.pysource import py_literal
from codegen_assets.core.validation.runner import ruff_bin
from codegen_assets.core.validation.style import format_files, line_length, python_floor

TEMPLATES = "onex"


@pass_context
def docstring(context: Context, summary: str, details: str, indent: int) -> str:
    """A docstring at ``indent`` that fits the repository's line length."""
    width: int = context["width"]
    room = max(width - indent, 30)
    head = doc_text(summary) + "."
    body = doc_text(details) + "." if details else ""
    if body == head:
        body = ""
    pad = " " * indent
    if not body and len(head) + 6 <= room:
        return f'"""{head}"""'
    lines = textwrap.wrap(head, room - 3)
    if body:
        lines += ["", *textwrap.wrap(body, room)]
    return '"""' + f"\n{pad}".join(lines).replace(f"\n{pad}\n", "\n\n") + f"\n{pad}" + '"""'


@pass_context
def long_string(context: Context, text: str, indent: int = 0) -> str:
    """``text`` as a Python string literal that fits the line length: one literal, or
    adjacent literals in parentheses, a line each."""
    width: int = context["width"]
    single = py_literal(text)
    if indent + len(single) + 16 <= width:
        return single
    room = max(width - indent - 8, 20)
    chunks = [py_literal(part) for part in textwrap.wrap(text, room, drop_whitespace=False)]
    pad = " " * (indent + 4)
    return "(\n" + "".join(f"{pad}{chunk}\n" for chunk in chunks) + " " * indent + ")"


def _compiled_templates() -> BytecodeCache | None:
    """Jinja's cache of compiled templates (per user, keyed by each template's source), so a new
    process does not compile them again (~0.1 s); None where no safe directory exists."""
    try:
        return FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None


@cache
def environment() -> Environment:
    """The template environment: strict, no autoescaping (the output is Python, not HTML)."""
    env = Environment(
        loader=PackageLoader("codegen_assets.core.rendering", "templates"),
        bytecode_cache=_compiled_templates(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.globals["docstring"] = docstring
    env.filters["py"] = py_literal
    env.globals["long_string"] = long_string
    return env


def _render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"{TEMPLATES}/{template}").render(**context)


def _plan(spec: NodeSpec) -> tuple[NodePlan, NodeLayout]:
    layout = NodeLayout.of(spec, spec.options.package)
    return plan_node(spec, layout), layout


def _context(spec: NodeSpec, patterns: tuple[str, ...]) -> dict[str, Any]:
    plan, _ = _plan(spec)
    return build_context(
        plan, spec.options, patterns, line_length(spec.style), python_floor(spec.style)
    )


def contract_patterns(contract: ContractDocument) -> tuple[str, ...]:
    """The design patterns the contract's configuration names."""
    return tuple(contract.config.patterns)


def node_context(spec: NodeSpec, patterns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The template context of ``spec`` and its layout."""
    return _context(spec, patterns)


def node_layout(spec: NodeSpec) -> NodeLayout:
    """Where ``spec``'s files go."""
    return _plan(spec)[1]


def render(template: str, context: dict[str, Any]) -> str:
    """One template of the node set."""
    return _render(template, context)


def finish(files: FileSet, spec: NodeSpec) -> FileSet:
    """Format the Python files as the target repository does."""
    return format_files(files, spec.style, ruff_bin())
