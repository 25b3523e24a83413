"""The node plan: every name, module and topic the contract and the templates share.

Derived once from the ``NodeSpec`` and the ``NodeLayout`` so that ``handler_routing``, the event
models, ``published_events`` and the generated tests can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import (
    Dependency,
    FieldType,
    InputField,
    NodeSpec,
    NodeType,
    Operation,
)
from codegen_assets.core.naming import camel, kebab, onex_topic, snake

_KEY_TYPES = (FieldType.STRING, FieldType.UUID)


@dataclass(frozen=True)
class EventPlan:
    """One typed event a handler returns and the runtime publishes."""

    name: str  # the event type, e.g. StateCommitted (the contract's published_events entry)
    kind: str  # "success" | "conflict" | "failure" | "outcome" | "state"
    topic: str

    @property
    def snake(self) -> str:
        """The event's snake_case name."""
        return snake(self.name) or "event"

    @property
    def model(self) -> str:
        """``Model<Event>``: the runtime routes it to its topic by this class name."""
        return f"Model{self.name}"

    @property
    def module(self) -> str:
        """Its module, relative to the node package."""
        return f"models/model_{self.snake}"


@dataclass(frozen=True)
class OperationPlan:
    """One operation: its handler, request model, subscribe topic and result events."""

    op: Operation
    key: str  # handler_routing operation, e.g. store.persist_state
    topic: str  # the command topic it is dispatched from
    event_type: str  # the envelope event_type the dispatch engine routes on
    events: tuple[EventPlan, ...]
    key_field: InputField | None  # the entity the events are keyed by
    handler_class: str  # the contract's handler class (``op.handler``), else ``Handler<Op>``
    request_model: str  # the contract's request model (``op.request``), else ``Model<Op>Request``

    @property
    def name(self) -> str:
        """The operation's snake_case name."""
        return self.op.name

    @property
    def pascal(self) -> str:
        """The operation in CamelCase."""
        return camel(self.op.name)

    @property
    def handler_module(self) -> str:
        """The handler's module, relative to the node package: ``handler_<op>``, or for a
        handler the contract names, ``handler_<its snake_case name without Handler>``."""
        if not self.op.handler:
            return f"handlers/handler_{self.op.name}"
        return f"handlers/handler_{snake(self.handler_class.removeprefix('Handler')) or 'main'}"

    @property
    def request_module(self) -> str:
        """The request model's module, relative to the node package."""
        if self.request_model == f"Model{self.pascal}Request":
            return f"models/model_{self.op.name}_request"
        return f"models/model_{snake(self.request_model.removeprefix('Model'))}"

    @property
    def reply_model(self) -> str:
        """``Model<Op>Reply``: what an effect's client answers."""
        return f"Model{self.pascal}Reply"

    @property
    def reply_module(self) -> str:
        """The reply model's module, relative to the node package."""
        return f"models/model_{self.op.name}_reply"

    def event(self, kind: str) -> EventPlan | None:
        """The first event of ``kind``."""
        return next((e for e in self.events if e.kind == kind), None)


@dataclass(frozen=True)
class NodePlan:
    """Everything about a node that more than one generated file must agree on."""

    spec: NodeSpec
    layout: NodeLayout
    operations: tuple[OperationPlan, ...]
    clients: tuple[Dependency, ...]  # injected into handlers (effects, orchestrator steps)
    event_clients: tuple[Dependency, ...]  # the event bus the runtime provides
    notes: tuple[str, ...]

    @property
    def events(self) -> tuple[EventPlan, ...]:
        """Every event model, once."""
        seen: dict[str, EventPlan] = {}
        for op in self.operations:
            for event in op.events:
                seen.setdefault(event.name, event)
        return tuple(seen.values())

    @property
    def subscribe_topics(self) -> list[str]:
        """The command topics, one per operation, then any other topic the spec subscribes to
        (its messages have no operation: the notes say so)."""
        named = [t.name for t in self.spec.subscribe_topics]
        return list(dict.fromkeys([*(op.topic for op in self.operations), *named]))

    @property
    def publish_topics(self) -> list[str]:
        """Where the events go, and every other topic the spec publishes on, each once."""
        named = [t.name for t in self.spec.publish_topics]
        return list(dict.fromkeys([*(e.topic for e in self.events), *named]))

    @property
    def producer(self) -> str:
        """The producer segment of the node's own topics."""
        return kebab(_bare(self.spec.name)) or "node"


def _bare(name: str) -> str:
    """A node name without the ``node_`` of a contract's name."""
    return name.removeprefix("node_")


def key_field(op: Operation) -> InputField | None:
    """The input naming the entity an operation acts on (``workflow_key``, ``order_id`` ...)."""
    required = [f for f in op.inputs if not f.optional and not f.is_list and f.type in _KEY_TYPES]
    named = [f for f in required if f.name in ("key", "id") or f.name.endswith(("_key", "_id"))]
    found = named or required
    return found[0] if found else None


def _unique(names: list[str], taken: set[str]) -> list[str]:
    result = []
    for name in names:
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name}{n}", n + 1
        taken.add(candidate)
        result.append(candidate)
    return result


def _event_kinds(spec: NodeSpec, op: Operation) -> list[tuple[str, str]]:
    """(event name, kind) for the operation's outcomes, as its node type uses them."""
    outcomes = list(op.outcomes) or [f"{camel(op.name)}Completed"]
    if spec.node_type is NodeType.COMPUTE:
        return [(outcomes[0], "success")]
    if spec.node_type is NodeType.REDUCER:
        return [(f"{camel(_bare(spec.name).removesuffix('_reducer'))}StateUpdated", "state")]
    if spec.node_type is NodeType.ORCHESTRATOR:
        failure = outcomes[1] if len(outcomes) > 1 else f"{camel(op.name)}Failed"
        return [(outcomes[0], "success"), (failure, "failure")]
    kinds = []
    for index, outcome in enumerate(outcomes):
        if outcome == op.conflict_outcome:
            kinds.append((outcome, "conflict"))
        else:
            kinds.append((outcome, "success" if index == 0 else "outcome"))
    return kinds


def _event_topic(spec: NodeSpec, name: str, position: int, count: int, producer: str) -> str:
    """The prompt's topic carrying ``name``, else one by position, else the node's own."""
    topics = list(spec.publish_topics)
    carrying = [t for t in topics if name in t.event_types]
    if carrying:
        return carrying[0].name
    if topics and len(topics) == count:
        return topics[position].name
    if len(topics) == 1:
        return topics[0].name
    return onex_topic(snake(name), kind="evt", producer=producer)


def _command_topics(spec: NodeSpec, producer: str) -> tuple[list[str], list[str]]:
    """One command topic per operation: the prompt's (matched by the command it carries, else
    in order), else the node's own ``onex.cmd.<node>.<operation>.v1``."""
    available = list(spec.subscribe_topics)
    chosen: dict[str, str] = {}
    for op in spec.operations:  # a topic may carry several operations' commands
        match = next((t for t in spec.subscribe_topics if camel(op.name) in t.event_types), None)
        if match is not None:
            chosen[op.name] = match.name
            if match in available:
                available.remove(match)
    for op in spec.operations:
        if op.name not in chosen and available:
            chosen[op.name] = available.pop(0).name
    topics = [
        chosen.get(op.name) or onex_topic(op.name, kind="cmd", producer=producer)
        for op in spec.operations
    ]
    unused = [
        f"topic {t.name} has no operation to handle it; subscribed as named, unhandled"
        for t in available
    ]
    return topics, unused


def event_type_alias(topic: str) -> str:
    """``<producer>.<event-name>`` of ``onex.<kind>.<producer>.<event-name>.v<n>``: the envelope
    event type the dispatch engine routes a command on that topic by."""
    parts = topic.split(".")
    return f"{parts[2]}.{parts[3]}" if len(parts) == 5 else topic


def _handler_classes(spec: NodeSpec) -> list[str]:
    """Each operation's handler class: the one the spec names (a second operation naming the
    same class gets its own, numbered: one handler per operation), else ``Handler<Op>``."""
    named = [op.handler or f"Handler{camel(op.name)}" for op in spec.operations]
    return _unique(named, set())


def _request_models(spec: NodeSpec, taken: set[str]) -> list[str]:
    """Each operation's request model: the one the spec names, unless an earlier operation or
    another model of the node has that name; else ``Model<Op>Request``."""
    names: list[str] = []
    for op in spec.operations:
        own = f"Model{camel(op.name)}Request"
        wanted = op.request or own
        names.append(own if wanted in taken or wanted in names else wanted)
    return names


def _model_classes(spec: NodeSpec, layout: NodeLayout) -> set[str]:
    """The node's other model classes: nested models, effect replies, the reducer's state."""
    found = {f"Model{camel(snake(m.name))}" for m in spec.models}
    found |= {f"Model{camel(op.name)}Reply" for op in spec.operations}
    found.add(f"Model{layout.pascal.removesuffix(camel(layout.node_type.value))}State")
    return found


def plan_node(spec: NodeSpec, layout: NodeLayout) -> NodePlan:
    """The plan of ``spec`` in ``layout``."""
    producer = kebab(_bare(spec.name)) or "node"
    topics, notes = _command_topics(spec, producer)
    taken: set[str] = set()
    events_of: list[tuple[EventPlan, ...]] = []
    for op in spec.operations:
        kinds = _event_kinds(spec, op)
        if spec.node_type is NodeType.REDUCER and events_of:
            events_of.append(events_of[0])  # one state, whatever event folds into it
            continue
        names = _unique([name for name, _ in kinds], taken)
        events_of.append(
            tuple(
                EventPlan(
                    name=name,
                    kind=kind,
                    topic=_event_topic(spec, original, i, len(kinds), producer),
                )
                for i, (name, (original, kind)) in enumerate(zip(names, kinds, strict=True))
            )
        )
    others = {e.model for events in events_of for e in events}
    requests = _request_models(spec, others | _model_classes(spec, layout))
    handlers = _handler_classes(spec)
    operations = [
        OperationPlan(
            op=op,
            key=op.key or f"{layout.stem}.{op.name}",
            topic=topic,
            event_type=event_type_alias(topic),
            events=events,
            key_field=key_field(op),
            handler_class=handler,
            request_model=request,
        )
        for op, topic, events, handler, request in zip(
            spec.operations, topics, events_of, handlers, requests, strict=True
        )
    ]
    active = spec.node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR)
    clients = tuple(d for d in spec.dependencies if active and not d.is_event_client)
    buses = tuple(d for d in spec.dependencies if d.is_event_client)
    return NodePlan(spec, layout, tuple(operations), clients, buses, tuple(notes))
