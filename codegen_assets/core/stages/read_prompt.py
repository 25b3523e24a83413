"""Stage 1 with a model: the rules read the prompt, and when a model is configured it reads it
too; its reading is used when it passes its checks and accounts for at least as much of the
prompt as the rules' reading. The spec records which reading was used (``NodeSpec.reading``).

Without a gateway this is ``parse_prompt``: nothing is asked, no HTTP client is loaded.
"""

from __future__ import annotations

from codegen_assets.core import understanding
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.models import GenerationOptions, NodeSpec, Reading, StyleConfig, Target
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.line_reader.draft import pattern_gate_warnings
from codegen_assets.core.understanding.line_reader.review import review_reasons, unplaced_warnings
from codegen_assets.core.understanding.line_reader.spec_parts import conventional
from codegen_assets.core.understanding.line_reader.text import clean_prompt, post_image
from codegen_assets.core.understanding.model_reading import (
    account_model,
    account_rules,
    read_with_model,
)
from codegen_assets.core.understanding.spec_file import is_spec
from codegen_assets.core.validation.style import floor_warnings


def read_prompt(
    prompt: str,
    options: GenerationOptions | None = None,
    style: StyleConfig | None = None,
    *,
    gateway: ModelGateway | None = None,
    note: str = "",
) -> NodeSpec:
    """The spec of ``prompt``: the rules' reading (``parse_prompt``, which raises
    ``PromptError``), or the model's when ``gateway`` is given and its reading is at least as
    good. ``note``: why no model was asked although one is configured (a warning)."""
    rules = parse_prompt(prompt, options, style)
    text = post_image(clean_prompt(prompt))  # a pasted diff reads as after the change
    if gateway is None or is_spec(text):  # a spec file is read exactly, by no one
        return _warned(rules, note) if note and gateway is None else rules
    options = options or GenerationOptions()
    found = read_with_model(text, gateway, options, style)
    reading = Reading(
        provider=gateway.provider,
        model=gateway.model,
        request=found.reply.key if found.reply else "",
        answer=found.reply.answer_hash if found.reply else "",
    )
    if found.spec is None:
        return _refused(rules, reading, found.refused)
    facts = understanding.read(text)
    theirs = account_rules(text, rules, facts)
    spec = conventional(_fitted(found.spec, rules, options, style))
    ours = account_model(text, spec, facts, rules)
    if ours.count > theirs.count:
        return _refused(
            rules,
            reading,
            f"its reading leaves {ours.count} name(s) or block(s) of the prompt unaccounted "
            f"for, the rules' {theirs.count}",
        )
    missed = list(ours.unplaced)
    warnings = [*spec.warnings, *unplaced_warnings(missed), *pattern_gate_warnings(spec)]
    return spec.model_copy(
        update={
            "reading": reading.model_copy(update={"by": "model"}),
            "unplaced": tuple(missed),
            "review": review_reasons(missed, ours.unread, ours.partial),
            "warnings": tuple(dict.fromkeys(warnings)),
        }
    )


def _fitted(
    spec: NodeSpec, rules: NodeSpec, options: GenerationOptions, style: StyleConfig | None
) -> NodeSpec:
    """The model's ``spec`` with what the user chose winning over what it read (type, name,
    target), as for the rules' reading."""
    node_type = options.node_type or spec.node_type
    name = rules.name if options.name else spec.name
    chosen = options.model_copy(
        update={"node_type": node_type, "name": options.name, "target": options.target}
    )
    return spec.model_copy(
        update={
            "name": name,
            "node_type": node_type,
            "target": options.target,
            "options": chosen,
            "style": style,
            "warnings": tuple(floor_warnings(style, options.target is Target.ONEX)),
        }
    )


def _refused(rules: NodeSpec, reading: Reading, why: str) -> NodeSpec:
    """The rules' reading, recording that the model's was not used and why."""
    refused = reading.model_copy(update={"refused": why})
    return _warned(
        rules, f"{refused.provider} {refused.model}'s reading was not used: {why}", refused
    )


def _warned(spec: NodeSpec, warning: str, reading: Reading | None = None) -> NodeSpec:
    update: dict[str, object] = {"warnings": tuple(dict.fromkeys([*spec.warnings, warning]))}
    if reading is not None:
        update["reading"] = reading
    return spec.model_copy(update=update)
