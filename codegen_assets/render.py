"""Rendering generated files from the Jinja2 templates."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from codegen_assets.contract import ContractDocument, build_contract, contract_yaml
from codegen_assets.intelligence import gather_intelligence
from codegen_assets.models import FileSet, GenerationOptions, NodeSpec, NodeType
from codegen_assets.node_context import build_context
from codegen_assets.prompt_parser import parse_prompt
from codegen_assets.provenance import with_lock
from codegen_assets.pysource import (
    alias_line,
    assign_line,
    block,
    call_line,
    dict_block,
    import_lines,
    py_literal,
)

TEST_FILES = (
    "__init__",
    "test_node",
    "test_integration",
    "test_contract",
    "test_performance",
    "test_process",
)
TYPE_TEST_FILES: dict[NodeType, tuple[str, ...]] = {
    NodeType.EFFECT: ("test_resilience",),
    NodeType.COMPUTE: ("test_properties",),
    NodeType.REDUCER: ("test_reducer_laws",),
    NodeType.ORCHESTRATOR: ("test_resilience", "test_workflow"),
}


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
    env.globals["assign_line"] = assign_line
    env.globals["call_line"] = call_line
    env.globals["import_lines"] = import_lines
    return env


def _render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def render_node_code(spec: NodeSpec, contract: ContractDocument) -> FileSet:
    """Contract, node implementation, models and dependency protocols (one type per module)."""
    context = build_context(spec, contract_patterns(contract))
    files = {
        "contract.yaml": contract_yaml(contract),
        "node.py": _render("node/node.py.j2", context),
        "models/__init__.py": _render("node/models/__init__.py.j2", context),
        "models/model_input.py": _render("node/models/model_input.py.j2", context),
        "models/model_output.py": _render("node/models/model_output.py.j2", context),
    }
    for op in context["operations"]:
        op_context = {**context, "op": op}
        files[f"models/{op['enum_module']}.py"] = _render(
            "node/models/enum_outcome.py.j2", op_context
        )
        files[f"models/model_{op['name']}_input.py"] = _render(
            "node/models/model_op_input.py.j2", op_context
        )
        files[f"models/model_{op['name']}_output.py"] = _render(
            "node/models/model_op_output.py.j2", op_context
        )
    if spec.node_type is NodeType.REDUCER:
        files["models/model_reducer_state.py"] = _render(
            "node/models/model_reducer_state.py.j2", context
        )
    if context["node"]["resilient"]:
        files["resilience.py"] = _render("node/resilience.py.j2", context)
        files["protocols/__init__.py"] = _render("node/protocols/__init__.py.j2", context)
        files["protocols/protocol_event_publisher.py"] = _render(
            "node/protocols/protocol_event_publisher.py.j2", context
        )
        for dep in context["deps"]:
            files[f"protocols/protocol_{dep['name']}.py"] = _render(
                "node/protocols/protocol_dep.py.j2", {**context, "dep": dep}
            )
    if not context["onex"]:
        files["errors.py"] = _render("node/errors.py.j2", context)
    return FileSet(files=files)


def render_event_bus(spec: NodeSpec) -> FileSet:
    """Topic constants and the event model; pure nodes have none."""
    context = build_context(spec)
    if not context["node"]["has_events"]:
        return FileSet()
    return FileSet(
        files={
            "topics.py": _render("node/topics.py.j2", context),
            "models/model_node_event.py": _render("node/models/model_node_event.py.j2", context),
        }
    )


def contract_patterns(contract: ContractDocument) -> tuple[str, ...]:
    """The design patterns the contract's tags name (``pattern:<name>``)."""
    return tuple(
        tag.removeprefix("pattern:") for tag in contract.tags if tag.startswith("pattern:")
    )


def render_tests(spec: NodeSpec, patterns: tuple[str, ...] = ()) -> FileSet:
    """The node's own test suite."""
    context = build_context(spec, patterns)
    names = [*TEST_FILES, *TYPE_TEST_FILES[spec.node_type]]
    if context["uses_versions"] or context["uses_idempotency"]:
        names.append("test_patterns")
    return FileSet(
        files={f"tests/{name}.py": _render(f"node/tests/{name}.py.j2", context) for name in names}
    )


def render_files(prompt: str, options: GenerationOptions) -> tuple[NodeSpec, FileSet]:
    """Every file for ``prompt`` and ``options`` as the stages render them, with the lock file
    (embedded patterns only, no network; not validated). Regeneration and tests use it."""
    spec = parse_prompt(prompt, options)
    intel = gather_intelligence(prompt, spec, enabled=options.enable_intelligence)
    contract = build_contract(spec, intel)
    files = render_node_code(spec, contract).merged(render_event_bus(spec))
    files = files.merged(render_tests(spec, contract_patterns(contract)))
    return spec, with_lock(prompt, options, spec, intel, files)
