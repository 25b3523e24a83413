"""Regeneration benchmark: real omnibase-infra nodes described in words, parsed, and scored.

Run: ``python -m bench.regeneration``. Each prompt in ``bench/data/regeneration_prompts.yaml``
describes a node of the installed omnibase-infra wheel the way a person would ask for it. The
prompt is parsed as the generator parses it, and the facts it kept are compared with the node's
own ``contract.yaml`` (and its input model): node type, operations (``handler_routing``
operations; an orchestrator's workflow steps), input field names, topics (the real topic or its
event name), and dependencies. Prints per-node and total fact recall and precision.

Not counted as facts: the envelope fields every request carries (``correlation_id``,
``operation``, and omnibase-core's generic reducer input), the DI ``container``, configuration
read from the environment, libraries the node imports (an importable distribution), and the
result topic the generator adds by convention when the prompt names none.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.models import NodeSpec
from codegen_assets.core.stages.parsed_prompt import parse_prompt

PROMPTS = Path(__file__).parent / "data" / "regeneration_prompts.yaml"
ENVELOPE = {"correlation_id", "operation"}
GENERIC_REDUCER_INPUT = {
    "data",
    "reduction_type",
    "operation_id",
    "conflict_resolution",
    "streaming_mode",
    "batch_size",
    "window_size_ms",
    "metadata",
    "timestamp",
}
KINDS = ("type", "operations", "inputs", "topics", "dependencies")


def canon(text: str) -> str:
    """snake_case of an identifier, a class name or a topic segment (``Model`` prefix dropped)."""
    text = re.sub(r"^Model(?=[A-Z])", "", text)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def topic_keys(topic: str) -> set[str]:
    """A topic and, for ``onex.<kind>.<producer>.<event>.v<n>``, its event name."""
    parts = topic.split(".")
    keys = {topic.lower()}
    if len(parts) >= 4 and parts[0] == "onex":
        keys.add(canon(parts[-2]))
    return keys


@dataclass
class Facts:
    """The facts of one node, each a set of names."""

    type: set[str] = field(default_factory=set)
    operations: set[str] = field(default_factory=set)
    inputs: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)


def _steps(data: Any) -> list[str]:
    if isinstance(data, dict):
        found = [str(data["node_id"])] if "node_id" in data else []
        return found + [s for v in data.values() for s in _steps(v)]
    if isinstance(data, list):
        return [s for v in data for s in _steps(v)]
    return []


def _input_fields(contract: dict[str, Any]) -> set[str]:
    model = contract.get("input_model")
    if not isinstance(model, dict):
        return set()
    cls = getattr(importlib.import_module(model["module"]), model["name"])
    return set(cls.model_fields) - ENVELOPE - GENERIC_REDUCER_INPUT


def _named_dependency(dep: dict[str, Any]) -> bool:
    name = str(dep.get("name", ""))
    if dep.get("type") == "environment" or name == "container":
        return False
    return not (dep.get("type") == "library" and importlib.util.find_spec(name) is not None)


def real_facts(node_dir: Path) -> Facts:
    """The facts of a real node, from its contract and input model."""
    contract = yaml.safe_load((node_dir / "contract.yaml").read_text("utf-8"))
    routes = (contract.get("handler_routing") or {}).get("handlers") or []
    operations = {str(r["operation"]) for r in routes if r.get("operation")}
    steps = _steps(contract.get("workflow_coordination") or {})
    bus = contract.get("event_bus") or {}
    deps = [d for d in contract.get("dependencies") or [] if _named_dependency(d)]
    return Facts(
        type={str(contract["node_type"]).removesuffix("_GENERIC").lower()},
        operations=set(steps) if steps else operations,
        inputs=_input_fields(contract),
        topics={*(bus.get("subscribe_topics") or []), *(bus.get("publish_topics") or [])},
        dependencies={str(d["name"]) for d in deps},
    )


def parsed_facts(spec: NodeSpec) -> Facts:
    """The facts the parser kept (conventional defaults, such as a result topic, left out); an
    orchestrator's operations are its workflow steps."""
    topics = [t for t in (*spec.subscribe_topics, *spec.publish_topics) if t.source_name]
    steps = {d.name for d in spec.dependencies if d.is_step}
    return Facts(
        type={spec.node_type.value},
        operations=steps or {op.name for op in spec.operations},
        inputs={f.name for op in spec.operations for f in op.inputs},
        topics={t.source_name or t.name for t in topics},
        dependencies={d.name for d in spec.dependencies} - steps,
    )


def _matches(kind: str, real: str, ours: str) -> bool:
    if kind == "topics":
        return bool(topic_keys(real) & topic_keys(ours))
    if kind == "operations":
        return canon(ours) in {canon(real), canon(real.split(".")[-1])}
    return canon(real) == canon(ours)


@dataclass
class Score:
    """Facts found (recall) and facts right (precision), per kind."""

    found: dict[str, tuple[int, int]]  # kind -> (real facts kept, real facts)
    right: dict[str, tuple[int, int]]  # kind -> (our facts that are real, our facts)
    missed: list[str]
    invented: list[str]


def score(real: Facts, ours: Facts) -> Score:
    """Compare ``ours`` with ``real``, kind by kind."""
    found, right, missed, invented = {}, {}, [], []
    for kind in KINDS:
        theirs, mine = getattr(real, kind), getattr(ours, kind)
        kept = [r for r in sorted(theirs) if any(_matches(kind, r, o) for o in mine)]
        true = [o for o in sorted(mine) if any(_matches(kind, r, o) for r in theirs)]
        found[kind] = (len(kept), len(theirs))
        right[kind] = (len(true), len(mine))
        missed += [f"{kind}:{r}" for r in sorted(theirs) if r not in kept]
        invented += [f"{kind}:{o}" for o in sorted(mine) if o not in true]
    return Score(found, right, missed, invented)


def _ratio(pairs: list[tuple[int, int]]) -> float:
    hits, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return hits / total if total else 1.0


def recall(result: Score, kinds: tuple[str, ...] = KINDS) -> float:
    """Share of the real node's facts the prompt's parse kept."""
    return _ratio([result.found[k] for k in kinds])


def precision(result: Score, kinds: tuple[str, ...] = KINDS) -> float:
    """Share of the parse's facts that are the real node's."""
    return _ratio([result.right[k] for k in kinds])


def total(scores: list[Score], kinds: tuple[str, ...] = KINDS) -> tuple[float, float]:
    """Recall and precision over every fact of every node."""
    found = [s.found[k] for s in scores for k in kinds]
    right = [s.right[k] for s in scores for k in kinds]
    return _ratio(found), _ratio(right)


def evaluate() -> list[tuple[dict[str, str], Score]]:
    """Every prompt of the data file, scored against its real node."""
    import omnibase_infra

    nodes = Path(omnibase_infra.__file__).parent / "nodes"
    entries: list[dict[str, str]] = yaml.safe_load(PROMPTS.read_text("utf-8"))
    return [
        (
            entry,
            score(real_facts(nodes / entry["node"]), parsed_facts(parse_prompt(entry["prompt"]))),
        )
        for entry in entries
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list missed and invented facts")
    args = parser.parse_args()
    with logs_to_file("regeneration"):
        results = evaluate()
    table = Table(title=f"regeneration of {len(results)} real omnibase-infra nodes from prompts")
    for column in ("node", "style", "recall", "precision", "missed", "invented"):
        table.add_column(column, justify="left" if column in ("node", "style") else "right")
    for entry, result in results:
        table.add_row(
            entry["node"],
            entry["style"],
            f"{recall(result):.0%}",
            f"{precision(result):.0%}",
            ", ".join(result.missed) if args.details else str(len(result.missed)),
            ", ".join(result.invented) if args.details else str(len(result.invented)),
        )
    console = Console(width=200 if args.details else None)
    heading(console, "regeneration")
    console.print(table)
    totals = Table(title="fact recall and precision by kind")
    for column in ("kind", "recall", "precision"):
        totals.add_column(column, justify="left" if column == "kind" else "right")
    scores = [result for _, result in results]
    for kind in KINDS:
        kind_recall, kind_precision = total(scores, (kind,))
        totals.add_row(kind, f"{kind_recall:.1%}", f"{kind_precision:.1%}")
    all_recall, all_precision = total(scores)
    totals.add_row("total", f"{all_recall:.1%}", f"{all_precision:.1%}")
    console.print(totals)


if __name__ == "__main__":
    main()
