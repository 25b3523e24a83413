"""Understanding benchmark: how many of a corpus's stated facts the prompt reader keeps.

Run: ``python -m bench.understanding [--corpus FILE] [--lost] [--model]``.

``--model`` reads each prompt as a run with a model configured does (``read_prompt``): the model
that ``NODEGEN_LLM_*`` names is asked (answers cached in a temporary database, so every run
asks), and its reading is used where it passes its checks and accounts for at least as much of
the prompt as the rules'. The table then also counts the prompts read by the model and those
whose model reading was refused, and the model's requests, tokens and seconds.

A corpus entry (``tests/data/heldout_corpus.yaml``) lists, under ``expect``, only what its prompt
states: operations with their input and output fields, nested models, dependencies, topics and
the node's name. Each field's type is written in a small grammar (``decimal{ge=0}``,
``list[LineItem]?``, ``enum[a,b]``). A fact is *kept* when the spec has it exactly: same name,
same type (nested models compared by their fields, whatever they are called), same bounds, same
optionality. A prompt is *understood* when every one of its facts is kept.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.logic.gateway import ModelGateway, UsageTotals
from codegen_assets.core.model_settings import ModelConfigError, ModelSettings
from codegen_assets.core.models import NodeSpec
from codegen_assets.core.naming import snake
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.read_prompt import read_prompt
from codegen_assets.core.understanding.line_reader.text import PromptError

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

_TYPE = re.compile(r"^(?P<base>[A-Za-z_][\w]*(?:\[.*\])?)(?P<bounds>\{[^{}]*\})?(?P<opt>\?)?$")


def _split_args(text: str) -> list[str]:
    """``a,b[c,d],e`` -> ``[a, b[c,d], e]`` (commas inside brackets kept)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += (char == "[") - (char == "]")
        current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def canonical_type(spec: str, models: dict[str, dict[str, str]]) -> str:
    """One written type as a comparable string: nested models by their sorted fields."""
    found = _TYPE.match(spec.replace(" ", ""))
    if found is None:
        raise ValueError(f"not a type spec: {spec!r}")
    base, bounds, optional = found["base"], found["bounds"] or "", found["opt"] or ""
    if bounds:
        items = sorted(_split_args(bounds[1:-1]))
        bounds = "{" + ",".join(items) + "}"
    if base.startswith("list[") and base.endswith("]"):
        base = f"list[{canonical_type(base[5:-1], models)}]"
    elif base.startswith("enum[") and base.endswith("]"):
        base = "enum[" + ",".join(sorted(v.strip().lower() for v in _split_args(base[5:-1]))) + "]"
    elif base in models:
        inner = ",".join(
            f"{k}:{canonical_type(v, models)}" for k, v in sorted(models[base].items())
        )
        base = "{" + inner + "}"
    return f"{base}{bounds}{optional}"


@dataclass
class Score:
    """What a spec kept of one entry's facts."""

    entry: str
    kept: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # "fact: expected ... got ..."
    flagged: bool = False  # the generator said it did not understand (review, or refused)
    by_model: bool = False  # the model's reading was used
    refused: str = ""  # why the model's reading was not used

    @property
    def understood(self) -> bool:
        return not self.lost


def expected_facts(entry: dict[str, Any]) -> dict[str, str]:
    """``fact key -> canonical value`` for one corpus entry."""
    expect = entry["expect"]
    models = expect.get("models", {}) or {}
    facts: dict[str, str] = {}
    for index, (op, body) in enumerate((expect.get("operations") or {}).items()):
        key = op if body.get("name_stated", True) else f"#{index}"
        facts[f"op {key}"] = "present"
        for side in ("inputs", "outputs"):
            for name, spec in (body.get(side) or {}).items():
                facts[f"op {key} {side[:-1]} {name}"] = canonical_type(str(spec), models)
    for dep in expect.get("dependencies") or ():
        facts[f"dependency {dep}"] = "present"
    for kind in ("subscribe", "publish"):
        for topic in expect.get(kind) or ():
            facts[f"{kind} {topic}"] = "present"
    if expect.get("name"):
        facts["name"] = expect["name"]
    return facts


def score(entry: dict[str, Any], facts_of_spec: dict[str, str]) -> Score:
    """Compare ``entry``'s facts with those the spec has (``spec_facts``)."""
    result = Score(entry=entry["id"])
    expected = expected_facts(entry)
    unnamed = [k.split(" ")[1] for k in expected if re.fullmatch(r"op #\d+", k)]
    mapping = _unnamed_operations(unnamed, expected, facts_of_spec)
    named = [k[3:] for k in expected if re.fullmatch(r"op [^#\s]\S*", k)]
    for op in named:  # lookupVehicle is the method lookup_vehicle (Python's names are snake)
        if f"op {op}" not in facts_of_spec and f"op {snake(op)}" in facts_of_spec:
            mapping[op] = snake(op)
    for key, want in expected.items():
        actual_key = key
        for placeholder, real in mapping.items():
            actual_key = re.sub(rf"^op {re.escape(placeholder)}\b", f"op {real}", actual_key)
        got = facts_of_spec.get(actual_key)
        if got == want:
            result.kept.append(key)
        else:
            result.lost.append(f"{key}: expected {want}, got {got}")
    return result


def _unnamed_operations(
    placeholders: list[str], expected: dict[str, str], actual: dict[str, str]
) -> dict[str, str]:
    """Match operations the prompt does not name to the spec's operations by their fields."""
    ops = [
        k.split(" ", 1)[1] for k, v in actual.items() if k.count(" ") == 1 and k.startswith("op ")
    ]
    mapping: dict[str, str] = {}
    for placeholder in placeholders:
        fields = {k.split(" ", 2)[2] for k in expected if k.startswith(f"op {placeholder} ")}

        def overlap(op: str, fields: set[str] = fields) -> int:
            return len(fields & {k.split(" ", 2)[2] for k in actual if k.startswith(f"op {op} ")})

        free = [op for op in ops if op not in mapping.values()]
        if free:
            mapping[placeholder] = max(free, key=overlap)
    return mapping


def spec_facts(spec: NodeSpec) -> dict[str, str]:
    """The facts a spec holds, in the corpus's terms (what ``expected_facts`` compares with)."""
    facts: dict[str, str] = {}
    for op in spec.operations:
        names = {op.name, getattr(op, "key", "") or op.name}
        for name in names:
            facts[f"op {name}"] = "present"
            for side, fields in (("input", op.inputs), ("output", getattr(op, "outputs", ()))):
                for f in fields:
                    written = getattr(f, "written", "") or f.name
                    facts[f"op {name} {side} {written}"] = field_type(spec, f)
    for dep in spec.dependencies:
        facts[f"dependency {dep.name}"] = "present"
    for kind, topics in (("subscribe", spec.subscribe_topics), ("publish", spec.publish_topics)):
        for topic in topics:
            for written in {topic.name, topic.source_name}:
                facts[f"{kind} {written}"] = "present"
    facts["name"] = spec.name.removeprefix("node_").removesuffix(f"_{spec.node_type.value}")
    return facts


def field_type(spec: NodeSpec, f: Any) -> str:
    """A spec field's type in the corpus grammar (canonical)."""
    models = {m.name: m for m in getattr(spec, "models", ())}
    return _field_type(f, models)


def _field_type(f: Any, models: dict[str, Any]) -> str:
    kind = getattr(f.type, "value", f.type)
    model = getattr(f, "model", None) or ""
    values = tuple(getattr(f, "enum", ()) or ())
    if model and model in models:
        subs = sorted(models[model].fields, key=lambda s: getattr(s, "written", "") or s.name)
        inner = ",".join(
            f"{getattr(sub, 'written', '') or sub.name}:{_field_type(sub, models)}" for sub in subs
        )
        base = "{" + inner + "}"
    elif values:
        base = "enum[" + ",".join(sorted(v.lower() for v in values)) + "]"
    else:
        base = str(kind)
    if f.is_list:
        base = f"list[{base}]"
    bounds = _bounds(f)
    return f"{base}{bounds}{'?' if f.optional else ''}"


def _bounds(f: Any) -> str:
    items = []
    for key in ("ge", "gt", "le", "lt", "min_length", "max_length", "format", "default"):
        value = getattr(f, key, None)
        if value is not None and value != "":
            items.append(f"{key}={_number(value)}")
    return "{" + ",".join(sorted(items)) + "}" if items else ""


def _number(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def load(path: Path = DATA / "heldout_corpus.yaml") -> list[dict[str, Any]]:
    """The corpus entries."""
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))
    return data


Reader = Callable[[str], NodeSpec]


def evaluate(entry: dict[str, Any], read: Reader = parse_prompt) -> Score:
    """Parse ``entry``'s prompt as the generator does (``read``) and score what it kept."""
    try:
        spec = read(entry["prompt"])
    except PromptError as exc:
        lost = [f"{key}: refused ({exc})" for key in expected_facts(entry)]
        return Score(entry=entry["id"], lost=lost, flagged=True)
    result = score(entry, spec_facts(spec))
    result.flagged = bool(spec.review)
    result.by_model = spec.reading.by == "model"
    result.refused = spec.reading.refused
    return result


@contextmanager
def model_reader() -> Iterator[tuple[Reader, ModelGateway]]:
    """A reader asking the model ``NODEGEN_LLM_*`` names (mode on), its answers cached in a
    temporary database; a ``ModelConfigError`` naming the setting when it cannot ask."""
    from codegen_assets.storage.model_gateway import open_gateway

    settings = ModelSettings().model_copy(update={"mode": "on"}).check()
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_gateway(settings, Path(tmp) / "answers.sqlite", "bench") as gateway,
    ):
        yield (lambda prompt: read_prompt(prompt, gateway=gateway)), gateway


def _usage(totals: UsageTotals, seconds: float, gateway: ModelGateway) -> str:
    return (
        f"{gateway.provider} {gateway.model}: {totals.requests} request(s), "
        f"{totals.input_tokens}+{totals.output_tokens} tokens, {totals.seconds:.1f} s asking "
        f"of {seconds:.1f} s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DATA / "heldout_corpus.yaml")
    parser.add_argument("--lost", action="store_true", help="list every fact lost")
    parser.add_argument(
        "--model", action="store_true", help="read with the model NODEGEN_LLM_* names, too"
    )
    args = parser.parse_args(argv)
    entries = load(args.corpus)
    console = Console()
    usage = ""
    started = time.monotonic()
    with logs_to_file("understanding"):
        if args.model:
            try:
                with model_reader() as (read, gateway):
                    scores = [evaluate(entry, read) for entry in entries]
                    usage = _usage(gateway.totals, time.monotonic() - started, gateway)
            except ModelConfigError as exc:
                console.print(f"error: {exc}", markup=False, highlight=False)
                sys.exit(2)
        else:
            scores = [evaluate(entry) for entry in entries]
    heading(console, "understanding")
    if args.lost:
        for result in scores:
            refused = [f"model's reading not used: {result.refused}"] if result.refused else []
            for line in [*result.lost, *refused]:
                console.print(
                    f"{result.entry} {line}", markup=False, highlight=False, soft_wrap=True
                )
    console.print(_table(args.corpus.name, entries, scores, model=args.model))
    if usage:
        console.print(usage, markup=False, highlight=False)


def _table(name: str, entries: list[dict[str, Any]], scores: list[Score], *, model: bool) -> Table:
    table = Table(title=f"Understanding: {name}" + (" (rules, then the model)" if model else ""))
    columns = ("type", "prompts", "understood", "asked anyway", "flagged", "silent", "facts")
    extra = ("by model", "refused") if model else ()
    for column in (*columns, "kept", "recall", *extra):
        table.add_column(column, justify="right" if column != "type" else "left")
    for kind in [*sorted({e["type"] for e in entries}), "all"]:
        rows = [s for s, e in zip(scores, entries, strict=True) if kind in ("all", e["type"])]
        facts = sum(len(s.kept) + len(s.lost) for s in rows)
        kept = sum(len(s.kept) for s in rows)
        counts = [str(sum(s.by_model for s in rows)), str(sum(bool(s.refused) for s in rows))]
        table.add_row(
            kind,
            str(len(rows)),
            str(sum(s.understood for s in rows)),
            str(sum(s.flagged and s.understood for s in rows)),
            str(sum(s.flagged and not s.understood for s in rows)),
            str(sum(not s.flagged and not s.understood for s in rows)),
            str(facts),
            str(kept),
            f"{100 * kept / facts:.1f} %" if facts else "-",
            *(counts if model else []),
        )
    return table


if __name__ == "__main__":
    main()
