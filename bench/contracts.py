"""Contract-first benchmark: every node of the installed omnibase-infra wheel regenerated from
its own ``contract.yaml``, and the facts the regenerated contract keeps.

Run: ``python -m bench.contracts [--validate] [--limit N] [--only NAME ...]``. Each contract is
read as ``omninode-generate --from-contract`` reads it (fields from the models beside it), the
node's files are rendered by the stages a run uses, and the regenerated ``contract.yaml`` is
compared with the original, read here on its own:

- name and node type, as written;
- subscribe and publish topics: those of ``event_bus`` (``subscribe_topics``/``publish_topics``,
  or ``subscribe``/``publish`` lists) and of ``consumed_events``/``published_events``. ✓ every
  one kept as written, ≈ every one kept but some only under a canonical ONEX name (the written
  one in ``config.topic_sources``), ✗ one lost. ``added`` counts topics the regeneration has
  and the contract has not (a generated node gives each operation a command topic and each
  result event a topic when the contract names none);
- handler classes: the set of ``handler_routing`` (or top-level ``handler``) class names;
- with ``--validate``: the node's full validation (about 20 s a node on 2 cores), whether the
  ecosystem's scored gates pass, and every check that counts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.models import FileSet, GenerationOptions
from codegen_assets.core.validation.settings import ValidationSettings

FACTS = ("name", "type", "subscribe", "publish", "handlers")


@dataclass
class Outcome:
    """What one contract's regeneration kept."""

    node: str
    kept: dict[str, str] = field(default_factory=dict)  # fact -> ✓ / ≈ / ✗ / -
    added: int = 0
    error: str = ""
    gates: str = ""  # ✓ / ✗ / "" (not validated)
    checks: str = ""  # ✓ / failed check names
    seconds: float = 0.0
    lost: list[str] = field(default_factory=list)

    @property
    def every_fact(self) -> bool:
        """Every fact kept (as written or under a canonical topic name)."""
        return not self.error and all(v in ("✓", "≈", "-") for v in self.kept.values())


def _topics(data: dict[str, Any], side: str, events: str) -> list[str]:
    bus = data.get("event_bus") or {}
    found: list[str] = []
    for items in (bus.get(f"{side}_topics"), bus.get(side), data.get(events)):
        for item in items or []:
            topic = item.get("topic") if isinstance(item, dict) else item
            if isinstance(topic, str):
                found.append(topic.strip())
    return list(dict.fromkeys(found))


def _handlers(data: dict[str, Any]) -> set[str]:
    routing = data.get("handler_routing") or {}
    names = {
        str(e["handler"]["name"])
        for e in routing.get("handlers") or []
        if isinstance(e, dict) and isinstance(e.get("handler"), dict)
    }
    single = data.get("handler")
    if not names and isinstance(single, dict) and single.get("class"):
        names.add(str(single["class"]))
    return names


def compare(original: dict[str, Any], regenerated: dict[str, Any], outcome: Outcome) -> None:
    """Fill ``outcome.kept`` and ``outcome.added`` from the two contracts."""
    outcome.kept["name"] = "✓" if original.get("name") == regenerated.get("name") else "✗"
    outcome.kept["type"] = "✓" if original.get("node_type") == regenerated.get("node_type") else "✗"
    sources = (regenerated.get("config") or {}).get("topic_sources") or {}
    renamed = set(sources.values())
    added = 0
    for side, events in (("subscribe", "consumed_events"), ("publish", "published_events")):
        mine = list((regenerated.get("event_bus") or {}).get(f"{side}_topics") or [])
        theirs = _topics(original, side, events)
        lost = [t for t in theirs if t not in mine and t not in renamed]
        outcome.lost += [f"{side}:{t}" for t in lost]
        if lost:
            outcome.kept[side] = "✗"
        elif not theirs:
            outcome.kept[side] = "-"
        else:
            outcome.kept[side] = "✓" if all(t in mine for t in theirs) else "≈"
        canonical_of_theirs = {n for n, s in sources.items() if s in theirs}
        added += len([t for t in mine if t not in theirs and t not in canonical_of_theirs])
    outcome.added = added
    theirs_handlers = _handlers(original)
    mine_handlers = {
        e["handler"]["name"] for e in (regenerated.get("handler_routing") or {})["handlers"]
    }
    if not theirs_handlers:
        outcome.kept["handlers"] = "-"
    else:
        outcome.kept["handlers"] = "✓" if mine_handlers == theirs_handlers else "✗"
        if mine_handlers != theirs_handlers:
            outcome.lost += [f"handler:{h}" for h in sorted(theirs_handlers ^ mine_handlers)]


def regenerate(contract: Path, validate: bool, mypy_cache: Path | None) -> Outcome:
    """Read ``contract``, render its node, compare, and (``validate``) validate it."""
    from codegen_assets.core.pipeline import stage_outputs
    from codegen_assets.core.understanding.contract import ContractError, contract_spec

    outcome = Outcome(contract.parent.name)
    started = time.perf_counter()
    original = yaml.safe_load(contract.read_text("utf-8"))
    try:
        spec_text = contract_spec(contract)
        _, _, files = stage_outputs(spec_text, GenerationOptions(enable_intelligence=False))
    except (ContractError, ValueError) as exc:
        outcome.error = str(exc).splitlines()[0][:200]
        return outcome
    generated = next(text for name, text in files.files.items() if name.endswith("contract.yaml"))
    compare(original, yaml.safe_load(generated), outcome)
    if validate and mypy_cache is not None:
        _validate(files, outcome, mypy_cache)
    outcome.seconds = time.perf_counter() - started
    print(f"{outcome.node}: {outcome.seconds:.1f} s {outcome.gates}", file=sys.stderr, flush=True)
    return outcome


def _validate(files: FileSet, outcome: Outcome, mypy_cache: Path) -> None:
    from codegen_assets.core.stages.validation_report import validate_files
    from codegen_assets.core.validation.checks import SCORED_GATES

    report = validate_files(
        files, ValidationSettings(timeout=300, mypy_cache=mypy_cache, warm=True)
    )
    gates = [c for c in report.checks if c.name in SCORED_GATES]
    failed_gates = [c.name for c in gates if not c.passed]
    outcome.gates = "✓" if not failed_gates else "✗ " + ", ".join(failed_gates)
    outcome.checks = "✓" if report.passed else "✗ " + ", ".join(report.failed)


def contracts(only: list[str], limit: int | None) -> list[Path]:
    """The wheel's node contracts (``--only`` names, the first ``--limit``), by name."""
    import omnibase_infra

    nodes = Path(omnibase_infra.__file__).parent / "nodes"
    found = sorted(nodes.glob("*/contract.yaml"))
    if only:
        found = [p for p in found if p.parent.name in only]
    return found[:limit] if limit else found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true", help="validate each regenerated node")
    parser.add_argument("--limit", type=int, help="only the first N contracts (by name)")
    parser.add_argument("--every", type=int, default=1, help="every Nth contract (a sample)")
    parser.add_argument("--only", nargs="*", default=[], help="only these nodes")
    parser.add_argument("--details", action="store_true", help="list what was lost")
    args = parser.parse_args()
    paths = contracts(args.only, args.limit)[:: args.every]
    with logs_to_file("contracts"):
        mypy_cache = None
        if args.validate:
            from codegen_assets.core.settings import NodegenSettings

            mypy_cache = NodegenSettings().mypy_cache
        with tempfile.TemporaryDirectory():
            outcomes = [regenerate(p, args.validate, mypy_cache) for p in paths]
    console = Console(width=220 if args.details else 160)
    heading(console, "contracts")
    console.print(_table(outcomes, args.validate, args.details))
    console.print(_totals(outcomes, args.validate))


def _table(outcomes: list[Outcome], validate: bool, details: bool) -> Table:
    table = Table(title=f"{len(outcomes)} omnibase-infra nodes regenerated from their contracts")
    columns = ["node", *FACTS, "added"]
    if validate:
        columns += ["gates", "checks"]
    if details:
        columns.append("lost / error")
    for column in columns:
        table.add_column(column, justify="left" if column in ("node", "lost / error") else "center")
    for o in outcomes:
        row = [o.node, *(o.kept.get(f, "✗") for f in FACTS), str(o.added)]
        if validate:
            row += [o.gates or "✗", o.checks or "✗"]
        if details:
            row.append(o.error or ", ".join(o.lost))
        table.add_row(*row)
    return table


def _totals(outcomes: list[Outcome], validate: bool) -> Table:
    table = Table(title="totals")
    table.add_column("", justify="left")
    table.add_column("nodes", justify="right")
    count = len(outcomes)

    def share(n: int) -> str:
        return f"{n}/{count} ({n / count:.0%})" if count else "0/0"

    table.add_row("read and rendered", share(sum(not o.error for o in outcomes)))
    for fact in FACTS:
        kept = sum(o.kept.get(fact) in ("✓", "≈", "-") for o in outcomes)
        table.add_row(f"{fact} kept", share(kept))
    table.add_row("every fact kept", share(sum(o.every_fact for o in outcomes)))
    table.add_row("no topic added", share(sum(o.added == 0 and not o.error for o in outcomes)))
    if validate:
        table.add_row("gates pass", share(sum(o.gates == "✓" for o in outcomes)))
        table.add_row("every check passes", share(sum(o.checks == "✓" for o in outcomes)))
        timed = [o.seconds for o in outcomes if o.seconds]
        if timed:
            table.add_row("median seconds a node", f"{statistics.median(timed):.1f}")
    return table


if __name__ == "__main__":
    main()
