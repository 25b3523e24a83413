"""Model-written business logic, end to end against a real model server.

Run: ``NODEGEN_LLM_MODE=on NODEGEN_LLM_BASE_URL=... NODEGEN_LLM_MODEL=... python -m bench.llm``
(``bench/serve_local_model.sh`` starts a small local one). Each entry of
``bench/data/llm_behaviour.yaml`` is written by the body writer, against acceptance tests the
model never sees: they run in a sandboxed subprocess (bubblewrap where it works), and their
failure lines go back in the repair rounds as validators' messages do. Answers are cached in a
temporary database, so every run asks the model. Prints, per node: passed or the placeholder
kept, answers, repair rounds, tokens and seconds; then the pass rate, medians and what became of
the answers (``--details``: a row per answer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.logic.body_writer import Validate, write_body
from codegen_assets.core.logic.client import ModelClient
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.logic.task import BodyResult, HandlerTask, ValidationFeedback
from codegen_assets.core.model_settings import ModelSettings
from codegen_assets.core.settings import SandboxMode
from codegen_assets.core.validation.runner import execute
from codegen_assets.core.validation.sandbox import Jail, use_bwrap
from codegen_assets.storage.model_answers import AnswerStore
from codegen_assets.storage.model_usage import UsageStore

CORPUS = Path(__file__).resolve().parent / "data" / "llm_behaviour.yaml"
HANDLER = "node/handlers/handler.py"
MAX_LINES = 40


def hidden_test_validator(
    files: dict[str, str],
    tests: dict[str, str],
    *,
    handler_path: str = HANDLER,
    timeout: float = 60.0,
    sandbox: SandboxMode = "auto",
) -> Validate:
    """A ``validate`` that runs ``tests`` against ``files`` plus the handler, in a jail."""
    sandboxed = use_bwrap(sandbox)

    def validate(handler_source: str) -> ValidationFeedback:
        with tempfile.TemporaryDirectory(prefix="nodegen-llm-") as tmp:
            root = Path(tmp)
            for path, text in {**files, handler_path: handler_source, **tests}.items():
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_text(text, encoding="utf-8")
            argv = [sys.executable, "-m", "pytest", "-q", "--tb=line", "-p", "no:cacheprovider"]
            argv += ["-o", "addopts=", *sorted(tests)]
            passed, output = execute(argv, root, timeout, Jail(root=root, sandboxed=sandboxed))
        return ValidationFeedback(passed=passed, messages=failure_lines(output, tmp))

    return validate


def failure_lines(output: str, root: str) -> list[str]:
    """What pytest said went wrong, without the progress dots, paths relative to the node."""
    lines = [line.replace(root + "/", "") for line in output.splitlines()]
    kept = [
        line
        for line in lines
        if line.strip()
        and not set(line.strip()) <= set(".FEsx% []0123456789")
        and not line.startswith("====")
    ]
    return kept[-MAX_LINES:]


def task_for(entry: dict[str, Any]) -> HandlerTask:
    """The body writer's task for one corpus entry (its tests left out: they are hidden)."""
    return HandlerTask(
        node_type=entry["node_type"],
        node_name=entry["name"],
        operation="handle",
        handler_path=HANDLER,
        handler_source=entry["handler"],
        node_package="node",
        models={"node/models.py": entry["models"]},
        prompt=entry["prompt"],
    )


def package_files(entry: dict[str, Any]) -> dict[str, str]:
    """The node's files besides its handler."""
    return {
        "node/__init__.py": "",
        "node/handlers/__init__.py": "",
        "node/models.py": entry["models"],
        "tests/__init__.py": "",
    }


def run(entries: list[dict[str, Any]], settings: ModelSettings, db: Path) -> list[BodyResult]:
    """Write each entry's handler body; one result per entry."""
    results = []
    with ModelClient(settings) as client:
        gateway = ModelGateway(
            settings,
            client=client,
            cache=AnswerStore(db),
            ledger=UsageStore(db),
            account="bench",
        )
        for entry in entries:
            validate = hidden_test_validator(
                package_files(entry), {"tests/test_hidden.py": entry["tests"]}
            )
            results.append(write_body(task_for(entry), gateway, validate))
    return results


def table(entries: list[dict[str, Any]], results: list[BodyResult]) -> Table:
    """One row per node."""
    out = Table(title="model-written handler bodies (hidden acceptance tests)")
    for column in ("node", "kind", "result", "answers", "repairs", "tokens in/out", "seconds"):
        out.add_column(column)
    for entry, result in zip(entries, results, strict=True):
        last = result.attempts[-1].outcome if result.attempts else "not asked"
        out.add_row(
            entry["name"],
            entry["kind"],
            "passed" if result.written else f"placeholder ({last})",
            str(len(result.attempts)),
            str(result.repair_rounds),
            f"{result.usage.input_tokens}/{result.usage.output_tokens}",
            f"{result.seconds:.1f}",
        )
    return out


def details(entries: list[dict[str, Any]], results: list[BodyResult]) -> Table:
    """One row per answer: its outcome and the first thing said about it."""
    out = Table(title="every answer")
    for column in ("node", "round", "outcome", "tokens in/out", "first reason"):
        out.add_column(column)
    for entry, result in zip(entries, results, strict=True):
        for attempt in result.attempts:
            why = next(iter([*attempt.reasons, *attempt.validator_messages]), "")
            out.add_row(
                entry["name"],
                str(attempt.round),
                attempt.outcome,
                f"{attempt.input_tokens}/{attempt.output_tokens}",
                why[:90],
            )
    return out


def summary(settings: ModelSettings, results: list[BodyResult]) -> str:
    """The lines under the table."""
    passed = sum(r.written for r in results)
    tokens = [r.usage.tokens for r in results]
    cost = sum(r.usage.cost for r in results)
    outcomes = Counter(a.outcome for r in results for a in r.attempts)
    return (
        f"{settings.provider} {settings.model!r} at {settings.url}: {passed}/{len(results)} "
        f"passed; median {statistics.median(r.seconds for r in results):.1f} s and "
        f"{statistics.median(tokens):.0f} tokens per node; {sum(tokens)} tokens"
        + (f", cost {cost:.4f}" if cost else "")
        + "\nanswers: "
        + ", ".join(f"{n} {outcome}" for outcome, n in outcomes.most_common())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--only", action="append", default=[], help="entry names to run")
    parser.add_argument("--details", action="store_true", help="a row per answer too")
    args = parser.parse_args()
    settings = ModelSettings().model_copy(update={"mode": "on"}).check()
    entries = yaml.safe_load(args.corpus.read_text(encoding="utf-8"))
    entries = [e for e in entries if not args.only or e["name"] in args.only]
    console = Console(width=160)
    with tempfile.TemporaryDirectory() as tmp, logs_to_file("llm"):
        started = time.monotonic()
        results = run(entries, settings, Path(tmp) / "bench.sqlite3")
        elapsed = time.monotonic() - started
    heading(console, "llm")
    console.print(table(entries, results))
    if args.details:
        console.print(details(entries, results))
    console.print(summary(settings, results) + f"; {elapsed:.0f} s in all", highlight=False)


if __name__ == "__main__":
    main()
