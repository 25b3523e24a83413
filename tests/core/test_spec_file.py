"""The spec as a file: what --explain prints reads back as the same node, the published JSON
Schema is the model's, and a spec that cannot be used is refused with the place named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codegen_assets.cli.generate import EXIT_INPUT, EXIT_OK, main
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.spec_file import (
    SpecFileError,
    dump_spec,
    is_spec,
    load_spec,
    schema_text,
)

SCHEMA = Path(__file__).resolve().parents[2] / "codegen_assets/core/schemas/node_spec.schema.json"
VAT = (
    "Compute node named vat_compute. Operation add_vat takes net_amount (decimal, > 0) and "
    "rate (decimal) and returns gross_amount = net_amount * (1 + rate), rounded to 2 decimal "
    "places. Example: net_amount 100.00 and rate 0.20 give gross_amount 120.00."
)


def test_the_published_schema_is_the_spec_files_own() -> None:
    assert json.loads(SCHEMA.read_text("utf-8")) == json.loads(schema_text()), (
        "regenerate it: python -m codegen_assets.core.understanding.spec_file"
    )


def test_an_explained_spec_reads_back_as_the_same_node() -> None:
    spec = parse_prompt(VAT)
    text = dump_spec(spec)
    assert is_spec(text) and text.startswith("# What onex-nodegen understood")
    again = load_spec(text)
    for key in ("name", "node_type", "operations", "models", "dependencies"):
        assert getattr(again, key) == getattr(spec, key), key
    (op,) = again.operations
    assert [f.expression for f in op.formulas] == ["net_amount * (1 + rate)"]


def test_names_not_placed_are_listed_for_the_reader() -> None:
    spec = parse_prompt("Compute node, operation `score` takes a (int). Mention widget_count.")
    assert spec.unplaced
    assert "# Not placed in any fact" in dump_spec(spec)


def _edited(change: dict[str, object]) -> str:
    data = yaml.safe_load(dump_spec(parse_prompt(VAT)))
    data.update(change)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("spec_version: 1\n: [", "not valid YAML"),
        ("spec_version: 1\n- a\n", "not valid YAML"),
        (_edited({"node_type": "gadget"}), "node_type"),
        (_edited({"name": "../../etc"}), "name"),
        (_edited({"operations": []}), "operations"),
        (
            _edited(
                {
                    "operations": [
                        {
                            "name": "add_vat",
                            "inputs": [{"name": "net_amount", "type": "decimal"}],
                            "outputs": [{"name": "gross_amount", "type": "decimal"}],
                            "formulas": [
                                {"output": "gross_amount", "expression": "__import__('os')"}
                            ],
                        }
                    ]
                }
            ),
            "operations.0.formulas.0",
        ),
    ],
)
def test_a_spec_that_cannot_be_used_is_refused_with_the_place_named(text: str, named: str) -> None:
    with pytest.raises(SpecFileError, match=named.replace(".", r"\.")):
        load_spec(text)


def test_explain_prints_the_spec_and_generates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_HOME", str(tmp_path / "home"))
    assert main([VAT, "--explain"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert load_spec(printed).name == "vat_compute"
    assert not (tmp_path / "home").exists()  # no run, no state


def test_a_bad_spec_file_is_an_input_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_HOME", str(tmp_path / "home"))
    spec = tmp_path / "node.yaml"
    spec.write_text(_edited({"name": "Not An Identifier!"}))
    code = main(["--spec", str(spec), "--output-dir", str(tmp_path / "out"), "--json"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == EXIT_INPUT and result["error_code"] == "INVALID_PROMPT"
    assert "name" in result["error_message"]
    assert not (tmp_path / "out").exists()
