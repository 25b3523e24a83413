"""Kafka mirroring against a real broker: content, order, and an outage that loses nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from codegen_assets.cli.events import EXIT_UNREACHABLE
from codegen_assets.cli.events import main as events_main
from codegen_assets.cli.generate import EXIT_OK, main
from codegen_assets.core.models import GenerationOptions, NodeType
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.deployments import local_resources
from codegen_assets.orchestration.embedded import EmbeddedRunner
from codegen_assets.orchestration.kafka_mirror import drain
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.schema import outbox as outbox_table
from github_app.demo.local import wait_for
from tests.support.kafka import Collector, assert_lifecycle
from tests.support.local_stack import TansuBroker
from tests.support.prompts import CHECKSUM

pytestmark = pytest.mark.e2e
PROMPT = CHECKSUM
STAGE_COUNT = len(STAGES)


def published_ids(outbox: Outbox) -> set[str]:
    query = select(outbox_table.c.envelope_id).where(outbox_table.c.published_at.is_not(None))
    with outbox.engine.connect() as db:
        return {str(row[0]) for row in db.execute(query)}


def test_every_generation_event_reaches_kafka_in_order(
    nodegen_home: Path,
    tmp_path: Path,
    kafka_broker: TansuBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NODEGEN_KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap)
    with Collector(kafka_broker.bootstrap) as collector:
        assert main([PROMPT, "--output-dir", str(tmp_path / "node"), "--json"]) == EXIT_OK
        workflow_id = json.loads(capsys.readouterr().out)["workflow_id"]
        events = collector.wait(workflow_id, STAGE_COUNT + 2)
    assert_lifecycle(events, workflow_id)
    assert Outbox(NodegenSettings().outbox_db).depth() == 0
    assert (
        events_main(
            [
                "--bootstrap",
                kafka_broker.bootstrap,
                "tail",
                "--workflow",
                workflow_id,
                "--from-beginning",
                "--timeout",
                "30",
            ]
        )
        == EXIT_OK
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert f"{workflow_id} started" in lines and f"{workflow_id} completed" in lines
    assert sum(f"{workflow_id} stage " in line for line in lines) == STAGE_COUNT
    last = f"{workflow_id} stage {STAGE_COUNT}/{STAGE_COUNT} {STAGES[-1]}"
    assert any(line.startswith(last) for line in lines)


def test_broker_outage_mid_run_loses_nothing(
    nodegen_home: Path, tmp_path: Path, kafka_broker: TansuBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap)
    monkeypatch.setenv("NODEGEN_KAFKA_FLUSH_SECONDS", "1")
    runner = EmbeddedRunner(NodegenSettings())
    options = GenerationOptions(node_type=NodeType.COMPUTE)
    with Collector(kafka_broker.bootstrap) as collector:
        first = runner.run(runner.submit(PROMPT, options, tmp_path / "a"), timeout=120)
        assert first.success
        collector.wait(first.workflow_id, STAGE_COUNT + 2)

        outbox = Outbox(NodegenSettings().outbox_db)

        def stop_broker_mid_run(stage: str, status: str, _ts: float) -> None:
            # While validation runs no event is emitted: let what was already published be
            # consumed (a memory broker forgets acknowledged messages when killed), then kill it.
            if stage == "validation_report" and status == "started":
                wait_for(
                    lambda: outbox.depth() == 0 and published_ids(outbox) <= collector.ids(),
                    30,
                    "published events to be consumed",
                )
                kafka_broker.stop()

        second = runner.run(
            runner.submit(PROMPT, options, tmp_path / "b"),
            timeout=120,
            on_stage=stop_broker_mid_run,
        )
        assert second.success, second.error_message  # generation does not depend on Kafka
        assert any("Kafka unreachable" in w for w in second.warnings)
        assert outbox.depth() >= 5  # at least validation_report … written_files and completed
        kafka_broker.start()  # a fresh, empty broker on the same port
        publisher = drain(outbox, kafka_broker.bootstrap, "dev")
        assert publisher.error is None and outbox.depth() == 0
        events = collector.wait(second.workflow_id, STAGE_COUNT + 2)
    # The outbox published in sequence order, before and after the outage.
    query = select(outbox_table.c.published_at).order_by(outbox_table.c.seq)
    with outbox.engine.connect() as db:
        published = [row[0] for row in db.execute(query)]
    assert published == sorted(published)
    assert_lifecycle(collector.workflow(first.workflow_id), first.workflow_id)
    # The restarted broker lost its log (memory storage), so the consumer's offsets jumped:
    # consumers order by the envelope's sequence, which is what this checks.
    assert_lifecycle(events, second.workflow_id, arrival_order=False)
    unique = {m[2]["envelope_id"] for m in collector.messages}
    assert len(unique) == 2 * (STAGE_COUNT + 2)


def test_tail_fails_fast_when_the_broker_is_unreachable(capsys: pytest.CaptureFixture[str]) -> None:
    from github_app.demo.local import free_port

    started = time.monotonic()
    code = events_main(["--bootstrap", f"127.0.0.1:{free_port()}", "tail"])
    assert code == EXIT_UNREACHABLE and time.monotonic() - started < 5
    assert "is unreachable" in capsys.readouterr().err


def test_mirror_sensor_publishes_runs_it_did_not_launch(
    nodegen_home: Path, tmp_path: Path, kafka_broker: TansuBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run started outside the CLI (e.g. a rerun from the UI) is mirrored by the sensor."""
    from dagster import build_sensor_context

    from codegen_assets.orchestration.sensors import kafka_mirror_sensor

    runner = EmbeddedRunner(NodegenSettings())  # Kafka not configured: nothing mirrored yet
    result = runner.run(
        runner.submit(PROMPT, GenerationOptions(node_type=NodeType.COMPUTE), tmp_path / "a"),
        timeout=120,
    )
    assert result.success
    monkeypatch.setenv("NODEGEN_KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap)
    with Collector(kafka_broker.bootstrap) as collector:
        resources = {"kafka": local_resources(NodegenSettings())["kafka"]}
        kafka_mirror_sensor(build_sensor_context(instance=runner.instance, resources=resources))
        events = collector.wait(result.workflow_id, STAGE_COUNT + 2)
    assert_lifecycle(events, result.workflow_id, arrival_order=False)
