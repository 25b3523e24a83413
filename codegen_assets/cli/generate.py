"""``omninode-generate``: generate a node in-process, or recover code kept in the artifact store."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from codegen_assets.cli.request import checked_request, model_mode, read_request, recorded_answers
from codegen_assets.cli.validators import validate_ahead_of_run, warm_validators
from codegen_assets.core.logs import configure_logging
from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.models import (
    DEFAULT_COPYRIGHT,
    GenerationOptions,
    GenerationResult,
    NodeSpec,
    NodeType,
    StyleConfig,
    Target,
)
from codegen_assets.core.settings import DEFINITIONS, NodegenSettings
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.core.understanding.understood import understood_rows
from codegen_assets.core.validation.onex_oracle import OnexUnavailable
from codegen_assets.core.validation.style import StyleConfigError, find_config

if TYPE_CHECKING:  # Dagster loads after the first line is printed
    from codegen_assets.orchestration.embedded import EmbeddedRunner

EXIT_OK, EXIT_VALIDATION, EXIT_PARTIAL, EXIT_INPUT, EXIT_TIMEOUT, EXIT_ERROR = 0, 1, 2, 3, 4, 5
_EXIT_BY_CODE = {
    "VALIDATION_FAILED": EXIT_VALIDATION,
    "WRITE_FAILED": EXIT_PARTIAL,
    "INVALID_PROMPT": EXIT_INPUT,
    "TIMEOUT": EXIT_TIMEOUT,
}


def _generate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omninode-generate",
        description="Generate a validated ONEX v2.0 node from a plain-language prompt. "
        "Runs the Dagster asset graph in-process: no servers needed. "
        "`omninode-generate recover WORKFLOW_ID --output-dir DIR` restores code that could not "
        "be written; `omninode-generate stop-validators` ends the validators' kept interpreter; "
        "`omninode-generate prune [--dry-run]` removes old runs from the home; "
        "`omninode-generate migrate` upgrades the databases' schema.",
    )
    parser.add_argument(
        "prompt", nargs="?", help="what the node should do (use - to read it from stdin)"
    )
    parser.add_argument(
        "--spec",
        metavar="FILE",
        help="generate exactly the node a spec file describes (- for stdin); see --explain",
    )
    parser.add_argument(
        "--from-contract",
        metavar="CONTRACT",
        help="generate from an ONEX contract.yaml (today's infra dialect; fields from the models "
        "beside it); - for stdin; see --explain",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print what was understood, as an editable spec file (YAML), and generate nothing",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        help="the root to write into: the node package goes to <package path>/node_<name>/, "
        "its tests to tests/unit/nodes/node_<name>/ (required unless --explain)",
    )
    parser.add_argument(
        "--package",
        default="",
        help="dotted package that holds the node (default: none, a top-level package)",
    )
    parser.add_argument(
        "--copyright",
        default=DEFAULT_COPYRIGHT,
        help=f"copyright holder in the SPDX headers (default: {DEFAULT_COPYRIGHT})",
    )
    parser.add_argument("--license", default="MIT", help="SPDX license identifier (default MIT)")
    parser.add_argument(
        "--node-type", choices=[t.value for t in NodeType], help="override inference"
    )
    parser.add_argument("--name", help="node name (sanitised to a Python identifier)")
    parser.add_argument(
        "--target",
        choices=[t.value for t in Target],
        default=Target.ONEX.value,
        help="onex: omnibase-core base classes (needs the [onex] extra); standalone: pydantic only",
    )
    parser.add_argument(
        "--disable-intelligence", action="store_true", help="skip pattern retrieval"
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds before the run is stopped"
    )
    parser.add_argument(
        "--llm",
        choices=["off", "on", "replay"],
        help="a model writes the compute handlers the prompt does not say enough to derive: on "
        "(asks NODEGEN_LLM_MODEL), replay (gives again the answers the node's nodegen.lock "
        "records, asking nothing), off (default: NODEGEN_LLM_MODE, itself off by default)",
    )
    parser.add_argument("--correlation-id", help="correlation id to carry (default: a new UUID)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON result object")
    return parser


def _recover_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omninode-generate recover",
        description="Write code kept in the artifact store (after a failed write) to a directory.",
    )
    parser.add_argument("workflow_id")
    parser.add_argument("--output-dir", required=True, type=Path)
    return parser


def _prune_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omninode-generate prune",
        description="Remove what the home keeps beyond NODEGEN_KEEP_RUNS runs and "
        "NODEGEN_KEEP_DAYS days (never anything not yet delivered, nor the newest run of each "
        "node); print what was removed and the home's size before and after.",
    )
    parser.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    return parser


def _print_understood(console: Console, spec: NodeSpec) -> None:
    table = Table(title="understood from the prompt", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for fact, value in understood_rows(spec):
        table.add_row(fact, value)
    console.print(table)
    for reason in spec.review:
        console.print(f"[red]needs review:[/] {reason}", highlight=False)


def process_age() -> float | None:
    """Seconds since this process started (from /proc on Linux; None elsewhere)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return round(uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError):
        return None


def ui_command(settings: NodegenSettings) -> str:
    """The command that opens this home's runs in the Dagster UI, as it can be pasted into a new
    shell: ``dagster`` by its path beside this interpreter (a fresh clone's ``.venv/bin`` is not
    on the PATH)."""
    installed = Path(sys.executable).parent / "dagster"
    dagster = str(installed) if installed.is_file() else "dagster"
    return (
        f"NODEGEN_HOME={shlex.quote(str(settings.home))} "
        f"DAGSTER_HOME={shlex.quote(str(settings.dagster_home))} "
        f"{shlex.quote(dagster)} dev -f {shlex.quote(str(DEFINITIONS))}"
    )


def _print_result(console: Console, result: GenerationResult) -> None:
    mark = "[green]✓ generated[/]" if result.success else "[red]✗ generation failed[/]"
    console.print(f"{mark} {result.service_name or ''} ({result.node_type or 'unknown type'})")
    console.print(f"  workflow id    {result.workflow_id}")
    console.print(f"  correlation id {result.correlation_id}")
    console.print(f"  quality score  {result.quality_score:.3f}")
    console.print(
        f"  files          {len(result.generated_files)} ({result.test_file_count} tests)"
    )
    console.print(f"  duration       {result.total_duration_seconds:.2f} s (the whole command)")
    for line in result.handlers:
        style = "red" if ": to write" in line else "green"
        console.print(f"  [{style}]handler[/] {line}", highlight=False, soft_wrap=True)
    if result.model_usage is not None:
        usage = result.model_usage
        console.print(f"  model          {usage.summary()}", highlight=False, soft_wrap=True)
        for handler in usage.handlers:
            outcomes = ", ".join(a.outcome for a in handler.attempts) or "not asked"
            console.print(
                f"    {handler.operation}: {handler.reason} ({outcomes})",
                highlight=False,
                soft_wrap=True,
            )
    for warning in result.warnings:
        console.print(f"  [yellow]warning[/] {warning}", highlight=False, soft_wrap=True)
    if result.error_message:
        console.print(
            f"  [red]{result.error_code}[/] {result.error_message}", highlight=False, soft_wrap=True
        )


def _input_error(
    args: argparse.Namespace, console: Console, message: str, code: str = "INVALID_PROMPT"
) -> int:
    if args.json:
        print(
            GenerationResult(
                success=False,
                workflow_id="",
                correlation_id=args.correlation_id or "",
                total_duration_seconds=0.0,
                needs_review=True,
                error_code=code,
                error_message=message,
            ).model_dump_json()
        )
    else:
        console.print(f"[red]error:[/] {message}", highlight=False)
    return EXIT_INPUT


def _existing(path: Path) -> Path:
    """``path``, or its nearest ancestor that exists (where the repository's config is found)."""
    return next(p for p in (path, *path.parents) if p.is_dir())


def _explain(
    prompt: str,
    options: GenerationOptions,
    style: StyleConfig | None,
    choice: ModelChoice | None,
) -> int:
    """Print what was understood as the editable spec file."""
    from codegen_assets.core.understanding.spec_file import dump_spec

    print(dump_spec(read_request(prompt, options, style, choice)), end="")
    return EXIT_OK


Checked = tuple[
    str,
    GenerationOptions,
    NodeSpec,
    StyleConfig | None,
    tuple[ModelChoice | None, dict[str, Any] | None],
]


def _preflight(args: argparse.Namespace, console: Console) -> Checked | int:
    """The request and the target's ruff configuration, or the exit code of a clear error (or
    of ``--explain``, which prints the spec and generates nothing)."""
    try:
        prompt, options, spec = checked_request(args)
        output = args.output_dir.absolute() if args.output_dir is not None else None
        style = find_config(_existing(output)) if output is not None else None
        llm = recorded_answers(args, spec)
    except (PromptError, OnexUnavailable) as exc:
        return _input_error(args, console, str(exc))
    except StyleConfigError as exc:
        return _input_error(args, console, str(exc), "INVALID_CONFIG")
    if args.explain:  # what was understood is the whole answer
        return _explain(prompt, options, style, llm[0])
    return prompt, options, spec, style, llm


def generate(argv: list[str], called_at: float | None = None) -> int:
    """Run one generation; returns the exit code. Its duration is the process's age, or the time
    since ``called_at`` (``time.monotonic()``) when it runs inside a longer-lived process."""
    args = _generate_parser().parse_args(argv)
    console = Console(file=sys.stderr)
    checked = _preflight(args, console)
    if isinstance(checked, int):
        return checked
    prompt, options, spec, style, (llm, model_lock) = checked
    if not args.json:  # the first thing a person sees, before Dagster is loaded
        _print_understood(Console(), spec)
        console.print(f"generating [bold]{spec.name}[/] ({spec.node_type.value})…", highlight=False)
    settings = NodegenSettings()
    warm_validators(settings)
    validate_ahead_of_run(settings, prompt, options, style, model_mode(args))
    # Dagster, SQLAlchemy and the stages load only after the cheap checks and the first line.
    from codegen_assets.core.pipeline import STAGES
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    configure_logging(settings.log_format, settings.log_level)
    runner = EmbeddedRunner(settings)
    request = runner.submit(
        prompt,
        options,
        args.output_dir,
        args.correlation_id,
        style,
        name=spec.name,
        llm=llm,
        model_lock=model_lock,
    )
    bar = console.is_terminal and not args.json
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        disable=not bar,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task("starting", total=len(STAGES))

        def on_stage(stage: str, status: str, _timestamp: float) -> None:
            if args.json:
                return
            if status == "started":
                progress.update(task, description=f"[cyan]{stage}[/]")
            elif status == "completed":
                progress.advance(task)
                progress.console.print(f"  [green]✓[/] {stage}", highlight=False)
            else:
                progress.console.print(f"  [red]✗[/] {stage}", highlight=False)

        result = runner.run(request, timeout=args.timeout, on_stage=on_stage)
    whole = process_age() if called_at is None else round(time.monotonic() - called_at, 2)
    if whole is not None:
        result = result.model_copy(update={"total_duration_seconds": whole})
    if args.json:
        print(result.model_dump_json())
    else:
        out = Console()
        _print_result(out, result)
        out.print(f"  this run in the Dagster UI: {ui_command(settings)}", soft_wrap=True)
        out.print(f"    then open http://127.0.0.1:3000/runs/{result.run_id}", highlight=False)
    sys.stdout.flush()
    after_result(runner, result)
    if result.success:
        return EXIT_OK
    return _EXIT_BY_CODE.get(result.error_code or "", EXIT_ERROR)


def after_result(runner: EmbeddedRunner, result: GenerationResult) -> None:
    """Once the result is printed: kept code is marked as told (its expiry starts now), the
    home is pruned if it holds more than the window allows, and the instance's databases are
    closed (their write-ahead logs checkpointed). Nothing here changes the exit code."""
    from codegen_assets.orchestration.retention import prune_after_run
    from codegen_assets.storage.retention import RetentionSettings

    try:
        if result.generated_code_in_database:
            runner.store.mark_told(result.workflow_id, RetentionSettings().keep_days)
        prune_after_run(runner.instance, runner.settings)
    except Exception:  # the generation is done and reported; pruning waits for the next one
        logging.getLogger(__name__).warning("pruning the home failed", exc_info=True)
    finally:
        runner.store.engine.dispose()
        runner.instance.dispose()


def prune_command(argv: list[str]) -> int:
    """Prune the home now; returns the exit code."""
    args = _prune_parser().parse_args(argv)
    settings = NodegenSettings()
    if settings.database_url:
        print(
            "error: NODEGEN_DATABASE_URL is set: a deployment is pruned by its prune_history "
            "job (Dagster UI, or `dagster job launch -j prune_history`), not from a home",
            file=sys.stderr,
        )
        return EXIT_INPUT
    from codegen_assets.orchestration.embedded import open_instance
    from codegen_assets.orchestration.retention import State, prune
    from codegen_assets.storage.retention import RetentionSettings

    instance = open_instance(settings)
    try:
        report = prune(instance, State.of_home(settings), RetentionSettings(), dry_run=args.dry_run)
    finally:
        instance.dispose()
    for line in report.lines():
        print(line)
    return EXIT_OK


def migrate_command(argv: list[str]) -> int:
    """Upgrade the configured databases' schema; returns the exit code."""
    argparse.ArgumentParser(
        prog="omninode-generate migrate",
        description="Bring onex-nodegen's tables to this version's schema (NODEGEN_DATABASE_URL, "
        "or the SQLite files in the home); the deployment's pre-upgrade hook runs it.",
    ).parse_args(argv)
    from codegen_assets.storage.db import engine_for
    from codegen_assets.storage.migrate import upgrade

    settings = NodegenSettings()
    locations = dict.fromkeys([settings.artifact_db, settings.queue_db, settings.outbox_db])
    for location in locations:
        if not settings.database_url and not Path(location).is_file():
            continue  # a home's file that was never written needs no upgrade
        done = upgrade(engine_for(location))
        state = f"{done.before or 'none'} → {done.after}" if done.changed else done.after
        print(f"{done.database}: {state}")
    return EXIT_OK


def recover_command(argv: list[str]) -> int:
    """Restore kept code; returns the exit code."""
    from codegen_assets.storage.artifacts import ArtifactStore, UnknownArtifactError

    args = _recover_parser().parse_args(argv)
    store = ArtifactStore(NodegenSettings().artifact_db)
    try:
        written = store.restore(args.workflow_id, args.output_dir)
    except UnknownArtifactError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"error: could not write to {args.output_dir}: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    print(f"restored {len(written)} files to {args.output_dir}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``omninode-generate``."""
    called_at = None if argv is None else time.monotonic()  # not the process's own command
    argv = sys.argv[1:] if argv is None else argv
    commands = {"recover": recover_command, "prune": prune_command, "migrate": migrate_command}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    if argv == ["stop-validators"]:
        return stop_validators()
    return generate(argv, called_at)


def stop_validators() -> int:
    """Stop the validators' kept interpreters now (they otherwise end by themselves after
    ``NODEGEN_WARM_VALIDATORS_KEEP_SECONDS`` unused)."""
    from codegen_assets.core.validation.warm_python import stop_shared

    stopped = stop_shared(NodegenSettings().mypy_cache)
    for directory in stopped:
        print(f"stopped the validators' interpreter in {directory}")
    if not stopped:
        print("no validators' interpreter was running")
    return EXIT_OK


def console() -> None:
    """The ``omninode-generate`` command: ``main()``, its exit handlers (the warm interpreter is
    stopped and its directory removed, logs flushed), then the process ends at once. Tearing
    down the modules of Dagster, pydantic and omnibase would add about a second after the
    summary, which reports the whole command's duration."""
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
