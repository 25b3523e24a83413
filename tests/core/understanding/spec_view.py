"""A parsed prompt's operations as the understanding benchmark writes fields (``int{ge=1}?``,
``list[{a:string}]``, ``enum[a,b]``), so a test states a whole field in one string."""

from __future__ import annotations

from bench.understanding import field_type
from codegen_assets.core.models import NodeSpec
from codegen_assets.core.stages.parsed_prompt import parse_prompt


def operations(prompt: str) -> dict[str, dict[str, dict[str, str]]]:
    """``{operation: {"in": {field: type}, "out": {field: type}}}`` of ``prompt``'s spec (each
    field by the name the prompt wrote)."""
    spec = parse_prompt(prompt)
    return {op.name: _sides(spec, op.name) for op in spec.operations}


def _sides(spec: NodeSpec, name: str) -> dict[str, dict[str, str]]:
    op = next(o for o in spec.operations if o.name == name)
    return {
        "in": {f.written or f.name: field_type(spec, f) for f in op.inputs},
        "out": {f.written or f.name: field_type(spec, f) for f in op.outputs},
    }


def warnings(prompt: str) -> tuple[str, ...]:
    """What the parser warned about ``prompt``."""
    return parse_prompt(prompt).warnings
