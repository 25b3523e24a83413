"""Structured logs carry the workflow's fields and render as JSON lines."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from codegen_assets.core.logs import FIELDS, JsonFormatter
from codegen_assets.core.models import GenerationOptions, NodeType
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.embedded import EmbeddedRunner
from tests.support.prompts import CHECKSUM

pytestmark = pytest.mark.e2e


def test_every_stage_is_logged_with_workflow_fields(
    nodegen_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="codegen_assets.orchestration.embedded")
    runner = EmbeddedRunner(NodegenSettings())
    request = runner.submit(
        CHECKSUM,
        GenerationOptions(node_type=NodeType.COMPUTE),
        tmp_path / "node",
        correlation_id="corr-1",
    )
    assert runner.run(request, timeout=120).success
    stage_records = [r for r in caplog.records if getattr(r, "stage", None)]
    assert [getattr(r, "stage", None) for r in stage_records] == list(STAGES)
    formatter = JsonFormatter()
    for record in stage_records:
        line = json.loads(formatter.format(record))
        assert line["workflow_id"] == request.request_id
        assert line["correlation_id"] == "corr-1"
        assert line["duration_seconds"] >= 0
        assert line["level"] == "INFO" and line["message"].startswith("stage ")
    final = json.loads(formatter.format(caplog.records[-1]))
    assert final["message"] == "generation finished" and final["error_type"] is None
    assert set(FIELDS) - {"stage"} <= set(final)
