"""The generation stages in order, as plain functions: what a fresh run renders."""

from __future__ import annotations

from codegen_assets.core.models import FileSet, GenerationOptions, NodeSpec, StyleConfig
from codegen_assets.core.provenance import with_lock
from codegen_assets.core.render import (
    build_node_contract,
    contract_patterns,
    finish,
    render_event_bus,
    render_node_code,
)
from codegen_assets.core.stages.generated_tests import render_tests
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.parsed_prompt import parse_prompt


def render_files(
    prompt: str, options: GenerationOptions, style: StyleConfig | None = None
) -> tuple[NodeSpec, FileSet]:
    """Every file for ``prompt`` and ``options`` as the stages render them, with the lock file
    (embedded patterns only, no network; not validated). Regeneration and tests use it."""
    spec = parse_prompt(prompt, options, style)
    intel = gather_intelligence(prompt, spec, enabled=options.enable_intelligence)
    contract = build_node_contract(spec, intel)
    files = render_node_code(spec, contract).merged(render_event_bus(spec))
    files = finish(files.merged(render_tests(spec, contract_patterns(contract))), spec)
    return spec, with_lock(prompt, options, spec, intel, files)
