"""The generation pipeline: the stages in order, what each one reads, and a whole run.

This is the one place the order is written. The Dagster assets materialize these stages one by
one (a test checks that the asset graph has exactly these edges); regeneration, the type-cache
warm-up and the tests run them here in one call, with the same functions, so a regenerated node
is byte for byte what a fresh run delivers.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from codegen_assets.core.models import (
    FileSet,
    GenerationOptions,
    GenerationRequest,
    Intelligence,
    NodeSpec,
    RefinedCode,
    StyleConfig,
    ValidationReport,
)
from codegen_assets.core.provenance import with_lock
from codegen_assets.core.rag_client import RagClient
from codegen_assets.core.stages.contract import ContractDocument, build_node_contract
from codegen_assets.core.stages.event_bus import with_event_bus
from codegen_assets.core.stages.generated_tests import with_tests
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.node_code import render_node_code
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.validation_report import with_prompt_check

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
    Stage("validation_report", ("parsed_prompt", "generated_tests")),
    Stage(
        "refined_code",
        (REQUEST, "parsed_prompt", "intelligence", "generated_tests", "validation_report"),
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


def validation_report(spec: NodeSpec, files: FileSet, validator: Validator) -> ValidationReport:
    """Stage 7: every check on the node's files, plus whether the prompt was understood."""
    return with_prompt_check(validator.check(files, spec.style), spec)


def refined_code(
    request: GenerationRequest,
    spec: NodeSpec,
    intelligence: Intelligence,
    files: FileSet,
    report: ValidationReport,
    validator: Validator,
) -> RefinedCode:
    """Stage 8: automatic fixes, one re-validation, and the lock file of what was generated."""
    refined = validator.refine(files, report, spec.style)
    locked = with_lock(request.prompt, request.options, spec, intelligence, refined.files)
    return refined.model_copy(
        update={"files": locked, "report": with_prompt_check(refined.report, spec)}
    )


class Generation(NamedTuple):
    """What a whole run produced, before delivery."""

    spec: NodeSpec
    intelligence: Intelligence
    contract: ContractDocument
    files: FileSet  # every file, tests and lock file included: what delivery writes
    report: ValidationReport | None  # None when not validated


def generate(
    request: GenerationRequest, *, validator: Validator | None = None, rag: RagClient | None = None
) -> Generation:
    """Every stage up to delivery, in order. Without a validator the files are not validated
    and not refined; they are locked as rendered."""
    spec = parse_prompt(request.prompt, request.options, request.style)
    intel = gather_intelligence(
        request.prompt, spec, enabled=request.options.enable_intelligence, rag=rag
    )
    contract = build_node_contract(spec, intel)
    code = with_event_bus(spec, render_node_code(spec, contract))
    files = with_tests(spec, contract, code)
    if validator is None:
        locked = with_lock(request.prompt, request.options, spec, intel, files)
        return Generation(spec, intel, contract, locked, None)
    report = validation_report(spec, files, validator)
    refined = refined_code(request, spec, intel, files, report, validator)
    return Generation(spec, intel, contract, refined.files, refined.report)


def render_files(
    prompt: str,
    options: GenerationOptions,
    style: StyleConfig | None = None,
    *,
    validator: Validator | None = None,
) -> tuple[NodeSpec, FileSet]:
    """Every file a run for ``prompt`` and ``options`` delivers, with the lock file (embedded
    patterns only, no network); validated and refined when given a validator."""
    request = GenerationRequest(
        request_id="render", correlation_id="render", prompt=prompt, options=options, style=style
    )
    generation = generate(request, validator=validator)
    return generation.spec, generation.files
