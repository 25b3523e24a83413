"""Rendering generated files from the Jinja2 templates."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from codegen_assets.contract import ContractDocument, contract_yaml
from codegen_assets.models import FileSet, NodeSpec
from codegen_assets.node_context import build_context
from codegen_assets.pysource import alias_line, block, dict_block, py_literal

TEST_FILES = ("__init__", "test_node", "test_integration", "test_contract", "test_performance")


@cache
def environment() -> Environment:
    """The template environment: strict, no autoescaping (the output is Python, not HTML)."""
    env = Environment(
        loader=PackageLoader("codegen_assets", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    env.filters["block"] = block
    env.filters["import_block"] = lambda names: block(names, tuple_=False)
    env.filters["dict_block"] = dict_block
    env.globals["alias_line"] = alias_line
    return env


def _render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def render_node_code(spec: NodeSpec, contract: ContractDocument) -> FileSet:
    """Contract, node implementation and models (events come from the event bus stage)."""
    context = build_context(spec)
    files = {
        "contract.yaml": contract_yaml(contract),
        "node.py": _render("node/node.py.j2", context),
        "models/__init__.py": _render("node/models/__init__.py.j2", context),
        "models/model_input.py": _render("node/models/model_input.py.j2", context),
        "models/model_output.py": _render("node/models/model_output.py.j2", context),
    }
    for op in context["operations"]:
        files[f"models/{op['enum_module']}.py"] = _render(
            "node/models/enum_outcome.py.j2", {**context, "op": op}
        )
    return FileSet(files=files)


def render_event_bus(spec: NodeSpec) -> FileSet:
    """Topic constants, the event model and the publisher protocol; pure nodes have none."""
    context = build_context(spec)
    if not context["node"]["has_events"]:
        return FileSet()
    return FileSet(
        files={"models/model_events.py": _render("node/models/model_events.py.j2", context)}
    )


def render_tests(spec: NodeSpec) -> FileSet:
    """The node's own test suite."""
    context = build_context(spec)
    return FileSet(
        files={
            f"tests/{name}.py": _render(f"node/tests/{name}.py.j2", context) for name in TEST_FILES
        }
    )
