"""The generation pipeline: the stages in order, what each one reads, and a whole run.

This is the one place the order is written. The Dagster assets materialize these stages one by
one (a test checks that the asset graph has exactly these edges); regeneration, the type-cache
warm-up and the tests run them here in one call (``render_files``), with the same functions, so a
regenerated node is byte for byte what a fresh run delivers.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple, Protocol

from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.models import (
    FileSet,
    GenerationOptions,
    GenerationRequest,
    Intelligence,
    ModelUsage,
    NodeSpec,
    RefinedCode,
    StyleConfig,
    ValidationReport,
)
from codegen_assets.core.rendering.provenance import with_lock
from codegen_assets.core.stages.contract import build_node_contract
from codegen_assets.core.stages.event_bus import with_event_bus
from codegen_assets.core.stages.generated_tests import with_tests
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.node_code import render_node_code
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.validation_report import with_prompt_check
from codegen_assets.core.stages.written_logic import WrittenLogic, write_logic

REQUEST = "generation_request"  # the root: the stored request every run starts from


class Stage(NamedTuple):
    """A stage: its asset name and the assets it reads."""

    name: str
    inputs: tuple[str, ...]


PIPELINE = (
    Stage("parsed_prompt", (REQUEST,)),
    Stage("intelligence", (REQUEST, "parsed_prompt")),
    Stage("contract", ("parsed_prompt", "intelligence")),
    Stage("node_code", ("parsed_prompt", "contract")),
    Stage("event_bus", ("parsed_prompt", "node_code")),
    Stage("generated_tests", ("parsed_prompt", "contract", "event_bus")),
    Stage("written_logic", (REQUEST, "parsed_prompt", "intelligence", "generated_tests")),
    Stage("validation_report", ("parsed_prompt", "written_logic")),
    Stage(
        "refined_code",
        (REQUEST, "parsed_prompt", "intelligence", "written_logic", "validation_report"),
    ),
    Stage("written_files", (REQUEST, "parsed_prompt", "refined_code")),
)
STAGES = tuple(stage.name for stage in PIPELINE)


class Validator(Protocol):
    """Runs the validators on a node's files and applies their automatic fixes."""

    def check(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        """Validate generated files."""

    def check_merged(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        """Validate files that include hand edits."""

    def refine(
        self, files: FileSet, report: ValidationReport, style: StyleConfig | None = None
    ) -> RefinedCode:
        """Apply automatic fixes where checks failed, and validate once more."""


def node_files(spec: NodeSpec, intelligence: Intelligence) -> FileSet:
    """The files of stages 3 to 6 for ``spec``: contract, node code, event bus, tests."""
    contract = build_node_contract(spec, intelligence)
    code = with_event_bus(spec, render_node_code(spec, contract))
    return with_tests(spec, contract, code)


def written_logic(
    request: GenerationRequest,
    spec: NodeSpec,
    intelligence: Intelligence,
    files: FileSet,
    validator: Validator,
    gateway: ModelGateway | None,
    *,
    note: str = "",
    mode: str = "off",
) -> WrittenLogic:
    """Stage 7: the compute handlers left to write, written by the model when one is
    configured (``gateway``), each kept only when the node passes its validation with it."""
    return write_logic(
        request.prompt,
        spec,
        files,
        gateway=gateway,
        render=functools.partial(node_files, intelligence=intelligence),
        check=functools.partial(validator.check, style=spec.style),
        patterns=[f"{p.title}: {p.guidance}" for p in intelligence.patterns],
        note=note,
        mode=mode,
    )


def validation_report(
    spec: NodeSpec, files: FileSet, validator: Validator, usage: ModelUsage | None = None
) -> ValidationReport:
    """Stage 8: every check on the node's files, plus whether the prompt was understood (and,
    when a model was configured, what it did)."""
    report = with_prompt_check(validator.check(files, spec.style), spec)
    return report.model_copy(update={"model_usage": usage}) if usage is not None else report


def refined_code(
    request: GenerationRequest,
    spec: NodeSpec,
    intelligence: Intelligence,
    files: FileSet,
    report: ValidationReport,
    validator: Validator,
    model_lock: dict[str, Any] | None = None,
) -> RefinedCode:
    """Stage 9: automatic fixes, one re-validation, and the lock file of what was generated
    (with the model's answers, ``model_lock``, when a model wrote a handler)."""
    refined = validator.refine(files, report, spec.style)
    locked = with_lock(
        request.prompt, request.options, spec, intelligence, refined.files, model_lock
    )
    checked = with_prompt_check(refined.report, spec)
    if report.model_usage is not None:
        checked = checked.model_copy(update={"model_usage": report.model_usage})
    return refined.model_copy(update={"files": locked, "report": checked})


def stage_outputs(
    prompt: str, options: GenerationOptions, style: StyleConfig | None = None
) -> tuple[NodeSpec, Intelligence, FileSet]:
    """The parsed prompt, the intelligence and the files the stages up to ``generated_tests``
    produce for ``prompt`` and ``options`` (embedded patterns only, no network)."""
    spec = parse_prompt(prompt, options, style)
    intel = gather_intelligence(prompt, spec, enabled=options.enable_intelligence)
    return spec, intel, node_files(spec, intel)


def render_files(
    prompt: str,
    options: GenerationOptions,
    style: StyleConfig | None = None,
    *,
    validator: Validator | None = None,
    gateway: ModelGateway | None = None,
) -> tuple[NodeSpec, FileSet]:
    """Every file a run for ``prompt`` and ``options`` delivers, tests and lock file included,
    through the stages in order (embedded patterns only, no network). With a validator the files
    are validated and refined as in a run (and with a ``gateway``, the model writes what is left
    to write, as in a run); without one they are locked as rendered."""
    request = GenerationRequest(
        request_id="render", correlation_id="render", prompt=prompt, options=options, style=style
    )
    spec, intel, files = stage_outputs(prompt, options, style)
    if validator is None:
        return spec, with_lock(prompt, options, spec, intel, files)
    logic = written_logic(request, spec, intel, files, validator, gateway)
    report = validation_report(spec, logic.files, validator, logic.usage)
    refined = refined_code(request, spec, intel, logic.files, report, validator, logic.lock)
    return spec, refined.files
