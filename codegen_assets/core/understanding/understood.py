"""What the parser understood from a prompt, as a short table a person checks at a glance."""

from __future__ import annotations

from codegen_assets.core.models import NodeSpec

NONE = "none"


def understood_rows(spec: NodeSpec) -> list[tuple[str, str]]:
    """(fact, value) rows: type, name, operations, inputs, topics, dependencies (and, when a
    model was asked, who read the prompt: ``read by``)."""
    steps = [d.name for d in spec.dependencies if d.is_step]
    inputs = [
        f"{op.name}: " + ", ".join(f.name for f in op.inputs) for op in spec.operations if op.inputs
    ]
    topics = [f"← {t.source_name or t.name}" for t in spec.subscribe_topics]
    topics += [f"→ {t.source_name or t.name}" for t in spec.publish_topics]
    clients = [f"{d.name} ({d.client_type})" for d in spec.dependencies if not d.is_step]
    rows = [
        ("type", spec.node_type.value),
        ("name", spec.name),
        ("operations", ", ".join(op.name for op in spec.operations) or NONE),
    ]
    if steps:
        rows.append(("steps", " → ".join(steps)))
    rows += [
        ("inputs", "; ".join(inputs) or NONE),
        ("topics", ", ".join(topics) or NONE),
        ("dependencies", ", ".join(clients) or NONE),
    ]
    if spec.reading.model:  # a model was configured: which reading this is
        rows.append(("read by", spec.reading.summary.removeprefix("read by ")))
    return rows


def understood_markdown(spec: NodeSpec) -> str:
    """The rows as a Markdown table (PR bodies, issue comments), then why it needs review."""
    lines = ["| understood | |", "| --- | --- |"]
    lines += [f"| {fact} | {_cell(value)} |" for fact, value in understood_rows(spec)]
    lines += [f"\n> **Needs review:** {reason}" for reason in spec.review]
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")
