"""An ONEX contract, as omnibase-infra's nodes write it today, read as a spec file
(``omninode-generate --from-contract``, or a contract in a ```yaml block on GitHub).

Kept as the contract says: the node's ``name`` and ``node_type``, its ``description``, one
operation per ``handler_routing`` entry with its routing key and **handler class**, the
``event_bus`` topics (and those of ``consumed_events``/``published_events``), and its typed
``dependencies``. Each operation's fields are those of its input model (the entry's
``input_model`` or ``event_model``, else the contract's) and its outputs those of the output
model, read from their source (never imported) when the contract sits in a node directory:
the modules they name below the directories above it, or ``models/`` beside it. The models
those fields refer to become the spec's nested models, their enums enums.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codegen_assets.core.models import (
    STEP,
    Dependency,
    InputField,
    ModelSpec,
    NodeSpec,
    NodeType,
    Operation,
    Topic,
)
from codegen_assets.core.naming import NameError_, camel, identifier
from codegen_assets.core.plan import key_field
from codegen_assets.core.understanding.contract_names import (
    ONEX_TOPIC,
    REQUEST_FIELDS,
    RESULT_FIELDS,
    ContractEntry,
    canonical_topic,
    model_name,
    operation_names,
    result_outcomes,
    to_fields,
    topic_event_name,
)
from codegen_assets.core.understanding.line_reader.vocabulary import ADDED
from codegen_assets.core.understanding.model_source import ModelSource
from codegen_assets.core.understanding.spec_file import SpecFileError, dump_spec, load_spec

MAX_CONTRACT_BYTES = 256 * 1024
_NODE_TYPES = {t.value.upper(): t for t in NodeType}
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_REF = re.compile(r"^(?:list\[)?((?:[a-z_][a-z0-9_]*\.)*[A-Za-z_][A-Za-z0-9_]*)\]?$")
_CLIENT_TYPES = {"protocol", "service", "node", "handler", "mixin"}  # injected, not config
_MARK_TYPE = re.compile(r"^node_type\s*:", re.MULTILINE)
_MARK_MODEL = re.compile(r"^(?:handler_routing|input_model)\s*:", re.MULTILINE)


class ContractError(ValueError):
    """A contract that cannot be read; the message names the file and the key."""


def is_contract(text: str) -> bool:
    """Whether ``text`` is an ONEX contract (top-level ``node_type`` and ``handler_routing`` or
    ``input_model``), not a spec file or a request in words."""
    return bool(_MARK_TYPE.search(text) and _MARK_MODEL.search(text))


def contract_spec(path: Path) -> str:
    """The spec file (YAML) of the node the contract at ``path`` describes, its fields read from
    the models beside it; a ContractError naming the file and the key when it cannot be read."""
    return dump_spec(read_contract(path))


def contract_text_spec(text: str, where: str = "the contract") -> str:
    """The spec file of a contract given as text (no models beside it: operations get the
    fields their models declare only when a file on disk is read)."""
    return dump_spec(contract_node(text, where, None))


def read_contract(path: Path) -> NodeSpec:
    """The node the contract file at ``path`` describes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ContractError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ContractError(f"{path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_CONTRACT_BYTES:
        raise ContractError(f"{path}: larger than {MAX_CONTRACT_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return contract_node(text, str(path), ModelSource.near(path))


def contract_node(text: str, where: str, source: ModelSource | None) -> NodeSpec:
    """The node ``text`` (a contract) describes; ``where`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContractError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContractError(
            f"{where}: an ONEX contract is a YAML mapping (name, node_type, input_model, ...)"
        )
    reading = _Reading(data, where, source or ModelSource(roots=()))
    spec = reading.spec()
    try:  # the spec file must read back exactly: names usable, formulas sound
        return load_spec(dump_spec(spec))
    except SpecFileError as exc:
        raise ContractError(f"{where}: {exc}") from exc


@dataclass
class _Reading:
    data: dict[str, Any]
    where: str
    source: ModelSource
    warnings: list[str] = field(default_factory=list)
    stem: str = ""

    def fail(self, key: str, problem: str) -> ContractError:
        return ContractError(f"{self.where}: {key}: {problem}")

    def spec(self) -> NodeSpec:
        node_type = self.node_type()
        name = self.name(node_type)
        stem = self.stem = name.removeprefix("node_").removesuffix(f"_{node_type.value}")
        subscribe = self.topics("subscribe", "consumed_events", "cmd", stem)
        publish = self.topics("publish", "published_events", "evt", stem)
        entries = self.entries(subscribe, stem)
        operations, bound = self.operations(entries, node_type)
        subscribe = [
            t.model_copy(update={"event_types": bound[t.name]}) if t.name in bound else t
            for t in subscribe
        ]
        return NodeSpec(
            name=name,
            node_type=node_type,
            description=self.description(name),
            operations=tuple(operations),
            models=self.models(),
            subscribe_topics=tuple(subscribe),
            publish_topics=tuple(publish),
            dependencies=self.dependencies(node_type),
            warnings=tuple(self.warnings),
        )

    # -- identity -------------------------------------------------------------------------
    def name(self, node_type: NodeType) -> str:
        """The spec's name for the contract's: without ``node_`` when it ends in the type
        (the generator writes ``node_<name>``), else as written (a bare ``node_<name>``)."""
        written = self.data.get("name")
        if not isinstance(written, str) or not written.strip():
            raise self.fail("name", "missing (the node's name, e.g. node_widget_store_effect)")
        name = written.strip()
        short = name.removeprefix("node_")
        if name != short and name.endswith(f"_{node_type.value}") and not short.startswith("node_"):
            name = short
        try:
            usable = identifier(name, what="name")
        except NameError_ as exc:
            raise self.fail("name", str(exc)) from exc
        if usable != name:
            raise self.fail("name", f"{name!r} is not a Python package name (try {usable!r})")
        return name

    def node_type(self) -> NodeType:
        given = self.data.get("node_type")
        found = (
            _NODE_TYPES.get(given.strip().upper().removesuffix("_GENERIC"))
            if isinstance(given, str)
            else None
        )
        if found is None:
            choices = ", ".join(f"{t.value.upper()}_GENERIC" for t in NodeType)
            raise self.fail("node_type", f"{given!r} is not one of {choices}")
        return found

    def description(self, name: str) -> str:
        metadata = self.data.get("metadata")
        for text in (
            self.data.get("description"),
            metadata.get("description") if isinstance(metadata, dict) else None,
        ):
            if isinstance(text, str) and text.strip():
                return " ".join(text.split())
        return f"{name}, generated from its contract"

    # -- topics -----------------------------------------------------------------------------
    def topics(self, side: str, events_key: str, kind: str, stem: str) -> list[Topic]:
        bus = self.data.get("event_bus") or {}
        if not isinstance(bus, dict):
            raise self.fail("event_bus", "must be a mapping (subscribe_topics, publish_topics)")
        written: list[str] = []
        for key in (f"{side}_topics", side):
            written += self._topic_names(bus.get(key), f"event_bus.{key}")
        written += self._topic_names(self.data.get(events_key), events_key)
        return [canonical_topic(name, kind, stem) for name in dict.fromkeys(written)]

    def _topic_names(self, items: object, key: str) -> list[str]:
        if items is None:
            return []
        if not isinstance(items, list):
            raise self.fail(key, "must be a list of topics")
        names = []
        for i, item in enumerate(items):
            topic = item.get("topic") if isinstance(item, dict) else item
            if not isinstance(topic, str) or not topic.strip():
                raise self.fail(f"{key}[{i}]", "names no topic")
            names.append(topic.strip())
        return names

    # -- operations -------------------------------------------------------------------------
    def entries(self, subscribe: list[Topic], stem: str) -> list[ContractEntry]:
        routing = self.data.get("handler_routing")
        if routing is not None and not isinstance(routing, dict):
            raise self.fail("handler_routing", "must be a mapping with a list of handlers")
        handlers = (routing or {}).get("handlers")
        if handlers is not None and not isinstance(handlers, list):
            raise self.fail("handler_routing.handlers", "must be a list of entries")
        if handlers:
            return [self.entry(e, f"handler_routing.handlers[{i}]") for i, e in enumerate(handlers)]
        single = self.data.get("handler")
        if isinstance(single, dict) and isinstance(single.get("class"), str):
            return [self.single_handler(single)]
        inputs = self.model_ref(self.data.get("input_model"), "input_model")
        outputs = self.model_ref(self.data.get("output_model"), "output_model")
        if subscribe:  # no routing: one operation per topic the node consumes
            return [
                ContractEntry(
                    "", topic_event_name(t.source_name or t.name), "", inputs, outputs, "", t.name
                )
                for t in subscribe
            ]
        return [ContractEntry("", stem, "", inputs, outputs, "")]

    def entry(self, entry: object, key: str) -> ContractEntry:
        if not isinstance(entry, dict):
            raise self.fail(key, "must be a mapping (operation, handler: {name, module})")
        handler = entry.get("handler")
        if not isinstance(handler, dict) or not isinstance(handler.get("name"), str):
            raise self.fail(
                f"{key}.handler",
                "missing: every entry names the class that handles it, as "
                "handler: {name: HandlerX, module: pkg.handlers.handler_x}",
            )
        name = handler["name"].strip()
        if not _CLASS.match(name):
            raise self.fail(f"{key}.handler.name", f"{name!r} is not a class name")
        routed = next(
            (
                str(entry[k]).strip()
                for k in ("operation", "payload_type", "event_type")
                if isinstance(entry.get(k), str) and str(entry[k]).strip()
            ),
            "",
        )
        model = entry.get("input_model") or entry.get("event_model")
        description = entry.get("description")
        return ContractEntry(
            key=routed,
            name_hint=routed.rsplit(".", 1)[-1] or name.removeprefix("Handler"),
            handler=name,
            input_ref=self.model_ref(model, f"{key}.input_model")
            or self.model_ref(self.data.get("input_model"), "input_model"),
            output_ref=self.model_ref(entry.get("output_model"), f"{key}.output_model")
            or self.model_ref(self.data.get("output_model"), "output_model"),
            description=" ".join(description.split()) if isinstance(description, str) else "",
            topic=str(entry.get("topic") or "").strip(),
            event_type=str(entry.get("event_type") or "").strip(),
        )

    def single_handler(self, handler: dict[str, Any]) -> ContractEntry:
        name = str(handler["class"]).strip()
        if not _CLASS.match(name):
            raise self.fail("handler.class", f"{name!r} is not a class name")
        return ContractEntry(
            key="",
            name_hint=name.removeprefix("Handler"),
            handler=name,
            input_ref=self.model_ref(handler.get("input_model"), "handler.input_model")
            or self.model_ref(self.data.get("input_model"), "input_model"),
            output_ref=self.model_ref(self.data.get("output_model"), "output_model"),
            description="",
        )

    def model_ref(self, ref: object, key: str) -> tuple[str, str] | None:
        """``(module, class)`` of ``{name, module}`` or of a dotted ``pkg.module.Class``."""
        if ref is None:
            return None
        written = _REF.match(ref.strip()) if isinstance(ref, str) else None
        if written is not None:
            module, _, name = written.group(1).rpartition(".")
            if not module:  # a bare class name: in the package of the contract's input model
                own = self.data.get("input_model")
                module = str(own.get("module") or "") if isinstance(own, dict) else ""
            return module, name
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            return str(ref.get("module") or ""), ref["name"].strip()
        raise self.fail(key, "must be {name: ModelX, module: pkg.models.model_x}")

    def operations(
        self, entries: list[ContractEntry], node_type: NodeType
    ) -> tuple[list[Operation], dict[str, tuple[str, ...]]]:
        names = operation_names(entries)
        operations = []
        bound: dict[str, tuple[str, ...]] = {}
        subscribe_aliases = self._aliases()
        for entry, name in zip(entries, names, strict=True):
            inputs = self.fields(entry.input_ref, "inputs")
            op = Operation(
                name=name,
                description=entry.description,
                inputs=tuple(self.unreserved(inputs, REQUEST_FIELDS[node_type], name)),
                key=entry.key if entry.key and entry.key != name else "",
                handler=entry.handler,
                request=model_name(entry.input_ref),
                outcomes=result_outcomes(entry.output_ref, node_type),
            )
            key = key_field(op)
            taken = {*RESULT_FIELDS[node_type], *([key.name] if key else [])}
            outputs = self.fields(entry.output_ref, "outputs")
            operations.append(
                op.model_copy(update={"outputs": self.unreserved(outputs, taken, name)})
            )
            topic = entry.topic or subscribe_aliases.get(entry.event_type, "")
            if topic:
                canonical = canonical_topic(topic, "cmd", self.stem).name if entry.topic else topic
                bound[canonical] = (*bound.get(canonical, ()), camel(name))
        return operations, bound

    def _aliases(self) -> dict[str, str]:
        """Subscribe topics by the event type that routes to them (``<producer>.<event>``)."""
        bus = self.data.get("event_bus") or {}
        names = self._topic_names(bus.get("subscribe_topics"), "event_bus.subscribe_topics")
        return {".".join(n.split(".")[2:4]): n for n in names if ONEX_TOPIC.match(n)}

    def unreserved(
        self, fields: list[InputField], taken: set[str], op: str
    ) -> tuple[InputField, ...]:
        """``fields`` without those the generated model declares itself (a request's
        ``correlation_id``, an event's ``event_type`` and entity key)."""
        dropped = [f.name for f in fields if f.name in taken]
        if dropped:
            self.warnings.append(f"{op}: {', '.join(dropped)} carried by the envelope")
        return tuple(f for f in fields if f.name not in taken)

    def fields(self, ref: tuple[str, str] | None, side: str) -> list[InputField]:
        if ref is None:
            return []
        module, name = ref
        read = self.source.read(module, name)
        if not read.found:
            self.warnings.append(f"the source of {name} ({module}) is not here; no {side} read")
        return to_fields(read.fields, self.source.nested)

    def models(self) -> tuple[ModelSpec, ...]:
        nested = self.source.nested
        return tuple(
            ModelSpec(name=name, fields=tuple(to_fields(phrases, nested)))
            for name, phrases in nested.items()
            if phrases
        )

    # -- dependencies -----------------------------------------------------------------------
    def dependencies(self, node_type: NodeType) -> tuple[Dependency, ...]:
        found: dict[str, Dependency] = {}
        items = self.data.get("dependencies") or []
        if not isinstance(items, list):
            raise self.fail("dependencies", "must be a list of {name, type, class_name}")
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise self.fail(f"dependencies[{i}]", "must be a mapping with a name")
            if str(item.get("type", "protocol")).lower() not in _CLIENT_TYPES:
                continue  # environment variables, libraries, the container: not clients
            name = _dependency_name(item["name"], f"dependencies[{i}]", self)
            class_name = item.get("class_name") or item.get("protocol")
            description = item.get("description")
            found.setdefault(
                name,
                Dependency(
                    name=name,
                    client_type=str(class_name) if class_name else camel(name),
                    required=not (item.get("optional") is True or item.get("required") is False),
                    description=" ".join(description.split())
                    if isinstance(description, str)
                    else "",
                ),
            )
        if node_type is NodeType.ORCHESTRATOR and not found:
            for step in self._steps():
                found.setdefault(step.name, step)
        clients = [d for d in found.values() if not d.is_event_client]
        if node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR) and not clients:
            default = "io_client" if node_type is NodeType.EFFECT else "step_runner"
            found[default] = Dependency(
                name=default,
                client_type=camel(default),
                description=f"{ADDED}: the contract names no client",
            )
        return tuple(found.values())

    def _steps(self) -> list[Dependency]:
        """An orchestrator's workflow steps (``workflow_coordination``), each a client."""
        coordination = self.data.get("workflow_coordination") or {}
        definition = (
            coordination.get("workflow_definition") if isinstance(coordination, dict) else {}
        )
        graph = (definition or {}).get("execution_graph") if isinstance(definition, dict) else {}
        nodes = (graph or {}).get("nodes") if isinstance(graph, dict) else []
        steps = []
        for i, node in enumerate(nodes or []):
            if not isinstance(node, dict) or not isinstance(node.get("node_id"), str):
                continue
            name = _dependency_name(node["node_id"], f"workflow steps[{i}]", self)
            said = node.get("description")
            steps.append(
                Dependency(
                    name=name,
                    client_type=camel(name),
                    description=f"{STEP}{name}: {said}"
                    if isinstance(said, str)
                    else f"{STEP}{name}",
                )
            )
        return steps


def _dependency_name(name: str, key: str, reading: _Reading) -> str:
    try:
        return identifier(name.removeprefix("protocol_"), what="dependency")
    except NameError_ as exc:
        raise reading.fail(key, str(exc)) from exc
