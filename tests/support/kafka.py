"""Reading the generation events back from Kafka, and what one run's events must be."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from aiokafka import AIOKafkaConsumer

from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.validation.checks import ADVISORY_GATES, WEIGHTS
from codegen_assets.orchestration.kafka_mirror import KINDS, topic


class Collector:
    """A consumer in its own thread that keeps reading across broker restarts."""

    def __init__(self, bootstrap: str, env: str = "dev") -> None:
        self.bootstrap = bootstrap
        self.env = env
        self.messages: list[tuple[str, str, dict[str, Any]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)

    def __enter__(self) -> Collector:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=20)

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            *(topic(self.env, k) for k in KINDS),
            bootstrap_servers=self.bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            metadata_max_age_ms=500,
        )
        await consumer.start()
        try:
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        value = json.loads(record.value or b"{}")
                        self.messages.append((record.topic, (record.key or b"").decode(), value))
        finally:
            await consumer.stop()

    def workflow(self, workflow_id: str) -> list[dict[str, Any]]:
        """Envelopes of one workflow, first copy of each envelope id, in arrival order."""
        seen: set[str] = set()
        result = []
        for _topic, key, value in self.messages:
            if value["workflow_id"] == workflow_id and value["envelope_id"] not in seen:
                assert key == workflow_id
                seen.add(value["envelope_id"])
                result.append(value)
        return result

    def ids(self) -> set[str]:
        """Envelope ids consumed so far."""
        return {value["envelope_id"] for _topic, _key, value in self.messages}

    def wait(self, workflow_id: str, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.workflow(workflow_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"saw {len(self.workflow(workflow_id))} of {count} events")
            time.sleep(0.1)
        return self.workflow(workflow_id)


def assert_lifecycle(
    events: list[dict[str, Any]], workflow_id: str, *, arrival_order: bool = True
) -> None:
    stage_topic = [
        e["payload"]["stage_index"]
        for e in events
        if e["event_type"] == "NODE_GENERATION_STAGE_COMPLETED"
    ]
    if arrival_order:  # one topic-partition: arrival order is stage order
        assert stage_topic == sorted(stage_topic)
    events = sorted(events, key=lambda e: e["payload"]["sequence"])
    kinds = [e["event_type"] for e in events]
    assert kinds == (
        ["NODE_GENERATION_STARTED"]
        + ["NODE_GENERATION_STAGE_COMPLETED"] * len(STAGES)
        + ["NODE_GENERATION_COMPLETED"]
    )
    stages = [e["payload"]["stage_index"] for e in events[1:-1]]
    assert stages == list(range(1, len(STAGES) + 1))
    for event in events:
        assert event["version"] == "v1" and event["source"] == "onex-nodegen"
        assert (
            event["workflow_id"] == workflow_id and event["correlation_id"] and event["timestamp"]
        )
    checks = events[-1]["payload"]["checks"]
    assert len(checks) == 2 * len(WEIGHTS)  # two assets
    assert all(c["passed"] for c in checks if c["check"] not in ADVISORY_GATES)
