"""The spec as a file a person reads and edits: what was understood from a prompt, as YAML
(``omninode-generate --explain``), and a node generated exactly from it (``--spec``).

The file holds the facts of a node (``SpecFile``; its JSON Schema is published in
``schemas/node_spec.schema.json``); what is derived from where the node goes (the repository's
style) or from reading (warnings, names not placed) is not in it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from pydantic import Field, ValidationError

from codegen_assets.core.models import (
    Dependency,
    Frozen,
    GenerationOptions,
    Metric,
    ModelSpec,
    NodeSpec,
    NodeType,
    Operation,
    PerformanceTargets,
    StyleConfig,
    Target,
    Topic,
)
from codegen_assets.core.naming import NameError_, identifier
from codegen_assets.core.understanding.behaviour import FormulaError, check_expression

SCHEMA_VERSION = 1
MAX_SPEC_BYTES = 256 * 1024


class SpecFileError(ValueError):
    """A spec file that cannot be read; the message names the place and the problem."""


class SpecFile(Frozen):
    """The editable facts of a node: ``omninode-generate --spec FILE`` generates exactly these."""

    spec_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    name: str
    node_type: NodeType
    description: str
    target: Target = Target.ONEX
    operations: tuple[Operation, ...] = Field(min_length=1)
    models: tuple[ModelSpec, ...] = ()
    subscribe_topics: tuple[Topic, ...] = ()
    publish_topics: tuple[Topic, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    metrics: tuple[Metric, ...] = ()
    performance: PerformanceTargets = PerformanceTargets()
    requirements: tuple[str, ...] = ()


_HEADER = """\
# What onex-nodegen understood from the request: edit it, then generate exactly this with
#   omninode-generate --spec THIS_FILE --output-dir DIR
# (or, on GitHub, reply with it in a yaml code block). Schema: schemas/node_spec.schema.json.
# Field types: string int float decimal bool uuid datetime date object; is_list, optional;
# enum: [values]; model: a name under models; bounds ge gt le lt min_length max_length.
"""


def dump_spec(spec: NodeSpec) -> str:
    """``spec`` as the documented YAML file (who read it, when a model was asked, as a comment
    at the top; names the prompt gave that no fact holds as comments at the end, for the
    reader to place)."""
    data = SpecFile.model_validate(
        {key: getattr(spec, key) for key in SpecFile.model_fields if hasattr(spec, key)}
    ).model_dump(mode="json", exclude_defaults=True)
    data = {"spec_version": SCHEMA_VERSION, **data}
    read = f"# {spec.reading.summary[0].upper()}{spec.reading.summary[1:]}.\n"
    text = _HEADER + (read if spec.reading.model else "")
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if spec.unplaced:
        text += "# Not placed in any fact (say what each is, or leave it out):\n"
        text += "".join(f"#   {item}\n" for item in spec.unplaced)
    return text


_MARK = re.compile(r"^spec_version\s*:", re.MULTILINE)


def is_spec(text: str) -> bool:
    """Whether ``text`` is a spec file (it sets ``spec_version``), not a request in words."""
    return _MARK.search(text) is not None


def load_spec(
    text: str, options: GenerationOptions | None = None, style: StyleConfig | None = None
) -> NodeSpec:
    """The node ``text`` (a spec file) describes; a SpecFileError naming what is wrong."""
    if len(text.encode("utf-8")) > MAX_SPEC_BYTES:
        raise SpecFileError(f"the spec is larger than {MAX_SPEC_BYTES // 1024} KiB")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecFileError(f"the spec is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecFileError("the spec must be a YAML mapping (name, node_type, operations, ...)")
    return spec_from_data(data, options, style)


def spec_from_data(
    data: dict[str, Any],
    options: GenerationOptions | None = None,
    style: StyleConfig | None = None,
) -> NodeSpec:
    """The node a spec file's data (parsed YAML, or a model's JSON) describes; a SpecFileError
    naming what is wrong."""
    try:
        found = SpecFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise SpecFileError(f"the spec does not fit its schema: {problems}") from exc
    _check_names(found)
    _check_formulas(found)
    chosen = (options or GenerationOptions()).model_copy(
        update={"node_type": found.node_type, "name": found.name, "target": found.target}
    )
    fields = {key: getattr(found, key) for key in SpecFile.model_fields if key != "spec_version"}
    return NodeSpec(**fields, options=chosen, style=style)


def _check_names(found: SpecFile) -> None:
    """Every name becomes an identifier as written (a spec is exact: nothing is renamed)."""
    names = [("name", found.name)]
    for i, op in enumerate(found.operations):
        names.append((f"operations.{i}.name", op.name))
        for side in ("inputs", "outputs"):
            for j, f in enumerate(getattr(op, side)):
                names.append((f"operations.{i}.{side}.{j}.name", f.name))
    for i, model in enumerate(found.models):
        names += [(f"models.{i}.fields.{j}.name", f.name) for j, f in enumerate(model.fields)]
    for where, name in names:
        try:
            usable = identifier(name, what="field" if ".name" in where and "." in where else where)
        except NameError_ as exc:
            raise SpecFileError(f"{where}: {exc}") from exc
        if usable != name:
            raise SpecFileError(f"{where}: {name!r} is not a usable identifier (try {usable!r})")


def _check_formulas(found: SpecFile) -> None:
    """A formula is arithmetic over its operation's inputs (checked, never evaluated)."""
    for i, op in enumerate(found.operations):
        names = {f.name for f in op.inputs}
        outputs = {f.name for f in op.outputs}
        for j, formula in enumerate(op.formulas):
            where = f"operations.{i}.formulas.{j}"
            if formula.output not in outputs:
                raise SpecFileError(f"{where}: {formula.output!r} is no output of {op.name}")
            try:
                check_expression(formula.expression, names)
            except FormulaError as exc:
                raise SpecFileError(f"{where}: {exc}") from exc


def spec_schema() -> dict[str, Any]:
    """The spec file's JSON Schema."""
    schema: dict[str, Any] = SpecFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "onex-nodegen node spec"
    return schema


def schema_text() -> str:
    """The spec file's JSON Schema, as published."""
    return json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # writes the published schema
    from pathlib import Path

    target = Path(__file__).parents[1] / "schemas" / "node_spec.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
