"""One storage layer: every piece of state in the configured database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from codegen_assets.core.envelope import OnexEnvelopeV1
from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.db import engine_for
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.registry import NodeRegistry

REQUEST = GenerationRequest(request_id="r-1", prompt="p", correlation_id="c-1")
FILES = FileSet(files={"node.py": "x = 1\n"})


def _envelope() -> OnexEnvelopeV1:
    return OnexEnvelopeV1(
        envelope_id=str(uuid.uuid4()),
        event_type="NODE_GENERATION_STARTED",
        timestamp=datetime.now(UTC).isoformat(),
        correlation_id="c-1",
        workflow_id="r-1",
    )


def test_deployed_state_lives_in_postgresql_and_nothing_in_the_home(
    postgres_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("NODEGEN_HOME", str(home))
    monkeypatch.setenv("NODEGEN_DATABASE_URL", postgres_db)
    settings = NodegenSettings()
    store = ArtifactStore(settings.artifact_db)
    store.put_request(REQUEST)
    store.put_files("r-1", "demo", FILES, "disk full")
    outbox = Outbox(settings.outbox_db)
    outbox.add("dev.topic", _envelope())
    queue = RequestQueue(settings.queue_db)
    assert queue.record("d-1", "issue_comment", b"{}")
    NodeRegistry(settings.queue_db)
    # Another process with another home sees all of it.
    other = NodegenSettings(home=tmp_path / "other")
    assert ArtifactStore(other.artifact_db).get_request("r-1") == REQUEST
    assert ArtifactStore(other.artifact_db).get_files("r-1") == ("demo", FILES)
    assert Outbox(other.outbox_db).depth() == 1
    assert RequestQueue(other.queue_db).counts()["deliveries.new"] == 1
    tables = set(inspect(engine_for(postgres_db)).get_table_names())
    assert {
        "nodegen_requests",
        "nodegen_artifacts",
        "nodegen_outbox",
        "nodegen_outbox_cursors",
        "nodegen_deliveries",
        "nodegen_runs",
        "nodegen_delivered_nodes",
    } <= tables
    assert not home.exists() or not any(home.rglob("*.sqlite3"))


def test_the_earlier_queue_url_setting_still_names_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NODEGEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("NODEGEN_QUEUE_URL", "postgresql://db/nodegen")
    settings = NodegenSettings()
    assert settings.artifact_db == settings.queue_db == settings.outbox_db
    assert settings.artifact_db == "postgresql://db/nodegen"
