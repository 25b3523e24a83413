"""bench.understanding --model against the loopback fake: the plumbing of scoring a corpus with
the model's reading (a real model's figures are measured wherever one is reachable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench.understanding import main
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import RECORD, record_spec

ENTRY = {
    "id": "parcel_record_haskell",
    "type": "compute",
    "prompt": RECORD,
    "expect": {
        "name": "shipping_quote",
        "operations": {
            "quote_shipping": {
                "inputs": {"parcel": "Parcel"},
                "outputs": {"cost": "decimal", "carrier": "string"},
            }
        },
        "models": {
            "Parcel": {"weightKg": "decimal", "lengthCm": "int", "destinationCountry": "string"}
        },
    },
}


def test_llm_bench_scores_a_corpus_with_the_models_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text(yaml.safe_dump([ENTRY]), encoding="utf-8")
    main(["--corpus", str(corpus)])
    rules = capsys.readouterr().out
    fake = FakeLLM([answer(json.dumps(record_spec()))])
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        main(["--corpus", str(corpus), "--model"])
    read = capsys.readouterr().out
    all_rules = next(line for line in rules.splitlines() if "│ all" in line).split("│")
    all_model = next(line for line in read.splitlines() if "│ all" in line).split("│")
    # type, prompts, understood, asked anyway, flagged, silent, facts, kept, recall[, by, refused]
    assert [c.strip() for c in all_rules[2:4]] == ["1", "0"]
    assert [c.strip() for c in all_model[2:4]] == ["1", "1"]
    assert [c.strip() for c in all_model[-3:-1]] == ["1", "0"]  # read by the model, none refused
    assert "openai fake-reader: 1 request(s)" in read
