"""Parsed prompt stage: deterministic prompt parsing, plain language in, a ``NodeSpec`` out, no
network. The reader (``understanding.read``) and the line reader (``understanding/line_reader``)
read the prompt; this puts what they found into the spec."""

from __future__ import annotations

from codegen_assets.core import understanding
from codegen_assets.core.layout import PackageError, check_package
from codegen_assets.core.models import GenerationOptions, NodeSpec, NodeType, StyleConfig, Target
from codegen_assets.core.understanding import spec as understood
from codegen_assets.core.understanding.leftovers import leftovers
from codegen_assets.core.understanding.line_reader.draft import (
    Draft,
    pattern_gate_warnings,
    take_facts,
)
from codegen_assets.core.understanding.line_reader.lines import read_lines
from codegen_assets.core.understanding.line_reader.operations import read_operations, versioned
from codegen_assets.core.understanding.line_reader.review import draft_review, unplaced_warnings
from codegen_assets.core.understanding.line_reader.sections import steps_from_text
from codegen_assets.core.understanding.line_reader.spec_parts import (
    canonical_topics,
    node_dependencies,
    placed_in_draft,
    result_topics,
)
from codegen_assets.core.understanding.line_reader.text import (
    MAX_PROMPT_BYTES,
    PromptError,
    clean_prompt,
    post_image,
)
from codegen_assets.core.understanding.line_reader.words import (
    name_from_operation,
    name_match,
    read_description,
    read_node_name,
    read_node_type,
    read_performance,
)
from codegen_assets.core.understanding.spec_file import SpecFileError, is_spec, load_spec
from codegen_assets.core.validation.style import floor_warnings


def parse_prompt(
    prompt: str, options: GenerationOptions | None = None, style: StyleConfig | None = None
) -> NodeSpec:
    """Parse ``prompt`` into a ``NodeSpec``; options (type, name) win over what the text says.

    ``style``, the target repository's ruff configuration, travels with the spec to rendering.
    """
    options = options or GenerationOptions()
    try:
        check_package(options.package)
    except PackageError as exc:
        raise PromptError(str(exc)) from exc
    size = len(prompt.encode("utf-8", "surrogatepass"))
    if size > MAX_PROMPT_BYTES:
        raise PromptError(f"prompt is {size:,} bytes; the limit is {MAX_PROMPT_BYTES:,} bytes")
    text = post_image(clean_prompt(prompt))  # a pasted diff reads as after the change
    if not text:
        raise PromptError("prompt is empty: describe the node to generate")
    if is_spec(text):  # a spec file (--spec, or an edited spec on GitHub): exactly this node
        try:
            spec = load_spec(text, options, style)
        except SpecFileError as exc:
            raise PromptError(str(exc)) from exc
        floor = floor_warnings(style, spec.target is Target.ONEX)
        return spec.model_copy(update={"warnings": floor}) if floor else spec
    facts = understanding.read(text)
    draft = Draft()
    read_lines(understanding.without_code(text, facts), draft)  # pasted code is no line list
    take_facts(facts, draft)
    if facts.node_type and options.node_type is None:
        options = options.model_copy(update={"node_type": NodeType(facts.node_type)})
    node_type = read_node_type(text, options, draft)
    named = (
        options
        if options.name or not facts.node_name
        else options.model_copy(update={"name": facts.node_name})
    )
    name = read_node_name(text, named, node_type, draft)
    if node_type is NodeType.ORCHESTRATOR:
        draft.steps = draft.steps or steps_from_text(text)
    operations = versioned(text, read_operations(text, draft, node_type, facts), node_type)
    if named.name is None and not name_match(text):
        name = name_from_operation(operations, node_type) or name
    spec = NodeSpec(
        name=name,
        node_type=node_type,
        description=read_description(text),
        operations=operations,
        subscribe_topics=canonical_topics(draft.subscribe, kind="cmd", producer=name),
        publish_topics=(
            canonical_topics(draft.publish, kind="evt", producer=name)
            or result_topics(name, node_type, operations)
        ),
        dependencies=node_dependencies(draft, node_type),
        metrics=tuple(draft.metrics.values()),
        performance=read_performance(text),
        target=options.target,
        options=options,
        warnings=tuple(
            dict.fromkeys([*draft.warnings, *floor_warnings(style, options.target is Target.ONEX)])
        ),
        style=style,
        models=understood.models(facts),
        requirements=tuple(facts.requirements),
    )
    partial = leftovers(facts)
    placed = understood.placed_names(spec, facts) | placed_in_draft(spec, draft)
    missed = understood.unplaced(text, placed, facts.labels)
    warnings = [*spec.warnings, *unplaced_warnings(missed)]
    warnings += pattern_gate_warnings(spec)
    warnings += [
        f"unknown type {f.typed.unknown!r} for field {f.name!r}; using object"
        for op in facts.operations
        for f in op.inputs
        if f.typed.unknown
    ]
    return spec.model_copy(
        update={
            "unplaced": tuple(missed),
            "review": draft_review(draft, missed, partial, facts.unread),
            "warnings": tuple(dict.fromkeys(warnings)),
        }
    )
