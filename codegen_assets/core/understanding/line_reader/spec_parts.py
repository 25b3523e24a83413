"""The spec's topics and dependencies from the draft, under their canonical ONEX names, and what
the rules derive where a model's reading says nothing (``conventional``).
"""

from __future__ import annotations

from codegen_assets.core.models import STEP, Dependency, NodeSpec, NodeType, Operation, Topic
from codegen_assets.core.naming import camel, gate_safe, identifier, onex_topic, snake
from codegen_assets.core.understanding.line_reader.draft import Draft, class_name
from codegen_assets.core.understanding.line_reader.vocabulary import ADDED


def placed_in_draft(spec: NodeSpec, draft: Draft) -> set[str]:
    """Every identifier the spec took from the prompt, as written and as generated."""
    names = {spec.name, *(m.name for m in spec.metrics), *draft.steps}
    names.update(snake(raw.name) for raw in draft.operations)
    for op in spec.operations:
        names.add(op.name)
        names.update(f.name for f in op.inputs)
    for dep in spec.dependencies:
        names.update((dep.name, snake(dep.client_type)))
    return names | {n.lower() for n in names}


def conventional(spec: NodeSpec) -> NodeSpec:
    """A spec read by a model, with what the rules derive where a prompt says nothing: each
    operation's result event, topics under their canonical ONEX names (the written one kept as
    ``source_name``), an effect's result topic, client types the naming gate accepts."""
    done = "Computed" if spec.node_type is NodeType.COMPUTE else "Completed"
    operations = tuple(
        op if op.outcomes else op.model_copy(update={"outcomes": (camel(op.name) + done,)})
        for op in spec.operations
    )

    def canonical(topics: tuple[Topic, ...], kind: str) -> tuple[Topic, ...]:
        found = {t.source_name or t.name: list(t.event_types) for t in topics}
        return canonical_topics(found, kind=kind, producer=spec.name)

    return spec.model_copy(
        update={
            "operations": operations,
            "subscribe_topics": canonical(spec.subscribe_topics, "cmd"),
            "publish_topics": canonical(spec.publish_topics, "evt")
            or result_topics(spec.name, spec.node_type, operations),
            "dependencies": tuple(
                d.model_copy(update={"client_type": gate_safe(d.client_type or camel(d.name))})
                for d in spec.dependencies
            ),
        }
    )


def result_topics(
    name: str, node_type: NodeType, operations: tuple[Operation, ...]
) -> tuple[Topic, ...]:
    """An effect publishes its result events; without a topic in the prompt, on its own one."""
    if node_type is not NodeType.EFFECT:
        return ()
    events = tuple(dict.fromkeys(o for op in operations for o in op.outcomes))
    return (Topic(name=onex_topic("results", kind="evt", producer=name), event_types=events),)


def canonical_topics(found: dict[str, list[str]], *, kind: str, producer: str) -> tuple[Topic, ...]:
    """Topics under their canonical ONEX names; the prompt's spelling is kept as ``source_name``."""
    topics: dict[str, Topic] = {}
    for source, events in found.items():
        name = onex_topic(source, kind=kind, producer=producer)
        if name not in topics:
            topics[name] = Topic(name=name, source_name=source, event_types=tuple(events))
    return tuple(topics.values())


def node_dependencies(draft: Draft, node_type: NodeType) -> tuple[Dependency, ...]:
    deps = dict(draft.dependencies)
    if node_type in (NodeType.COMPUTE, NodeType.REDUCER):
        if deps:
            draft.warnings.append(
                f"{node_type.value} nodes are pure; declared dependencies are not injected"
            )
        return ()
    if node_type is NodeType.ORCHESTRATOR and not any(not d.is_event_client for d in deps.values()):
        for step in draft.steps:
            name = identifier(step, what="workflow step")
            description = f"{STEP}{name}: call it, and compensate it if a later step fails"
            deps.setdefault(
                name,
                Dependency(
                    name=name, client_type=class_name(camel(name), draft), description=description
                ),
            )
    if not any(not d.is_event_client for d in deps.values()):
        default = "io_client" if node_type is NodeType.EFFECT else "step_runner"
        deps[default] = Dependency(
            name=default,
            client_type=camel(default),
            required=True,
            description=f"{ADDED}: the prompt named no client",
        )
        draft.warnings.append(f"no client dependency named; added {default!r}")
    return tuple(deps.values())
