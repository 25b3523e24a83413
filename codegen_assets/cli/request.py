"""The request a generation reads: a prompt, a spec file or an ONEX contract's spec file, its
options, checked before any run exists; read by the rules or, when configured, by a model; and in
replay mode the model's answers a node's lock records.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.models import GenerationOptions, NodeSpec, NodeType, StyleConfig, Target
from codegen_assets.core.rendering.provenance import lock_path, read_lock
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.contract import (
    ContractError,
    contract_spec,
    contract_text_spec,
)
from codegen_assets.core.understanding.line_reader.text import PromptError, decode_prompt
from codegen_assets.core.validation.onex_oracle import require_omnibase_core


def _request_text(args: argparse.Namespace) -> str:
    """The request: the prompt, a spec file, or the spec file of an ONEX contract."""
    sources = [s for s in (args.prompt, args.spec, args.from_contract) if s is not None]
    if len(sources) != 1:
        raise PromptError("give exactly one of: a PROMPT, --spec FILE, --from-contract CONTRACT")
    if args.output_dir is None and not args.explain:
        raise PromptError("--output-dir is required (or --explain to see what was understood)")
    if args.from_contract is not None:
        return _contract_text(args.from_contract)
    given = args.prompt if args.prompt is not None else args.spec
    if given != "-" and args.spec is None:
        return str(given)
    if given == "-":
        try:
            return decode_prompt(sys.stdin.buffer.read())
        except PromptError as exc:
            raise PromptError(f"standard input: {exc}") from exc
    try:
        return decode_prompt(Path(given).read_bytes())
    except OSError as exc:
        raise PromptError(f"--spec {given}: {exc.strerror}") from exc


def _contract_text(given: str) -> str:
    """The spec file of the contract at ``given`` (- for stdin)."""
    try:
        if given == "-":
            try:
                text = decode_prompt(sys.stdin.buffer.read())
            except PromptError as exc:
                raise PromptError(f"standard input: {exc}") from exc
            return contract_text_spec(text, "standard input")
        return contract_spec(Path(given))
    except ContractError as exc:
        raise PromptError(f"--from-contract {exc}") from exc


def checked_request(args: argparse.Namespace) -> tuple[str, GenerationOptions, NodeSpec]:
    """The prompt and options, checked before any run exists (PromptError, OnexUnavailable)."""
    prompt = _request_text(args)
    try:
        options = GenerationOptions(
            node_type=NodeType(args.node_type) if args.node_type else None,
            name=args.name,
            enable_intelligence=not args.disable_intelligence,
            target=Target(args.target),
            package=args.package,
            copyright_holder=args.copyright,
            license=args.license,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise PromptError(f"invalid option: {problems}") from exc
    choice = ModelChoice(mode=args.llm) if args.llm else None
    spec = read_request(prompt, options, None, choice)  # pre-flight: a bad prompt starts no run
    if options.target is Target.ONEX:
        require_omnibase_core()
    if args.timeout <= 0:
        raise PromptError(f"--timeout must be positive, got {args.timeout:g}")
    return prompt, options, spec


def read_request(
    prompt: str,
    options: GenerationOptions,
    style: StyleConfig | None = None,
    choice: ModelChoice | None = None,
) -> NodeSpec:
    """The request as the run reads it: by the rules, or by the model when ``NODEGEN_LLM_MODE``
    is on or replay (and ``--llm``, the ``choice``, is not off) and its reading is at least as
    good (its answer cached in the home's database, where the run finds it). Off, nothing of
    the model is loaded."""
    from codegen_assets.core.model_settings import ModelSettings

    try:
        enabled = ModelSettings().enabled and not (choice is not None and choice.mode == "off")
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise PromptError(f"NODEGEN_LLM_{where.upper()}: {problem['msg']}") from None
    if not enabled:
        return parse_prompt(prompt, options, style)
    from codegen_assets.core.stages.read_prompt import read_prompt
    from codegen_assets.storage.model_gateway import reading_gateway

    database = NodegenSettings().artifact_db
    with reading_gateway(database, "cli", choice=choice) as (gateway, note):
        return read_prompt(prompt, options, style, gateway=gateway, note=note)


def model_mode(args: argparse.Namespace) -> str:
    """The model's mode for this command: ``--llm``, else ``NODEGEN_LLM_MODE`` (off)."""
    return str(args.llm or os.environ.get("NODEGEN_LLM_MODE", "off"))


def recorded_answers(
    args: argparse.Namespace, spec: NodeSpec
) -> tuple[ModelChoice | None, dict[str, Any] | None]:
    """The ``--llm`` choice, and in mode replay the model's answers that the node's
    ``nodegen.lock`` in the output directory records (a PromptError naming the file when it
    records none)."""
    choice = ModelChoice(mode=args.llm) if args.llm else None
    if model_mode(args) != "replay" or args.output_dir is None:
        return choice, None
    path = args.output_dir / lock_path(spec)
    try:
        lock = read_lock(path.read_text("utf-8"))
    except FileNotFoundError:
        raise PromptError(f"--llm replay: there is no {path} to replay") from None
    except (OSError, ValueError) as exc:
        raise PromptError(f"--llm replay: {path} cannot be read: {exc}") from None
    if not lock.model or not lock.model.get("answers"):
        raise PromptError(
            f"--llm replay: {path} records no answer of a model (generate with --llm on first)"
        )
    return choice, lock.model
